/**
 * What has to work at the same time (issue 19): the seed's eight conditions
 * of the infrastructure case, each a named group of input paths, and how the
 * scenario fares when one of them fails, when one alone holds, and — from
 * the Monte Carlo samples — how often each holds, how often all do, and how
 * often the factory pays back when they all hold against when one fails.
 *
 * A condition's inputs are the paths of its group that this scenario has;
 * the uncertain ones are those with a distribution (the scenario's
 * `uncertainty:` block, or what the caller passes, e.g. the library's default
 * uncertainty). Each uncertain input has a good direction, the one in which it
 * raises npv (read from the model: npv with the input at its p90 against its
 * p10, all else at base). A condition
 * - **fails** (its low end): each of its uncertain inputs at the 10th
 *   percentile on its bad side (p10 when more is better, p90 when less is);
 * - **holds**: at the scenario's own values;
 * - **holds in a sample** when each of its uncertain inputs is at or beyond
 *   its median in the good direction.
 * Inputs that do not move npv between their p10 and p90 have no direction and
 * take no part.
 */
import { evaluateSummary, isCashPricing, pricingKind } from '../model/engine.ts';
import { payerOf } from '../model/payers.ts';
import type { Scenario, Segment } from '../model/schema.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED, monteCarlo } from './monte-carlo.ts';
import { AnalysisInputError, checkInputPath, PAID_SHARE, type InputKind } from './paths.ts';
import { applyValues, prepareUncertainSpace, type UncertainInput, type UncertaintyOptions } from './uncertain-space.ts';

/** The eight conditions, in the seed's order. */
export type ConditionKey = 'enterprise' | 'consumer' | 'internal' | 'platform' | 'utilization' | 'costPerToken' | 'premiumDemand' | 'capital';

/** A condition: the seed's words and the inputs of MODEL.md they stand for. */
export interface ConditionDef {
  key: ConditionKey;
  /** the seed's words */
  label: string;
  /** the MODEL.md inputs of the group, in words */
  inputs: string;
}

/** The seed's eight conditions mapped to MODEL.md inputs (docs/MODEL.md "The eight conditions"). */
export const CONDITIONS: readonly ConditionDef[] = [
  { key: 'enterprise', label: 'Paid enterprise workflows', inputs: "the token share and price of each segment paid by enterprise or developer budgets (per token: perMTok and discount; per seat: arpuPerMonth)" },
  { key: 'consumer', label: 'Consumer monetization', inputs: 'the price of each segment consumers pay for (subscription arpuPerMonth, or perMTok and discount), and the paid share' },
  { key: 'internal', label: 'Internal product lift', inputs: "imputed value per token (imputedPerMTok) of every segment priced that way, and the price of internal segments charged in cash" },
  { key: 'platform', label: 'Platform services', inputs: 'capacity contracts and segments paid by platforms: their price (perAcceleratorHour), its premium per year of technology, and their token share' },
  { key: 'utilization', label: 'High utilization', inputs: 'demand.utilization (in tokens mode: demand.tokensPerYear, growthPerYear and maxUtilization)' },
  { key: 'costPerToken', label: 'Lower cost per token', inputs: 'software gain per year, technology (throughput per accelerator and its gain per year) and the power price and its escalation' },
  { key: 'premiumDemand', label: 'Sustained premium demand', inputs: 'the price change per year of every cash segment (changePerYear, a subscription’s arpuChangePerYear)' },
  { key: 'capital', label: 'Disciplined capital deployment', inputs: 'capex per accelerator and its change per year, the facility (its capex, or its lease), the refresh cadence (useful life), and for a rented fleet its rent' },
];

const PRICE_LEVEL = ['pricing.perMTok', 'pricing.discount', 'pricing.perAcceleratorHour', 'pricing.subscription.arpuPerMonth'];


/** Which condition a segment's share and price belong to: by pricing form, kind and payer. */
function segmentCondition(seg: Segment): ConditionKey {
  const form = pricingKind(seg.pricing);
  const payer = payerOf(seg);
  if (form === 'imputed') return 'internal';
  if (seg.kind === 'capacity-contract' || payer === 'platform') return 'platform';
  if (payer === 'internal') return 'internal';
  if (payer === 'consumer') return 'consumer';
  return 'enterprise';
}

