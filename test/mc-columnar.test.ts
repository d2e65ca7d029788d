/**
 * The differential test of STYLE.md habit 6: the columnar fast path of the
 * Monte Carlo equals the plain engine. For 1,000 samples of each built-in
 * archetype (uncertainty blocks of test/fixtures/mc-uncertainty.yaml) and of a
 * tokens-mode fixture, every reported metric of every sample agrees with
 * `evaluate` on the scenario `setInput` builds from that sample's inputs,
 * within 1e-9 relative (null where null), and the IRR's shape (none, one,
 * several) agrees with `irrRoots`.
 */
import { describe, expect, it } from 'vitest';
import { IRR_NONE, IRR_ONE, IRR_SEVERAL, MC_METRICS, irrRootClass } from '../src/analysis/columnar.ts';
import type { DistributionSpec } from '../src/analysis/distributions.ts';
import { monteCarlo } from '../src/analysis/monte-carlo.ts';
import { setInput } from '../src/analysis/paths.ts';
import { evaluate } from '../src/model/engine.ts';
import { irrFast, irrRoots } from '../src/model/finance.ts';
import type { Scenario } from '../src/model/schema.ts';
import { BUILT_INS, base, readYaml, scenario } from './helpers.ts';

const SETS = readYaml('test/fixtures/mc-uncertainty.yaml') as Record<string, Record<string, DistributionSpec>>;
const N = 1000;

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Every sample of a run against the plain engine; returns the mismatches (empty when all agree). */
function differences(s: Scenario, distributions: Record<string, DistributionSpec> | undefined): string[] {
  const { samples } = monteCarlo(s, { n: N, seed: 20260101, keepSamples: true, chunkSize: 256, ...(distributions && { distributions }) });
  if (samples === undefined) throw new Error('no samples kept');
  const bad: string[] = [];
  for (let i = 0; i < N; i++) {
    let sc = s;
    for (const x of samples.inputs) sc = setInput(sc, x.path, x.values[i] as number, x.mode);
    const r = evaluate(sc);
    for (const m of MC_METRICS) {
      const fast = samples.metrics[m][i] as number;
      const plain = r.summary[m];
      const ok = plain === null ? Number.isNaN(fast) : !Number.isNaN(fast) && close(fast, plain);
      if (!ok) bad.push(`sample ${i} ${m}: columnar ${Number.isNaN(fast) ? 'null' : fast}, engine ${plain}`);
    }
  }
  return bad;
}

describe('the columnar evaluator equals the plain engine', () => {
  for (const id of BUILT_INS) {
    it(`${id}: ${N} samples, every metric within 1e-9 relative`, () => {
      const s = scenario(base(id));
      const dists = SETS[id];
      expect(dists, `no uncertainty set for ${id} in the fixture`).toBeDefined();
      expect(Object.keys(dists ?? {}).length).toBeGreaterThanOrEqual(15);
      expect(differences(s, dists)).toEqual([]);
    });
  }

  it('the paid share over token shares that change by year, and beside a token-share driver (it is then worked out every year)', () => {
    const raw = base('hyperscaler-base') as { demand: { segments: { tokenShare: unknown }[] } };
    const [a, b] = raw.demand.segments as [{ tokenShare: unknown }, { tokenShare: unknown }];
    // two segments trade share year by year; every year still sums to 1
    a.tokenShare = [0.25, 0.27, 0.29, 0.31, 0.33, 0.33];
    b.tokenShare = [0.1, 0.08, 0.06, 0.04, 0.02, 0.02];
    const paid = (SETS['hyperscaler-base'] ?? {})['paidShare'];
    expect(paid).toBeDefined();
    expect(differences(scenario(raw), { paidShare: paid as DistributionSpec })).toEqual([]);
    const ids = (base('hyperscaler-base') as { demand: { segments: { id: string }[] } }).demand.segments.map((x) => x.id);
    expect(
      differences(scenario(base('hyperscaler-base')), {
        paidShare: paid as DistributionSpec,
        [`demand.segments[${ids[5]}].tokenShare`]: { dist: 'uniform', min: 0.03, max: 0.07 },
      }),
      'a token-share driver beside the paid share',
    ).toEqual([]);
  });

  it('tokens mode, owned facility, no refresh, bullet debt, no terminal value (test/fixtures/mc-tokens.yaml)', () => {
    const s = scenario(readYaml('test/fixtures/mc-tokens.yaml'));
    expect(differences(s, undefined)).toEqual([]);
  });

  it('the worked example of MODEL.md §7 (write-off, residual, carry-forward, debt on two capex events)', () => {
    const s = scenario(readYaml('test/fixtures/worked-example.yaml'));
    const dists: Record<string, DistributionSpec> = {
      'demand.utilization': { dist: 'uniform', min: 0.2, max: 0.9 },
      'fleet.depreciationYears': { dist: 'discrete', values: [1, 2, 3, 4] },
      'fleet.usefulLifeYears': { dist: 'discrete', values: [1, 2, 3] },
      'finance.taxRate': { dist: 'uniform', min: 0, max: 0.4 },
      'demand.segments[paid].pricing.perMTok': { dist: 'normal', mean: 1, sd: 0.5 },
      'finance.debt.termYears': { dist: 'discrete', values: [1, 2, 5] },
      'fleet.technology.perfGainPerYear': { dist: 'uniform', min: 0.5, max: 3 },
    };
    expect(differences(s, dists)).toEqual([]);
  });
});

describe('the shape of the IRR', () => {
  const classOf = (flows: number[]): number => {
    const f = Float64Array.from(flows);
    return irrRootClass(f, f.length, irrFast(f, f.length), new Float64Array(f.length), new Float64Array(f.length));
  };
  const byRoots = (flows: number[]): number => {
    const k = irrRoots(flows).length;
    return k === 0 ? IRR_NONE : k === 1 ? IRR_ONE : IRR_SEVERAL;
  };
  it('agrees with irrRoots on flows with none, one and several roots', () => {
    const cases = [
      [-100, 230, -132], // 10 % and 20 %
      [-100, 39, 59, 55, 20],
      [1, 2, 3],
      [-1000, 300, 300, 300, 300, -200, 400, 400],
      [-10, 21, -11.0001],
      [0, -5, 3, 3],
      [-4000, 1250, 1231, 1114, 942, -2200, 1722, 1442, 1220, 1031, 1494],
    ];
    for (const c of cases) expect(classOf(c), JSON.stringify(c)).toBe(byRoots(c));
  });
  it('agrees with irrRoots on random flows with several sign changes', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 2000; k++) {
      const T = 2 + Math.floor(rand() * 10);
      const flows = Array.from({ length: T + 1 }, (_, t) => (t === 0 ? -1 : 0) * 100 + (rand() - 0.45) * 100);
      expect(classOf(flows), JSON.stringify(flows)).toBe(byRoots(flows));
    }
  });
});
