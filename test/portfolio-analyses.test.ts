/**
 * The analyses of MODEL.md §5 on portfolios (§8): paths on every vintage, one
 * vintage or the shared market; breakeven, tornado, grid, the payback stack
 * and structural advantages; and the Monte Carlo with common shocks and
 * perVintage draws, each sample equal to the portfolio evaluated with that
 * sample's inputs (the fast path checked against the plain one).
 */
import { describe, expect, it } from 'vitest';
import { advantages } from '../src/analysis/advantages.ts';
import { breakeven } from '../src/analysis/breakeven.ts';
import { grid } from '../src/analysis/grid.ts';
import { monteCarlo } from '../src/analysis/monte-carlo.ts';
import { AnalysisInputError, checkInputPath, getInput, inputInfo, setInput } from '../src/analysis/paths.ts';
import { paybackStack } from '../src/analysis/payback-stack.ts';
import { tornado } from '../src/analysis/tornado.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { readPortfolioFile } from '../src/io/portfolio-files.ts';
import { formatIssues } from '../src/model/issues.ts';
import { evaluatePortfolioSummary } from '../src/model/portfolio.ts';
import type { Portfolio } from '../src/model/portfolio-load.ts';
import { catalog } from './helpers.ts';

function builtIn(id: string): Portfolio {
  const r = readPortfolioFile(id, catalog());
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.portfolio;
}

const close = (a: number | null | undefined, b: number | null | undefined, rel = 1e-9): boolean =>
  a === null || a === undefined || b === null || b === undefined ? (a ?? null) === (b ?? null) : Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

