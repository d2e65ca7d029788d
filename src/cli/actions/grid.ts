import { type GridAxis, grid } from '../../analysis/grid.ts';
import type { Issue } from '../../model/issues.ts';
import type { SummaryField } from '../../model/result.ts';
import { gridCsv, gridTable } from '../../report/analysis-tables.ts';
import { failOn, orInputError, parseRangeOption } from '../analysis-options.ts';
import type { GridOptions } from '../commands/grid.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';

export function gridAction(io: CliIO, file: string, opts: GridOptions): void {
  if (opts.json && opts.csv) throw new InputError('choose one of --json and --csv');
  const issues: Issue[] = [];
  const axis = (name: '--x' | '--y', text: string): GridAxis | undefined => {
    const r = parseRangeOption(name, text, true);
    if ('message' in r) {
      issues.push(r);
      return undefined;
    }
    return { path: r.path, lo: r.lo, hi: r.hi, n: r.n as number };
  };
  const x = axis('--x', opts.x);
  const y = axis('--y', opts.y);
  failOn(issues);
  const { subject: scenario, warnings } = loadSubjectOrFail(file);
  const report = orInputError(() =>
    grid(scenario, { x: x as GridAxis, y: y as GridAxis, metric: opts.metric as SummaryField, ...(opts.target !== undefined && { target: opts.target }) }),
  );
  if (opts.json) {
    io.out(json(report));
    return;
  }
  if (opts.csv) {
    io.out(gridCsv(report).trimEnd());
    return;
  }
  printWarnings(io, warnings);
  io.out(gridTable(report));
}
