/**
 * Starting a worker thread from source or from the compiled package alike.
 * From the compiled package (`dist/`, what an installed package runs) a worker
 * is its `.js` module. From source (tsx, vitest) the module is `.ts`, and a
 * worker does not inherit the TypeScript loader of the thread that starts it,
 * so it boots through a small script that registers tsx first.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The module `name` (no extension) beside the module at `from` (its
 * `import.meta.url`), with the extension `from` has: `.ts` from source, `.js` compiled.
 *
 * @example
 * moduleBeside('mc-worker', import.meta.url); // file:///…/dist/io/mc-worker.js in the package
 */
export function moduleBeside(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

let tsxApi: string | undefined;
/** The file URL of tsx's ESM register API (`tsx/esm/api`, import condition): only a source checkout needs it. */
function tsxApiUrl(): string {
  if (tsxApi === undefined) {
    const dir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
    tsxApi = pathToFileURL(join(dir, 'dist', 'esm', 'api', 'index.mjs')).href;
  }
  return tsxApi;
}

/** A worker running `module`: directly when it is JavaScript, through tsx when it is TypeScript. */
export function startWorker(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const boot = `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
