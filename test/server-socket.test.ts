/**
 * The API on a real socket, where bodies are read straight from Node's request
 * (`server/body.ts`) and /api/run answers a remembered scenario from the bytes
 * it made the first time: the same answers as `app.request()` gives, the body
 * limit by Content-Length and while a chunked body streams in, the Host check,
 * the security headers, and a remembered (frozen) scenario that no route can change.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../src/server/listen.ts';
import { ROOT } from './helpers.ts';
import { testApp, type TestServer } from './server-helpers.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request over a socket; `chunks` are sent one by one without a Content-Length (chunked). */
function send(url: string, opts: { method?: string; body?: string; chunks?: string[]; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: opts.method ?? 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else {
      for (const c of opts.chunks ?? []) req.write(c);
      req.end();
    }
  });
}

describe('the API on a real socket', () => {
  let t: TestServer;
  let server: RunningServer;
  beforeAll(async () => {
    t = await testApp();
    server = await listen(t.app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it('/api/run gives the same answer as app.request(), the same bytes again from a remembered scenario', async () => {
    const neocloud = readFileSync(join(ROOT, 'data', 'scenarios', 'neocloud-base.yaml'), 'utf8');
    for (const body of [{ id: 'hyperscaler-base' }, { yaml: neocloud }, { scenario: parse(neocloud) as unknown }]) {
      const viaApp = await t.app.request('/api/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const first = await send(`${server.url}api/run`, { body: JSON.stringify(body) });
      const again = await send(`${server.url}api/run`, { body: JSON.stringify(body) });
      expect(first.status).toBe(200);
      expect(first.text).toBe(await viaApp.text());
      expect(again.text).toBe(first.text);
      expect(first.headers['content-type']).toBe('application/json');
      expect(first.headers['cache-control']).toBe('no-store');
      expect(String(first.headers['content-security-policy'])).toContain("default-src 'self'");
      expect(first.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('a remembered scenario is shared frozen with /api/run, and every other route still gets its own copy', async () => {
    expect((await send(`${server.url}api/run`, { body: JSON.stringify({ id: 'frontier-lab-base' }) })).status).toBe(200);
    // analyses that set inputs on their copy of the scenario
    for (const [path, body] of [
      ['api/stack', { id: 'frontier-lab-base' }],
      ['api/breakeven', { id: 'frontier-lab-base', drivers: ['demand.utilization'] }],
      ['api/tornado', { id: 'frontier-lab-base', drivers: ['demand.utilization'] }],
    ] as const) {
      const r = await send(`${server.url}${path}`, { body: JSON.stringify(body) });
      expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(200);
    }
    const after = await send(`${server.url}api/run`, { body: JSON.stringify({ id: 'frontier-lab-base' }) });
    const viaApp = await t.app.request('/api/run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'frontier-lab-base' }) });
    expect(after.text).toBe(await viaApp.text());
  });

  it('a body over the limit is a 413, by its Content-Length and while a chunked body streams in', async () => {
    const big = JSON.stringify({ yaml: 'x'.repeat(250_000) });
    const byLength = await send(`${server.url}api/validate`, { body: big });
    expect(byLength.status).toBe(413);
    expect(JSON.parse(byLength.text).error).toContain('200000 bytes');
    const streamed = await send(`${server.url}api/validate`, { chunks: [big.slice(0, 100_000), big.slice(100_000)] });
    expect(streamed.status).toBe(413);
    // a chunked body under the limit is read whole
    const small = await send(`${server.url}api/run`, { chunks: ['{"id":', '"hyperscaler-base"}'] });
    expect(small.status).toBe(200);
    // the server keeps answering on the same port
    expect((await send(`${server.url}api/health`, { method: 'GET' })).status).toBe(200);
  });

  it('a body is decoded as Request.text() decodes it: a leading UTF-8 BOM is dropped, bad JSON is a 400 with its issue', async () => {
    const bom = await send(`${server.url}api/run`, { body: `\uFEFF${JSON.stringify({ id: 'hyperscaler-base' })}` });
    expect(bom.status).toBe(200);
    const bad = await send(`${server.url}api/run`, { body: '{"id": ' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).issues[0].code).toBe('invalid_json');
    // a scenario object with a problem: the same 400 each time it is sent
    for (let i = 0; i < 2; i++) {
      const r = await send(`${server.url}api/run`, { body: JSON.stringify({ scenario: { id: 'x', horizon: { years: 0 } } }) });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).issues.length).toBeGreaterThan(1);
    }
    const unknown = await send(`${server.url}api/run`, { body: JSON.stringify({ id: 'hyperscaler-base', extra: 1 }) });
    expect(unknown.status).toBe(400);
    expect(unknown.headers['cache-control']).toBe('no-store');
  });

  it('a request naming a host the server does not answer to is refused before its body is read', async () => {
    const r = await send(`${server.url}api/run`, { body: JSON.stringify({ id: 'hyperscaler-base' }), headers: { host: 'evil.example' } });
    expect(r.status).toBe(403);
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});
