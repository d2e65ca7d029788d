/**
 * The scenario file format of MODEL.md §2 as zod schemas. The scenario types are
 * inferred from here and never written twice. Structure, types and ranges live
 * here; rules that cut across fields (mode pairs, share sums, catalog ids) live
 * in `load.ts`, because they must run even when the structure is broken so that
 * every problem is reported at once.
 */
import { z } from 'zod';

const num = () => z.number();
/** A number or a list of numbers, one per operating year; the last value carries forward. */
const series = (item: z.ZodNumber) => z.union([item, z.array(item).min(1)]);

import { MAX_AMOUNT, MAX_BUILD_MONTHS, MAX_IT_MW, MAX_SEGMENTS, MAX_TOKENS, MAX_TRANCHES, MAX_YEARS } from './bounds.ts';

export { MAX_AMOUNT, MAX_BUILD_MONTHS, MAX_IT_MW, MAX_SEGMENTS, MAX_TOKENS, MAX_TRANCHES, MAX_YEARS };

/** (−1, 1]: wacc, debt rates, escalations, yearly price changes. */
const rate = () => num().gt(-1).max(1);
/** (−1, 10]: growth of demand, usage and software throughput. */
const growthRate = () => num().gt(-1).max(10);
/** (0, 10]: yearly multipliers of the technology on sale. */
const multiplier = () => num().gt(0).max(10);
const amount = () => num().min(0).max(MAX_AMOUNT);
const share01 = () => num().min(0).max(1);
const wholeYears = () => num().int().min(1).max(MAX_YEARS);
const nonNeg = () => num().min(0);

import { OPERATORS } from './operators.ts';
import { PAYERS } from './payers.ts';

export { OPERATORS };
export const SEGMENT_KINDS = [
  'paid-api',
  'subscription',
  'free',
  'batch',
  'internal-eval',
  'internal-product',
  'capacity-contract',
  'other',
] as const;

export const sourceSchema = z.strictObject({
  label: z.string().min(1),
  url: z.string().optional(),
  note: z.string().optional(),
});

export const powerSchema = z.strictObject({
  pricePerMWh: amount(),
  escalationPerYear: rate().default(0),
  idleFraction: share01().default(0.3),
});

export const facilitySchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('own'),
    capexPerMW: amount(),
    lifeYears: wholeYears().default(20),
  }),
  z.strictObject({
    mode: z.literal('lease'),
    leasePerKWMonth: amount(),
    escalationPerYear: rate().default(0),
    termYears: wholeYears(),
  }),
  z.strictObject({ mode: z.literal('none') }),
]);

export const siteSchema = z.strictObject({
  itMW: num().gt(0).max(MAX_IT_MW),
  pue: num().min(1).max(3),
  power: powerSchema.optional(),
  facility: facilitySchema,
  /** MODEL.md §9: months of construction before t = 0's capex is in service (interest during construction); default 0 */
  buildMonths: num().int().min(0).max(MAX_BUILD_MONTHS).optional(),
});

/** What can be bought, by year from the start: the market's hardware roadmap, not the operator's refresh (MODEL.md v2 §3.1). */
export const technologySchema = z.strictObject({
  perfGainPerYear: multiplier().default(1),
  capexChangePerYear: multiplier().default(1),
});

export const fleetSchema = z.strictObject({
  mode: z.enum(['own', 'rent']),
  accelerator: z.string().optional(),
  kWPerAccelerator: num().gt(0).max(MAX_AMOUNT).optional(),
  tokensPerSecond: num().gt(0).max(MAX_AMOUNT).optional(),
  capexPerAccelerator: amount().optional(),
  usefulLifeYears: wholeYears().optional(),
  depreciationYears: wholeYears().optional(),
  residualValue: num().min(0).lt(1).default(0),
  refresh: z.boolean().default(true),
  technology: technologySchema.default({ perfGainPerYear: 1, capexChangePerYear: 1 }),
  maintenancePctPerYear: amount().default(0),
  rentPerAcceleratorHour: amount().optional(),
  rentChangePerYear: rate().default(0),
  rentTermYears: wholeYears().optional(),
  /** MODEL.md §9: the resale value of a generation, `capex · (1 − declinePerYear)^age` (the covenants' LTV); default its book value */
  marketValue: z.strictObject({ declinePerYear: share01() }).optional(),
});

