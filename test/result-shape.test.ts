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
  segmentYearRowIsFinite,
  summaryIsFinite,
  yearRowIsFinite,
} from '../src/model/result.ts';

describe('result shapes', () => {
  it('row literals list the fields in order', () => {
    expect(Object.keys(newYearRow(1, 2026))).toEqual(['t', 'year', ...YEAR_FIELDS]);
    expect(Object.keys(newBuildYearRow(2025))).toEqual(['t', 'year', ...YEAR_FIELDS]);
    expect(Object.keys(newSegmentYearRow(1, 2026))).toEqual(['t', 'year', 'monetizable', 'profitable', ...SEGMENT_YEAR_FIELDS]);
    expect(Object.keys(newSummary())).toEqual([...SUMMARY_FIELDS]);
  });
  it('the finite checks see a NaN or an Infinity in every field', () => {
    const cases: [Record<string, unknown>, readonly string[], (r: never) => boolean][] = [
      [newYearRow(1, 2026), YEAR_FIELDS, yearRowIsFinite as (r: never) => boolean],
      [newSegmentYearRow(1, 2026), SEGMENT_YEAR_FIELDS, segmentYearRowIsFinite as (r: never) => boolean],
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
});
