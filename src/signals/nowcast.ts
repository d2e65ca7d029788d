/**
 * The nowcast (MODEL.md §6): the scenario re-run with each signal's latest
 * like-for-like observation in place of its assumption, and the change in
 * npv attributed to the signals that moved by an exact Shapley value, so
 * that "the evidence moved npv from X to Y, mostly through the power price"
 * adds up to the cent.
 *
 * Which observation: the one the status scores (src/signals/status.ts), when
 * it is like for like — a direct observation of the scenario's own scope.
 * A proxy (market evidence, another operator class or accelerator) is placed
 * only when asked (`includeProxies`), labelled; a proxy unit (a share of
 * users for a share of tokens) never. Where it goes: the signal's `driver` input (signals.yaml), set
 * so that the scenario's own expected value of the signal at the
 * observation's date equals what was observed — the price path re-anchored
 * at the observation with its yearly change kept, a utilization ramp scaled
 * with its shape kept, capex per accelerator scaled to the observed capex per
 * MW (on the basis compared). A signal with no driver in the scenario (gross
 * profit per MW: a result of every input) is listed, not placed.
 */
import { type Driver, makeDriver } from '../analysis/drivers.ts';
import { setInput } from '../analysis/paths.ts';
import { evaluate, evaluateSummary } from '../model/engine.ts';
import type { Scenario } from '../model/schema.ts';
import type { SignalDefinition } from './definitions.ts';
import { expectedInYear, linkSignal, type LinkedSignal, signalDriver, yearAt } from './link.ts';
import type { Basis, Observation } from './observation.ts';
import { type SignalStatus, signalStatus, type StatusInput } from './status.ts';
import { millions } from '../model/format.ts';

/** One signal's observation put in the scenario in place of its assumption. */
export interface NowcastPlacement {
  signal: string;
  label: string;
  segment: string | null;
  observation: Observation;
  match: 'direct' | 'proxy';
  scopeNote: string | null;
  /** The input set, and how (`scale`: a Series given year by year, its shape kept). */
  driver: string;
  mode: 'set' | 'scale';
  /** The driver's value in the scenario (a Series: its mean) and placed (what makes the signal read `observed`). */
  from: number;
  to: number;
  /** The `setInput` value: `to` itself, or for `scale` the multiplier of the path. */
  setting: number;
  /** What the signal read at the observation's date: the scenario's expectation and the observation (on the basis compared). */
  expected: number;
  observed: number;
  /** The placement was clipped to the driver's valid range (`low`/`high`), or rounded to a whole number. */
  adjusted: 'low' | 'high' | 'rounded' | null;
}

/** One signal's share of the change: its Shapley value. */
export interface NowcastAttribution {
  signal: string;
  label: string;
  npv: number;
}

export interface Nowcast {
  scenarioId: string;
  asOf: string;
  /** Proxies were placed too (labelled in `placements`). */
  includeProxies: boolean;
  npvBase: number | null;
  /** npv with every placement made (null when the model has no npv there). */
  npvNow: number | null;
  /** The signals that moved, each with its Shapley value; they sum to `npvNow − npvBase`. Largest first. */
  attribution: NowcastAttribution[];
  /** Every placement, the ones that did not move the input included. */
  placements: NowcastPlacement[];
  /** Signals with an observation that was not placed, and why. */
  notPlaced: { signal: string; reason: string }[];
  /** One sentence for people. */
  summary: string;
}

/** Most signals attributed exactly (2^n runs of the model). */
export const NOWCAST_MAX_PLAYERS = 16;
/** How close the placed input must bring the signal to the observation (relative). */
const PLACE_RTOL = 1e-10;

const near = (a: number, b: number): boolean => Math.abs(a - b) <= PLACE_RTOL * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * The driver value that makes the signal read `observed` at year `t`: a
 * secant search from the proportional guess (exact in one step where the
 * signal is proportional to its driver, as for prices, utilization and
 * capex), inside the driver's valid range.
 */
