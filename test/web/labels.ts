/**
 * Label checks of the browser tests: in every chart on a page, no text cut
 * short (an ellipsis where the chart truncated it), no two texts drawn over
 * each other, no text outside the chart (clipped), and no empty chart. The
 * report's charts are SVG (the DOM has the boxes); the dashboard draws on a
 * canvas, whose text boxes it exposes as `window.__paybackCharts()`
 * (web/src/chart-inspect.ts).
 */
import type { Page } from 'playwright-core';

export interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels two boxes may share before they count as overlapping (glyph boxes of neighbouring lines touch). */
export const OVERLAP_TOLERANCE = 2;

/** What is wrong with the texts of one chart of the given size, in words (empty: nothing). */
export function labelProblems(chart: string, width: number, height: number, texts: readonly Box[], marks: number): string[] {
  const out: string[] = [];
  if (marks === 0) out.push(`${chart}: an empty chart (nothing drawn)`);
  for (const t of texts) {
    if (/(…|\.\.\.)$/.test(t.text.trim())) out.push(`${chart}: "${t.text}" is cut short`);
    if (/^\d+\/\d+$/.test(t.text.trim())) out.push(`${chart}: a paged legend ("${t.text}")`);
    if (t.x < -1 || t.y < -1 || t.x + t.width > width + 1 || t.y + t.height > height + 1) {
      out.push(`${chart}: "${t.text}" falls outside the chart (${Math.round(t.x)},${Math.round(t.y)} ${Math.round(t.width)}×${Math.round(t.height)} in ${width}×${height})`);
    }
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i] as Box;
      const b = texts[j] as Box;
      const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (ox > OVERLAP_TOLERANCE && oy > OVERLAP_TOLERANCE) out.push(`${chart}: "${a.text}" and "${b.text}" overlap (${Math.round(ox)}×${Math.round(oy)} px)`);
    }
  }
  return out;
}

/** The problems of every SVG chart (`svg[role=img]`) on the page, in the SVG's own pixels. */
export async function svgLabelProblems(page: Page): Promise<string[]> {
  const charts = await page.$$eval('svg[role="img"]', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const vb = (svg as SVGSVGElement).viewBox.baseVal;
      const k = vb.width > 0 ? vb.width / box.width : 1;
      const texts = [...svg.querySelectorAll('text')]
        .filter((t) => (t.textContent ?? '').trim() !== '' && t.getAttribute('fill-opacity') !== '0' && t.getAttribute('opacity') !== '0')
        .map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent ?? '', x: (r.left - box.left) * k, y: (r.top - box.top) * k, width: r.width * k, height: r.height * k };
        });
      const marks = svg.querySelectorAll('path, rect, circle, polyline').length;
      return { label: svg.getAttribute('aria-label') ?? '', width: vb.width || box.width, height: vb.height || box.height, texts, marks };
    }),
  );
  return charts.flatMap((c) => labelProblems(c.label, c.width, c.height, c.texts, c.marks));
}

/** The problems of every live chart of the dashboard page. */
export async function canvasLabelProblems(page: Page): Promise<string[]> {
  const charts = await page.evaluate(() => (window as unknown as { __paybackCharts?: () => { testid: string | null; title: string; width: number; height: number; marks: number; texts: Box[] }[] }).__paybackCharts?.() ?? []);
  return charts.flatMap((c) => labelProblems(`${c.testid ?? c.title} (${c.title})`, c.width, c.height, c.texts, c.marks));
}
