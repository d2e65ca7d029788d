/**
 * A scenario's evidence from a store: fetch the latest row of each series,
 * let the pure planner pick what each signal reads, fetch those series' trend
 * windows; then the status (src/signals/status.ts) or the nowcast
 * (src/signals/nowcast.ts) is computed from them.
 */
import type { Scenario } from '../model/schema.ts';
import type { SignalDefinition } from '../signals/definitions.ts';
import { type Nowcast, nowcast } from '../signals/nowcast.ts';
import { evidencePlan, seriesKey, signalStatus, type StatusReport } from '../signals/status.ts';
import type { Observation, ObservationStore } from './types.ts';

/** What the status and the nowcast read from a store, up to `asOf`. */
export interface Evidence {
  latest: Observation[];
  windows: Map<string, Observation[]>;
}

/**
 * @example
 * const { latest, windows } = await evidenceFromStore(store, scenario, loadSignalDefinitions(), '2026-11-30');
 */
export async function evidenceFromStore(store: ObservationStore, scenario: Scenario, definitions: readonly SignalDefinition[], asOf: string): Promise<Evidence> {
  const latest = await store.latestBySeries({ asOf, signals: definitions.map((d) => d.id) });
  const plan = evidencePlan(definitions, scenario, latest, asOf);
  const windows = new Map<string, Observation[]>();
  await Promise.all(
    plan.map(async (p) => {
      const rows = await store.listObservations({ signal: p.signal, scope: p.window.scope, from: p.window.from, to: p.window.to });
      windows.set(seriesKey(p.signal, p.window.scope), rows);
    }),
  );
  return { latest, windows };
}

/**
 * @example
 * const report = await statusFromStore(store, scenario, loadSignalDefinitions(), '2026-11-30');
 * report.rows.map((r) => [r.signal, r.status]);
 */
export async function statusFromStore(store: ObservationStore, scenario: Scenario, definitions: readonly SignalDefinition[], asOf: string): Promise<StatusReport> {
  const e = await evidenceFromStore(store, scenario, definitions, asOf);
  return signalStatus({ scenario, definitions, asOf, ...e });
}

/**
 * @example
 * const n = await nowcastFromStore(store, scenario, loadSignalDefinitions(), '2026-11-30');
 * [n.npvBase, n.npvNow, n.attribution];
 */
export async function nowcastFromStore(
  store: ObservationStore,
  scenario: Scenario,
  definitions: readonly SignalDefinition[],
  asOf: string,
  opts: { includeProxies?: boolean } = {},
): Promise<Nowcast> {
  const e = await evidenceFromStore(store, scenario, definitions, asOf);
  return nowcast({ scenario, definitions, asOf, ...e, includeProxies: opts.includeProxies === true });
}

/**
 * Why there is no evidence to nowcast from up to `asOf` (an empty store, or an
 * as-of day before every observation), or null when there is some.
 */
export async function noEvidence(store: ObservationStore, definitions: readonly SignalDefinition[], asOf: string): Promise<string | null> {
  if ((await store.latestBySeries({ asOf, signals: definitions.map((d) => d.id) })).length > 0) return null;
  const total = await store.countObservations();
  return total === 0
    ? "the store holds no observations: nothing to nowcast from; try `payback signals seed`"
    : `${asOf} is before every observation in the store (${total} of them, all later): nothing to nowcast from`;
}
