/**
 * A small keep-alive HTTP/1.1 load client for the API benchmarks: `connections`
 * sockets, each sending the same request again as soon as the last answer has
 * arrived, for `seconds`. Requests are serialized once and answers parsed by
 * their Content-Length (or chunked), so the client spends little of the CPU it
 * shares with the server. Reports requests per second and latency percentiles.
 */
import { connect, type Socket } from 'node:net';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  /** a new body for each request (the n-th request overall): for answers nothing can have remembered */
  bodyFor?: (n: number) => string;
  contentType?: string;
  connections: number;
  seconds: number;
  /** seconds of warm-up before the measured window (answers not counted) */
  warmupSeconds?: number;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** answers that were not 2xx, by status */
  errors: Record<number, number>;
  /** the size of the last answer's body, bytes */
  bodyBytes: number;
}

const CRLF = Buffer.from('\r\n\r\n');

/** Parses answers from a socket's bytes: returns each complete answer's status and body size. */
class AnswerParser {
  private buf: Buffer = Buffer.alloc(0);
  feed(chunk: Buffer, done: (status: number, bodyBytes: number) => void): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.buf.indexOf(CRLF);
      if (end < 0) return;
      const head = this.buf.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (len !== null) {
        const total = end + 4 + Number(len[1]);
        if (this.buf.length < total) return;
        this.buf = this.buf.subarray(total);
        done(status, Number(len[1]));
        continue;
      }
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        let at = end + 4;
        let size = 0;
        for (;;) {
          const nl = this.buf.indexOf('\r\n', at);
          if (nl < 0) return;
          const n = parseInt(this.buf.toString('latin1', at, nl), 16);
          if (this.buf.length < nl + 2 + n + 2) return;
          at = nl + 2 + n + 2;
          size += n;
          if (n === 0) break;
        }
        this.buf = this.buf.subarray(at);
        done(status, size);
        continue;
      }
      throw new Error(`an answer without a length: ${head.split('\r\n')[0]}`);
    }
  }
}

const quantile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** Run the load and report what it measured (latencies in ms). */
export async function load(opts: LoadOptions): Promise<LoadResult> {
  const u = new URL(opts.url);
  const requestWith = (text: string | undefined): Buffer => {
    const body = text === undefined ? undefined : Buffer.from(text);
    const head =
      `${opts.method ?? (body === undefined ? 'GET' : 'POST')} ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: keep-alive\r\n` +
      (body === undefined ? '' : `Content-Type: ${opts.contentType ?? 'application/json'}\r\nContent-Length: ${body.length}\r\n`) +
      '\r\n';
    return body === undefined ? Buffer.from(head) : Buffer.concat([Buffer.from(head), body]);
  };
  const fixed = opts.bodyFor === undefined ? requestWith(opts.body) : undefined;
  let sent = 0;
  const latencies: number[] = [];
  const errors: Record<number, number> = {};
  let bodyBytes = 0;
  let measuring = false;
  let stopped = false;
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from(
      { length: opts.connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const s = connect({ host: u.hostname, port: Number(u.port), noDelay: true }, () => {
            sockets.push(s);
            resolve();
          });
          s.once('error', reject);
        }),
    ),
  );
  const drive = (s: Socket): void => {
    const parser = new AnswerParser();
    let t0 = 0;
    const send = (): void => {
      if (stopped) return;
      const request = fixed ?? requestWith(opts.bodyFor?.(sent));
      sent++;
      t0 = performance.now();
      s.write(request);
    };
    s.on('data', (chunk: Buffer) =>
      parser.feed(chunk, (status, size) => {
        if (measuring) {
          latencies.push(performance.now() - t0);
          if (status < 200 || status > 299) errors[status] = (errors[status] ?? 0) + 1;
        }
        bodyBytes = size;
        send();
      }),
    );
    send();
  };
  for (const s of sockets) drive(s);
  await new Promise((r) => setTimeout(r, (opts.warmupSeconds ?? 1) * 1000));
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - start) / 1000;
  stopped = true;
  for (const s of sockets) s.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    errors,
    bodyBytes,
  };
}
