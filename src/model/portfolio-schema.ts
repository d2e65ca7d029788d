/**
 * The portfolio file of MODEL.md §8 as zod schemas: factories of many
 * vintages, built year after year, optionally sharing one market. Structure,
 * types and ranges live here; what needs the templates (their ids, their
 * horizons against the portfolio's years, `set:` paths) is checked by
 * `portfolio-load.ts`, which reports every problem at once.
 */
import { z } from 'zod';
import { MAX_IT_MW, MAX_TOKENS } from './bounds.ts';
import { correlationSchema, distributionSchema, financeSchema, segmentSchema, sourceSchema } from './schema.ts';

/** MODEL.md §8: a portfolio has at most 200 vintages (its list and its program together). */
export const MAX_VINTAGES = 200;
/** MODEL.md §8: a portfolio runs over at most 60 calendar years. */
export const MAX_PORTFOLIO_YEARS = 60;

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id is lower-case letters, digits and dashes');
const calendarYear = () => z.number().int().min(1900).max(2200);
const series = (item: z.ZodNumber) => z.union([item, z.array(item).min(1)]);

/** Where a vintage's scenario comes from: a built-in or stored id, a file path (not over the API), or the scenario inline. */
export const templateRefSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/** Values of a vintage's `set:` by path: a number, a Series, an id (`fleet.accelerator: gb300`), a flag. */
export const setSchema = z.record(z.string(), z.union([z.number(), z.array(z.number()).min(1), z.string(), z.boolean()]));

export const vintageSchema = z.strictObject({
  /** defaults to its build year, or `<buildYear>-<n>` when build years repeat */
  id: idSchema.optional(),
  scenario: templateRefSchema,
  /** its first operating year: built at t = 0 in `buildYear − 1` */
  buildYear: calendarYear(),
  itMW: z.number().gt(0).max(MAX_IT_MW).optional(),
  /** multiplies the template's itMW; at most one of itMW and scale */
  scale: z.number().gt(0).max(MAX_IT_MW).optional(),
  set: setSchema.optional(),
  /** where the scenario came from (a resolved portfolio says it; informational) */
  template: z.string().optional(),
});

export const programSchema = z.strictObject({
  template: templateRefSchema,
  from: calendarYear(),
  to: calendarYear(),
  /** a Series by build year (`from` first), the last value carried forward */
  itMW: series(z.number().gt(0).max(MAX_IT_MW)).optional(),
  scale: series(z.number().gt(0).max(MAX_IT_MW)).optional(),
  set: setSchema.optional(),
});

/** One market shared by every vintage (tokens mode only), by calendar year from `startYear`. */
export const sharedDemandSchema = z.strictObject({
  tokensPerYear: z.number().min(0).max(MAX_TOKENS),
  /** a Series by calendar year: `D_{y+1} = D_y · (1 + growth_i)`, `i = y − startYear + 1` */
  growthPerYear: series(z.number().gt(-1).max(10)).default(0),
  maxUtilization: z.number().gt(0).max(1).default(1),
  segments: z.array(segmentSchema).min(1).max(100),
});

export const portfolioFinanceSchema = z.strictObject({
  /** discounts the consolidated flows (year startYear − 1 is t = 0) and the capital charge of the revenue gap */
  wacc: z.number().gt(-1).max(1),
  /** the revenue gap's tax rate τ */
  taxRate: z.number().min(0).lt(1).default(0),
  /** MODEL.md §9: the market reference rate by calendar year from startYear (a Series); it replaces the base rate of every vintage with a capital stack */
  baseRate: financeSchema.shape.baseRate,
});

export const gapSchema = z.strictObject({
  /** the margin the end user keeps: requiredEndUser = required / (1 − margin) */
  endUserMargin: z.number().min(0).lt(1),
});

/** An uncertain input of a portfolio: as in a scenario, and `perVintage: true` draws it for each vintage on its own. */
export const portfolioDistributionSchema = distributionSchema.extend({ perVintage: z.boolean().optional() });

export const portfolioSchema = z.strictObject({
  kind: z.literal('portfolio'),
  id: idSchema,
  name: z.string().optional(),
  description: z.string().optional(),
  sources: z.array(sourceSchema).optional(),
  startYear: calendarYear(),
  years: z.number().int().min(1).max(MAX_PORTFOLIO_YEARS),
  finance: portfolioFinanceSchema,
  anchor: z.enum(['calendar', 'template']).default('calendar'),
  vintages: z.array(vintageSchema).max(MAX_VINTAGES).default([]),
  program: programSchema.optional(),
  demand: sharedDemandSchema.optional(),
  gap: gapSchema.optional(),
  uncertainty: z.record(z.string(), portfolioDistributionSchema).optional(),
  correlation: correlationSchema.optional(),
});

/** What a portfolio file may say (defaults optional). */
export type PortfolioInput = z.input<typeof portfolioSchema>;
/** A parsed portfolio file with zod's defaults filled (not yet resolved: templates not loaded). */
export type PortfolioFile = z.output<typeof portfolioSchema>;
export type SharedDemand = z.output<typeof sharedDemandSchema>;
export type PortfolioDistribution = z.output<typeof portfolioDistributionSchema>;

/**
 * The JSON Schema of portfolio files (what a file may say: defaults
 * optional), with the scenario schema inside it for inline vintages. Rules
 * across vintages (templates by id, build years, horizons, ids) are the
 * loader's, not this schema's.
 *
 * @example
 * writeFileSync('portfolio.schema.json', JSON.stringify(portfolioJsonSchema(scenarioJsonSchema()), null, 2));
 */
export function portfolioJsonSchema(scenarioSchemaJson: Record<string, unknown>): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(portfolioSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema: _s, $id: _i, ...scenario } = scenarioSchemaJson;
  const template = {
    anyOf: [
      { type: 'string', description: 'a built-in or saved scenario id (hyperscaler-base), or a file path relative to this file (./my-site.yaml; not over the API)' },
      { $ref: '#/$defs/scenario' },
    ],
  };
  const props = rest['properties'] as Record<string, Record<string, unknown>>;
  const vintages = props['vintages'] as { items: { properties: Record<string, unknown> } };
  vintages.items.properties['scenario'] = { ...template, description: 'the vintage\'s scenario: by id, by path, or inline' };
  const program = props['program'] as { properties: Record<string, unknown> };
  program.properties['template'] = { ...template, description: 'the scenario every year of the program builds' };
  const properties = { $schema: { type: 'string', description: 'the URL or path of this JSON Schema, for editors; ignored by the loader' }, ...props };
  return {
    $schema,
    $id: 'urn:inference-payback:portfolio:v2',
    title: 'inference-payback portfolio',
    description:
      'A portfolio of factories built over the years (MODEL.md §8): vintages of scenarios (by id, path or inline) placed on the calendar, an optional program, an optional shared market, the revenue gap. ' +
      'Rules across vintages (template ids, build years within the years, horizons that end by the last year, unique ids, at most 200 vintages) are checked by the loader.',
    ...rest,
    properties,
    $defs: { scenario },
  };
}
