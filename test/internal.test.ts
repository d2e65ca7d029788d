/** Internal inference (MODEL.md §5): the sweep keeps the mix valid and proportional, clean revenue falls, dead ends are reasons. */
import { describe, expect, it } from 'vitest';
import { INTERNAL_MAX_SHARE, internalSweep, isInternalKind, withInternalShare } from '../src/analysis/internal.ts';
import { evaluate } from '../src/model/engine.ts';
import { seriesAt } from '../src/model/lines.ts';
import { resolveScenario } from '../src/model/load.ts';
import type { Scenario } from '../src/model/schema.ts';
import { BUILT_INS, base, catalog, near, nonFinitePaths, scenario, withPatch } from './helpers.ts';

const shareIn = (s: Scenario, t: number, pick: (kind: Scenario['demand']['segments'][number]['kind']) => boolean): number =>
  s.demand.segments.filter((x) => pick(x.kind)).reduce((a, x) => a + seriesAt(x.tokenShare, t), 0);

describe('withInternalShare', () => {
  it('sets the internal share in every year, keeps proportions inside each group, and stays a valid scenario', () => {
    const s = scenario(base('hyperscaler-base'));
    for (const target of [0, 0.1, 0.35, 0.8, 1]) {
      const t = withInternalShare(s, target);
      expect(resolveScenario(t, catalog()).ok).toBe(true);
      for (let y = 1; y <= s.horizon.years; y++) {
        near(shareIn(t, y, isInternalKind), target, `internal share, year ${y}`, 1e-12, 1e-15);
        near(shareIn(t, y, () => true), 1, `sum, year ${y}`, 1e-12);
      }
      const seg = (sc: Scenario, id: string): number => seriesAt(sc.demand.segments.find((x) => x.id === id)!.tokenShare, 1);
      if (target > 0) near(seg(t, 'internal-product') / seg(t, 'internal-eval'), 0.3 / 0.05, 'internal proportions');
      if (target < 1) near(seg(t, 'cloud-api') / seg(t, 'consumer-free'), 0.25 / 0.25, 'external proportions');
    }
  });

  it('at the base share it is the base scenario', () => {
    const s = scenario(base('hyperscaler-base'));
    near(evaluate(withInternalShare(s, 0.35)).summary.npv, evaluate(s).summary.npv as number, 'npv', 1e-12);
  });

  it('works year by year on series, splitting evenly in a year where a group has no share', () => {
    const raw = withPatch(base('private-ai-factory-base'), (r: any) => {
      r.demand.segments[0].tokenShare = [0, 0.6]; // employee-copilots
      r.demand.segments[1].tokenShare = [0, 0.1]; // internal-eval
      r.demand.segments[2].tokenShare = [1, 0.3]; // domestic-api
    });
    const t = withInternalShare(scenario(raw), 0.5);
    const by = (id: string, y: number): number => seriesAt(t.demand.segments.find((x) => x.id === id)!.tokenShare, y);
    expect([by('employee-copilots', 1), by('internal-eval', 1), by('domestic-api', 1)]).toEqual([0.25, 0.25, 0.5]);
    near(by('employee-copilots', 2), (0.5 * 0.6) / 0.7, 'year 2 copilots');
    near(by('internal-eval', 5), (0.5 * 0.1) / 0.7, 'year 5 (carried forward)');
  });

  it('copies only the demand block', () => {
    const s = scenario(base('hyperscaler-base'));
    const before = JSON.stringify(s);
    const t = withInternalShare(s, 0.6);
    expect(JSON.stringify(s)).toBe(before);
    expect(t.fleet).toBe(s.fleet);
    expect(t.site).toBe(s.site);
    expect(t.demand.segments[0]?.pricing).toBe(s.demand.segments[0]?.pricing);
  });

  it('refuses what it cannot do', () => {
    const n = scenario(base('neocloud-base'));
    expect(() => withInternalShare(n, 0.2)).toThrow(RangeError);
    expect(() => withInternalShare(n, 0)).not.toThrow();
    expect(() => withInternalShare(n, 1.2)).toThrow(/\[0, 1\]/);
  });
});

