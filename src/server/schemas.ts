/**
 * The zod schemas of the API: request bodies and queries (checked at the door,
 * every problem at once) and responses (for the OpenAPI document; a
 * compile-time check below keeps each one in step with the type the library
 * returns).
 */
import { z } from 'zod';
import { CAPITAL_SUMMARY_FIELDS, CAPITAL_YEAR_FIELDS, SEGMENT_YEAR_FIELDS, SUMMARY_FIELDS, TRANCHE_YEAR_FIELDS, YEAR_FIELDS } from '../model/result.ts';
import { REVENUE_BASES } from '../model/schema.ts';
import { correlationSchema, distributionSchema } from '../model/schema.ts';
import { contextItemSchema } from '../signals/context.ts';
import { signalsFileSchema } from '../signals/definitions.ts';
import { BASES, OPERATOR_CLASSES } from '../signals/observation.ts';

const nullableNumber = () => z.number().nullable();

// ---------------------------------------------------------------------------
// Shared

export const issueSchema = z
  .object({
    path: z.string().describe('dotted path of the value, list elements by id: `demand.segments[free].tokenShare`; empty for the whole input'),
    message: z.string().describe('what is wrong, naming the value and what was expected'),
    line: z.int().optional().describe('1-based line in the text, when the input was text'),
    column: z.int().optional().describe('1-based column in the text'),
    file: z.string().optional().describe('the file or stored scenario the input came from'),
    severity: z.enum(['error', 'warning']).optional().describe("'error' when absent"),
    code: z.string().optional().describe('a short machine-readable kind: `invalid_type`, `unknown_key`, `share_sum`…'),
  })
  .describe('One problem with an input: the same list the CLI prints as `file:line:col path: message`.');

export const errorSchema = z
  .object({
    error: z.string().describe('what went wrong, in a sentence'),
    issues: z.array(issueSchema).optional().describe('every problem of the input, when the input was at fault'),
  })
  .describe('Every error response.');

/** The schemas that stand for a scenario object; the OpenAPI document points them at the Scenario schema. */
export const SCENARIO_VALUES = new WeakSet<z.ZodType>();

/** A scenario object in a body: the loader checks it (with its own messages), not zod. */
export function scenarioValue(description = 'a scenario (MODEL.md §2) as an object'): z.ZodUnknown {
  const s = z.unknown().describe(description);
  SCENARIO_VALUES.add(s);
  return s;
}

/** The fields by which a request names its scenario; exactly one of `id`, `yaml`, `scenario`. */
export const scenarioRefShape = {
  id: z.string().optional().describe('a built-in or saved scenario id'),
  version: z.int().min(0).optional().describe('with `id`: that version (0 = the shipped built-in); default the latest'),
  yaml: z.string().optional().describe('the scenario as YAML or JSON text (issues carry line and column)'),
  scenario: scenarioValue().optional(),
};

/** The bodies that name their scenario by exactly one of `id`, `yaml`, `scenario`; the OpenAPI document says so with a `oneOf`. */
export const EXACTLY_ONE_SCENARIO = new WeakSet<z.ZodType>();
const exactlyOne = <T extends z.ZodType>(schema: T): T => {
  EXACTLY_ONE_SCENARIO.add(schema);
  return schema;
};

export const scenarioRefSchema = exactlyOne(
  z.strictObject(scenarioRefShape).describe('A scenario named by `id` (+ `version`), given as `yaml` text, or as a `scenario` object: exactly one of the three.'),
);

/** A request on one scenario with options. */
const onScenario = <S extends z.ZodRawShape>(shape: S, description: string) =>
  exactlyOne(z.strictObject({ ...scenarioRefShape, ...shape }).describe(`${description} Name the scenario by exactly one of id, yaml or scenario.`));

/** A query flag: `true`, `1`, `yes` or `false`, `0`, `no`. */
const flag = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional();

const isoDate = () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

// ---------------------------------------------------------------------------
// Scenarios

export const scenarioListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  operator: z.string(),
  builtin: z.boolean().describe('shipped with the package'),
  version: z.int().describe('the latest version: 0 for an unedited built-in'),
});
export const scenarioListSchema = z.object({ scenarios: z.array(scenarioListItemSchema) });

export const scenarioDocumentSchema = z.object({
  id: z.string(),
  version: z.int(),
  builtin: z.boolean(),
  yaml: z.string().describe('the text as written'),
  scenario: scenarioValue('the scenario resolved: catalog merged, defaults filled'),
  warnings: z.array(issueSchema),
});

export const scenarioVersionsSchema = z.object({
  id: z.string(),
  versions: z.array(
    z.object({
      version: z.int(),
      savedAt: z.string().nullable(),
      hash: z.string().nullable(),
      builtin: z.boolean(),
    }),
  ),
});

export const scenarioQuerySchema = z.strictObject({
  version: z
    .string()
    .regex(/^\d+$/, 'a version number')
    .transform(Number)
    .optional()
    .describe('that version (0 = the shipped built-in); default the latest'),
});

