/**
 * Where the time of an Explore update goes, for the browser tests' measurement:
 * renders counted, the time of the last commit, and the engine, option-building
 * and chart-drawing time of the last update.
 */
export interface Timing {
  exploreRenders: number;
  exploreAt: number;
  engineMs: number;
  optionsMs: number;
  chartsMs: number;
  /** the last update of each chart, by its test id */
  byChart: Record<string, number>;
}

declare global {
  interface Window {
    __payback?: Timing;
  }
}

export function timing(): Timing {
  window.__payback ??= { exploreRenders: 0, exploreAt: 0, engineMs: 0, optionsMs: 0, chartsMs: 0, byChart: {} };
  return window.__payback;
}
