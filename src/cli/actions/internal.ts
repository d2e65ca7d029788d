import { INTERNAL_DEFAULT_STEPS, INTERNAL_MAX_STEPS, internalSweep } from '../../analysis/internal.ts';
import { internalTable } from '../../report/stack-tables.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { type LoadedScenario, loadScenarioOrFail } from '../scenarios.ts';

/** `--steps`: an integer from 2 to INTERNAL_MAX_STEPS, else bad input. */
function parseSteps(text: string | undefined): { steps: number } | { error: string } {
  if (text === undefined) return { steps: INTERNAL_DEFAULT_STEPS };
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 2 || n > INTERNAL_MAX_STEPS) {
    return { error: `expected an integer from 2 to ${INTERNAL_MAX_STEPS} (points from 0 to 80 % internal share), got "${text}"` };
  }
  return { steps: n };
}

export function internalAction(io: CliIO, file: string, opts: { steps?: string; json?: boolean }): void {
  const steps = parseSteps(opts.steps);
  let loaded: LoadedScenario | undefined;
  const issues = 'error' in steps ? [{ path: '--steps', message: steps.error }] : [];
  try {
    loaded = loadScenarioOrFail(file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    issues.push(...e.issues);
  }
  if (issues.length > 0 || loaded === undefined || 'error' in steps) throw new InputError(issues);
  const { scenario, warnings } = loaded;
  const sweep = internalSweep(scenario, { steps: steps.steps });
  if (opts.json) {
    io.out(json(sweep));
    return;
  }
  printWarnings(io, warnings);
  io.out(internalTable(sweep, scenario.name ?? scenario.id));
}
