/**
 * Inputs by path (MODEL.md §2 "Paths", §5 paid share): parsing, reading,
 * writing without mutation and with structural sharing, the valid ranges
 * (checked against the zod schema), and the errors for paths that do not exist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnalysisInputError,
  checkInputPath,
  getInput,
  inputInfo,
  listInputPaths,
  parseInputPath,
  setInput,
} from '../src/analysis/paths.ts';
import { resolveScenario, type ResolvedScenario } from '../src/model/load.ts';
import { base, BUILT_INS, catalog, scenario } from './helpers.ts';

const built = Object.fromEntries(BUILT_INS.map((id) => [id, scenario(base(id))])) as Record<(typeof BUILT_INS)[number], ResolvedScenario>;
const hyper = built['hyperscaler-base'];
const neo = built['neocloud-base'];
const frontier = built['frontier-lab-base'];

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x as object)) deepFreeze(v);
  }
  return x;
}

/** Write a value at a path in a plain copy, with no checks (to probe the schema with bad values). */
function rawSet(s: unknown, path: string, value: unknown): unknown {
  const p = parseInputPath(path);
  if (!p.ok) throw new Error(p.issue.message);
  const copy = structuredClone(s) as Record<string, any>;
  let node: any = copy;
  const steps = p.path.steps;
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    if (step.id !== undefined) {
      const list = node[step.key] as any[];
      const j = list.findIndex((e) => e.id === step.id);
      if (last) list[j] = value;
      else node = list[j];
    } else if (last) node[step.key] = value;
    else node = node[step.key];
  });
  return copy;
}

const resolves = (raw: unknown): boolean => resolveScenario(raw, catalog()).ok;

describe('parseInputPath', () => {
  it('splits keys and ids', () => {
    const r = parseInputPath('demand.segments[enterprise-api].pricing.perMTok');
    expect(r.ok && r.path.steps).toEqual([{ key: 'demand' }, { key: 'segments', id: 'enterprise-api' }, { key: 'pricing' }, { key: 'perMTok' }]);
    const q = parseInputPath(' demand.segments["free"].tokenShare ');
    expect(q.ok && q.path.path).toBe('demand.segments[free].tokenShare');
  });
  it('says where the syntax breaks', () => {
    const bad = ['', 'demand..utilization', 'demand.segments[x', 'demand.segments[].x', 'site.itMW.', '.site', 'site itMW'];
    const messages = bad.map((p) => {
      const r = parseInputPath(p);
      return r.ok ? 'ok' : r.issue.message;
    });
    expect(messages).toMatchInlineSnapshot(`
      [
        "the path is empty; a path names an input, e.g. demand.utilization or demand.segments[<id>].pricing.perMTok",
        "expected a name at character 8 of "demand..utilization", got "."",
        "expected an id and "]" after "[" at character 16 of "demand.segments[x" (a list element is named by its id: demand.segments[enterprise-api])",
        "expected an id and "]" after "[" at character 16 of "demand.segments[].x" (a list element is named by its id: demand.segments[enterprise-api])",
        "expected a name at character 11 of "site.itMW.", got the end",
        "expected a name at character 1 of ".site", got "."",
        "expected "." or the end at character 5 of "site itMW", got " "",
      ]
    `);
  });
});

describe('getInput', () => {
  it('reads numbers, Series as given, and the paid share', () => {
    expect(getInput(hyper, 'demand.segments[cloud-api].pricing.perMTok')).toBe(2);
    expect(getInput(hyper, 'demand.utilization')).toEqual([0.6, 0.7, 0.75]);
    expect(getInput(hyper, 'demand.segments[consumer-sub].pricing.subscription.arpuPerMonth')).toBe(20);
    expect(getInput(hyper, 'fleet.capexPerAccelerator')).toBe(50_000);
    expect(getInput(neo, 'finance.debt.rate')).toBe(0.1);
    expect(getInput(frontier, 'fleet.rentPerAcceleratorHour')).toBe(2.6);
    // cash segments: cloud-api 0.25 + consumer-sub 0.10 + batch 0.05
    expect(getInput(hyper, 'paidShare')).toBeCloseTo(0.4, 15);
    expect(getInput(frontier, 'paidShare')).toBeCloseTo(0.55, 15);
  });
  it('returns a copy of a Series', () => {
    const u = getInput(hyper, 'demand.utilization') as number[];
    u[0] = 0;
    expect(hyper.demand.utilization).toEqual([0.6, 0.7, 0.75]);
  });
  it('throws an AnalysisInputError for a bad path', () => {
    expect(() => getInput(hyper, 'finance.debt.rate')).toThrow(AnalysisInputError);
  });
});

