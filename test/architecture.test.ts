/**
 * The layering rule of STYLE.md, checked so it does not rot: `model/` and
 * `analysis/` (and `signals/`) are pure — no `node:*` module, no adapter, no
 * clock, no `Math.random`, no environment — and imports point one way.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  const abs = join(root, dir);
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  for (const n of names) {
    const p = join(abs, n);
    if (statSync(p).isDirectory()) out = out.concat(files(relative(root, p)));
    else if (/\.(ts|tsx)$/.test(n)) out.push(relative(root, p));
  }
  return out;
}

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url', 'http', 'https', 'net', 'process', 'util', 'stream', 'events', 'readline', 'perf_hooks', 'zlib', 'buffer'];

/** The forbidden things in a pure layer, each with a pattern over the source text (comments stripped). */
const FORBIDDEN: [string, RegExp][] = [
  ['a node:* module', /from\s+['"]node:/],
  ['a node built-in module', new RegExp(`from\\s+['"](${NODE_BUILTINS.join('|')})['"]`)],
  ['a dynamic import of node', /import\(\s*['"]node:/],
  ['the clock (Date.now)', /\bDate\.now\s*\(/],
  ['the clock (new Date())', /new\s+Date\s*\(\s*\)/],
  ['the clock (performance.now)', /\bperformance\.now\s*\(/],
  ['Math.random', /\bMath\.random\b/],
  ['the environment (process.*)', /\bprocess\./],
  ['require()', /\brequire\s*\(/],
];

const ADAPTERS = ['io', 'store', 'server', 'cli', 'report', 'web'];

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function violations(layer: string, allowedUp: string[]): string[] {
  const out: string[] = [];
  for (const f of files(`src/${layer}`)) {
    const src = stripComments(readFileSync(join(root, f), 'utf8'));
    for (const [what, re] of FORBIDDEN) if (re.test(src)) out.push(`${f} uses ${what}`);
    for (const m of src.matchAll(/from\s+['"](\.\.?\/[^'"]+)['"]/g)) {
      const target = join(f, '..', m[1] as string);
      const top = relative(join(root, 'src'), join(root, target)).split(/[\\/]/)[0] as string;
      if (ADAPTERS.includes(top) || (!allowedUp.includes(top) && top !== layer && !top.endsWith('.ts'))) {
        out.push(`${f} imports ${m[1]} (layer "${top}")`);
      }
    }
  }
  return out;
}

describe('layering', () => {
  it('model/ is pure and imports only itself', () => {
    expect(files('src/model').length).toBeGreaterThan(3);
    expect(violations('model', [])).toEqual([]);
  });
  it('analysis/ is pure and imports only model/', () => {
    expect(violations('analysis', ['model'])).toEqual([]);
  });
  it('signals/ is pure and imports only model/ and analysis/', () => {
    expect(violations('signals', ['model', 'analysis'])).toEqual([]);
  });
  it('the check catches what it should', () => {
    const src = stripComments("import { readFileSync } from 'node:fs';\nconst x = Math.random(); // fine in a comment: Date.now()\n");
    const hits = FORBIDDEN.filter(([, re]) => re.test(src)).map(([w]) => w);
    expect(hits).toEqual(['a node:* module', 'Math.random']);
  });
  it('only cli/main.ts exits the process', () => {
    const exits = files('src').filter((f) => /process\.exit\s*\(/.test(stripComments(readFileSync(join(root, f), 'utf8'))));
    expect(exits.filter((f) => f !== 'src/cli/main.ts')).toEqual([]);
  });
});
