/**
 * The package as a user installs it: `npm pack` (its prepack builds dist/ and
 * the dashboard), the tarball installed into a blank project offline
 * (scripts/package-install.ts), then used there the way a user would — plain
 * Node imports the library, plain `tsc` type-checks against it, `npx payback`
 * runs compiled JavaScript, and `payback serve` serves the dashboard.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installed, packAndInstall } from '../scripts/package-install.ts';
import { ensureBuilt } from './build.ts';

let pkg: Installed;
/** PostgreSQL for the queue's check (scripts/ensure-postgres.sh; exit 3: this machine cannot have one) */
const pgStart = spawnSync('bash', [join(import.meta.dirname, '..', 'scripts', 'ensure-postgres.sh'), 'start'], { encoding: 'utf8', timeout: 600_000 });
const pgUrl = pgStart.status === 0 ? (pgStart.stdout.trim().split('\n').pop() ?? '') : '';
const run = promisify(execFile);

beforeAll(() => {
  // `npm pack` would run prepack (the build) again, rebuilding dist/ and web/dist under the other
  // suites running meanwhile; `npm test` has just built both, so pack what is built
  ensureBuilt({ web: true });
  pkg = packAndInstall({ extra: ['@types/node'], ignoreScripts: true });
}, 600_000);
afterAll(() => rmSync(pkg.project, { recursive: true, force: true }), 120_000);