/**
 * The input paths of each condition that this scenario has, in the order of
 * `CONDITIONS`; each path in one condition at most.
 *
 * @example
 * conditionPaths(hyperscaler).find((c) => c.key === 'enterprise')?.paths;
 * // ['demand.segments[cloud-api].tokenShare', 'demand.segments[cloud-api].pricing.perMTok', …]
 */
export function conditionPaths(scenario: Scenario): { key: ConditionKey; paths: string[] }[] {
  const out = new Map<ConditionKey, string[]>(CONDITIONS.map((c) => [c.key, []]));
  const add = (key: ConditionKey, path: string): void => {
    if (checkInputPath(scenario, path) === null) out.get(key)?.push(path);
  };
  for (const seg of scenario.demand.segments) {
    const at = `demand.segments[${seg.id}]`;
    const key = segmentCondition(seg);
    const form = pricingKind(seg.pricing);
    if (form === 'imputed') {
      add('internal', `${at}.pricing.imputedPerMTok`);
      continue;
    }
    if (form === 'none') continue;
    if (key === 'enterprise' || key === 'platform') add(key, `${at}.tokenShare`);
    for (const p of PRICE_LEVEL) add(key, `${at}.${p}`);
    if (key === 'platform') add('platform', `${at}.pricing.techPremiumPerYear`);
  }
  add('consumer', PAID_SHARE);
  if (scenario.demand.tokensPerYear !== undefined) for (const p of ['demand.tokensPerYear', 'demand.growthPerYear', 'demand.maxUtilization']) add('utilization', p);
  else add('utilization', 'demand.utilization');
  add('costPerToken', 'serving.softwareGainPerYear');
  add('costPerToken', 'fleet.tokensPerSecond');
  add('costPerToken', 'fleet.technology.perfGainPerYear');
  add('costPerToken', 'site.power.pricePerMWh');
  add('costPerToken', 'site.power.escalationPerYear');
  for (const seg of scenario.demand.segments) {
    if (!isCashPricing(pricingKind(seg.pricing))) continue;
    const at = `demand.segments[${seg.id}].pricing`;
    add('premiumDemand', `${at}.changePerYear`);
    add('premiumDemand', `${at}.subscription.arpuChangePerYear`);
  }
  add('capital', 'fleet.capexPerAccelerator');
  add('capital', 'fleet.technology.capexChangePerYear');
  add('capital', 'site.facility.capexPerMW');
  add('capital', 'site.facility.leasePerKWMonth');
  add('capital', 'fleet.usefulLifeYears');
  add('capital', 'fleet.rentPerAcceleratorHour');
  return CONDITIONS.map((c) => ({ key: c.key, paths: out.get(c.key) ?? [] }));
}

/** The percentile a condition falls to on its bad side. */
export const LOW_END = 0.1;

/** Options of `conditions`. */
export interface ConditionsOptions extends UncertaintyOptions {
  /** Monte Carlo samples (default 100,000) */
  n?: number;
  /** the Monte Carlo seed (default 42) */
  seed?: number;
}

/** One uncertain input of a condition. */
export interface ConditionInput {
  path: string;
  label: string;
  unit: string;
  /** what it measures (a multiplier for `scale`) and whether it is a whole number: for formatting */
  kind: InputKind;
  integer: boolean;
  mode: 'set' | 'scale';
  /** `up`: more raises npv; `down`: less does; `none`: npv does not move between its p10 and p90 */
  better: 'up' | 'down' | 'none';
  /** the draw at p10, p50 and p90 (a multiplier of the base for `scale`) */
  p10: number;
  median: number;
  p90: number;
  /** where the condition's low end puts it: p10 when more is better, p90 when less is (the median when it has no direction) */
  low: number;
}

/** One condition's line. */
export interface ConditionRow {
  key: ConditionKey;
  label: string;
  /** the MODEL.md inputs of the group, in words */
  maps: string;
  /** the group's inputs in this scenario */
  paths: string[];
  /** those with a distribution */
  uncertain: ConditionInput[];
  /** npv with this condition at its low end and the others at the scenario's values; null without an uncertain input */
  npvAloneFails: number | null;
  /** npv with this condition at the scenario's values and every other at its low end */
  npvAloneHolds: number | null;
  /** share of the samples in which it holds; null without an uncertain input with a direction */
  pHolds: number | null;
}

