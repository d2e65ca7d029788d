/** A small timing harness: warm up, then run batches until enough time has passed. */
export interface BenchRow {
  name: string;
  perSecond?: number;
  millis?: number;
  unit: string;
  detail?: string;
  /** the target from the issue: a rate to reach (perSecond) or a time not to exceed (millis) */
  target?: number;
}

/** CPU time of this process in ms (user + system): a per-core figure that other processes on the machine disturb less than wall time. */
export function cpuMillis(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Calls per second of CPU time on one core. Warms up first so the JIT has
 * settled, then runs batches until `minMillis` of CPU time have passed.
 */
export function measure(fn: () => unknown, minMillis = 2000): { perSecond: number; meanMicros: number; runs: number } {
  const warm = cpuMillis();
  while (cpuMillis() - warm < 500) for (let i = 0; i < 100; i++) fn();
  let runs = 0;
  let batch = 64;
  const start = cpuMillis();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < batch; i++) fn();
    runs += batch;
    batch = Math.min(batch * 2, 65536);
    elapsed = cpuMillis() - start;
  }
  return { perSecond: (runs / elapsed) * 1000, meanMicros: (elapsed * 1000) / runs, runs };
}

/** Median wall time of a few runs of something slower, in ms. */
export function timeMillis(fn: () => unknown, runs = 7): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)] as number;
}
