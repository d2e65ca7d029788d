/** Structural advantages (MODEL.md §5): Shapley parts sum to the difference, flip with the pair, and every coalition is a valid scenario. */
import { describe, expect, it, vi } from 'vitest';
import { ADVANTAGE_GROUPS, advantageCoalition, advantages } from '../src/analysis/advantages.ts';
import { evaluate, evaluateSummary } from '../src/model/engine.ts';
import { resolveScenario } from '../src/model/load.ts';
import type { Scenario } from '../src/model/schema.ts';
import { BUILT_INS, base, catalog, near, nonFinitePaths, scenario, withPatch } from './helpers.ts';

// count the engine's evaluations (the real engine runs)
vi.mock('../src/model/engine.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/model/engine.ts')>();
  return { ...m, evaluate: vi.fn(m.evaluate), evaluateSummary: vi.fn(m.evaluateSummary) };
});

const built: Record<string, Scenario> = Object.fromEntries(BUILT_INS.map((id) => [id, scenario(base(id))]));
const perMW = (s: Scenario): number => (evaluate(s).summary.npv as number) / s.site.itMW;
const pairs = BUILT_INS.flatMap((a) => BUILT_INS.filter((b) => b !== a).map((b) => [a, b] as const));

describe('advantages on every ordered pair of the built-ins', () => {
  for (const [a, b] of pairs) {
    it(`${a} vs ${b}: parts sum to the npv-per-MW difference; swapping flips every sign`, () => {
      const ab = advantages(built[a]!, built[b]!);
      const ba = advantages(built[b]!, built[a]!);
      const diff = perMW(built[a]!) - perMW(built[b]!);
      expect(ab.reason).toBeNull();
      near(ab.difference, diff, 'difference', 1e-9);
      near(ab.operator.npvPerMW, perMW(built[a]!), 'operator', 1e-12);
      near(ab.reference.npvPerMW, perMW(built[b]!), 'reference (at the operator size)', 1e-9);
      const sum = ab.parts.reduce((acc, p) => acc + (p.npvPerMW as number), 0);
      near(sum, ab.difference as number, 'Σ parts', 1e-9);
      near(ab.parts.reduce((acc, p) => acc + (p.shareOfDifference as number), 0), 1, 'Σ shares', 1e-9);
      near(ba.difference, -(ab.difference as number), 'flipped difference', 1e-9);
      const tol = 1e-9 * Math.abs(diff);
      for (const [i, p] of ab.parts.entries()) {
        const q = ba.parts[i]!;
        expect(q.group).toBe(p.group);
        expect(Math.abs((p.npvPerMW as number) + (q.npvPerMW as number))).toBeLessThanOrEqual(tol);
      }
      expect(nonFinitePaths(ab)).toEqual([]);
    });

    it(`${a} vs ${b}: all 32 coalitions are valid scenarios`, () => {
      for (let mask = 0; mask < 32; mask++) {
        const groups = ADVANTAGE_GROUPS.filter((_, i) => (mask & (1 << i)) !== 0);
        const c = advantageCoalition(built[a]!, built[b]!, groups);
        const r = resolveScenario(c, catalog());
        if (!r.ok) throw new Error(`${groups.join('+') || 'none'}: ${r.issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
      }
    });
  }

  it('does exactly 32 evaluations', () => {
    const spy = vi.mocked(evaluateSummary);
    spy.mockClear();
    const r = advantages(built['neocloud-base']!, built['hyperscaler-base']!);
    expect(spy).toHaveBeenCalledTimes(32);
    expect(r.evaluations).toBe(32);
    expect(r.coalitions).toHaveLength(32);
  });
});

describe('advantageCoalition', () => {
  const op = built['neocloud-base']!;
  const ref = built['hyperscaler-base']!;

  it('all groups from one side is that side', () => {
    expect(evaluate(advantageCoalition(op, ref, ADVANTAGE_GROUPS)).summary.npv).toBe(evaluate(op).summary.npv);
    const none = advantageCoalition(op, ref, []);
    expect(none.fleet).toBe(ref.fleet);
    expect(none.finance).toBe(ref.finance);
    expect(none.demand).toBe(ref.demand);
    expect(none.site.itMW).toBe(op.site.itMW);
  });

  it('copies nothing it does not change, and changes neither input', () => {
    const before = [JSON.stringify(op), JSON.stringify(ref)];
    const c = advantageCoalition(op, ref, ['silicon', 'pricing']);
    expect([JSON.stringify(op), JSON.stringify(ref)]).toEqual(before);
    expect(c.fleet).toBe(op.fleet);
    expect(c.horizon).toBe(op.horizon);
    expect(c.finance).toBe(ref.finance);
  });

  it('pricing goes onto the other mix by segment kind, the largest segment of that kind first', () => {
    const p = built['private-ai-factory-base']!;
    const h = built['hyperscaler-base']!;
    // private's prices on the hyperscaler's mix
    const c = advantageCoalition(p, h, ['pricing']);
    const seg = (id: string) => c.demand.segments.find((x) => x.id === id)!;
    expect(seg('cloud-api').pricing).toBe(p.demand.segments.find((x) => x.id === 'domestic-api')!.pricing);
    expect(seg('internal-product').pricing).toBe(p.demand.segments.find((x) => x.id === 'employee-copilots')!.pricing);
    // no subscription on the private side: the hyperscaler's own pricing stays
    expect(seg('consumer-sub').pricing).toBe(h.demand.segments.find((x) => x.id === 'consumer-sub')!.pricing);
    expect(c.demand.segments.map((x) => x.tokenShare)).toEqual(h.demand.segments.map((x) => x.tokenShare));
    // two capacity-contract segments: the larger (term contracts) prices the other mix's one
    const n = built['neocloud-base']!;
    const mixed = withPatch(base('hyperscaler-base'), (r: any) => {
      r.demand.segments[4] = { id: 'reserved', kind: 'capacity-contract', tokenShare: 0.05, pricing: { perAcceleratorHour: 1 } };
    });
    const c2 = advantageCoalition(n, scenario(mixed), ['pricing']);
    expect(c2.demand.segments.find((x) => x.id === 'reserved')!.pricing).toBe(n.demand.segments[0]!.pricing);
  });

  it('rent vs own: the plant follows the fleet mode; power then carries only the site opex', () => {
    const f = built['frontier-lab-base']!;
    const h = built['hyperscaler-base']!;
    const c = advantageCoalition(f, h, ['power']); // frontier's power block, hyperscaler's owned fleet
    expect(c.site.facility).toBe(h.site.facility);
    expect(c.site.power).toBe(h.site.power);
    expect(c.site.pue).toBe(h.site.pue);
    expect(c.opex).toBe(f.opex);
    const r = advantageCoalition(h, f, ['power']); // hyperscaler's power block, frontier's rented fleet
    expect(r.site.facility).toEqual({ mode: 'none' });
    expect(r.site.power).toBeUndefined();
    // with equal opex the power part is exactly 0 between a renter and an owner
    const same = { ...f, opex: h.opex };
    const a = advantages(same, h);
    expect(a.parts.find((p) => p.group === 'power')!.npvPerMW).toBe(0);
    expect(a.notes.join(' ')).toMatch(/rents its fleet/);
  });
});

describe('advantages, edge cases', () => {
  it('a scenario against itself: every part is 0', () => {
    const a = advantages(built['neocloud-base']!, built['neocloud-base']!);
    expect(a.difference).toBe(0);
    expect(a.parts.every((p) => p.npvPerMW === 0 && p.shareOfDifference === null)).toBe(true);
  });

  it('tokens mode at another size: demand per MW is its source’s, and the laws hold', () => {
    const tokens = withPatch(base('private-ai-factory-base'), (r: any) => {
      delete r.demand.utilization;
      r.demand.tokensPerYear = 4e15;
      r.demand.growthPerYear = 0.3;
      r.demand.maxUtilization = 0.9;
    });
    const t = scenario(tokens);
    const h = built['hyperscaler-base']!;
    const th = advantages(t, h);
    const ht = advantages(h, t);
    near(th.difference, perMW(t) - perMW(h), 'difference', 1e-9);
    near(ht.reference.npvPerMW, perMW(t), 'tokens mode reference scaled to 100 MW', 1e-9);
    near(th.parts.reduce((a, p) => a + (p.npvPerMW as number), 0), th.difference as number, 'Σ', 1e-9);
    for (const [i, p] of th.parts.entries()) expect(Math.abs((p.npvPerMW as number) + (ht.parts[i]!.npvPerMW as number))).toBeLessThanOrEqual(1e-9 * Math.abs(th.difference as number));
    expect(th.notes.join(' ')).toMatch(/tokens-mode demand is scaled/);
  });

  it('balance sheet alone: two scenarios that differ only in finance put the whole difference there', () => {
    const n = built['neocloud-base']!;
    const cheap = { ...n, id: 'cheap', finance: { ...n.finance, wacc: 0.06 } };
    const a = advantages(cheap, n);
    for (const p of a.parts) if (p.group !== 'balanceSheet') expect(p.npvPerMW).toBe(0);
    near(a.parts.find((p) => p.group === 'balanceSheet')!.npvPerMW, a.difference as number, 'all of it', 1e-12);
  });
});
