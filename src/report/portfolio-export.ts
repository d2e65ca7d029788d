/**
 * The flat exports of a portfolio's result (MODEL.md §8): CSV of the
 * consolidated calendar years, of each vintage's years (long format) and of
 * the revenue gap, and the JSON of `payback run --json`. They read the
 * engine's result; nothing is recomputed.
 */
import { type PortfolioResult, portfolioHasCapital, VINTAGE_DEBT_FIELDS } from '../model/portfolio.ts';
import { CAPITAL_YEAR_FIELDS, TRANCHE_YEAR_FIELDS, YEAR_FIELDS } from '../model/result.ts';
import { toCsv } from './csv.ts';

export { portfolioHasCapital };

/** One row per calendar year (t = 0 is startYear − 1): `t, year, installedMW` and YEAR_FIELDS (then §9's lines, with a capital stack). */
export function portfolioYearsCsv(r: PortfolioResult): string {
  const fields = portfolioHasCapital(r) ? [...YEAR_FIELDS, ...CAPITAL_YEAR_FIELDS] : YEAR_FIELDS;
  return toCsv(['t', 'year', 'installedMW', ...fields], r.years.map((y) => [y.t, y.year, y.installedMW, ...fields.map((f) => y[f] ?? null)]));
}

/**
 * Long format: one row per vintage and year of its own (`vintage, buildYear,
 * t, year` and YEAR_FIELDS); with a capital stack in the portfolio, each
 * vintage's §9 lines and what it adds to the consolidated ones (`debt.*`).
 */
export function vintagesCsv(r: PortfolioResult): string {
  const capital = portfolioHasCapital(r);
  const fields = capital ? [...YEAR_FIELDS, ...CAPITAL_YEAR_FIELDS] : YEAR_FIELDS;
  const debt = capital ? VINTAGE_DEBT_FIELDS : [];
  return toCsv(
    ['vintage', 'buildYear', 'template', 't', 'year', ...fields, ...debt.map((f) => `debt.${f}`)],
    r.vintages.flatMap((v) => v.years.map((y) => [v.id, v.buildYear, v.template, y.t, y.year, ...fields.map((f) => y[f] ?? null), ...debt.map((f) => v.debt?.[f][y.t] ?? null)])),
  );
}

/** MODEL.md §9, long format: one row per vintage, tranche and year of its own (`vintage, tranche, t, year` and the tranche's lines); empty without a capital stack. */
export function vintageTranchesCsv(r: PortfolioResult): string {
  return toCsv(
    ['vintage', 'tranche', 't', 'year', ...TRANCHE_YEAR_FIELDS],
    r.vintages.flatMap((v) => (v.tranches ?? []).flatMap((tr) => tr.years.map((y) => [v.id, tr.id, y.t, y.year, ...TRANCHE_YEAR_FIELDS.map((f) => y[f])]))),
  );
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
