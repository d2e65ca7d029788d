/**
 * Render a chart option (from `charts.ts`) to a standalone SVG string with
 * echarts' server-side renderer: no DOM, no canvas, no animation, no script.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { type ChartOption, fitToWidth } from './charts.ts';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TitleComponent, SVGRenderer]);

/** The size a chart is drawn at, in CSS pixels (the SVG scales down with its container). */
export interface SvgSize {
  width: number;
  height: number;
}

export const DEFAULT_SVG_SIZE: SvgSize = { width: 880, height: 400 };

/**
 * One chart as an SVG string. The `<svg>` element carries `role="img"` and an
 * `aria-label` (the chart's title) so readers, tests and screen readers can find it.
 *
 * @example
 * const svg = renderSvg(perMWOption(evaluate(scenario)));
 */
export function renderSvg(option: ChartOption, size: Partial<SvgSize> = {}): string {
  const { width, height } = { ...DEFAULT_SVG_SIZE, ...size };
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // server-side text is measured narrower than a browser draws it: wrap with room to spare
    chart.setOption({ ...fitToWidth(option, width, { textRoom: 0.84 }), animation: false });
    const svg = chart.renderToSVGString();
    const label = titleOf(option);
    return svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeAttr(label)}" `);
  } finally {
    chart.dispose();
  }
}

function titleOf(option: ChartOption): string {
  const t = Array.isArray(option.title) ? option.title[0] : option.title;
  return typeof t?.text === 'string' ? t.text : '';
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
