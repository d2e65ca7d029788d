/**
 * Inputs by path (MODEL.md §2 "Paths"): read and write any numeric input of a
 * scenario by a dotted path, list elements by id in brackets
 * (`demand.segments[enterprise-api].pricing.perMTok`), plus the derived driver
 * `paidShare` (MODEL.md §5). Goal seek, sensitivity, Monte Carlo and signals
 * all move inputs through here, so writing is cheap: `setInput` copies only
 * the objects along the path and shares everything else with its input.
 *
 * Each input knows its label, unit, valid range (the schema's bounds, plus a
 * practical bound where the schema has none, so that a search has a bracket
 * and a distribution has a truncation) and whether it is a whole number or a
 * Series.
 */
import { isCashPricing, pricingKind } from '../model/engine.ts';
import { didYouMean, type Issue } from '../model/issues.ts';
import { MAX_AMOUNT, MAX_BUILD_MONTHS, MAX_IT_MW, MAX_TOKENS, MAX_YEARS } from '../model/bounds.ts';
import type { Scenario, Segment, Tranche } from '../model/schema.ts';
import { withGroupShare } from './mix.ts';

/** What an input measures, for formatting and for how a swing is read. */
export type InputKind = 'money' | 'rate' | 'share' | 'years' | 'quantity' | 'multiplier';

/** How `setInput` applies a value: replace the input, or multiply it (every year of a Series). */
export type SetMode = 'set' | 'scale';

/** What `inputInfo` says about an input of one scenario. */
export interface InputInfo {
  /** The path in canonical form. */
  path: string;
  /** For people: `Paid enterprise API: price`. */
  label: string;
  /** `$ per M tokens`, `share`, `per year`, `years`… */
  unit: string;
  kind: InputKind;
  /**
   * The practical valid range, both ends valid values: the schema's bounds
   * where it has them (an open bound moved just inside it, e.g. a rate's
   * `> −1` becomes −0.99), a practical cap where it has none (capex per
   * accelerator ≤ $1M…), widened to take in the scenario's own value. Used to
   * bracket searches and to truncate distributions.
   */
  min: number;
  max: number;
  /** The schema's own bounds (null: unbounded on that side), and whether each is open. */
  schemaMin: number | null;
  schemaMax: number | null;
  minExclusive: boolean;
  maxExclusive: boolean;
  /** A whole number (years, terms). */
  integer: boolean;
  /** A Series: a number or one number per operating year. */
  series: boolean;
  /** Not a field of the file but a function of several (`paidShare`). */
  derived: boolean;
  /** The value in this scenario, as `getInput` reads it. */
  value: number | number[];
}

/** One step of a path: a key, and for a list element its id. */
export interface PathStep {
  key: string;
  id?: string;
}

/** A path split into steps, with its canonical text. */
export interface ParsedInputPath {
  path: string;
  steps: PathStep[];
}

/** Bad input to an analysis (a path, a target, a range): every issue at once. */
export class AnalysisInputError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('\n'));
    this.name = 'AnalysisInputError';
    this.issues = issues;
  }
}

/** The derived driver of MODEL.md §5: the share of tokens in cash segments. */
export const PAID_SHARE = 'paidShare';

// ---------------------------------------------------------------------------
// The inputs

interface Ctx {
  s: Scenario;
  seg: Segment | undefined;
  /** the tranche of a `finance.debt[<id>]` path (MODEL.md §9) */
  tranche: Tranche | undefined;
}

interface LeafSpec {
  label: string;
  unit: string;
  kind: InputKind;
  schemaMin: number | null;
  minExclusive: boolean;
  schemaMax: number | null;
  maxExclusive: boolean;
  min: number;
  max: number;
  integer: boolean;
  series: boolean;
  /** Why the input does not apply to this scenario, or undefined when it does. */
  absent?: (c: Ctx) => string | undefined;
}

type Bounds = Pick<LeafSpec, 'schemaMin' | 'minExclusive' | 'schemaMax' | 'maxExclusive' | 'min' | 'max' | 'integer'>;

// The schema's own bounds (MODEL.md §2) and a practical range inside them. The practical range is
// also the economic range a breakeven is searched in (MODEL.md §5): wacc and debt rates in [0, 1],
// prices and capex ≥ 0, shares in [0, 1], whole lives 1..50; a breakeven outside it is unreachable.
const nonNeg = (max: number, schemaMax: number = MAX_AMOUNT): Bounds => ({ schemaMin: 0, minExclusive: false, schemaMax, maxExclusive: false, min: 0, max, integer: false });
const positive = (min: number, max: number, schemaMax: number = MAX_AMOUNT): Bounds => ({ schemaMin: 0, minExclusive: true, schemaMax, maxExclusive: false, min, max, integer: false });
/** (−1, 1]: wacc, debt rates, escalations, yearly price changes. */
const rate = (min = -0.99, max = 1): Bounds => ({ schemaMin: -1, minExclusive: true, schemaMax: 1, maxExclusive: false, min, max, integer: false });
/** (−1, 10]: growth of demand, usage and software throughput. */
const growthRate = (max: number): Bounds => ({ schemaMin: -1, minExclusive: true, schemaMax: 10, maxExclusive: false, min: -0.99, max, integer: false });
/** (0, 10]: yearly multipliers of the technology on sale. */
const multiplier10 = (min: number, max: number): Bounds => ({ schemaMin: 0, minExclusive: true, schemaMax: 10, maxExclusive: false, min, max, integer: false });
const unit01: Bounds = { schemaMin: 0, minExclusive: false, schemaMax: 1, maxExclusive: false, min: 0, max: 1, integer: false };
const unit01Open: Bounds = { schemaMin: 0, minExclusive: false, schemaMax: 1, maxExclusive: true, min: 0, max: 0.99, integer: false };
/** Whole years 1..50, the schema's bounds and the economic range alike. */
const wholeYears: Bounds = { schemaMin: 1, minExclusive: false, schemaMax: MAX_YEARS, maxExclusive: false, min: 1, max: MAX_YEARS, integer: true };

