/**
 * Chart options of a portfolio (MODEL.md §8) from its result: installed MW by
 * vintage (stacked), revenue against the revenue the buildout requires (the
 * gap), the depreciation wall, and utilization by vintage (under a shared
 * market, what the market gave each). The HTML report renders them to SVG;
 * the dashboard hands the same options to a live chart. They read the result;
 * none recomputes a number.
 */
import type { PortfolioResult } from '../model/portfolio.ts';
import { headroomText } from './capital-charts.ts';
import { axisMoney, axisPct, type ChartOption, COLORS, FONT_FAMILY } from './charts.ts';
import { millions, money, pct, ratio } from './format.ts';

/** One colour per vintage, in build order, cycling. */
export const VINTAGE_COLORS = ['#2f6fb0', '#2e9e6a', '#8a5cc2', '#d08a1e', '#c8503c', '#1f2d3d', '#8a8f98', '#5da5da', '#60bd68', '#f17cb0', '#b2912f', '#b276b2'];

const NAME_STYLE = { fontSize: 12, color: '#38404c' };

function base(title: string, subtitle: string, legend: boolean): ChartOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: title, subtext: subtitle, left: 'center', textStyle: { fontSize: 16, fontWeight: 'bold', color: '#1f2d3d' }, subtextStyle: { fontSize: 12, color: '#555b66' } },
    grid: { left: 96, right: 40, top: 84, bottom: legend ? 90 : 56 },
    ...(legend && { legend: { type: 'plain', bottom: 6, left: 'center', width: '92%', itemGap: 16, textStyle: { fontSize: 11 } } }),
    tooltip: { trigger: 'axis' },
  };
}

/** The portfolio's operating calendar years. */
const years = (r: PortfolioResult): number[] => r.years.filter((y) => y.t >= 1).map((y) => y.year);
const name = (r: PortfolioResult): string => r.portfolio.name ?? r.portfolio.id;

/** A vintage's value of a line in each calendar year (null outside its years). */
function byYear(r: PortfolioResult, k: number, get: (y: PortfolioResult['vintages'][number]['years'][number]) => number | null): (number | null)[] {
  const v = r.vintages[k];
  if (v === undefined) return [];
  const at = new Map(v.years.filter((y) => y.t >= 1).map((y) => [y.year, get(y)]));
  return years(r).map((y) => at.get(y) ?? null);
}

/** Installed MW by vintage, stacked: the buildout year by year, and its retirements. */
export function installedMWOption(r: PortfolioResult): ChartOption {
  const ys = years(r);
  return {
    ...base(`Installed MW by vintage — ${name(r)}`, 'IT MW of each vintage in its operating years, stacked', true),
    xAxis: { type: 'category', data: ys.map(String), name: 'year', nameLocation: 'middle', nameGap: 30, nameTextStyle: NAME_STYLE },
    yAxis: { type: 'value', name: 'MW of IT load', nameLocation: 'middle', nameRotate: 90, nameGap: 64, nameTextStyle: NAME_STYLE },
    series: r.vintages.map((v, k) => ({
      type: 'bar' as const,
      name: `vintage ${v.id}`,
      stack: 'mw',
      data: byYear(r, k, () => v.itMW),
      color: VINTAGE_COLORS[k % VINTAGE_COLORS.length] as string,
    })),
  };
}

