/** Breakeven tables, a 21×21 grid and `setInput`, per built-in archetype: the targets of issue 3. */
import { breakeven } from '../src/analysis/breakeven.ts';
import { uncertaintyFor } from '../src/analysis/default-uncertainty.ts';
import { designPoint } from '../src/analysis/design-point.ts';
import { grid } from '../src/analysis/grid.ts';
import { setInput } from '../src/analysis/paths.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { builtinsInArchetypeOrder } from '../src/cli/scenarios.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { measure, timeMillis, type BenchRow } from './measure.ts';

function load(id: string): ResolvedScenario {
  const r = readScenarioFile(id);
  if (!r.ok) throw new Error(`${id} does not load`);
  return r.scenario;
}

/** Median ms after the JIT has settled: timeMillis warms up with one call, these analyses need a few. */
function steadyMillis(fn: () => unknown): number {
  for (let i = 0; i < 10; i++) fn();
  return timeMillis(fn, 9);
}

export function analysisBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const id of builtinsInArchetypeOrder()) {
    const s = load(id);
    const report = breakeven(s);
    rows.push({
      name: `analysis: default breakeven table (npv>=0) ${id}`,
      millis: steadyMillis(() => breakeven(s)),
      unit: 'ms',
      detail: `${report.rows.length} drivers, ${report.evaluations} evaluations`,
      target: 50,
    });
  }
  for (const id of builtinsInArchetypeOrder()) {
    const s = load(id);
    const distributions = uncertaintyFor(s).distributions;
    const d = designPoint(s, { n: 0, distributions });
    rows.push({
      name: `analysis: design point search (FORM, no Monte Carlo) ${id}`,
      millis: timeMillis(() => designPoint(s, { n: 0, distributions }), 3),
      unit: 'ms',
      detail: `${d.inputs.length} uncertain inputs, ${d.branches.length || 1} combination(s) of discrete values, ${d.solver.evaluations} evaluations`,
    });
  }
  const s = load('hyperscaler-base');
  const axes = {
    x: { path: 'demand.utilization', lo: 0.3, hi: 0.95, n: 21 },
    y: { path: 'fleet.capexPerAccelerator', lo: 20_000, hi: 100_000, n: 21 },
  };
  rows.push({
    name: 'analysis: 21×21 grid of npv, utilization × capex per accelerator, hyperscaler-base',
    millis: steadyMillis(() => grid(s, axes)),
    unit: 'ms',
    detail: '442 evaluations',
    target: 100,
  });
  const path = 'demand.segments[cloud-api].pricing.perMTok';
  const set = measure(() => setInput(s, path, 2.1), 1000);
  const clone = measure(() => structuredClone(s), 1000);
  rows.push({
    name: `analysis: setInput ${path}, hyperscaler-base`,
    perSecond: set.perSecond,
    unit: 'calls/s',
    detail: `${set.meanMicros.toFixed(2)} µs each; a structuredClone of the scenario takes ${clone.meanMicros.toFixed(1)} µs`,
  });
  return rows;
}
