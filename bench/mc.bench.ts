/**
 * Monte Carlo throughput per built-in archetype, with the uncertainty blocks
 * of test/fixtures/mc-uncertainty.yaml (15–17 uncertain inputs each): samples
 * per second on one core (CPU time of sampling + columnar evaluation, and of
 * the whole run with its summary), with all cores (wall time of a whole run:
 * worker start-up, evaluation, merge and summary), and the plain engine's
 * evaluations per second beside it. Target (issue 4): ≥ 1,000,000
 * scenario-years per second per core.
 *
 * And the summary alone (issue 18): the CPU time of the statistics computed
 * once every chunk has run — percentiles, histograms, Spearman importance —
 * at n = 200,000 on one thread, for the scenario and distributions
 * `../shared/bench/perf_ratio.sh` runs (the built-in without debt and its
 * own uncertainty block, the distributions of its `mc_flags.py`): as
 * `payback mc` samples them (the file has no uncertainty block, so the
 * default uncertainty is sampled with those added), and those alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parse } from 'yaml';
import { withEffectiveUncertainty } from '../src/analysis/default-uncertainty.ts';
import { type DistributionSpec, parseDistArgument } from '../src/analysis/distributions.ts';
import { ColumnGatherer, monteCarlo, prepareMonteCarlo, runChunk, summarizeColumns, summarizeMonteCarlo, type ChunkResult, type MonteCarloOptions } from '../src/analysis/monte-carlo.ts';
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

/** Samples of the summary's measure, and warm runs of it after the first. */
const SUMMARY_N = 200_000;
const SUMMARY_ROUNDS = 5;

/**
 * The scenario and distributions of `../shared/bench/perf_ratio.sh` for a
 * built-in: the scenario without its debt and its uncertainty block (as
 * `payback run --json` prints it), and the distributions its `mc_flags.py`
 * gives (prices lognormal with p5/p95 at e^∓0.2z, utilization, capex, power
 * price, software gain and wacc).
 */
function peerRun(id: string): { scenario: ResolvedScenario; distributions: Record<string, DistributionSpec> } {
  const s = load(id);
  const json = JSON.parse(JSON.stringify(s)) as Record<string, unknown> & { finance: Record<string, unknown> };
  delete json.finance.debt;
  delete json.uncertainty;
  const dir = mkdtempSync(join(tmpdir(), 'payback-bench-'));
  let scenario: ResolvedScenario;
  try {
    writeFileSync(join(dir, 's.json'), JSON.stringify(json));
    const r = readScenarioFile(join(dir, 's.json'));
    if (!r.ok) throw new Error(`${id} without debt does not load`);
    scenario = r.scenario;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const z = 1.6448536269514722;
  const lognormal = `lognormal:p5=${Math.exp(-z * 0.2)},p95=${Math.exp(z * 0.2)}`;
  const args = ['demand.utilization*=uniform:0.8,1.1'];
  for (const sg of scenario.demand.segments) {
    const pricing = sg.pricing as Record<string, unknown>;
    for (const k of ['perMTok', 'imputedPerMTok', 'perAcceleratorHour']) if (k in pricing) args.push(`demand.segments[${sg.id}].pricing.${k}*=${lognormal}`);
    if ('subscription' in pricing) args.push(`demand.segments[${sg.id}].pricing.subscription.arpuPerMonth*=${lognormal}`);
  }
  if (scenario.fleet.mode === 'own') args.push('fleet.capexPerAccelerator*=triangular:0.85,1,1.25');
  if ((scenario.site as { power?: { pricePerMWh?: unknown } }).power?.pricePerMWh !== undefined) args.push('site.power.pricePerMWh*=uniform:0.8,1.3');
  args.push(`serving.softwareGainPerYear=normal:${scenario.serving.softwareGainPerYear},0.05`);
  args.push(`finance.wacc=normal:${scenario.finance.wacc},0.01`);
  const distributions: Record<string, DistributionSpec> = {};
  for (const a of args) {
    const p = parseDistArgument(a);
    if (!p.ok) throw new Error(p.issue.message);
    distributions[p.path] = p.spec;
  }
  return { scenario, distributions };
}

interface SummaryTimes {
  drivers: number;
  /** CPU ms of the first summary (a cold JIT, as in a CLI process) */
  first: number;
  /** CPU ms of the later ones, sorted */
  warm: number[];
}

/**
 * CPU time of the summary of an n-sample run (its chunks gathered as a CLI
 * run gathers them): the first, then warm runs. `cli`: with the default
 * uncertainty `payback mc` adds to a scenario without a block.
 */
function summaryTimes(id: string, cli: boolean): SummaryTimes {
  const run = peerRun(id);
  const scenario = cli ? withEffectiveUncertainty(run.scenario) : run.scenario;
  const prepared = prepareMonteCarlo(scenario, { n: SUMMARY_N, seed: 42, distributions: run.distributions });
  if (!prepared.ok) throw new Error(prepared.issues.map((i) => i.message).join('\n'));
  const plan = prepared.plan;
  const g = new ColumnGatherer(plan);
  for (let k = 0; k < plan.chunks.length; k++) g.add(runChunk(plan, k, true));
  const cols = g.done();
  const once = (): number => {
    const t0 = cpuMillis();
    summarizeColumns(plan, cols);
    return cpuMillis() - t0;
  };
  const first = once();
  const warm = Array.from({ length: SUMMARY_ROUNDS }, once).sort((a, b) => a - b);
  return { drivers: plan.drivers.length, first, warm };
}

/**
 * `oneCore` (or `summaryTimes`) in a fresh worker thread (its own JIT state,
 * as in a real run of one scenario; the archetypes measured before it do not
 * pollute it). The main thread waits idle, so the process's CPU time is the
 * worker's.
 */
function isolated<T>(data: { id: string; options?: MonteCarloOptions; summary?: 'cli' | 'flags' }): Promise<T> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const self = import.meta.url;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: data });
    w.once('message', (m: T) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

const oneCoreIsolated = (id: string, options: MonteCarloOptions): Promise<OneCore> => isolated<OneCore>({ id, options });

if (!isMainThread && parentPort !== null && (workerData as { id?: string } | null)?.id !== undefined) {
  const { id, options, summary } = workerData as { id: string; options?: MonteCarloOptions; summary?: 'cli' | 'flags' };
  parentPort.postMessage(summary !== undefined ? summaryTimes(id, summary === 'cli') : oneCore(load(id), options as MonteCarloOptions));
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

/** The summary alone at n = 200,000 on one thread, for the two archetypes of perf_ratio.sh (`npm run bench -- mc-summary`). */
export async function mcSummaryBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const id of ['hyperscaler-base', 'neocloud-base']) {
    for (const summary of ['cli', 'flags'] as const) {
      const t = await isolated<SummaryTimes>({ id, summary });
      const what = summary === 'cli' ? `as payback mc samples it: the default uncertainty and mc_flags.py's, ${t.drivers} inputs` : `mc_flags.py's ${t.drivers} distributions alone`;
      rows.push({
        name: `mc summary: ${id}, n = ${SUMMARY_N.toLocaleString('en-US')}, one thread, perf_ratio.sh's scenario (${what}): percentiles, histograms, Spearman importance`,
        millis: t.warm[0] as number,
        unit: 'ms CPU',
        detail: `the fastest of ${SUMMARY_ROUNDS} warm runs after the chunks; their median ${median(t.warm).toFixed(0)} ms; the first from cold (as in a CLI process) ${t.first.toFixed(0)} ms`,
        target: 60,
      });
    }
  }
  return rows;
}
