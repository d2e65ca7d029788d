/**
 * A portfolio's section of the HTML report (MODEL.md §8): its key figures,
 * the four charts of the buildout (installed MW by vintage, revenue against
 * required revenue, the depreciation wall, utilization by vintage), the
 * revenue gap by year, its vintages, its analyses (what has to be true, the
 * tornado, the payback stack, the Monte Carlo) and its sources. It reads the
 * engine's and the analyses' results; it computes none of their numbers.
 */
import type { BreakevenReport } from '../analysis/breakeven.ts';
import type { PaybackStack } from '../analysis/payback-stack.ts';
import type { TornadoReport } from '../analysis/tornado.ts';
import { type PortfolioResult, portfolioHasCapital } from '../model/portfolio.ts';
import { count, millions, money, pct, yearsFmt } from './format.ts';
import { breakevenBlock, chart, esc, type MonteCarloSection, monteCarloBlock, notComputed, paybackStackBlock, table, tornadoBlock } from './html.ts';
import { contractTable, hasContracts, maturityTable } from './capital-charts.ts';
import { depreciationWallOption, installedMWOption, portfolioBreachLines, portfolioCapitalHeadline, portfolioMaturityWallOption, revenueGapOption, vintageUtilizationOption } from './portfolio-charts.ts';

/** The analyses of one portfolio, each as its `src/analysis` function gives it; a missing one shows as not computed with its note. */
export interface PortfolioAnalyses {
  breakeven?: BreakevenReport;
  tornado?: TornadoReport;
  paybackStack?: PaybackStack;
  monteCarlo?: MonteCarloSection;
  notes?: Partial<Record<'breakeven' | 'tornado' | 'paybackStack' | 'monteCarlo', string>>;
}

