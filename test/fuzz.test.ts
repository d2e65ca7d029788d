/**
 * The fuzz suite: thousands of generated mutations of the built-in scenarios
 * (fast-check, seeded, so a failure replays) through load → evaluate → payback
 * stack and breakeven, and a set of hostile bodies through the API. Nothing
 * may crash or hang (each case well under 2 s), no output may hold NaN or
 * ±Infinity, bad input is refused with issues that name where (exit 2 / HTTP
 * 400), and the server still answers afterwards. Bounded: the whole file runs
 * in well under a minute.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakeven } from '../src/analysis/breakeven.ts';
import { paybackStack } from '../src/analysis/payback-stack.ts';
import { evaluate } from '../src/model/engine.ts';
import { formatPath } from '../src/model/issues.ts';
import { loadScenarioText, resolveScenario } from '../src/model/load.ts';
import { DEFAULT_LIMITS } from '../src/server/app.ts';
import { budgetOf, cellsOf, workloadOf } from '../src/server/budget.ts';
import { base, BUILT_INS, catalog, nonFinitePaths, readYaml } from './helpers.ts';
import { getJson, postJson, type TestServer, testApp } from './server-helpers.ts';

/** The seed of every run: change it to explore, keep it to replay. */
const SEED = 20_261_207;
const MUTATIONS = 5_000;
/** No case may take this long (a hang, or a blow-up of the work). */
const CASE_MS = 2_000;

type Path = (string | number)[];

/** Every path of a value: its leaves and its containers (a container may be replaced whole). */
function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

const BASES = [...BUILT_INS.map((id) => base(id)), readYaml('test/fixtures/worked-example.yaml') as Record<string, unknown>];
const BASE_PATHS = BASES.map((b) => pathsOf(b));
/** The paths of numbers: most mutations keep the type and push the value to an edge, so they get past the schema into the engine. */
const NUMBER_PATHS = BASES.map((b, i) => (BASE_PATHS[i] as Path[]).filter((p) => typeof p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], b) === 'number'));

const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 50, 51, 1e6, 1e15, 2e15, 1e308, -1e308, 5e-324, 1e-300, -1, -0.999999, 0.999999, 1.000001, 10, 100),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Values that have broken parsers and engines: out of range, the wrong type, the edges of a double. */
const hostileValue = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom<unknown>(-1, 0, -0, 0.5, 1, 1.5, 2, 10, 50, 51, 100, 1e6, 1e15, 2e15, 2e8, 1e308, -1e308, 5e-324, -5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e-300) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(Infinity, -Infinity, Number.NaN) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, '', 'abc', '1e3', '0x10', [], {}, [1, 2], [0.5, 2, -1], [1e308, 1e308], { x: 1 }, 'own', 'rent', 'lease', 'none') },
  { weight: 3, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

type Mutation = { op: 'set'; path: Path; value: unknown } | { op: 'delete'; path: Path } | { op: 'add'; path: Path; key: string; value: unknown };

const mutationOf = (paths: Path[], numbers: Path[]): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...numbers), value: edgeNumber }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }) },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('add' as const), path: fc.constantFrom<Path>([], ...paths), key: fc.constantFrom('unknown', '__proto__', 'constructor', 'id', 'termYears', 'uncertainty'), value: hostileValue }),
    },
  );

const caseArb = fc.integer({ min: 0, max: BASES.length - 1 }).chain((b) =>
  fc.record({
    base: fc.constant(b),
    mutations: fc.array(mutationOf(BASE_PATHS[b] as Path[], NUMBER_PATHS[b] as Path[]), { minLength: 1, maxLength: 3 }),
    asText: fc.integer({ min: 0, max: 9 }).map((k) => k === 0),
  }),
);

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root as Record<string | number, unknown> | undefined;
  for (const seg of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[seg] as Record<string | number, unknown> | undefined;
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}

