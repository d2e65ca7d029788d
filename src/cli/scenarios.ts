/**
 * Where the actions get their scenarios: a file or a built-in id, bad input
 * thrown as an InputError with every issue, and the built-ins in archetype order.
 * It loads the model (zod, yaml), so only actions import it, never a definition.
 */
import type { Issue } from '../model/issues.ts';
import type { ResolvedScenario } from '../model/load.ts';
import { readScenarioFile } from '../io/files.ts';
import { InputError } from './context.ts';

export interface LoadedScenario {
  scenario: ResolvedScenario;
  warnings: Issue[];
  /** the file or built-in id it came from */
  source: string;
}

/** Load a scenario file or built-in id; bad input throws an InputError with every issue. */
export function loadScenarioOrFail(pathOrId: string): LoadedScenario {
  const r = readScenarioFile(pathOrId);
  if (!r.ok) throw new InputError(r.issues);
  return { scenario: r.scenario, warnings: r.warnings, source: pathOrId };
}

export { builtinsInArchetypeOrder } from '../io/files.ts';