/** A rendered section for `renderReport`: its anchor, its title for the contents, its HTML. */
export interface ReportSection {
  id: string;
  title: string;
  html: string;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const safeUrl = (u: string): string | undefined => (/^https?:\/\/[^\s"'<>]+$/i.test(u) ? u : undefined);

/** MODEL.md §9 in a portfolio: each vintage keeps its own tranches and covenants; the maturity wall by vintage, the consolidated lines, the breaches, the contracts. */
function capitalBlock(r: PortfolioResult, id: string): string {
  const m = maturityTable(r);
  const breaches = portfolioBreachLines(r);
  const c = contractTable(r);
  return [
    `<p class="note">${esc(portfolioCapitalHeadline(r))} Each vintage keeps its own tranches (re-based to its build year) and covenants; the consolidated lines add them up, and DSCR, market LTV and the refinancing need are worked out from the sums.</p>`,
    chart(portfolioMaturityWallOption(r), `${id}-maturity`),
    table(m.head, m.rows, { cls: 'maturity', numeric: m.head.map((_, i) => i).slice(1) }),
    breaches.length > 0 ? `<p class="note"><strong>Covenant breaches</strong> (cures reported, flows unchanged)</p><ul class="breaches">${breaches.map((b) => `<li>${esc(b)}</li>`).join('')}</ul>` : '',
    hasContracts(r) ? table(c.head, c.rows, { cls: 'contracts', numeric: c.head.map((_, i) => i).slice(1) }) : '',
  ].join('');
}

/**
 * The section of one portfolio, numbered `n` (`P1`, `P2`…).
 *
 * @example
 * renderReport({ …, portfolios: [portfolioSection(evaluatePortfolio(p), { paybackStack: paybackStack(p) }, 1, true)] });
 */
export function portfolioSection(r: PortfolioResult, an: PortfolioAnalyses, n: number, withMc: boolean): ReportSection {
  const p = r.portfolio;
  const s = r.summary;
  const id = `p${n}-${slug(p.id)}`;
  const name = p.name ?? p.id;
  const figures: [string, string][] = [
    ['Vintages', `${p.vintages.length}, built ${p.vintages[0]?.buildYear ?? ''}–${p.vintages.at(-1)?.buildYear ?? ''}`],
    ['Built', `${count(s.builtMW)} MW`],
    ['NPV at the portfolio wacc', money(s.npv)],
    ['IRR', s.irr === null ? 'none' : pct(s.irr)],
    ['Payback from the first build', s.paybackYears === null ? 'never' : yearsFmt(s.paybackYears)],
    ['Peak funding', money(s.peakFunding)],
    ['Revenue / MW-yr (installed)', millions(s.revenuePerMW)],
    ['Largest revenue gap', s.maxRevenueGap === null ? '—' : `${money(s.maxRevenueGap)} in ${s.maxRevenueGapYear}`],
  ];
  const keyFigures = `<dl class="figures">${figures.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
  const warnings = r.warnings.length === 0 ? '' : `<div class="warnings"><strong>Warnings from the engine</strong><ul>${r.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul></div>`;
  const endUser = p.gap !== undefined;
  const gapTable = table(
    ['Year', 'Installed', 'Revenue', 'Cash cost', 'Capital charge', 'Required', ...(endUser ? ['End users'] : []), 'Gap', 'Dep. / revenue'],
    r.revenueGap.map((g) => {
      const y = r.years.find((x) => x.year === g.year);
      return [String(g.year), `${count(y?.installedMW ?? null)} MW`, money(g.revenue), money(g.cashCost), money(g.capitalCharge), money(g.requiredRevenue), ...(endUser ? [money(g.requiredEndUser)] : []), money(g.gap), pct(g.depreciationShare, 0)];
    }),
    { cls: 'gap', numeric: [1, 2, 3, 4, 5, 6, 7, ...(endUser ? [8] : [])] },
  );
  const vintages = table(
    ['Vintage', 'Built', 'Scenario', 'MW', 'NPV at the portfolio wacc', 'IRR', 'Payback'],
    r.vintages.map((v) => [v.id, String(v.buildYear), v.template, count(v.itMW), money(v.summary.npv), v.summary.irr === null ? 'none' : pct(v.summary.irr), v.summary.paybackYears === null ? 'never' : yearsFmt(v.summary.paybackYears)]),
    { cls: 'vintages', numeric: [3, 4, 5, 6] },
  );
  const notes = an.notes ?? {};
  const sources = (p.sources ?? [])
    .map((x) => {
      const url = x.url !== undefined ? safeUrl(x.url) : undefined;
      return `<li>${esc(x.label)}${url !== undefined ? ` — <a href="${esc(url)}">${esc(url)}</a>` : ''}</li>`;
    })
    .join('');
  const blocks: { title: string; body: string }[] = [
    { title: 'Installed MW by vintage', body: chart(installedMWOption(r), `${id}-mw`) },
    {
      title: 'Revenue against the revenue the buildout requires',
      body: `<p class="note">A utility's revenue requirement: each year's cash cost of the installed base plus the capital charge of every vintage in service (its IT generation's capex over its useful life, an owned facility's over its life, at the portfolio's wacc ${pct(p.finance.wacc)}), grossed up for tax at ${pct(p.finance.taxRate)}.${endUser ? ` The end users keep a margin of ${pct(p.gap?.endUserMargin ?? 0, 0)}: what they must earn is the required revenue over ${pct(1 - (p.gap?.endUserMargin ?? 0), 0)}.` : ''}</p>${chart(revenueGapOption(r), `${id}-gap`)}${gapTable}`,
    },
    { title: 'The depreciation wall', body: chart(depreciationWallOption(r), `${id}-wall`, { height: 340 }) },
    { title: p.demand !== undefined ? 'Utilization by vintage under the shared market' : 'Utilization by vintage', body: chart(vintageUtilizationOption(r), `${id}-util`) },
    { title: 'The vintages inside the portfolio', body: `<p class="note">Each vintage's npv at the portfolio's wacc, discounted to its own build; its irr and payback as its own flows give them.</p>${vintages}` },
    ...(portfolioHasCapital(r) ? [{ title: 'The capital stack of the vintages', body: capitalBlock(r, id) }] : []),
    { title: 'What has to be true', body: an.breakeven ? breakevenBlock(an.breakeven) : notComputed('The breakeven table', notes.breakeven) },
    { title: 'Tornado', body: an.tornado ? tornadoBlock(an.tornado, `${id}-tornado`) : notComputed('The tornado', notes.tornado) },
    { title: 'Payback stack', body: an.paybackStack ? paybackStackBlock(an.paybackStack, `${id}-stack`) : notComputed('The payback stack', notes.paybackStack) },
    ...(withMc ? [{ title: 'Monte Carlo (common shocks across vintages)', body: an.monteCarlo ? monteCarloBlock(an.monteCarlo, `${id}-mc`, p.id) : notComputed('The Monte Carlo run', notes.monteCarlo) }] : []),
    { title: 'Sources', body: sources === '' ? '<p class="note">The portfolio lists no sources.</p>' : `<ol class="sources">${sources}</ol>` },
  ];
  const body = blocks.map((b, i) => `<div class="block" id="${id}-${i + 1}"><h3>P${n}.${i + 1} ${esc(b.title)}</h3>${b.body}</div>`).join('');
  const desc = p.description !== undefined ? `<p class="lede">${esc(p.description)}</p>` : '';
  return {
    id,
    title: `Portfolio: ${name}`,
    html: `<section class="page portfolio" id="${id}" data-portfolio="${esc(p.id)}"><h2>P${n} ${esc(name)} <span class="id">${esc(p.id)}</span></h2>${desc}${keyFigures}${warnings}${body}</section>`,
  };
}