export const servingSchema = z.strictObject({
  softwareGainPerYear: growthRate().default(0),
});

export const perMTokPricing = z.strictObject({
  perMTok: amount(),
  changePerYear: rate().default(0),
  discount: share01().default(0),
});
export const subscriptionPricing = z.strictObject({
  subscription: z.strictObject({
    arpuPerMonth: amount(),
    tokensPerUserMonth: num().gt(0).max(MAX_TOKENS),
    arpuChangePerYear: rate().default(0),
    usageGrowthPerYear: growthRate().default(0),
  }),
});
export const perAcceleratorHourPricing = z.strictObject({
  perAcceleratorHour: amount(),
  changePerYear: rate().default(0),
  techPremiumPerYear: multiplier().default(1),
});
export const imputedPricing = z.strictObject({
  imputedPerMTok: amount(),
  changePerYear: rate().default(0),
});
export const noPricing = z.strictObject({ none: z.literal(true) });

/** The key that tells which pricing form an object is; used to report the right branch's issues. */
export const PRICING_KEYS = ['perMTok', 'subscription', 'perAcceleratorHour', 'imputedPerMTok', 'none'] as const;

export const pricingSchema = z.union([
  perMTokPricing,
  subscriptionPricing,
  perAcceleratorHourPricing,
  imputedPricing,
  noPricing,
]);

/** MODEL.md §9: a contract a capacity-contract or paid-api segment earns under (its price in the segment's pricing unit). */
export const contractSchema = z.strictObject({
  termYears: wholeYears(),
  /** a calendar year; default horizon.startYear */
  startYear: num().int().min(1900).max(2200).optional(),
  price: amount(),
  escalationPerYear: rate().default(0),
  counterpartyDefaultPerYear: share01().default(0),
  recoveryRate: share01().default(0),
  renewal: z.enum(['market', 'none']).default('market'),
});

/** MODEL.md §9: how a segment's revenue is known. */
export const REVENUE_BASES = ['contracted', 'metered', 'imputed'] as const;

export const segmentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes'),
  label: z.string().optional(),
  kind: z.enum(SEGMENT_KINDS),
  /** who pays: enterprise | consumer | developer | platform | internal; default from the kind (payers.ts) */
  payer: z.enum(PAYERS).optional(),
  tokenShare: series(share01()),
  computeIntensity: num().gt(0).max(MAX_AMOUNT).default(1),
  hiddenReasoningShare: num().min(0).lt(1).default(0),
  reasoningBilled: z.boolean().default(false),
  pricing: pricingSchema.default({ none: true }),
  contract: contractSchema.optional(),
  /** default: contracted with a contract, imputed for imputedPerMTok, else metered */
  basis: z.enum(REVENUE_BASES).optional(),
});

export const demandSchema = z.strictObject({
  utilization: series(share01()).optional(),
  tokensPerYear: num().min(0).max(MAX_TOKENS).optional(),
  growthPerYear: growthRate().optional(),
  maxUtilization: num().gt(0).max(1).optional(),
  segments: z.array(segmentSchema).min(1).max(MAX_SEGMENTS),
});

export const debtSchema = z.strictObject({
  share: share01(),
  rate: rate(),
  termYears: wholeYears(),
  amortization: z.enum(['straight', 'bullet']).default('straight'),
});

/** MODEL.md §9: how a tranche repays. */
export const AMORTIZATIONS = ['straight', 'bullet', 'annuity', 'sculpted'] as const;
/** MODEL.md §9: what capex a tranche funds. */
export const FUNDS_PATTERN = /^(every-capex|initial|generation-(0|[1-9][0-9]?))$/;

/** MODEL.md §9: a balloon rolled into a new floating loan at maturity. */
export const refinanceSchema = z.strictObject({
  termYears: wholeYears(),
  spread: rate(),
  amortization: z.enum(['straight', 'bullet', 'annuity']).optional(),
});

/** MODEL.md §9: one tranche of a list in `finance.debt` (the cross-field rules are in `capital-rules.ts`). */
export const trancheSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes').optional(),
  share: share01().optional(),
  amount: amount().optional(),
  funds: z.string().regex(FUNDS_PATTERN, 'funds is every-capex, initial or generation-<k> (k = 0, 1, …)').optional(),
  rate: rate().optional(),
  spread: rate().optional(),
  termYears: wholeYears(),
  amortization: z.enum(AMORTIZATIONS).default('straight'),
  amortizationYears: wholeYears().optional(),
  targetDscr: num().gt(0).max(100).optional(),
  refinance: refinanceSchema.optional(),
});