/** What `conditions` says. */
export interface ConditionsReport {
  scenario: { id: string; name: string };
  n: number;
  seed: number;
  /** npv as the scenario stands */
  npvBase: number | null;
  /** npv with every condition at its low end */
  npvAllFail: number | null;
  conditions: ConditionRow[];
  /** P(npv ≥ 0) over all samples */
  pNpv: number;
  /** P(every condition with an uncertain input holds) */
  pAllHold: number | null;
  /** P(npv ≥ 0 | all hold); null when no sample has them all hold */
  pNpvGivenAllHold: number | null;
  /** P(npv ≥ 0 | at least one fails); null when none fails in any sample */
  pNpvGivenAnyFails: number | null;
  /** samples in which all hold, and in which one fails */
  counts: { allHold: number; anyFails: number };
  /** uncertain inputs in no condition (wacc, tax…): they vary in the samples but belong to none */
  outside: string[];
  definitions: { holds: string; lowEnd: string; better: string };
  warnings: { code: string; message: string }[];
}

const npvOf = (s: Scenario): number | null => evaluateSummary(s).summary.npv;

/**
 * The eight conditions of a scenario: each one's uncertain inputs and their
 * good direction, npv when it alone fails and when it alone holds, and from
 * `n` Monte Carlo samples (seeded: same seed, same figures) P(each holds),
 * P(all hold) and P(npv ≥ 0) given all hold against given one fails. Throws an
 * `AnalysisInputError` with every issue when the uncertain inputs are
 * ill-posed (a bad path or distribution, a correlation that is not positive
 * definite, no uncertain input).
 *
 * @example
 * const c = conditions(scenario, { n: 20_000, seed: 7, distributions: defaults });
 * c.conditions.map((x) => [x.label, x.npvAloneFails, x.pHolds]);
 * c.pNpvGivenAllHold; // 0.93
 */
