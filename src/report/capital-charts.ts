/**
 * The capital stack (MODEL.md §9) for people: the maturity wall by tranche
 * beside the cash available, DSCR and market LTV against their covenants, the
 * contracted backlog, and the tranches and breaches as rows. Pure: the HTML
 * report, the terminal and the dashboard read the same rows and charts; every
 * number comes from the engine's result (its `tranches` and the §9 lines of
 * `years` and `summary`).
 */
import type { CovenantBreach, ModelResult, TrancheResult, YearRow } from '../model/result.ts';
import { axisMoney, axisPct, type ChartOption, COLORS, frame, xName, yName } from './charts.ts';
import { millions, money, pct, ratio } from './format.ts';

/** One colour per tranche, in list order (cycled past ten). */
export const TRANCHE_COLORS = ['#2f6fb0', '#8a5cc2', '#d08a1e', '#2e9e6a', '#c8503c', '#3a9aa8', '#b05f8a', '#7a8f3a', '#5a7d9a', '#a0522d'] as const;
const trancheColor = (i: number): string => TRANCHE_COLORS[i % TRANCHE_COLORS.length] as string;

/** Whether a result has a capital stack to show (MODEL.md §9). */
export const hasCapitalStack = (r: ModelResult): boolean => r.tranches !== undefined;

const operating = (r: ModelResult): YearRow[] => r.years.filter((y) => y.t >= 1);
const label = (r: ModelResult): string => r.scenario.name ?? r.scenario.id;
const n = (x: number | null | undefined): number => x ?? 0;

/** What falls due from a tranche in operating year t: its scheduled principal and its balloon (refinanced or not). */
export const dueOf = (tr: TrancheResult, t: number): number => n(tr.years[t]?.principalDue) + n(tr.years[t]?.balloon);

/**
 * The maturity wall (MODEL.md §9): what falls due each year — scheduled
 * principal and balloons — stacked by tranche, with the cash available
 * (ebitda − levered tax − interest) as a line.
 *
 * @example
 * renderSvg(maturityWallOption(evaluate(levered)));
 */
export function maturityWallOption(r: ModelResult): ChartOption {
  const years = operating(r);
  const tranches = r.tranches ?? [];
  const s = r.summary;
  const refinanced = years.reduce((a, y) => a + n(y.refinanced), 0);
  const sub = `largest refinancing need (balloons due within 24 months) ${millions(s.maxRefinancingNeed ?? null, 0)}${
    s.maxRefinancingNeedRatio === null || s.maxRefinancingNeedRatio === undefined ? '' : `, ${ratio(s.maxRefinancingNeedRatio)} the cash of those years`
  }; refinanced over the horizon ${millions(refinanced, 0)}`;
  return {
    ...frame({ title: `Maturity wall — ${label(r)}`, subtitle: sub, legend: true, bottom: 96 }),
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: years.map((y) => String(y.year)) },
    yAxis: { type: 'value', ...yName('$ due (nominal)'), axisLabel: { formatter: axisMoney } },
    series: [
      ...tranches.map((tr, i) => ({
        type: 'bar' as const,
        name: `${tr.id} (${tr.amortization}${tr.refinances ? ', refinanced' : ''})`,
        stack: 'due',
        color: trancheColor(i),
        data: years.map((y) => dueOf(tr, y.t)),
      })),
      {
        type: 'line' as const,
        name: 'Cash available (ebitda − levered tax − interest)',
        color: COLORS.cumulative,
        symbolSize: 6,
        lineStyle: { width: 2.5 },
        data: years.map((y) => y.cashAvailable ?? null),
      },
    ],
  };
}

/** A covenant's headroom in words: `headroom 0.25×`, or `short by 0.54×` when the covenant is broken. */
export function headroomText(x: number | null | undefined, fmt: (v: number) => string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'no headroom figure';
  return x >= 0 ? `headroom ${fmt(x)}` : `short by ${fmt(-x)}`;
}

/** The covenant levels a scenario sets (inputs, as given), or null. */
export function covenantLevels(r: ModelResult): { minDscr: number | null; maxLtv: number | null } {
  const c = r.scenario.finance.covenants;
  return { minDscr: c?.minDscr ?? null, maxLtv: c?.maxLtv ?? null };
}

/**
 * DSCR (left axis) and market LTV (right axis) by year against their
 * covenants (dashed), each breach a red point.
 */
