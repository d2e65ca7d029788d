/**
 * The OpenAPI document the server serves is clean under Redocly's
 * recommended rules (`redocly lint --extends=recommended`, the CLI from
 * devDependencies, run offline): every operation says its security (`[]`
 * when open), every body that names one scenario says "exactly one of id,
 * yaml, scenario" as a `oneOf`, every tag is described.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import { getJson, testApp } from './server-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'payback-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Lint {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** The document a server serves, linted; `token`: the server of `PAYBACK_TOKEN=… payback serve --host 0.0.0.0`. */
async function lint(token: boolean): Promise<{ doc: any; lint: Lint }> {
  const t = await testApp(token ? { token: 'x'.repeat(32), requireToken: true } : {});
  try {
    const doc = (await getJson(t.app, '/api/openapi.json')).body;
    const file = join(dir, `openapi-${token ? 'token' : 'loopback'}.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--extends=recommended', '--format=json'], {
      cwd: dir,
      // offline: no telemetry, no update check
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
      maxBuffer: 16 << 20,
    }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    return { doc, lint: JSON.parse(stdout.slice(stdout.indexOf('{'))) as Lint };
  } finally {
    await t.close();
  }
}

const summary = (l: Lint): string[] => l.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);

describe('the OpenAPI document under redocly lint (recommended rules)', () => {
  it('as `payback serve` serves it on loopback: no error, no warning', async () => {
    const { doc, lint: l } = await lint(false);
    expect(summary(l)).toEqual([]);
    expect(l.totals).toMatchObject({ errors: 0, warnings: 0 });
    // open operations say so; writes name the bearer token (optional on loopback)
    expect(doc.paths['/api/run'].post.security).toEqual([]);
    expect(doc.paths['/api/scenarios'].post.security).toEqual([{ bearer: [] }, {}]);
    // exactly one of id, yaml, scenario: a oneOf, and version only with id
    const run = doc.components.schemas.RunRequest;
    expect(run.oneOf.map((b: { required: string[] }) => b.required)).toEqual([['id'], ['yaml'], ['scenario']]);
    expect(run.dependentRequired).toEqual({ version: ['id'] });
    expect(doc.components.schemas.ScenarioRef.oneOf).toHaveLength(3);
    expect(doc.tags.every((t: { description?: string }) => typeof t.description === 'string')).toBe(true);
  }, 120_000);

  it('with a token (beyond loopback): no error; the only warnings are the reads that cannot fail', async () => {
    const { doc, lint: l } = await lint(true);
    expect(l.totals.errors).toBe(0);
    expect(doc.paths['/api/scenarios'].post.security).toEqual([{ bearer: [] }]);
    // without the loopback Host guard, these answer 200 whatever the request: no 4xx to document
    const warned = l.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`).sort();
    expect(warned).toEqual(
      ['/api/catalog', '/api/health', '/api/openapi.json', '/api/portfolios', '/api/scenarios', '/api/schema', '/api/signals'].map((p) => `operation-4xx-response #/paths/${p.replace(/\//g, '~1')}/get/responses`).sort(),
    );
  }, 120_000);
});
