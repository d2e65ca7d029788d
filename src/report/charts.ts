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
import { millions, pct, signedMillions, TOKEN_SCALE_NOTE, yearsFmt } from './format.ts';
import { isMoneyMetric, metricBetter } from './metrics.ts';
import { SURPLUS_LABEL } from './stack-format.ts';

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
  /** a bar that moves the metric the bad way for it (a lower npv, a longer payback) */
  bad: '#c8503c',
  /** a bar that moves the metric the good way for it */
  good: '#2e9e6a',
} as const;

/** The width of a text in pixels, estimated from its length (system fonts): for margins that must hold labels. */
export function textWidth(text: string, fontSize = 12): number {
  return Math.ceil(text.length * fontSize * 0.58);
}

/** System fonts only: a report makes no request, fonts included. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

// ---------------------------------------------------------------------------
// Number formats for axes and labels

const compactUsd = new Intl.NumberFormat('en-US', { notation: 'compact', style: 'currency', currency: 'USD', minimumFractionDigits: 0, maximumFractionDigits: 2 });
const compactNum = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
const upTo2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const upTo3 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

const minus = (s: string): string => s.replace(/^-/, '−');

/** Axis money: `$2.5M`, `−$110M`, `$1.25B`. */
export function axisMoney(v: number): string {
  return minus(compactUsd.format(v));
}

/** Axis money per unit, with cents where they matter: `$0.25`, `$3`, `$1.2K`. */
export function axisPrice(v: number): string {
  return Math.abs(v) >= 1000 ? axisMoney(v) : minus(`${v < 0 ? '-' : ''}$${upTo3.format(Math.abs(v))}`);
}

/** Axis token counts: `15.8T`, quadrillions as `1.2Q`. */
export function axisTokens(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e15) return minus(`${v < 0 ? '-' : ''}${upTo2.format(a / 1e15)}Q`);
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
// Fitting a chart to its width

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const firstOf = (v: unknown): Dict | undefined => (Array.isArray(v) ? (isDict(v[0]) ? v[0] : undefined) : isDict(v) ? v : undefined);

/**
 * A chart made to fit the width it is drawn at (the report's SVG, a live
 * chart on any screen): a title or subtitle too long for one line wraps (an
 * estimate from its length) and the plot moves down to make room; a legend
 * wraps onto as many rows as it needs (never a paged "1/3" legend) and the
 * plot moves up. `narrow`: a phone's smaller type.
 *
 * @example
 * renderSvg(fitToWidth(tornadoOption(t), 880));
 */
