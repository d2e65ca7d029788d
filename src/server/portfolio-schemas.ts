/**
 * The zod schemas of the portfolio routes (MODEL.md §8): how a request names
 * its portfolio (exactly one of a built-in `id`, its `yaml` text, the
 * `portfolio` object), the analyses' options as the scenario routes take
 * them, and the responses for the OpenAPI document.
 */
import { z } from 'zod';
import { VINTAGE_DEBT_FIELDS } from '../model/portfolio.ts';
import { breakevenRequestSchema, covenantBreachSchema, gridRequestSchema, mcRequestSchema, modelWarningSchema, issueSchema, segmentResultSchema, stackRequestSchema, summarySchema, tornadoRequestSchema, trancheResultSchema, yearRowSchema } from './schemas.ts';

const nullableNumber = () => z.number().nullable();

/** The fields by which a request names its portfolio. */
export const portfolioRefShape = {
  id: z.string().optional().describe('a built-in portfolio (`GET /api/portfolios`): hyperscaler-buildout, industry-revenue-gap, neocloud-ramp'),
  yaml: z.string().optional().describe('the portfolio as YAML or JSON text (issues carry line and column)'),
  portfolio: z.unknown().optional().describe('the portfolio (MODEL.md §8) as an object; a vintage names a built-in or saved scenario by id or gives it inline, never a path'),
};

const SCENARIO_REF = { id: true, version: true, yaml: true, scenario: true } as const;
/** A scenario route's body with the portfolio named instead of the scenario. */
const onPortfolio = <S extends z.ZodObject>(schema: S, description: string) => schema.omit(SCENARIO_REF).extend(portfolioRefShape).describe(`${description} Name the portfolio by exactly one of id, yaml or portfolio.`);

export const portfolioRefSchema = z.strictObject(portfolioRefShape).describe('A portfolio named by a built-in `id`, given as `yaml` text, or as a `portfolio` object: exactly one of the three.');
export const portfolioBreakevenSchema = onPortfolio(breakevenRequestSchema as unknown as z.ZodObject, 'The breakeven table of a portfolio.');
export const portfolioTornadoSchema = onPortfolio(tornadoRequestSchema as unknown as z.ZodObject, 'The tornado of a portfolio.');
export const portfolioGridSchema = onPortfolio(gridRequestSchema as unknown as z.ZodObject, 'A summary metric of a portfolio over two drivers.');
export const portfolioStackSchema = onPortfolio(stackRequestSchema as unknown as z.ZodObject, 'The payback stack of a portfolio.');
export const portfolioMcSchema = onPortfolio(mcRequestSchema as unknown as z.ZodObject, 'Monte Carlo of a portfolio: common shocks across its vintages (or perVintage draws), bounded in samples and time; its vintages count in the budget.');

const yearsOf = z.array(yearRowSchema);

export const portfolioListSchema = z.object({
  portfolios: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string().nullable(),
      vintages: z.int().describe('vintages in the file: its list and its program'),
      startYear: z.int(),
      years: z.int(),
    }),
  ),
});

export const portfolioResultSchema = z
  .object({
    portfolio: z.unknown().describe('the resolved portfolio: every vintage a resolved scenario, the program spelled out'),
    years: z.array(yearRowSchema.extend({ installedMW: nullableNumber() })).describe('calendar years, t = 0 in startYear − 1: the consolidated lines of §3'),
    vintages: z.array(
      z.object({
        id: z.string(),
        buildYear: z.int(),
        template: z.string(),
        itMW: z.number(),
        summary: summarySchema.describe("its own summary; npv at the portfolio's wacc, to its own build"),
        years: yearsOf,
        capital: z.object({
          itCapexInService: z.array(z.number()),
          usefulLifeYears: nullableNumber(),
          facilityCapex: z.number(),
          facilityLifeYears: nullableNumber(),
          charge: z.array(z.number()),
        }),
        tranches: z.array(trancheResultSchema).optional().describe('MODEL.md §9: its own tranches by its years (a vintage with a capital stack)'),
        debt: z
          .object(Object.fromEntries(VINTAGE_DEBT_FIELDS.map((f) => [f, z.array(z.number())])))
          .optional()
          .describe('MODEL.md §9: its debt and contract lines as the consolidated ones add them up, by its year t = 0..T (when a vintage of the portfolio has a capital stack)'),
      }),
    ),
    summary: summarySchema.extend({
      builtMW: z.number(),
      installedMWYears: z.number(),
      maxRevenueGap: nullableNumber(),
      maxRevenueGapYear: nullableNumber(),
      covenantBreaches: z.array(covenantBreachSchema.extend({ vintage: z.string().describe('the vintage whose covenant it is') })).optional().describe('MODEL.md §9: every vintage\'s covenant breaches, t on the calendar'),
    }),
    revenueGap: z.array(
      z.object({
        year: z.int(),
        cashCost: z.number(),
        capitalCharge: z.number(),
        depreciation: z.number(),
        requiredRevenue: z.number(),
        requiredEndUser: nullableNumber(),
        revenue: z.number(),
        gap: z.number(),
        depreciationShare: nullableNumber(),
      }),
    ),
    segments: z.array(segmentResultSchema),
    warnings: z.array(modelWarningSchema),
    inputWarnings: z.array(issueSchema).describe('the warnings of loading the portfolio and its templates'),
  })
  .describe('What `payback run PORTFOLIO --json` prints (MODEL.md §8).');
