/**
 * The formatter's fast path for whole numbers (no Intl, whose first use costs a
 * short command ~20 ms) checked against Intl itself, the slow obvious path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { group, grouped } from '../src/model/format.ts';

const intl = (x: number, digits: number): string => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);

describe('whole numbers, grouped without Intl', () => {
  it('read as Intl writes them, at every number of decimals (property)', () => {
    const whole = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -0, 999, 1000, -1000, 999_999, 1_000_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21));
    fc.assert(
      fc.property(whole, fc.constantFrom(0, 1, 2, 3, 6), (x, digits) => {
        expect(group(x, digits)).toBe(intl(x, digits));
        expect(grouped(x)).toBe(x.toLocaleString('en-US'));
      }),
      { seed: 20261208, numRuns: 2000 },
    );
  });
  it('and every other number goes through Intl as before', () => {
    for (const x of [1.5, -2.25, 0.001, 1e-7, 123456.789]) {
      expect(group(x, 2)).toBe(intl(x, 2));
      expect(grouped(x)).toBe(x.toLocaleString('en-US'));
    }
    expect(group(Number.NaN, 0)).toBe('—');
    expect(grouped(Infinity)).toBe('∞');
  });
});