function leaf(label: string, unit: string, kind: InputKind, bounds: Bounds, absent?: (c: Ctx) => string | undefined, series = false): LeafSpec {
  return { label, unit, kind, ...bounds, series, ...(absent !== undefined && { absent }) };
}

const ownFleet = (c: Ctx): string | undefined =>
  c.s.fleet.mode === 'own'
    ? undefined
    : 'fleet.mode is rent: this input belongs to an owned fleet (fleet.mode: own); a rented fleet has fleet.rentPerAcceleratorHour, fleet.rentChangePerYear and fleet.rentTermYears';
const rentFleet = (c: Ctx): string | undefined =>
  c.s.fleet.mode === 'rent'
    ? undefined
    : 'fleet.mode is own: this input belongs to a rented fleet (fleet.mode: rent); an owned fleet has fleet.capexPerAccelerator, fleet.usefulLifeYears and the other own-mode inputs';
const power = (c: Ctx): string | undefined => {
  if (c.s.site.power !== undefined && c.s.fleet.mode === 'own') return undefined;
  return c.s.fleet.mode === 'rent'
    ? 'site.power is absent: the fleet is rented (fleet.mode: rent), so there is no power bill of its own'
    : 'site.power is absent in this scenario';
};
const facility =
  (mode: 'own' | 'lease') =>
  (c: Ctx): string | undefined => {
    const m = c.s.site.facility.mode;
    if (m === mode) return undefined;
    const has = m === 'own' ? 'site.facility.capexPerMW and site.facility.lifeYears' : m === 'lease' ? 'site.facility.leasePerKWMonth, site.facility.escalationPerYear and site.facility.termYears' : 'no facility inputs (capacity is rented with its facility)';
    return `site.facility.mode is ${m}: this input belongs to ${mode === 'own' ? 'an owned' : 'a leased'} facility (mode: ${mode}); this one has ${has}`;
  };
const utilizationMode = (c: Ctx): string | undefined =>
  c.s.demand.utilization !== undefined
    ? undefined
    : 'demand is in tokens mode (demand.tokensPerYear is given) and utilization follows from it; its inputs are demand.tokensPerYear, demand.growthPerYear and demand.maxUtilization';
const tokensMode = (c: Ctx): string | undefined =>
  c.s.demand.tokensPerYear !== undefined
    ? undefined
    : 'demand is in utilization mode (demand.utilization is given); demand.tokensPerYear, demand.growthPerYear and demand.maxUtilization belong to tokens mode';
const debt = (c: Ctx): string | undefined => {
  const d = c.s.finance.debt;
  if (d === undefined) return 'finance.debt is absent: this scenario has no debt';
  if (!Array.isArray(d)) return undefined;
  const ids = d.map((tr, i) => tr.id ?? `debt-${i + 1}`);
  return `finance.debt is a list of tranches (MODEL.md §9): name one by its id, e.g. finance.debt[${ids[0] ?? '<id>'}].rate; ids: ${ids.join(', ')}`;
};
const tranchesOnly = (c: Ctx): string | undefined => {
  if (c.tranche !== undefined) return undefined;
  return c.s.finance.debt === undefined ? 'finance.debt is absent: this scenario has no debt' : 'finance.debt is a single object: its inputs are finance.debt.share, finance.debt.rate and finance.debt.termYears';
};
/** A tranche input the tranche has (its rate when fixed, its spread when floating…). */
const trancheField =
  (field: keyof Tranche, why: (tr: Tranche, id: string) => string) =>
  (c: Ctx): string | undefined => {
    const no = tranchesOnly(c);
    if (no !== undefined) return no;
    const tr = c.tranche as Tranche;
    return tr[field] !== undefined ? undefined : why(tr, tr.id ?? '?');
  };
const trancheRate = trancheField('rate', (_tr, id) => `tranche ${id} floats: it pays finance.baseRate + finance.debt[${id}].spread`);
const trancheSpread = trancheField('spread', (_tr, id) => `tranche ${id} pays a fixed rate, finance.debt[${id}].rate`);
const trancheShare = trancheField('share', (_tr, id) => `tranche ${id} draws a fixed amount, finance.debt[${id}].amount`);
const trancheAmount = trancheField('amount', (_tr, id) => `tranche ${id} draws a share of the capex it funds, finance.debt[${id}].share`);
const trancheAmortYears = trancheField('amortizationYears', (tr, id) => `tranche ${id} has no amortizationYears (it ${tr.amortization === 'straight' || tr.amortization === 'annuity' ? 'amortizes over its term' : `is ${tr.amortization}`})`);
const trancheTarget = trancheField('targetDscr', (tr, id) => `tranche ${id} is ${tr.amortization}, not sculpted: it has no targetDscr`);
const trancheRefinance = trancheField('refinance', (_tr, id) => `tranche ${id} is not refinanced (no finance.debt[${id}].refinance)`);
const baseRate = (c: Ctx): string | undefined => (c.s.finance.baseRate !== undefined ? undefined : 'finance.baseRate is absent: no tranche of this scenario floats');
const covenant =
  (key: 'minDscr' | 'maxLtv') =>
  (c: Ctx): string | undefined =>
    c.s.finance.covenants?.[key] !== undefined ? undefined : `finance.covenants.${key} is absent: this scenario has no such covenant`;
const cashSweep = (c: Ctx): string | undefined => (c.s.finance.cashSweep !== undefined ? undefined : 'finance.cashSweep is absent: this scenario sweeps no cash');
const marketValue = (c: Ctx): string | undefined =>
  c.s.fleet.marketValue !== undefined ? undefined : 'fleet.marketValue is absent: the covenants read the fleet at its book value';
const buildMonths = (c: Ctx): string | undefined => (c.s.site.buildMonths !== undefined ? undefined : 'site.buildMonths is absent: the build takes no months (no interest during construction)');
const contract = (c: Ctx): string | undefined =>
  c.seg?.contract !== undefined ? undefined : `segment "${c.seg?.id ?? '?'}" has no contract (demand.segments[${c.seg?.id ?? '?'}].contract)`;

