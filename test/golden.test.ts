/**
 * Golden results for the four built-in scenarios (STYLE.md habit 8): the full
 * `evaluate` result as JSON under `test/golden/<id>.json`, reviewed in the diff
 * when it changes. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`.
 *
 * Also: the built-ins reproduce the table of DATA.md §3 to its printed digits.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import type { ModelResult } from '../src/model/result.ts';
import { setInput } from '../src/analysis/paths.ts';
import { base, BUILT_INS, printedAs, ROOT, scenario } from './helpers.ts';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const GOLDEN_DIR = `${ROOT}test/golden`;
const goldenPath = (id: string): string => `${GOLDEN_DIR}/${id}.json`;

/** The archetypes' base cases and the built-in variants (neocloud-levered: the capital stack of MODEL.md §9). */
const GOLDEN_IDS = [...BUILT_INS, 'neocloud-levered'] as const;
const results = new Map<string, ModelResult>(GOLDEN_IDS.map((id) => [id, evaluate(scenario(base(id)))]));
const result = (id: string): ModelResult => {
  const r = results.get(id);
  if (r === undefined) throw new Error(`no result for ${id}`);
  return r;
};

/** The differences between two JSON values, numbers equal to a relative `rel` (empty when equal). */
function diffJson(actual: unknown, expected: unknown, rel: number, path = '$', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (actual !== expected && Math.abs(actual - expected) > rel * Math.max(Math.abs(actual), Math.abs(expected))) {
      out.push(`${path}: ${actual} ≠ golden ${expected}`);
    }
  } else if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) out.push(`${path}: length ${actual.length} ≠ golden ${expected.length}`);
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) diffJson(actual[i], expected[i], rel, `${path}[${i}]`, out);
  } else if (isObject(actual) && isObject(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const k of keys) {
      if (!(k in actual)) out.push(`${path}.${k}: missing (golden ${JSON.stringify(expected[k])})`);
      else if (!(k in expected)) out.push(`${path}.${k}: not in golden (${JSON.stringify(actual[k])})`);
      else diffJson(actual[k], expected[k], rel, `${path}.${k}`, out);
    }
  } else if (actual !== expected) {
    out.push(`${path}: ${JSON.stringify(actual)} ≠ golden ${JSON.stringify(expected)}`);
  }
  return out;
}
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

describe('golden results of the built-in scenarios', () => {
  for (const id of GOLDEN_IDS) {
    it(id, () => {
      const actual: unknown = JSON.parse(JSON.stringify(result(id)));
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(goldenPath(id), `${JSON.stringify(actual, null, 2)}\n`);
        return;
      }
      expect(existsSync(goldenPath(id)), `${goldenPath(id)} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      const golden: unknown = JSON.parse(readFileSync(goldenPath(id), 'utf8'));
      expect(diffJson(actual, golden, 1e-12)).toEqual([]);
    });
  }
});

describe('DATA.md §3 (MODEL.md v2): what the base cases give', () => {
  /** A row of the table, in the units it prints: $M per MW-yr, %, $M, %, years, $M. */
  interface Printed {
    revenuePerMW: number;
    gpPerMW: number;
    marginPct: number;
    npvM: number;
    irrPct: number | null;
    equityIrrPct?: number | null;
    payback: number | null;
    strategicNpvM: number;
  }
  const table: Record<(typeof BUILT_INS)[number], Printed> = {
    'hyperscaler-base': { revenuePerMW: 14.26, gpPerMW: 7.41, marginPct: 51.9, npvM: 2109, irrPct: 18.7, payback: 3.41, strategicNpvM: 4240 },
    'frontier-lab-base': { revenuePerMW: 21.27, gpPerMW: 8.31, marginPct: 39.1, npvM: 2310, irrPct: null, payback: 0, strategicNpvM: 2310 },
    'neocloud-base': { revenuePerMW: 11.07, gpPerMW: 2.44, marginPct: 22.1, npvM: -207, irrPct: 10.3, equityIrrPct: 14.2, payback: 4.13, strategicNpvM: -207 },
    'private-ai-factory-base': { revenuePerMW: 9.52, gpPerMW: -2.91, marginPct: -30.5, npvM: -693, irrPct: -11.7, equityIrrPct: -30.7, payback: null, strategicNpvM: 1400 },
  };

  for (const id of BUILT_INS) {
    it(id, () => {
      const s = result(id).summary;
      const p = table[id];
      const scaled = (x: number | null, k: number): number | null => (x === null ? null : x * k);
      printedAs(scaled(s.revenuePerMW, 1e-6), p.revenuePerMW, 2, `${id} revenue/MW-yr ($M)`);
      printedAs(scaled(s.grossProfitPerMW, 1e-6), p.gpPerMW, 2, `${id} GP/MW-yr ($M)`);
      printedAs(scaled(s.grossMargin, 100), p.marginPct, 1, `${id} gross margin (%)`);
      printedAs(scaled(s.npv, 1e-6), p.npvM, 0, `${id} NPV ($M)`);
      if (p.irrPct === null) expect(s.irr, `${id} IRR`).toBeNull();
      else printedAs(scaled(s.irr, 100), p.irrPct, 1, `${id} IRR (%)`);
      if (p.equityIrrPct === null) expect(s.equityIrr, `${id} equity IRR`).toBeNull();
      else if (p.equityIrrPct !== undefined) printedAs(scaled(s.equityIrr, 100), p.equityIrrPct, 1, `${id} equity IRR (%)`);
      if (p.payback === null) expect(s.paybackYears, `${id} payback`).toBeNull();
      else printedAs(s.paybackYears, p.payback, 2, `${id} payback (years)`);
      printedAs(scaled(s.strategicNpv, 1e-6), p.strategicNpvM, 0, `${id} strategic NPV ($M)`);
    });
  }

  it('frontier-lab-base: no capex → payback 0, no strategic value → strategic NPV = NPV', () => {
    const s = result('frontier-lab-base').summary;
    expect(s.paybackYears).toBe(0);
    expect(s.strategicNpv).toBe(s.npv);
    expect(s.capexPerMW).toBe(0);
  });

  it('hyperscaler-base spends $39.8M/MW at t = 0 (DATA.md: 100 MW / 1.8 kW × $50k + $12M/MW)', () => {
    printedAs(scaled1e6(result('hyperscaler-base').summary.capexPerMW), 39.8, 1, 'capexPerMW ($M)');
  });
});

const scaled1e6 = (x: number | null): number | null => (x === null ? null : x / 1e6);

describe('DATA.md §3 note: the refresh cadence cannot make money from nothing', () => {
  // hyperscaler-base with useful life and depreciation both L: DATA.md's printed NPVs ($B)
  const printed: [number, number, number][] = [
    [1, -10.1, 1],
    [2, -0.9, 1],
    [3, 1.2, 1],
    [5, 2.1, 1],
    [7, 2.5, 1],
    [10, 1.75, 2],
  ];
  for (const [L, npvB, digits] of printed) {
    it(`useful life ${L} years → npv ${npvB > 0 ? '+' : ''}$${npvB}B`, () => {
      const s = setInput(setInput(scenario(base('hyperscaler-base')), 'fleet.usefulLifeYears', L), 'fleet.depreciationYears', L);
      printedAs(scaled1e6(evaluate(s).summary.npv)! / 1000, npvB, digits, `npv ($B) at L = ${L}`);
    });
  }
});