export const saveScenarioSchema = z.strictObject({ yaml: z.string().min(1).describe('the scenario text, YAML or JSON') });
export const savedSchema = z.object({
  id: z.string(),
  version: z.int(),
  created: z.boolean().describe('false when the text equals the latest version (nothing new was stored)'),
  warnings: z.array(issueSchema),
});

export const validateSchema = z.strictObject({ yaml: z.string().describe('the scenario text, YAML or JSON') });
export const validationSchema = z.object({
  ok: z.boolean(),
  issues: z.array(issueSchema).describe('errors, with line and column'),
  warnings: z.array(issueSchema),
  scenario: scenarioValue('the resolved scenario when ok').nullable(),
});

// ---------------------------------------------------------------------------
// Run and compare

const row = <K extends string>(fields: readonly K[]) =>
  z.object(Object.fromEntries(fields.map((f) => [f, nullableNumber()])) as Record<K, z.ZodNullable<z.ZodNumber>>);

/** Fields present only in a result with a capital stack (MODEL.md §9). */
const optionalRow = <K extends string>(fields: readonly K[]) =>
  z.object(Object.fromEntries(fields.map((f) => [f, nullableNumber().optional()])) as Record<K, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>);

export const covenantBreachSchema = z.object({
  t: z.int(),
  year: z.int(),
  covenant: z.enum(['minDscr', 'maxLtv']),
  value: z.number(),
  limit: z.number(),
  cure: z.number().describe('the equity that would restore the covenant (reported; the flows are unchanged)'),
});
export const summarySchema = row(SUMMARY_FIELDS)
  .extend(optionalRow(CAPITAL_SUMMARY_FIELDS).shape)
  .extend({ covenantBreaches: z.array(covenantBreachSchema).optional().describe('MODEL.md §9 (with a capital stack): each covenant breach with its equity cure') });
export const yearRowSchema = z.object({ t: z.int(), year: z.int() }).extend(row(YEAR_FIELDS).shape).extend(optionalRow(CAPITAL_YEAR_FIELDS).shape);
export const trancheResultSchema = z.object({
  id: z.string(),
  floating: z.boolean(),
  amortization: z.string(),
  funds: z.string(),
  refinances: z.boolean(),
  interestDuringConstruction: z.number(),
  years: z.array(z.object({ t: z.int(), year: z.int() }).extend(row(TRANCHE_YEAR_FIELDS).shape)),
});
export const segmentResultSchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.string(),
  pricingKind: z.enum(['perMTok', 'subscription', 'perAcceleratorHour', 'imputed', 'none']),
  basis: z.enum(REVENUE_BASES).optional().describe('MODEL.md §9 (with a capital stack): how its revenue is known'),
  years: z.array(
    z.object({ t: z.int(), year: z.int(), monetizable: z.boolean(), profitable: z.boolean() }).extend(row(SEGMENT_YEAR_FIELDS).shape),
  ),
});
export const modelWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
  t: z.int().optional(),
});
export const modelResultSchema = z
  .object({
    scenario: scenarioValue('the resolved scenario'),
    years: z.array(yearRowSchema).describe('t = 0 (the build) … T'),
    segments: z.array(segmentResultSchema),
    summary: summarySchema,
    warnings: z.array(modelWarningSchema),
    tranches: z.array(trancheResultSchema).optional().describe('MODEL.md §9: each tranche of a capital stack by year (absent without one)'),
  })
  .describe('The result contract of MODEL.md §4 (what `payback run --json` prints).');

export const runRequestSchema = onScenario({}, 'Evaluate one scenario.');

export const runResponseSchema = modelResultSchema.extend({
  inputWarnings: z.array(issueSchema).describe('the warnings of loading the scenario (a series longer than the horizon…)'),
});

export const compareRequestSchema = z
  .strictObject({
    ids: z.array(z.string()).min(1).max(50).optional().describe('built-in or saved scenario ids; default the four built-in archetypes'),
  })
  .describe('Scenarios side by side.');

export const metricInfoSchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
});

export const compareResponseSchema = z.object({
  metrics: z.array(metricInfoSchema).describe('the columns of `payback compare`, in order (keys into `summary`)'),
  summaries: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      operator: z.string(),
      version: z.int(),
      summary: summarySchema,
      warnings: z.array(modelWarningSchema),
    }),
  ),
});

// ---------------------------------------------------------------------------
// Health and catalog

export const healthSchema = z.object({
  ok: z.literal(true),
  version: z.string().describe('the engine version'),
  time: z.string().describe("the server's clock, ISO 8601"),
  store: z
    .object({
      kind: z.enum(['sqlite', 'postgres']),
      state: z.enum(['up', 'down']).describe('down: the last probe failed, or a request found it down since (routes that need it answer 503)'),
      schemaVersion: z.int().nullable().describe('as of the last probe that answered'),
      error: z.string().nullable().describe('why it is down'),
      checkedAt: z.string().describe('when this was learnt, ISO 8601'),
    })
    .nullable()
    .describe('null: the server has no store'),
  limits: z.object({ bodyBytes: z.int(), mcSamples: z.int(), mcMillis: z.int() }),
  auth: z.object({ writesNeedToken: z.boolean() }),
});

