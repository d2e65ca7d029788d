/**
 * A live echarts chart for an option from `src/report/charts.ts` (the same
 * charts as the HTML report), redrawn at most once a frame when the option
 * changes (`chart-frame.ts`).
 */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { type ChartOption, fitToWidth, textWidth } from '../../../src/report/charts.ts';
import { registerChart, unregisterChart } from '../chart-inspect.ts';
import { echarts } from '../echarts.ts';
import { useNarrow } from '../hooks.ts';
import { esc } from '../html.ts';
import { type ChartJob, forget, nowIfWaiting, request } from '../chart-frame.ts';

type Dict = Record<string, unknown>;
const upTo3 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
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
 * value axis formats them), and on a narrow screen smaller titles and margins.
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
      return typeof fmt === 'function' ? fmt(n) : upTo3.format(n);
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

/**
 * What must match for an update to be merged into the chart: every key of
 * every object and the length of every list, down to the values' kinds
 * (lists of data apart: echarts replaces them whole). A merge then leaves
 * nothing of the last option behind (a key the new option lacks would be
 * kept by echarts), so it draws what drawing the option afresh would.
 */
function shapeOf(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(shapeOf).join(',')}]`;
  if (isDict(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => (k === 'data' && Array.isArray(v[k]) ? 'data:D' : `${k}:${shapeOf(v[k])}`)).join(',')}}`;
  }
  return v === undefined ? 'u' : v === null ? 'z' : (typeof v)[0] as string;
}

/**
 * Whether two parts of an option draw the same: equal values, and the very
 * same functions (a formatter made anew may read other numbers than the last
 * one, though its text is the same).
 */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!same((a as Dict)[k], (b as Dict)[k])) return false;
  return true;
}

/** The parts of `next` that differ from `shown` (the same shape): what a merge must send; empty when nothing changed. */
function changedParts(shown: ChartOption, next: ChartOption): Dict {
  const out: Dict = {};
  for (const [k, v] of Object.entries(next as Dict)) if (!same((shown as Dict)[k], v)) out[k] = v;
  return out;
}

/** The share of a chart that must be on screen for it to be redrawn in the frame of a change (more than its title band). */
const IN_VIEW_SHARE = 0.25;

export interface ChartProps {
  option: ChartOption;
  /** CSS height; the width follows the container */
  height?: number;
  testid?: string;
}

/**
 * A live chart. A new option is drawn at the next animation frame when the
 * chart is in view, else when the page is idle or the chart scrolls into view
 * (`chart-frame.ts`); only the parts of the option that changed are sent to
 * echarts, and nothing when none did.
 */
export function Chart({ option, height = 380, testid }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const width = useRef(800);
  /** the live option the chart shows (undefined: none yet, or redraw it whole) */
  const shown = useRef<ChartOption | undefined>(undefined);
  const shownShape = useRef('');
  const latest = useRef({ option, narrow: false });
  const narrow = useNarrow();
  latest.current = { option, narrow };
  const visible = useRef(true);
  const job = useRef<ChartJob | null>(null);
  if (job.current === null) {
    job.current = {
      testid,
      inView: () => visible.current,
      drawn: () => shown.current !== undefined,
      run: () => {
        const c = chart.current;
        if (c === null) return;
        const live = liveOption(latest.current.option, latest.current.narrow, width.current);
        const shape = shapeOf(live);
        const prev = shown.current;
        if (prev === undefined || shape !== shownShape.current) c.setOption(live, { notMerge: true });
        else {
          // the same structure (a slider moved): only what changed is merged in, so the rest is not rebuilt
          const parts = changedParts(prev, live);
          if (Object.keys(parts).length > 0) c.setOption(parts);
        }
        shown.current = live;
        shownShape.current = shape;
        if (!firstChartMarked) {
          firstChartMarked = true;
          // for the load-time measurement of the browser tests and the bench
          performance.mark('payback:first-chart');
        }
      },
    };
  }
  useLayoutEffect(() => {
    const node = el.current;
    const j = job.current as ChartJob;
    if (node === null) return;
    const c = echarts.init(node, undefined, { renderer: 'canvas' });
    chart.current = c;
    registerChart(node, c);
    width.current = node.clientWidth || 800;
    const box = node.getBoundingClientRect();
    const seen = Math.min(box.bottom, innerHeight) - Math.max(box.top, 0);
    visible.current = box.height === 0 || seen / box.height >= IN_VIEW_SHARE;
    const io = new IntersectionObserver(
      (entries) => {
        const e = entries[entries.length - 1];
        if (e === undefined) return;
        visible.current = e.intersectionRatio >= IN_VIEW_SHARE || (e.isIntersecting && e.boundingClientRect.height === 0);
        if (visible.current) nowIfWaiting(j);
      },
      { threshold: [0, IN_VIEW_SHARE, 0.5, 1] },
    );
    io.observe(node);
    const ro = new ResizeObserver(() => {
      const w = node.clientWidth;
      if (w !== width.current && w > 0) {
        width.current = w;
        c.resize();
        // the layout depends on the width: drawn whole, at once
        shown.current = undefined;
        forget(j);
        j.run();
      }
    });
    ro.observe(node);
    return () => {
      io.disconnect();
      ro.disconnect();
      forget(j);
      unregisterChart(node);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useLayoutEffect(() => {
    request(job.current as ChartJob);
  }, [option, narrow]);
  const h = narrow ? Math.round(height * 1.05) : height;
  // its accessible description is its title (set here, not by echarts' aria component, which would redo it on every update)
  return <div class="chart" ref={el} style={{ height: `${h}px` }} role="img" aria-label={ariaText(option)} data-testid={testid} data-title={chartTitle(option)} />;
}
