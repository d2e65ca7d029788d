/**
 * A live echarts chart for an option from `src/report/charts.ts` (the same
 * charts as the HTML report). Updated synchronously when the option changes,
 * so a slider move repaints in the same task.
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { type ChartOption, fitToWidth, textWidth } from '../../../src/report/charts.ts';
import { registerChart, unregisterChart } from '../chart-inspect.ts';
import { echarts } from '../echarts.ts';
import { useNarrow } from '../hooks.ts';
import { esc } from '../html.ts';
import { timing } from '../timing.ts';

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (v: unknown): Dict | undefined => (Array.isArray(v) ? (isDict(v[0]) ? v[0] : undefined) : isDict(v) ? v : undefined);

/** The chart's title and subtitle, as its accessible description. */
function ariaText(option: ChartOption): string {
  const t = first(option.title);
  const sub = typeof t?.['subtext'] === 'string' ? `. ${t['subtext']}` : '';
  return `Chart: ${chartTitle(option)}${sub}`;
}

export function chartTitle(option: ChartOption): string {
  const t = first(option.title);
  return typeof t?.['text'] === 'string' ? t['text'] : '';
}

/**
 * The report's static option made live: tooltips (values formatted as the
 * value axis formats them), the aria description, and on a narrow screen
 * smaller titles and margins.
 */
export function liveOption(option: ChartOption, narrow: boolean, width = 800): ChartOption {
  const o: Dict = { ...(option as Dict) };
  const xAxis = first(o['xAxis']);
  const yAxis = first(o['yAxis']);
  const categoryAxis = xAxis?.['type'] === 'category' || yAxis?.['type'] === 'category';
  const series = (Array.isArray(o['series']) ? o['series'] : [o['series']]).filter(isDict);
  // line charts over a value axis read best with the axis trigger too (all lines at that x)
  const axisTrigger = categoryAxis || (series.length > 0 && series.every((x) => x['type'] === 'line'));
  const valueAxis = xAxis?.['type'] === 'category' ? yAxis : yAxis?.['type'] === 'category' ? xAxis : yAxis;
  const fmt = (isDict(valueAxis?.['axisLabel']) ? (valueAxis['axisLabel'] as Dict)['formatter'] : undefined) as
    | ((v: number) => string)
    | undefined;
  if (o['tooltip'] === undefined) {
    const show = (v: unknown): string => {
      const x = Array.isArray(v) ? v[v.length - 1] : isDict(v) ? v['value'] : v;
      const n = Array.isArray(x) ? x[x.length - 1] : x;
      if (typeof n !== 'number') return n === null || n === undefined ? '—' : String(n);
      return typeof fmt === 'function' ? fmt(n) : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
    };
    o['tooltip'] = axisTrigger
      ? {
          trigger: 'axis',
          confine: true,
          axisPointer: { type: categoryAxis ? 'shadow' : 'line' },
          // the invisible base bars of a waterfall are not data
          formatter: (ps: unknown) => {
            const list = (Array.isArray(ps) ? ps : [ps]) as Dict[];
            const head = String(list[0]?.['axisValueLabel'] ?? list[0]?.['name'] ?? '');
            const rows = list
              .filter((p) => p['color'] !== 'transparent' && p['seriesName'] !== 'base')
              .map((p) => `${String(p['marker'] ?? '')}${esc(String(p['seriesName'] ?? ''))}: <b>${esc(show(p['value']))}</b>`);
            return [esc(head), ...rows].join('<br/>');
          },
        }
      : { trigger: 'item', confine: true, ...(typeof fmt === 'function' && { valueFormatter: (v: unknown) => show(v) }) };
  }
  // a fixed description (the title): generating one from the data on every update costs time
  o['aria'] = { enabled: true, decal: { show: false }, label: { description: ariaText(option) } };
  const tidyAxis = (a: unknown): unknown =>
    Array.isArray(a) ? a.map(tidyAxis) : isDict(a) ? { ...a, axisLabel: { hideOverlap: a['type'] !== 'category', ...(a['axisLabel'] as Dict | undefined) } } : a;
  o['xAxis'] = tidyAxis(o['xAxis']);
  o['yAxis'] = tidyAxis(o['yAxis']);
  const horizontalBars = yAxis?.['type'] === 'category';
  if (narrow) {
    const g = first(o['grid']);
    const vm = first(o['visualMap']);
    // category labels of horizontal bars wrap (never cut short) in at most about a third of the width
    const labels = horizontalBars && Array.isArray(yAxis?.['data']) ? (yAxis['data'] as unknown[]).map(String) : [];
    const longest = Math.max(0, ...labels.map((l) => textWidth(l, 10)));
    // wide enough for the longest word (an id breaks nowhere) and for two lines of the longest label
    const word = Math.max(0, ...labels.flatMap((l) => l.split(/\s+/).map((w) => textWidth(w, 10))));
    const labelWidth = Math.min(Math.max(64, word + 6, Math.ceil(longest / 2) + 8), Math.round(width * 0.4));
    if (g !== undefined) {
      const right = Number(g['right'] ?? 40);
      o['grid'] = {
        ...g,
        left: horizontalBars ? labelWidth + 10 : Math.min(Number(g['left'] ?? 60), 64),
        // bars labelled on their right keep room for their labels, smaller on a phone
        right: horizontalBars ? Math.min(Math.max(24, Math.round(right * 0.82)), Math.round(width * 0.36)) : 16,
        ...(vm !== undefined && { bottom: Number(g['bottom'] ?? 60) + 44 }),
      };
    }
    if (vm !== undefined) o['visualMap'] = { ...vm, orient: 'horizontal', left: 'center', right: undefined, top: undefined, bottom: 4, itemHeight: 160, itemWidth: 12 };
    const shrink = (a: unknown, isY: boolean): unknown =>
      Array.isArray(a)
        ? a.map((x) => shrink(x, isY))
        : isDict(a)
          ? {
              ...a,
              nameGap: Math.min(Number(a['nameGap'] ?? 30), a['type'] === 'category' && isY ? 40 : 44),
              axisLabel: {
                ...(a['axisLabel'] as Dict | undefined),
                fontSize: 10,
                ...(a['type'] === 'category' && isY && { width: labelWidth, overflow: 'break', lineHeight: 11 }),
              },
            }
          : a;
    o['xAxis'] = shrink(o['xAxis'], false);
    o['yAxis'] = shrink(o['yAxis'], true);
    // bar labels a size smaller
    o['series'] = (Array.isArray(o['series']) ? o['series'] : [o['series']]).map((x) =>
      isDict(x) && isDict(x['label']) ? { ...x, label: { ...(x['label'] as Dict), fontSize: Math.min(9, Number((x['label'] as Dict)['fontSize'] ?? 11)) } } : x,
    );
  }
  return fitToWidth(o as ChartOption, width, { narrow });
}