describe('paths on a portfolio', () => {
  const p = builtIn('hyperscaler-buildout');
  const market = builtIn('industry-revenue-gap');
  it('a path on every vintage is a common shock: each vintage moves by the same ratio, re-basing kept', () => {
    const base = getInput(p, 'fleet.capexPerAccelerator') as number;
    expect(base).toBe(p.vintages[0]?.scenario.fleet.capexPerAccelerator);
    const q = setInput(p, 'fleet.capexPerAccelerator', base * 1.1);
    p.vintages.forEach((v, k) => expect(q.vintages[k]?.scenario.fleet.capexPerAccelerator).toBeCloseTo((v.scenario.fleet.capexPerAccelerator as number) * 1.1, 6));
    const info = inputInfo(p, 'fleet.capexPerAccelerator');
    expect(info.label).toContain('every vintage');
  });
  it('finance.wacc moves the portfolio\'s own wacc and every vintage\'s', () => {
    const q = setInput(p, 'finance.wacc', 0.1);
    expect(q.finance.wacc).toBe(0.1);
    for (const v of q.vintages) expect(v.scenario.finance.wacc).toBe(0.1);
  });
  it('vintages[<id>].… moves one vintage; a build year two vintages share is an error; a shared market owns the demand', () => {
    const q = setInput(p, 'vintages[2027].demand.utilization', 0.5);
    expect(q.vintages.find((v) => v.id === '2027')?.scenario.demand.utilization).toBe(0.5);
    expect(q.vintages.find((v) => v.id === '2026')?.scenario.demand.utilization).toEqual(p.vintages.find((v) => v.id === '2026')?.scenario.demand.utilization);
    expect(checkInputPath(p, 'vintages[2099].fleet.usefulLifeYears')?.message).toMatch(/no vintage "2099"/);
    const twice: Portfolio = { ...p, vintages: [...p.vintages, { ...(p.vintages[0] as Portfolio['vintages'][number]), id: '2024-b' }].map((v, i) => (i === 0 ? { ...v, id: '2024-a' } : v)) };
    expect(checkInputPath(twice, 'vintages[2024].fleet.usefulLifeYears')?.message).toMatch(/2 vintages are built in 2024 \(2024-a, 2024-b\): name one by its id/);
    expect(checkInputPath(market, 'vintages[2026].demand.utilization')?.message).toMatch(/the portfolio's demand is shared/);
    expect(checkInputPath(market, 'demand.growthPerYear')).toBeNull();
    expect(checkInputPath(market, 'demand.utilization')?.message).toMatch(/the shared market/);
    expect(checkInputPath(p, 'horizon.years')?.message).toMatch(/calendar/);
    expect(() => setInput(p, 'fleet.nope', 1)).toThrow(AnalysisInputError);
  });
  it('the market\'s price moves every vintage\'s price through the calendar', () => {
    const a = evaluatePortfolioSummary(market).summary.totalRevenue ?? 0;
    const b = evaluatePortfolioSummary(setInput(market, 'demand.segments[paid].pricing.perMTok', 10)).summary.totalRevenue ?? 0;
    expect(b / a).toBeCloseTo(2, 9);
  });
});

describe('breakeven, tornado, grid, the stack and advantages on a portfolio', () => {
  const p = builtIn('industry-revenue-gap');
  it('breakeven: putting a driver at its breakeven meets the target', () => {
    const r = breakeven(p, { drivers: ['demand.segments[paid].pricing.perMTok', 'fleet.capexPerAccelerator', 'finance.wacc'] });
    expect(r.base.met).toBe(false);
    const price = r.rows.find((x) => x.path === 'demand.segments[paid].pricing.perMTok');
    expect(price?.status).toBe('needs-change');
    const s = price?.setting;
    if (s === null || s === undefined) throw new Error('no setting');
    expect(evaluatePortfolioSummary(setInput(p, s.path, s.value, s.mode)).summary.npv).toBeGreaterThanOrEqual(0);
  });
  it('tornado and grid move the portfolio\'s inputs', () => {
    const t = tornado(p, { drivers: ['demand.growthPerYear', 'finance.wacc'] });
    expect(t.rows.map((r) => r.path).sort()).toEqual(['demand.growthPerYear', 'finance.wacc']);
    for (const r of t.rows) expect(r.swing).toBeGreaterThan(0);
    const g = grid(p, { x: { path: 'demand.segments[paid].pricing.perMTok', lo: 3, hi: 9, n: 3 }, y: { path: 'finance.wacc', lo: 0.05, hi: 0.15, n: 3 } });
    expect(g.values[0]?.[2]).toBeGreaterThan(g.values[0]?.[0] as number);
    expect(g.values[2]?.[1]).toBeLessThan(g.values[0]?.[1] as number);
  });
  it('the payback stack scales every cash price of every vintage and the market to npv = 0', () => {
    for (const id of ['industry-revenue-gap', 'hyperscaler-buildout']) {
      const s = paybackStack(builtIn(id));
      expect(s.factor).not.toBeNull();
      expect(Math.abs(s.npvAtRequired ?? 1)).toBeLessThan(1e-3 * Math.abs(s.requiredRevenuePerMW ?? 1) * 1e3);
      expect(s.sources.reduce((a, x) => a + x.revenuePerMW, 0)).toBeCloseTo(s.cashRevenuePerMW, 0);
    }
  });
  it('structural advantages: the parts sum to the difference in npv per MW', () => {
    const ref = readScenarioFile('neocloud-base', catalog());
    if (!ref.ok) throw new Error('no reference');
    const a = advantages(builtIn('hyperscaler-buildout'), ref.scenario);
    const sum = a.parts.reduce((s, x) => s + (x.npvPerMW ?? 0), 0);
    expect(sum).toBeCloseTo(a.difference ?? NaN, 0);
    expect(a.notes[0]).toMatch(/portfolio of 7 vintages/);
  });
});

describe('the Monte Carlo of a portfolio', () => {
  it('each sample is the portfolio evaluated with that sample\'s inputs (common shocks)', () => {
    for (const id of ['industry-revenue-gap', 'hyperscaler-buildout']) {
      const p = builtIn(id);
      const { samples, summary } = monteCarlo(p, { n: 24, seed: 7, keepSamples: true, chunkSize: 16 });
      if (samples === undefined) throw new Error('no samples');
      for (const i of [0, 5, 17, 23]) {
        let q = p;
        for (const input of samples.inputs) q = setInput(q, input.path, input.values[i] as number, input.mode);
        const s = evaluatePortfolioSummary(q).summary;
        expect(close(samples.metrics.npv[i], s.npv)).toBe(true);
        expect(close(samples.metrics.revenuePerMW[i], s.revenuePerMW)).toBe(true);
        expect(close(samples.metrics.strategicNpv[i], s.strategicNpv)).toBe(true);
        const irr = samples.metrics.irr[i] as number;
        expect(Number.isNaN(irr) ? null : irr).toBeCloseTo(s.irr ?? NaN, 9);
      }
      expect(summary.definitions.paybackWithinLife).toMatch(/vintage/);
    }
  });
  it('perVintage: true draws each vintage on its own', () => {
    const p = builtIn('industry-revenue-gap');
    const withPer: Portfolio = { ...p, uncertainty: { 'fleet.capexPerAccelerator': { dist: 'triangular', min: 80000, mode: 100000, max: 125000, perVintage: true } } };
    const { samples, summary } = monteCarlo(withPer, { n: 16, seed: 3, keepSamples: true });
    if (samples === undefined) throw new Error('no samples');
    expect(summary.drivers.map((d) => d.path)).toEqual(p.vintages.map((v) => `vintages[${v.id}].fleet.capexPerAccelerator`));
    expect(samples.inputs[0]?.values[0]).not.toBe(samples.inputs[1]?.values[0]);
    let q = p;
    for (const input of samples.inputs) q = setInput(q, input.path, input.values[2] as number, input.mode);
    expect(close(samples.metrics.npv[2], evaluatePortfolioSummary(q).summary.npv)).toBe(true);
  });
  it('the same seed gives the same numbers', () => {
    const p = builtIn('neocloud-ramp');
    const a = monteCarlo(p, { n: 300, seed: 11 }).summary;
    const b = monteCarlo(p, { n: 300, seed: 11 }).summary;
    expect(a.metrics.npv).toEqual(b.metrics.npv);
  });
});