export const catalogResponseSchema = z.object({
  accelerators: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      kWPerAccelerator: z.number(),
      capexPerAccelerator: z.number(),
      tokensPerSecond: z.number(),
      confidence: z.enum(['H', 'M', 'L']).optional(),
      source: z.string(),
    }),
  ),
});

// ---------------------------------------------------------------------------
// Payback stack, internal inference, structural advantages

export const stackRequestSchema = onScenario(
  { by: z.enum(['kind', 'payer']).optional().describe('group the sources by segment kind (default) or by payer (`payback stack --by`)') },
  'The payback stack of one scenario.',
);

export const stackResponseSchema = z
  .object({
    scenarioId: z.string(),
    by: z.enum(['kind', 'payer']).describe('how the sources cut the cash: by segment kind or by payer'),
    wacc: z.number(),
    npv: nullableNumber(),
    factor: nullableNumber().describe('the factor on every cash price at which npv = 0'),
    requiredRevenuePerMW: nullableNumber().describe('cash revenue per MW-year that earns the wacc'),
    npvAtRequired: nullableNumber(),
    cashRevenuePerMW: z.number(),
    surplusPerMW: nullableNumber().describe('cash − required, $ per MW-year: positive is a surplus, negative a gap'),
    cashShareOfRequired: nullableNumber(),
    sources: z.array(
      z.object({
        key: z
          .enum(['paid-api', 'subscription', 'capacity-contract', 'batch', 'other-cash', 'enterprise', 'consumer', 'developer', 'platform', 'internal'])
          .describe('a segment kind (by kind) or a payer (by payer)'),
        label: z.string(),
        segments: z.array(z.string()),
        revenuePerMW: z.number(),
        shareOfRequired: nullableNumber(),
        revenuePerMWAtRequired: nullableNumber(),
      }),
    ),
    strategicValuePerMW: z.number(),
    strategicShareOfRequired: nullableNumber(),
    strategicSegments: z.array(z.string()),
    unpricedSegments: z.array(z.string()),
    reason: z.string().nullable().describe('why there is no requirement'),
  })
  .describe('What `paybackStack` says (src/analysis/payback-stack.ts).');

export const internalRequestSchema = onScenario(
  { steps: z.int().min(2).max(201).optional().describe('points of the sweep from 0 to 80 % internal share (default 9)') },
  'Internal inference sweep.',
);

const internalPointSchema = z.object({
  internalShare: z.number(),
  cleanRevenuePerMW: nullableNumber(),
  strategicRevenuePerMW: nullableNumber(),
  cleanGrossProfitPerMW: nullableNumber(),
  strategicGrossProfitPerMW: nullableNumber(),
  npv: nullableNumber(),
  strategicNpv: nullableNumber(),
});

export const internalResponseSchema = z
  .object({
    scenarioId: z.string(),
    available: z.boolean(),
    reason: z.string().nullable(),
    internalSegments: z.array(z.string()),
    otherSegments: z.array(z.string()),
    baseInternalShare: nullableNumber(),
    baseInternalShareByYear: z.array(z.number()),
    base: internalPointSchema,
    points: z.array(internalPointSchema),
  })
  .describe('What `internalSweep` says (src/analysis/internal.ts).');

export const advantagesRequestSchema = onScenario(
  {
    vs: z
      .union([z.string(), scenarioRefSchema])
      .optional()
      .describe('the reference operator: an id, or a scenario reference `{ id | yaml | scenario }`; default hyperscaler-base'),
  },
  'Structural advantages of one operator against a reference.',
);

const advantageGroup = z.enum(['power', 'silicon', 'distribution', 'pricing', 'balanceSheet']);
const operatorNpv = z.object({ id: z.string(), name: z.string(), npvPerMW: nullableNumber() });

export const advantagesResponseSchema = z
  .object({
    operator: operatorNpv,
    reference: operatorNpv,
    difference: nullableNumber().describe('operator minus reference npv per MW; the parts sum to it'),
    parts: z.array(
      z.object({
        group: advantageGroup,
        label: z.string(),
        inputs: z.string(),
        npvPerMW: nullableNumber(),
        shareOfDifference: nullableNumber(),
      }),
    ),
    coalitions: z.array(z.object({ fromOperator: z.array(advantageGroup), npvPerMW: nullableNumber() })),
    evaluations: z.int(),
    notes: z.array(z.string()),
    reason: z.string().nullable(),
    pricing: z
      .object({
        mode: z.enum(['segments', 'multiplier']).describe('segments: the same segment lists, pricing swapped segment by segment; multiplier: one multiplier on the cash prices (MODEL.md §5)'),
        revenuePerComputeUnit: z.object({ operator: nullableNumber(), reference: nullableNumber() }).describe('lifetime cash revenue per served compute unit of each operator'),
        multiplier: nullableNumber().describe("the operator's pricing on the reference's mix: its cash prices times this"),
      })
      .describe('how the pricing group moves between the two mixes'),
    sharesNote: z.string().nullable().describe('why the shares of the difference are not given (parts of both signs), or null'),
  })
  .describe('What `advantages` says (src/analysis/advantages.ts).');

// ---------------------------------------------------------------------------
// Downloads

