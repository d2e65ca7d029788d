/**
 * A real `payback serve` in a child process, for the tests that must see the
 * process itself survive (a store that goes away, a memory bomb): its URL, its
 * output, whether it is still alive, its peak RSS, and a way to stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

export interface ServeProcess {
  url: string;
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  /** still running */
  alive: () => boolean;
  /** the exit code or signal once it ended */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** the peak resident memory of the process so far, bytes (Linux: VmHWM) */
  peakRss: () => number;
  /** SIGTERM, then wait for the exit */
  stop: () => Promise<void>;
}

/** Start `payback serve --port 0 …args` and resolve once it listens. */
export function startServe(args: string[], env: Record<string, string | undefined> = {}, startMs = 60_000): Promise<ServeProcess> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const k of ['PAYBACK_TOKEN', 'PAYBACK_DB', 'DATABASE_URL']) if (!(k in env)) delete childEnv[k];
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'payback.js'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let running = true;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payback serve did not start within ${startMs} ms:\n${out}\n${err}`)), startMs);
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`payback serve ended before listening (code ${code}, signal ${signal}):\n${out}\n${err}`));
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+\/)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        url: m[1] as string,
        proc,
        out: () => out,
        err: () => err,
        alive: () => running,
        exit,
        peakRss: () => {
          try {
            const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1];
            return kb === undefined ? Number.NaN : Number(kb) * 1024;
          } catch {
            return Number.NaN;
          }
        },
        stop: async () => {
          if (running) proc.kill('SIGTERM');
          const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
          await exit;
          clearTimeout(t);
        },
      });
    });
  });
}

/** GET or POST JSON with the time it took. */
export async function timedFetch(url: string, init?: RequestInit): Promise<{ status: number; ms: number; body: any; headers: Headers }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - t0;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, ms, body, headers: res.headers };
}
