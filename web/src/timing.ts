/**
 * Where the time of an Explore update goes, for the browser tests' and the
 * bench's measurement: renders counted, the time of the last commit, the
 * engine and option-building time of the last update, and the chart redraws
 * of the last frame (`chart-frame.ts`).
 */
export interface Timing {
  exploreRenders: number;
  exploreAt: number;
  engineMs: number;
  optionsMs: number;
  /** the time of the last frame's chart redraws (the charts in view) */
  chartsMs: number;
  /** how many charts that frame redrew */
  chartsInFrame: number;
  /** when that frame's redraws ended */
  chartsAt: number;
  /** charts out of view still waiting for an idle moment */
  chartsDeferred: number;
  /** the last update of each chart, by its test id */
  byChart: Record<string, number>;
}

declare global {
  interface Window {
    __payback?: Timing;
  }
}

export function timing(): Timing {
  window.__payback ??= { exploreRenders: 0, exploreAt: 0, engineMs: 0, optionsMs: 0, chartsMs: 0, chartsInFrame: 0, chartsAt: 0, chartsDeferred: 0, byChart: {} };
  return window.__payback;
}