/** Node in the blank project. */
const node = (args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> =>
  run(process.execPath, args, { cwd: pkg.project, env: { ...process.env, ...env }, maxBuffer: 16 << 20 });

describe('the tarball', () => {
  it('ships the compiled library, its types, the data, the schema and the built dashboard; no tests, sources or scripts', () => {
    const f = new Set(pkg.files);
    for (const must of ['package.json', 'README.md', 'LICENSE', 'bin/payback.js', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/server/index.js', 'dist/cli/main.js', 'dist/bundle/loader.cjs', 'dist/bundle/payback.cjs', 'dist/bundle/mc-worker.js', 'dist/shipped-data.json', 'dist/io/mc-worker.js', 'dist/queue/chunk-thread.js', 'dist/server/job-worker.js', 'schema/scenario.schema.json', 'schema/portfolio.schema.json', 'data/catalog/accelerators.yaml', 'data/portfolios/industry-revenue-gap.yaml', 'data/scenarios/neocloud-base.yaml', 'web/dist/index.html']) {
      expect(f.has(must), must).toBe(true);
    }
    for (const dir of ['test/', 'src/', 'bench/', 'scripts/', 'docs/', 'node_modules/', '.ci/', 'web/src/']) {
      expect(pkg.files.filter((x) => x.startsWith(dir)), dir).toEqual([]);
    }
    expect(pkg.files.filter((x) => x.endsWith('.ts') && !x.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(pkg.project, 'node_modules', 'inference-payback', 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('package.json: ESM with types/import/require conditions, the subpaths, prepack builds, and no tsx at run time', () => {
    const manifest = JSON.parse(readFileSync(join(pkg.project, 'node_modules', 'inference-payback', 'package.json'), 'utf8')) as {
      type: string;
      exports: Record<string, Record<string, string> | string>;
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
      files: string[];
    };
    expect(manifest.scripts['prepack']).toBe('node scripts/build.mjs');
    expect(manifest.files).toEqual(['bin', 'dist', '!dist/.built', 'data', 'schema', 'web/dist', 'README.md', 'LICENSE']);
    expect(manifest.type).toBe('module');
    expect(Object.keys(manifest.exports)).toEqual(['.', './node', './server', './schema/scenario.schema.json', './schema/portfolio.schema.json', './package.json']);
    expect(Object.keys(manifest.exports['.'] as object)).toEqual(['types', 'import', 'require', 'default']);
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(execFileSync('ls', [join(pkg.project, 'node_modules')], { encoding: 'utf8' }).split('\n')).not.toContain('tsx');
  });
});

describe('in a blank project', () => {
  it('plain Node ESM imports evaluate and npv from the package root, and the Node entry reads a built-in', async () => {
    const code = `
      import { evaluate, evaluatePortfolio, npv, VERSION } from 'inference-payback';
      import { readScenarioFile, readPortfolioFile } from 'inference-payback/node';
      const r = readScenarioFile('neocloud-base');
      if (!r.ok) throw new Error('no built-in');
      const result = evaluate(r.scenario);
      const p = readPortfolioFile('industry-revenue-gap');
      if (!p.ok) throw new Error('no built-in portfolio');
      const portfolio = evaluatePortfolio(p.portfolio);
      console.log(JSON.stringify({ npv: npv(0.1, [-100, 60, 60]), scenarioNpv: result.summary.npv, gapYears: portfolio.revenueGap.length, VERSION }));
    `;
    const { stdout } = await node(['--input-type=module', '-e', code]);
    const out = JSON.parse(stdout) as { npv: number; scenarioNpv: number; gapYears: number; VERSION: string };
    expect(out.gapYears).toBeGreaterThan(0);
    expect(out.npv).toBeCloseTo(4.1322314, 6);
    expect(out.scenarioNpv).toBeLessThan(0); // neocloud-base: about −$110M in v1
    expect(out.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('require() works too (Node’s require of ES modules, Node ≥ 20.19), as do the schema and package.json subpaths', async () => {
    const code = `
      const { npv } = require('inference-payback');
      const schema = require('inference-payback/schema/scenario.schema.json');
      const { version } = require('inference-payback/package.json');
      console.log(JSON.stringify({ npv: npv(0.1, [-100, 60, 60]), title: schema.title, version }));
    `;
    const { stdout } = await node(['-e', code]);
    expect(JSON.parse(stdout)).toMatchObject({ title: 'inference-payback scenario' });
  });

  it('a TypeScript file type-checks with plain tsc (module node16, strict, no skipLibCheck)', async () => {
    writeFileSync(
      join(pkg.project, 'browser.ts'),
      `import { evaluate, npv, irr, type Scenario, type ModelResult, type Issue } from 'inference-payback';
export function pv(flows: number[]): number | null { return npv(0.1, flows); }
export const run = (s: Scenario): ModelResult => evaluate(s);
export const rate: number | null = irr([-100, 60, 60]);
export const issues: Issue[] = [];
`,
    );
    writeFileSync(
      join(pkg.project, 'server.ts'),
      `import { createApp, listen } from 'inference-payback/server';
import { readScenarioFile, loadCatalog } from 'inference-payback/node';
export const r = readScenarioFile('hyperscaler-base');
export const catalog = loadCatalog();
export type App = ReturnType<typeof createApp>;
export const start = listen;
`,
    );
    const tsc = join(import.meta.dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
    const common = { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, resolveJsonModule: true };
    // the root entry is browser-safe: it needs no Node types
    writeFileSync(join(pkg.project, 'tsconfig.browser.json'), JSON.stringify({ compilerOptions: { ...common, lib: ['es2023', 'dom'], types: [] }, files: ['browser.ts'] }));
    writeFileSync(join(pkg.project, 'tsconfig.server.json'), JSON.stringify({ compilerOptions: { ...common, lib: ['es2023'], types: ['node'] }, files: ['server.ts'] }));
    for (const config of ['tsconfig.browser.json', 'tsconfig.server.json']) {
      const r = await node([tsc, '-p', config]).catch((e: { stdout: string; stderr: string }) => e);
      expect(`${r.stdout}${r.stderr}`, config).toBe('');
    }
  }, 120_000);

  it('npx payback run hyperscaler-base runs the bundled CLI (no TypeScript loaded)', async () => {
    const { stdout } = await run('npx', ['--offline', 'payback', 'run', 'hyperscaler-base'], { cwd: pkg.project, env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(stdout).toContain('Hyperscaler — base case');
    expect(stdout).toContain('$14.26M');
    // every module it loads, ES (resolved) or CommonJS (required), and the chunks of the bundle its loader ran
    const record = join(pkg.project, 'loaded.txt');
    await node(['--import', join(import.meta.dirname, 'fixtures', 'record-modules.mjs'), pkg.bin, 'run', 'hyperscaler-base', '--json'], { PAYBACK_RECORD_MODULES: record, PAYBACK_CODE_CACHE: join(pkg.project, 'code-cache') });
    const loaded = readFileSync(record, 'utf8').split('\n');
    expect(loaded.some((l) => l.endsWith('/inference-payback/dist/bundle/loader.cjs'))).toBe(true);
    expect(loaded.some((l) => l.endsWith('/inference-payback/dist/bundle/payback.cjs'))).toBe(true);
    expect(loaded.filter((l) => /\.ts$/.test(l) || l.includes('/tsx/'))).toEqual([]);
  }, 120_000);

  it('Monte Carlo on worker threads runs the compiled worker', async () => {
    const { stdout, stderr } = await node([pkg.bin, 'mc', 'hyperscaler-base', '-n', '20000', '--workers', '2', '--dist', 'finance.wacc=uniform:0.06,0.1', '--json']);
    expect(stderr).toContain('2 workers');
    expect((JSON.parse(stdout) as { n: number }).n).toBe(20000);
  }, 120_000);

  it.skipIf(pgStart.status === 3)(`Monte Carlo through a PostgreSQL queue: a compiled payback worker (threads) and mc --queue, the same bytes as --workers 1${pgStart.status === 3 ? ' (no PostgreSQL server on this machine: skipped)' : ''}`, async () => {
    expect(pgStart.status, pgStart.stderr).toBe(0);
    const env = { PAYBACK_QUEUE_SCHEMA: `payback_queue_pkg_${process.pid}` };
    const worker = spawn(process.execPath, [pkg.bin, 'worker', '--queue', pgUrl, '--workers', '2'], { cwd: pkg.project, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    worker.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const args = ['mc', 'neocloud-base', '-n', '30000', '--seed', '5', '--json'];
      const [queued, local] = await Promise.all([node([pkg.bin, ...args, '--queue', pgUrl], env), node([pkg.bin, ...args, '--workers', '1'])]);
      expect(queued.stdout).toBe(local.stdout);
      expect(queued.stderr).toMatch(/queue: 8 chunks/);
      expect(err).toMatch(/run [0-9a-f]{8}: neocloud-base, 30,000 samples/);
      const api = await node(['--input-type=module', '-e', "import * as m from 'inference-payback/node'; console.log(typeof m.startQueueWorker, typeof m.runMonteCarloOnQueue)"]);
      expect(api.stdout.trim()).toBe('function function');
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.on('close', resolve));
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${env.PAYBACK_QUEUE_SCHEMA}" CASCADE`).finally(() => c.end());
    }
  }, 180_000);

  it('payback serve serves the dashboard and the API', async () => {
    const child = spawn(process.execPath, [pkg.bin, 'serve', '--port', '0', '--json', '--db', join(pkg.project, 'store.db')], { cwd: pkg.project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const info = await new Promise<{ url: string; dashboard: boolean }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line !== undefined) resolve(JSON.parse(line) as { url: string; dashboard: boolean });
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
        setTimeout(() => reject(new Error('serve did not start in 60 s')), 60_000).unref();
      });
      expect(info.dashboard).toBe(true);
      const page = await fetch(info.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<script type="module"[^>]*src="\.\/assets\//);
      expect(html).not.toContain('not built');
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect((await fetch(new URL(asset as string, info.url))).status).toBe(200);
      const health = (await (await fetch(new URL('api/health', info.url))).json()) as { ok?: boolean };
      expect(health).toBeTruthy();
      const runRes = await fetch(new URL('api/run', info.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'neocloud-base' }) });
      expect(runRes.status).toBe(200);
      // a heavy job runs in the server's worker pool: the compiled job worker
      const mc = await fetch(new URL('api/mc', info.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hyperscaler-base', n: 2000, dist: ['finance.wacc=uniform:0.06,0.1'] }) });
      expect(mc.status, await mc.clone().text()).toBe(200);
      expect(((await mc.json()) as { summary: { n: number } }).summary.n).toBe(2000);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('close', resolve));
    }
  }, 120_000);
});