export const reportRequestSchema = z
  .strictObject({
    ...scenarioRefShape,
    ids: z.array(z.string()).min(1).max(20).optional().describe('several built-in or saved scenarios (instead of one by reference)'),
    reference: z.string().optional().describe('the reference operator for structural advantages (default hyperscaler-base)'),
    mc: z
      .int()
      .min(0)
      .optional()
      .describe("Monte Carlo samples per scenario for the Verdict's probabilities and the histograms (default 20,000, as `payback report`; at most the server's limits.mcSamples; 0 leaves it out)"),
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('the Monte Carlo seed (default 42)'),
    asOf: isoDate().optional().describe("the day the Verdict's watch list starts from, YYYY-MM-DD (default: today)"),
  })
  .describe('One scenario by id, yaml or scenario; or several by ids; or nothing for the four built-in archetypes.');

// ---------------------------------------------------------------------------
// What has to be true

const inputKind = z.enum(['money', 'rate', 'share', 'years', 'quantity', 'multiplier']);
const setMode = z.enum(['set', 'scale']);
const targetMetric = z.enum(['npv', 'strategicNpv', 'irr', 'equityIrr', 'paybackYears', 'discountedPaybackYears', 'grossProfitPerMW', 'ebitdaPerMW', 'minDscr']);
const driverSetting = z.object({ path: z.string(), value: z.number(), mode: setMode });

/** Driver paths: input paths of MODEL.md §2 (`site.power.pricePerMWh`, `demand.segments[api].pricing.perMTok`) or `paidShare`. */
const driverPaths = (max: number) =>
  z
    .array(z.string().min(1))
    .max(max)
    .optional()
    .describe('input paths (`site.power.pricePerMWh`, `demand.segments[api].pricing.perMTok`, `paidShare`); default the drivers of MODEL.md §5');

export const breakevenRequestSchema = onScenario(
  {
    target: z.string().optional().describe('`npv>=0` (default), `irr>=wacc`, `payback<=life`, `gpPerMW>=2M`, `equityIrr>=0.15`, `minDscr>=1.3`…'),
    drivers: driverPaths(60),
  },
  'The breakeven table: for each driver, the value that just meets the target with all else at base.',
);

export const breakevenResponseSchema = z
  .object({
    scenarioId: z.string(),
    target: z.object({ text: z.string(), describe: z.string(), metric: targetMetric, op: z.enum(['>=', '<=']), threshold: z.number() }),
    base: z.object({ metric: nullableNumber(), met: z.boolean() }),
    rows: z.array(
      z.object({
        path: z.string(),
        label: z.string(),
        unit: z.string(),
        kind: inputKind,
        integer: z.boolean(),
        series: z.boolean().describe('a Series given year by year: values are its mean, moved by scaling'),
        mode: setMode,
        base: z.number(),
        breakeven: nullableNumber(),
        change: nullableNumber(),
        changePct: nullableNumber(),
        status: z.enum(['met', 'needs-change', 'unreachable', 'no-effect']),
        lo: z.number(),
        hi: z.number(),
        setting: driverSetting.nullable().describe('the setInput call that puts the driver at its breakeven'),
        metricAtBreakeven: nullableNumber(),
        closest: z.object({ bound: z.enum(['lo', 'hi']), value: z.number(), metric: nullableNumber() }).nullable(),
        evaluations: z.int(),
      }),
    ),
    evaluations: z.int(),
    warnings: z.array(modelWarningSchema).describe('values the table cannot give, and why (a change in % from a base of 0)'),
  })
  .describe('What `breakeven` says (src/analysis/breakeven.ts).');

export const xlsxRequestSchema = onScenario({}, 'The workbook of one scenario: inputs in named cells, the yearly model as live formulas, the summary.');

// ---------------------------------------------------------------------------
// Sensitivity: tornado and grid

const summaryMetric = z.enum(SUMMARY_FIELDS).describe('a summary metric of the result contract (npv, irr, paybackYears, grossProfitPerMW, …)');

export const tornadoRequestSchema = onScenario(
  {
    metric: summaryMetric.optional().describe('the summary metric (default npv)'),
    swing: z.number().gt(0).max(10).optional().describe('low and high are base ∓ swing · |base| (default 0.2)'),
    ranges: z
      .array(z.strictObject({ path: z.string().min(1), lo: z.number(), hi: z.number() }))
      .max(60)
      .optional()
      .describe("explicit low and high for some drivers (a driver not in the list is added)"),
    drivers: driverPaths(60),
  },
  'Tornado: each driver at low and high with all else at base.',
);

const driverInfo = {
  path: z.string(),
  label: z.string(),
  unit: z.string(),
  kind: inputKind,
  integer: z.boolean(),
  series: z.boolean(),
};

export const tornadoResponseSchema = z
  .object({
    scenarioId: z.string(),
    metric: z.enum(SUMMARY_FIELDS),
    baseMetric: nullableNumber(),
    swing: z.number(),
    rows: z.array(
      z.object({
        ...driverInfo,
        mode: setMode,
        base: z.number(),
        low: z.number(),
        high: z.number(),
        source: z.enum(['swing', 'range']),
        metricLow: nullableNumber(),
        metricHigh: nullableNumber(),
        swing: nullableNumber(),
        settingLow: driverSetting,
        settingHigh: driverSetting,
      }),
    ),
  })
  .describe('What `tornado` says (src/analysis/tornado.ts), rows sorted by swing.');

