/**
 * Deterministic evaluations per second, per built-in archetype, on one core:
 * `evaluate` (the whole result of MODEL.md §4, every row) and
 * `evaluateSummary` (the summary and warnings, what the analyses' searches
 * read), both through the one computation of a year (`runFactory`).
 */
import { evaluate, evaluateSummary } from '../src/model/engine.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { builtinsInArchetypeOrder } from '../src/cli/scenarios.ts';
import { measure, type BenchRow } from './measure.ts';

export function engineBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const id of builtinsInArchetypeOrder()) {
    const r = readScenarioFile(id);
    if (!r.ok) throw new Error(`${id} does not load`);
    const s = r.scenario;
    const m = measure(() => evaluate(s));
    rows.push({
      name: `engine: evaluate ${id} (${s.horizon.years} years)`,
      perSecond: m.perSecond,
      unit: 'evaluations/s',
      detail: `${m.meanMicros.toFixed(1)} µs each; ${(m.perSecond * s.horizon.years).toFixed(0)} scenario-years/s`,
      ...(id === 'hyperscaler-base' ? { target: 50_000 } : {}),
    });
    const q = measure(() => evaluateSummary(s));
    rows.push({
      name: `engine: evaluateSummary ${id} (${s.horizon.years} years)`,
      perSecond: q.perSecond,
      unit: 'evaluations/s',
      detail: `${q.meanMicros.toFixed(1)} µs each; ${(q.perSecond * s.horizon.years).toFixed(0)} scenario-years/s`,
    });
  }
  return rows;
}
