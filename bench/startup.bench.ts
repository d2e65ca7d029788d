/**
 * Start-up of the installed CLI: `payback --help` and `payback run
 * hyperscaler-base`, median wall time of a fresh process each, from the
 * packed tarball installed in a blank project (scripts/package-install.ts),
 * as a user runs it. Target: --help under 150 ms.
 *
 * Wall time on a shared machine swings with its load, so each row also
 * gives the process's CPU time and node's own start-up (`node -e 0`).
 * Measured side by side on a busy 2-core machine, before the package was
 * compiled (bin/payback.js ran src/ through tsx) and after (median of 15):
 *   --help               562 → 203 ms wall, 531 → 130 ms CPU (node -e 0: ~110 ms wall, 80 ms CPU)
 *   run hyperscaler-base 958 → 509 ms wall, 920 → 410 ms CPU
 * --help spends about 50 ms of CPU beyond node's own start; some 20 ms of it
 * load the analysis modules whose constants the command definitions show.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { type Installed, packAndInstall } from '../scripts/package-install.ts';
import type { BenchRow } from './measure.ts';

const RUNS = 15;

/** Reports the process's own CPU time (user + system, ms) on stderr as it exits: less disturbed by a busy machine than wall time. */
const CPU_HOOK = `data:text/javascript,${encodeURIComponent("process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-ms=' + (u.user + u.system) / 1000 + '\\n'); });")}`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Median wall time and CPU time of `node …args`, a fresh process each time, in ms. */
function startup(args: string[], cwd: string): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
    if (i === 0) continue; // the first run warms the file cache
    wall.push(ms);
    cpu.push(Number(/cpu-ms=([\d.]+)/.exec(r.stderr.toString())?.[1]));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** The start-up figures of an installed package: `--help`, `run hyperscaler-base`, and node itself. */
export function startupOf(pkg: Installed): Record<'help' | 'run' | 'bare', { wall: number; cpu: number }> {
  return { help: startup([pkg.bin, '--help'], pkg.project), run: startup([pkg.bin, 'run', 'hyperscaler-base'], pkg.project), bare: startup(['-e', '0'], pkg.project) };
}

export function startupBench(): BenchRow[] {
  const pkg = packAndInstall({ ignoreScripts: false });
  try {
    const { help, run, bare } = startupOf(pkg);
    return [
      { name: 'CLI start-up, installed package: payback --help', millis: help.wall, unit: `ms wall (median of ${RUNS} processes)`, detail: `${help.cpu.toFixed(0)} ms CPU; node alone ${bare.wall.toFixed(0)} ms wall, ${bare.cpu.toFixed(0)} ms CPU`, target: 150 },
      { name: 'CLI start-up, installed package: payback run hyperscaler-base', millis: run.wall, unit: `ms wall (median of ${RUNS} processes)`, detail: `${run.cpu.toFixed(0)} ms CPU: load, evaluate, print the tables` },
    ];
  } finally {
    rmSync(pkg.project, { recursive: true, force: true });
  }
}