const PRICING_FORMS = {
  perMTok: 'per million tokens',
  subscription: 'by subscription',
  perAcceleratorHour: 'per accelerator-hour',
  imputed: 'by an imputed (strategic) value per million tokens',
  none: 'not at all',
} as const;

/** The pricing inputs of each pricing form, relative to the segment. */
const PRICING_INPUTS: Record<keyof typeof PRICING_FORMS, string[]> = {
  perMTok: ['pricing.perMTok', 'pricing.changePerYear', 'pricing.discount'],
  subscription: ['pricing.subscription.arpuPerMonth', 'pricing.subscription.tokensPerUserMonth', 'pricing.subscription.arpuChangePerYear', 'pricing.subscription.usageGrowthPerYear'],
  perAcceleratorHour: ['pricing.perAcceleratorHour', 'pricing.changePerYear', 'pricing.techPremiumPerYear'],
  imputed: ['pricing.imputedPerMTok', 'pricing.changePerYear'],
  none: [],
};

const pricing =
  (...forms: (keyof typeof PRICING_FORMS)[]) =>
  (c: Ctx): string | undefined => {
    const seg = c.seg;
    if (seg === undefined) return 'no segment';
    const k = pricingKind(seg.pricing);
    if ((forms as string[]).includes(k)) return undefined;
    const own = PRICING_INPUTS[k].map((p) => `demand.segments[${seg.id}].${p}`);
    if (own.length === 0) return `segment "${seg.id}" has no pricing (no value), so it has no pricing inputs`;
    return `segment "${seg.id}" is priced ${PRICING_FORMS[k]}: its pricing inputs are ${own.join(', ')}`;
  };

/**
 * Every numeric input of the schema, by pattern (`[]` stands for a segment
 * id), in the order of MODEL.md §2. `horizon.startYear` is left out on
 * purpose: it only labels the years.
 */
