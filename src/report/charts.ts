/**
 * Chart option builders: pure functions from the engine's and the analyses'
 * results to echarts options. The HTML report renders them to SVG
 * (`svg.ts`); the web dashboard can hand the same options to a live chart.
 * They read the results; none recomputes a number of the model.
 *
 * Every chart has a title, axis names with units, and number formats for people.
 */
import type { EChartsOption } from 'echarts';
import type { ModelResult, YearRow } from '../model/result.ts';
import type { Advantages } from '../analysis/advantages.ts';
import type { InternalSweep } from '../analysis/internal.ts';
import type { PaybackStack } from '../analysis/payback-stack.ts';
import type { TornadoReport, TornadoRow } from '../analysis/tornado.ts';
import { millions, pct, yearsFmt } from './format.ts';

/** An echarts option, as these builders make it. */
export type ChartOption = EChartsOption;

/** The report's colours: one per meaning, used the same way in every chart. */
export const COLORS = {
  revenue: '#2f6fb0',
  grossProfit: '#2e9e6a',
  ebitda: '#8a5cc2',
  strategic: '#d08a1e',
  cost: '#c8503c',
  price: '#2f6fb0',
  positive: '#2e9e6a',
  negative: '#c8503c',
  neutral: '#8a8f98',
  cumulative: '#1f2d3d',
  hidden: '#a3a9b3',
  low: '#c8503c',
  high: '#2f6fb0',
} as const;

/** System fonts only: a report makes no request, fonts included. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

// ---------------------------------------------------------------------------
// Number formats for axes and labels

const compactUsd = new Intl.NumberFormat('en-US', { notation: 'compact', style: 'currency', currency: 'USD', minimumFractionDigits: 0, maximumFractionDigits: 2 });
const compactNum = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

const minus = (s: string): string => s.replace(/^-/, '−');

/** Axis money: `$2.5M`, `−$110M`, `$1.25B`. */
export function axisMoney(v: number): string {
  return minus(compactUsd.format(v));
}

/** Axis money per unit, with cents where they matter: `$0.25`, `$3`, `$1.2K`. */
export function axisPrice(v: number): string {
  return Math.abs(v) >= 1000 ? axisMoney(v) : minus(`${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: 3 })}`);
}

/** Axis token counts: `15.8T`, quadrillions as `1.2Q`. */
export function axisTokens(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e15) return minus(`${v < 0 ? '-' : ''}${(a / 1e15).toLocaleString('en-US', { maximumFractionDigits: 2 })}Q`);
  return minus(compactNum.format(v));
}

/** Axis shares: `25 %`. */
export function axisPct(v: number): string {
  return pct(v, Math.abs(v) < 0.1 && v !== 0 ? 1 : 0);
}

/** Axis rates (IRR): `12.5 %`. */
export function axisRate(v: number): string {
  return pct(v, 1);
}

// ---------------------------------------------------------------------------
// Shared pieces

export interface Frame {
  title: string;
  subtitle?: string | undefined;
  /** show a legend at the bottom */
  legend?: boolean;
  /** extra room on the left for long category labels */
  left?: number;
  /** extra room on the right for bar labels */
  right?: number;
  bottom?: number;
}

export function frame(f: Frame): ChartOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: f.title,
      ...(f.subtitle !== undefined && { subtext: f.subtitle }),
      left: 'center',
      textStyle: { fontSize: 16, fontWeight: 'bold', color: '#1f2d3d' },
      subtextStyle: { fontSize: 12, color: '#555b66' },
    },
    grid: {
      left: f.left ?? 96,
      right: f.right ?? 40,
      top: f.subtitle !== undefined ? 84 : 64,
      bottom: f.bottom ?? (f.legend ? 78 : 56),
    },
    ...(f.legend && { legend: { bottom: 6, left: 'center', width: '90%', itemGap: 26, textStyle: { fontSize: 12 } } }),
  };
}

const NAME_STYLE = { fontSize: 12, color: '#38404c' };

/** An x axis name, centred under the axis. */
export const xName = (name: string, gap = 30) => ({ name, nameLocation: 'middle' as const, nameGap: gap, nameTextStyle: NAME_STYLE });

