/**
 * Where the actions get their scenarios: a file or a built-in id, bad input
 * thrown as an InputError with every issue, and the built-ins in archetype order.
 * It loads the model (zod, yaml), so only actions import it, never a definition.
 */
import { evaluate, nonFiniteIssues } from '../model/engine.ts';
import type { Issue } from '../model/issues.ts';
import type { ResolvedScenario } from '../model/load.ts';
import type { ModelResult } from '../model/result.ts';
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

/** Evaluate a scenario; a result with values that overflow is bad input (MODEL.md §2), thrown as an InputError. */
export function evaluateOrFail(scenario: ResolvedScenario): ModelResult {
  const r = evaluate(scenario);
  const problems = nonFiniteIssues(r);
  if (problems.length > 0) throw new InputError(problems);
  return r;
}

export { archetypeBaseCases, builtinsInArchetypeOrder } from '../io/files.ts';