export function coverageOption(r: ModelResult): ChartOption {
  const years = operating(r);
  const { minDscr, maxLtv } = covenantLevels(r);
  const s = r.summary;
  const head = [
    `min DSCR ${ratio(s.minDscr)}${minDscr === null ? '' : ` (covenant ${ratio(minDscr)}, ${headroomText(s.minDscrHeadroom, (v) => ratio(v))})`}`,
    `max market LTV ${pct(s.maxMarketLtv ?? null)}${maxLtv === null ? '' : ` (covenant ${pct(maxLtv)}, ${headroomText(s.marketLtvHeadroom, (v) => pct(v))})`}`,
  ].join('; ');
  const breaches = s.covenantBreaches ?? [];
  const point = (b: CovenantBreach): [string, number] => [String(b.year), b.value];
  return {
    ...frame({ title: `Debt service cover and market LTV — ${label(r)}`, subtitle: head, legend: true, right: 96 }),
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: years.map((y) => String(y.year)), ...xName('year') },
    yAxis: [
      { type: 'value', ...yName('DSCR (ebitda / debt service)', 56), axisLabel: { formatter: (v: number) => `${v}×` } },
      { type: 'value', ...yName('market LTV', 64), position: 'right', axisLabel: { formatter: axisPct }, splitLine: { show: false } },
    ],
    series: [
      {
        type: 'line',
        name: 'DSCR',
        color: COLORS.ebitda,
        yAxisIndex: 0,
        symbolSize: 6,
        data: years.map((y) => y.dscr),
        ...(minDscr !== null && {
          markLine: { silent: true, symbol: 'none', label: { formatter: `min DSCR ${ratio(minDscr)}`, fontSize: 11, position: 'insideStartTop' }, data: [{ yAxis: minDscr, lineStyle: { color: COLORS.ebitda, type: 'dashed', width: 1.5 } }] },
        }),
      },
      {
        type: 'line',
        name: 'Market LTV',
        color: COLORS.strategic,
        yAxisIndex: 1,
        symbolSize: 6,
        data: years.map((y) => y.marketLtv ?? null),
        ...(maxLtv !== null && {
          markLine: { silent: true, symbol: 'none', label: { formatter: `max LTV ${pct(maxLtv, 0)}`, fontSize: 11, position: 'insideEndTop' }, data: [{ yAxis: maxLtv, lineStyle: { color: COLORS.strategic, type: 'dashed', width: 1.5 } }] },
        }),
      },
      ...(breaches.length > 0
        ? [
            {
              type: 'scatter' as const,
              name: 'Covenant breach',
              color: COLORS.negative,
              symbolSize: 12,
              yAxisIndex: 0,
              data: breaches.filter((b) => b.covenant === 'minDscr' && b.t > 0).map(point),
            },
            {
              type: 'scatter' as const,
              name: 'Covenant breach (LTV)',
              color: COLORS.negative,
              symbol: 'diamond',
              symbolSize: 12,
              yAxisIndex: 1,
              data: breaches.filter((b) => b.covenant === 'maxLtv' && b.t > 0).map(point),
            },
          ]
        : []),
    ],
  };
}

/** The contracted backlog at each year's end (bars) and the contracted share of revenue (line). */
export function backlogOption(r: ModelResult): ChartOption {
  const years = r.years;
  const s = r.summary;
  const sub = `backlog at the build ${millions(s.backlog ?? null, 0)}; expected credit loss ${millions(s.expectedCreditLoss ?? null, 1)}; traceable share of value ${pct(s.traceableShare ?? null)}`;
  return {
    ...frame({ title: `Contracted backlog and contracted share — ${label(r)}`, subtitle: sub, legend: true, right: 96 }),
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: years.map((y) => (y.t === 0 ? `${y.year} (build)` : String(y.year))), ...xName('end of year') },
    yAxis: [
      { type: 'value', ...yName('contracted revenue still to come ($)'), axisLabel: { formatter: axisMoney } },
      { type: 'value', ...yName('share of revenue', 64), position: 'right', min: 0, max: 1, axisLabel: { formatter: axisPct }, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: 'Backlog', color: COLORS.revenue, data: years.map((y) => y.backlog ?? null) },
      { type: 'line', name: 'Contracted share of revenue', color: COLORS.grossProfit, yAxisIndex: 1, symbolSize: 6, data: years.map((y) => (y.t === 0 ? null : (y.contractedShare ?? null))) },
      { type: 'line', name: 'Revenue at risk (contracts ending in the next two years, over market)', color: COLORS.cost, symbolSize: 4, lineStyle: { type: 'dashed' }, data: years.map((y) => (y.t === 0 ? null : (y.revenueAtRisk ?? null))) },
    ],
  };
}

/** The tranches as rows: id, what it funds, its rate, term and amortization, what it drew, its interest during construction, its refinancing. */
export function trancheTable(r: ModelResult): { head: string[]; rows: string[][] } {
  const debt = r.scenario.finance.debt;
  const list = Array.isArray(debt) ? debt : debt === undefined ? [] : [debt];
  const rows = (r.tranches ?? []).map((tr, i) => {
    const given = list[i] as { rate?: number; spread?: number; termYears: number; amortizationYears?: number; refinance?: { termYears: number; spread: number; amortization?: string } } | undefined;
    const rate = given?.spread !== undefined ? `base + ${pct(given.spread, 2)}` : pct(given?.rate ?? null, 2);
    const term = `${given?.termYears ?? '—'} y${given?.amortizationYears !== undefined ? ` (amortized over ${given.amortizationYears})` : ''}`;
    const drawn = tr.years.reduce((a, y) => a + n(y.draw), 0);
    const refi = given?.refinance === undefined ? '—' : `${given.refinance.termYears} y at base + ${pct(given.refinance.spread, 2)}${given.refinance.amortization ? `, ${given.refinance.amortization}` : ''}`;
    return [tr.id, tr.funds, rate, term, tr.amortization, money(drawn), tr.interestDuringConstruction > 0 ? money(tr.interestDuringConstruction) : '—', refi];
  });
  return { head: ['Tranche', 'Funds', 'Rate', 'Term', 'Amortization', 'Drawn', 'Interest during construction', 'Refinancing'], rows };
}