describe('setInput', () => {
  it('sets a number and copies only the objects along the path', () => {
    const p = 'demand.segments[cloud-api].pricing.perMTok';
    const s = setInput(hyper, p, 3.5);
    expect(getInput(s, p)).toBe(3.5);
    expect(getInput(hyper, p)).toBe(2);
    expect(s).not.toBe(hyper);
    expect(s.demand).not.toBe(hyper.demand);
    expect(s.demand.segments).not.toBe(hyper.demand.segments);
    expect(s.demand.segments[0]).not.toBe(hyper.demand.segments[0]);
    expect(s.demand.segments[1]).toBe(hyper.demand.segments[1]);
    expect(s.fleet).toBe(hyper.fleet);
    expect(s.finance).toBe(hyper.finance);
    expect(s.site).toBe(hyper.site);
  });
  it('sets a Series to one value in every year, or scales every year', () => {
    expect(setInput(hyper, 'demand.utilization', 0.5).demand.utilization).toBe(0.5);
    const scaled = setInput(hyper, 'demand.utilization', 1.2, 'scale').demand.utilization as number[];
    expect(scaled).toEqual([0.6 * 1.2, 0.7 * 1.2, 0.75 * 1.2]);
    expect(setInput(hyper, 'finance.wacc', 1.5, 'scale').finance.wacc).toBeCloseTo(0.12, 15);
  });
  it('rejects values outside the schema with a RangeError naming the path and the bounds', () => {
    expect(() => setInput(hyper, 'demand.utilization', 1.1)).toThrow('demand.utilization: 1.1 is not a valid value; expected a number in [0, 1]');
    expect(() => setInput(hyper, 'demand.utilization', 1.5, 'scale')).toThrow(RangeError);
    expect(() => setInput(hyper, 'fleet.usefulLifeYears', 4.5)).toThrow('expected a whole number in [1, 50]');
    expect(() => setInput(hyper, 'finance.wacc', -1)).toThrow('expected a number in (-1, 1]');
    expect(() => setInput(hyper, 'site.pue', Number.NaN)).toThrow(RangeError);
  });
  it('paidShare: cash segments sum to p and the others to 1 − p, proportions kept', () => {
    const s = setInput(hyper, 'paidShare', 0.6);
    const share = (id: string): number => s.demand.segments.find((x) => x.id === id)!.tokenShare as number;
    expect(share('cloud-api') + share('consumer-sub') + share('batch')).toBeCloseTo(0.6, 14);
    expect(share('consumer-free') + share('internal-product') + share('internal-eval')).toBeCloseTo(0.4, 14);
    expect(share('cloud-api') / share('batch')).toBeCloseTo(5, 12);
    expect(share('consumer-free') / share('internal-eval')).toBeCloseTo(5, 12);
    expect(getInput(s, 'paidShare')).toBeCloseTo(0.6, 14);
    expect(s.fleet).toBe(hyper.fleet);
    // the result is a valid scenario
    expect(resolves(s)).toBe(true);
  });
  it('paidShare with year-by-year shares: every year, and scale multiplies each year', () => {
    const raw = base('hyperscaler-base') as any;
    raw.demand.segments[0].tokenShare = [0.25, 0.35];
    raw.demand.segments[2].tokenShare = [0.25, 0.15];
    const s = scenario(raw);
    expect(getInput(s, 'paidShare')).toEqual([0.4, 0.5].map((x) => expect.closeTo(x, 14)));
    const set = setInput(s, 'paidShare', 0.3);
    expect(getInput(set, 'paidShare')).toEqual([0.3, 0.3].map((x) => expect.closeTo(x, 14)));
    expect(resolves(set)).toBe(true);
    const scaled = setInput(s, 'paidShare', 1.5, 'scale');
    expect(getInput(scaled, 'paidShare')).toEqual([0.6, 0.75].map((x) => expect.closeTo(x, 14)));
    expect(() => setInput(s, 'paidShare', 2.5, 'scale')).toThrow(/^paidShare: 1\.2\d* is not a valid paid share; expected a number in \[0, 1\]$/);
  });

  it('never changes its input; untouched paths keep their value (property, fixed seed)', () => {
    const frozen = BUILT_INS.map((id) => deepFreeze(scenario(base(id))));
    const snapshots = frozen.map((s) => structuredClone(s));
    const cases = fc.record({
      k: fc.integer({ min: 0, max: frozen.length - 1 }),
      pathIndex: fc.nat(),
      t: fc.double({ min: 0, max: 1, noNaN: true }),
      mode: fc.constantFrom<'set' | 'scale'>('set', 'scale'),
    });
    fc.assert(
      fc.property(cases, ({ k, pathIndex, t, mode }) => {
        const s = frozen[k]!;
        const paths = listInputPaths(s);
        const path = paths[pathIndex % paths.length]!;
        const info = inputInfo(s, path);
        let value = mode === 'set' ? info.min + t * (info.max - info.min) : 0.5 + t;
        if (info.integer && mode === 'set') value = Math.round(value);
        let out: ResolvedScenario | undefined;
        try {
          out = setInput(s, path, value, mode);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
        expect(s).toEqual(snapshots[k]);
        if (out === undefined) return;
        const got = getInput(out, path);
        if (path !== 'paidShare') {
          const before = info.value;
          const expected = mode === 'set' ? value : typeof before === 'number' ? before * value : before.map((x) => x * value);
          expect(got).toEqual(expected);
        }
        // every other input is unchanged (the token shares and the paid share move together)
        for (const other of paths) {
          const sharesMove = (path === 'paidShare' && other.endsWith('.tokenShare')) || (path.endsWith('.tokenShare') && other === 'paidShare');
          if (other === path || sharesMove) continue;
          expect(getInput(out, other)).toEqual(getInput(s, other));
        }
      }),
      { seed: 20260503, numRuns: 300 },
    );
  });
});

describe('inputInfo and the valid ranges', () => {
  it('knows label, unit, range, integer and Series', () => {
    expect(inputInfo(hyper, 'demand.utilization')).toMatchObject({ label: 'Utilization', kind: 'share', min: 0, max: 1, integer: false, series: true });
    expect(inputInfo(hyper, 'site.pue')).toMatchObject({ min: 1, max: 3, schemaMin: 1, schemaMax: 3 });
    // MODEL.md §2 and §5: whole lives 1..50, wacc searched in its economic range [0, 1] inside the schema's (−1, 1]
    expect(inputInfo(hyper, 'fleet.usefulLifeYears')).toMatchObject({ min: 1, max: 50, schemaMax: 50, integer: true, kind: 'years' });
    expect(inputInfo(hyper, 'finance.wacc')).toMatchObject({ min: 0, max: 1, schemaMin: -1, minExclusive: true, schemaMax: 1, kind: 'rate' });
    expect(inputInfo(hyper, 'fleet.capexPerAccelerator')).toMatchObject({ min: 0, max: 1e6, schemaMax: 1e15, unit: '$ per accelerator' });
    expect(inputInfo(hyper, 'demand.segments[cloud-api].pricing.perMTok').label).toBe('Cloud API (third-party, paid): price');
    expect(inputInfo(hyper, 'paidShare')).toMatchObject({ derived: true, min: 0, max: 1, series: true });
  });
  it('widens a practical bound to take in the scenario value', () => {
    const s = setInput(hyper, 'fleet.capexPerAccelerator', 2e6);
    expect(inputInfo(s, 'fleet.capexPerAccelerator').max).toBe(2e6);
  });
  it('agrees with the schema: both ends of every range resolve, the schema bounds are where it stops', () => {
    for (const id of BUILT_INS) {
      const s = built[id];
      for (const path of listInputPaths(s)) {
        if (path.endsWith('.tokenShare') || path === 'paidShare') continue; // shares must sum to 1
        const info = inputInfo(s, path);
        for (const v of [info.min, info.max]) {
          expect(resolves(rawSet(s, path, v)), `${id} ${path} = ${v}`).toBe(true);
          expect(() => setInput(s, path, v)).not.toThrow();
        }
        const outside: number[] = [];
        const beyond = (x: number): number => Math.max(1e-9, Math.abs(x) * 1e-12);
        if (info.schemaMin !== null) outside.push(info.minExclusive ? info.schemaMin : info.schemaMin - beyond(info.schemaMin));
        if (info.schemaMax !== null) outside.push(info.maxExclusive ? info.schemaMax : info.schemaMax + beyond(info.schemaMax));
        if (info.integer) outside.push(info.min + 0.5);
        for (const v of outside) {
          expect(resolves(rawSet(s, path, v)), `${id} ${path} = ${v} should not resolve`).toBe(false);
          expect(() => setInput(s, path, v), `${id} ${path} = ${v}`).toThrow(RangeError);
        }
        const inside: number[] = [];
        if (info.schemaMin !== null && info.minExclusive) inside.push(info.schemaMin + 1e-9);
        if (info.schemaMin !== null && !info.minExclusive) inside.push(info.schemaMin);
        for (const v of inside.filter(() => !info.integer)) expect(resolves(rawSet(s, path, v)), `${id} ${path} = ${v}`).toBe(true);
      }
    }
  });
});

describe('checkInputPath and listInputPaths', () => {
  it('every listed path is an input of the scenario, and only those its modes use', () => {
    for (const id of BUILT_INS) {
      const paths = listInputPaths(built[id]);
      for (const p of paths) expect(checkInputPath(built[id], p), `${id} ${p}`).toBeNull();
      expect(new Set(paths).size).toBe(paths.length);
    }
    expect(listInputPaths(neo)).toContain('finance.debt.rate');
    expect(listInputPaths(hyper)).not.toContain('finance.debt.rate');
    expect(listInputPaths(frontier)).toContain('fleet.rentPerAcceleratorHour');
    expect(listInputPaths(frontier)).not.toContain('site.power.pricePerMWh');
    expect(listInputPaths(frontier)).not.toContain('fleet.residualValue');
    expect(listInputPaths(neo)).not.toContain('paidShare');
    expect(listInputPaths(hyper)).toContain('demand.segments[consumer-sub].pricing.subscription.arpuPerMonth');
    expect(listInputPaths(hyper)).not.toContain('demand.segments[consumer-free].pricing.changePerYear');
  });
  it('names what is wrong and what would be valid', () => {
    const bad: [ResolvedScenario, string][] = [
      [hyper, 'demand.utilisation'],
      [hyper, 'utilization'],
      [hyper, 'wacc'],
      [hyper, 'demand.segments[cloud-apii].pricing.perMTok'],
      [hyper, 'demand.segments.tokenShare'],
      [hyper, 'demand.segments[cloud-api].pricing.permtok'],
      [hyper, 'demand.segments[cloud-api].pricing'],
      [hyper, 'site.itMW[2]'],
      [hyper, 'finance.debt.rate'],
      [frontier, 'site.power.pricePerMWh'],
      [frontier, 'fleet.capexPerAccelerator'],
      [hyper, 'site.facility.leasePerKWMonth'],
      [hyper, 'demand.segments[consumer-sub].pricing.perMTok'],
      [hyper, 'demand.segments[consumer-free].pricing.perMTok'],
      [neo, 'paidShare'],
    ];
    expect(bad.map(([s, p]) => `${p} → ${checkInputPath(s, p)?.message}`)).toMatchInlineSnapshot(`
      [
        "demand.utilisation → no input "utilisation" under demand (did you mean "utilization"?); valid under demand: utilization, segments",
        "utilization → no input "utilization" at the top level (did you mean "demand.utilization"?); valid at the top level: horizon, site, fleet, serving, demand, finance, opex, profitability, paidShare",
        "wacc → no input "wacc" at the top level (did you mean "finance.wacc"?); valid at the top level: horizon, site, fleet, serving, demand, finance, opex, profitability, paidShare",
        "demand.segments[cloud-apii].pricing.perMTok → no segment "cloud-apii" in this scenario (did you mean "cloud-api"?); its segments are cloud-api, consumer-sub, consumer-free, internal-product, batch, internal-eval",
        "demand.segments.tokenShare → demand.segments is a list: name an element by its id, e.g. demand.segments[cloud-api]; ids: cloud-api, consumer-sub, consumer-free, internal-product, batch, internal-eval",
        "demand.segments[cloud-api].pricing.permtok → no input "permtok" under demand.segments[cloud-api].pricing (did you mean "perMTok"?); valid under demand.segments[cloud-api].pricing: perMTok, changePerYear, discount",
        "demand.segments[cloud-api].pricing → demand.segments[cloud-api].pricing is a group of inputs, not a number; name one of: demand.segments[cloud-api].pricing.perMTok, demand.segments[cloud-api].pricing.changePerYear, demand.segments[cloud-api].pricing.discount",
        "site.itMW[2] → site.itMW is not a list: remove "[2]"",
        "finance.debt.rate → an input of the schema, but not of this scenario: finance.debt is absent: this scenario has no debt",
        "site.power.pricePerMWh → an input of the schema, but not of this scenario: site.power is absent: the fleet is rented (fleet.mode: rent), so there is no power bill of its own",
        "fleet.capexPerAccelerator → an input of the schema, but not of this scenario: fleet.mode is rent: this input belongs to an owned fleet (fleet.mode: own); a rented fleet has fleet.rentPerAcceleratorHour, fleet.rentChangePerYear and fleet.rentTermYears",
        "site.facility.leasePerKWMonth → an input of the schema, but not of this scenario: site.facility.mode is own: this input belongs to a leased facility (mode: lease); this one has site.facility.capexPerMW and site.facility.lifeYears",
        "demand.segments[consumer-sub].pricing.perMTok → an input of the schema, but not of this scenario: segment "consumer-sub" is priced by subscription: its pricing inputs are demand.segments[consumer-sub].pricing.subscription.arpuPerMonth, demand.segments[consumer-sub].pricing.subscription.tokensPerUserMonth, demand.segments[consumer-sub].pricing.subscription.arpuChangePerYear, demand.segments[consumer-sub].pricing.subscription.usageGrowthPerYear",
        "demand.segments[consumer-free].pricing.perMTok → an input of the schema, but not of this scenario: segment "consumer-free" has no pricing (no value), so it has no pricing inputs",
        "paidShare → an input of the schema, but not of this scenario: paidShare needs a segment that is not cash (free, internal, imputed…); every segment of this scenario is cash, so the paid share is fixed at 100 %",
      ]
    `);
  });
  it('tokens mode: utilization is not an input, tokensPerYear is', () => {
    const raw = base('hyperscaler-base') as any;
    delete raw.demand.utilization;
    raw.demand.tokensPerYear = 1e15;
    const s = scenario(raw);
    expect(checkInputPath(s, 'demand.utilization')?.message).toContain('demand is in tokens mode');
    expect(getInput(s, 'demand.tokensPerYear')).toBe(1e15);
    expect(getInput(s, 'demand.growthPerYear')).toBe(0);
  });
});