const SPECS: Record<string, LeafSpec> = {
  'horizon.years': leaf('Horizon', 'years', 'years', wholeYears),
  'site.itMW': leaf('IT load', 'MW', 'quantity', positive(0.1, 10_000, MAX_IT_MW)),
  'site.pue': leaf('PUE', '×', 'multiplier', { schemaMin: 1, minExclusive: false, schemaMax: 3, maxExclusive: false, min: 1, max: 3, integer: false }),
  'site.power.pricePerMWh': leaf('Power price', '$ per MWh', 'money', nonNeg(1000), power),
  'site.power.escalationPerYear': leaf('Power price escalation', 'per year', 'rate', rate(), power),
  'site.power.idleFraction': leaf('Idle power fraction', 'share of peak IT draw', 'share', unit01, power),
  'site.facility.capexPerMW': leaf('Facility capex', '$ per MW', 'money', nonNeg(1e8), facility('own')),
  'site.facility.lifeYears': leaf('Facility life', 'years', 'years', wholeYears, facility('own')),
  'site.facility.leasePerKWMonth': leaf('Facility lease', '$ per kW-month', 'money', nonNeg(2000), facility('lease')),
  'site.facility.escalationPerYear': leaf('Lease escalation', 'per year', 'rate', rate(), facility('lease')),
  'site.facility.termYears': leaf('Lease term', 'years', 'years', wholeYears, facility('lease')),
  'site.buildMonths': leaf('Build', 'months', 'quantity', { schemaMin: 0, minExclusive: false, schemaMax: MAX_BUILD_MONTHS, maxExclusive: false, min: 0, max: MAX_BUILD_MONTHS, integer: true }, buildMonths),
  'fleet.kWPerAccelerator': leaf('Power per accelerator', 'kW per accelerator', 'quantity', positive(0.05, 50)),
  'fleet.tokensPerSecond': leaf('Throughput per accelerator', 'tokens/s per accelerator', 'quantity', positive(1, 1e7)),
  'fleet.capexPerAccelerator': leaf('Capex per accelerator', '$ per accelerator', 'money', nonNeg(1e6), ownFleet),
  'fleet.usefulLifeYears': leaf('Useful life', 'years', 'years', wholeYears, ownFleet),
  'fleet.depreciationYears': leaf('Depreciation life', 'years', 'years', wholeYears, ownFleet),
  'fleet.residualValue': leaf('Residual value', 'share of capex', 'share', unit01Open, ownFleet),
  'fleet.technology.perfGainPerYear': leaf('Hardware performance gain', '× per year of technology', 'multiplier', multiplier10(0.5, 3), ownFleet),
  'fleet.technology.capexChangePerYear': leaf('Hardware capex change', '× per year of technology', 'multiplier', multiplier10(0.5, 2), ownFleet),
  'fleet.maintenancePctPerYear': leaf('Maintenance', 'share of capex per year', 'share', nonNeg(1), ownFleet),
  'fleet.rentPerAcceleratorHour': leaf('Compute rent', '$ per accelerator-hour', 'money', nonNeg(100), rentFleet),
  'fleet.rentChangePerYear': leaf('Compute rent change', 'per year', 'rate', rate(), rentFleet),
  'fleet.rentTermYears': leaf('Compute rent term', 'years', 'years', wholeYears, rentFleet),
  'fleet.marketValue.declinePerYear': leaf('Market value decline', 'per year of age', 'share', unit01, marketValue),
  'serving.softwareGainPerYear': leaf('Software throughput gain', 'per year', 'rate', growthRate(2)),
  'demand.utilization': leaf('Utilization', 'share of capacity', 'share', unit01, utilizationMode, true),
  'demand.tokensPerYear': leaf('Tokens demanded in year 1', 'tokens per year', 'quantity', nonNeg(1e18, MAX_TOKENS), tokensMode),
  'demand.growthPerYear': leaf('Token demand growth', 'per year', 'rate', growthRate(10), tokensMode),
  'demand.maxUtilization': leaf('Maximum utilization', 'share of capacity', 'share', { schemaMin: 0, minExclusive: true, schemaMax: 1, maxExclusive: false, min: 0.01, max: 1, integer: false }, tokensMode),
  'demand.segments[].tokenShare': leaf('token share', 'share of tokens', 'share', unit01, undefined, true),
  'demand.segments[].computeIntensity': leaf('compute intensity', 'compute units per token', 'multiplier', positive(0.01, 100)),
  'demand.segments[].hiddenReasoningShare': leaf('hidden reasoning share', 'share of tokens', 'share', unit01Open),
  'demand.segments[].pricing.perMTok': leaf('price', '$ per M tokens', 'money', nonNeg(1000), pricing('perMTok')),
  'demand.segments[].pricing.changePerYear': leaf('price change', 'per year', 'rate', rate(), pricing('perMTok', 'perAcceleratorHour', 'imputed')),
  'demand.segments[].pricing.discount': leaf('discount', 'share of price', 'share', unit01, pricing('perMTok')),
  'demand.segments[].pricing.subscription.arpuPerMonth': leaf('ARPU', '$ per user-month', 'money', nonNeg(10_000), pricing('subscription')),
  'demand.segments[].pricing.subscription.tokensPerUserMonth': leaf('tokens per user', 'tokens per user-month', 'quantity', positive(1000, 1e12, MAX_TOKENS), pricing('subscription')),
  'demand.segments[].pricing.subscription.arpuChangePerYear': leaf('ARPU change', 'per year', 'rate', rate(), pricing('subscription')),
  'demand.segments[].pricing.subscription.usageGrowthPerYear': leaf('usage growth per user', 'per year', 'rate', growthRate(10), pricing('subscription')),
  'demand.segments[].pricing.perAcceleratorHour': leaf('price', '$ per accelerator-hour', 'money', nonNeg(100), pricing('perAcceleratorHour')),
  'demand.segments[].pricing.techPremiumPerYear': leaf('price premium of newer hardware', '× per year of technology', 'multiplier', multiplier10(0.5, 2), pricing('perAcceleratorHour')),
  'demand.segments[].pricing.imputedPerMTok': leaf('imputed value', '$ per M tokens', 'money', nonNeg(1000), pricing('imputed')),
  'finance.wacc': leaf('WACC', 'per year', 'rate', rate(0, 1)),
  'finance.taxRate': leaf('Tax rate', 'share of profit', 'share', unit01Open),
  'finance.debt.share': leaf('Debt share', 'share of capex', 'share', unit01, debt),
  'finance.debt.rate': leaf('Debt rate', 'per year', 'rate', rate(0, 1), debt),
  'finance.debt.termYears': leaf('Debt term', 'years', 'years', wholeYears, debt),
  'finance.baseRate': leaf('Base rate', 'per year', 'rate', rate(0, 1), baseRate, true),
  'finance.debt[].share': leaf('share of capex', 'share of capex', 'share', unit01, trancheShare),
  'finance.debt[].amount': leaf('amount', '$ drawn at t = 0', 'money', nonNeg(1e11), trancheAmount),
  'finance.debt[].rate': leaf('rate', 'per year', 'rate', rate(0, 1), trancheRate),
  'finance.debt[].spread': leaf('spread over the base rate', 'per year', 'rate', rate(0, 1), trancheSpread),
  'finance.debt[].termYears': leaf('term', 'years', 'years', wholeYears, tranchesOnly),
  'finance.debt[].amortizationYears': leaf('amortization years', 'years', 'years', wholeYears, trancheAmortYears),
  'finance.debt[].targetDscr': leaf('target DSCR', '×', 'multiplier', positive(0.5, 5, 100), trancheTarget),
  'finance.debt[].refinance.termYears': leaf('refinancing term', 'years', 'years', wholeYears, trancheRefinance),
  'finance.debt[].refinance.spread': leaf('refinancing spread over the base rate', 'per year', 'rate', rate(0, 1), trancheRefinance),
  'finance.covenants.minDscr': leaf('Covenant: minimum DSCR', '×', 'multiplier', positive(0.5, 5, 100), covenant('minDscr')),
  'finance.covenants.maxLtv': leaf('Covenant: maximum market LTV', 'share of market value', 'share', positive(0.05, 2, 10), covenant('maxLtv')),
  'finance.cashSweep': leaf('Cash sweep', 'share of excess equity cash', 'share', unit01, cashSweep),
  'demand.segments[].contract.termYears': leaf('contract term', 'years', 'years', wholeYears, contract),
  'demand.segments[].contract.startYear': leaf('contract start', 'calendar year', 'quantity', { schemaMin: 1900, minExclusive: false, schemaMax: 2200, maxExclusive: false, min: 1900, max: 2200, integer: true }, contract),
  'demand.segments[].contract.price': leaf('contract price', 'in the pricing unit', 'money', nonNeg(1000), contract),
  'demand.segments[].contract.escalationPerYear': leaf('contract escalation', 'per year', 'rate', rate(), contract),
  'demand.segments[].contract.counterpartyDefaultPerYear': leaf('counterparty default', 'per year', 'share', unit01, contract),
  'demand.segments[].contract.recoveryRate': leaf('recovery on default', 'share of revenue', 'share', unit01, contract),
  'opex.fixedPerMWYear': leaf('Fixed opex', '$ per MW-year', 'money', nonNeg(1e7)),
  'opex.otherCostPerMTok': leaf('Other cost per token', '$ per M tokens', 'money', nonNeg(100)),
  'profitability.minMargin': leaf('Minimum margin to count as profitable', 'gross margin', 'share', { schemaMin: -MAX_AMOUNT, minExclusive: false, schemaMax: 1, maxExclusive: true, min: -1, max: 0.99, integer: false }),
};

const PAID_SHARE_SPEC: LeafSpec = leaf('Paid share', 'share of tokens in cash segments', 'share', unit01, paidShareAbsent, true);

