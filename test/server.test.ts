/**
 * The HTTP API through `app.request()` (no socket): every route's success and
 * its errors, the token on writes, the limits, the headers, the dashboard.
 */
import { readFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { evaluate } from '../src/model/engine.ts';
import { formatIssue } from '../src/model/issues.ts';
import { loadScenarioText } from '../src/model/load.ts';
import { YEAR_FIELDS } from '../src/model/result.ts';
import { WorkerPool } from '../src/server/pool.ts';
import { catalog, ROOT } from './helpers.ts';
import { getJson, NOW, postJson, testApp, type TestServer } from './server-helpers.ts';

const BROKEN = readFileSync(join(ROOT, 'test/fixtures/broken.yaml'), 'utf8');
const NEOCLOUD = readFileSync(join(ROOT, 'data/scenarios/neocloud-base.yaml'), 'utf8');
const WORKED = readFileSync(join(ROOT, 'test/fixtures/worked-example.yaml'), 'utf8');

let t: TestServer;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

async function cliErr(...args: string[]): Promise<string[]> {
  const err: string[] = [];
  await runCli(args, { out: () => {}, err: (s) => err.push(s), isTTY: false });
  return err;
}

describe('meta', () => {
  it('GET /api/health says up, with the clock, store and limits', async () => {
    const r = await getJson(t.app, '/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, time: NOW.toISOString(), store: { kind: 'sqlite', state: 'up', error: null }, limits: { mcSamples: 5000 }, auth: { writesNeedToken: false } });
    expect(r.body.store.schemaVersion).toBeGreaterThanOrEqual(4);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });
  it('GET /api/catalog is the accelerator catalog', async () => {
    const r = await getJson(t.app, '/api/catalog');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(catalog());
  });
  it('GET /api/schema is the scenario JSON Schema', async () => {
    const r = await getJson(t.app, '/api/schema');
    expect(r.status).toBe(200);
    expect(r.body.$id).toBe('urn:inference-payback:scenario:v2');
    expect(Object.keys(r.body.properties)).toContain('demand');
  });
  it('GET /api/openapi.json documents every route with its schemas', async () => {
    const r = await getJson(t.app, '/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`));
    for (const op of [
      'GET /api/health',
      'GET /api/catalog',
      'GET /api/schema',
      'GET /api/openapi.json',
      'GET /api/scenarios',
      'GET /api/scenarios/{id}',
      'GET /api/scenarios/{id}/versions',
      'POST /api/scenarios',
      'POST /api/run',
      'POST /api/compare',
      'POST /api/breakeven',
      'POST /api/stack',
      'POST /api/internal',
      'POST /api/advantages',
      'POST /api/report',
      'POST /api/export/xlsx',
      'POST /api/validate',
      'POST /api/tornado',
      'POST /api/grid',
      'POST /api/mc',
      'POST /api/conditions',
      'POST /api/designpoint',
      'GET /api/signals',
      'GET /api/observations',
      'POST /api/observations',
      'POST /api/observations/import',
      'GET /api/signals/status',
      'GET /api/signals/calendar',
    ]) {
      expect(ops).toContain(op);
    }
    const run = doc.paths['/api/run'].post;
    expect(run.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/RunRequest');
    expect(run.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    const runReq = doc.components.schemas.RunRequest;
    expect(runReq.properties.scenario.$ref).toBe('#/components/schemas/Scenario');
    expect(runReq.additionalProperties).toBe(false);
    expect(doc.components.schemas.Scenario.properties.demand).toBeDefined();
    expect(doc.paths['/api/scenarios'].post.security).toEqual([{ bearer: [] }, {}]);
    expect(Object.keys(doc.paths['/api/observations/import'].post.requestBody.content)).toEqual(['application/json', 'text/csv']);
    expect(doc.paths['/api/export/xlsx'].post.responses['200'].content).toHaveProperty(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(doc.paths['/api/mc'].post.responses).toHaveProperty('413');
    expect(doc.paths['/api/signals/status'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['scenario', 'version', 'asOf']);
    expect(doc.components.schemas.MonteCarloResponse.properties.summary.properties.probabilities).toBeDefined();
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    // every $ref points at a component that exists
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(doc.components.schemas[name as string], ref).toBeDefined();
    }
  });
  it('an unknown /api route is a JSON 404; a known one with the wrong method a 405', async () => {
    const r = await getJson(t.app, '/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.error).toContain('no route GET /api/nope');
    const run = await getJson(t.app, '/api/run');
    expect(run.status).toBe(405);
    expect(run.headers.get('allow')).toBe('POST');
    const scen = await t.app.request('/api/scenarios/neocloud-base', { method: 'DELETE' });
    expect(scen.status).toBe(405);
    expect(scen.headers.get('allow')).toBe('GET');
  });
  it('an unexpected failure is a 500 with a message and no stack', async () => {
    const logged: string[] = [];
    const broken = { ...t.store, kind: 'sqlite' as const, location: 'x', listScenarios: async () => { throw new Error('disk on fire'); } };
    const { createApp } = await import('../src/server/app.ts');
    const app = createApp({ store: broken as never, catalog: catalog(), clock: () => NOW, requireToken: false, limits: { bodyBytes: 1000, mcSamples: 10, mcMillis: 1000 }, log: (l) => logged.push(l) });
    const r = await getJson(app, '/api/scenarios');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: 'internal error: disk on fire' });
    expect(logged[0]).toContain('disk on fire');
    expect(logged[0]).toContain('GET /api/scenarios');
  });
});

describe('scenarios', () => {
  it('GET /api/scenarios lists the built-ins in archetype order', async () => {
    const r = await getJson(t.app, '/api/scenarios');
    expect(r.status).toBe(200);
    expect(r.body.scenarios.slice(0, 5)).toEqual([
      { id: 'hyperscaler-base', name: expect.any(String), operator: 'hyperscaler', builtin: true, version: 0 },
      { id: 'frontier-lab-base', name: expect.any(String), operator: 'frontier-lab', builtin: true, version: 0 },
      { id: 'neocloud-base', name: 'Neocloud — base case', operator: 'neocloud', builtin: true, version: 0 },
      // a variant after its archetype's base case (MODEL.md §9: the capital stack)
      { id: 'neocloud-levered', name: 'Neocloud — levered (capital stack)', operator: 'neocloud', builtin: true, version: 0 },
      { id: 'private-ai-factory-base', name: expect.any(String), operator: 'private-ai-factory', builtin: true, version: 0 },
    ]);
  });
  it('GET /api/scenarios/:id gives the text and the resolved scenario', async () => {
    const r = await getJson(t.app, '/api/scenarios/neocloud-base');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'neocloud-base', version: 0, builtin: true, yaml: NEOCLOUD });
    expect(r.body.scenario.fleet.kWPerAccelerator).toBeGreaterThan(0);
  });
  it('an unknown id is a 404 with a suggestion', async () => {
    const r = await getJson(t.app, '/api/scenarios/neocloud-bse');
    expect(r.status).toBe(404);
    expect(r.body.issues[0].message).toContain('did you mean "neocloud-base"');
    expect((await getJson(t.app, '/api/scenarios/neocloud-base?version=7')).status).toBe(404);
    expect((await getJson(t.app, '/api/scenarios/neocloud-base/versions')).body.versions).toEqual([{ version: 0, savedAt: null, hash: null, builtin: true }]);
    expect((await getJson(t.app, '/api/scenarios/nothing-here/versions')).status).toBe(404);
  });
  it('a bad query is a 400 naming it', async () => {
    const r = await getJson(t.app, '/api/scenarios/neocloud-base?version=two');
    expect(r.status).toBe(400);
    expect(r.body.issues[0]).toMatchObject({ path: 'version' });
    expect((await getJson(t.app, '/api/scenarios/neocloud-base?colour=red')).body.issues[0]).toMatchObject({ path: 'colour', code: 'unknown_key' });
  });

  it('POST /api/scenarios validates and saves versions; GET reads them back', async () => {
    const first = await postJson(t.app, '/api/scenarios', { yaml: WORKED });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 'worked-example', version: 1, created: true });
    expect(first.headers.get('location')).toBe('/api/scenarios/worked-example?version=1');
    const again = await postJson(t.app, '/api/scenarios', { yaml: WORKED });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, created: false });
    const edited = WORKED.replace('itMW: 1\n', 'itMW: 2\n');
    expect(edited).not.toBe(WORKED);
    expect((await postJson(t.app, '/api/scenarios', { yaml: edited })).body).toMatchObject({ version: 2, created: true });

    const latest = await getJson(t.app, '/api/scenarios/worked-example');
    expect(latest.body).toMatchObject({ id: 'worked-example', version: 2, builtin: false, yaml: edited });
    expect(latest.body.scenario.site.itMW).toBe(2);
    const v1 = await getJson(t.app, '/api/scenarios/worked-example?version=1');
    expect(v1.body.scenario.site.itMW).toBe(1);
    const versions = await getJson(t.app, '/api/scenarios/worked-example/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body.versions[0].savedAt).toBe(NOW.toISOString());
  });
  it('a saved version of a built-in supersedes the shipped text; version 0 stays', async () => {
    const edited = NEOCLOUD.replace('name: Neocloud — base case', 'name: Neocloud — edited');
    const s = await postJson(t.app, '/api/scenarios', { yaml: edited });
    expect(s.body).toMatchObject({ id: 'neocloud-base', version: 1, created: true });
    const list = await getJson(t.app, '/api/scenarios');
    expect(list.body.scenarios.find((x: { id: string }) => x.id === 'neocloud-base')).toEqual({
      id: 'neocloud-base',
      name: 'Neocloud — edited',
      operator: 'neocloud',
      builtin: true,
      version: 1,
    });
    expect((await getJson(t.app, '/api/scenarios/neocloud-base?version=0')).body.yaml).toBe(NEOCLOUD);
    expect((await getJson(t.app, '/api/scenarios/neocloud-base/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([0, 1]);
  });
  it('saved scenarios are listed after the built-ins', async () => {
    const list = await getJson(t.app, '/api/scenarios');
    expect(list.body.scenarios.map((x: { id: string }) => x.id)).toEqual(['hyperscaler-base', 'frontier-lab-base', 'neocloud-base', 'neocloud-levered', 'private-ai-factory-base', 'worked-example']);
    expect(list.body.scenarios[5]).toEqual({ id: 'worked-example', name: 'worked-example', operator: 'custom', builtin: false, version: 2 });
  });
  it('an invalid text is a 400 with the same issues as the CLI, line and column included', async () => {
    const r = await postJson(t.app, '/api/scenarios', { yaml: BROKEN });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid scenario');
    const cli = (await cliErr('validate', 'test/fixtures/broken.yaml')).slice(1).map((l) => l.trim());
    expect(r.body.issues.map((i: Parameters<typeof formatIssue>[0]) => `test/fixtures/broken.yaml:${formatIssue(i)}`)).toEqual(cli);
    expect(r.body.issues[0]).toEqual({ path: 'site.itMW', message: 'expected a number in (0, 1e6], got "a lot"', code: expect.any(String), line: 6, column: 3 });
  });
  it('a body that is not a request is a 400 naming each field', async () => {
    const r = await postJson(t.app, '/api/scenarios', { yaml: 42, extra: true });
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'yaml']);
    const bad = await postJson(t.app, '/api/scenarios', '{"yaml": ');
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].message).toMatch(/not valid JSON/);
  });
  it('a body sent as text/plain or a form is refused (415): no cross-site simple requests', async () => {
    const res = await t.app.request('/api/scenarios', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ yaml: WORKED }) });
    expect(res.status).toBe(415);
  });
  it('POST /api/validate lists the issues without saving', async () => {
    const bad = await postJson(t.app, '/api/validate', { yaml: BROKEN });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.issues).toHaveLength(5);
    const good = await postJson(t.app, '/api/validate', { yaml: NEOCLOUD });
    expect(good.body).toMatchObject({ ok: true, issues: [] });
  });
});

