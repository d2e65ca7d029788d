/**
 * What the browser tests read of the live charts (`window.__paybackCharts()`):
 * for each chart on the page, its size, how many marks it drew, and every
 * piece of text it drew with its box in the chart's pixels — so a test can
 * say that no label is cut short, overlaps another or falls outside the
 * chart, and that no chart is empty. The charts draw on a canvas, where the
 * DOM has no boxes to compare; zrender keeps them.
 */
import type { echarts } from './echarts.ts';

type Chart = ReturnType<typeof echarts.init>;

/** The charts on the page, by their element. */
const live = new Map<HTMLElement, Chart>();

export function registerChart(el: HTMLElement, chart: Chart): void {
  live.set(el, chart);
}

export function unregisterChart(el: HTMLElement): void {
  live.delete(el);
}

export interface TextBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartReport {
  testid: string | null;
  title: string;
  width: number;
  height: number;
  /** drawn shapes that carry data (bars, lines, points, cells), not text */
  marks: number;
  texts: TextBox[];
}

interface Element {
  type?: string;
  ignore?: boolean;
  invisible?: boolean;
  style?: { text?: string; opacity?: number };
  getBoundingRect?: () => { x: number; y: number; width: number; height: number; clone: () => { applyTransform: (m: unknown) => void; x: number; y: number; width: number; height: number } };
  getComputedTransform?: () => unknown;
  parent?: Element | null;
  silent?: boolean;
}

/** Every chart on the page, with its text boxes. */
export function inspectCharts(): ChartReport[] {
  const out: ChartReport[] = [];
  for (const [el, chart] of live) {
    if (!el.isConnected) continue;
    const zr = chart.getZr() as unknown as { storage: { getDisplayList: (update?: boolean) => Element[] } };
    const list = zr.storage.getDisplayList(true);
    const texts: TextBox[] = [];
    let marks = 0;
    for (const d of list) {
      if (d.ignore === true || d.invisible === true || (d.style?.opacity ?? 1) === 0) continue;
      if (d.type === 'tspan') {
        const t = d.style?.text ?? '';
        if (t.trim() === '' || d.getBoundingRect === undefined) continue;
        const r = d.getBoundingRect().clone();
        const m = d.getComputedTransform?.();
        if (m !== undefined && m !== null) r.applyTransform(m);
        texts.push({ text: t, x: r.x, y: r.y, width: r.width, height: r.height });
      } else if (d.type !== 'text' && d.silent !== true) marks++;
    }
    out.push({ testid: el.getAttribute('data-testid'), title: el.getAttribute('data-title') ?? '', width: el.clientWidth, height: el.clientHeight, marks, texts });
  }
  return out;
}

declare global {
  interface Window {
    __paybackCharts?: () => ChartReport[];
  }
}

if (typeof window !== 'undefined') window.__paybackCharts = inspectCharts;