const PATTERNS = Object.keys(SPECS);
const SEGMENT_PREFIX = 'demand.segments[].';
const TRANCHE_PREFIX = 'finance.debt[].';
const GLOBAL_PATTERNS = PATTERNS.filter((p) => !p.startsWith(SEGMENT_PREFIX) && !p.startsWith(TRANCHE_PREFIX));
const SEGMENT_PATTERNS = PATTERNS.filter((p) => p.startsWith(SEGMENT_PREFIX));
const TRANCHE_PATTERNS = PATTERNS.filter((p) => p.startsWith(TRANCHE_PREFIX));

/** The tranches of a scenario's list in `finance.debt` (MODEL.md §9), none for a single object. */
const tranchesIn = (s: Scenario): Tranche[] => (Array.isArray(s.finance.debt) ? s.finance.debt : []);
const trancheId = (tr: Tranche, i: number): string => tr.id ?? `debt-${i + 1}`;
/** The ids of a list a path steps into: segments or tranches. */
const listIds = (s: Scenario, key: string): string[] => (key === 'debt' ? tranchesIn(s).map(trancheId) : s.demand.segments.map((x) => x.id));
function findTranche(s: Scenario, id: string): Tranche | undefined {
  const list = tranchesIn(s);
  for (let i = 0; i < list.length; i++) if (trancheId(list[i]!, i) === id) return list[i];
  return undefined;
}

function paidShareAbsent(c: Ctx): string | undefined {
  let cash = 0;
  for (const seg of c.s.demand.segments) if (isCashPricing(pricingKind(seg.pricing))) cash++;
  if (cash === 0) return 'paidShare needs a cash segment (priced per token, by subscription or per accelerator-hour); this scenario has none';
  if (cash === c.s.demand.segments.length) return 'paidShare needs a segment that is not cash (free, internal, imputed…); every segment of this scenario is cash, so the paid share is fixed at 100 %';
  return undefined;
}

// ---------------------------------------------------------------------------
// Parsing

const KEY = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const ID = /[A-Za-z0-9_][A-Za-z0-9_-]*/y;

const syntaxIssue = (path: string, message: string): Issue => ({ path, message, code: 'bad_path' });

/**
 * Split a path into steps (syntax only; whether the input exists is
 * `checkInputPath`'s question).
 *
 * @example
 * parseInputPath('demand.segments[enterprise-api].pricing.perMTok');
 * // { ok: true, path: { path: '…', steps: [{ key: 'demand' }, { key: 'segments', id: 'enterprise-api' }, { key: 'pricing' }, { key: 'perMTok' }] } }
 * parseInputPath('demand..utilization'); // { ok: false, issue: { message: 'expected a name at character 8 …' } }
 */
export function parseInputPath(path: string): { ok: true; path: ParsedInputPath } | { ok: false; issue: Issue } {
  const text = path.trim();
  if (text === '') return { ok: false, issue: syntaxIssue(path, 'the path is empty; a path names an input, e.g. demand.utilization or demand.segments[<id>].pricing.perMTok') };
  const steps: PathStep[] = [];
  let i = 0;
  for (;;) {
    KEY.lastIndex = i;
    const k = KEY.exec(text);
    if (k === null) {
      return { ok: false, issue: syntaxIssue(path, `expected a name at character ${i + 1} of "${text}", got ${i < text.length ? JSON.stringify(text[i]) : 'the end'}`) };
    }
    const step: PathStep = { key: k[0] };
    i = KEY.lastIndex;
    if (text[i] === '[') {
      let j = i + 1;
      const quote = text[j] === '"' || text[j] === "'" ? text[j] : undefined;
      if (quote !== undefined) j++;
      ID.lastIndex = j;
      const m = ID.exec(text);
      const close = m === null ? j : ID.lastIndex + (quote !== undefined ? 1 : 0);
      if (m === null || text[close] !== ']' || (quote !== undefined && text[ID.lastIndex] !== quote)) {
        return { ok: false, issue: syntaxIssue(path, `expected an id and "]" after "[" at character ${i + 1} of "${text}" (a list element is named by its id: demand.segments[enterprise-api])`) };
      }
      step.id = m[0];
      i = close + 1;
    }
    steps.push(step);
    if (i === text.length) break;
    if (text[i] !== '.') return { ok: false, issue: syntaxIssue(path, `expected "." or the end at character ${i + 1} of "${text}", got ${JSON.stringify(text[i])}`) };
    i++;
  }
  return { ok: true, path: { path: formatSteps(steps), steps } };
}

const formatSteps = (steps: readonly PathStep[]): string => steps.map((s) => (s.id === undefined ? s.key : `${s.key}[${s.id}]`)).join('.');
const patternOf = (steps: readonly PathStep[]): string => steps.map((s) => (s.id === undefined ? s.key : `${s.key}[]`)).join('.');

// ---------------------------------------------------------------------------
// Resolving a path against a scenario

interface Compiled {
  path: string;
  steps: PathStep[];
  spec: LeafSpec;
  derived: boolean;
  /** the segment id, for segment inputs */
  segmentId: string | undefined;
  /** the tranche id, for tranche inputs (MODEL.md §9) */
  trancheId: string | undefined;
}

// Scenario-independent part of a path, kept so the hot loops of goal seek and
// Monte Carlo do not re-parse the same few paths.
const compiledCache = new Map<string, Compiled | Issue>();

function compile(path: string): Compiled | Issue {
  const hit = compiledCache.get(path);
  if (hit !== undefined) return hit;
  const out = compileUncached(path);
  if (compiledCache.size > 10_000) compiledCache.clear();
  compiledCache.set(path, out);
  return out;
}

const isIssue = (x: Compiled | Issue): x is Issue => 'message' in x;