/** Revenue against what the buildout requires (and what its end users must earn): the revenue gap. */
export function revenueGapOption(r: PortfolioResult): ChartOption {
  const ys = years(r);
  const gap = new Map(r.revenueGap.map((g) => [g.year, g]));
  const line = (label: string, get: (g: PortfolioResult['revenueGap'][number]) => number | null, color: string, dashed = false) => ({
    type: 'line' as const,
    name: label,
    data: ys.map((y) => {
      const g = gap.get(y);
      return g === undefined ? null : get(g);
    }),
    color,
    symbolSize: 5,
    lineStyle: { width: 2.5, ...(dashed && { type: 'dashed' as const }) },
  });
  const endUser = r.portfolio.gap !== undefined;
  return {
    ...base(`Revenue vs the revenue the buildout requires — ${name(r)}`, `required = cash cost + (capital charge − τ·depreciation) / (1 − τ), at wacc ${(r.portfolio.finance.wacc * 100).toFixed(1)} %`, true),
    xAxis: { type: 'category', data: ys.map(String), name: 'year', nameLocation: 'middle', nameGap: 30, nameTextStyle: NAME_STYLE },
    yAxis: { type: 'value', name: '$ per year', nameLocation: 'middle', nameRotate: 90, nameGap: 72, nameTextStyle: NAME_STYLE, axisLabel: { formatter: axisMoney } },
    series: [
      { type: 'bar' as const, name: 'revenue earned', data: ys.map((y) => gap.get(y)?.revenue ?? null), color: COLORS.revenue, barWidth: '45%' },
      line('required revenue', (g) => g.requiredRevenue, COLORS.cost),
      ...(endUser ? [line(`required end-user revenue (margin ${((r.portfolio.gap?.endUserMargin ?? 0) * 100).toFixed(0)} %)`, (g) => g.requiredEndUser, COLORS.neutral, true)] : []),
    ],
  };
}

/** The depreciation wall: depreciation as a share of revenue, by year. */
export function depreciationWallOption(r: PortfolioResult): ChartOption {
  const ys = years(r);
  const gap = new Map(r.revenueGap.map((g) => [g.year, g]));
  return {
    ...base(`The depreciation wall — ${name(r)}`, 'depreciation (write-offs excluded) as a share of revenue', false),
    xAxis: { type: 'category', data: ys.map(String), name: 'year', nameLocation: 'middle', nameGap: 30, nameTextStyle: NAME_STYLE },
    yAxis: { type: 'value', name: 'share of revenue', nameLocation: 'middle', nameRotate: 90, nameGap: 64, nameTextStyle: NAME_STYLE, axisLabel: { formatter: axisPct } },
    series: [{ type: 'line' as const, name: 'depreciation / revenue', data: ys.map((y) => gap.get(y)?.depreciationShare ?? null), color: COLORS.cost, areaStyle: { opacity: 0.12 }, symbolSize: 5, lineStyle: { width: 2.5 } }],
  };
}

/** Utilization by vintage: under a shared market, what the market gave each (an older vintage idles when newer, cheaper capacity covers it). */
export function vintageUtilizationOption(r: PortfolioResult): ChartOption {
  const ys = years(r);
  const shared = r.portfolio.demand !== undefined;
  return {
    ...base(`Utilization by vintage — ${name(r)}`, shared ? 'the shared market is served cheapest compute first: an idle vintage is an overbuild' : 'each vintage serves its own demand', true),
    xAxis: { type: 'category', data: ys.map(String), name: 'year', nameLocation: 'middle', nameGap: 30, nameTextStyle: NAME_STYLE },
    yAxis: { type: 'value', min: 0, max: 1, name: 'utilization', nameLocation: 'middle', nameRotate: 90, nameGap: 64, nameTextStyle: NAME_STYLE, axisLabel: { formatter: axisPct } },
    series: r.vintages.map((v, k) => ({
      type: 'line' as const,
      name: `vintage ${v.id}`,
      data: byYear(r, k, (y) => ((y.accelerators ?? 0) > 0 ? y.utilization : null)),
      color: VINTAGE_COLORS[k % VINTAGE_COLORS.length] as string,
      symbolSize: 4,
      lineStyle: { width: 2 },
    })),
  };
}

/**
 * The maturity wall of a portfolio of levered vintages (MODEL.md §8, §9): what
 * falls due each year — scheduled principal and balloons — stacked by
 * vintage (each its own tranches), with the consolidated cash available
 * (ebitda − levered tax − interest) as a line.
 */