function solvePlacement(
  l: Extract<LinkedSignal, { applies: true }>,
  scenario: Scenario,
  d: Driver,
  t: number,
  segment: string | null,
  basis: Basis | null,
  observed: number,
  expected: number,
): { value: number; adjusted: NowcastPlacement['adjusted'] } | { reason: string } {
  const read = (v: number): number | null => {
    const s = d.apply(scenario, v);
    return expectedInYear(l, s, evaluate(s), t, segment, basis);
  };
  if (d.integer) {
    // a whole number of years read as itself (depreciation life): the nearest whole number
    const v = Math.min(d.hi, Math.max(d.lo, Math.round(observed)));
    return { value: v, adjusted: v !== observed ? 'rounded' : null };
  }
  const clip = (v: number): { v: number; adjusted: 'low' | 'high' | null } => (v < d.lo ? { v: d.lo, adjusted: 'low' } : v > d.hi ? { v: d.hi, adjusted: 'high' } : { v, adjusted: null });
  let x0 = d.base;
  let f0 = expected - observed;
  let x1 = expected !== 0 && d.base !== 0 ? (d.base * observed) / expected : d.base + (observed - expected);
  for (let i = 0; i < 40; i++) {
    const c = clip(x1);
    const y = read(c.v);
    if (y === null) return { reason: `the scenario has no value for ${l.definition.id} with ${d.path} at ${c.v}` };
    if (near(y, observed) || c.adjusted !== null) return { value: c.v, adjusted: near(y, observed) ? null : c.adjusted };
    const f1 = y - observed;
    if (f1 === f0) break;
    const next = x1 - (f1 * (x1 - x0)) / (f1 - f0);
    x0 = x1;
    f0 = f1;
    x1 = next;
  }
  return { reason: `no value of ${d.path} in [${d.lo}, ${d.hi}] makes ${l.definition.id} read ${observed}` };
}

/** The placements of a status report's scored rows, and why the others are not placed. */
function placements(
  scenario: Scenario,
  definitions: readonly SignalDefinition[],
  rows: readonly SignalStatus[],
  includeProxies: boolean,
): { placed: NowcastPlacement[]; notPlaced: Nowcast['notPlaced'] } {
  const placed: NowcastPlacement[] = [];
  const notPlaced: Nowcast['notPlaced'] = [];
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const used = new Set<string>();
  for (const r of rows) {
    if (!r.applies) {
      notPlaced.push({ signal: r.signal, reason: r.reason ?? 'not linked to this scenario' });
      continue;
    }
    if (r.match === 'none') {
      notPlaced.push({ signal: r.signal, reason: `no like-for-like observation (${r.scopeNote ?? 'not comparable'})` });
      continue;
    }
    if (r.proxyUnit) {
      notPlaced.push({ signal: r.signal, reason: `${r.latest.unit}, not ${r.unit}: a proxy of another unit is compared, never put in the assumption's place` });
      continue;
    }
    if (r.match === 'proxy' && !includeProxies) {
      notPlaced.push({ signal: r.signal, reason: `a proxy (${r.scopeNote ?? 'not the scenario’s own scope'}): only like-for-like evidence is placed unless proxies are asked for` });
      continue;
    }
    if (r.observed === null || r.expected === null) {
      notPlaced.push({ signal: r.signal, reason: r.why });
      continue;
    }
    const l = linkSignal(byId.get(r.signal) as SignalDefinition, scenario);
    if (!l.applies) continue;
    const segment = r.segment ?? l.primarySegment;
    const driver = signalDriver(l, scenario, segment);
    if (driver === null) {
      const why = l.link.driver === undefined ? 'a result of every input, not an assumption to replace' : 'its input is not one of this scenario';
      notPlaced.push({ signal: r.signal, reason: why });
      continue;
    }
    const d = makeDriver(scenario, driver);
    if (used.has(d.path)) {
      notPlaced.push({ signal: r.signal, reason: `${d.path} is placed by another signal already` });
      continue;
    }
    const y = yearAt(scenario, r.latest.date);
    const solved = solvePlacement(l, scenario, d, y.t, segment, r.basis, r.observed, r.expected);
    if ('reason' in solved) {
      notPlaced.push({ signal: r.signal, reason: solved.reason });
      continue;
    }
    used.add(d.path);
    const setting = d.setting(solved.value);
    placed.push({
      signal: r.signal,
      label: r.segment === null ? r.label : `${r.label} · ${r.segment}`,
      segment: r.segment,
      observation: r.latest,
      match: r.match,
      scopeNote: r.scopeNote,
      driver: d.path,
      mode: setting.mode,
      from: d.base,
      to: solved.value,
      setting: setting.value,
      expected: r.expected,
      observed: r.observed,
      adjusted: solved.adjusted,
    });
  }
  return { placed, notPlaced };
}

/**
 * Exact Shapley values of `n` players for the value function `v` on subsets
 * (bit masks): `φ_i = Σ_{S ∌ i} |S|!(n − |S| − 1)!/n! · (v(S ∪ i) − v(S))`.
 * They sum to `v(all) − v(∅)`.
 *
 * @example
 * shapley(2, (m) => [0, 1, 2, 5][m]!); // [2, 3]
 */
