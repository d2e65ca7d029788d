/**
 * `npm run bench`: every benchmark, its figure and its target. Targets live
 * here, not in unit tests. `npm run bench -- api dashboard` runs only the
 * groups named (engine, portfolio, stack, analysis, report, signals, mc, mc-summary, mc-process,
 * queue, startup, api, dashboard).
 */
import { cpus, loadavg } from 'node:os';
import { engineBench } from './engine.bench.ts';
import { portfolioBench } from './portfolio.bench.ts';
import { stackBench } from './stack.bench.ts';
import { analysisBench } from './analysis.bench.ts';
import { reportBench } from './report.bench.ts';
import { signalsBench } from './signals.bench.ts';
import { mcBench, mcSummaryBench } from './mc.bench.ts';
import { mcProcessBench } from './mc-process.bench.ts';
import { queueBench } from './queue.bench.ts';
import { startupBench } from './startup.bench.ts';
import { apiBench } from './api.bench.ts';
import { dashboardBench } from './dashboard.bench.ts';
import type { BenchRow } from './measure.ts';

const GROUPS: [string, () => BenchRow[] | Promise<BenchRow[]>][] = [
  ['engine', engineBench],
  ['portfolio', portfolioBench],
  ['stack', stackBench],
  ['analysis', analysisBench],
  ['report', reportBench],
  ['signals', signalsBench],
  ['mc', mcBench],
  ['mc-summary', mcSummaryBench],
  ['mc-process', mcProcessBench],
  ['queue', queueBench],
  ['startup', startupBench],
  ['api', apiBench],
  ['dashboard', dashboardBench],
];
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !GROUPS.some(([name]) => name === a));
if (unknown.length > 0) throw new Error(`no bench group ${unknown.join(', ')} (groups: ${GROUPS.map(([name]) => name).join(', ')})`);
const rows: BenchRow[] = [];
for (const [name, run] of GROUPS) if (asked.length === 0 || asked.includes(name)) rows.push(...(await run()));

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: x < 100 ? 2 : 0 });
console.log(`inference-payback benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end\n`);
for (const r of rows) {
  const value = r.perSecond !== undefined ? `${fmt(r.perSecond)} ${r.unit}` : `${fmt(r.millis ?? 0)} ${r.unit}`;
  let verdict = '';
  if (r.target !== undefined) {
    const ok = r.perSecond !== undefined ? r.perSecond >= r.target : (r.millis ?? Infinity) <= r.target;
    verdict = `  [target ${r.perSecond !== undefined ? '≥' : '≤'} ${fmt(r.target)}: ${ok ? 'met' : 'MISSED'}]`;
  }
  console.log(`${r.name}\n    ${value}${r.detail ? `  (${r.detail})` : ''}${verdict}`);
}