export function portfolioMaturityWallOption(r: PortfolioResult): ChartOption {
  const ys = years(r);
  const s = r.summary;
  const cash = new Map(r.years.filter((y) => y.t >= 1).map((y) => [y.year, y.cashAvailable ?? null]));
  const due = (k: number): (number | null)[] => {
    const v = r.vintages[k];
    const d = v?.debt;
    if (v === undefined || d === undefined) return ys.map(() => null);
    const at = new Map(v.years.filter((y) => y.t >= 1).map((y) => [y.year, (d.principalDue[y.t] ?? 0) + (d.balloonsDue[y.t] ?? 0)]));
    return ys.map((y) => at.get(y) ?? null);
  };
  const sub = `largest refinancing need (balloons due within 24 months) ${millions(s.maxRefinancingNeed ?? null, 0)}${s.maxRefinancingNeedRatio === null || s.maxRefinancingNeedRatio === undefined ? '' : `, ${ratio(s.maxRefinancingNeedRatio)} the cash of those years`}`;
  return {
    ...base(`Maturity wall by vintage — ${name(r)}`, sub, true),
    xAxis: { type: 'category', data: ys.map(String), name: 'year', nameLocation: 'middle', nameGap: 30, nameTextStyle: NAME_STYLE },
    yAxis: { type: 'value', name: '$ due (nominal)', nameLocation: 'middle', nameRotate: 90, nameGap: 72, nameTextStyle: NAME_STYLE, axisLabel: { formatter: axisMoney } },
    series: [
      ...r.vintages.map((v, k) => ({ type: 'bar' as const, name: `vintage ${v.id}`, stack: 'due', data: due(k), color: VINTAGE_COLORS[k % VINTAGE_COLORS.length] as string })),
      { type: 'line' as const, name: 'Cash available (ebitda − levered tax − interest)', data: ys.map((y) => cash.get(y) ?? null), color: COLORS.cumulative, symbolSize: 6, lineStyle: { width: 2.5 } },
    ],
  };
}

/** One sentence: the capital stack of a portfolio, consolidated (MODEL.md §9: each vintage its own tranches and covenants). */
export function portfolioCapitalHeadline(r: PortfolioResult): string {
  const s = r.summary;
  const levered = r.vintages.filter((v) => v.tranches !== undefined);
  const tranches = levered.reduce((a, v) => a + (v.tranches?.length ?? 0), 0);
  const breaches = s.covenantBreachCount ?? 0;
  const parts = [
    `${levered.length} of ${r.vintages.length} vintage${r.vintages.length === 1 ? '' : 's'} with a capital stack (${tranches} tranche${tranches === 1 ? '' : 's'}, each vintage its own)`,
    `largest refinancing need ${millions(s.maxRefinancingNeed ?? null, 0)}${s.maxRefinancingNeedRatio === null || s.maxRefinancingNeedRatio === undefined ? '' : ` (${ratio(s.maxRefinancingNeedRatio)} the cash available over the same 24 months)`}`,
    `min DSCR ${ratio(s.minDscr)}${s.minDscrHeadroom === null || s.minDscrHeadroom === undefined ? '' : ` (tightest vintage against its covenant: ${headroomText(s.minDscrHeadroom, (x) => ratio(x))})`}`,
    `max market LTV ${pct(s.maxMarketLtv ?? null)}${s.marketLtvHeadroom === null || s.marketLtvHeadroom === undefined ? '' : ` (tightest vintage: ${headroomText(s.marketLtvHeadroom, (x) => pct(x))})`}`,
    `${breaches} covenant breach${breaches === 1 ? '' : 'es'}`,
  ];
  if ((s.interestDuringConstruction ?? 0) > 0) parts.push(`interest during construction ${millions(s.interestDuringConstruction ?? null, 1)}`);
  if ((s.backlog ?? 0) > 0) parts.push(`contracted backlog ${millions(s.backlog ?? null, 0)}, traceable share ${pct(s.traceableShare ?? null)}`);
  return `${parts.join('; ')}.`;
}

/** The vintages' covenant breaches as sentences: year, vintage, covenant, value against its bound, the equity cure. */
export function portfolioBreachLines(r: PortfolioResult): string[] {
  return (r.summary.covenantBreaches ?? []).map((b) =>
    b.covenant === 'minDscr'
      ? `${b.year}, vintage ${b.vintage}: DSCR ${ratio(b.value)} below its covenant ${ratio(b.limit)}; equity cure ${money(b.cure)}`
      : `${b.year}, vintage ${b.vintage}: market LTV ${pct(b.value)} above its covenant ${pct(b.limit)}; equity cure ${money(b.cure)}`,
  );
}