export function shapley(n: number, v: (mask: number) => number): number[] {
  const size = 1 << n;
  const values = new Float64Array(size);
  for (let m = 0; m < size; m++) values[m] = v(m);
  const fact = [1];
  for (let k = 1; k <= n; k++) fact.push((fact[k - 1] as number) * k);
  const weight = (k: number): number => ((fact[k] as number) * (fact[n - k - 1] as number)) / (fact[n] as number);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const bit = 1 << i;
    let sum = 0;
    let comp = 0;
    for (let m = 0; m < size; m++) {
      if (m & bit) continue;
      let k = 0;
      for (let x = m; x !== 0; x &= x - 1) k++;
      // compensated summation keeps the identity Σφ = v(all) − v(∅) to rounding
      const term = weight(k) * ((values[m | bit] as number) - (values[m] as number)) - comp;
      const next = sum + term;
      comp = next - sum - term;
      sum = next;
    }
    out.push(sum);
  }
  return out;
}

/** A sum of money for a sentence, as every surface writes it: `−$207M`. */
const money = (x: number): string => millions(x, 0);

/**
 * The nowcast of a scenario from the same inputs as its status (the store's
 * latest rows and trend windows, up to `asOf`).
 *
 * @example
 * const n = nowcast({ scenario, definitions, asOf: '2026-11-30', latest, windows }); // like-for-like evidence only
 * nowcast({ scenario, definitions, asOf: '2026-11-30', latest, windows, includeProxies: true }); // proxies too, labelled
 * n.attribution.reduce((a, x) => a + x.npv, 0); // n.npvNow − n.npvBase, within rounding
 */
export function nowcast(input: StatusInput & { includeProxies?: boolean }): Nowcast {
  const { scenario, definitions, asOf } = input;
  const includeProxies = input.includeProxies === true;
  const result = input.result ?? evaluate(scenario);
  const status = signalStatus({ ...input, result });
  const { placed, notPlaced } = placements(scenario, definitions, status.rows, includeProxies);
  const npvBase = result.summary.npv;
  const moved = placed.filter((p) => !near(p.to, p.from));
  const base = { scenarioId: scenario.id, asOf, includeProxies, npvBase, placements: placed, notPlaced };
  if (moved.length > NOWCAST_MAX_PLAYERS) throw new RangeError(`a nowcast attributes at most ${NOWCAST_MAX_PLAYERS} signals exactly, got ${moved.length}`);
  const apply = (mask: number): Scenario => {
    let s = scenario;
    moved.forEach((p, i) => {
      if (mask & (1 << i)) s = setInput(s, p.driver, p.setting, p.mode);
    });
    return s;
  };
  const npvNow = moved.length === 0 ? npvBase : evaluateSummary(apply((1 << moved.length) - 1)).summary.npv;
  if (npvBase === null || npvNow === null) {
    return { ...base, npvNow, attribution: [], summary: 'The model has no npv with this evidence in place: nothing to attribute.' };
  }
  let missing = false;
  const phi = shapley(moved.length, (m) => {
    if (m === 0) return npvBase;
    const v = evaluateSummary(apply(m)).summary.npv;
    if (v === null) missing = true;
    return v ?? 0;
  });
  if (missing) return { ...base, npvNow, attribution: [], summary: 'The model has no npv for some combination of this evidence: no attribution.' };
  const attribution = moved
    .map((p, i) => ({ signal: p.signal, label: p.label, npv: phi[i] as number }))
    .sort((a, b) => Math.abs(b.npv) - Math.abs(a.npv) || a.signal.localeCompare(b.signal));
  const total = npvNow - npvBase;
  const top = attribution[0];
  const mostly =
    top === undefined
      ? 'no signal moved'
      : `mostly through ${top.label} (${money(top.npv)}${attribution.length > 1 ? `; then ${attribution
          .slice(1, 3)
          .map((a) => `${a.label} ${money(a.npv)}`)
          .join(', ')}` : ''})`;
  const summary =
    moved.length === 0
      ? `The evidence up to ${asOf} leaves npv at ${money(npvBase)}: no observation differs from the scenario's assumption.`
      : `The evidence up to ${asOf} moves npv from ${money(npvBase)} to ${money(npvNow)} (${total >= 0 ? '+' : '−'}${money(Math.abs(total))}), ${mostly}.`;
  return { ...base, npvNow, attribution, summary };
}