function compileUncached(path: string): Compiled | Issue {
  const p = parseInputPath(path);
  if (!p.ok) return p.issue;
  const { steps } = p.path;
  if (steps.length === 1 && steps[0]?.key === PAID_SHARE && steps[0].id === undefined) {
    return { path: PAID_SHARE, steps, spec: PAID_SHARE_SPEC, derived: true, segmentId: undefined, trancheId: undefined };
  }
  const spec = SPECS[patternOf(steps)];
  if (spec === undefined) return { path: p.path.path, message: '', code: 'unknown_path' };
  const inList = (a: string, b: string): string | undefined => (steps[0]?.key === a && steps[1]?.key === b ? steps[1].id : undefined);
  return { path: p.path.path, steps, spec, derived: false, segmentId: inList('demand', 'segments'), trancheId: inList('finance', 'debt') };
}

interface Located {
  c: Compiled;
  ctx: Ctx;
}

/** The compiled path and its context in this scenario, or the issue that says why it is not an input of it. */
function locate(scenario: Scenario, path: string): Located | Issue {
  const c = compile(path);
  if (isIssue(c)) return c.code === 'unknown_path' ? unknownPathIssue(scenario, path) : c;
  let seg: Segment | undefined;
  if (c.segmentId !== undefined) {
    seg = findSegment(scenario, c.segmentId);
    if (seg === undefined) {
      const ids = scenario.demand.segments.map((s) => s.id);
      return {
        path: c.path,
        message: `no segment "${c.segmentId}" in this scenario${suggest(c.segmentId, ids)}; its segments are ${ids.join(', ')}`,
        code: 'unknown_segment',
      };
    }
  }
  let tranche: Tranche | undefined;
  if (c.trancheId !== undefined) {
    tranche = findTranche(scenario, c.trancheId);
    if (tranche === undefined) {
      const ids = listIds(scenario, 'debt');
      return {
        path: c.path,
        message:
          ids.length === 0
            ? `no tranche "${c.trancheId}": ${scenario.finance.debt === undefined ? 'this scenario has no debt' : 'finance.debt is a single object (finance.debt.share, .rate, .termYears)'}`
            : `no tranche "${c.trancheId}" in this scenario${suggest(c.trancheId, ids)}; its tranches are ${ids.join(', ')}`,
        code: 'unknown_tranche',
      };
    }
  }
  const ctx: Ctx = { s: scenario, seg, tranche };
  const why = c.spec.absent?.(ctx);
  if (why !== undefined) return { path: c.path, message: `an input of the schema, but not of this scenario: ${why}`, code: 'input_absent' };
  if (!c.derived) {
    const v = readRaw(scenario, c.steps);
    if (typeof v !== 'number' && !(Array.isArray(v) && v.length > 0)) {
      return { path: c.path, message: `this input is not set in this scenario (resolve the scenario first: resolving fills every default)`, code: 'input_absent' };
    }
  }
  return { c, ctx };
}

function findSegment(s: Scenario, id: string): Segment | undefined {
  const segs = s.demand.segments;
  for (let i = 0; i < segs.length; i++) if (segs[i]!.id === id) return segs[i];
  return undefined;
}

const suggest = (word: string, candidates: Iterable<string>): string => {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
};

/** A path that names no input of the schema: say at which step it goes wrong and what is valid there. */
function unknownPathIssue(scenario: Scenario, path: string): Issue {
  const parsed = parseInputPath(path);
  if (!parsed.ok) return parsed.issue;
  const { steps, path: text } = parsed.path;
  const all = listInputPaths(scenario);
  const issue = (message: string): Issue => ({ path: text, message, code: 'unknown_path' });
  const schemaPatterns = [...PATTERNS, PAID_SHARE];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const prefix = patternOf(steps.slice(0, i));
    const here = prefix === '' ? '' : `${prefix}.`;
    const under = schemaPatterns.filter((p) => p.startsWith(here));
    const names = unique(under.map((p) => (p.slice(here.length).split('.')[0] as string).replace('[]', '')));
    const concretePrefix = formatSteps(steps.slice(0, i));
    const concreteHere = concretePrefix === '' ? '' : `${concretePrefix}.`;
    const valid = unique(all.filter((p) => p.startsWith(concreteHere)).map((p) => (p.slice(concreteHere.length).split('.')[0] as string).replace(/\[.*$/, '')));
    const where = concretePrefix === '' ? 'at the top level' : `under ${concretePrefix}`;
    if (names.length === 0) return issue(`${concretePrefix} is a single number, not a group of inputs: end the path there`);
    if (!names.includes(step.key)) {
      let hint = suggest(step.key, names);
      if (i === 0 && hint === '') {
        // a bare field name: point at the full path that ends with it
        const ends = all.filter((p) => p.toLowerCase().endsWith(`.${text.toLowerCase()}`) || p.toLowerCase().endsWith(`.${step.key.toLowerCase()}`));
        if (ends.length > 0) hint = ` (did you mean "${ends[0]}"?)`;
      }
      const list = valid.length > 0 ? valid : names;
      return issue(`no input "${step.key}" ${where}${hint}; valid ${where}: ${list.join(', ')}`);
    }
    const isList = under.some((p) => p.startsWith(`${here}${step.key}[]`));
    if (isList && step.id === undefined && !under.some((p) => p.startsWith(`${here}${step.key}.`))) {
      const ids = listIds(scenario, step.key);
      return issue(`${formatSteps(steps.slice(0, i + 1))} is a list: name an element by its id, e.g. ${formatSteps(steps.slice(0, i + 1))}[${ids[0] ?? '<id>'}]; ids: ${ids.join(', ')}`);
    }
    if (!isList && step.id !== undefined) {
      return issue(`${formatSteps(steps.slice(0, i))}${i === 0 ? '' : '.'}${step.key} is not a list: remove "[${step.id}]"`);
    }
    if (step.id !== undefined && !listIds(scenario, step.key).includes(step.id)) {
      const ids = listIds(scenario, step.key);
      const what = step.key === 'debt' ? 'tranche' : 'segment';
      return issue(`no ${what} "${step.id}" in this scenario${suggest(step.id, ids)}; its ${what}s are ${ids.join(', ')}`);
    }
  }
  // every step is a name of the schema, but the path stops at a group
  const here = `${formatSteps(steps)}.`;
  const valid = unique(all.filter((p) => p.startsWith(here)).map((p) => p.slice(here.length).split('.')[0] as string));
  return issue(
    valid.length > 0
      ? `${text} is a group of inputs, not a number; name one of: ${valid.map((v) => `${text}.${v}`).join(', ')}`
      : `${text} is a group of inputs, not a number, and none of them is in this scenario`,
  );
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

function readRaw(s: Scenario, steps: readonly PathStep[]): unknown {
  let node: unknown = s;
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[step.key];
    if (step.id !== undefined) {
      if (!Array.isArray(node)) return undefined;
      node = (node as { id?: unknown }[]).find((e) => e !== null && typeof e === 'object' && e.id === step.id);
    }
  }
  return node;
}

