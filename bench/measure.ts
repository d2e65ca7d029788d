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

export function measure(fn: () => unknown, minMillis = 2000): { perSecond: number; meanMicros: number; runs: number } {
  // warm up until the JIT has settled: half a second of calls
  const warm = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - warm) < 5e8) for (let i = 0; i < 100; i++) fn();
  let runs = 0;
  let batch = 64;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < batch; i++) fn();
    runs += batch;
    batch = Math.min(batch * 2, 65536);
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
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