/** A y axis name, centred along the axis and turned. */
export const yName = (name: string, gap = 72) => ({ name, nameLocation: 'middle' as const, nameRotate: 90, nameGap: gap, nameTextStyle: NAME_STYLE });

/** Operating years only (t ≥ 1): the charts of yearly lines skip the build row. */
const operating = (r: ModelResult): YearRow[] => r.years.filter((y) => y.t >= 1);

const scenarioLabel = (r: ModelResult): string => r.scenario.name ?? r.scenario.id;

// ---------------------------------------------------------------------------
// Engine charts

/**
 * Operator comparison: average revenue and gross profit per MW-year, one pair
 * of bars per scenario (MODEL.md §3.7 `revenuePerMW`, `grossProfitPerMW`).
 *
 * @example
 * renderSvg(compareBarsOption(results.map(evaluate)))
 */
export function compareBarsOption(results: readonly ModelResult[]): ChartOption {
  const cats = results.map((r) => r.scenario.id);
  const label = { show: true, position: 'top' as const, fontSize: 11, formatter: (p: { value: unknown }) => millions(p.value as number) };
  return {
    ...frame({ title: 'Revenue and gross profit per MW-year, by operator', subtitle: 'average over the years with accelerators in service', legend: true }),
    xAxis: { type: 'category', data: cats, ...xName('scenario', 30), axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: { type: 'value', ...yName('$ per MW-year'), axisLabel: { formatter: axisMoney } },
    series: [
      { type: 'bar', name: 'Revenue / MW-year', data: results.map((r) => r.summary.revenuePerMW), color: COLORS.revenue, label, barGap: '10%' },
      { type: 'bar', name: 'Gross profit / MW-year', data: results.map((r) => r.summary.grossProfitPerMW), color: COLORS.grossProfit, label },
    ],
  };
}

/**
 * The token funnel over the lifetime: total → monetizable → profitable tokens,
 * with the hidden reasoning inside the total and the strategic (imputed-value)
 * tokens shown beside it.
 */
export function funnelOption(r: ModelResult): ChartOption {
  const s = r.summary;
  const rows: { name: string; value: number | null; color: string; note: string }[] = [
    { name: 'Total tokens', value: s.totalTokens, color: COLORS.neutral, note: '' },
    { name: '…of which hidden reasoning', value: s.hiddenReasoningTokens, color: COLORS.hidden, note: '' },
    { name: 'Monetizable (cash revenue)', value: s.monetizableTokens, color: COLORS.revenue, note: pct(s.monetizableShare) },
    { name: 'Profitable (margin ≥ min)', value: s.profitableTokens, color: COLORS.grossProfit, note: pct(s.profitableShare) },
    { name: 'Strategic (imputed value)', value: s.strategicTokens, color: COLORS.strategic, note: '' },
  ];
  return {
    ...frame({ title: `Token funnel — ${scenarioLabel(r)}`, subtitle: `lifetime, ${r.scenario.horizon.years} operating years; % = share of total tokens`, left: 200, right: 120 }),
    xAxis: { type: 'value', ...xName('tokens over the lifetime'), axisLabel: { formatter: axisTokens } },
    yAxis: { type: 'category', inverse: true, data: rows.map((x) => x.name), axisLabel: { fontSize: 12 } },
    series: [
      {
        type: 'bar',
        name: 'tokens',
        barWidth: '55%',
        data: rows.map((x) => ({ value: x.value, itemStyle: { color: x.color } })),
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          formatter: (p: { dataIndex: number; value: unknown }) => {
            const note = rows[p.dataIndex]?.note ?? '';
            return `${axisTokens(p.value as number)}${note ? `  (${note})` : ''}`;
          },
        },
      },
    ],
  };
}

