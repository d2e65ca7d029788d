/**
 * Driver importance of a Monte Carlo run: each uncertain input's rank
 * correlation with a metric. The HTML report shows importance as a table, so
 * this chart lives with the dashboard, in the report's colours and frame.
 */
import type { Importance } from '../../../src/analysis/monte-carlo.ts';
import { COLORS, FONT_FAMILY, type ChartOption } from '../../../src/report/charts.ts';
import { pct } from '../../../src/report/format.ts';

export function importanceOption(rows: readonly Importance[], labelOf: (path: string) => string, metricLabel: string, scenarioLabel: string): ChartOption {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: `What drives ${metricLabel} — ${scenarioLabel}`,
      subtext: 'Spearman rank correlation of each uncertain input with the metric; label: its share of the rank-explained variance',
      left: 'center',
      textStyle: { fontSize: 16, fontWeight: 'bold', color: '#1f2d3d' },
      subtextStyle: { fontSize: 12, color: '#555b66' },
    },
    grid: { left: 220, right: 80, top: 84, bottom: 56 },
    xAxis: {
      type: 'value',
      min: -1,
      max: 1,
      name: 'rank correlation ρ (−1 … 1)',
      nameLocation: 'middle',
      nameGap: 30,
      nameTextStyle: { fontSize: 12, color: '#38404c' },
      axisLabel: { formatter: (v: number) => v.toFixed(1) },
    },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => labelOf(r.path)), axisLabel: { fontSize: 11, width: 190, overflow: 'break', lineHeight: 13 } },
    series: [
      {
        type: 'bar',
        name: 'ρ',
        barWidth: '55%',
        data: rows.map((r) => ({ value: r.spearman, itemStyle: { color: r.spearman < 0 ? COLORS.negative : COLORS.revenue } })),
        label: {
          show: true,
          fontSize: 11,
          position: 'right',
          formatter: (p: { dataIndex: number }) => {
            const r = rows[p.dataIndex];
            return r === undefined ? '' : `${r.spearman.toFixed(2)} (${pct(r.contribution, 0)})`;
          },
        },
      },
    ],
  };
}
