/**
 * What the analyses of MODEL.md §5 run on: a scenario, or a portfolio of
 * scenarios built over the years (§8). The few things an analysis asks of
 * either — its summary, its id and name, its wacc, its life and horizon,
 * whether it carries debt — answered once, here.
 */
import { evaluate, evaluateSummary } from '../model/engine.ts';
import { evaluatePortfolio, evaluatePortfolioSummary, type PortfolioResult } from '../model/portfolio.ts';
import { isPortfolio } from '../model/portfolio-kind.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import type { ModelResult, ModelWarning, Summary } from '../model/result.ts';
import type { Scenario } from '../model/schema.ts';
import type { Subject } from './paths.ts';

export { isPortfolio, type Portfolio, type Subject };

/** A subject's summary (§3.7; a portfolio's consolidated, §8) and its warnings. */
export interface SubjectSummary {
  scenario: Subject;
  summary: Summary;
  warnings: ModelWarning[];
}

/**
 * The summary of a scenario (`evaluateSummary`) or of a portfolio
 * (`evaluatePortfolioSummary`).
 *
 * @example
 * summaryOf(portfolio).summary.npv; // at the portfolio's wacc
 */
export function summaryOf(s: Subject): SubjectSummary {
  if (isPortfolio(s)) {
    const r = evaluatePortfolioSummary(s);
    return { scenario: s, summary: r.summary, warnings: r.warnings };
  }
  return evaluateSummary(s);
}

/** Every line of a scenario (`evaluate`) or a portfolio (`evaluatePortfolio`). */
export function resultOf(s: Scenario): ModelResult;
export function resultOf(s: Portfolio): PortfolioResult;
export function resultOf(s: Subject): ModelResult | PortfolioResult;
export function resultOf(s: Subject): ModelResult | PortfolioResult {
  return isPortfolio(s) ? evaluatePortfolio(s) : evaluate(s);
}

/** The cost of capital a subject is judged by (a portfolio: its own, which discounts the consolidated flows). */
export const waccOf = (s: Subject): number => s.finance.wacc;

/**
 * A subject's "life" for `payback<=life`: a scenario's fleet's useful life (a
 * rented fleet: its horizon); a portfolio's, the last year in which a vintage
 * retires its first generation, counted from `startYear − 1`.
 */
export function lifeOf(s: Subject): number {
  if (!isPortfolio(s)) return s.fleet.mode === 'own' && s.fleet.usefulLifeYears !== undefined ? s.fleet.usefulLifeYears : s.horizon.years;
  let life = 0;
  for (const v of s.vintages) life = Math.max(life, v.buildYear - s.startYear + lifeOf(v.scenario));
  return life;
}

/** Years a subject runs over: a scenario's horizon, a portfolio's calendar years. */
export const horizonOf = (s: Subject): number => (isPortfolio(s) ? s.years : s.horizon.years);

/** Whether a subject carries debt (a portfolio: any vintage). */
export const hasDebt = (s: Subject): boolean => (isPortfolio(s) ? s.vintages.some((v) => v.scenario.finance.debt !== undefined) : s.finance.debt !== undefined);

/** A subject's name for people. */
export const nameOf = (s: Subject): string => s.name ?? s.id;
