import { type DriverRange, tornado } from '../../analysis/tornado.ts';
import { parseNumberText } from '../../analysis/targets.ts';
import type { Issue } from '../../model/issues.ts';
import type { SummaryField } from '../../model/result.ts';
import { tornadoTable } from '../../report/analysis-tables.ts';
import { failOn, orInputError, parseRangeOption } from '../analysis-options.ts';
import type { TornadoOptions } from '../commands/tornado.ts';
import { type CliIO, json, printWarnings } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';

export function tornadoAction(io: CliIO, file: string, opts: TornadoOptions): void {
  const issues: Issue[] = [];
  const swing = parseNumberText(opts.swing);
  if (swing === undefined) issues.push({ path: '', message: `--swing: ${JSON.stringify(opts.swing)} is not a number; expected a fraction such as 0.2 (±20 %)`, code: 'bad_swing' });
  const ranges: DriverRange[] = [];
  for (const text of opts.range) {
    const r = parseRangeOption('--range', text, false);
    if ('message' in r) issues.push(r);
    else ranges.push({ path: r.path, lo: r.lo, hi: r.hi });
  }
  failOn(issues);
  const { subject: scenario, warnings } = loadSubjectOrFail(file);
  const report = orInputError(() =>
    tornado(scenario, { metric: opts.metric as SummaryField, swing: swing as number, ranges, drivers: opts.driver }),
  );
  if (opts.json) {
    io.out(json(report));
    return;
  }
  printWarnings(io, warnings);
  io.out(tornadoTable(report));
}
