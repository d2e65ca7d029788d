/**
 * The API under load: a real `payback serve` (a child process, a temporary
 * SQLite store) and 10 keep-alive connections on loopback, each sending its
 * next request as soon as its answer arrives. Requests per second and the
 * latency percentiles of `POST /api/run` on a built-in (`{ id }`) and on an
 * inline scenario (`{ yaml }`, the built-in's text), and of `POST
 * /api/breakeven` on a built-in. Target (issue 18): /api/run over 2,000
 * requests/s at 10 connections.
 *
 * The client runs in this process and shares the machine's cores with the
 * server, as a loopback client does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startServe } from '../test/serve-process.ts';
import { load, type LoadResult } from './http-load.ts';
import type { BenchRow } from './measure.ts';

const CONNECTIONS = 10;
const SECONDS = 5;
const WARMUP_SECONDS = 1;
const RUN_TARGET = 2_000;

const ms = (x: number): string => x.toFixed(x < 10 ? 2 : 1);

/** CPU time of a process so far (user + system), ms, from /proc (Linux); NaN elsewhere. */
function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The load, and the server's CPU time per answer (µs) while it ran: a figure a busy machine disturbs less than requests/s. */
async function measured(pid: number, run: () => Promise<LoadResult>): Promise<LoadResult & { serverCpuMicros: number }> {
  const c0 = cpuOf(pid);
  const r = await run();
  // the warm-up's answers are not counted: the CPU of the whole load over the answers of the whole load
  const all = r.requests * (1 + WARMUP_SECONDS / SECONDS);
  return { ...r, serverCpuMicros: ((cpuOf(pid) - c0) * 1000) / all };
}

const detail = (r: LoadResult & { serverCpuMicros: number }): string =>
  `server CPU ${r.serverCpuMicros.toFixed(0)} µs per answer; p50 ${ms(r.p50)} ms, p90 ${ms(r.p90)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms; ${r.requests.toLocaleString('en-US')} answers of ${r.bodyBytes.toLocaleString('en-US')} bytes` +
  (Object.keys(r.errors).length > 0 ? `; NOT 2xx: ${JSON.stringify(r.errors)}` : '');

export async function apiBench(): Promise<BenchRow[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'payback-api-bench-'));
  const server = await startServe(['--db', join(tmp, 'bench.db')]);
  try {
    const url = (path: string): string => new URL(path, server.url).href;
    const yaml = readFileSync(join(import.meta.dirname, '..', 'data', 'scenarios', 'hyperscaler-base.yaml'), 'utf8');
    const pid = server.proc.pid as number;
    const post = (path: string, body: unknown | ((n: number) => unknown)) =>
      measured(pid, () =>
        load({
          url: url(path),
          ...(typeof body === 'function' ? { bodyFor: (n: number) => JSON.stringify(body(n)) } : { body: JSON.stringify(body) }),
          connections: CONNECTIONS,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
        }),
      );
    // the server's JIT warmed on every route measured
    await post('api/run', (n: number) => (n % 2 === 0 ? { id: 'neocloud-base' } : { yaml: `${yaml}\n# ${n}\n` }));
    const builtin = await post('api/run', { id: 'hyperscaler-base' });
    const inline = await post('api/run', { yaml });
    // a text no request sent before: read, resolved, evaluated and serialized on each request
    const fresh = await post('api/run', (n: number) => ({ yaml: `${yaml}\n# request ${n}\n` }));
    const object = await post('api/run', { scenario: parse(yaml) as unknown });
    const breakeven = await post('api/breakeven', { id: 'hyperscaler-base' });
    return [
      { name: `API: POST /api/run { id: hyperscaler-base }, ${CONNECTIONS} connections`, perSecond: builtin.perSecond, unit: 'requests/s', detail: `${detail(builtin)}; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`, target: RUN_TARGET },
      { name: `API: POST /api/run { yaml: <hyperscaler-base text> }, ${CONNECTIONS} connections`, perSecond: inline.perSecond, unit: 'requests/s', detail: detail(inline), target: RUN_TARGET },
      { name: `API: POST /api/run { scenario: <hyperscaler-base as an object> }, ${CONNECTIONS} connections`, perSecond: object.perSecond, unit: 'requests/s', detail: detail(object) },
      { name: `API: POST /api/run { yaml: <a new text each request> }, ${CONNECTIONS} connections (nothing remembered)`, perSecond: fresh.perSecond, unit: 'requests/s', detail: detail(fresh) },
      { name: `API: POST /api/breakeven { id: hyperscaler-base }, ${CONNECTIONS} connections: p99`, millis: breakeven.p99, unit: 'ms p99', detail: `${breakeven.perSecond.toFixed(0)} requests/s; ${detail(breakeven)}` },
    ];
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// `tsx bench/api.bench.ts`: this bench alone
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await apiBench()) console.log(`${r.name}\n    ${r.perSecond !== undefined ? `${r.perSecond.toFixed(0)} ${r.unit}` : `${ms(r.millis ?? 0)} ${r.unit}`}  (${r.detail})`);
}
