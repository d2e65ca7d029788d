/** `npm run bench`: every benchmark, its figure and its target. Targets live here, not in unit tests. */
import { cpus } from 'node:os';
import { engineBench } from './engine.bench.ts';
import { stackBench } from './stack.bench.ts';
import { analysisBench } from './analysis.bench.ts';
import { reportBench } from './report.bench.ts';
import { signalsBench } from './signals.bench.ts';
import { mcBench } from './mc.bench.ts';
import { queueBench } from './queue.bench.ts';
import { startupBench } from './startup.bench.ts';
import type { BenchRow } from './measure.ts';

const rows: BenchRow[] = [...engineBench(), ...stackBench(), ...analysisBench(), ...reportBench(), ...(await signalsBench()), ...(await mcBench()), ...(await queueBench()), ...startupBench()];

const fmt = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: x < 100 ? 2 : 0 });
console.log(`inference-payback benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'})\n`);
for (const r of rows) {
  const value = r.perSecond !== undefined ? `${fmt(r.perSecond)} ${r.unit}` : `${fmt(r.millis ?? 0)} ${r.unit}`;
  let verdict = '';
  if (r.target !== undefined) {
    const ok = r.perSecond !== undefined ? r.perSecond >= r.target : (r.millis ?? Infinity) <= r.target;
    verdict = `  [target ${r.perSecond !== undefined ? '≥' : '≤'} ${fmt(r.target)}: ${ok ? 'met' : 'MISSED'}]`;
  }
  console.log(`${r.name}\n    ${value}${r.detail ? `  (${r.detail})` : ''}${verdict}`);
}
