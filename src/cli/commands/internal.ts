import type { Command } from 'commander';
import { INTERNAL_DEFAULT_STEPS, INTERNAL_MAX_STEPS, internalSweep } from '../../analysis/internal.ts';
import { internalTable } from '../../report/stack-tables.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

/** `--steps`: an integer from 2 to INTERNAL_MAX_STEPS, else bad input. */
function parseSteps(text: string | undefined): { steps: number } | { error: string } {
  if (text === undefined) return { steps: INTERNAL_DEFAULT_STEPS };
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 2 || n > INTERNAL_MAX_STEPS) {
    return { error: `expected an integer from 2 to ${INTERNAL_MAX_STEPS} (points from 0 to 80 % internal share), got "${text}"` };
  }
  return { steps: n };
}

export function internalCommand(program: Command, io: CliIO): void {
  program
    .command('internal')
    .description('internal inference: clean and strategic revenue, GP per MW and NPV as the internal share of tokens rises from 0 to 80 %')
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as hyperscaler-base')
    .option('--steps <n>', `points of the sweep from 0 to 80 % (default ${INTERNAL_DEFAULT_STEPS})`)
    .option('--json', 'print the sweep as JSON')
    .action((file: string, opts: { steps?: string; json?: boolean }) => {
      const steps = parseSteps(opts.steps);
      let loaded: ReturnType<typeof loadScenarioOrFail> | undefined;
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
    });
}
