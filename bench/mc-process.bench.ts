/**
 * The Monte Carlo as a user runs it: whole processes of the compiled CLI.
 *
 * - Against the peer (issue 18): `../shared/bench/perf_ratio.sh` — the
 *   project's `payback mc … --workers 1` and the numpy Monte Carlo of the same
 *   model on the same distributions, 3 interleaved pairs, median ratio of
 *   throughputs (project / numpy). Target ≥ 3 on hyperscaler-base and ≥ 2.5
 *   on neocloud-base at n = 200,000. Skipped, saying so, where the peer or
 *   numpy is not on the machine.
 * - Like with like: perf_ratio.sh hands the project a scenario without an
 *   uncertainty block, which every surface then samples with its default
 *   uncertainty (src/analysis/default-uncertainty.ts) plus the peer's nine
 *   `--dist` flags — 14 inputs on hyperscaler-base against the peer's 9. The
 *   second row puts the peer's nine distributions in the file as its own
 *   uncertainty block, so both sample the same inputs, and times the same
 *   way (3 interleaved pairs, median ratio).
 * - All cores at n = 1,000,000: the wall time of `--workers 1` over that of
 *   all cores (target ≥ 1.8), and the peak resident memory of the all-core
 *   run (target ≤ 400 MiB).
 *
 * The compiled CLI is built first (`node scripts/build.mjs --lib`) so that
 * bin/payback.js runs dist/, as an installed package does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseDistArgument } from '../src/analysis/distributions.ts';
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

/**
 * perf_ratio.sh's run with the peer's distributions as the scenario's own uncertainty block: the same
 * scenario (resolved, unlevered), the same nine inputs on both sides; the median ratio of 3 interleaved pairs.
 */
export function likeWithLike(id: string): { median: number; all: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'payback-peer-'));
  try {
    const run = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bin', 'payback.js'), 'run', id, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 })) as { scenario: Record<string, unknown> };
    const s = run.scenario;
    delete (s['finance'] as Record<string, unknown>)['debt'];
    delete s['uncertainty'];
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify(s));
    const flags = execFileSync('python3', [join(PEER, 'mc_flags.py'), file], { encoding: 'utf8' });
    const uncertainty: Record<string, unknown> = {};
    for (const m of flags.matchAll(/--dist '?([^' ]+)'?/g)) {
      const d = parseDistArgument(m[1] as string);
      if (!d.ok) throw new Error(`mc_flags.py gave ${m[1]}: ${d.issue.message}`);
      uncertainty[d.path] = d.spec;
    }
    writeFileSync(file, JSON.stringify({ ...s, uncertainty }));
    const all: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = mcProcess([file, '-n', String(N_PEER), '--seed', '42', '--workers', '1']).wall;
      const t0 = process.hrtime.bigint();
      execFileSync('python3', [join(PEER, 'perf_numpy.py'), file, String(N_PEER), '42'], { stdio: 'ignore' });
      all.push(Number(process.hrtime.bigint() - t0) / 1e9 / a);
    }
    all.sort((x, y) => x - y);
    return { median: all[1] as number, all };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      detail: `median of 3 interleaved pairs; the three: ${all.map((x) => x.toFixed(2)).join(', ')}; the project samples its default uncertainty here, with the peer's distributions added`,
      target,
    });
    const like = likeWithLike(id);
    rows.push({
      name: `mc whole process vs the numpy peer, like with like (the peer's 9 distributions as the file's uncertainty block): ${id}, n = ${N_PEER.toLocaleString('en-US')}, one thread`,
      perSecond: like.median,
      unit: '× numpy',
      detail: `median of 3 interleaved pairs; the three: ${like.all.map((x) => x.toFixed(2)).join(', ')}`,
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