describe('run and compare', () => {
  it('POST /api/run by id gives the result contract, as `payback run --json`', async () => {
    const r = await postJson(t.app, '/api/run', { id: 'hyperscaler-base' });
    expect(r.status).toBe(200);
    expect(r.body.scenario.id).toBe('hyperscaler-base');
    expect(r.body.years).toHaveLength(11);
    for (const f of YEAR_FIELDS) expect(r.body.years[1]).toHaveProperty(f);
    expect(r.body.inputWarnings).toEqual([]);
    const cli: string[] = [];
    await runCli(['run', 'hyperscaler-base', '--json'], { out: (s) => cli.push(s), err: () => {}, isTTY: false });
    const { inputWarnings: _, ...contract } = r.body;
    expect(contract).toEqual(JSON.parse(cli.join('\n')));
  });
  it('by yaml and by scenario object give the same numbers', async () => {
    const byYaml = await postJson(t.app, '/api/run', { yaml: WORKED });
    const loaded = loadScenarioText(WORKED, catalog());
    if (!loaded.ok) throw new Error('worked example');
    const byObject = await postJson(t.app, '/api/run', { scenario: loaded.scenario });
    expect(byYaml.status).toBe(200);
    expect(byYaml.body.summary.npv).toBeCloseTo(4_710_755.95, 1);
    expect(byObject.body.summary).toEqual(byYaml.body.summary);
    expect(byYaml.body.summary).toEqual(JSON.parse(JSON.stringify(evaluate(loaded.scenario).summary)));
  });
  it('a saved version runs by id and version', async () => {
    const r = await postJson(t.app, '/api/run', { id: 'worked-example', version: 1 });
    expect(r.body.scenario.site.itMW).toBe(1);
    expect((await postJson(t.app, '/api/run', { id: 'worked-example' })).body.scenario.site.itMW).toBe(2);
  });
  it('bad scenario references: none, two, an unknown id, an invalid text', async () => {
    const none = await postJson(t.app, '/api/run', {});
    expect(none.status).toBe(400);
    expect(none.body.issues[0].message).toMatch(/give one of id/);
    const two = await postJson(t.app, '/api/run', { id: 'neocloud-base', yaml: NEOCLOUD });
    expect(two.status).toBe(400);
    expect(two.body.issues[0].message).toMatch(/only one of/);
    const unknown = await postJson(t.app, '/api/run', { id: 'neocloud-bse' });
    expect(unknown.status).toBe(404);
    const broken = await postJson(t.app, '/api/run', { yaml: BROKEN });
    expect(broken.status).toBe(400);
    expect(broken.body.issues).toHaveLength(5);
    const obj = await postJson(t.app, '/api/run', { scenario: { id: 'x' } });
    expect(obj.status).toBe(400);
    expect(obj.body.issues.every((i: { line?: number }) => i.line === undefined)).toBe(true);
    expect(obj.body.issues.map((i: { path: string }) => i.path)).toContain('horizon');
  });
  it('POST /api/compare: the four archetypes by default, or the ids asked', async () => {
    const r = await postJson(t.app, '/api/compare', {});
    expect(r.status).toBe(200);
    expect(r.body.summaries.map((s: { id: string }) => s.id)).toEqual(['hyperscaler-base', 'frontier-lab-base', 'neocloud-base', 'private-ai-factory-base']);
    expect(r.body.metrics[0]).toEqual({ key: 'revenuePerMW', label: 'Revenue / MW-yr', unit: '$ per MW-year', better: 'higher' });
    const hs = r.body.summaries[0];
    expect(hs.summary.npv).toBeCloseTo(2109e6, -6);
    const empty = await t.app.request('/api/compare', { method: 'POST' });
    expect(empty.status).toBe(200);
    const two = await postJson(t.app, '/api/compare', { ids: ['worked-example', 'neocloud-base'] });
    expect(two.body.summaries.map((s: { id: string; version: number }) => [s.id, s.version])).toEqual([
      ['worked-example', 2],
      ['neocloud-base', 1],
    ]);
  });
  it('compare with unknown ids lists each', async () => {
    const r = await postJson(t.app, '/api/compare', { ids: ['neocloud-base', 'nope', 'hyperscaler-bas'] });
    expect(r.status).toBe(404);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(['ids[1]', 'ids[2]']);
    expect((await postJson(t.app, '/api/compare', { ids: [] })).status).toBe(400);
  });
});