function fail(issue: Issue): never {
  throw new AnalysisInputError([issue]);
}

function locateOrThrow(scenario: Scenario, path: string): Located {
  const l = locate(scenario, path);
  if ('message' in l) fail(l);
  return l;
}

// ---------------------------------------------------------------------------
// Public API

/**
 * Whether `path` names a numeric input of this scenario: null when it does,
 * else one issue saying what is wrong and what would be valid (with a
 * did-you-mean over the names at that level, the segment ids, or the full
 * paths that end with a bare field name). A path that exists in the schema
 * but not in this scenario says why (no debt, rent mode, tokens mode…).
 *
 * @example
 * checkInputPath(neocloud, 'finance.debt.rate'); // null
 * checkInputPath(hyperscaler, 'finance.debt.rate')?.message;
 * // 'an input of the schema, but not of this scenario: finance.debt is absent: this scenario has no debt'
 * checkInputPath(s, 'demand.utilisation')?.message;
 * // 'no input "utilisation" under demand (did you mean "utilization"?); valid under demand: utilization, segments'
 */
export function checkInputPath(scenario: Scenario, path: string): Issue | null {
  const l = locate(scenario, path);
  return 'message' in l ? l : null;
}

/**
 * Every numeric input path of this scenario, in the order of the scenario
 * file (segments in their order), then `paidShare` where it applies. Inputs
 * the scenario's modes make irrelevant (own-mode fields of a rented fleet…)
 * are left out.
 *
 * @example
 * listInputPaths(neocloud).slice(0, 4); // ['horizon.years', 'site.itMW', 'site.pue', 'site.power.pricePerMWh']
 */
export function listInputPaths(scenario: Scenario): string[] {
  const out: string[] = [];
  const present = (path: string): boolean => !('message' in locate(scenario, path));
  for (const p of GLOBAL_PATTERNS) {
    if (present(p)) out.push(p);
    // the segments come after the demand-level inputs, as in the file
    if (p === 'demand.maxUtilization') {
      for (const seg of scenario.demand.segments) {
        for (const sp of SEGMENT_PATTERNS) {
          const concrete = sp.replace('[]', `[${seg.id}]`);
          if (present(concrete)) out.push(concrete);
        }
      }
    }
    // the tranches come after the base rate, in their list order (MODEL.md §9)
    if (p === 'finance.baseRate') {
      tranchesIn(scenario).forEach((tr, i) => {
        for (const tp of TRANCHE_PATTERNS) {
          const concrete = tp.replace('[]', `[${trancheId(tr, i)}]`);
          if (present(concrete)) out.push(concrete);
        }
      });
    }
  }
  if (present(PAID_SHARE)) out.push(PAID_SHARE);
  return out;
}

/**
 * The value of an input: a number, or for a Series given year by year the
 * list as given (a copy). `paidShare` is the share of tokens in cash segments
 * (priced per token, by subscription or per accelerator-hour): a number when
 * every token share is a single number, else one value per year (the longest
 * share list's length; later years carry forward). Throws an
 * `AnalysisInputError` for a path that is not an input of this scenario.
 *
 * @example
 * getInput(s, 'demand.segments[enterprise-api].pricing.perMTok'); // 6
 * getInput(s, 'demand.utilization');                               // [0.55, 0.75, 0.8]
 * getInput(s, 'paidShare');                                        // 0.45
 */
export function getInput(scenario: Scenario, path: string): number | number[] {
  const { c } = locateOrThrow(scenario, path);
  if (c.derived) return readPaidShare(scenario);
  const v = readRaw(scenario, c.steps) as number | number[];
  return typeof v === 'number' ? v : v.slice();
}

/**
 * A new scenario with one input set (`mode: 'set'`, the default) or scaled
 * (`'scale'`: multiplied by `value`). A Series set to a value becomes that
 * value in every year; scaled, every year is multiplied. Only the objects
 * along the path are copied; the rest is shared with `scenario`, which is
 * never changed. `paidShare` set to `p` scales the cash segments' token
 * shares to sum to `p` and the others to `1 − p` in every year, keeping the
 * proportions inside each group (a group with no tokens in a year is split
 * evenly); scaled by `m`, each year's paid share is multiplied by `m`.
 *
 * Throws an `AnalysisInputError` for a bad path and a `RangeError` for a value
 * outside the schema's bounds (or not whole where a whole number is needed):
 * the practical range of `inputInfo` is for searches, the schema's for this.
 *
 * @example
 * const cheaper = setInput(s, 'fleet.capexPerAccelerator', 45_000);
 * const busier = setInput(s, 'demand.utilization', 1.1, 'scale'); // every year × 1.1
 * cheaper.finance === s.finance; // true: untouched parts are shared
 */
export function setInput<S extends Scenario>(scenario: S, path: string, value: number, mode: SetMode = 'set'): S {
  const { c } = locateOrThrow(scenario, path);
  if (!Number.isFinite(value)) throw new RangeError(`${c.path}: expected a finite number, got ${value}`);
  if (c.derived) return writePaidShare(scenario, value, mode);
  const current = readRaw(scenario, c.steps) as number | number[];
  let next: number | number[];
  if (mode === 'scale') {
    if (typeof current === 'number') next = current * value;
    else {
      const arr = new Array<number>(current.length);
      for (let i = 0; i < current.length; i++) arr[i] = (current[i] as number) * value;
      next = arr;
    }
  } else next = value;
  checkValue(c, next);
  return assoc(scenario as unknown as Record<string, unknown>, c.steps, 0, next) as unknown as S;
}

