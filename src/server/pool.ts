/**
 * A small pool of worker threads for the heavy jobs (`jobs.ts`), so that one
 * request's computation never holds up the others: the main thread only
 * waits. Workers start on demand, stay warm while used, and are stopped after
 * a while idle. A job over its time budget, or whose client went away, is
 * stopped by terminating its worker (a replacement starts when needed).
 *
 * A worker is `job-worker.js` in the compiled package, `job-worker.ts`
 * booted through tsx from source (`io/worker-start.ts`); it says when it is ready.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { moduleBeside, startWorker } from '../io/worker-start.ts';
import type { Issue } from '../model/issues.ts';
import type { JobKind, Jobs } from './jobs.ts';

export interface JobRequest {
  id: number;
  kind: string;
  input: unknown;
}

export type JobReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; name: string; message: string; issues?: Issue[] };

/** A job that did not finish: over its time or memory, its client gone, its worker dead, or the pool closed. */
export class JobStopped extends Error {
  constructor(
    readonly reason: 'timeout' | 'memory' | 'aborted' | 'crashed' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'JobStopped';
  }
}

/** The job itself failed: `name` is the error's class (`AnalysisInputError`, `RangeError`…). */
export class JobFailed extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly issues: Issue[] | undefined,
  ) {
    super(message);
    this.name = 'JobFailed';
  }
}

/** Every worker is busy and the queue is full. */
export class PoolBusy extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoolBusy';
  }
}

export interface PoolOptions {
  /** workers at most (default 2) */
  size?: number;
  /** jobs waiting at most (default 4 per worker) */
  queueMax?: number;
  /** a worker idle this long is stopped, ms (default 60 s) */
  idleMs?: number;
  /** how long a new worker may take to load, ms (default 60 s) */
  startMs?: number;
  /** the JS heap of each worker, MB: a job past it ends its worker (default: Node's) */
  heapMb?: number | undefined;
  /**
   * The process's resident memory past which the running job estimated the
   * largest is stopped, bytes (default: no watch). Typed arrays live outside
   * the JS heap that `heapMb` caps; this catches a job that outgrew its estimate.
   */
  rssBytes?: number | undefined;
  /** how the resident memory is read (default `process.memoryUsage.rss`) */
  rss?: (() => number) | undefined;
}

interface Job {
  id: number;
  kind: JobKind;
  input: unknown;
  timeoutMs: number;
  /** the memory it is estimated to hold, bytes (the watch stops the largest first) */
  bytes: number;
  signal: AbortSignal | undefined;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onAbort: () => void;
  timer?: NodeJS.Timeout | undefined;
  slot?: Slot | undefined;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer?: NodeJS.Timeout | undefined;
}

const WORKER = moduleBeside('job-worker', import.meta.url);

/** A worker's heap cap: past `heapMb` of old generation the worker ends (ERR_WORKER_OUT_OF_MEMORY), not the process. */
function heapLimits(heapMb: number | undefined): WorkerOptions {
  return heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, heapMb / 16)) } };
}

/** How often the resident memory is read while jobs run, ms. */
const WATCH_MS = 100;