describe('internalSweep', () => {
  for (const id of BUILT_INS.filter((x) => x !== 'neocloud-base')) {
    it(`${id}: 9 points from 0 to 80 %, clean revenue and GP per MW fall, strategic ≥ clean`, () => {
      const s = scenario(base(id));
      const w = internalSweep(s);
      expect(w.available).toBe(true);
      expect(w.points.map((p) => p.internalShare)).toEqual(Array.from({ length: 9 }, (_, j) => (INTERNAL_MAX_SHARE * j) / 8));
      for (let j = 1; j < w.points.length; j++) {
        const [a, b] = [w.points[j - 1]!, w.points[j]!];
        expect(b.cleanRevenuePerMW as number).toBeLessThan(a.cleanRevenuePerMW as number);
        expect(b.cleanGrossProfitPerMW as number).toBeLessThan(a.cleanGrossProfitPerMW as number);
        expect(b.npv as number).toBeLessThan(a.npv as number);
      }
      for (const p of w.points) {
        expect(p.strategicRevenuePerMW as number).toBeGreaterThanOrEqual(p.cleanRevenuePerMW as number);
        near(p.strategicGrossProfitPerMW, (p.cleanGrossProfitPerMW as number) + (p.strategicRevenuePerMW as number) - (p.cleanRevenuePerMW as number), 'strategic GP', 1e-12, 1e-6);
      }
      const r = evaluate(s);
      expect(w.base.npv).toBe(r.summary.npv);
      expect(w.base.strategicNpv).toBe(r.summary.strategicNpv);
      expect(nonFinitePaths(w)).toEqual([]);
    });
  }

  it('reports the base internal share: lifetime tokens and year by year', () => {
    const h = internalSweep(scenario(base('hyperscaler-base')));
    near(h.baseInternalShare, 0.35, 'hyperscaler', 1e-12);
    expect(h.baseInternalShareByYear).toHaveLength(10);
    near(h.baseInternalShareByYear[0], 0.35, 'year 1', 1e-12);
    expect(h.internalSegments).toEqual(['internal-product', 'internal-eval']);
    near(internalSweep(scenario(base('private-ai-factory-base'))).baseInternalShare, 0.7, 'private', 1e-12);
  });

  it('steps sets the number of points', () => {
    const w = internalSweep(scenario(base('frontier-lab-base')), { steps: 3 });
    expect(w.points.map((p) => p.internalShare)).toEqual([0, 0.4, 0.8]);
    expect(() => internalSweep(scenario(base('frontier-lab-base')), { steps: 1 })).toThrow(RangeError);
    expect(() => internalSweep(scenario(base('frontier-lab-base')), { steps: 2.5 })).toThrow(RangeError);
  });

  it('no internal segment: unavailable with a reason, nothing invented', () => {
    const w = internalSweep(scenario(base('neocloud-base')));
    expect(w.available).toBe(false);
    expect(w.reason).toMatch(/no segment is internal/);
    expect(w.points).toEqual([]);
    expect(w.baseInternalShare).toBe(0);
    expect(w.base.npv).toBe(evaluate(scenario(base('neocloud-base'))).summary.npv);
    expect(nonFinitePaths(w)).toEqual([]);
  });

  it('every segment internal: unavailable with a reason', () => {
    const raw = withPatch(base('private-ai-factory-base'), (r: any) => {
      r.demand.segments = [
        { id: 'copilots', kind: 'internal-product', tokenShare: 0.8, pricing: { imputedPerMTok: 4 } },
        { id: 'eval', kind: 'internal-eval', tokenShare: 0.2 },
      ];
    });
    const w = internalSweep(scenario(raw));
    expect(w.available).toBe(false);
    expect(w.reason).toMatch(/every segment is internal/);
    expect(w.baseInternalShare).toBe(1);
  });
});