export function conditions(scenario: Scenario, options: ConditionsOptions = {}): ConditionsReport {
  const uncertainty = {
    ...(options.distributions !== undefined && { distributions: options.distributions }),
    ...(options.correlation !== undefined && { correlation: options.correlation }),
  };
  const prepared = prepareUncertainSpace(scenario, uncertainty);
  if (!prepared.ok) throw new AnalysisInputError(prepared.issues);
  const { space } = prepared;
  const warnings: ConditionsReport['warnings'] = [];
  const npvBase = npvOf(scenario);

  // each uncertain input's good direction, from the model
  const byPath = new Map<string, UncertainInput>(space.inputs.filter((x) => !x.constant).map((x) => [x.path, x]));
  const info = new Map<string, ConditionInput>();
  for (const x of byPath.values()) {
    const p10 = x.sampler.quantile(LOW_END);
    const p90 = x.sampler.quantile(1 - LOW_END);
    const at = (v: number): number | null => npvOf(applyValues(space, new Map([[x.index, v]])));
    const lo = at(p10);
    const hi = at(p90);
    const better = lo === null || hi === null || lo === hi ? 'none' : hi > lo ? 'up' : 'down';
    if (lo === null || hi === null) warnings.push({ code: 'no-value', message: `${x.path}: npv has no value at its p10 or p90, so it has no direction and takes no part` });
    info.set(x.path, { path: x.path, label: x.label, unit: x.mode === 'scale' ? `× base (${x.unit})` : x.unit, kind: x.mode === 'scale' ? 'multiplier' : x.kind, integer: x.integer, mode: x.mode, better, p10, median: x.median, p90, low: better === 'up' ? p10 : better === 'down' ? p90 : x.median });
  }

  const groups = conditionPaths(scenario);
  const lowOf = (paths: readonly string[]): Map<number, number> => {
    const m = new Map<number, number>();
    for (const p of paths) {
      const x = byPath.get(p);
      const i = info.get(p);
      if (x !== undefined && i !== undefined && i.better !== 'none') m.set(x.index, i.low);
    }
    return m;
  };
  const allPaths = groups.flatMap((g) => g.paths);
  const npvAllFail = npvOf(applyValues(space, lowOf(allPaths)));

  // the samples
  const { summary, samples } = monteCarlo(scenario, {
    n: options.n ?? DEFAULT_SAMPLES,
    seed: options.seed ?? DEFAULT_SEED,
    ...uncertainty,
    keepSamples: true,
  });
  if (samples === undefined) throw new Error('the Monte Carlo run kept no samples');
  const n = summary.n;
  const npv = samples.metrics.npv;
  const column = new Map(samples.inputs.map((c) => [c.path, c.values]));
  const holdsIn = (paths: readonly string[]): Uint8Array | null => {
    const tests: { col: Float64Array; median: number; up: boolean }[] = [];
    for (const p of paths) {
      const i = info.get(p);
      const col = column.get(p);
      if (i === undefined || col === undefined || i.better === 'none') continue;
      tests.push({ col, median: i.median, up: i.better === 'up' });
    }
    if (tests.length === 0) return null;
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      let ok = 1;
      for (const t of tests) {
        const v = t.col[k] as number;
        if (t.up ? !(v >= t.median) : !(v <= t.median)) {
          ok = 0;
          break;
        }
      }
      out[k] = ok;
    }
    return out;
  };

  const rows: ConditionRow[] = [];
  const holds: Uint8Array[] = [];
  for (const g of groups) {
    const def = CONDITIONS.find((c) => c.key === g.key) as ConditionDef;
    const uncertain = g.paths.flatMap((p) => {
      const i = info.get(p);
      return i === undefined ? [] : [i];
    });
    const moving = uncertain.some((u) => u.better !== 'none');
    const others = allPaths.filter((p) => !g.paths.includes(p));
    const h = holdsIn(g.paths);
    if (h !== null) holds.push(h);
    let count = 0;
    if (h !== null) for (let k = 0; k < n; k++) count += h[k] as number;
    rows.push({
      key: g.key,
      label: def.label,
      maps: def.inputs,
      paths: g.paths,
      uncertain,
      npvAloneFails: moving ? npvOf(applyValues(space, lowOf(g.paths))) : null,
      npvAloneHolds: npvOf(applyValues(space, lowOf(others))),
      pHolds: h === null ? null : count / n,
    });
  }

  let allHold = 0;
  let okAll = 0;
  let okAny = 0;
  let ok = 0;
  for (let k = 0; k < n; k++) {
    const met = (npv[k] as number) >= 0;
    if (met) ok++;
    let all = true;
    for (const h of holds) {
      if (h[k] === 0) {
        all = false;
        break;
      }
    }
    if (all) {
      allHold++;
      if (met) okAll++;
    } else if (met) okAny++;
  }
  const anyFails = n - allHold;
  if (holds.length === 0) warnings.push({ code: 'no-condition', message: 'no condition has an uncertain input that moves npv: nothing can fail' });
  if (holds.length > 0 && allHold === 0) warnings.push({ code: 'never-all-hold', message: `in no sample of ${n} do all ${holds.length} conditions hold at once` });
  const inConditions = new Set(allPaths);
  const outside = [...byPath.keys()].filter((p) => !inConditions.has(p));
  for (const i of info.values()) {
    if (i.better === 'none' && inConditions.has(i.path)) warnings.push({ code: 'no-direction', message: `${i.path}: npv is the same at its p10 and p90, so it takes no part in its condition` });
  }

  return {
    scenario: { id: scenario.id, name: scenario.name ?? scenario.id },
    n,
    seed: summary.seed,
    npvBase,
    npvAllFail,
    conditions: rows,
    pNpv: ok / n,
    pAllHold: holds.length === 0 ? null : allHold / n,
    pNpvGivenAllHold: holds.length === 0 || allHold === 0 ? null : okAll / allHold,
    pNpvGivenAnyFails: anyFails === 0 ? null : okAny / anyFails,
    counts: { allHold, anyFails },
    outside,
    definitions: {
      holds: 'a condition holds in a sample when each of its uncertain inputs is at or beyond its median in its good direction; P(all hold) counts the conditions with an uncertain input that moves npv',
      lowEnd: `a condition at its low end has each of its uncertain inputs at the ${Math.round(LOW_END * 100)}th percentile on its bad side (p${Math.round(LOW_END * 100)} when more is better, p${Math.round((1 - LOW_END) * 100)} when less is); the others keep the scenario's values`,
      better: "an input's good direction is the one in which npv rises between its p10 and p90, all else at the scenario's values",
    },
    warnings: [...warnings, ...summary.warnings],
  };
}
