/**
 * Monte Carlo throughput per built-in archetype, with the uncertainty blocks
 * of test/fixtures/mc-uncertainty.yaml (15–17 uncertain inputs each): samples
 * per second on one core (CPU time of sampling + columnar evaluation, and of
 * the whole run with its summary), with all cores (wall time of a whole run:
 * worker start-up, evaluation, merge and summary), and the plain engine's
 * evaluations per second beside it. Target (issue 4): ≥ 1,000,000
 * scenario-years per second per core.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parse } from 'yaml';
import type { DistributionSpec } from '../src/analysis/distributions.ts';
import { monteCarlo, prepareMonteCarlo, runChunk, summarizeMonteCarlo, type ChunkResult, type MonteCarloOptions } from '../src/analysis/monte-carlo.ts';
import { setInput } from '../src/analysis/paths.ts';
import { builtinsInArchetypeOrder } from '../src/cli/scenarios.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { runMonteCarloParallel } from '../src/io/mc-workers.ts';
import { evaluate } from '../src/model/engine.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { cpuMillis, measure, type BenchRow } from './measure.ts';

const SCENARIO_YEARS_PER_CORE = 1_000_000;

function load(id: string): ResolvedScenario {
  const r = readScenarioFile(id);
  if (!r.ok) throw new Error(`${id} does not load`);
  return r.scenario;
}

/** Rounds of a whole run measured after the first (which includes the JIT's warm-up). */
const ROUNDS = 7;

interface OneCore {
  /** samples/s of the first whole run, JIT warm-up included */
  first: number;
  /** samples/s of the later rounds, sorted: evaluation alone, and with the summary */
  evaluation: number[];
  withSummary: number[];
}

/**
 * Samples per second of CPU time on one core: every chunk of an n-sample run,
 * then its summary; a first run from cold, then ROUNDS runs of a warm JIT.
 * The figure is the fastest warm round, as `timeit` takes the fastest
 * repeat: on a shared virtual machine neighbours slow whole rounds down (by
 * 30–50 % on the machines this was measured on) and never speed one up, so the
 * fastest round is the one closest to what the code itself costs; the median
 * and the range are printed beside it.
 */
function oneCore(s: ResolvedScenario, options: MonteCarloOptions): OneCore {
  const prepared = prepareMonteCarlo(s, options);
  if (!prepared.ok) throw new Error(prepared.issues.map((i) => i.message).join('\n'));
  const plan = prepared.plan;
  const round = (): { evaluation: number; withSummary: number } => {
    const t0 = cpuMillis();
    const results: ChunkResult[] = [];
    for (let k = 0; k < plan.chunks.length; k++) results.push(runChunk(plan, k));
    const t1 = cpuMillis();
    summarizeMonteCarlo(plan, results);
    const t2 = cpuMillis();
    return { evaluation: (plan.n / (t1 - t0)) * 1000, withSummary: (plan.n / (t2 - t0)) * 1000 };
  };
  const first = round().evaluation;
  const rounds = Array.from({ length: ROUNDS }, round);
  const sorted = (xs: number[]): number[] => xs.sort((a, b) => a - b);
  return { first, evaluation: sorted(rounds.map((r) => r.evaluation)), withSummary: sorted(rounds.map((r) => r.withSummary)) };
}

const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)] as number;
const range = (sorted: readonly number[]): string => `${Math.round(sorted[0] as number).toLocaleString('en-US')}–${Math.round(sorted[sorted.length - 1] as number).toLocaleString('en-US')}`;

/**
 * `oneCore` in a fresh worker thread (its own JIT state, as in a real run of
 * one scenario; the archetypes measured before it do not pollute it). The
 * main thread waits idle, so the process's CPU time is the worker's.
 */
function oneCoreIsolated(id: string, options: MonteCarloOptions): Promise<OneCore> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const self = import.meta.url;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { id, options } });
    w.once('message', (m: OneCore) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

if (!isMainThread && parentPort !== null && (workerData as { id?: string } | null)?.id !== undefined) {
  const { id, options } = workerData as { id: string; options: MonteCarloOptions };
  parentPort.postMessage(oneCore(load(id), options));
}

export async function mcBench(): Promise<BenchRow[]> {
  const sets = parse(readFileSync(new URL('../test/fixtures/mc-uncertainty.yaml', import.meta.url), 'utf8')) as Record<string, Record<string, DistributionSpec>>;
  const cores = availableParallelism();
  const rows: BenchRow[] = [];
  for (const id of builtinsInArchetypeOrder()) {
    const distributions = sets[id];
    if (distributions === undefined) continue;
    const s = load(id);
    const T = s.horizon.years;
    const options: MonteCarloOptions = { n: 100_000, seed: 42, distributions };
    const one = await oneCoreIsolated(id, options);
    const engine = measure(() => evaluate(s), 1000);
    // the plain path a Monte Carlo would take without the columnar engine: setInput for each input, then evaluate
    const kept = monteCarlo(s, { ...options, n: 1000, keepSamples: true }).samples;
    if (kept === undefined) throw new Error('no samples kept');
    let k = 0;
    const plain = measure(() => {
      let sc = s;
      for (const x of kept.inputs) sc = setInput(sc, x.path, x.values[k] as number, x.mode);
      k = (k + 1) % 1000;
      return evaluate(sc);
    }, 1000);
    const evaluation = one.evaluation[one.evaluation.length - 1] as number;
    rows.push({
      name: `mc: ${id} (${T} years, ${Object.keys(distributions).length} uncertain inputs), 1 worker`,
      perSecond: evaluation,
      unit: 'samples/s',
      detail: `${Math.round(evaluation * T).toLocaleString('en-US')} scenario-years/s per core: the fastest of ${ROUNDS} warm runs of ${options.n?.toLocaleString('en-US')} samples; their median ${Math.round(median(one.evaluation)).toLocaleString('en-US')} (${Math.round(median(one.evaluation) * T).toLocaleString('en-US')} scenario-years/s), range ${range(one.evaluation)}; the first run from cold ${Math.round(one.first).toLocaleString('en-US')}; with the summary ${Math.round(median(one.withSummary)).toLocaleString('en-US')} samples/s (median; ${range(one.withSummary)}); plain engine ${Math.round(engine.perSecond).toLocaleString('en-US')} evaluations/s of the base scenario, ${Math.round(plain.perSecond).toLocaleString('en-US')} samples/s by setInput + evaluate (the columnar path: ${(evaluation / plain.perSecond).toFixed(1)}× that)`,
      target: SCENARIO_YEARS_PER_CORE / T,
    });
    const n = 400_000;
    const started = process.hrtime.bigint();
    const cpu0 = cpuMillis(); // the process's CPU time, every thread's
    const out = await runMonteCarloParallel(s, { ...options, n }, { workers: cores });
    const cpu = (cpuMillis() - cpu0) / 1000;
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    if (out.status !== 'done') throw new Error('the parallel run did not finish');
    rows.push({
      name: `mc: ${id}, all ${cores} cores (${out.workers} workers, wall time of a whole ${n.toLocaleString('en-US')}-sample run)`,
      perSecond: n / wall,
      unit: 'samples/s',
      detail: `${Math.round((n / wall) * T).toLocaleString('en-US')} scenario-years/s; ${wall.toFixed(2)} s including worker start-up and the summary; ${Math.round(n / cpu).toLocaleString('en-US')} samples per CPU-second over all threads`,
    });
  }
  return rows;
}
