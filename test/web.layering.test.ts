/**
 * The dashboard's rules, checked so they do not rot: `web/` is browser code —
 * no `node:*` or Node built-in module — and reaches into `src/` only for the
 * pure layers (model, analysis, signals) and the report's pure chart and
 * number-format modules, so the dashboard and the HTML report draw the same
 * charts. And it type-checks under its own tsconfig (Vite does not).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const WEB_SRC = join(ROOT, 'web', 'src');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(n)) out.push(p);
  }
  return out;
}

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'http', 'https', 'net', 'process', 'util', 'stream', 'events', 'readline', 'perf_hooks', 'zlib', 'buffer'];

/** What web/ may import from src/. */
const ALLOWED_SRC = [/^src\/model\//, /^src\/analysis\//, /^src\/signals\//, /^src\/report\/(charts|format|analysis-format|conditions-format|metrics|signals-format|stack-format|capital-charts)\.ts$/];

const stripComments = (src: string): string => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

describe('web/ layering', () => {
  const sources = files(WEB_SRC);

  it('has the dashboard sources', () => {
    expect(sources.length).toBeGreaterThan(5);
  });

  it('imports no node:* or Node built-in module', () => {
    const bad: string[] = [];
    for (const f of sources) {
      const src = stripComments(readFileSync(f, 'utf8'));
      for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const spec = m[1] as string;
        if (spec.startsWith('node:') || NODE_BUILTINS.includes(spec)) bad.push(`${relative(ROOT, f)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('reaches into src/ only for the pure layers and the report charts', () => {
    const bad: string[] = [];
    for (const f of sources) {
      const src = stripComments(readFileSync(f, 'utf8'));
      for (const m of src.matchAll(/from\s+['"](\.\.?\/[^'"?]+)(?:\?[^'"]*)?['"]/g)) {
        const target = relative(ROOT, resolve(f, '..', m[1] as string)).replace(/\\/g, '/');
        if (target.startsWith('web/') || target.startsWith('data/')) continue;
        if (!ALLOWED_SRC.some((re) => re.test(target))) bad.push(`${relative(ROOT, f)} imports ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('type-checks under web/tsconfig.json', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'web', 'tsconfig.json'), '--noEmit'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 200_000);
});