/** Revenue, gross profit and EBITDA per MW of IT load, each operating year (plus strategic revenue when there is any). */
export function perMWOption(r: ModelResult): ChartOption {
  const ys = operating(r);
  const line = (name: string, field: 'revenuePerMW' | 'grossProfitPerMW' | 'ebitdaPerMW' | 'strategicRevenuePerMW', color: string, dashed = false) => ({
    type: 'line' as const,
    name,
    data: ys.map((y) => y[field]),
    color,
    symbolSize: 6,
    lineStyle: { width: 2.5, ...(dashed && { type: 'dashed' as const }) },
  });
  const hasStrategic = ys.some((y) => (y.strategicValue ?? 0) > 0);
  return {
    ...frame({ title: `Revenue, gross profit and EBITDA per MW — ${scenarioLabel(r)}`, subtitle: 'per MW of critical IT load, each operating year', legend: true }),
    xAxis: { type: 'category', data: ys.map((y) => String(y.year)), ...xName('year'), boundaryGap: false },
    yAxis: { type: 'value', ...yName('$ per MW-year'), axisLabel: { formatter: axisMoney } },
    series: [
      line('Revenue / MW', 'revenuePerMW', COLORS.revenue),
      line('Gross profit / MW', 'grossProfitPerMW', COLORS.grossProfit),
      line('EBITDA / MW', 'ebitdaPerMW', COLORS.ebitda),
      ...(hasStrategic ? [line('Revenue + strategic value / MW', 'strategicRevenuePerMW', COLORS.strategic, true)] : []),
    ],
  };
}

/** Cost per million tokens (cost of revenue per compute unit) against the realized price per million billed tokens, each year. */
export function unitEconomicsOption(r: ModelResult): ChartOption {
  const ys = operating(r);
  return {
    ...frame({ title: `Cost vs realized price per million tokens — ${scenarioLabel(r)}`, subtitle: 'cost: cost of revenue per M compute units; price: cash revenue per M billed tokens', legend: true }),
    xAxis: { type: 'category', data: ys.map((y) => String(y.year)), ...xName('year'), boundaryGap: false },
    yAxis: { type: 'value', ...yName('$ per M tokens', 56), axisLabel: { formatter: axisPrice } },
    series: [
      { type: 'line', name: 'Cost / M tokens', data: ys.map((y) => y.costPerMTok), color: COLORS.cost, symbolSize: 6, lineStyle: { width: 2.5 } },
      { type: 'line', name: 'Realized price / M billed tokens', data: ys.map((y) => y.realizedPricePerMTok), color: COLORS.price, symbolSize: 6, lineStyle: { width: 2.5 } },
    ],
  };
}

/**
 * Free cash flow each year (t = 0 is the build) as bars, the cumulative free
 * cash flow as a line, and the payback point where it crosses zero.
 */
export function cashFlowOption(r: ModelResult): ChartOption {
  const s = r.summary;
  const build = r.years[0]?.year ?? r.scenario.horizon.startYear - 1;
  const last = r.years[r.years.length - 1]?.t ?? 0;
  const yearOf = (t: number): string => (Number.isInteger(t) && t >= 0 && t <= last ? String(build + t) : '');
  const payback = s.paybackYears;
  const sub = `payback ${payback === null ? 'never within the horizon' : yearsFmt(payback)}; discounted ${
    s.discountedPaybackYears === null ? 'never' : yearsFmt(s.discountedPaybackYears)
  }; NPV ${millions(s.npv, 0, true)}; peak funding ${millions(s.peakFunding, 0)}`;
  return {
    ...frame({ title: `Cash flows and cumulative payback — ${scenarioLabel(r)}`, subtitle: sub, legend: true }),
    xAxis: {
      type: 'value',
      min: -1,
      max: last + 1,
      interval: 1,
      ...xName('year (t = 0 is the build)'),
      axisLabel: { formatter: (v: number) => yearOf(v), showMinLabel: false, showMaxLabel: false },
      splitLine: { show: false },
    },
    yAxis: { type: 'value', ...yName('$ (nominal)'), axisLabel: { formatter: axisMoney } },
    series: [
      {
        type: 'bar',
        name: 'Free cash flow',
        barWidth: Math.max(8, Math.min(40, 560 / Math.max(1, r.years.length))),
        data: r.years.map((y) => ({
          value: [y.t, y.fcf],
          itemStyle: { color: (y.fcf ?? 0) < 0 ? COLORS.negative : COLORS.positive },
        })),
        color: COLORS.positive,
      },
      {
        type: 'line',
        name: 'Cumulative free cash flow',
        data: r.years.map((y) => [y.t, y.cumulativeFcf]),
        color: COLORS.cumulative,
        symbolSize: 6,
        lineStyle: { width: 2.5 },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: (p: { name?: string }) => p.name ?? '', fontSize: 11 },
          data: [
            { yAxis: 0, name: '', lineStyle: { color: '#38404c', type: 'solid', width: 1 } },
            ...(payback !== null && payback > 0
              ? [{ xAxis: payback, name: `payback ${yearsFmt(payback)}`, lineStyle: { color: COLORS.positive, type: 'dashed' as const, width: 1.5 } }]
              : []),
          ],
        },
      },
    ],
  };
}