/**
 * What an input is and where it may go: label, unit, kind, the practical
 * valid range `[min, max]` (schema bounds, open ends moved just inside,
 * practical caps where the schema has none, widened to include this
 * scenario's value), the schema's own bounds, and whether it is whole, a
 * Series or derived. Throws an `AnalysisInputError` for a bad path.
 *
 * @example
 * inputInfo(s, 'demand.utilization');
 * // { path: 'demand.utilization', label: 'Utilization', unit: 'share of capacity', kind: 'share', min: 0, max: 1, integer: false, series: true, … }
 * inputInfo(s, 'fleet.usefulLifeYears'); // { …, min: 1, max: 15, integer: true }
 */
export function inputInfo(scenario: Scenario, path: string): InputInfo {
  const { c, ctx } = locateOrThrow(scenario, path);
  const spec = c.spec;
  const value = c.derived ? readPaidShare(scenario) : (readRaw(scenario, c.steps) as number | number[]);
  const values = typeof value === 'number' ? [value] : value;
  let min = spec.min;
  let max = spec.max;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const segLabel = ctx.seg === undefined ? '' : `${ctx.seg.label ?? ctx.seg.id}: `;
  return {
    path: c.path,
    label: segLabel + spec.label,
    unit: spec.unit,
    kind: spec.kind,
    min,
    max,
    schemaMin: spec.schemaMin,
    schemaMax: spec.schemaMax,
    minExclusive: spec.minExclusive,
    maxExclusive: spec.maxExclusive,
    integer: spec.integer,
    series: spec.series,
    derived: c.derived,
    value: typeof value === 'number' ? value : value.slice(),
  };
}

// ---------------------------------------------------------------------------
// Writing

function checkValue(c: Compiled, v: number | number[]): void {
  if (typeof v === 'number') {
    checkOne(c, v);
    return;
  }
  for (let i = 0; i < v.length; i++) checkOne(c, v[i] as number);
}

function checkOne(c: Compiled, v: number): void {
  const s = c.spec;
  const ok =
    Number.isFinite(v) &&
    (s.schemaMin === null || (s.minExclusive ? v > s.schemaMin : v >= s.schemaMin)) &&
    (s.schemaMax === null || (s.maxExclusive ? v < s.schemaMax : v <= s.schemaMax)) &&
    (!s.integer || Number.isInteger(v));
  if (!ok) throw new RangeError(`${c.path}: ${v} is not a valid value; expected ${describeSchemaRange(s)}`);
}

function describeSchemaRange(s: LeafSpec): string {
  const parts: string[] = [];
  if (s.integer) parts.push('a whole number');
  else parts.push('a number');
  if (s.schemaMin !== null && s.schemaMax !== null) {
    parts.push(`in ${s.minExclusive ? '(' : '['}${s.schemaMin}, ${s.schemaMax}${s.maxExclusive ? ')' : ']'}`);
  } else if (s.schemaMin !== null) parts.push(`${s.minExclusive ? '>' : '≥'} ${s.schemaMin}`);
  else if (s.schemaMax !== null) parts.push(`${s.maxExclusive ? '<' : '≤'} ${s.schemaMax}`);
  return parts.join(' ');
}

/** Copy the objects along `steps` (lists by id), put `leaf` at the end; share the rest. */
function assoc(node: Record<string, unknown>, steps: readonly PathStep[], i: number, leafValue: unknown): Record<string, unknown> {
  const step = steps[i]!;
  const last = i === steps.length - 1;
  const child = node[step.key];
  let next: unknown;
  if (step.id !== undefined) {
    const list = child as Record<string, unknown>[];
    const copy = list.slice();
    for (let j = 0; j < list.length; j++) {
      if (list[j]!['id'] === step.id) {
        copy[j] = last ? (leafValue as Record<string, unknown>) : assoc(list[j]!, steps, i + 1, leafValue);
        break;
      }
    }
    next = copy;
  } else next = last ? leafValue : assoc(child as Record<string, unknown>, steps, i + 1, leafValue);
  return { ...node, [step.key]: next };
}

// ---------------------------------------------------------------------------
// paidShare

const isCash = (seg: Segment): boolean => isCashPricing(pricingKind(seg.pricing));
const shareAt = (s: number | readonly number[], i: number): number => (typeof s === 'number' ? s : (s[i < s.length ? i : s.length - 1] as number));

/** Years the token shares spell out (1 when every share is a single number). */
function shareYears(segs: readonly Segment[]): { n: number; scalar: boolean } {
  let n = 1;
  let scalar = true;
  for (const seg of segs) {
    if (typeof seg.tokenShare !== 'number') {
      scalar = false;
      if (seg.tokenShare.length > n) n = seg.tokenShare.length;
    }
  }
  return { n, scalar };
}

function readPaidShare(s: Scenario): number | number[] {
  const segs = s.demand.segments;
  const { n, scalar } = shareYears(segs);
  const out = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    let cash = 0;
    let all = 0;
    for (const seg of segs) {
      const x = shareAt(seg.tokenShare, t);
      all += x;
      if (isCash(seg)) cash += x;
    }
    out[t] = all === 0 ? 0 : cash / all;
  }
  return scalar ? (out[0] as number) : out;
}

function writePaidShare<S extends Scenario>(s: S, value: number, mode: SetMode): S {
  const segs = s.demand.segments;
  const { n, scalar } = shareYears(segs);
  const current = readPaidShare(s);
  const target = new Array<number>(n);
  for (let t = 0; t < n; t++) {
    const p = mode === 'scale' ? shareAt(current, t) * value : value;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${PAID_SHARE}: ${p} is not a valid paid share; expected a number in [0, 1]`);
    target[t] = p;
  }
  return withGroupShare(s, isCash, (i) => target[i] as number, n, scalar);
}
