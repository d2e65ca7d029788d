/**
 * The package's root entry (`inference-payback`) runs in a browser: no `node:`
 * module (nor a bare Node built-in such as `fs`) is reachable from it. The
 * test walks the import graph of the compiled entry, `dist/index.js`, through
 * every static and dynamic import of the package's own modules, as a bundler
 * would; the packages it reaches are listed, each one browser-ready.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from './build.ts';

const root = join(import.meta.dirname, '..');
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0] as string]));

/** Every specifier a module imports or re-exports, statically or through `import('…')`. */
export function specifiersOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1] as string);
  return out;
}

/** The graph from `entry`: the node imports found (with the chain that reaches them) and the packages reached. */
export function walk(entry: string): { nodeImports: string[]; packages: Set<string>; modules: number; dynamic: string[] } {
  const seen = new Set<string>();
  const nodeImports: string[] = [];
  const packages = new Set<string>();
  const dynamic: string[] = [];
  const visit = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const here = [...chain, relative(root, file)];
    for (const m of source.matchAll(/\bimport\s*\(\s*([^'")\s][^)]*)\)/g)) dynamic.push(`${relative(root, file)}: import(${m[1]})`);
    for (const spec of specifiersOf(source)) {
      if (spec.startsWith('node:') || BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0] as string)) nodeImports.push(`${here.join(' → ')} → ${spec}`);
      else if (spec.startsWith('.')) visit(resolve(dirname(file), spec), here);
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
  };
  visit(entry, []);
  return { nodeImports, packages, modules: seen.size, dynamic };
}

describe('the root entry is browser-safe', () => {
  it('reaches no node: module through any import of dist/index.js', () => {
    ensureBuilt();
    const g = walk(join(root, 'dist', 'index.js'));
    expect(g.modules).toBeGreaterThan(30);
    expect(g.nodeImports).toEqual([]);
    // an import the walk could not follow (a computed specifier) would hide a node module
    expect(g.dynamic).toEqual([]);
    // the packages it reaches: pure JavaScript, each fine in a browser (the dashboard bundles them)
    expect([...g.packages].sort()).toEqual(['echarts', 'yaml', 'zod']);
  });

  it('the walk catches what it should', () => {
    const src = "import { a } from './a.js';\nexport { b } from \"node:fs\";\nimport 'side';\nconst x = await import('node:path');\nexport * from 'zod/v4';";
    expect(specifiersOf(src).sort()).toEqual(['./a.js', 'node:fs', 'node:path', 'side', 'zod/v4']);
    const server = walk(join(root, 'dist', 'server', 'index.js'));
    expect(server.nodeImports.length).toBeGreaterThan(0);
  });

  it('the Node-only entries exist beside it', () => {
    for (const f of ['node.js', 'node.d.ts', 'server/index.js', 'server/index.d.ts', 'index.d.ts']) expect(existsSync(join(root, 'dist', f)), f).toBe(true);
  });
});