const gridAxis = z.strictObject({
  path: z.string().min(1).describe('an input path or paidShare'),
  lo: z.number(),
  hi: z.number(),
  n: z.int().min(2).max(201).describe('points from lo to hi, both included'),
});

export const gridRequestSchema = onScenario(
  {
    x: gridAxis.describe('the driver across'),
    y: gridAxis.describe('the driver down'),
    metric: summaryMetric.optional().describe('the summary metric (default npv)'),
    target: z.string().nullable().optional().describe("the target whose contour is marked (default the metric's own, e.g. npv>=0; null for none)"),
  },
  'A summary metric over two drivers.',
);

const gridAxisResult = z.object({ ...driverInfo, base: z.number(), values: z.array(z.number()) });

export const gridResponseSchema = z
  .object({
    scenarioId: z.string(),
    metric: z.enum(SUMMARY_FIELDS),
    baseMetric: nullableNumber(),
    target: z.object({ text: z.string(), describe: z.string() }).nullable(),
    x: gridAxisResult,
    y: gridAxisResult,
    values: z.array(z.array(nullableNumber())).describe('[iy][ix]'),
    met: z.array(z.array(z.boolean())).nullable(),
    contour: z.array(z.array(z.boolean())).nullable(),
  })
  .describe('What `grid` says (src/analysis/grid.ts).');

// ---------------------------------------------------------------------------
// Monte Carlo

export const mcRequestSchema = onScenario(
  {
    n: z.int().min(1).optional().describe('samples (default 100,000 as the CLI, at most the server limit `limits.mcSamples` of /api/health)'),
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('same seed, same numbers (default 42)'),
    lhs: z.boolean().optional().describe('Latin hypercube sampling instead of plain Monte Carlo'),
    dist: z
      .union([z.record(z.string(), distributionSchema), z.array(z.string())])
      .optional()
      .describe(
        "distributions by input path, added to (or replacing) the scenario's uncertainty block — or, when it has none, the default uncertainty every surface uses (src/analysis/default-uncertainty.ts): an object `{ path: { dist, … } }` or CLI-style strings `PATH=DIST:PARAMS` (`demand.utilization=pert:0.5,0.75,0.9`)",
      ),
    correlation: correlationSchema.nullable().optional().describe("a rank-correlation matrix replacing the scenario's (null: none)"),
    bins: z.int().min(1).max(200).optional().describe('histogram bins (default 20)'),
  },
  'Monte Carlo over the uncertain inputs, bounded in samples and time.',
);

const columnStatsSchema = z.object({
  count: z.int(),
  nullCount: z.int(),
  mean: nullableNumber(),
  sd: nullableNumber(),
  min: nullableNumber(),
  max: nullableNumber(),
  p5: nullableNumber(),
  p10: nullableNumber(),
  p50: nullableNumber(),
  p90: nullableNumber(),
  p95: nullableNumber(),
  histogram: z.object({ bins: z.array(z.object({ lo: z.number(), hi: z.number(), count: z.int() })), nullCount: z.int() }),
});

const MC_METRIC_KEYS = ['npv', 'irr', 'equityIrr', 'paybackYears', 'grossProfitPerMW', 'revenuePerMW', 'profitableShare', 'strategicNpv'] as const;
const perMetric = <S extends z.ZodType>(s: S) => z.object(Object.fromEntries(MC_METRIC_KEYS.map((k) => [k, s])) as Record<(typeof MC_METRIC_KEYS)[number], S>);
const importanceSchema = z.object({ path: z.string(), spearman: z.number(), contribution: z.number() });

export const mcSummarySchema = z
  .object({
    scenario: z.object({ id: z.string(), name: z.string() }),
    n: z.int(),
    seed: z.number(),
    sampling: z.enum(['monte-carlo', 'latin-hypercube']),
    chunkSize: z.int(),
    drivers: z.array(
      z.object({
        path: z.string(),
        label: z.string(),
        unit: z.string(),
        distribution: distributionSchema,
        description: z.string(),
        mode: z.enum(['set', 'scale']),
        range: z.object({ min: z.number(), max: z.number() }),
        keptMass: z.number(),
        mean: nullableNumber(),
        sd: nullableNumber(),
        p5: nullableNumber(),
        p50: nullableNumber(),
        p95: nullableNumber(),
      }),
    ),
    correlation: z.object({ paths: z.array(z.string()), target: z.array(z.array(z.number())), achieved: z.array(z.array(nullableNumber())) }).nullable(),
    metrics: perMetric(columnStatsSchema),
    probabilities: z.object({
      npvAtLeastZero: z.number(),
      irrAtLeastWacc: nullableNumber(),
      paybackWithinLife: z.number(),
    }),
    irrShape: z.object({
      irr: z.object({ none: z.number(), several: z.number() }),
      equityIrr: z.object({ none: z.number(), several: z.number() }),
    }),
    importance: perMetric(z.array(importanceSchema)),
    definitions: z.object({ irrAtLeastWacc: z.string(), paybackWithinLife: z.string(), importance: z.string(), percentiles: z.string() }),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  })
  .describe('What `payback mc --json` prints (src/analysis/monte-carlo.ts McSummary).');

