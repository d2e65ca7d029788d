/**
 * The signal monitor's store on SQLite (temporary files, never ./.payback/):
 * importing 100,000 observations from CSV (check every row, then one
 * transaction), and `signals status` over a store of 1,000,000 observations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readScenarioFile } from '../src/io/files.ts';
import { loadSignalDefinitions } from '../src/io/signal-files.ts';
import { readObservationsCsv } from '../src/signals/import.ts';
import { statusFromStore } from '../src/store/evidence.ts';
import { openStore } from '../src/store/open.ts';
import type { ObservationInput } from '../src/store/types.ts';
import type { BenchRow } from './measure.ts';

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
/** CPU time (user + system) since `from`, ms: the figure that does not grow when other work shares the cores. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A plausible value of each signal, moving with i. */
const LEVEL: Record<string, number> = {
  'api-price': 3,
  'gpu-hour-price': 2.5,
  utilization: 0.8,
  'capex-per-mw': 35e6,
  'gp-per-mw': 3e6,
  'depreciation-life': 5,
  'lease-rate': 160,
  'cost-of-debt': 0.09,
  'power-price': 85,
  'token-volume': 1e15,
  'paid-share': 0.3,
};

/** `count` observations over all signals, 20 scopes each (some naming the neocloud: gb200, its segments), daily dates. */
function population(count: number, units: Map<string, string>): ObservationInput[] {
  const signals = [...units.keys()];
  const scopes = ['gb200 3-yr rental', 'term-contracts', 'on-demand', 'h100 1-yr contract', ...Array.from({ length: 16 }, (_, k) => `market ${k}`)];
  const rows: ObservationInput[] = [];
  const day0 = Date.UTC(2014, 0, 1);
  const perSeries = Math.ceil(count / (signals.length * scopes.length));
  for (let i = 0; i < count; i++) {
    const signal = signals[i % signals.length] as string;
    const scope = scopes[Math.floor(i / signals.length) % scopes.length] as string;
    const k = Math.floor(i / (signals.length * scopes.length));
    const date = new Date(day0 + Math.floor((k * 4600) / perSeries) * 86_400_000).toISOString().slice(0, 10);
    rows.push({ signal, scope, date, value: (LEVEL[signal] ?? 1) * (0.8 + 0.4 * ((i * 7919) % 1000) / 1000), unit: units.get(signal) as string, source: 'bench' });
  }
  return rows;
}

export async function signalsBench(): Promise<BenchRow[]> {
  const defs = loadSignalDefinitions();
  const units = new Map(defs.map((d) => [d.id, d.unit]));
  const dir = mkdtempSync(join(tmpdir(), 'payback-bench-'));
  const rows: BenchRow[] = [];
  try {
    // 1. import 100,000 observations: CSV text → checked rows → one transaction
    const csv = ['signal,scope,date,value,unit,source', ...population(100_000, units).map((r) => `${r.signal},${r.scope},${r.date},${r.value},${r.unit},${r.source}`)].join('\n');
    const runs: { parse: number; write: number; cpu: number }[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const store = await openStore({ db: join(dir, `import-${rep}.db`) });
      const cpu0 = process.cpuUsage();
      let t = process.hrtime.bigint();
      const parsed = readObservationsCsv(csv, defs, { file: 'bench.csv' });
      if (parsed.issues.length > 0) throw new Error(`bench CSV has issues: ${parsed.issues[0]?.message}`);
      const parse = ms(t);
      t = process.hrtime.bigint();
      const r = await store.addObservations(parsed.rows);
      const write = ms(t);
      if (r.added !== 100_000) throw new Error(`imported ${r.added}, expected 100,000`);
      runs.push({ parse, write, cpu: cpuMs(cpu0) });
      await store.close();
    }
    const total = median(runs.map((r) => r.parse + r.write));
    rows.push({
      name: 'signals: import 100,000 observations (SQLite, CSV checked, one transaction)',
      millis: total,
      unit: 'ms',
      detail: `check ${median(runs.map((r) => r.parse)).toFixed(0)} ms + write ${median(runs.map((r) => r.write)).toFixed(0)} ms, median of 3 (CPU ${median(runs.map((r) => r.cpu)).toFixed(0)} ms); ${((100_000 / total) * 1000).toFixed(0)} rows/s`,
      target: 5000,
    });

    // 2. status over 1,000,000 stored observations
    const store = await openStore({ db: join(dir, 'million.db') });
    let t = process.hrtime.bigint();
    const all = population(1_000_000, units);
    for (let i = 0; i < all.length; i += 100_000) await store.addObservations(all.slice(i, i + 100_000));
    const build = ms(t);
    const count = await store.countObservations();
    const loaded = readScenarioFile('neocloud-base');
    if (!loaded.ok) throw new Error('neocloud-base does not load');
    const scenario = loaded.scenario;
    const asOf = '2026-11-30';
    const times: number[] = [];
    const cpus: number[] = [];
    let rowsOut = 0;
    for (let rep = 0; rep < 9; rep++) {
      const cpu0 = process.cpuUsage();
      t = process.hrtime.bigint();
      const report = await statusFromStore(store, scenario, defs, asOf);
      times.push(ms(t));
      cpus.push(cpuMs(cpu0));
      rowsOut = report.rows.length;
    }
    const queries: number[] = [];
    for (let rep = 0; rep < 9; rep++) {
      t = process.hrtime.bigint();
      const latest = await store.latestBySeries({ asOf, signals: defs.map((d) => d.id) });
      for (const s of defs.slice(0, rowsOut)) await store.listObservations({ signal: s.id, scope: latest.find((l) => l.signal === s.id)?.scope ?? '', from: '2025-11-30', to: asOf });
      queries.push(ms(t));
    }
    rows.push({
      name: `signals: status neocloud-base over ${count.toLocaleString('en-US')} stored observations (SQLite)`,
      millis: median(times.slice(1)),
      unit: 'ms',
      detail: `median of 8 warm runs (CPU ${median(cpus.slice(1)).toFixed(0)} ms), first ${times[0]?.toFixed(0)} ms; store queries alone ${median(queries).toFixed(1)} ms, the rest is expected paths and breakeven tripwires; ${rowsOut} signals; store built in ${(build / 1000).toFixed(1)} s`,
      target: 200,
    });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
