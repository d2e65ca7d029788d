import { withEffectiveUncertainty } from './src/analysis/default-uncertainty.ts';
import { readScenarioFile } from './src/io/files.ts';
import { runMonteCarloOnQueue } from './src/queue/submit.ts';
const r = readScenarioFile('hyperscaler-base'); if (!r.ok) throw 1;
const s = withEffectiveUncertainty(r.scenario);
const url = process.argv[2]!;
for (let i = 0; i < 3; i++) {
  const t = performance.now(); let first = 0, last = 0;
  await runMonteCarloOnQueue(s, { n: 400000 }, { url, schema: 'qprof', workers: 2, onStart: () => (first = performance.now() - t), onProgress: (d, n) => { if (d === n) last = performance.now() - t; } });
  console.log('queue local 2: start', first.toFixed(0), 'gathered', last.toFixed(0), 'total', (performance.now() - t).toFixed(0));
}