export class WorkerPool {
  private readonly size: number;
  private readonly queueMax: number;
  private readonly idleMs: number;
  private readonly startMs: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly heapMb: number | undefined;
  private readonly rssBytes: number | undefined;
  private readonly rss: () => number;
  private watch: NodeJS.Timeout | undefined;
  /** no second stop until the memory of the first is given back */
  private watchQuietUntil = 0;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 2);
    this.queueMax = opts.queueMax ?? 4 * this.size;
    this.idleMs = opts.idleMs ?? 60_000;
    this.startMs = opts.startMs ?? 60_000;
    this.heapMb = opts.heapMb;
    this.rssBytes = opts.rssBytes;
    this.rss = opts.rss ?? (() => process.memoryUsage.rss());
  }

  /** Workers alive, jobs running, jobs waiting. */
  get stats(): { workers: number; running: number; queued: number } {
    let running = 0;
    for (const s of this.slots) if (s.job !== null) running++;
    return { workers: this.slots.size, running, queued: this.queue.length };
  }

  /** Start workers now (up to `count`, default all), so that the first jobs do not wait for them to load. */
  warm(count = this.size): void {
    while (!this.closed && this.slots.size < Math.min(count, this.size)) this.spawn();
  }

  /**
   * Run a job in a worker. `timeoutMs` counts from when the job starts (a
   * job waiting for a worker is not charged). Rejects with `PoolBusy` when the
   * queue is full, `JobStopped` when stopped, `JobFailed` when the job threw.
   */
  run<K extends JobKind>(
    kind: K,
    input: Jobs[K]['in'],
    opts: { timeoutMs: number; signal?: AbortSignal | undefined; bytes?: number | undefined },
  ): Promise<Jobs[K]['out']> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new JobStopped('closed', 'the server is shutting down'));
      if (opts.signal?.aborted === true) return reject(new JobStopped('aborted', 'the client went away'));
      const free = [...this.slots].some((s) => s.job === null) || this.slots.size < this.size;
      if (!free && this.queue.length >= this.queueMax) {
        return reject(new PoolBusy(`all ${this.size} workers are busy and ${this.queue.length} jobs are waiting`));
      }
      const job: Job = {
        id: this.nextId++,
        kind,
        input,
        timeoutMs: opts.timeoutMs,
        bytes: opts.bytes ?? 0,
        signal: opts.signal,
        resolve: resolve as (v: unknown) => void,
        reject,
        onAbort: () => this.stop(job, new JobStopped('aborted', 'the client went away')),
      };
      opts.signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Stop every worker; running and waiting jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    this.watch = undefined;
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(new JobStopped('closed', 'the server is shutting down')));
    const all = [...this.slots];
    for (const s of all) if (s.job !== null) this.stop(s.job, new JobStopped('closed', 'the server is shutting down'));
    await Promise.all(all.map((s) => this.kill(s)));
  }

  private spawn(): Slot {
    const worker = startWorker(WORKER, heapLimits(this.heapMb));
    // Only a running job keeps the process alive (dispatch refs the worker).
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null };
    this.slots.add(slot);
    // A worker that does not load in time is as good as dead.
    slot.timer = setTimeout(() => this.crash(slot, `the worker did not start within ${this.startMs} ms`), this.startMs);
    slot.timer.unref();
    worker.on('message', (m: JobReply | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        clearTimeout(slot.timer);
        if (slot.job !== null) this.startTimer(slot.job);
        else this.idle(slot);
        return;
      }
      const job = slot.job;
      if (job === null || job.id !== m.id) return;
      this.settle(job, () => (m.ok ? job.resolve(m.value) : job.reject(new JobFailed(m.name, m.message, m.issues))));
      slot.job = null;
      this.idle(slot);
      this.dispatch();
    });
    worker.on('error', (e) => {
      // past its heap: the job asked for more memory than a worker has
      if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') this.crash(slot, `it ran out of the memory of its worker (${this.heapMb ?? 'Node\'s default'} MB of heap)`, 'memory');
      else this.crash(slot, `the worker failed: ${e.message}`);
    });
    worker.on('exit', (code) => this.crash(slot, `the worker exited with code ${code}`));
    return slot;
  }

  /** Give waiting jobs to free workers, starting workers up to the pool size. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.size >= this.size || this.closed) return;
        slot = this.spawn();
      }
      const job = this.queue.shift() as Job;
      slot.job = job;
      job.slot = slot;
      slot.worker.ref();
      const request: JobRequest = { id: job.id, kind: job.kind, input: job.input };
      slot.worker.postMessage(request);
      this.watchMemory();
      // A worker still loading keeps its start timer; the job's budget starts when it is ready.
      if (slot.ready) {
        clearTimeout(slot.timer);
        this.startTimer(job);
      }
    }
  }

  private startTimer(job: Job): void {
    job.timer = setTimeout(() => this.stop(job, new JobStopped('timeout', `over its time budget of ${job.timeoutMs} ms`)), job.timeoutMs);
  }

  /** Stop a job: out of the queue, or its worker terminated. */
  private stop(job: Job, why: JobStopped): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = job.slot;
    this.settle(job, () => job.reject(why));
    if (slot !== undefined && slot.job === job) {
      slot.job = null;
      void this.kill(slot);
      this.dispatch();
    }
  }

  private settle(job: Job, fn: () => void): void {
    clearTimeout(job.timer);
    job.signal?.removeEventListener('abort', job.onAbort);
    const done = job.resolve === noop;
    if (done) return;
    fn();
    job.resolve = noop;
    job.reject = noop;
  }

  private idle(slot: Slot): void {
    slot.worker.unref();
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      if (slot.job === null) void this.kill(slot);
    }, this.idleMs);
    slot.timer.unref();
  }

  private crash(slot: Slot, message: string, reason: 'crashed' | 'memory' = 'crashed'): void {
    if (!this.slots.has(slot)) return;
    const job = slot.job;
    slot.job = null;
    void this.kill(slot);
    if (job !== null) this.settle(job, () => job.reject(new JobStopped(reason, message)));
    this.dispatch();
  }

  /** While jobs run, read the resident memory; past `rssBytes`, stop the running job estimated the largest. */
  private watchMemory(): void {
    if (this.rssBytes === undefined || this.watch !== undefined) return;
    this.watch = setInterval(() => {
      const running = [...this.slots].filter((s) => s.job !== null);
      if (running.length === 0) {
        clearInterval(this.watch);
        this.watch = undefined;
        return;
      }
      if (Date.now() < this.watchQuietUntil) return;
      const rss = this.rss();
      if (rss <= (this.rssBytes as number)) return;
      const largest = running.reduce((a, b) => ((b.job as Job).bytes > (a.job as Job).bytes || ((b.job as Job).bytes === (a.job as Job).bytes && (b.job as Job).id > (a.job as Job).id) ? b : a));
      const mb = (x: number): string => `${Math.round(x / 2 ** 20).toLocaleString('en-US')} MB`;
      this.watchQuietUntil = Date.now() + 1_000;
      this.stop(largest.job as Job, new JobStopped('memory', `the server's memory reached ${mb(rss)}, over its limit of ${mb(this.rssBytes as number)}, and this job was the largest running`));
    }, WATCH_MS);
    this.watch.unref();
  }

  private async kill(slot: Slot): Promise<void> {
    if (!this.slots.delete(slot)) return;
    clearTimeout(slot.timer);
    slot.worker.removeAllListeners('exit');
    await slot.worker.terminate();
  }
}

const noop = (): void => {};