export const covenantsSchema = z.strictObject({
  minDscr: num().gt(0).max(100).optional(),
  maxLtv: num().gt(0).max(10).optional(),
});

export const financeSchema = z.strictObject({
  wacc: rate(),
  taxRate: num().min(0).lt(1).default(0),
  terminalValue: z.enum(['bookValue', 'none']).default('bookValue'),
  /** MODEL.md §9: the market reference rate by operating year (a Series) that floating tranches pay a spread over */
  baseRate: series(rate()).optional(),
  debt: z.union([debtSchema, z.array(trancheSchema).min(1).max(MAX_TRANCHES)]).optional(),
  covenants: covenantsSchema.optional(),
  /** MODEL.md §9: the share of excess equity cash that prepays the tranches in list order, [0, 1] */
  cashSweep: share01().optional(),
});

export const opexSchema = z.strictObject({
  fixedPerMWYear: amount().default(0),
  otherCostPerMTok: amount().default(0),
});

export const profitabilitySchema = z.strictObject({
  minMargin: num().min(-MAX_AMOUNT).lt(1).default(0),
});

/** One uncertain input, by path; the fields a distribution needs are checked in the Monte Carlo module. */
export const distributionSchema = z.strictObject({
  dist: z.enum(['fixed', 'uniform', 'triangular', 'pert', 'normal', 'lognormal', 'beta', 'discrete']),
  value: num().optional(),
  min: num().optional(),
  mode: num().optional(),
  max: num().optional(),
  mean: num().optional(),
  sd: num().optional(),
  p5: num().optional(),
  p95: num().optional(),
  alpha: num().gt(0).optional(),
  beta: num().gt(0).optional(),
  lambda: num().gt(0).optional(),
  values: z.array(num()).min(1).optional(),
  weights: z.array(nonNeg()).min(1).optional(),
  scale: z.boolean().optional(),
});

export const correlationSchema = z.strictObject({
  paths: z.array(z.string()).min(2),
  matrix: z.array(z.array(num().min(-1).max(1))),
});

export const horizonSchema = z.strictObject({
  startYear: num().int().min(1900).max(2200),
  years: wholeYears(),
});

export const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes'),
  name: z.string().optional(),
  operator: z.enum(OPERATORS),
  description: z.string().optional(),
  sources: z.array(sourceSchema).optional(),
  horizon: horizonSchema,
  site: siteSchema,
  fleet: fleetSchema,
  serving: servingSchema.default({ softwareGainPerYear: 0 }),
  demand: demandSchema,
  finance: financeSchema,
  opex: opexSchema.default({ fixedPerMWYear: 0, otherCostPerMTok: 0 }),
  profitability: profitabilitySchema.default({ minMargin: 0 }),
  uncertainty: z.record(z.string(), distributionSchema).optional(),
  correlation: correlationSchema.optional(),
});

/** What a scenario file may say (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A parsed scenario with zod's defaults filled (not yet resolved against the catalog). */
export type Scenario = z.output<typeof scenarioSchema>;
export type Segment = Scenario['demand']['segments'][number];
export type Pricing = Segment['pricing'];
export type Series = number | number[];
export type Distribution = z.output<typeof distributionSchema>;
export type Tranche = z.output<typeof trancheSchema>;
export type SingleDebt = z.output<typeof debtSchema>;
export type Contract = z.output<typeof contractSchema>;
export type RevenueBasis = (typeof REVENUE_BASES)[number];

export const catalogRowSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string(),
  kWPerAccelerator: num().gt(0),
  capexPerAccelerator: nonNeg(),
  tokensPerSecond: num().gt(0),
  confidence: z.enum(['H', 'M', 'L']).optional(),
  source: z.string(),
  hourlyCostOfOwnership: z
    .strictObject({
      hyperscalerOwned: nonNeg().optional(),
      neocloudOwned: nonNeg().optional(),
      rental3yr: nonNeg().optional(),
    })
    .optional(),
});
export const catalogSchema = z.strictObject({ accelerators: z.array(catalogRowSchema).min(1) });
export type CatalogRow = z.output<typeof catalogRowSchema>;
export type Catalog = z.output<typeof catalogSchema>;