// ---------------------------------------------------------------------------
// Histograms (Monte Carlo)

/** One histogram bin: `[lo, hi)` with a count. */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/** What a histogram chart needs; the bins and the probability come from the Monte Carlo result. */
export interface HistogramInput {
  title: string;
  subtitle?: string;
  /** the x axis name, with its unit */
  xName: string;
  bins: readonly HistogramBin[];
  /** format of bin edges on the axis */
  format: (v: number) => string;
  /** a threshold drawn as a vertical line (0 for NPV, the wacc for IRR); bins below it are drawn red */
  threshold?: { value: number; label: string };
}

/** A histogram of Monte Carlo samples, bins below the threshold in red. */
export function histogramOption(h: HistogramInput): ChartOption {
  const bins = h.bins;
  let lo = bins[0]?.lo ?? 0;
  let hi = bins[bins.length - 1]?.hi ?? 1;
  if (!(hi > lo)) {
    // every sample the same: a narrow window around it
    const pad = Math.max(Math.abs(lo) * 0.05, 1e-6);
    lo -= pad;
    hi += pad;
  }
  const t = h.threshold;
  return {
    ...frame({ title: h.title, subtitle: h.subtitle }),
    xAxis: {
      type: 'value',
      min: lo,
      max: hi,
      ...xName(h.xName),
      axisLabel: { formatter: h.format, hideOverlap: true, showMinLabel: false, showMaxLabel: false },
      splitLine: { show: false },
    },
    yAxis: { type: 'value', ...yName('samples', 56), axisLabel: { formatter: (v: number) => compactNum.format(v) } },
    series: [
      {
        type: 'bar',
        name: 'samples',
        barWidth: `${Math.max(1, Math.floor(720 / Math.max(1, bins.length)) - 1)}`,
        barMinWidth: 1,
        data: bins.map((b) => ({
          value: [(b.lo + b.hi) / 2, b.count],
          itemStyle: { color: t !== undefined && b.hi <= t.value ? COLORS.negative : COLORS.revenue },
        })),
        ...(t !== undefined && {
          markLine: {
            silent: true,
            symbol: 'none',
            label: { formatter: t.label, fontSize: 11 },
            lineStyle: { color: '#1f2d3d', type: 'dashed', width: 1.5 },
            data: [{ xAxis: t.value }],
          },
        }),
      },
    ],
  };
}


// ---------------------------------------------------------------------------
// Analysis charts

/**
 * The payback stack as a waterfall (MODEL.md §5): each source of cash revenue
 * per MW-year stacked up to today's cash revenue, then the shortfall (or
 * surplus) to the revenue that earns the wacc, and the strategic value beside
 * it. Sources with no cash segment are left out.
 */