let firstChartMarked = false;

/** What must match for an update to be merged into the chart: the kinds and counts of its parts. */
function shapeOf(o: ChartOption): string {
  const d = o as Dict;
  const part = (v: unknown): string =>
    v === undefined ? '-' : (Array.isArray(v) ? v : [v]).map((x) => (isDict(x) ? `${String(x['type'] ?? '')}${x['markLine'] !== undefined ? 'm' : ''}` : '?')).join(',');
  return ['series', 'xAxis', 'yAxis', 'visualMap', 'legend', 'title', 'grid'].map((k) => part(d[k])).join('|');
}

export interface ChartProps {
  option: ChartOption;
  /** CSS height; the width follows the container */
  height?: number;
  testid?: string;
}

export function Chart({ option, height = 380, testid }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const width = useRef(800);
  const shapeRef = useRef('');
  const latest = useRef({ option, narrow: false });
  const narrow = useNarrow();
  latest.current = { option, narrow };
  useLayoutEffect(() => {
    const node = el.current;
    if (node === null) return;
    const c = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = c;
    registerChart(node, c);
    width.current = node.clientWidth || 800;
    const ro = new ResizeObserver(() => {
      const w = node.clientWidth;
      if (w !== width.current && w > 0) {
        width.current = w;
        c.resize();
        c.setOption(liveOption(latest.current.option, latest.current.narrow, w), { notMerge: true });
        shapeRef.current = '';
      }
    });
    ro.observe(node);
    return () => {
      ro.disconnect();
      unregisterChart(node);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useLayoutEffect(() => {
    const t0 = performance.now();
    const live = liveOption(option, narrow, width.current);
    // The same structure (a slider moved): merge, so the series and components
    // are updated in place, not rebuilt; another structure: start afresh.
    const shape = shapeOf(live);
    const same = shape === shapeRef.current;
    shapeRef.current = shape;
    chart.current?.setOption(live, same ? { lazyUpdate: false } : { notMerge: true, lazyUpdate: false });
    const dt = performance.now() - t0;
    const tm = timing();
    tm.chartsMs += dt;
    if (testid !== undefined) tm.byChart[testid] = dt;
    if (!firstChartMarked) {
      firstChartMarked = true;
      // for the load-time measurement of the browser tests
      performance.mark('payback:first-chart');
    }
  }, [option, narrow]);
  const h = narrow ? Math.round(height * 1.05) : height;
  return <div class="chart" ref={el} style={{ height: `${h}px` }} data-testid={testid} data-title={chartTitle(option)} />;
}
