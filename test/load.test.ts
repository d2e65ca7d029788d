import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinScenarioIds, dataDir, loadCatalog, readScenarioFile, writeFileAtomic } from '../src/io/files.ts';
import { didYouMean, formatIssue, formatIssues, formatPath, type Issue } from '../src/model/issues.ts';
import { portfolioSchema } from '../src/model/portfolio-schema.ts';
import { scenarioSchema } from '../src/model/schema.ts';
import {
  loadScenarioText,
  parseCatalogText,
  parseScenarioText,
  parseYamlText,
  type ResolvedScenario,
  resolveScenario,
  scenarioJsonSchema,
} from '../src/model/load.ts';

const catalog = loadCatalog();
const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const BUILTINS = ['frontier-lab-base', 'hyperscaler-base', 'neocloud-base', 'private-ai-factory-base'];

function builtinText(id: string): string {
  return readFileSync(join(dataDir(), 'scenarios', `${id}.yaml`), 'utf8');
}
function builtin(id: string): ResolvedScenario {
  const r = loadScenarioText(builtinText(id), catalog, { file: `${id}.yaml` });
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.scenario;
}
function rawBuiltin(id: string): Record<string, unknown> {
  return parseScenarioText(builtinText(id)).value as Record<string, unknown>;
}
/** Resolve, or fail the test with the issues as text. */
function mustResolve(raw: unknown): ResolvedScenario {
  const r = resolveScenario(raw, catalog);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.scenario;
}
const byPath = (issues: Issue[], path: string): Issue | undefined => issues.find((i) => i.path === path);