export function paybackStackOption(stack: PaybackStack, title = `Payback stack — ${stack.scenarioId}`): ChartOption {
  type Bar = { name: string; base: number; value: number; color: string; label: string };
  const bars: Bar[] = [];
  let top = 0;
  const share = (x: number | null): string => (x === null ? '' : ` · ${pct(x, 0)} of required`);
  for (const s of stack.sources) {
    if (s.segments.length === 0) continue;
    bars.push({ name: s.label, base: top, value: s.revenuePerMW, color: COLORS.revenue, label: `${millions(s.revenuePerMW)}${share(s.shareOfRequired)}` });
    top += s.revenuePerMW;
  }
  bars.push({ name: 'Cash revenue today', base: 0, value: stack.cashRevenuePerMW, color: COLORS.cumulative, label: `${millions(stack.cashRevenuePerMW)}${share(stack.cashShareOfRequired)}` });
  const req = stack.requiredRevenuePerMW;
  const gap = stack.gapPerMW;
  if (req !== null && gap !== null) {
    if (gap >= 0) bars.push({ name: 'Shortfall', base: stack.cashRevenuePerMW, value: gap, color: COLORS.negative, label: `+${millions(gap)}` });
    else bars.push({ name: 'Surplus', base: req, value: -gap, color: COLORS.positive, label: `−${millions(-gap)}` });
    bars.push({ name: 'Required to earn the wacc', base: 0, value: req, color: COLORS.neutral, label: millions(req) });
  }
  if (stack.strategicSegments.length > 0) {
    bars.push({
      name: 'Strategic value (not cash)',
      base: stack.cashRevenuePerMW,
      value: stack.strategicValuePerMW,
      color: COLORS.strategic,
      label: `${millions(stack.strategicValuePerMW)}${share(stack.strategicShareOfRequired)}`,
    });
  }
  const sub =
    req === null
      ? `no revenue requirement: ${stack.reason ?? 'unknown'}`
      : `cash revenue per MW-year needed for npv = 0 at wacc ${pct(stack.wacc)}: ${millions(req)} (${ratioText(stack.factor)} today's cash prices)`;
  return {
    ...frame({ title, subtitle: sub, left: 190, right: 170 }),
    xAxis: { type: 'value', ...xName('$ per MW-year (average over the years in service)'), axisLabel: { formatter: axisMoney } },
    yAxis: { type: 'category', inverse: true, data: bars.map((b) => b.name), axisLabel: { fontSize: 12 } },
    series: [
      { type: 'bar', name: 'base', stack: 'w', silent: true, itemStyle: { color: 'transparent' }, data: bars.map((b) => b.base), barWidth: '55%' },
      {
        type: 'bar',
        name: '$ per MW-year',
        stack: 'w',
        data: bars.map((b) => ({ value: b.value, itemStyle: { color: b.color } })),
        label: { show: true, position: 'right', fontSize: 11, formatter: (p: { dataIndex: number }) => bars[p.dataIndex]?.label ?? '' },
      },
    ],
  };
}

const ratioText = (f: number | null): string => (f === null ? '—' : `${f.toLocaleString('en-US', { maximumFractionDigits: 2 })}×`);

/**
 * The internal-inference sweep (MODEL.md §5): clean (cash) and strategic
 * revenue and gross profit per MW as the internal share of tokens rises, with
 * today's share marked.
 */
export function internalSweepOption(sweep: InternalSweep, title = `Internal inference — ${sweep.scenarioId}`): ChartOption {
  const line = (name: string, field: 'cleanRevenuePerMW' | 'strategicRevenuePerMW' | 'cleanGrossProfitPerMW' | 'strategicGrossProfitPerMW', color: string, dashed: boolean) => ({
    type: 'line' as const,
    name,
    color,
    symbolSize: 5,
    lineStyle: { width: 2.5, ...(dashed && { type: 'dashed' as const }) },
    data: sweep.points.map((p) => [p.internalShare, p[field]]),
  });
  const today = sweep.baseInternalShare;
  const series: NonNullable<ChartOption['series']> = [
    line('Clean revenue / MW', 'cleanRevenuePerMW', COLORS.revenue, false),
    line('Strategic revenue / MW', 'strategicRevenuePerMW', COLORS.strategic, true),
    line('Clean gross profit / MW', 'cleanGrossProfitPerMW', COLORS.grossProfit, false),
    line('Strategic gross profit / MW', 'strategicGrossProfitPerMW', COLORS.ebitda, true),
  ];
  const first = series[0];
  if (today !== null && first !== undefined && !Array.isArray(first)) {
    (first as { markLine?: unknown }).markLine = {
      silent: true,
      symbol: 'none',
      label: { formatter: `today ${pct(today, 0)}`, fontSize: 11 },
      lineStyle: { color: '#38404c', type: 'dashed', width: 1.5 },
      data: [{ xAxis: today }],
    };
  }
  return {
    ...frame({ title, subtitle: `internal segments (${sweep.internalSegments.join(', ')}) scaled to the share, the others down; strategic = cash + imputed value`, legend: true }),
    xAxis: { type: 'value', min: 0, max: sweep.points[sweep.points.length - 1]?.internalShare ?? 1, ...xName('internal share of tokens'), axisLabel: { formatter: axisPct } },
    yAxis: { type: 'value', ...yName('$ per MW-year'), axisLabel: { formatter: axisMoney } },
    series,
  };
}