export const mcResponseSchema = z.object({ summary: mcSummarySchema });

// ---------------------------------------------------------------------------
// What has to work at the same time: the eight conditions and the design point

const mcSamples = () => z.int().min(1).optional().describe('Monte Carlo samples (default 100,000 or the server limit `limits.mcSamples`, whichever is less)');
const mcSeed = () => z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('same seed, same numbers (default 42)');
const warningList = z.array(z.object({ code: z.string(), message: z.string() }));

export const conditionsRequestSchema = onScenario(
  { n: mcSamples(), seed: mcSeed() },
  "The eight conditions of one scenario (`payback conditions`); the uncertain inputs are its uncertainty block, else the default uncertainty.",
);

const conditionKey = z.enum(['enterprise', 'consumer', 'internal', 'platform', 'utilization', 'costPerToken', 'premiumDemand', 'capital']);

export const conditionsResponseSchema = z
  .object({
    scenario: z.object({ id: z.string(), name: z.string() }),
    n: z.int(),
    seed: z.int(),
    npvBase: nullableNumber(),
    npvAllFail: nullableNumber().describe('npv with every condition at its low end'),
    conditions: z.array(
      z.object({
        key: conditionKey,
        label: z.string().describe("the seed's words"),
        maps: z.string().describe('the MODEL.md inputs of the group, in words'),
        paths: z.array(z.string()),
        uncertain: z.array(
          z.object({
            path: z.string(),
            label: z.string(),
            unit: z.string(),
            kind: inputKind,
            integer: z.boolean(),
            mode: setMode,
            better: z.enum(['up', 'down', 'none']),
            p10: z.number(),
            median: z.number(),
            p90: z.number(),
            low: z.number(),
          }),
        ),
        npvAloneFails: nullableNumber(),
        npvAloneHolds: nullableNumber(),
        pHolds: nullableNumber(),
      }),
    ),
    pNpv: z.number(),
    pAllHold: nullableNumber(),
    pNpvGivenAllHold: nullableNumber(),
    pNpvGivenAnyFails: nullableNumber(),
    counts: z.object({ allHold: z.int(), anyFails: z.int() }),
    outside: z.array(z.string()).describe('uncertain inputs in no condition'),
    definitions: z.object({ holds: z.string(), lowEnd: z.string(), better: z.string() }),
    warnings: warningList,
  })
  .describe('What `conditions` says (src/analysis/conditions.ts).');

export const designPointRequestSchema = onScenario(
  {
    target: z.string().optional().describe('the target, as `payback designpoint --target` takes it (default npv>=0)'),
    n: z.int().min(0).optional().describe('Monte Carlo samples for the estimate beside the first-order one (0: none; default 100,000 or the server limit, whichever is less)'),
    seed: mcSeed(),
  },
  "The design point (FORM) of one scenario (`payback designpoint`); the uncertain inputs are its uncertainty block, else the default uncertainty. A target no values of the inputs can cross answers 400 with the closest point.",
);

export const designPointResponseSchema = z
  .object({
    scenario: z.object({ id: z.string(), name: z.string() }),
    target: z.object({ text: z.string(), describe: z.string(), metric: targetMetric, op: z.enum(['>=', '<=']), threshold: z.number() }),
    status: z.enum(['found', 'unreachable']),
    event: z.enum(['miss', 'reach']).describe('miss: the medians meet the target and the design point is the most likely way to miss it; reach: the other way round'),
    base: z.object({ metric: nullableNumber(), met: z.boolean() }),
    median: z.object({ metric: nullableNumber(), met: z.boolean() }),
    beta: nullableNumber().describe('the reliability index β'),
    probability: nullableNumber().describe('first-order probability of the event, Φ(−β)'),
    probabilityMet: nullableNumber(),
    monteCarlo: z.object({ n: z.int(), seed: z.int(), probabilityMet: z.number(), probability: z.number() }).nullable(),
    inputs: z.array(
      z.object({
        path: z.string(),
        label: z.string(),
        unit: z.string(),
        kind: inputKind,
        integer: z.boolean(),
        mode: setMode,
        distribution: z.string(),
        base: z.number(),
        median: z.number(),
        value: z.number().describe('at the design point'),
        change: z.number(),
        changePct: nullableNumber(),
        z: nullableNumber(),
        importance: nullableNumber().describe('share of β² (α², or γ² with correlation)'),
        discrete: z.boolean(),
      }),
    ),
    metricAtPoint: nullableNumber(),
    setting: z.array(driverSetting).describe('the setInput calls, in order, that put the scenario at the design point'),
    branches: z.array(
      z.object({
        values: z.array(z.object({ path: z.string(), value: z.number() })),
        probability: z.number(),
        marginAtMedians: nullableNumber(),
        beta: nullableNumber(),
        pMiss: z.number(),
        iterations: z.int(),
        converged: z.boolean(),
      }),
    ),
    solver: z.object({ method: z.string(), iterations: z.int(), evaluations: z.int(), converged: z.boolean(), optimality: nullableNumber() }),
    definitions: z.object({ transform: z.string(), importance: z.string(), probability: z.string() }),
    warnings: warningList,
  })
  .describe('What `designPoint` says (src/analysis/design-point.ts).');

