/**
 * Start-up stays light: a command loads only what it uses. The real CLI — the
 * bundle (dist/bundle/) that an installed package runs, built first — runs with
 * a hook that records every module it loads, and every chunk of the bundle
 * (dist/bundle/chunks.json says which packages and source files each holds);
 * the HTTP server, the stores, the spreadsheet, chart and Parquet writers must
 * not be among them for commands that do not use them. What is loaded is the
 * cause; timing (bench/) is the effect and too noisy for a test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './build.ts';

const root = join(import.meta.dirname, '..');
const hook = pathToFileURL(join(root, 'test', 'fixtures', 'record-modules.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'payback-startup-'));

/** The packages behind serve, the signal store, the Monte Carlo queue (`mc --queue`, `worker`), `export --xlsx`, `report` and `mc --samples`. */
const HEAVY = ['hono', '@hono/node-server', 'better-sqlite3', 'pg', 'pg-boss', 'exceljs', 'echarts', 'hyparquet-writer'];

/** The packages and source files in each chunk of the bundle. */
let chunks: Record<string, { packages: string[]; sources: string[] }> = {};

/** The packages (and, as `src/…`, the source files) among the modules a CLI run loaded. */
async function packagesLoadedBy(name: string, args: string[]): Promise<Set<string>> {
  const file = join(dir, `${name}.txt`);
  await promisify(execFile)(process.execPath, ['--import', hook, join(root, 'bin', 'payback.js'), ...args], {
    cwd: root,
    env: { ...process.env, PAYBACK_RECORD_MODULES: file, PAYBACK_DB: join(dir, `${name}.db`) },
  });
  const loaded = readFileSync(file, 'utf8').split('\n');
  return new Set(
    loaded.flatMap((u) => {
      const chunk = /[\\/]dist[\\/]bundle[\\/]([^\\/]+)$/.exec(u)?.[1];
      if (chunk !== undefined) return [...(chunks[chunk]?.packages ?? []), ...(chunks[chunk]?.sources ?? [])];
      const source = /[\\/](src[\\/].+\.ts)$/.exec(u)?.[1];
      return source !== undefined ? [source] : (/[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(u)?.[1] ?? []);
    }),
  );
}

const runs: Record<string, string[]> = {
  help: ['--help'],
  validate: ['validate', 'hyperscaler-base'],
  run: ['run', 'hyperscaler-base'],
  compare: ['compare'],
  calendar: ['signals', 'calendar', 'neocloud-base', '--as-of', '2026-01-01'],
  completion: ['completion', 'bash'],
  // the control: a command that opens the store loads both drivers, and the hook sees them
  list: ['signals', 'list'],
};
const loaded: Record<string, Set<string>> = {};

beforeAll(async () => {
  ensureBuilt();
  chunks = JSON.parse(readFileSync(join(root, 'dist', 'bundle', 'chunks.json'), 'utf8')) as typeof chunks;
  await Promise.all(Object.entries(runs).map(async ([name, args]) => (loaded[name] = await packagesLoadedBy(name, args))));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('what a command loads', () => {
  for (const name of ['help', 'validate', 'run', 'compare', 'calendar', 'completion']) {
    it(`\`payback ${runs[name]!.join(' ')}\` loads none of ${HEAVY.join(', ')}`, () => {
      const pkgs = loaded[name]!;
      expect(pkgs.has('commander')).toBe(true);
      expect(HEAVY.filter((p) => pkgs.has(p))).toEqual([]);
    });
  }
  it('`payback --help` does not load the scenario schema (zod) or the YAML reader either', () => {
    expect(loaded['help']!.has('src/model/schema.ts')).toBe(false);
    expect(loaded['help']!.has('yaml')).toBe(false);
  });
  it('`payback validate` loads the scenario parser (the hook records what is loaded)', () => {
    expect(loaded['validate']!.has('src/model/schema.ts')).toBe(true);
    expect(loaded['validate']!.has('zod')).toBe(true);
    expect(loaded['validate']!.has('yaml')).toBe(true);
  });
  it('`payback signals list` opens the store, so its drivers do load', () => {
    expect(['better-sqlite3', 'pg'].filter((p) => loaded['list']!.has(p))).toEqual(['better-sqlite3', 'pg']);
  });
});