/**
 * Structural advantages (MODEL.md §5): the Shapley parts of the npv-per-MW
 * difference between an operator and the reference, one bar per group of
 * inputs (green where the operator gains, red where it loses).
 */
export function advantagesOption(a: Advantages, title = `Structural advantages — ${a.operator.id} vs ${a.reference.id}`): ChartOption {
  const parts = a.parts;
  const sub =
    a.difference === null
      ? `no attribution: ${a.reason ?? 'unknown'}`
      : `npv per MW: ${a.operator.id} ${millions(a.operator.npvPerMW, 2, true)} vs ${a.reference.id} ${millions(a.reference.npvPerMW, 2, true)}; difference ${millions(a.difference, 2, true)} = the sum of the bars`;
  return {
    ...frame({ title, subtitle: sub, left: 130, right: 130 }),
    // room beyond the longest bar on either side for its label
    xAxis: { type: 'value', ...xName(`$ of npv per MW (${a.operator.id} minus ${a.reference.id})`), axisLabel: { formatter: axisMoney }, boundaryGap: ['18%', '18%'] },
    yAxis: { type: 'category', inverse: true, data: parts.map((p) => p.label), axisLabel: { fontSize: 12 } },
    series: [
      {
        type: 'bar',
        name: 'npv per MW',
        barWidth: '55%',
        data: parts.map((p) => ({
          value: p.npvPerMW,
          itemStyle: { color: (p.npvPerMW ?? 0) < 0 ? COLORS.negative : COLORS.positive },
          label: { position: (p.npvPerMW ?? 0) < 0 ? ('left' as const) : ('right' as const) },
        })),
        label: {
          show: true,
          fontSize: 11,
          formatter: (p: { dataIndex: number }) => {
            const part = parts[p.dataIndex];
            if (part === undefined) return '';
            return `${millions(part.npvPerMW, 2, true)}${part.shareOfDifference === null ? '' : ` (${pct(part.shareOfDifference, 0)})`}`;
          },
        },
      },
    ],
  };
}

/**
 * The tornado (MODEL.md §5): the metric with each driver at its low (red) and
 * high (blue) value, all else at base, as bars from the base value; the
 * widest swing on top. Each bar is labelled with the driver's value.
 */
