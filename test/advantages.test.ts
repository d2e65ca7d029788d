/** Structural advantages (MODEL.md §5): Shapley parts sum to the difference, flip with the pair, and every coalition is a valid scenario. */
import { describe, expect, it, vi } from 'vitest';
import { ADVANTAGE_GROUPS, advantageCoalition, advantages, revenuePerComputeUnit } from '../src/analysis/advantages.ts';
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
      // shares only when every part pulls the way of the difference; then they sum to one
      const oneSign = ab.parts.every((p) => Math.abs(p.npvPerMW as number) <= 1e-9 * Math.abs(ab.difference as number) || Math.sign(p.npvPerMW as number) === Math.sign(ab.difference as number));
      expect(ab.sharesNote === null, 'shares shown iff one sign').toBe(oneSign);
      if (oneSign) near(ab.parts.reduce((acc, p) => acc + (p.shareOfDifference as number), 0), 1, 'Σ shares', 1e-9);
      else expect(ab.parts.every((p) => p.shareOfDifference === null)).toBe(true);
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

  it('does exactly 32 evaluations (the two ends with their yearly rows only when the segment lists differ: their revenue per compute unit)', () => {
    const summaries = vi.mocked(evaluateSummary);
    const full = vi.mocked(evaluate);
    const n = built['neocloud-base']!;
    for (const [ref, rows] of [
      [built['hyperscaler-base']!, 2],
      [{ ...n, id: 'cheap', finance: { ...n.finance, wacc: 0.06 } }, 0],
    ] as const) {
      summaries.mockClear();
      full.mockClear();
      const r = advantages(n, ref);
      expect(summaries.mock.calls.length + full.mock.calls.length).toBe(32);
      expect(full).toHaveBeenCalledTimes(rows);
      expect(r.evaluations).toBe(32);
      expect(r.coalitions).toHaveLength(32);
    }
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

  it('different segment lists: pricing moves as one multiplier on the mix’s cash prices, the ratio of revenue per served compute unit', () => {
    const p = built['private-ai-factory-base']!;
    const h = built['hyperscaler-base']!;
    const rp = revenuePerComputeUnit(evaluate(p))!;
    const rh = revenuePerComputeUnit(evaluate(h))!;
    expect(rp).toBeGreaterThan(0);
    expect(rh).toBeGreaterThan(0);
    // private's prices on the hyperscaler's mix: every cash price × rp/rh, imputed prices and shares untouched
    const c = advantageCoalition(p, h, ['pricing']);
    const m = rp / rh;
    for (const [i, seg] of c.demand.segments.entries()) {
      const orig = h.demand.segments[i]!;
      expect(seg.id).toBe(orig.id);
      expect(seg.tokenShare).toEqual(orig.tokenShare);
      const a = seg.pricing as Record<string, any>;
      const b = orig.pricing as Record<string, any>;
      if ('perMTok' in b) near(a.perMTok, b.perMTok * m, `${seg.id} perMTok`, 1e-12);
      else if ('subscription' in b) near(a.subscription.arpuPerMonth, b.subscription.arpuPerMonth * m, `${seg.id} arpu`, 1e-12);
      else if ('perAcceleratorHour' in b) near(a.perAcceleratorHour, b.perAcceleratorHour * m, `${seg.id} per hour`, 1e-12);
      else expect(seg.pricing).toBe(orig.pricing);
    }
    // so the coalition's cash revenue is the hyperscaler's times the ratio, and its revenue per compute unit is private's
    const hAtP = evaluate(advantageCoalition(p, h, [])); // the hyperscaler at private's size
    near(evaluate(c).summary.totalRevenue, (hAtP.summary.totalRevenue as number) * m, 'revenue × m', 1e-9);
    near(revenuePerComputeUnit(evaluate(c)), rp, 'revenue per compute unit carried over', 1e-9);
    const a = advantages(p, h);
    expect(a.pricing.mode).toBe('multiplier');
    near(a.pricing.multiplier, m, 'multiplier', 1e-12);
    expect(a.notes.join(' ')).toMatch(/segment lists differ/);
  });

  it('token sellers against GPU-hour sellers: pricing is not 0, and parts of both signs give no shares', () => {
    const f = built['frontier-lab-base']!;
    const n = built['neocloud-base']!;
    const h = built['hyperscaler-base']!;
    for (const [a, b] of [
      [f, h],
      [n, h],
      [f, n],
    ] as const) {
      const r = advantages(a, b);
      expect(Math.abs(r.parts.find((x) => x.group === 'pricing')!.npvPerMW as number), `${a.id} vs ${b.id}`).toBeGreaterThan(1000);
      for (const p of r.parts) if (p.shareOfDifference !== null) expect(Math.abs(p.shareOfDifference)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('the same segment lists: pricing is swapped segment by segment', () => {
    const n = built['neocloud-base']!;
    const cheap = { ...n, id: 'cheap', demand: { ...n.demand, segments: n.demand.segments.map((s) => ({ ...s, pricing: { ...s.pricing, perAcceleratorHour: 2 } as typeof s.pricing })) } };
    const c = advantageCoalition(cheap, n, ['pricing']);
    c.demand.segments.forEach((s, i) => expect(s.pricing).toBe(cheap.demand.segments[i]!.pricing));
    const a = advantages(cheap, n);
    expect(a.pricing.mode).toBe('segments');
    expect(a.pricing.multiplier).toBeNull();
    for (const p of a.parts) if (p.group !== 'pricing') expect(p.npvPerMW).toBe(0);
    near(a.parts.find((p) => p.group === 'pricing')!.shareOfDifference, 1, 'all of it', 1e-12);
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
