/**
 * Terminal tables of a portfolio's result (MODEL.md §8): its summary, its
 * calendar years with the revenue gap and the depreciation wall, and its
 * vintages inside it. They read the engine's result; nothing is recomputed.
 */
import Table from 'cli-table3';
import type { PortfolioResult } from '../model/portfolio.ts';
import type { ModelResult } from '../model/result.ts';
import { contractTable, hasContracts, maturityTable } from './capital-charts.ts';
import { count, millions, money, NONE, pct, price, ratio, tokens, yearsFmt } from './format.ts';
import { portfolioBreachLines, portfolioCapitalHeadline } from './portfolio-charts.ts';
import { fullYearsTable } from './terminal.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

const mw = (x: number | null): string => (x === null ? NONE : `${count(x)} MW`);

/** The headline of a portfolio. */
export function portfolioSummaryTable(r: PortfolioResult): string {
  const s = r.summary;
  const p = r.portfolio;
  const rows: [string, string][] = [
    ['Vintages', `${p.vintages.length} (${p.vintages[0]?.buildYear ?? ''}–${p.vintages.at(-1)?.buildYear ?? ''})`],
    ['Built', mw(s.builtMW)],
    ['Years', `${p.startYear}–${p.startYear + p.years - 1}${p.demand !== undefined ? ', one shared market' : ''}`],
    ['NPV (at the portfolio wacc)', money(s.npv)],
    ['IRR', s.irr === null ? 'none' : pct(s.irr)],
    ['Equity IRR', s.equityIrr === null ? 'none' : pct(s.equityIrr)],
    ['Payback (from the first build)', s.paybackYears === null ? 'never' : yearsFmt(s.paybackYears)],
    ['Peak funding', money(s.peakFunding)],
    ['Total capex', money(s.totalCapex)],
    ['Revenue / MW-yr (installed)', millions(s.revenuePerMW)],
    ['Gross profit / MW-yr', millions(s.grossProfitPerMW)],
    ['EBITDA / MW-yr', millions(s.ebitdaPerMW)],
    ['Gross margin', pct(s.grossMargin)],
    ['Tokens (lifetime)', tokens(s.totalTokens)],
    ['Unmet tokens', tokens(s.unmetTokens)],
    ['Profitable share', pct(s.profitableShare)],
    ['Cost / M tokens', price(s.costPerMTok, 3)],
    ['Realized price / M billed tokens', price(s.realizedPricePerMTok, 3)],
    ['Min DSCR', ratio(s.minDscr)],
    ['Largest revenue gap', s.maxRevenueGap === null ? NONE : `${money(s.maxRevenueGap)} in ${s.maxRevenueGapYear}`],
    ['Strategic NPV', money(s.strategicNpv)],
  ];
  return table([p.name ?? p.id, ''], rows);
}

/** The calendar: installed base, utilization, revenue against what the buildout requires, the depreciation wall, the flows. */
export function portfolioYearsTable(r: PortfolioResult): string {
  const endUser = r.portfolio.gap !== undefined;
  const head = ['Year', 'Installed', 'Util', 'Tokens', 'Revenue', 'Required', ...(endUser ? ['End users'] : []), 'Gap', 'Dep/Rev', 'Capex', 'FCF', 'Cum. FCF'];
  const gap = new Map(r.revenueGap.map((g) => [g.year, g]));
  const rows = r.years.map((y) => {
    const g = gap.get(y.year);
    if (y.t === 0) return [`${y.year} (build)`, '', '', '', '', '', ...(endUser ? [''] : []), '', '', money(y.capex), money(y.fcf), money(y.cumulativeFcf)];
    return [
      String(y.year),
      mw(y.installedMW),
      pct(y.utilization, 0),
      tokens(y.tokens),
      money(y.revenue),
      money(g?.requiredRevenue ?? null),
      ...(endUser ? [money(g?.requiredEndUser ?? null)] : []),
      money(g?.gap ?? null),
      pct(g?.depreciationShare ?? null, 0),
      money(y.capex),
      money(y.fcf),
      money(y.cumulativeFcf),
    ];
  });
  return table(head, rows);
}

/** Each vintage inside the portfolio: npv at the portfolio's wacc to its own build, irr, payback, its utilization. */
export function vintagesTable(r: PortfolioResult): string {
  const head = ['Vintage', 'Built', 'Template', 'MW', 'NPV', 'IRR', 'Payback', 'Avg util'];
  const rows = r.vintages.map((v) => {
    const ops = v.years.filter((y) => y.t > 0 && (y.accelerators ?? 0) > 0);
    const util = ops.length === 0 ? null : ops.reduce((a, y) => a + (y.utilization ?? 0), 0) / ops.length;
    return [v.id, String(v.buildYear), v.template, Math.round(v.itMW).toLocaleString('en-US'), money(v.summary.npv), v.summary.irr === null ? 'none' : pct(v.summary.irr), v.summary.paybackYears === null ? 'never' : yearsFmt(v.summary.paybackYears), pct(util, 0)];
  });
  return table(head, rows);
}

/** Every consolidated line of MODEL.md §3 on the calendar, lines as rows. */
export function portfolioFullYearsTable(r: PortfolioResult): string {
  return fullYearsTable({ years: r.years } as unknown as ModelResult);
}

/**
 * The capital stack of a portfolio of levered vintages in the terminal
 * (MODEL.md §8, §9): the headline, the consolidated maturity wall and
 * covenants by calendar year, each vintage's breaches, the contracts. Each
 * vintage's own tranches are in `payback run PORTFOLIO --json` (`vintages[].tranches`).
 */
export function portfolioCapitalTerminal(r: PortfolioResult): string {
  const m = maturityTable(r);
  const out = [`Capital stack (consolidated): ${portfolioCapitalHeadline(r)}`, table(m.head, m.rows)];
  const breaches = portfolioBreachLines(r);
  if (breaches.length > 0) out.push(`Covenant breaches (each vintage its own covenants; cures reported, flows unchanged):\n${breaches.map((b) => `  ${b}`).join('\n')}`);
  if (hasContracts(r)) {
    const c = contractTable(r);
    out.push(table(c.head, c.rows));
  }
  return out.join('\n');
}
