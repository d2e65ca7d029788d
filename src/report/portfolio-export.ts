/**
 * The flat exports of a portfolio's result (MODEL.md §8): CSV of the
 * consolidated calendar years, of each vintage's years (long format) and of
 * the revenue gap, and the JSON of `payback run --json`. They read the
 * engine's result; nothing is recomputed.
 */
import type { PortfolioResult } from '../model/portfolio.ts';
import { YEAR_FIELDS } from '../model/result.ts';
import { toCsv } from './csv.ts';

/** One row per calendar year (t = 0 is startYear − 1): `t, year, installedMW` and YEAR_FIELDS. */
export function portfolioYearsCsv(r: PortfolioResult): string {
  return toCsv(['t', 'year', 'installedMW', ...YEAR_FIELDS], r.years.map((y) => [y.t, y.year, y.installedMW, ...YEAR_FIELDS.map((f) => y[f])]));
}

/** Long format: one row per vintage and year of its own (`vintage, buildYear, t, year` and YEAR_FIELDS). */
export function vintagesCsv(r: PortfolioResult): string {
  return toCsv(['vintage', 'buildYear', 'template', 't', 'year', ...YEAR_FIELDS], r.vintages.flatMap((v) => v.years.map((y) => [v.id, v.buildYear, v.template, y.t, y.year, ...YEAR_FIELDS.map((f) => y[f])])));
}

/** The revenue gap and the depreciation wall by year. */
export function revenueGapCsv(r: PortfolioResult): string {
  const keys = ['year', 'cashCost', 'capitalCharge', 'depreciation', 'requiredRevenue', 'requiredEndUser', 'revenue', 'gap', 'depreciationShare'] as const;
  return toCsv([...keys], r.revenueGap.map((g) => keys.map((k) => g[k])));
}

/** What `payback run PORTFOLIO --json` prints: `{ portfolio, years, vintages, summary, revenueGap }`, then the segments and the warnings. */
export function portfolioJson(r: PortfolioResult): string {
  const { portfolio, years, vintages, summary, revenueGap, segments, warnings } = r;
  return `${JSON.stringify({ portfolio, years, vintages, summary, revenueGap, segments, warnings }, null, 2)}\n`;
}