function apply(root: Record<string, unknown>, m: Mutation): void {
  if (m.op === 'add') {
    const target = (m.path.length === 0 ? root : parentOf(root, [...m.path, '_'])) as Record<string, unknown> | undefined;
    const node = m.path.length === 0 ? root : (target?.[m.path[m.path.length - 1] as string] as Record<string, unknown> | undefined);
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    return;
  }
  const parent = parentOf(root, m.path);
  const key = m.path[m.path.length - 1] as string | number;
  if (parent === undefined) return;
  if (m.op === 'delete') {
    if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
    else delete parent[key];
  } else parent[key] = m.value;
}

const top = (p: string): string => p.split(/[.[]/)[0] ?? '';

/** Time one step; past CASE_MS it is a hang. */
function timed<T>(what: string, fn: () => T, ms: number[]): T {
  const t0 = performance.now();
  const out = fn();
  const dt = performance.now() - t0;
  ms.push(dt);
  if (dt > CASE_MS) throw new Error(`${what} took ${dt.toFixed(0)} ms (over ${CASE_MS} ms)`);
  return out;
}

describe('fuzz: generated scenario mutations', () => {
  it(`${MUTATIONS.toLocaleString('en-US')} mutations through load → evaluate → stack/breakeven: no crash, no hang, no NaN or Infinity, issues with paths`, () => {
    const cat = catalog();
    const limits = budgetOf(DEFAULT_LIMITS);
    const stats = { refused: 0, refusedNamed: 0, refusedBySize: 0, evaluated: 0, stacks: 0, breakevens: 0, viaText: 0 };
    const times: number[] = [];
    fc.assert(
      fc.property(caseArb, (c) => {
        const raw = structuredClone(BASES[c.base]) as Record<string, unknown>;
        for (const m of c.mutations) apply(raw, m);
        if (c.asText) stats.viaText++;
        const r = timed('load', () => (c.asText ? loadScenarioText(stringify(raw), cat, { file: 'fuzz.yaml' }) : resolveScenario(raw, cat)), times);
        if (!r.ok) {
          stats.refused++;
          expect(r.issues.length).toBeGreaterThan(0);
          for (const i of r.issues) {
            expect(typeof i.path).toBe('string');
            expect(typeof i.message).toBe('string');
            expect(i.message.length).toBeGreaterThan(0);
          }
          // the issues name where: the part of the scenario a mutation touched, or a rule across fields
          const touched = c.mutations.map((m) => top(formatPath(m.path, BASES[c.base])));
          if (r.issues.some((i) => touched.includes(top(i.path)) || i.path !== '')) stats.refusedNamed++;
          expect(nonFinitePaths(r.issues)).toEqual([]);
          return;
        }
        // what the server would refuse as too large, it does not evaluate (the loader's bounds refuse it first once they are in)
        if (cellsOf(workloadOf(r.scenario)) > limits.scenarioCells) {
          stats.refusedBySize++;
          return;
        }
        stats.evaluated++;
        const result = timed('evaluate', () => evaluate(r.scenario), times);
        expect(nonFinitePaths(result)).toEqual([]);
        // every null of a non-finite value comes with a warning that names it
        for (const w of result.warnings) expect(typeof w.message).toBe('string');
        if (stats.evaluated % 4 === 0) {
          stats.stacks++;
          expect(nonFinitePaths(timed('stack', () => paybackStack(r.scenario), times))).toEqual([]);
        }
        if (stats.evaluated % 15 === 0) {
          stats.breakevens++;
          const b = timed('breakeven', () => breakeven(r.scenario, { drivers: ['demand.utilization', 'finance.wacc'] }), times);
          expect(nonFinitePaths(b)).toEqual([]);
          for (const row of b.rows) if (row.change !== null && row.changePct === null) expect(b.warnings.map((w) => w.field)).toContain(row.path);
        }
      }),
      { seed: SEED, numRuns: MUTATIONS, endOnFailure: true },
    );
    const slowest = Math.max(...times);
    console.log(
      `fuzz: ${MUTATIONS} mutations (${stats.viaText} as YAML text): ${stats.refused} refused by the loader (${stats.refusedNamed} naming a path), ` +
        `${stats.refusedBySize} too large for the server, ${stats.evaluated} evaluated, ${stats.stacks} stacks, ${stats.breakevens} breakevens; slowest step ${slowest.toFixed(0)} ms`,
    );
    expect(stats.refused + stats.evaluated + stats.refusedBySize).toBe(MUTATIONS);
    expect(stats.evaluated).toBeGreaterThan(MUTATIONS / 20);
    expect(stats.refused).toBeGreaterThan(MUTATIONS / 10);
    expect(stats.refusedNamed).toBe(stats.refused);
    // nothing prototype-polluted
    expect(({} as Record<string, unknown>)['unknown']).toBeUndefined();
  }, 120_000);
});

describe('fuzz: hostile API bodies', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testApp({ limits: { bodyBytes: 2_000_000, mcSamples: 20_000, mcMillis: 10_000, mcConcurrent: 2 } });
  });
  afterAll(async () => {
    await t.close();
  });

  const deep = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v];
    return v;
  };
  const worked = (): Record<string, unknown> => readYaml('test/fixtures/worked-example.yaml') as Record<string, unknown>;
  const raw = (path: string, body: string, type = 'application/json') => ({ path, body, type });
  const json = (path: string, body: unknown) => raw(path, JSON.stringify(body));

  const bodies = [
    raw('/api/run', '{"id": "neocloud-base",'),
    raw('/api/run', ''),
    raw('/api/run', 'id=neocloud-base', 'application/x-www-form-urlencoded'),
    raw('/api/run', '{"id":"neocloud-base"}', 'text/plain'),
    raw('/api/run', `{"scenario": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    raw('/api/run', `{"scenario": ${'['.repeat(5_000)}1${']'.repeat(5_000)}}`),
    json('/api/run', { scenario: deep(500) }),
    json('/api/run', { scenario: null }),
    json('/api/run', { scenario: [] }),
    json('/api/run', { scenario: 'neocloud-base' }),
    json('/api/run', { id: '../../../etc/passwd' }),
    json('/api/run', { id: 'neocloud-base', version: -1 }),
    json('/api/run', { id: 'neocloud-base', version: 1e300 }),
    json('/api/run', { id: 'neocloud-base', yaml: 'id: x' }),
    json('/api/run', { yaml: 'site: { itMW: .inf, pue: .nan }' }),
    json('/api/run', { yaml: `a: &a ["${'z'.repeat(100_000)}"]\nb: [${Array.from({ length: 40 }, () => '*a').join(', ')}]` }),
    json('/api/run', { yaml: '\u0000\u0001\u0002' }),
    json('/api/run', { yaml: 'id: x\n'.repeat(50_000) }),
    json('/api/run', { __proto__: { polluted: true }, id: 'neocloud-base' }),
    raw('/api/run', '{"__proto__": {"polluted": true}, "scenario": {"__proto__": {"polluted": true}}}'),
    json('/api/run', { scenario: { ...worked(), site: { ...(worked()['site'] as object), itMW: 1e308 } } }),
    json('/api/run', { scenario: { ...worked(), horizon: { startYear: 2026, years: 1e9 } } }),
    json('/api/compare', { ids: Array.from({ length: 5_000 }, () => 'neocloud-base') }),
    json('/api/compare', { ids: ['nope', 42, null] }),
    json('/api/stack', { scenario: { ...worked(), finance: { wacc: -0.999999 } } }),
    json('/api/advantages', { id: 'neocloud-base', vs: { yaml: 'nope: [' } }),
    json('/api/breakeven', { id: 'neocloud-base', target: 'npv>=1e309' }),
    json('/api/breakeven', { id: 'neocloud-base', target: 'irr>=wacc'.repeat(1000) }),
    json('/api/breakeven', { id: 'neocloud-base', drivers: Array.from({ length: 1_000 }, (_, i) => `x${i}`) }),
    json('/api/tornado', { id: 'neocloud-base', swing: 1e308 }),
    json('/api/tornado', { id: 'neocloud-base', ranges: [{ path: 'finance.wacc', lo: 1e308, hi: -1e308 }] }),
    json('/api/grid', { id: 'neocloud-base', x: { path: 'finance.wacc', lo: 0, hi: 1, n: 1e9 }, y: { path: 'demand.utilization', lo: 0, hi: 1, n: 1e9 } }),
    json('/api/grid', { id: 'neocloud-base', x: { path: 'finance.wacc', lo: -1e308, hi: 1e308, n: 3 }, y: { path: 'finance.wacc', lo: 0, hi: 1, n: 3 } }),
    json('/api/internal', { id: 'neocloud-base', steps: 1e9 }),
    json('/api/mc', { id: 'neocloud-base', n: 1e300 }),
    json('/api/mc', { id: 'neocloud-base', n: -5, seed: 2 ** 60, bins: 0 }),
    json('/api/mc', { id: 'neocloud-base', n: 100, dist: ['site.power.pricePerMWh=normal:80,1e308'] }),
    json('/api/mc', { id: 'neocloud-base', n: 100, dist: ['nonsense', 'a=b:c', '=', 'site.power.pricePerMWh=uniform:100,50'] }),
    json('/api/mc', { id: 'neocloud-base', n: 100, dist: { 'site.power.pricePerMWh': { dist: 'triangular', min: 1, mode: 0, max: -1 } } }),
    json('/api/mc', {
      id: 'neocloud-base',
      n: 100,
      dist: ['site.power.pricePerMWh=uniform:50,100', 'finance.wacc=uniform:0.05,0.2'],
      correlation: { paths: ['site.power.pricePerMWh', 'finance.wacc'], matrix: [[1, 2], [2, 1]] },
    }),
    json('/api/report', { ids: Array.from({ length: 200 }, () => 'neocloud-base'), mc: 20_000 }),
    json('/api/validate', { yaml: 42 }),
    json('/api/validate', { yaml: `x: ${'['.repeat(20_000)}` }),
    json('/api/scenarios', { yaml: 'id: "../x"' }),
    json('/api/observations', { signal: 'power-price', scope: 'x', date: '2025-02-30', value: 1e400, unit: '$/MWh', source: 's' }),
    json('/api/observations', { signal: 'power-price', scope: 'x'.repeat(100_000), date: '2025-01-01', value: 'NaN', unit: '$/MWh', source: 's' }),
    raw('/api/observations/import', `signal,scope,date,value,unit,source\n${'power-price,x,2025-01-01,1e999,$/MWh,s\n'.repeat(100)}`, 'text/csv'),
    raw('/api/observations/import', '\uFEFF\u0000,,,\n"unterminated', 'text/csv'),
    raw('/api/observations/import', `[${'{},'.repeat(10_000)}{}]`),
  ];

  it(`${bodies.length} hostile bodies: never a 500, every issue with a path, nothing polluted, and the server still answers`, async () => {
    const statuses: Record<number, number> = {};
    for (const b of bodies) {
      const t0 = performance.now();
      const res = await t.app.request(b.path, { method: 'POST', headers: { 'content-type': b.type }, body: b.body });
      const ms = performance.now() - t0;
      const text = await res.text();
      const label = `${b.path} ${b.body.slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      expect(res.status, label).toBeLessThan(500);
      expect(ms, label).toBeLessThan(15_000);
      if (res.headers.get('content-type')?.includes('json')) {
        const body = JSON.parse(text) as { error?: string; issues?: { path: unknown; message: unknown }[] };
        expect(nonFinitePaths(body), label).toEqual([]);
        if (res.status >= 400) {
          expect(typeof body.error, label).toBe('string');
          for (const i of body.issues ?? []) {
            expect(typeof i.path, label).toBe('string');
            expect(typeof i.message, label).toBe('string');
          }
        }
        if (res.status === 400) expect(body.issues?.length ?? 0, label).toBeGreaterThan(0);
      }
      expect(({} as Record<string, unknown>)['polluted'], label).toBeUndefined();
    }
    console.log(`fuzz: ${bodies.length} hostile bodies answered ${JSON.stringify(statuses)}`);
    const h = await getJson(t.app, '/api/health');
    expect(h.status).toBe(200);
    expect(h.body.store).toMatchObject({ state: 'up' });
    expect((await postJson(t.app, '/api/run', { id: 'neocloud-base' })).status).toBe(200);
  }, 120_000);
});
