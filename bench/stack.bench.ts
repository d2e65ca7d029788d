/** The payback stack, the internal sweep and the Shapley attribution, ms each per built-in archetype. */
import { advantages } from '../src/analysis/advantages.ts';
import { internalSweep } from '../src/analysis/internal.ts';
import { paybackStack } from '../src/analysis/payback-stack.ts';
import { DEFAULT_REFERENCE } from '../src/cli/commands/advantages.ts';
import { builtinsInArchetypeOrder } from '../src/cli/scenarios.ts';
import { readScenarioFile } from '../src/io/files.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { measure, type BenchRow } from './measure.ts';

const load = (id: string): ResolvedScenario => {
  const r = readScenarioFile(id);
  if (!r.ok) throw new Error(`${id} does not load`);
  return r.scenario;
};

export function stackBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  const reference = load(DEFAULT_REFERENCE);
  const ms = (fn: () => unknown): { millis: number; runs: number } => {
    const m = measure(fn, 500);
    return { millis: m.meanMicros / 1000, runs: m.runs };
  };
  for (const id of builtinsInArchetypeOrder()) {
    const s = load(id);
    const a = ms(() => advantages(s, reference));
    rows.push({ name: `advantages: Shapley ${id} vs ${DEFAULT_REFERENCE} (32 evaluations)`, millis: a.millis, unit: 'ms', detail: `mean of ${a.runs} runs`, target: 10 });
    const p = ms(() => paybackStack(s));
    rows.push({ name: `payback stack: ${id}`, millis: p.millis, unit: 'ms', detail: `mean of ${p.runs} runs` });
    const w = ms(() => internalSweep(s));
    rows.push({ name: `internal sweep: ${id} (9 steps)`, millis: w.millis, unit: 'ms', detail: `mean of ${w.runs} runs` });
  }
  return rows;
}
