/**
 * The status of a scenario's signals from a store: fetch the latest row of
 * each series, let the pure planner pick what each signal reads, fetch those
 * series' trend windows, and compute (src/signals/status.ts).
 */
import type { Scenario } from '../model/schema.ts';
import type { SignalDefinition } from '../signals/definitions.ts';
import { evidencePlan, seriesKey, signalStatus, type StatusReport } from '../signals/status.ts';
import type { Observation, ObservationStore } from './types.ts';

/**
 * @example
 * const report = await statusFromStore(store, scenario, loadSignalDefinitions(), '2026-11-30');
 * report.rows.map((r) => [r.signal, r.status]);
 */
export async function statusFromStore(store: ObservationStore, scenario: Scenario, definitions: readonly SignalDefinition[], asOf: string): Promise<StatusReport> {
  const latest = await store.latestBySeries({ asOf, signals: definitions.map((d) => d.id) });
  const plan = evidencePlan(definitions, scenario, latest, asOf);
  const windows = new Map<string, Observation[]>();
  await Promise.all(
    plan.map(async (p) => {
      const rows = await store.listObservations({ signal: p.signal, scope: p.window.scope, from: p.window.from, to: p.window.to });
      windows.set(seriesKey(p.signal, p.window.scope), rows);
    }),
  );
  return signalStatus({ scenario, definitions, asOf, latest, windows });
}