export function tornadoOption(t: TornadoReport, opts: { title?: string; metricLabel?: string; formatValue?: (row: TornadoRow, x: number) => string } = {}): ChartOption {
  const rows = t.rows;
  const base = t.baseMetric ?? 0;
  const metricLabel = opts.metricLabel ?? t.metric;
  const fmtValue = opts.formatValue ?? ((_: TornadoRow, x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  // bars start at the base value: a transparent offset from 0 to the bar's start, then the bar (stacked on every sign)
  const start = (m: number | null): number | null => (m === null ? null : Math.min(base, m));
  const length = (m: number | null): number | null => (m === null ? null : Math.abs(m - base));
  const side = (m: number | null): 'left' | 'right' => (m !== null && m < base ? 'left' : 'right');
  const bar = (name: string, stack: string, color: string, get: (r: TornadoRow) => number | null, value: (r: TornadoRow) => number) => [
    { type: 'bar' as const, name: `${name} offset`, stack, stackStrategy: 'all' as const, silent: true, itemStyle: { color: 'transparent' }, data: rows.map((r) => start(get(r))), barWidth: '60%', barGap: '-100%' },
    {
      type: 'bar' as const,
      name,
      stack,
      stackStrategy: 'all' as const,
      color,
      barWidth: '60%',
      barGap: '-100%',
      data: rows.map((r) => ({ value: length(get(r)), label: { show: (length(get(r)) ?? 0) > 0, position: side(get(r)) } })),
      label: { show: true, fontSize: 10, color: '#38404c', formatter: (p: { dataIndex: number }) => {
        const r = rows[p.dataIndex];
        return r === undefined ? '' : fmtValue(r, value(r));
      } },
    },
  ];
  const money = t.metric !== 'irr' && t.metric !== 'equityIrr' && !t.metric.endsWith('Share') && t.metric !== 'grossMargin' && !t.metric.startsWith('payback') && !t.metric.startsWith('discounted') && t.metric !== 'minDscr' && t.metric !== 'maxLtv';
  const axisFmt = money ? axisMoney : (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return {
    ...frame({
      title: opts.title ?? `Tornado — ${metricLabel}, ${t.scenarioId}`,
      subtitle: `${metricLabel} at base ${money ? millions(t.baseMetric, 0, true) : axisFmt(base)}; each driver at low (red) and high (blue), ±${pct(t.swing, 0)} unless a range is given; labels are the driver's value`,
      left: 250,
      right: 70,
      legend: false,
    }),
    xAxis: { type: 'value', ...xName(money ? `${metricLabel} ($)` : metricLabel), axisLabel: { formatter: axisFmt }, scale: true, boundaryGap: ['12%', '12%'] },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel: { fontSize: 11, width: 200, overflow: 'truncate' } },
    series: [
      ...bar('low', 'low', COLORS.low, (r) => r.metricLow, (r) => r.low),
      ...bar('high', 'high', COLORS.high, (r) => r.metricHigh, (r) => r.high),
      {
        type: 'line',
        name: 'base',
        data: [],
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#1f2d3d', type: 'solid', width: 1.5 }, data: [{ xAxis: base }] },
      },
    ],
  };
}

/** What the nowcast waterfall needs: the nowcast's own fields (src/signals/nowcast.ts). */
export interface WaterfallInput {
  scenarioId: string;
  asOf: string;
  npvBase: number | null;
  npvNow: number | null;
  attribution: readonly { label: string; npv: number }[];
}

/**
 * The nowcast as a waterfall (MODEL.md §6): npv of the base case, each
 * signal's Shapley share of the change (green up, red down) stepping from
 * it, and npv now; read top to bottom, the bars add up.
 */
export function nowcastWaterfallOption(n: WaterfallInput, title = `Nowcast — ${n.scenarioId}, evidence up to ${n.asOf}`): ChartOption {
  const base = n.npvBase ?? 0;
  const steps: { label: string; from: number; to: number; kind: 'total' | 'delta' }[] = [{ label: 'npv, base case', from: 0, to: base, kind: 'total' }];
  let run = base;
  for (const a of n.attribution) {
    steps.push({ label: a.label, from: run, to: run + a.npv, kind: 'delta' });
    run += a.npv;
  }
  steps.push({ label: 'npv, now', from: 0, to: n.npvNow ?? run, kind: 'total' });
  const color = (s: (typeof steps)[number]): string => (s.kind === 'total' ? COLORS.cumulative : s.to >= s.from ? COLORS.positive : COLORS.negative);
  const value = (s: (typeof steps)[number]): number => (s.kind === 'total' ? s.to : s.to - s.from);
  return {
    ...frame({
      title,
      subtitle: `npv ${millions(n.npvBase, 0, true)} → ${millions(n.npvNow, 0, true)}: each signal's share of the change (Shapley), the bars adding up`,
      left: 230,
      right: 90,
    }),
    xAxis: { type: 'value', ...xName('npv ($)'), axisLabel: { formatter: axisMoney }, boundaryGap: ['10%', '10%'] },
    yAxis: { type: 'category', inverse: true, data: steps.map((s) => s.label), axisLabel: { fontSize: 11, width: 200, overflow: 'truncate' } },
    series: [
      // a transparent offset to the bar's start, then the bar (stacked on every sign, as the tornado)
      { type: 'bar', name: 'offset', stack: 'w', stackStrategy: 'all', silent: true, itemStyle: { color: 'transparent' }, barWidth: '55%', data: steps.map((s) => Math.min(s.from, s.to)) },
      {
        type: 'bar',
        name: 'npv',
        stack: 'w',
        stackStrategy: 'all',
        barWidth: '55%',
        data: steps.map((s) => ({ value: Math.abs(s.to - s.from), itemStyle: { color: color(s) } })),
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          color: '#38404c',
          formatter: (p: { dataIndex: number }) => {
            const s = steps[p.dataIndex];
            return s === undefined ? '' : millions(value(s), 1, true);
          },
        },
      },
    ],
  };
}