describe('analyses', () => {
  it('POST /api/stack', async () => {
    const r = await postJson(t.app, '/api/stack', { id: 'hyperscaler-base' });
    expect(r.status).toBe(200);
    expect(r.body.scenarioId).toBe('hyperscaler-base');
    expect(r.body.sources).toHaveLength(5);
    expect(r.body.by).toBe('kind');
    const p = await postJson(t.app, '/api/stack', { id: 'hyperscaler-base', by: 'payer' });
    expect(p.status).toBe(200);
    expect(p.body.sources.map((x: { key: string }) => x.key)).toEqual(['enterprise', 'consumer', 'developer', 'platform', 'internal']);
    expect((await postJson(t.app, '/api/stack', { id: 'hyperscaler-base', by: 'buyer' })).status).toBe(400);
    expect((await postJson(t.app, '/api/stack', { id: 'x-none' })).status).toBe(404);
  });
  it('POST /api/internal with steps, and out-of-range steps', async () => {
    const r = await postJson(t.app, '/api/internal', { id: 'hyperscaler-base', steps: 5 });
    expect(r.status).toBe(200);
    expect(r.body.points).toHaveLength(5);
    const bad = await postJson(t.app, '/api/internal', { id: 'hyperscaler-base', steps: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('steps');
  });
  it('POST /api/advantages against the default reference and a given one', async () => {
    const r = await postJson(t.app, '/api/advantages', { id: 'private-ai-factory-base' });
    expect(r.status).toBe(200);
    expect(r.body.reference.id).toBe('hyperscaler-base');
    expect(r.body.parts).toHaveLength(5);
    const vs = await postJson(t.app, '/api/advantages', { id: 'private-ai-factory-base', vs: 'frontier-lab-base' });
    expect(vs.body.reference.id).toBe('frontier-lab-base');
    const bad = await postJson(t.app, '/api/advantages', { id: 'private-ai-factory-base', vs: 'nope' });
    expect(bad.status).toBe(404);
    expect(bad.body.issues[0].path).toBe('vs');
    const badYaml = await postJson(t.app, '/api/advantages', { id: 'private-ai-factory-base', vs: { yaml: BROKEN } });
    expect(badYaml.status).toBe(400);
    expect(badYaml.body.issues[0]).toMatchObject({ file: 'vs', path: 'site.itMW', line: 6 });
  });
  it('POST /api/breakeven with a target and drivers; bad ones are 400', async () => {
    const r = await postJson(t.app, '/api/breakeven', { id: 'neocloud-base', target: 'npv>=0', drivers: ['site.power.pricePerMWh'] });
    expect(r.status).toBe(200);
    expect(r.body.rows).toHaveLength(1);
    expect(r.body.rows[0].path).toBe('site.power.pricePerMWh');
    const all = await postJson(t.app, '/api/breakeven', { id: 'neocloud-base' });
    expect(all.body.rows.length).toBeGreaterThan(3);
    const bad = await postJson(t.app, '/api/breakeven', { id: 'neocloud-base', target: 'npv>>0', drivers: ['site.nothing', 'demand.segments[zzz].pricing.perMTok'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string; code: string }) => [i.path, i.code])).toEqual([
      ['target', 'bad_target'],
      ['site.nothing', 'unknown_path'],
      ['demand.segments[zzz].pricing.perMTok', 'unknown_segment'],
    ]);
    const dscr = await postJson(t.app, '/api/breakeven', { id: 'hyperscaler-base', target: 'minDscr>=1.3' });
    expect(dscr.status).toBe(400);
    expect(dscr.body.issues[0].path).toBe('finance.debt');
  });
});

describe('sensitivity', () => {
  it('POST /api/tornado with a metric, swing, ranges and drivers', async () => {
    const r = await postJson(t.app, '/api/tornado', {
      id: 'hyperscaler-base',
      metric: 'irr',
      swing: 0.1,
      drivers: ['finance.wacc', 'site.power.pricePerMWh'],
      ranges: [{ path: 'demand.utilization', lo: 0.5, hi: 0.9 }],
    });
    expect(r.status).toBe(200);
    expect(r.body.metric).toBe('irr');
    expect(r.body.rows.map((x: { path: string }) => x.path).sort()).toEqual(['demand.utilization', 'finance.wacc', 'site.power.pricePerMWh']);
    expect(r.body.rows.find((x: { path: string }) => x.path === 'demand.utilization').source).toBe('range');
    const bad = await postJson(t.app, '/api/tornado', { id: 'hyperscaler-base', metric: 'nvp', swing: -1, ranges: [{ path: 'finance.wacc', lo: 0.2, hi: 0.1 }], drivers: ['site.nothing'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['metric', 'swing']);
    const badPaths = await postJson(t.app, '/api/tornado', { id: 'hyperscaler-base', ranges: [{ path: 'finance.wacc', lo: 0.2, hi: 0.1 }], drivers: ['site.nothing'] });
    expect(badPaths.status).toBe(400);
    expect(badPaths.body.issues.map((i: { path: string }) => i.path)).toEqual(['site.nothing']);
    const badRange = await postJson(t.app, '/api/tornado', { id: 'hyperscaler-base', ranges: [{ path: 'finance.wacc', lo: 0.2, hi: 0.1 }] });
    expect(badRange.status).toBe(400);
    expect(badRange.body.issues[0]).toMatchObject({ path: 'finance.wacc', code: 'bad_range' });
  });
  it('POST /api/grid with two axes; too many cells or a bad axis is 400', async () => {
    const r = await postJson(t.app, '/api/grid', {
      id: 'neocloud-base',
      x: { path: 'demand.utilization', lo: 0.5, hi: 0.85, n: 5 },
      y: { path: 'site.power.pricePerMWh', lo: 40, hi: 120, n: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body.values).toHaveLength(3);
    expect(r.body.values[0]).toHaveLength(5);
    expect(r.body.target.text).toBe('npv>=0');
    const big = await postJson(t.app, '/api/grid', { id: 'neocloud-base', x: { path: 'demand.utilization', lo: 0.5, hi: 0.9, n: 201 }, y: { path: 'finance.wacc', lo: 0.05, hi: 0.15, n: 201 } });
    expect(big.status).toBe(400);
    expect(big.body.issues[0]).toMatchObject({ path: 'y.n', code: 'too_big' });
    const bad = await postJson(t.app, '/api/grid', { id: 'neocloud-base', x: { path: 'demand.utilization', lo: 0.9, hi: 0.5, n: 5 }, y: { path: 'demand.utilization', lo: 0.5, hi: 0.9, n: 5 }, target: 'npv>=' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.some((i: { path: string }) => i.path === 'target')).toBe(true);
    const noX = await postJson(t.app, '/api/grid', { id: 'neocloud-base', y: { path: 'finance.wacc', lo: 0.05, hi: 0.15, n: 3 } });
    expect(noX.body.issues[0].path).toBe('x');
  });
});

describe('What has to work at the same time', () => {
  it('POST /api/designpoint gives what the library gives (default uncertainty, n up to the limit)', async () => {
    const r = await postJson(t.app, '/api/designpoint', { id: 'neocloud-base', version: 0, n: 2000, seed: 5 });
    expect(r.status).toBe(200);
    const { designPoint } = await import('../src/analysis/design-point.ts');
    const { uncertaintyFor } = await import('../src/analysis/default-uncertainty.ts');
    const { readScenarioFile } = await import('../src/io/files.ts');
    const s = readScenarioFile('neocloud-base');
    if (!s.ok) throw new Error('neocloud-base');
    const direct = designPoint(s.scenario, { n: 2000, seed: 5, distributions: uncertaintyFor(s.scenario).distributions });
    expect(r.body).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(r.body.monteCarlo.n).toBe(2000);
    const dflt = await postJson(t.app, '/api/designpoint', { id: 'neocloud-base', version: 0, n: 0 });
    expect(dflt.body.monteCarlo).toBeNull();
    expect(dflt.body.beta).toBe(r.body.beta);
  });
  it('designpoint: an unreachable target is a 400 with the closest point; a bad target, more samples than the limit', async () => {
    const r = await postJson(t.app, '/api/designpoint', { id: 'neocloud-base', n: 0, target: 'npv>=1T' });
    expect(r.status).toBe(400);
    expect(r.body.issues[0]).toMatchObject({ path: 'target', code: 'unreachable_target' });
    expect(r.body.issues[0].message).toContain('the closest point found gives npv =');
    const bad = await postJson(t.app, '/api/designpoint', { id: 'neocloud-base', n: 0, target: 'npv>0' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe('target');
    expect((await postJson(t.app, '/api/designpoint', { id: 'neocloud-base', n: 5001 })).status).toBe(413);
  });
  it('POST /api/conditions: the eight conditions, reproducible for a seed', async () => {
    const a = await postJson(t.app, '/api/conditions', { id: 'hyperscaler-base', n: 2000, seed: 4 });
    expect(a.status).toBe(200);
    expect(a.body.conditions).toHaveLength(8);
    expect(a.body.n).toBe(2000);
    const b = await postJson(t.app, '/api/conditions', { id: 'hyperscaler-base', n: 2000, seed: 4 });
    expect(b.body).toEqual(a.body);
    expect((await postJson(t.app, '/api/conditions', { id: 'hyperscaler-base' })).body.n).toBe(5000);
  });
});

describe('Monte Carlo', () => {
  const dist = { 'demand.utilization': { dist: 'pert', min: 0.5, mode: 0.75, max: 0.9 } };
  it('POST /api/mc runs in a worker and gives what the library gives, to the bit', async () => {
    const r = await postJson(t.app, '/api/mc', { id: 'neocloud-base', version: 0, n: 2000, seed: 7, lhs: true, dist });
    expect(r.status).toBe(200);
    expect(r.body.summary.n).toBe(2000);
    expect(r.body.summary.sampling).toBe('latin-hypercube');
    const { monteCarlo } = await import('../src/analysis/monte-carlo.ts');
    const { readScenarioFile } = await import('../src/io/files.ts');
    const s = readScenarioFile('neocloud-base');
    if (!s.ok) throw new Error('neocloud-base');
    // no uncertainty block of its own: the default every surface uses, with `dist` replacing its utilization
    const { withEffectiveUncertainty } = await import('../src/analysis/default-uncertainty.ts');
    const direct = monteCarlo(withEffectiveUncertainty(s.scenario), { n: 2000, seed: 7, lhs: true, distributions: dist as never });
    expect(r.body.summary).toEqual(JSON.parse(JSON.stringify(direct.summary)));
    const strings = await postJson(t.app, '/api/mc', { id: 'neocloud-base', version: 0, n: 2000, seed: 7, lhs: true, dist: ['demand.utilization=pert:0.5,0.75,0.9'] });
    expect(strings.body.summary).toEqual(r.body.summary);
  });
  it('more samples than the limit is a 413 naming it', async () => {
    const r = await postJson(t.app, '/api/mc', { id: 'neocloud-base', n: 5001, dist });
    expect(r.status).toBe(413);
    expect(r.body.issues[0]).toMatchObject({ path: 'n' });
    expect(r.body.issues[0].message).toContain('5000');
  });
  it('bad options are a 400 with every issue, before any worker starts', async () => {
    // without a block of its own or a dist, the default uncertainty runs (MODEL.md §5)
    const none = await postJson(t.app, '/api/mc', { id: 'neocloud-base', n: 100 });
    expect(none.status).toBe(200);
    expect(none.body.summary.drivers.map((d: { path: string }) => d.path)).toContain('site.power.pricePerMWh');
    const bad = await postJson(t.app, '/api/mc', { id: 'neocloud-base', n: 100, dist: ['demand.utilization=pert:0.9,0.5', 'nonsense'] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(['dist[0]', 'dist[1]']);
    const badPath = await postJson(t.app, '/api/mc', { id: 'neocloud-base', n: 100, dist: { 'site.nothing': { dist: 'uniform', min: 1, max: 2 } } });
    expect(badPath.status).toBe(400);
    const zero = await postJson(t.app, '/api/mc', { id: 'neocloud-base', n: 0, dist });
    expect(zero.status).toBe(400);
    expect(zero.body.issues[0].path).toBe('n');
  });
  it('a run past its time budget is stopped (422); past the queue, 429; the pool recovers', async () => {
    const pool = new WorkerPool({ size: 1, queueMax: 1 });
    // refuseMillis, jobBytes: Infinity, so that the run starts (its estimates are over the budget) and the timer stops it
    const s = await testApp({ limits: { bodyBytes: 100_000, mcSamples: 2_000_000, mcMillis: 400, mcConcurrent: 1, refuseMillis: Infinity, jobBytes: Infinity }, pool });
    try {
      const slow = postJson(s.app, '/api/mc', { id: 'hyperscaler-base', n: 2_000_000, dist });
      await new Promise((r) => setTimeout(r, 50));
      const queued = postJson(s.app, '/api/mc', { id: 'hyperscaler-base', n: 2_000_000, dist });
      await new Promise((r) => setTimeout(r, 50));
      const busy = await postJson(s.app, '/api/mc', { id: 'hyperscaler-base', n: 10, dist });
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toBe('2');
      const r = await slow;
      expect(r.status).toBe(422);
      expect(r.body.error).toContain('time budget of 400 ms');
      expect(r.body.issues[0]).toMatchObject({ path: 'n', code: 'time_budget' });
      expect((await queued).status).toBe(422);
      // a new worker takes the next job
      expect((await postJson(s.app, '/api/mc', { id: 'hyperscaler-base', n: 100, dist })).status).toBe(200);
    } finally {
      await pool.close();
      await s.close();
    }
  });
});

describe('downloads', () => {
  it('POST /api/report gives an HTML attachment', async () => {
    const res = await t.app.request('/api/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'neocloud-base' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="neocloud-base-report.html"');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(NOW.toISOString());
    const bad = await postJson(t.app, '/api/report', { ids: ['nope'] });
    expect(bad.status).toBe(404);
    expect(bad.body.issues[0].path).toBe('ids[0]');
    const tooMany = await postJson(t.app, '/api/report', { id: 'neocloud-base', mc: 5001 });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.issues[0].path).toBe('mc');
  });
  it('with mc, the report carries the Monte Carlo section', async () => {
    const res = await t.app.request('/api/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml: WORKED, mc: 400, seed: 3 }) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Monte Carlo');
    expect(html).toContain('P(npv');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="worked-example-report.html"');
  });
  it('POST /api/export/xlsx gives a workbook', async () => {
    const res = await t.app.request('/api/export/xlsx', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hyperscaler-base' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="hyperscaler-base.xlsx"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['Inputs', 'Model', 'Summary']));
    expect((await postJson(t.app, '/api/export/xlsx', { yaml: BROKEN })).status).toBe(400);
  });
});

describe('security and limits', () => {
  it('security headers on API and dashboard responses', async () => {
    for (const path of ['/api/health', '/']) {
      const res = await t.app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
  it('a body over the limit is a 413', async () => {
    const r = await postJson(t.app, '/api/validate', { yaml: 'x'.repeat(250_000) });
    expect(r.status).toBe(413);
    expect(r.body.error).toContain('200000 bytes');
    // without a content-length (streamed), too
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(JSON.stringify({ yaml: 'y'.repeat(250_000) })));
        c.close();
      },
    });
    const res = await t.app.request('/api/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });
  it('while no token is set, a request naming a non-loopback host is refused (DNS rebinding)', async () => {
    const res = await t.app.request('http://evil.example:8080/api/health');
    expect(res.status).toBe(403);
    expect((await t.app.request('http://127.0.0.1:8080/api/health')).status).toBe(200);
    expect((await t.app.request('http://[::1]:8080/api/health')).status).toBe(200);
  });
});

describe('the token on writes', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testApp({ requireToken: true, token: 's3cret-token' });
  });
  afterAll(async () => {
    await s.close();
  });
  it('a write without the token (or with a wrong one) is refused; with it, accepted', async () => {
    const none = await postJson(s.app, '/api/scenarios', { yaml: WORKED });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body.error).toMatch(/Authorization: Bearer/);
    const wrong = await postJson(s.app, '/api/scenarios', { yaml: WORKED }, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(await s.store.scenarioVersions('worked-example')).toEqual([]);
    const ok = await postJson(s.app, '/api/scenarios', { yaml: WORKED }, { authorization: 'Bearer s3cret-token' });
    expect(ok.status).toBe(201);
  });
  it('reads and computations need no token', async () => {
    expect((await getJson(s.app, '/api/scenarios')).status).toBe(200);
    expect((await postJson(s.app, '/api/run', { id: 'neocloud-base' })).status).toBe(200);
    expect((await getJson(s.app, '/api/health')).body.auth).toEqual({ writesNeedToken: true });
    const doc = await getJson(s.app, '/api/openapi.json');
    expect(doc.body.paths['/api/scenarios'].post.security).toEqual([{ bearer: [] }]);
  });
  it('the DNS-rebinding guard holds with a token too: a name not allowed is refused on reads and computations', async () => {
    // before: with a token set the Host check was off, and a rebinding page read and computed freely
    for (const host of ['evil.example', 'evil.example:8080', 'payback.example.com']) {
      const read = await s.app.request(`http://${host}/api/scenarios`);
      expect(read.status, host).toBe(403);
      expect(((await read.json()) as { error: string }).error).toMatch(/DNS rebinding.*--allowed-host/);
      const run = await s.app.request(`http://${host}/api/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"neocloud-base"}' });
      expect(run.status, host).toBe(403);
    }
    // loopback, and the addresses it is reached at (rebinding needs a name), are answered
    for (const host of ['127.0.0.1:8080', 'localhost', '[::1]:8080', '10.0.0.5:8080', '[2001:db8::1]']) {
      expect((await s.app.request(`http://${host}/api/scenarios`)).status, host).toBe(200);
    }
    // and the names it is told to answer to
    const named = await testApp({ requireToken: true, token: 's3cret-token', allowedHosts: ['Payback.Example.com'] });
    try {
      expect((await named.app.request('http://payback.example.com:443/api/scenarios')).status).toBe(200);
      expect((await named.app.request('http://payback.example.com./api/scenarios')).status).toBe(200);
      expect((await named.app.request('http://evil.example/api/scenarios')).status).toBe(403);
    } finally {
      await named.close();
    }
  });
  it('requireToken without a token is a configuration error', async () => {
    await expect(testApp({ requireToken: true })).rejects.toThrow(/requireToken needs a token/);
  });
});

describe('the dashboard', () => {
  it('says how to build it when it is not built', async () => {
    const res = await t.app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build:web');
    expect((await t.app.request('/', { method: 'HEAD' })).status).toBe(200);
  });
  it('serves the built files, with index.html for app routes, and 404 for missing assets', async () => {
    const web = join(t.dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    const { createApp } = await import('../src/server/app.ts');
    const app = createApp({ catalog: catalog(), clock: () => NOW, requireToken: false, limits: { bodyBytes: 1000, mcSamples: 10, mcMillis: 1000 }, webDir: web });
    const index = await app.request('/');
    expect(await index.text()).toContain('assets/app.js');
    const route = await app.request('/explore/neocloud-base?u=0.7');
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toMatch(/^text\/html/);
    const js = await app.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/missing.js')).status).toBe(404);
    expect((await app.request('/../../etc/passwd')).status).not.toBe(500);
    expect(await (await app.request('/%2e%2e/%2e%2e/etc/passwd')).text()).not.toContain('root:');
  });
  it('sends text files compressed when the browser accepts it: the build\'s brotli or gzip twin, else gzip made once; small files and other types as they are', async () => {
    const web = join(t.dir, 'web-compressed');
    mkdirSync(join(web, 'assets'), { recursive: true });
    const js = `export const x = [${Array.from({ length: 2000 }, (_, i) => i).join(',')}];\n`;
    const css = `body { margin: 0; }\n${'.a { color: red; }\n'.repeat(200)}`;
    writeFileSync(join(web, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
    writeFileSync(join(web, 'assets', 'app.js'), js);
    writeFileSync(join(web, 'assets', 'app.js.br'), brotliCompressSync(js));
    writeFileSync(join(web, 'assets', 'app.js.gz'), gzipSync(js));
    writeFileSync(join(web, 'assets', 'app.css'), css);
    writeFileSync(join(web, 'assets', 'tiny.js'), 'console.log(1)');
    writeFileSync(join(web, 'assets', 'pic.png'), Buffer.alloc(4096, 1));
    const { createApp } = await import('../src/server/app.ts');
    const app = createApp({ catalog: catalog(), clock: () => NOW, requireToken: false, limits: { bodyBytes: 1000, mcSamples: 10, mcMillis: 1000 }, webDir: web });
    const get = (path: string, enc?: string) => app.request(path, enc === undefined ? {} : { headers: { 'accept-encoding': enc } });
    const body = async (r: Response): Promise<Buffer> => Buffer.from(await r.arrayBuffer());

    const br = await get('/assets/app.js', 'gzip, deflate, br');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(br.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(br.headers.get('cache-control')).toContain('immutable');
    expect(brotliDecompressSync(await body(br)).toString()).toBe(js);
    // the browser's preference by q-value; q=0 refuses
    const gz = await get('/assets/app.js', 'br;q=0.5, gzip');
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(await body(gz)).toString()).toBe(js);
    expect((await get('/assets/app.js', 'br;q=0, gzip;q=0')).headers.get('content-encoding')).toBeNull();
    const plain = await get('/assets/app.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect((await body(plain)).toString()).toBe(js);
    // no twin: gzip made here (the same bytes the next time), never brotli made on the spot
    const made = await get('/assets/app.css', 'br, gzip');
    expect(made.headers.get('content-encoding')).toBe('gzip');
    const madeBytes = await body(made);
    expect(gunzipSync(madeBytes).toString()).toBe(css);
    expect(await body(await get('/assets/app.css', 'gzip'))).toEqual(madeBytes);
    expect((await get('/assets/app.css', 'br')).headers.get('content-encoding')).toBeNull();
    // a twin older than its file is not used
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(web, 'assets', 'app.js'), later, later);
    const stale = await get('/assets/app.js', 'br');
    expect(stale.headers.get('content-encoding')).toBeNull();
    expect((await body(stale)).toString()).toBe(js);
    // small files and binary types as they are
    expect((await get('/assets/tiny.js', 'br, gzip')).headers.get('content-encoding')).toBeNull();
    expect((await get('/assets/pic.png', 'br, gzip')).headers.get('content-encoding')).toBeNull();
    expect((await get('/explore', 'br, gzip')).headers.get('content-type')).toMatch(/^text\/html/);
  });
  it('without a store, saving answers 503 and reads still work', async () => {
    const { createApp } = await import('../src/server/app.ts');
    const app = createApp({ catalog: catalog(), clock: () => NOW, requireToken: false, limits: { bodyBytes: 100_000, mcSamples: 10, mcMillis: 1000 } });
    expect((await postJson(app, '/api/scenarios', { yaml: WORKED })).status).toBe(503);
    expect((await getJson(app, '/api/scenarios')).body.scenarios).toHaveLength(5);
    expect((await getJson(app, '/api/health')).body.store).toBeNull();
  });
});
