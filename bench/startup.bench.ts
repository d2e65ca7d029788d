/**
 * Start-up of the installed CLI, from the packed tarball installed in a blank
 * project (scripts/package-install.ts), as a user runs it: `payback --help`,
 * `--version`, `validate FILE`, `mc FILE -n 1` (the start-up part of what
 * ../shared/bench/perf_ratio.sh times: the same unlevered scenario as a JSON
 * file and the same nine distributions, one sample) and `run
 * hyperscaler-base`; median wall and CPU time of a fresh process each, the
 * commands taking turns. The first round is not counted: it warms the file
 * cache and writes the code cache (src/cli/bundle-loader.ts), which every
 * later run reads, as a user's second command does. Targets: --help under
 * 150 ms; validate and the start of mc under 100 ms (on a quiet machine:
 * ≤ 50 ms above `node -e 0`).
 *
 * Wall time on a shared machine swings with its load, so each row also
 * gives the process's CPU time and node's own start-up (`node -e 0`).
 * Measured side by side on a busy 2-core machine (median of 15):
 *   before the package was compiled (tsx) → compiled (tsc, dist/):
 *     --help               562 → 203 ms wall, 531 → 130 ms CPU (node -e 0: ~110 ms wall, 80 ms CPU)
 *     run hyperscaler-base 958 → 509 ms wall, 920 → 410 ms CPU
 *   compiled → bundled with a code cache, the catalog and built-ins parsed at
 *   build time, JSON read by JSON.parse, zod jitless, no Intl for whole
 *   numbers (a checkout's bin/payback.js, median of 21, CPU ms; node -e 0 at 66):
 *     --version 128 → 80, validate h.json 339 → 112, mc h.json -n 1 369 → 137,
 *     run hyperscaler-base 403 → 186
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Installed, packAndInstall } from '../scripts/package-install.ts';
import type { BenchRow } from './measure.ts';

const RUNS = 15;

/** Reports the process's own CPU time (user + system, ms) on stderr as it exits: less disturbed by a busy machine than wall time. */
const CPU_HOOK = `data:text/javascript,${encodeURIComponent("process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-ms=' + (u.user + u.system) / 1000 + '\\n'); });")}`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * Median wall time and CPU time of each `node …args`, a fresh process each time, in ms. The
 * commands take turns, round after round, so a change in the machine's load falls on all alike.
 */
function startup<K extends string>(commands: Record<K, string[]>, cwd: string): Record<K, { wall: number; cpu: number }> {
  const keys = Object.keys(commands) as K[];
  const wall = new Map<K, number[]>(keys.map((k) => [k, []]));
  const cpu = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let i = 0; i <= RUNS; i++) {
    for (const k of keys) {
      const args = commands[k];
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, ['--import', CPU_HOOK, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PAYBACK_CODE_CACHE: join(cwd, 'code-cache') } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
      if (i === 0) continue; // the first round warms the file cache and writes the code cache
      wall.get(k)?.push(ms);
      cpu.get(k)?.push(Number(/cpu-ms=([\d.]+)/.exec(r.stderr.toString())?.[1]));
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { wall: median(wall.get(k) ?? []), cpu: median(cpu.get(k) ?? []) }])) as Record<K, { wall: number; cpu: number }>;
}

/** The scenario and distributions of perf_ratio.sh (its mc_flags.py): hyperscaler-base unlevered, no uncertainty block, as a JSON file; the nine `--dist` arguments. */
function perfRatioRun(pkg: Installed): { file: string; dists: string[] } {
  const r = spawnSync(process.execPath, [pkg.bin, 'run', 'hyperscaler-base', '--json'], { cwd: pkg.project, encoding: 'utf8', maxBuffer: 64 << 20 });
  const s = (JSON.parse(r.stdout) as { scenario: Record<string, any> }).scenario;
  delete s['finance'].debt;
  delete s['uncertainty'];
  const file = join(pkg.project, 'h.json');
  writeFileSync(file, JSON.stringify(s));
  const z = 1.6448536269514722;
  const lognormal = `lognormal:p5=${Math.exp(-z * 0.2)},p95=${Math.exp(z * 0.2)}`;
  const dists = ['demand.utilization*=uniform:0.8,1.1'];
  for (const seg of s['demand'].segments as { id: string; pricing: Record<string, unknown> }[]) {
    for (const k of ['perMTok', 'imputedPerMTok', 'perAcceleratorHour']) if (k in seg.pricing) dists.push(`demand.segments[${seg.id}].pricing.${k}*=${lognormal}`);
    if ('subscription' in seg.pricing) dists.push(`demand.segments[${seg.id}].pricing.subscription.arpuPerMonth*=${lognormal}`);
  }
  if (s['fleet'].mode === 'own') dists.push('fleet.capexPerAccelerator*=triangular:0.85,1,1.25');
  if (s['site'].power?.pricePerMWh !== undefined) dists.push('site.power.pricePerMWh*=uniform:0.8,1.3');
  dists.push(`serving.softwareGainPerYear=normal:${s['serving']?.softwareGainPerYear ?? 0},0.05`, `finance.wacc=normal:${s['finance'].wacc},0.01`);
  return { file, dists: dists.flatMap((d) => ['--dist', d]) };
}

type Timing = { wall: number; cpu: number };

/** The start-up figures of an installed package: its commands, and node itself. */
export function startupOf(pkg: Installed): Record<'help' | 'version' | 'validate' | 'mc' | 'run' | 'bare', Timing> {
  const { file, dists } = perfRatioRun(pkg);
  return startup(
    {
      help: [pkg.bin, '--help'],
      version: [pkg.bin, '--version'],
      validate: [pkg.bin, 'validate', file],
      mc: [pkg.bin, 'mc', file, '-n', '1', '--seed', '42', '--workers', '1', '--json', ...dists],
      run: [pkg.bin, 'run', 'hyperscaler-base'],
      bare: ['-e', '0'],
    },
    pkg.project,
  );
}

export function startupBench(): BenchRow[] {
  const pkg = packAndInstall({ ignoreScripts: false });
  try {
    const t = startupOf(pkg);
    const unit = `ms wall (median of ${RUNS} processes)`;
    const cpu = (x: Timing, what: string): string => `${x.cpu.toFixed(0)} ms CPU, ${(x.wall - t.bare.wall).toFixed(0)} ms wall above node -e 0${what}`;
    const node = `; node alone ${t.bare.wall.toFixed(0)} ms wall, ${t.bare.cpu.toFixed(0)} ms CPU`;
    return [
      { name: 'CLI start-up, installed package: payback --help', millis: t.help.wall, unit, detail: cpu(t.help, node), target: 150 },
      { name: 'CLI start-up, installed package: payback --version', millis: t.version.wall, unit, detail: cpu(t.version, '') },
      { name: 'CLI start-up, installed package: payback validate h.json (hyperscaler-base as JSON)', millis: t.validate.wall, unit, detail: cpu(t.validate, ': read, check, print the verdict'), target: 100 },
      { name: 'CLI start-up, installed package: payback mc h.json -n 1 with the nine --dist of perf_ratio.sh', millis: t.mc.wall, unit, detail: cpu(t.mc, ': all of mc but its samples'), target: 100 },
      { name: 'CLI start-up, installed package: payback run hyperscaler-base', millis: t.run.wall, unit, detail: cpu(t.run, ': load, evaluate, print the tables') },
    ];
  } finally {
    rmSync(pkg.project, { recursive: true, force: true });
  }
}
