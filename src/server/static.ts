/**
 * The built dashboard (`web/dist`): files by path, `index.html` for any other
 * path (the dashboard routes in the browser), and a page that says how to
 * build it when it is not built.
 *
 * Text files go out compressed when the browser accepts it: brotli or gzip
 * from the `.br` / `.gz` files the build writes beside them
 * (web/vite.config.ts), else gzip made here once and kept.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Context } from 'hono';

/** `web/dist` of the repository. */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../web/dist/', import.meta.url));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.yaml': 'text/yaml; charset=utf-8',
};

async function fileAt(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** The types worth compressing. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt', '.webmanifest', '.yaml', '.wasm']);
/** Smaller than this, a body goes as it is (the headers would cost more than compression saves). */
const MIN_COMPRESS_BYTES = 1024;

type Encoding = 'br' | 'gzip';

/** The encodings a request accepts, best first (`Accept-Encoding`, with its q-values; q=0 refuses). */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name === undefined || name === '') continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp === undefined ? 1 : Number(qp.slice(2));
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const of = (e: string): number => q.get(e) ?? (q.get('*') ?? 0);
  return (['br', 'gzip'] as const).filter((e) => of(e) > 0).sort((a, b) => of(b) - of(a));
}

/** A file's compressed twin written by the build (`app.js.br`), when it is as new as the file. */
async function twinOf(path: string, enc: Encoding): Promise<Buffer | undefined> {
  const twin = `${path}.${enc === 'br' ? 'br' : 'gz'}`;
  try {
    const [a, b] = await Promise.all([stat(path), stat(twin)]);
    if (!b.isFile() || b.mtimeMs < a.mtimeMs) return undefined;
    return await readFile(twin);
  } catch {
    return undefined;
  }
}

const gzipAsync = promisify(gzip);
/** Gzip made here for a file the build left without twins, by path, size and time (a few files: the dashboard's own). */
const madeGzip = new Map<string, Promise<Buffer>>();
const MADE_GZIP_FILES = 256;

function gzipOnce(key: string, bytes: Buffer): Promise<Buffer> {
  let p = madeGzip.get(key);
  if (p === undefined) {
    if (madeGzip.size >= MADE_GZIP_FILES) madeGzip.delete(madeGzip.keys().next().value as string);
    p = gzipAsync(bytes, { level: 6 });
    madeGzip.set(key, p);
    p.catch(() => madeGzip.delete(key));
  }
  return p;
}

/** A file's answer: compressed when its type is worth it and the request accepts it. */
async function fileAnswer(c: Context, path: string, bytes: Buffer, headers: Record<string, string>): Promise<Response> {
  const type = extname(path).toLowerCase();
  if (!COMPRESSIBLE.has(type) || bytes.length < MIN_COMPRESS_BYTES) return c.body(new Uint8Array(bytes), 200, headers);
  const vary = { ...headers, Vary: 'Accept-Encoding' };
  for (const enc of acceptedEncodings(c.req.header('accept-encoding'))) {
    const twin = await twinOf(path, enc);
    if (twin !== undefined) return c.body(new Uint8Array(twin), 200, { ...vary, 'Content-Encoding': enc });
    if (enc === 'gzip') {
      const made = await gzipOnce(`${path}\u0000${bytes.length}\u0000${(await stat(path)).mtimeMs}`, bytes).catch(() => undefined);
      if (made !== undefined) return c.body(new Uint8Array(made), 200, { ...vary, 'Content-Encoding': 'gzip' });
    }
  }
  return c.body(new Uint8Array(bytes), 200, vary);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inference payback — dashboard not built</title></head>
<body>
<h1>The dashboard is not built yet</h1>
<p>Build it with <code>npm run build:web</code>, then reload this page.</p>
<p>The JSON API works meanwhile: <a href="/api/health">/api/health</a>, its description at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`;

/**
 * A handler for GET and HEAD outside `/api`: the file under `root` if there is
 * one, else `index.html` (SPA fallback), else the "not built" page.
 */
export function dashboard(root: string): (c: Context) => Promise<Response> {
  const base = resolve(root);
  return async (c) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return c.text('bad path', 400);
    }
    const target = resolve(join(base, path));
    const inside = target === base || target.startsWith(base + sep);
    if (inside && !path.endsWith('/') && !path.includes('\0')) {
      const bytes = await fileAt(target);
      if (bytes !== undefined) {
        // Vite names the files under assets/ by their content hash: they never change.
        const immutable = path.startsWith('/assets/');
        return fileAnswer(c, target, bytes, {
          'Content-Type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
    // A missing asset is a 404; a missing page is the app's own route.
    if (/\.[a-z0-9]+$/i.test(path) && !path.endsWith('.html')) return c.text('not found', 404);
    const indexPath = join(base, 'index.html');
    const index = await fileAt(indexPath);
    if (index === undefined) return c.html(NOT_BUILT, 200, { 'Cache-Control': 'no-cache' });
    return fileAnswer(c, indexPath, index, { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-cache' });
  };
}
