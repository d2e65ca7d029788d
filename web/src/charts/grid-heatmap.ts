/**
 * The grid heatmap with its breakeven contour. The HTML report has no grid
 * chart, so this one lives with the dashboard; it keeps the report's colours,
 * fonts and frame.
 */
import type { GridReport } from '../../../src/analysis/grid.ts';
import { esc } from '../html.ts';
import { COLORS, FONT_FAMILY, type ChartOption } from '../../../src/report/charts.ts';

/**
 * Segments of the level-0 line of `field` (marching squares on the grid of
 * cell centres, crossing points interpolated linearly), in cell-index units.
 */
export function contourSegments(field: readonly (readonly (number | null)[])[]): [number, number][][] {
  const segs: [number, number][][] = [];
  const ny = field.length;
  const nx = field[0]?.length ?? 0;
  const at = (iy: number, ix: number): number | null => field[iy]?.[ix] ?? null;
  const cross = (a: number, b: number): number => (a === b ? 0.5 : a / (a - b));
  for (let iy = 0; iy < ny - 1; iy++) {
    for (let ix = 0; ix < nx - 1; ix++) {
      const v00 = at(iy, ix);
      const v10 = at(iy, ix + 1);
      const v01 = at(iy + 1, ix);
      const v11 = at(iy + 1, ix + 1);
      if (v00 === null || v10 === null || v01 === null || v11 === null) continue;
      const pts: [number, number][] = [];
      // edges: bottom (iy), right (ix+1), top (iy+1), left (ix)
      if (v00 >= 0 !== v10 >= 0) pts.push([ix + cross(v00, v10), iy]);
      if (v10 >= 0 !== v11 >= 0) pts.push([ix + 1, iy + cross(v10, v11)]);
      if (v01 >= 0 !== v11 >= 0) pts.push([ix + cross(v01, v11), iy + 1]);
      if (v00 >= 0 !== v01 >= 0) pts.push([ix, iy + cross(v00, v01)]);
      if (pts.length === 2) segs.push(pts);
      else if (pts.length === 4) {
        segs.push([pts[0] as [number, number], pts[1] as [number, number]]);
        segs.push([pts[2] as [number, number], pts[3] as [number, number]]);
      }
    }
  }
  return segs;
}

export interface GridHeatmapInput {
  report: GridReport;
  /** a phone: the axis names in the subtitle */
  compact?: boolean;
  title: string;
  metricLabel: string;
  /** the metric's format on the colour scale and in tooltips */
  formatMetric: (x: number) => string;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  /** the signed distance to the target per cell (met ≥ 0), for the contour; null: no contour */
  margin: (number | null)[][] | null;
}

/** A heatmap of the metric over two drivers, the target's breakeven drawn as a line. */
export function gridHeatmapOption(g: GridHeatmapInput): ChartOption {
  const r = g.report;
  // a phone: the axes' names go into the subtitle (a turned name longer than the chart is tall would overlap the title)
  const compact = g.compact === true;
  const xAxisName = `${r.x.label} (${r.x.unit})`;
  const yAxisName = `${r.y.label} (${r.y.unit})`;
  const data: [number, number, number | null][] = [];
  let lo = Infinity;
  let hi = -Infinity;
  r.values.forEach((row, iy) =>
    row.forEach((v, ix) => {
      data.push([ix, iy, v]);
      if (v !== null) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }),
  );
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const contour: ([number, number] | '-')[] = [];
  if (g.margin !== null) for (const s of contourSegments(g.margin)) contour.push(s[0] as [number, number], s[1] as [number, number], '-');
  // diverging around 0 when the metric crosses it (npv), sequential otherwise
  const diverging = lo < 0 && hi > 0;
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: g.title,
      subtext: `${r.target === null ? `${g.metricLabel} at each pair, all else at base` : `${g.metricLabel} at each pair, all else at base; line: where ${r.target.describe} just holds`}${compact ? `; across: ${xAxisName}; down: ${yAxisName}` : ''}`,
      left: 'center',
      textStyle: { fontSize: 16, fontWeight: 'bold', color: '#1f2d3d' },
      subtextStyle: { fontSize: 12, color: '#555b66' },
    },
    grid: { left: 90, right: 110, top: 84, bottom: 64 },
    xAxis: [{
      type: 'category',
      data: r.x.values.map(g.formatX),
      name: compact ? '' : xAxisName,
      nameLocation: 'middle',
      nameGap: 34,
      nameTextStyle: { fontSize: 12, color: '#38404c' },
      splitArea: { show: false },
      axisLabel: { hideOverlap: true },
    },
    // the contour is drawn on value axes laid over the cells: cell i is centred at i
    { type: 'value', min: -0.5, max: r.x.values.length - 0.5, show: false }],
    yAxis: [{
      type: 'category',
      data: r.y.values.map(g.formatY),
      name: compact ? '' : yAxisName,
      nameLocation: 'middle',
      nameGap: 64,
      nameTextStyle: { fontSize: 12, color: '#38404c' },
      axisLabel: { hideOverlap: true },
    },
    { type: 'value', min: -0.5, max: r.y.values.length - 0.5, show: false }],
    visualMap: {
      type: 'continuous',
      min: diverging ? -m : lo,
      max: diverging ? m : hi === lo ? lo + 1 : hi,
      calculable: false,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 200,
      text: [g.formatMetric(diverging ? m : hi), g.formatMetric(diverging ? -m : lo)],
      formatter: (v: unknown) => g.formatMetric(Number(v)),
      inRange: { color: diverging ? [COLORS.negative, '#f7f7f7', COLORS.revenue] : ['#eef4fb', COLORS.revenue] },
      seriesIndex: 0,
    },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p: unknown) => {
        const d = (p as { data?: unknown; seriesType?: string }).data;
        if (!Array.isArray(d) || (p as { seriesType?: string }).seriesType !== 'heatmap') return '';
        const [ix, iy, v] = d as [number, number, number | null];
        return `${esc(r.x.label)}: <b>${esc(g.formatX(r.x.values[ix] ?? 0))}</b><br/>${esc(r.y.label)}: <b>${esc(g.formatY(r.y.values[iy] ?? 0))}</b><br/>${esc(g.metricLabel)}: <b>${v === null ? 'none' : esc(g.formatMetric(v))}</b>`;
      },
    },
    series: [
      { type: 'heatmap', name: g.metricLabel, data, emphasis: { itemStyle: { borderColor: '#1f2d3d', borderWidth: 1 } }, progressive: 0 },
      {
        type: 'line',
        name: 'breakeven',
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: contour,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { color: '#1f2d3d', width: 2.5 },
        z: 10,
      },
    ],
  };
}
