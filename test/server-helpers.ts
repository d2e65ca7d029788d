/**
 * Test helpers for the HTTP API: an app over a temporary SQLite store, and
 * small request wrappers for `app.request()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp, type AppDeps, type ServerLimits } from '../src/server/app.ts';
import { openStore } from '../src/store/open.ts';
import type { ObservationStore } from '../src/store/types.ts';
import { catalog } from './helpers.ts';

/** The fixed clock of the tests. */
export const NOW = new Date('2026-03-15T12:00:00Z');

export const TEST_LIMITS: ServerLimits = { bodyBytes: 200_000, mcSamples: 5_000, mcMillis: 20_000, mcConcurrent: 2 };

export interface TestServer {
  app: Hono;
  store: ObservationStore;
  dir: string;
  close: () => Promise<void>;
}

/** An app over a fresh SQLite store in a temporary directory; `close()` removes both. */
export async function testApp(over: Partial<AppDeps> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'payback-server-'));
  const store = await openStore({ db: join(dir, 'test.db'), clock: () => NOW });
  let app: Hono;
  try {
    app = createApp({
      store,
      catalog: catalog(),
      clock: () => NOW,
      requireToken: false,
      limits: TEST_LIMITS,
      webDir: join(dir, 'no-web'),
      ...over,
    });
  } catch (e) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    app,
    store,
    dir,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** GET a path; the body parsed as JSON. */
export async function getJson<T = any>(app: Hono, path: string, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const res = await app.request(path, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

/** POST a JSON body (an object, or raw text sent as is); the answer parsed as JSON. */
export async function postJson<T = any>(
  app: Hono,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}