// ---------------------------------------------------------------------------
// Signals

export const signalsResponseSchema = z.object({
  signals: signalsFileSchema.shape.signals.describe('the signal definitions of data/signals.yaml (MODEL.md §6)'),
  context: z.array(contextItemSchema).describe('public facts that bear on the scenarios but are not linked to a signal; shown, never scored'),
});

export const observationSchema = z.object({
  id: z.int(),
  signal: z.string(),
  scope: z.string(),
  date: z.string(),
  value: z.number(),
  unit: z.string(),
  source: z.string(),
  url: z.string().nullable(),
  note: z.string().nullable(),
  recordedAt: z.string().describe("when it was written (ISO 8601, UTC), from the store's clock"),
  supersedes: z.int().nullable(),
  supersededBy: z.int().nullable(),
  key: z.string().describe('the idempotency key: a hash of the normalized content'),
  operator: z.enum(OPERATOR_CLASSES).nullable().describe('whose number it is: an operator class, or market (null: written before scopes existed, unclassified)'),
  accelerator: z.string().nullable().describe('the accelerator it is about (a catalog id), where it matters'),
  basis: z.enum(BASES).nullable().describe('money per MW: it-only, or all-in (facility included)'),
  facilityShare: nullableNumber().describe("an all-in figure's facility share, as its source states it (converts it to IT-only)"),
});

export const observationsQuerySchema = z.strictObject({
  signal: z.string().optional().describe('a signal id, or several separated by commas'),
  scope: z.string().optional(),
  from: isoDate().optional().describe('dates from (inclusive)'),
  to: isoDate().optional().describe('dates up to (inclusive)'),
  history: flag().describe('every row, corrected ones included (default: only the current row of each correction chain)'),
  limit: z.string().regex(/^\d+$/, 'a whole number').transform(Number).pipe(z.int().min(1).max(100_000)).optional().describe('most rows (default 10,000)'),
});

export const observationsResponseSchema = z.object({ observations: z.array(observationSchema) });

const text = () => z.string();
export const observationRequestSchema = z
  .strictObject({
    signal: text().describe('a signal id of /api/signals'),
    scope: text().describe('what the number is about (`h100 1-yr contract`, a segment id…)'),
    date: text().describe('the day the value was true of the world, YYYY-MM-DD'),
    value: z.union([z.number(), z.string()]).describe('a number (text as an observation file writes it is accepted)'),
    unit: text().describe("the signal's unit, or one of its proxy units"),
    source: text(),
    url: text().nullable().optional(),
    note: text().nullable().optional(),
    supersedes: z.union([z.int(), z.string()]).nullable().optional().describe('the id of the observation this one corrects'),
    operator: text().nullable().optional().describe(`whose number it is: ${OPERATOR_CLASSES.join(', ')}`),
    accelerator: text().nullable().optional().describe('the accelerator it is about, a catalog id (gb200, h100…), where it matters'),
    basis: text().nullable().optional().describe('money per MW (capex-per-mw, gp-per-mw): it-only or all-in (facility included); required there'),
    facilityShare: z.union([z.number(), z.string()]).nullable().optional().describe("an all-in figure's facility share as its source states it, in [0, 1)"),
  })
  .describe('One observation. Checked as an import row is: every problem at once, by field.');

export const addResultSchema = z.object({
  added: z.int(),
  duplicates: z.int().describe('rows already stored (same content), skipped'),
  ids: z.array(z.int()).describe('ids of the rows written, in input order'),
  observations: z.array(observationSchema).describe('the rows written'),
});

export const importRequestSchema = z
  .union([z.array(z.record(z.string(), z.unknown())), z.strictObject({ observations: z.array(z.record(z.string(), z.unknown())) })])
  .describe('A list of observations (the fields of /api/observations), or { observations: [...] }; or a CSV body (text/csv). All or nothing.');

const scenarioQuery = {
  scenario: z.string().min(1).describe('a built-in or saved scenario id'),
  version: z.string().regex(/^\d+$/, 'a version number').transform(Number).optional().describe('that version (default the latest)'),
  asOf: isoDate().optional().describe("the as-of day (default today, by the server's clock)"),
};

export const statusQuerySchema = z.strictObject(scenarioQuery);
export const nowcastQuerySchema = z.strictObject({
  ...scenarioQuery,
  proxies: flag().describe('also place the closest proxies (market evidence, another operator class or accelerator), labelled'),
});
export const calendarQuerySchema = z.strictObject({
  ...scenarioQuery,
  months: z.string().regex(/^\d+$/, 'a whole number of months').transform(Number).pipe(z.int().min(3).max(120)).optional().describe('how far ahead (default 24)'),
});

const trendSchema = z.object({
  n: z.int(),
  from: z.string(),
  to: z.string(),
  first: z.number(),
  last: z.number(),
  changePct: nullableNumber(),
  slopePerYear: nullableNumber(),
  annualGrowth: nullableNumber(),
});

