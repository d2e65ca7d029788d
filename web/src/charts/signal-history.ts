/**
 * One signal's observations over time against what the scenario expects (a
 * step per model year: the model's yearly value is that year's average) and
 * its tripwire. The HTML report has no signal chart, so this one lives with
 * the dashboard, in the report's colours and frame.
 */
import { COLORS, FONT_FAMILY, type ChartOption } from '../../../src/report/charts.ts';
import { esc } from '../html.ts';

export interface SignalHistoryInput {
  title: string;
  subtitle: string;
  unit: string;
  format: (v: number) => string;
  /** the expected value in each model year (calendar year → value) */
  expected: { year: number; value: number | null }[];
  tripwire: { year: number; value: number | null }[];
  /** observations by scope */
  observations: { scope: string; points: { date: string; value: number; direct: boolean }[] }[];
  asOf: string;
}

const PALETTE = ['#2f6fb0', '#d08a1e', '#8a5cc2', '#2e9e6a', '#c8503c', '#1f2d3d', '#5aa7c7', '#a3a9b3'];

const steps = (rows: { year: number; value: number | null }[]): ([string, number] | [string, null])[] => {
  const out: ([string, number] | [string, null])[] = [];
  for (const r of rows) {
    out.push([`${r.year}-01-01`, r.value], [`${r.year}-12-31`, r.value]);
  }
  return out;
};

export function signalHistoryOption(h: SignalHistoryInput): ChartOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: h.title,
      subtext: h.subtitle,
      left: 'center',
      textStyle: { fontSize: 16, fontWeight: 'bold', color: '#1f2d3d' },
      subtextStyle: { fontSize: 12, color: '#555b66' },
    },
    grid: { left: 90, right: 40, top: 84, bottom: 78 },
    legend: { bottom: 6, itemGap: 18, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: unknown) => {
        const q = p as { seriesName?: string; data?: unknown; marker?: string };
        const d = Array.isArray(q.data) ? q.data : [];
        const v = d[1];
        return `${q.marker ?? ''}${esc(q.seriesName ?? '')}<br/>${esc(String(d[0] ?? ''))}: <b>${typeof v === 'number' ? esc(h.format(v)) : '—'}</b>`;
      },
    },
    xAxis: { type: 'time', name: 'date', nameLocation: 'middle', nameGap: 30, nameTextStyle: { fontSize: 12, color: '#38404c' }, axisLabel: { hideOverlap: true } },
    yAxis: {
      type: 'value',
      scale: true,
      name: h.unit,
      nameGap: 64,
      nameLocation: 'middle',
      nameTextStyle: { fontSize: 12, color: '#38404c' },
      axisLabel: { formatter: h.format },
    },
    series: [
      { type: 'line', name: 'Scenario expects', data: steps(h.expected), color: COLORS.grossProfit, showSymbol: false, lineStyle: { width: 2.5 }, connectNulls: false },
      {
        type: 'line',
        name: 'Tripwire',
        data: steps(h.tripwire),
        color: COLORS.negative,
        showSymbol: false,
        lineStyle: { width: 2, type: 'dashed' },
        connectNulls: false,
        markLine: { silent: true, symbol: 'none', label: { formatter: 'as of', fontSize: 11 }, lineStyle: { color: '#38404c', type: 'dotted', width: 1 }, data: [{ xAxis: h.asOf }] },
      },
      ...h.observations.map((o, i) => ({
        type: 'scatter' as const,
        name: o.scope,
        color: PALETTE[i % PALETTE.length] as string,
        symbolSize: 9,
        data: o.points.map((p) => [p.date, p.value]),
      })),
    ],
  };
}
