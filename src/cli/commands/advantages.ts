import type { Command } from 'commander';
import { advantages } from '../../analysis/advantages.ts';
import type { Issue } from '../../model/issues.ts';
import { advantagesTable } from '../../report/stack-tables.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

/** The reference when `--vs` is not given. */
export const DEFAULT_REFERENCE = 'hyperscaler-base';

export function advantagesCommand(program: Command, io: CliIO): void {
  program
    .command('advantages')
    .description('structural advantages: the Shapley attribution of the NPV-per-MW difference to power, silicon, distribution, pricing and balance sheet')
    .argument('<scenario>', 'the operator: a scenario file (YAML or JSON) or a built-in id')
    .option('--vs <reference>', `the reference scenario file or built-in id (default ${DEFAULT_REFERENCE})`)
    .option('--json', 'print the attribution as JSON')
    .action((file: string, opts: { vs?: string; json?: boolean }) => {
      // load both first so that every bad input is reported together
      const issues: Issue[] = [];
      const load = (f: string): ReturnType<typeof loadScenarioOrFail> | undefined => {
        try {
          return loadScenarioOrFail(f);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          issues.push(...e.issues.map((i) => (i.file === undefined && i.path === '' ? { ...i, path: f === file ? '<scenario>' : '--vs' } : i)));
          return undefined;
        }
      };
      const op = load(file);
      const ref = load(opts.vs ?? DEFAULT_REFERENCE);
      if (op === undefined || ref === undefined) throw new InputError(issues);
      const a = advantages(op.scenario, ref.scenario);
      if (opts.json) {
        io.out(json(a));
        return;
      }
      printWarnings(io, op.warnings, `warning (${op.source}): `);
      printWarnings(io, ref.warnings, `warning (${ref.source}): `);
      io.out(advantagesTable(a));
    });
}