const tripwireInfoSchema = z.object({
  kind: z.enum(['breakeven', 'revenueScale', 'input', 'level']).nullable(),
  driver: z.string().nullable(),
  target: z.string().nullable(),
  base: nullableNumber(),
  breakeven: nullableNumber(),
  breakevenStatus: z.string().nullable(),
  reason: z.string().nullable(),
  value: nullableNumber(),
  baseMisses: z.boolean().describe('the base case misses the target already: the value read is what the signal would need, not a tripwire'),
});

const verdictSchema = z.object({
  target: z.literal('npv>=0'),
  npv: nullableNumber(),
  meets: z.boolean().nullable(),
  text: z.string(),
});

export const statusResponseSchema = z
  .object({
    scenarioId: z.string(),
    asOf: z.string(),
    verdict: verdictSchema,
    rows: z.array(
      z.object({
        signal: z.string(),
        label: z.string(),
        unit: z.string(),
        good: z.enum(['higher', 'lower']).nullable(),
        role: z.string().nullable(),
        compare: z.enum(['level', 'growth']),
        applies: z.boolean(),
        reason: z.string().nullable(),
        segment: z.string().nullable(),
        latest: observationSchema,
        match: z.enum(['direct', 'proxy', 'none']).describe('direct: the scenario\'s own scope; proxy: the closest evidence, labelled; none: nothing like-for-like (shown, not scored)'),
        scopeNote: z.string().nullable(),
        basis: z.enum(BASES).nullable(),
        proxyUnit: z.boolean(),
        observed: nullableNumber(),
        expected: nullableNumber(),
        expectedYear: nullableNumber(),
        clamped: z.enum(['before', 'after']).nullable(),
        tripwire: nullableNumber(),
        needed: nullableNumber(),
        tripwireInfo: tripwireInfoSchema.nullable(),
        status: z.enum(['on track', 'watch', 'breach']).nullable(),
        why: z.string(),
        headroom: nullableNumber(),
        trend: trendSchema.nullable(),
        ageDays: z.number(),
      }),
    ),
    withoutObservations: z.array(z.string()),
  })
  .describe('What `signalStatus` says (src/signals/status.ts).');

export const nowcastResponseSchema = z
  .object({
    scenarioId: z.string(),
    asOf: z.string(),
    includeProxies: z.boolean(),
    npvBase: nullableNumber(),
    npvNow: nullableNumber(),
    attribution: z
      .array(z.object({ signal: z.string(), label: z.string(), npv: z.number() }))
      .describe('the signals that moved, each with its Shapley value; they sum to npvNow − npvBase'),
    placements: z.array(
      z.object({
        signal: z.string(),
        label: z.string(),
        segment: z.string().nullable(),
        observation: observationSchema,
        match: z.enum(['direct', 'proxy']),
        scopeNote: z.string().nullable(),
        driver: z.string(),
        mode: z.enum(['set', 'scale']),
        from: z.number(),
        to: z.number(),
        setting: z.number(),
        expected: z.number(),
        observed: z.number(),
        adjusted: z.enum(['low', 'high', 'rounded']).nullable(),
      }),
    ),
    notPlaced: z.array(z.object({ signal: z.string(), reason: z.string() })),
    summary: z.string(),
  })
  .describe('What `nowcast` says (src/signals/nowcast.ts).');

export const calendarResponseSchema = z
  .object({
    scenarioId: z.string(),
    asOf: z.string(),
    months: z.number(),
    verdict: verdictSchema,
    quarters: z.array(z.object({ label: z.string(), start: z.string(), end: z.string() })),
    lines: z.array(
      z.object({
        signal: z.string(),
        label: z.string(),
        unit: z.string(),
        good: z.enum(['higher', 'lower']),
        role: z.string().nullable(),
        compare: z.enum(['level', 'growth']),
        segment: z.string().nullable(),
        tripwireInfo: tripwireInfoSchema,
        watch: z
          .object({
            rank: z.int().describe('1 = the signal the verdict depends on most'),
            driver: z.string().nullable().describe("the input the signal's evidence bears on"),
            voi: nullableNumber().describe("value of information: npv's swing across the driver's uncertainty (p5–p95)"),
            range: z
              .object({
                path: z.string(),
                from: z.enum(['scenario', 'default', 'swing']),
                mode: z.enum(['set', 'scale']),
                low: z.number(),
                high: z.number(),
                base: z.number(),
                metricLow: nullableNumber(),
                metricHigh: nullableNumber(),
                swing: nullableNumber(),
              })
              .nullable(),
            reason: z.string().describe('one line for people'),
          })
          .describe('why the line ranks where it does'),
        cells: z.array(
          z.object({
            quarter: z.string(),
            date: z.string(),
            year: z.number(),
            clamped: z.enum(['before', 'after']).nullable(),
            within12Months: z.boolean(),
            expected: nullableNumber(),
            tripwire: nullableNumber(),
            needed: nullableNumber(),
          }),
        ),
      }),
    ),
    notLinked: z.array(z.object({ signal: z.string(), reason: z.string() })),
  })
  .describe('What `evidenceCalendar` says (src/signals/calendar.ts).');

export { flag, isoDate, onScenario };
