/**
 * When the live charts redraw: at most once per animation frame, and first
 * what is on screen.
 *
 * A chart whose option changed asks for a redraw (`request`). At the next
 * animation frame every chart in view that asked is redrawn, in one go, with
 * the last option it was given: a slider that sends several values within a
 * frame costs one redraw per chart, and the frame that follows the input
 * paints them (and so does a chart's first drawing, wherever it is, so a
 * page shows whole). A chart out of view is redrawn once the changes have paused
 * for `QUIET_MS` (at the latest every `STALE_MS` while they go on), in the
 * page's idle time, or at once when it scrolls into view: the charts the eye
 * is on are never kept waiting for those it is not.
 */
import { timing } from './timing.ts';

export interface ChartJob {
  /** whether enough of the chart is on screen to be redrawn in this frame */
  inView: () => boolean;
  /** whether it has been drawn at all (its first drawing is never put off: a page shows whole) */
  drawn: () => boolean;
  /** redraw now with the last option given */
  run: () => void;
  testid?: string | undefined;
}

const QUIET_MS = 250;
const STALE_MS = 1000;
const IDLE_TIMEOUT_MS = 100;

const waiting = new Set<ChartJob>();
let frame = 0;
let quiet: ReturnType<typeof setTimeout> | undefined;
let quietSince = 0;
let idle = 0;

type IdleDeadline = { didTimeout: boolean; timeRemaining: () => number };
const onIdle: (cb: (d: IdleDeadline) => void) => number =
  typeof requestIdleCallback === 'function'
    ? (cb) => requestIdleCallback(cb, { timeout: IDLE_TIMEOUT_MS })
    : (cb) => window.setTimeout(() => cb({ didTimeout: true, timeRemaining: () => 0 }), 16);

function run(job: ChartJob, inFrame = false): void {
  waiting.delete(job);
  const t0 = performance.now();
  job.run();
  const dt = performance.now() - t0;
  const tm = timing();
  if (inFrame) tm.chartsMs += dt;
  if (job.testid !== undefined) tm.byChart[job.testid] = dt;
}

function onFrame(): void {
  frame = 0;
  const tm = timing();
  tm.chartsMs = 0;
  tm.chartsInFrame = 0;
  for (const job of [...waiting])
    if (job.inView() || !job.drawn()) {
      run(job, true);
      tm.chartsInFrame++;
    }
  tm.chartsDeferred = waiting.size;
  tm.chartsAt = performance.now();
  if (waiting.size > 0) whenQuiet();
}

/** The charts out of view, once the changes pause (or have gone on for `STALE_MS`). */
function whenQuiet(): void {
  const now = performance.now();
  if (quiet === undefined) quietSince = now;
  else if (now - quietSince < STALE_MS) clearTimeout(quiet);
  else return;
  quiet = setTimeout(() => {
    quiet = undefined;
    whenIdle();
  }, QUIET_MS);
}

function whenIdle(): void {
  if (idle !== 0) return;
  idle = onIdle((deadline) => {
    idle = 0;
    // at least one chart per idle period, more while the period lasts
    for (const job of [...waiting]) {
      if (!waiting.has(job)) continue;
      run(job);
      if (!deadline.didTimeout && deadline.timeRemaining() < 8) break;
    }
    timing().chartsDeferred = waiting.size;
    if (waiting.size > 0) whenIdle();
  });
}

/** Redraw this chart at the next frame if it is in view, else when the page is idle. */
export function request(job: ChartJob): void {
  waiting.add(job);
  if (frame === 0) frame = requestAnimationFrame(onFrame);
}

/** The chart came into view: redraw it now if it is waiting. */
export function nowIfWaiting(job: ChartJob): void {
  if (waiting.has(job)) run(job);
}

/** The chart is gone. */
export function forget(job: ChartJob): void {
  waiting.delete(job);
}
