/** The row literals and finite checks of result.ts cover exactly the field lists they stand for. */
import { describe, expect, it } from 'vitest';
import {
  SEGMENT_YEAR_FIELDS,
  SUMMARY_FIELDS,
  YEAR_FIELDS,
  newBuildYearRow,
  newSegmentYearRow,
  newSummary,
  newYearRow,
  summaryIsFinite,
} from '../src/model/result.ts';
import { evaluate } from '../src/model/engine.ts';
import { base, scenario, withPatch } from './helpers.ts';

describe('result shapes', () => {
  it('row literals list the fields in order', () => {
    expect(Object.keys(newYearRow(1, 2026))).toEqual(['t', 'year', ...YEAR_FIELDS]);
    expect(Object.keys(newBuildYearRow(2025))).toEqual(['t', 'year', ...YEAR_FIELDS]);
    expect(Object.keys(newSegmentYearRow(1, 2026))).toEqual(['t', 'year', 'monetizable', 'profitable', ...SEGMENT_YEAR_FIELDS]);
    expect(Object.keys(newSummary())).toEqual([...SUMMARY_FIELDS]);
  });
  it('the finite checks see a NaN or an Infinity in every field', () => {
    const cases: [Record<string, unknown>, readonly string[], (r: never) => boolean][] = [
      [newSummary(), SUMMARY_FIELDS, summaryIsFinite as (r: never) => boolean],
    ];
    for (const [row, fields, check] of cases) {
      expect(check(row as never)).toBe(true);
      for (const f of fields) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const r = { ...row, [f]: bad };
          expect(check(r as never), `${f} = ${bad}`).toBe(false);
        }
      }
    }
  });
  it('an overflow anywhere comes out as null with a warning, never as NaN or Infinity', () => {
    for (const id of ['hyperscaler-base', 'neocloud-base', 'frontier-lab-base']) {
      const raw = withPatch(base(id), (r: any) => {
        // inside MODEL.md §2's bounds (kW > 0, itMW ≤ 1e6), yet N = itMW · 1000 / kW overflows
        r.fleet.kWPerAccelerator = 1e-300;
        r.site.itMW = 1e6;
      });
      const result = evaluate(scenario(raw));
      const bad: string[] = [];
      const walk = (x: unknown, path: string): void => {
        if (typeof x === 'number' && !Number.isFinite(x)) bad.push(path);
        else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
      };
      walk(result, id);
      expect(bad).toEqual([]);
      expect(result.warnings.some((w) => w.code === 'not-finite')).toBe(true);
    }
  });
});