describe('built-in scenarios', () => {
  it('are all listed', () => {
    for (const id of BUILTINS) expect(builtinScenarioIds()).toContain(id);
  });

  it.each(BUILTINS)('%s loads with no error and no warning', (id) => {
    const r = readScenarioFile(id, catalog);
    expect(r.ok ? [] : formatIssues(r.issues)).toEqual([]);
    expect(formatIssues(r.warnings)).toBe('');
  });

  it.each(BUILTINS)('%s resolves idempotently', (id) => {
    const once = builtin(id);
    const twice = mustResolve(structuredClone(once));
    expect(twice).toEqual(once);
    // and through JSON, as the result contract carries it
    expect(mustResolve(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
});

describe('a broken scenario', () => {
  const text = readFileSync(fixturePath('broken.yaml'), 'utf8');

  it('reports every problem at once, each with path and line:column', () => {
    const r = loadScenarioText(text, catalog, { file: 'broken.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    for (const issue of r.issues) {
      expect(issue.path).not.toBe('');
      expect(issue.line).toBeGreaterThan(0);
      expect(issue.column).toBeGreaterThan(0);
      expect(issue.file).toBe('broken.yaml');
    }
    expect(byPath(r.issues, 'site.itMW')).toMatchObject({ line: 6, column: 3, code: 'invalid_type' });
    expect(byPath(r.issues, 'demand.utilisation')?.message).toContain('did you mean "utilization"?');
    expect(byPath(r.issues, 'site.facility.mode')?.code).toBe('mode_mismatch');
    expect(byPath(r.issues, 'fleet.accelerator')?.message).toContain('did you mean "gb200"?');
    expect(r.issues.some((i) => i.code === 'share_sum')).toBe(true);
    expect(formatIssues(r.issues)).toMatchInlineSnapshot(`
      "broken.yaml:6:3 site.itMW: expected a number in (0, 1e6], got "a lot"
      broken.yaml:9:5 site.facility.mode: fleet.mode is rent, so site.facility.mode must be none (rented capacity comes with its facility), got "lease"
      broken.yaml:14:3 fleet.accelerator: unknown accelerator "gb20" (did you mean "gb200"?); the catalog has h100, h200, b200, b300, gb200, gb300, mi300x, mi355x
      broken.yaml:18:3 demand.utilisation: unknown key "utilisation" (did you mean "utilization"?)
      broken.yaml:26:25 demand.segments[free].tokenShare[1]: shares of all segments sum to 1.10 in 2027–2028 (years 2–3), expected 1 (±1e-6)"
    `);
  });

  it('gets line:column as JSON too', () => {
    const json = JSON.stringify(parseScenarioText(text).value, null, 2);
    const fromJson = loadScenarioText(json, catalog, { file: 'broken.json' });
    const fromYaml = loadScenarioText(text, catalog, { file: 'broken.yaml' });
    if (fromJson.ok || fromYaml.ok) throw new Error('expected both to fail');
    expect(fromJson.issues.map((i) => [i.path, i.message])).toEqual(fromYaml.issues.map((i) => [i.path, i.message]));
    for (const issue of fromJson.issues) expect(issue.line).toBeGreaterThan(1);
    const lines = json.split('\n');
    const itMW = byPath(fromJson.issues, 'site.itMW');
    expect(lines[(itMW?.line ?? 0) - 1]?.slice((itMW?.column ?? 0) - 1)).toMatch(/^"itMW": "a lot"/);
  });

  it('carries the file name when read from disk', () => {
    const r = readScenarioFile('test/fixtures/broken.yaml', catalog);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.every((i) => i.file === 'test/fixtures/broken.yaml')).toBe(true);
  });
});

describe('YAML syntax errors', () => {
  it('come with line and column, all of them', () => {
    const r = loadScenarioText('id: x\nsite:\n  itMW: 1\n  itMW: 2\nfleet: [1, 2\ndemand: {}\n', catalog, { file: 's.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toMatchInlineSnapshot(`
      "s.yaml:4:3: duplicate key "itMW"
      s.yaml:6:1: syntax error: flow sequence in block collection must be sufficiently indented and end with a ]"
    `);
  });

  it('in JSON too', () => {
    const r = loadScenarioText('{\n  "id": "x",\n  "site": { "itMW": 1 \n', catalog);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });
});

describe('issue details', () => {
  const base = () => rawBuiltin('hyperscaler-base') as Record<string, Record<string, unknown>>;
  const problems = (raw: unknown): string => {
    const r = resolveScenario(raw, catalog);
    return r.ok ? '' : formatIssues(r.issues);
  };
  const segments = (raw: Record<string, Record<string, unknown>>) =>
    raw['demand']?.['segments'] as Record<string, unknown>[];

  it('reports the pricing branch that fits, or says what pricing is', () => {
    const raw = base();
    const segs = segments(raw);
    const s0 = segs[0] as Record<string, unknown>;
    const s1 = segs[1] as Record<string, unknown>;
    s0['pricing'] = { perMTok: 'x' };
    s1['pricing'] = { perMTok: 1, imputedPerMTok: 2 };
    const text = problems(raw);
    expect(text).toContain(`demand.segments[${String(s0['id'])}].pricing.perMTok: expected a number in [0, 1e15], got "x"`);
    expect(text).toContain(
      `demand.segments[${String(s1['id'])}].pricing: pricing is exactly one of perMTok | subscription | perAcceleratorHour | imputedPerMTok | none, got perMTok and imputedPerMTok`,
    );
  });

  it('describes a broken Series', () => {
    const raw = base();
    (raw['demand'] as Record<string, unknown>)['utilization'] = 'high';
    expect(problems(raw)).toContain('demand.utilization: expected a number in [0, 1] or a list of them, got "high"');
    (raw['demand'] as Record<string, unknown>)['utilization'] = [0.5, 1.5];
    expect(problems(raw)).toContain('demand.utilization[1]: expected a number in [0, 1], got 1.5');
  });

  it('checks the rules across fields', () => {
    const raw = base();
    const fleet = raw['fleet'] as Record<string, unknown>;
    delete fleet['usefulLifeYears'];
    delete (raw['site'] as Record<string, unknown>)['power'];
    const demand = raw['demand'] as Record<string, unknown>;
    demand['tokensPerYear'] = 1e15;
    const segs = segments(raw);
    segs.push({ ...(segs[0] as object), tokenShare: 0 });
    const text = problems(raw);
    expect(text).toContain('fleet.usefulLifeYears: missing, required when fleet.mode is own');
    expect(text).toContain('site.power: missing, required when fleet.mode is own');
    expect(text).toContain('demand.tokensPerYear: give exactly one of demand.utilization or demand.tokensPerYear, got both');
    expect(text).toMatch(/demand\.segments\[\d+\]\.id: duplicate segment id/);
  });

  it('warns about what it ignores', () => {
    const raw = base();
    (raw['fleet'] as Record<string, unknown>)['rentPerAcceleratorHour'] = 2;
    const T = (raw['horizon'] as { years: number }).years;
    (raw['demand'] as Record<string, unknown>)['utilization'] = Array.from({ length: T + 2 }, () => 0.5);
    const r = resolveScenario(raw, catalog);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => [w.path, w.severity])).toEqual([
      ['fleet.rentPerAcceleratorHour', 'warning'],
      ['demand.utilization', 'warning'],
    ]);
    expect(r.warnings[1]?.message).toBe(`has ${T + 2} values for a ${T}-year horizon; the last 2 are ignored`);
  });

  it('a missing file names the built-ins', () => {
    const r = readScenarioFile('neocloud-bse', catalog);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.path).toBe('');
    expect(r.issues[0]?.message).toMatch(/^no such file or built-in scenario "neocloud-bse" \(did you mean "neocloud-base"\?\) \(built-ins: .*neocloud-base/);
  });

  it('locates keys, elements, and the nearest parent of what is missing', () => {
    const { locate } = parseScenarioText('a:\n  b: 1\n  list:\n    - x\n    - { id: y }\n');
    expect(locate([])).toEqual({ line: 1, column: 1 });
    expect(locate(['a', 'b'])).toEqual({ line: 2, column: 3 });
    expect(locate(['a', 'list', 1])).toEqual({ line: 5, column: 7 });
    expect(locate(['a', 'missing', 'deeper'])).toEqual({ line: 1, column: 1 });
    expect(locate(['a', 'list', 1, 'nope'])).toEqual({ line: 5, column: 7 });
  });
});

describe('catalog merge', () => {
  it('scenario values win over catalog values', () => {
    const raw = rawBuiltin('hyperscaler-base') as { fleet: Record<string, unknown> };
    expect(raw.fleet['mode']).toBe('own');
    const row = catalog.accelerators.find((a) => a.id === raw.fleet['accelerator']);
    if (row === undefined) throw new Error('hyperscaler-base names no catalog accelerator');
    raw.fleet['kWPerAccelerator'] = 9.75;
    raw.fleet['tokensPerSecond'] = 4321;
    raw.fleet['capexPerAccelerator'] = 12345;
    expect(mustResolve(raw).fleet).toMatchObject({ kWPerAccelerator: 9.75, tokensPerSecond: 4321, capexPerAccelerator: 12345 });
    delete raw.fleet['kWPerAccelerator'];
    delete raw.fleet['tokensPerSecond'];
    delete raw.fleet['capexPerAccelerator'];
    expect(mustResolve(raw).fleet).toMatchObject({
      kWPerAccelerator: row.kWPerAccelerator,
      tokensPerSecond: row.tokensPerSecond,
      capexPerAccelerator: row.capexPerAccelerator,
    });
  });

  it('does not merge capex in rent mode, and fills the defaults', () => {
    const raw = rawBuiltin('frontier-lab-base') as { fleet: Record<string, unknown> };
    expect(raw.fleet['mode']).toBe('rent');
    const s = mustResolve(raw);
    expect(s.fleet.capexPerAccelerator).toBeUndefined();
    expect(s.fleet.kWPerAccelerator).toBeGreaterThan(0);
    expect(s.serving.softwareGainPerYear).toEqual(expect.any(Number));
    expect(s.profitability.minMargin).toEqual(expect.any(Number));
  });

  it('fills depreciationYears and the tokens-mode defaults', () => {
    const raw = rawBuiltin('hyperscaler-base') as { fleet: Record<string, unknown>; demand: Record<string, unknown> };
    delete raw.fleet['depreciationYears'];
    delete raw.demand['utilization'];
    delete raw.demand['growthPerYear'];
    delete raw.demand['maxUtilization'];
    raw.demand['tokensPerYear'] = 1e15;
    const s = mustResolve(raw);
    expect(s.fleet.depreciationYears).toBe(s.fleet.usefulLifeYears);
    expect(s.demand).toMatchObject({ tokensPerYear: 1e15, growthPerYear: 0, maxUtilization: 1 });
  });
});

describe('properties', () => {
  it('resolve(resolve(x)) equals resolve(x) for valid variations', () => {
    const bases = BUILTINS.map(rawBuiltin);
    const variation = fc.record({
      base: fc.nat({ max: bases.length - 1 }),
      years: fc.integer({ min: 1, max: 12 }),
      utilization: fc.oneof(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 15 }),
      ),
      tokensMode: fc.boolean(),
      tokensPerYear: fc.double({ min: 0, max: 1e18, noNaN: true }),
      shareYears: fc.integer({ min: 1, max: 6 }),
      weights: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
      price: fc.double({ min: 0, max: 100, noNaN: true }),
      dropCatalogFields: fc.boolean(),
    });
    fc.assert(
      fc.property(variation, (v) => {
        const raw = structuredClone(bases[v.base]) as {
          horizon: { years: number };
          fleet: Record<string, unknown>;
          demand: Record<string, unknown> & { segments: Record<string, unknown>[] };
        };
        raw.horizon.years = v.years;
        if (v.tokensMode) {
          delete raw.demand['utilization'];
          raw.demand['tokensPerYear'] = v.tokensPerYear;
        } else {
          delete raw.demand['tokensPerYear'];
          delete raw.demand['growthPerYear'];
          delete raw.demand['maxUtilization'];
          raw.demand['utilization'] = v.utilization;
        }
        const n = raw.demand.segments.length;
        const perYear = Array.from({ length: v.shareYears }, (_, y) => {
          const w = Array.from({ length: n }, (_, i) => v.weights[(y * n + i) % v.weights.length] ?? 1);
          const total = w.reduce((a, b) => a + b, 0);
          return w.map((x) => x / total);
        });
        raw.demand.segments.forEach((seg, i) => {
          const shares = perYear.map((year) => year[i] ?? 0);
          seg['tokenShare'] = shares.length === 1 ? shares[0] : shares;
          const pricing = seg['pricing'] as Record<string, unknown> | undefined;
          if (pricing !== undefined) {
            for (const key of ['perMTok', 'perAcceleratorHour', 'imputedPerMTok']) if (key in pricing) pricing[key] = v.price;
          }
        });
        if (v.dropCatalogFields && typeof raw.fleet['accelerator'] === 'string') {
          delete raw.fleet['kWPerAccelerator'];
          delete raw.fleet['tokensPerSecond'];
          delete raw.fleet['capexPerAccelerator'];
        }
        const once = mustResolve(raw);
        const twice = mustResolve(structuredClone(once));
        expect(twice).toEqual(once);
      }),
      { seed: 20260101, numRuns: 200 },
    );
  });
});

describe('issues', () => {
  const raw = { demand: { segments: [{ id: 'paid' }, { id: 'free' }, { id: 'x' }, { id: 'x' }], utilization: [1, 2, 3] } };

  it('formats paths by id, else by index', () => {
    expect(formatPath(['demand', 'segments', 1, 'tokenShare'], raw)).toBe('demand.segments[free].tokenShare');
    expect(formatPath(['demand', 'utilization', 2], raw)).toBe('demand.utilization[2]');
    expect(formatPath(['demand', 'segments', 3, 'id'], raw)).toBe('demand.segments[3].id');
    expect(formatPath(['uncertainty', 'fleet.capexPerAccelerator', 'min'], {})).toBe('uncertainty["fleet.capexPerAccelerator"].min');
    expect(formatPath([], raw)).toBe('');
  });

  it('formats one issue per line', () => {
    expect(
      formatIssue({
        file: 'scenario.yaml',
        line: 14,
        column: 7,
        path: 'demand.segments[free].tokenShare',
        message: 'shares of all segments sum to 1.10 in 2027 (year 2), expected 1 (±1e-6)',
      }),
    ).toBe('scenario.yaml:14:7 demand.segments[free].tokenShare: shares of all segments sum to 1.10 in 2027 (year 2), expected 1 (±1e-6)');
    expect(formatIssue({ path: '', message: 'no such file' })).toBe('no such file');
    expect(formatIssue({ path: 'a.b', message: 'odd', severity: 'warning', line: 2 })).toBe('2 a.b: warning: odd');
  });

  it('suggests close words only', () => {
    expect(didYouMean('utilisation', ['utilization', 'tokensPerYear'])).toBe('utilization');
    expect(didYouMean('gb20', ['h100', 'gb200', 'gb300'])).toBe('gb200');
    expect(didYouMean('tokensPerYaer', ['tokensPerYear'])).toBe('tokensPerYear');
    expect(didYouMean('PUE', ['pue', 'itMW'])).toBe('pue');
    expect(didYouMean('banana', ['utilization', 'pue'])).toBeUndefined();
    expect(didYouMean('x', ['id'])).toBeUndefined();
  });
});

describe('catalog', () => {
  it('the shipped catalog parses', () => {
    expect(catalog.accelerators.length).toBeGreaterThan(0);
  });

  it('reports a broken catalog with line:column', () => {
    const r = parseCatalogText(
      'accelerators:\n  - { id: a, name: A, kWPerAccelerator: 1, capexPerAccelerator: 1, tokensPerSecond: 1, source: s }\n' +
        '  - { id: a, name: B, kWPerAccelerator: -1, capexPerAccelerator: 1, tokensPerSecond: 1, source: s, confidense: H }\n',
      { file: 'cat.yaml' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toMatchInlineSnapshot(`
      "cat.yaml:3:7 accelerators[1].id: duplicate accelerator id "a" (also accelerators[0])
      cat.yaml:3:23 accelerators[1].kWPerAccelerator: expected a number > 0, got -1
      cat.yaml:3:100 accelerators[1].confidense: unknown key "confidense" (did you mean "confidence"?)"
    `);
  });
});

describe('a JSON text, read by JSON.parse where that gives what the YAML reader gives', () => {
  /** A value as text that tells −0 from 0 and keeps the key order. */
  const exact = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '-0' : x));
  /** Every path to a value in `v`, as `locate` takes them. */
  const paths = (v: unknown, at: PropertyKey[] = []): PropertyKey[][] =>
    typeof v !== 'object' || v === null ? [at] : [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))];
  /** The fast reader and the YAML reader agree on the value, the issues and where every path is. */
  function agree(text: string): void {
    const fast = parseScenarioText(text, { file: 'f.json' });
    const slow = parseYamlText(text, { file: 'f.json' });
    expect(exact(fast.value)).toBe(exact(slow.value));
    expect(fast.issues).toEqual(slow.issues);
    for (const p of paths(slow.value).slice(0, 200)) expect(fast.locate(p), String(p)).toEqual(slow.locate(p));
    expect(fast.locate(['no', 'such', 'path'])).toEqual(slow.locate(['no', 'such', 'path']));
  }

  it.each(BUILTINS)('%s as JSON, compact, indented and with tabs, reads the same both ways', (id) => {
    const value = rawBuiltin(id);
    for (const indent of [undefined, 2, '\t', '    ']) agree(JSON.stringify(value, null, indent));
  });

  it('texts JSON and YAML might read differently take the YAML reader', () => {
    const texts = [
      '{"a": 1, "a": 2}',
      '{"a": {"b": 1, "b": 1}}',
      '{"a\\u0062": 1, "ab": 2}',
      '{"__proto__": {"x": 1}}',
      '{"big": 12345678901234567890, "bigger": -9007199254740993, "long": 0.20112443398143131, "tiny": 5e-324, "huge": 1e400}',
      '{"n": -0, "f": 1.5e3, "e": 1E-7, "z": 0.0, "i": -12}',
      '{\t"a": 1}',
      '\ufeff{"a": 1}',
      '{"a": "x\u0085y"}',
      '{"a": "\\u0085 \\/ \\b \\f \\ud83d\\ude00"}',
      `{"deep": ${'['.repeat(100)}${']'.repeat(100)}}`,
      '{"a": 1} # a comment',
      '{"a": 1,}',
      '{\n"a": 1\n}',
      '  \n{"a": [1, {"b": null, "c": true}], "": "", "d": "a: b, c"}\n',
      '[{"a": 1}]',
      '{}',
    ];
    for (const t of texts) agree(t);
  });

  it('any JSON object reads the same both ways (property)', () => {
    const key = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('a', 'b', 'kind', '__proto__', 'constructor', '0', '1'));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
    }));
    const doc = fc.record({ value: fc.dictionary(key, tree, { maxKeys: 6 }), indent: fc.constantFrom(undefined, 0, 1, 2, 4), escape: fc.boolean(), duplicate: fc.boolean() });
    fc.assert(
      fc.property(doc, ({ value, indent, escape, duplicate }) => {
        let text = JSON.stringify(value, null, indent);
        // \uXXXX escapes for everything past ASCII, and a member written twice
        if (escape) text = text.replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        if (duplicate) text = text.replace(/^\{/, '{"a": 1, "a": [2],');
        agree(text);
      }),
      { seed: 20261208, numRuns: 400 },
    );
  });
});

describe("zod's compiled fast path and its plain one (the CLI parses jitless, the server compiled)", () => {
  const texts = [...BUILTINS.map(builtinText), ...['hyperscaler-buildout', 'industry-revenue-gap', 'neocloud-ramp'].map((id) => readFileSync(join(dataDir(), 'portfolios', `${id}.yaml`), 'utf8'))];
  const bases = texts.map((t) => parseScenarioText(t).value as Record<string, unknown>);
  /** Every path to a value in `v`. */
  const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] =>
    typeof v !== 'object' || v === null ? [at] : [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))];
  const value = fc.oneof(fc.constantFrom<unknown>(-1, 0, 0.5, 1, 2, 1e9, Number.NaN, Infinity, null, true, '', 'x', [], {}, [1], { a: 1 }, 'own', 'rent'), fc.double(), fc.string({ maxLength: 6 }));

  it('give the same data or the same issues for mutated scenarios and portfolios (property)', () => {
    const mutation = fc.record({ base: fc.nat({ max: bases.length - 1 }), edits: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'delete', 'add'), value }), { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(mutation, ({ base, edits }) => {
        const raw = structuredClone(bases[base]) as Record<string, unknown>;
        for (const e of edits) {
          const all = paths(raw).filter((p) => p.length > 0);
          const p = all[e.at % all.length] as (string | number)[];
          const parent = p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], raw) as Record<string | number, unknown>;
          const key = p[p.length - 1] as string | number;
          if (e.op === 'set') parent[key] = e.value;
          else if (e.op === 'delete') delete parent[key];
          else if (typeof parent === 'object' && parent !== null && !Array.isArray(parent)) parent['extraKey'] = e.value;
        }
        const schema = raw['kind'] === 'portfolio' ? portfolioSchema : scenarioSchema;
        const compiled = schema.safeParse(structuredClone(raw));
        const plain = schema.safeParse(structuredClone(raw), { jitless: true });
        expect(plain.success).toBe(compiled.success);
        if (compiled.success && plain.success) expect(plain.data).toStrictEqual(compiled.data);
        else expect(plain.error?.issues).toStrictEqual(compiled.error?.issues);
      }),
      { seed: 20261208, numRuns: 300 },
    );
  });
});

describe('files', () => {
  it('schema/scenario.schema.json is up to date (npx tsx scripts/gen-schema.ts)', () => {
    const path = fileURLToPath(new URL('../schema/scenario.schema.json', import.meta.url));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(scenarioJsonSchema());
  });

  it('the JSON Schema says no to unknown keys', () => {
    const schema = scenarioJsonSchema() as { additionalProperties?: unknown; properties: Record<string, { additionalProperties?: unknown }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['site']?.additionalProperties).toBe(false);
  });

  it('writeFileAtomic leaves the whole file and no temporary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-'));
    try {
      const path = join(dir, 'out.json');
      writeFileAtomic(path, 'first');
      writeFileAtomic(path, 'second, longer');
      expect(readFileSync(path, 'utf8')).toBe('second, longer');
      expect(readdirSync(dir)).toEqual(['out.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
