/**
 * The built dashboard (`web/dist`): files by path, `index.html` for any other
 * path (the dashboard routes in the browser), and a page that says how to
 * build it when it is not built.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
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
        return c.body(new Uint8Array(bytes), 200, {
          'Content-Type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream',
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
    // A missing asset is a 404; a missing page is the app's own route.
    if (/\.[a-z0-9]+$/i.test(path) && !path.endsWith('.html')) return c.text('not found', 404);
    const index = await fileAt(join(base, 'index.html'));
    if (index === undefined) return c.html(NOT_BUILT, 200, { 'Cache-Control': 'no-cache' });
    return c.body(new Uint8Array(index), 200, { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-cache' });
  };
}
