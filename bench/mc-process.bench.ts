/**
 * The Monte Carlo as a user runs it: whole processes of the compiled CLI.
 *
 * - Against the peer (issue 18): `../shared/bench/perf_ratio.sh` — the
 *   project's `payback mc … --workers 1` and the numpy Monte Carlo of the same
 *   model on the same distributions, 3 interleaved pairs, median ratio of
 *   throughputs (project / numpy). Target ≥ 3 on hyperscaler-base and ≥ 2.5
 *   on neocloud-base at n = 200,000. Skipped, saying so, where the peer or
 *   numpy is not on the machine.
 * - All cores at n = 1,000,000: the wall time of `--workers 1` over that of
 *   all cores (target ≥ 1.8), and the peak resident memory of the all-core
 *   run (target ≤ 400 MiB).
 *
 * The compiled CLI is built first (`node scripts/build.mjs --lib`) so that
 * bin/payback.js runs dist/, as an installed package does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './measure.ts';

const ROOT = join(import.meta.dirname, '..');
const PEER = join(ROOT, '..', 'shared', 'bench');
const N_PEER = 200_000;
const N_ALL = 1_000_000;

/** Reports the process's peak resident memory (KiB) and its CPU time on stderr as it exits. */
const EXIT_HOOK = `data:text/javascript,${encodeURIComponent("process.on('exit', () => { const r = process.resourceUsage(); process.stderr.write('\\nmaxrss-kb=' + r.maxRSS + ' cpu-ms=' + (r.userCPUTime + r.systemCPUTime) / 1000 + '\\n'); });")}`;

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/** One whole `payback mc` process: wall seconds, peak RSS in MiB, CPU seconds. */
function mcProcess(args: string[]): { wall: number; rssMB: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', EXIT_HOOK, join(ROOT, 'bin', 'payback.js'), 'mc', ...args, '--json'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`payback mc ${args.join(' ')} failed: ${r.stderr.toString()}`);
  const err = r.stderr.toString();
  return { wall, rssMB: Number(/maxrss-kb=(\d+)/.exec(err)?.[1]) / 1024, cpu: Number(/cpu-ms=([\d.]+)/.exec(err)?.[1]) / 1000 };
}

export function mcProcessBench(): BenchRow[] {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--lib'], { cwd: ROOT, stdio: 'ignore' });
  const rows: BenchRow[] = [];
  const peer = existsSync(join(PEER, 'perf_ratio.sh')) && hasNumpy();
  for (const [id, target] of [
    ['hyperscaler-base', 3],
    ['neocloud-base', 2.5],
  ] as const) {
    if (!peer) {
      rows.push({ name: `mc whole process vs the numpy peer: ${id}`, millis: 0, unit: 'skipped', detail: `SKIPPED: ${existsSync(PEER) ? 'python3 with numpy is not installed (apt-get install python3-numpy)' : `the peer ${PEER}/perf_ratio.sh is not on this machine`}` });
      continue;
    }
    const out = execFileSync('bash', [join(PEER, 'perf_ratio.sh'), id, String(N_PEER)], { cwd: ROOT, encoding: 'utf8' }).trim();
    const [median, ...all] = out.split(/\s+/).map(Number);
    rows.push({
      name: `mc whole process vs the numpy peer: ${id}, n = ${N_PEER.toLocaleString('en-US')}, one thread (perf_ratio.sh)`,
      perSecond: median as number,
      unit: '× numpy',
      detail: `median of 3 interleaved pairs; the three: ${all.map((x) => x.toFixed(2)).join(', ')}`,
      target,
    });
  }
  // all cores at 1M: the hyperscaler's scenario with its own uncertainty block
  const cores = availableParallelism();
  const one = mcProcess(['hyperscaler-base', '-n', String(N_ALL), '--seed', '42', '--workers', '1']);
  const all = mcProcess(['hyperscaler-base', '-n', String(N_ALL), '--seed', '42', '--workers', String(cores)]);
  rows.push({
    name: `mc whole process, hyperscaler-base, n = ${N_ALL.toLocaleString('en-US')}: all ${cores} cores over one thread`,
    perSecond: one.wall / all.wall,
    unit: '× one thread',
    detail: `wall ${one.wall.toFixed(2)} s on one thread (${one.cpu.toFixed(2)} s CPU, peak RSS ${Math.round(one.rssMB)} MiB), ${all.wall.toFixed(2)} s on ${cores} (${all.cpu.toFixed(2)} s CPU over all threads)`,
    target: 1.8,
  });
  rows.push({
    name: `mc whole process, hyperscaler-base, n = ${N_ALL.toLocaleString('en-US')}, all ${cores} cores: peak resident memory`,
    millis: all.rssMB,
    unit: 'MiB',
    detail: `one thread: ${Math.round(one.rssMB)} MiB`,
    target: 400,
  });
  return rows;
}