/** The maturity wall and the covenants as rows, one per operating year. */
export function maturityTable(r: ModelResult): { head: string[]; rows: string[][] } {
  const rows = operating(r).map((y) => [
    String(y.year),
    money(y.interest),
    money(y.principalDue ?? null),
    money(y.balloonsDue ?? null),
    money(y.refinanced ?? null),
    money(y.sweep ?? null),
    money(y.cashAvailable ?? null),
    money(y.refinancingNeed ?? null),
    ratio(y.refinancingNeedRatio ?? null),
    ratio(y.dscr),
    pct(y.marketLtv ?? null),
    money(y.debtOutstanding),
  ]);
  return {
    head: ['Year', 'Interest', 'Principal due', 'Balloons', 'Refinanced', 'Sweep', 'Cash available', 'Need (24 mo)', 'Need / cash', 'DSCR', 'Market LTV', 'Debt at end'],
    rows,
  };
}

/** The contract lines, one per year (t = 0 carries the backlog alone). */
export function contractTable(r: ModelResult): { head: string[]; rows: string[][] } {
  const rows = r.years.map((y) => [
    y.t === 0 ? `${y.year} (build)` : String(y.year),
    y.t === 0 ? '' : money(y.contractedRevenue ?? null),
    y.t === 0 ? '' : pct(y.contractedShare ?? null),
    y.t === 0 ? '' : money(y.expectedCreditLoss ?? null),
    money(y.backlog ?? null),
    y.t === 0 ? '' : money(y.revenueAtRisk ?? null),
  ]);
  return { head: ['Year', 'Contracted revenue', 'Contracted share', 'Expected credit loss', 'Backlog at end', 'Revenue at risk (next 2 y)'], rows };
}

/** The covenant breaches as sentences: year, covenant, value against its bound, the equity cure. */
export function breachLines(r: ModelResult): string[] {
  const { minDscr, maxLtv } = covenantLevels(r);
  return (r.summary.covenantBreaches ?? []).map((b) =>
    b.covenant === 'minDscr'
      ? `${b.year}: DSCR ${ratio(b.value)} below the covenant ${ratio(minDscr ?? b.limit)}; equity cure ${money(b.cure)}`
      : `${b.year}: market LTV ${pct(b.value)} above the covenant ${pct(maxLtv ?? b.limit)}; equity cure ${money(b.cure)}`,
  );
}

/** Whether the result's contracts show anything (a contract on some segment). */
export const hasContracts = (r: ModelResult): boolean => r.years.some((y) => (y.backlog ?? 0) > 0 || (y.contractedRevenue ?? 0) > 0);

/** One sentence: the stack's headline figures. */
export function capitalHeadline(r: ModelResult): string {
  const s = r.summary;
  const parts = [
    `${(r.tranches ?? []).length} tranche${(r.tranches ?? []).length === 1 ? '' : 's'}`,
    `largest refinancing need ${millions(s.maxRefinancingNeed ?? null, 0)}${s.maxRefinancingNeedRatio === null || s.maxRefinancingNeedRatio === undefined ? '' : ` (${ratio(s.maxRefinancingNeedRatio)} the cash available over the same 24 months)`}`,
    `min DSCR ${ratio(s.minDscr)}${s.minDscrHeadroom === null || s.minDscrHeadroom === undefined ? '' : ` (against its covenant: ${headroomText(s.minDscrHeadroom, (v) => ratio(v))})`}`,
    `max market LTV ${pct(s.maxMarketLtv ?? null)}${s.marketLtvHeadroom === null || s.marketLtvHeadroom === undefined ? '' : ` (against its covenant: ${headroomText(s.marketLtvHeadroom, (v) => pct(v))})`}`,
    `${s.covenantBreachCount ?? 0} covenant breach${s.covenantBreachCount === 1 ? '' : 'es'}`,
  ];
  if ((s.interestDuringConstruction ?? 0) > 0) parts.push(`interest during construction ${millions(s.interestDuringConstruction ?? null, 1)}`);
  if ((s.backlog ?? 0) > 0) parts.push(`contracted backlog ${millions(s.backlog ?? null, 0)}, traceable share ${pct(s.traceableShare ?? null)}`);
  return `${parts.join('; ')}.`;
}