export function fitToWidth(option: ChartOption, width: number, opts: { narrow?: boolean; /** the share of the width text may take: below 1 where text is measured short (the report's server-side SVG) */ textRoom?: number } = {}): ChartOption {
  const narrow = opts.narrow === true;
  const room = opts.textRoom ?? 1;
  const o: Dict = { ...(option as Dict) };
  const t = firstOf(o['title']);
  const extraTop = (() => {
    if (t === undefined) return 0;
    const text = typeof t['text'] === 'string' ? t['text'] : '';
    const sub = typeof t['subtext'] === 'string' ? t['subtext'] : '';
    const tSize = narrow ? 13 : 15;
    const sSize = narrow ? 10.5 : 12;
    const avail = Math.max(120, (width - 24) * room);
    const lines = (s: string, size: number, k: number): number => Math.max(1, Math.ceil((s.length * size * k) / avail));
    const tLines = lines(text, tSize, 0.6);
    const sLines = sub === '' ? 0 : lines(sub, sSize, 0.56);
    const wrap = tLines > 1 || sLines > 1;
    o['title'] = {
      ...t,
      ...(wrap && { left: 10, textAlign: 'left' }),
      textStyle: { ...(t['textStyle'] as Dict | undefined), fontSize: tSize, width: avail, overflow: 'break', lineHeight: Math.round(tSize * 1.3) },
      subtextStyle: { ...(t['subtextStyle'] as Dict | undefined), fontSize: sSize, width: avail, overflow: 'break', lineHeight: Math.round(sSize * 1.35) },
    };
    return (tLines - 1) * Math.round(tSize * 1.3) + Math.max(0, sLines - 1) * Math.round(sSize * 1.35);
  })();
  let extraBottom = 0;
  if (isDict(o['legend'])) {
    const size = narrow ? 10 : 12;
    const gap = narrow ? 12 : 26;
    const series = (Array.isArray(o['series']) ? o['series'] : [o['series']]).filter(isDict);
    const names = series.filter((x) => typeof x['name'] === 'string' && x['color'] !== 'transparent').map((x) => String(x['name']));
    const avail = width * 0.9;
    let rows = 1;
    let line = 0;
    for (const n of names) {
      const w = 25 + textWidth(n, size) + gap;
      if (line > 0 && line + w > avail) {
        rows++;
        line = 0;
      }
      line += w;
    }
    o['legend'] = { ...(o['legend'] as Dict), type: 'plain', itemGap: gap, width: '90%', textStyle: { ...((o['legend'] as Dict)['textStyle'] as Dict | undefined), fontSize: size } };
    extraBottom = (rows - 1) * (size + 12);
  }
  const g = firstOf(o['grid']);
  if (g !== undefined && (extraTop > 0 || extraBottom > 0)) o['grid'] = { ...g, top: Number(g['top'] ?? 60) + extraTop, bottom: Number(g['bottom'] ?? 60) + extraBottom };
  return o as ChartOption;
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
export function compareBarsOption(results: readonly ModelResult[], opts: { compact?: boolean } = {}): ChartOption {
  const cats = results.map((r) => r.scenario.id);
  const revenue = { type: 'bar' as const, name: 'Revenue / MW-year', data: results.map((r) => r.summary.revenuePerMW), color: COLORS.revenue };
  const gp = { type: 'bar' as const, name: 'Gross profit / MW-year', data: results.map((r) => r.summary.grossProfitPerMW), color: COLORS.grossProfit };
  const title = 'Revenue and gross profit per MW-year, by operator';
  const subtitle = 'average over the years with accelerators in service';
  if (opts.compact === true) {
    // a phone: one row per scenario, its name whole (wrapped), the values at the ends of the bars
    const label = { show: true, position: 'right' as const, fontSize: 10, formatter: (p: { value: unknown }) => millions(p.value as number) };
    return {
      ...frame({ title, subtitle, legend: true, left: Math.min(150, Math.max(...cats.map((c) => textWidth(c, 10))) + 16), right: 64 }),
      xAxis: { type: 'value', ...xName('$ per MW-year'), axisLabel: { formatter: axisMoney } },
      yAxis: { type: 'category', inverse: true, data: cats, axisLabel: { fontSize: 10, width: 140, overflow: 'break', lineHeight: 12 } },
      series: [
        { ...revenue, label, barGap: '10%' },
        { ...gp, label },
      ],
    };
  }
  const label = { show: true, position: 'top' as const, fontSize: 11, formatter: (p: { value: unknown }) => millions(p.value as number) };
  return {
    ...frame({ title, subtitle, legend: true }),
    xAxis: { type: 'category', data: cats, ...xName('scenario', 30), axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: { type: 'value', ...yName('$ per MW-year'), axisLabel: { formatter: axisMoney } },
    series: [
      { ...revenue, label, barGap: '10%' },
      { ...gp, label },
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
    { name: 'of which hidden reasoning', value: s.hiddenReasoningTokens, color: COLORS.hidden, note: '' },
    { name: 'Monetizable (cash revenue)', value: s.monetizableTokens, color: COLORS.revenue, note: pct(s.monetizableShare) },
    { name: 'Profitable (margin ≥ min)', value: s.profitableTokens, color: COLORS.grossProfit, note: pct(s.profitableShare) },
    { name: 'Strategic (imputed value)', value: s.strategicTokens, color: COLORS.strategic, note: '' },
  ];
  return {
    ...frame({ title: `Token funnel — ${scenarioLabel(r)}`, subtitle: `lifetime, ${r.scenario.horizon.years} operating years; % = share of total tokens; ${TOKEN_SCALE_NOTE}`, left: 200, right: 120 }),
    xAxis: { type: 'value', ...xName('tokens over the lifetime (T = 10¹², Q = 10¹⁵)'), axisLabel: { formatter: axisTokens } },
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

/** Cash revenue per million tokens served in a year (hidden reasoning and free tokens included): the same denominator as `costPerMTok`. */
export const revenuePerMTokServed = (y: YearRow): number | null => (y.revenue === null || !(y.tokens !== null && y.tokens > 0) ? null : (y.revenue / y.tokens) * 1e6);

/**
 * Cost against cash revenue per million tokens served, each year: one unit on
 * one axis (every token served, hidden reasoning and free use included; the
 * engine's `costPerMTok` and the year's revenue over the same tokens). The
 * realized price per million *billed* tokens is another unit and stays in the
 * tables.
 */
export function unitEconomicsOption(r: ModelResult): ChartOption {
  const ys = operating(r);
  return {
    ...frame({ title: `Cost vs revenue per million tokens served — ${scenarioLabel(r)}`, subtitle: 'both per million tokens served (every token: hidden reasoning and free use included); the gap between them is the gross margin', legend: true }),
    xAxis: { type: 'category', data: ys.map((y) => String(y.year)), ...xName('year'), boundaryGap: false },
    yAxis: { type: 'value', ...yName('$ per M tokens served', 56), axisLabel: { formatter: axisPrice } },
    series: [
      { type: 'line', name: 'Cost / M tokens served', data: ys.map((y) => y.costPerMTok), color: COLORS.cost, symbolSize: 6, lineStyle: { width: 2.5 } },
      { type: 'line', name: 'Cash revenue / M tokens served', data: ys.map(revenuePerMTokServed), color: COLORS.price, symbolSize: 6, lineStyle: { width: 2.5 } },
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
  const surplus = stack.surplusPerMW;
  if (req !== null && surplus !== null) {
    bars.push({ name: 'Required to earn the wacc', base: 0, value: req, color: COLORS.neutral, label: millions(req) });
    // one sign everywhere: cash − required, drawn between the two (green above, red short of it)
    bars.push({ name: SURPLUS_LABEL, base: Math.min(req, stack.cashRevenuePerMW), value: Math.abs(surplus), color: surplus >= 0 ? COLORS.positive : COLORS.negative, label: signedMillions(surplus) });
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
    ...frame({ title, subtitle: sub, left: Math.max(...bars.map((b) => textWidth(b.name, 12))) + 16, right: Math.max(...bars.map((b) => textWidth(b.label, 11))) + 16 }),
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

const ratioText = (f: number | null): string => (f === null ? '—' : `${upTo2.format(f)}×`);

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
export function advantagesOption(a: Advantages, title = `Structural advantages — ${a.operator.id} vs ${a.reference.id}`, opts: { /** a phone: more room beside the bars for their labels, a short axis name */ compact?: boolean } = {}): ChartOption {
  const parts = a.parts;
  const compact = opts.compact === true;
  const sub =
    a.difference === null
      ? `no attribution: ${a.reason ?? 'unknown'}`
      : `npv per MW: ${a.operator.id} ${signedMillions(a.operator.npvPerMW)} vs ${a.reference.id} ${signedMillions(a.reference.npvPerMW)}; difference ${signedMillions(a.difference)} = the sum of the bars${
          a.sharesNote === null ? '' : ' (no shares: the parts pull both ways)'
        }${compact ? `; $ of npv per MW, ${a.operator.id} minus ${a.reference.id}` : ''}`;
  return {
    ...frame({ title, subtitle: sub, left: 130, right: 130 }),
    // room beyond the longest bar on either side for its label
    xAxis: {
      type: 'value',
      ...(compact ? {} : xName(`$ of npv per MW (${a.operator.id} minus ${a.reference.id})`)),
      axisLabel: { formatter: axisMoney },
      boundaryGap: compact ? ['60%', '60%'] : ['18%', '18%'],
    },
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
            return `${signedMillions(part.npvPerMW)}${part.shareOfDifference === null ? '' : ` (${pct(part.shareOfDifference, 0)})`}`;
          },
        },
      },
    ],
  };
}

/**
 * The tornado (MODEL.md §5): the metric with each driver at its low and high
 * value, all else at base, as bars from the base value; the widest swing on
 * top. A bar's colour says what the move does to the metric — green where it
 * makes it better (a higher npv, a shorter payback), red where worse — not
 * which end of the input it is. Each bar is labelled with the driver's value.
 */
export function tornadoOption(
  t: TornadoReport,
  opts: { title?: string; metricLabel?: string; formatValue?: (row: TornadoRow, x: number) => string; /** a phone: no value labels at the bar ends (the tooltip and the table have them) */ compact?: boolean } = {},
): ChartOption {
  const rows = t.rows;
  const base = t.baseMetric ?? 0;
  const metricLabel = opts.metricLabel ?? t.metric;
  const higherIsBetter = metricBetter(t.metric) === 'higher';
  const fmtValue = opts.formatValue ?? ((_: TornadoRow, x: number) => upTo3.format(x));
  // bars start at the base value: a transparent offset from 0 to the bar's start, then the bar (stacked on every sign)
  const start = (m: number | null): number | null => (m === null ? null : Math.min(base, m));
  const length = (m: number | null): number | null => (m === null ? null : Math.abs(m - base));
  const side = (m: number | null): 'left' | 'right' => (m !== null && m < base ? 'left' : 'right');
  // both ends on one side of the base: the nearer end's label goes across the base line, so the two never collide
  const labelSide = (r: TornadoRow, which: 'low' | 'high'): 'left' | 'right' => {
    const m = which === 'low' ? r.metricLow : r.metricHigh;
    const other = which === 'low' ? r.metricHigh : r.metricLow;
    const own = side(m);
    if (m === null || other === null || side(other) !== own || m === base || other === base) return own;
    const nearer = Math.abs(m - base) < Math.abs(other - base) || (Math.abs(m - base) === Math.abs(other - base) && which === 'low');
    return nearer ? (own === 'left' ? 'right' : 'left') : own;
  };
  const colour = (m: number | null): string => (m === null || m === base ? COLORS.neutral : (m > base) === higherIsBetter ? COLORS.good : COLORS.bad);
  const bar = (name: 'low' | 'high', stack: string, get: (r: TornadoRow) => number | null, value: (r: TornadoRow) => number) => [
    { type: 'bar' as const, name: `${name} offset`, stack, stackStrategy: 'all' as const, silent: true, itemStyle: { color: 'transparent' }, data: rows.map((r) => start(get(r))), barWidth: '60%', barGap: '-100%' },
    {
      type: 'bar' as const,
      name,
      stack,
      stackStrategy: 'all' as const,
      barWidth: '60%',
      barGap: '-100%',
      data: rows.map((r) => ({ value: length(get(r)), itemStyle: { color: colour(get(r)) }, label: { show: opts.compact !== true && (length(get(r)) ?? 0) > 0, position: labelSide(r, name) } })),
      label: {
        show: opts.compact !== true,
        fontSize: 10,
        color: '#38404c',
        formatter: (p: { dataIndex: number }) => {
          const r = rows[p.dataIndex];
          return r === undefined ? '' : fmtValue(r, value(r));
        },
      },
    },
  ];
  const money = isMoneyMetric(t.metric);
  const axisFmt = money ? axisMoney : (v: number) => upTo3.format(v);
  // labels wrap at labelWidth; the margin keeps room beyond it (text measured short still fits)
  const labelWidth = Math.min(210, Math.max(...rows.map((r) => textWidth(r.label, 11)), 60));
  return {
    ...frame({
      title: opts.title ?? `Tornado — ${metricLabel}, ${t.scenarioId}`,
      subtitle: `${metricLabel} at base ${money ? millions(t.baseMetric, 0, true) : axisFmt(base)}; each driver at its low and high value (±${pct(t.swing, 0)} unless a range is given); green: ${metricLabel} better than base, red: worse${opts.compact === true ? '' : "; labels are the driver's value"}`,
      left: Math.round(labelWidth * 1.15) + 14,
      right: opts.compact === true ? 16 : 70,
      legend: false,
    }),
    xAxis: { type: 'value', ...xName(money ? `${metricLabel} ($)` : metricLabel), axisLabel: { formatter: axisFmt }, scale: true, boundaryGap: ['12%', '12%'] },
    // whole labels, wrapped onto a second line where they are long: two drivers never read the same
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel: { fontSize: 11, width: labelWidth, overflow: 'break', lineHeight: 13 } },
    series: [
      ...bar('low', 'low', (r) => r.metricLow, (r) => r.low),
      ...bar('high', 'high', (r) => r.metricHigh, (r) => r.high),
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
    yAxis: { type: 'category', inverse: true, data: steps.map((s) => s.label), axisLabel: { fontSize: 11, width: 200, overflow: 'break', lineHeight: 13 } },
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
            return s === undefined ? '' : millions(value(s), 0, true);
          },
        },
      },
    ],
  };
}
