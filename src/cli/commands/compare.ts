import type { Command } from 'commander';
import { evaluate } from '../../model/engine.ts';
import type { ModelResult } from '../../model/result.ts';
import { OPERATORS } from '../../model/schema.ts';
import { builtinScenarioIds } from '../../io/files.ts';
import { COMPARE_METRICS } from '../../report/metrics.ts';
import { compareTable, toCsv } from '../../report/terminal.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

/** The built-ins in the order of the archetypes (hyperscaler, frontier lab, neocloud, private factory). */
export function builtinsInArchetypeOrder(): string[] {
  const rank = (id: string): number => {
    const i = OPERATORS.findIndex((o) => id.startsWith(`${o}-`));
    return i < 0 ? OPERATORS.length : i;
  };
  return builtinScenarioIds().sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function compareCommand(program: Command, io: CliIO): void {
  program
    .command('compare')
    .description('scenarios side by side (default: the four built-in archetypes)')
    .argument('[scenarios...]', 'scenario files or built-in ids')
    .option('--json', 'print the summaries as JSON')
    .option('--csv', 'print the comparison as CSV (one row per scenario)')
    .action((files: string[], opts: { json?: boolean; csv?: boolean }) => {
      const ids = files.length > 0 ? files : builtinsInArchetypeOrder();
      // load every scenario first so that all bad inputs are reported together
      const loaded: ReturnType<typeof loadScenarioOrFail>[] = [];
      const issues = [];
      for (const f of ids) {
        try {
          loaded.push(loadScenarioOrFail(f));
        } catch (e) {
          if (e instanceof InputError) issues.push(...e.issues);
          else throw e;
        }
      }
      if (issues.length > 0) throw new InputError(issues);
      const results: ModelResult[] = loaded.map((l) => evaluate(l.scenario));
      if (opts.json) {
        io.out(json(results.map((r) => ({ id: r.scenario.id, name: r.scenario.name ?? r.scenario.id, operator: r.scenario.operator, summary: r.summary, warnings: r.warnings }))));
        return;
      }
      if (opts.csv) {
        const header = ['id', 'operator', ...COMPARE_METRICS.map((m) => m.key)];
        io.out(toCsv(header, results.map((r) => [r.scenario.id, r.scenario.operator, ...COMPARE_METRICS.map((m) => m.get(r))])).trimEnd());
        return;
      }
      for (const l of loaded) printWarnings(io, l.warnings, `warning (${l.source}): `);
      io.out(compareTable(results));
    });
}
