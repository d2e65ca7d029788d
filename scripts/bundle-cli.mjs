// The CLI as a few files instead of some two hundred modules: what bin/payback.js runs.
// Loading a module costs a resolve, a read and a compile each; zod alone is ~100 modules
// (its classic entry re-exports its 64 locales, which the bundle leaves out as nothing
// reaches them). Written to dist/bundle/, one directory below dist/ as the compiled modules
// are, so what the code finds beside itself by `import.meta.url` is found the same way:
// `../../data/`, `../../web/dist/` and `../shipped-data.json` in the package, and the
// worker threads (`moduleBeside('mc-worker', …)`) in the same directory.
//
// - payback.cjs and its chunks, the CLI, CommonJS so that src/cli/bundle-loader.ts can
//   compile it with a V8 code cache: what every start needs (commander, the command
//   definitions and the constants they show) in cli.cjs; the scenario parser and the
//   engine (zod, yaml, model/, analysis/, io/, signals/) in engine.cjs, which the commands
//   that read a scenario load; each command's own code, and what only some commands use
//   (the report, the workbook, the server, the stores, the queue), in chunks loaded when
//   a command asks for them.
// - loader.cjs: src/cli/bundle-loader.ts, which bin/payback.js requires to run payback.cjs.
// - mc-worker.js, chunk-thread.js, job-worker.js: the worker threads, one ES module each.
// - chunks.json: the packages and source files in each chunk (test/cli-startup.test.ts
//   reads it to tell what a command loaded).
//
// Third-party packages stay outside (node_modules, required when needed) except the small
// ones every start or every scenario needs, and the ES-only ones, bundled in: a CommonJS
// chunk can require every package left outside on any Node 20.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Bundled in: loaded at every start (commander) or every scenario read (zod, yaml), the tables and progress bar of the common commands, and the packages with no CommonJS build (Parquet). */
const BUNDLED = ['commander', 'zod', 'yaml', 'cli-table3', 'cli-progress', 'hyparquet', 'hyparquet-writer'];

const WORKERS = { 'mc-worker': 'src/io/mc-worker.ts', 'chunk-thread': 'src/queue/chunk-thread.ts', 'job-worker': 'src/server/job-worker.ts' };

/**
 * What a chunk uses that src/cli/bundle-loader.ts does not give it (it gives `require` of a
 * chunk or a package, nothing more): an `import()` (a script compiled by `vm` has no module
 * loader), `require.resolve` and the like.
 */
function unsupported(program) {
  const found = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    if (node.type === 'ImportExpression') found.push('import()');
    if (node.type === 'MemberExpression' && !node.computed && node.object?.type === 'Identifier') {
      const name = `${node.object.name}.${node.property?.name}`;
      if (['require.resolve', 'require.main', 'require.cache', 'module.parent', 'module.children', 'module.paths', 'import.meta'].includes(name)) found.push(name);
    }
    if (node.type === 'MetaProperty') found.push('import.meta');
    for (const [k, v] of Object.entries(node)) if (k !== 'type' && typeof v === 'object') walk(v);
  };
  walk(program);
  return [...new Set(found)];
}

/** Build dist/bundle/ of the project at `root`. */
export async function bundleCli(root) {
  const { rolldown } = await import('rolldown');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const externals = Object.keys(manifest.dependencies).filter((d) => !BUNDLED.includes(d));
  const external = (id) => id.startsWith('node:') || externals.some((d) => id === d || id.startsWith(`${d}/`));
  const dir = join(root, 'dist', 'bundle');
  const input = { platform: 'node', external, logLevel: 'warn', cwd: root };
  const output = { dir, comments: { legal: true, annotation: false, jsdoc: false } };
  const chunks = {};
  const record = (written) => {
    for (const c of written.output) {
      if (c.type !== 'chunk') continue;
      const packages = new Set();
      const sources = [];
      for (const id of c.moduleIds) {
        const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id)?.[1];
        if (pkg !== undefined) packages.add(pkg.replace('\\', '/'));
        else if (id.startsWith(join(root, 'src'))) sources.push(relative(root, id).split('\\').join('/'));
      }
      chunks[c.fileName] = { packages: [...packages].sort(), sources: sources.sort() };
    }
  };

  const main = join(root, 'src', 'cli', 'main.ts');
  const within = (...paths) => (id) => paths.some((p) => id.startsWith(join(root, p)));
  const engine = within('src/model/', 'src/analysis/', 'src/io/', 'src/signals/', 'src/cli/scenarios.ts', 'src/cli/uncertainty-issues.ts', 'src/cli/context.ts');
  const parser = (id) => /[\\/]node_modules[\\/](zod|yaml)[\\/]/.test(id);
  const cli = await rolldown({ ...input, input: { payback: main } });
  const written = await cli.write({
    ...output,
    format: 'cjs',
    strict: true,
    // every import() a require(): a chunk compiled by bundle-loader.ts has no module loader of its own
    dynamicImportInCjs: false,
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name].cjs',
    codeSplitting: {
      groups: [
        // what every start loads (rolldown's `$initial`: imported by the entry) in one chunk
        { name: 'cli', tags: ['$initial'], test: (id) => id !== main, priority: 2 },
      ],
    },
  });
  await cli.close();
  record(written);
  const { parseAst } = await import('rolldown/parseAst');
  for (const c of written.output) {
    const bad = c.type === 'chunk' ? unsupported(parseAst(c.code, { sourceType: 'script' })) : [];
    if (bad.length > 0) throw new Error(`dist/bundle/${c.fileName} uses ${bad.join(', ')}, which src/cli/bundle-loader.ts does not give a chunk`);
  }
  // the loader of the chunks, required by bin/payback.js
  const loader = await rolldown({ ...input, input: { loader: join(root, 'src', 'cli', 'bundle-loader.ts') } });
  record(await loader.write({ ...output, format: 'cjs', strict: true, entryFileNames: '[name].cjs', codeSplitting: false }));
  await loader.close();
  for (const [name, entry] of Object.entries(WORKERS)) {
    const w = await rolldown({ ...input, input: { [name]: join(root, entry) } });
    record(await w.write({ ...output, format: 'esm', entryFileNames: '[name].js', codeSplitting: false }));
    await w.close();
  }
  writeFileSync(join(dir, 'chunks.json'), `${JSON.stringify(chunks, null, 1)}\n`);
}
