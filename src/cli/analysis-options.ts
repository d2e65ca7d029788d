/**
 * What the analysis commands (breakeven, tornado, grid) share: repeatable
 * options, `PATH=lo:hi[:n]` ranges, and turning an analysis' bad-input error
 * into the CLI's (exit 2).
 */
import { AnalysisInputError } from '../analysis/paths.ts';
import { parseNumberText } from '../analysis/targets.ts';
import type { Issue } from '../model/issues.ts';
import { InputError } from './context.ts';

/** Commander's collector for a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** A parsed `PATH=lo:hi` or `PATH=lo:hi:n`. */
export interface RangeOption {
  path: string;
  lo: number;
  hi: number;
  n: number | undefined;
}

/**
 * Parse `PATH=lo:hi` (`withN` false) or `PATH=lo:hi:n`; numbers as
 * `parseNumberText` reads them (`0.6`, `60%`, `45k`). A malformed one is an
 * issue naming the option and the expected form.
 */
export function parseRangeOption(option: string, text: string, withN: boolean): RangeOption | Issue {
  const form = withN ? 'PATH=lo:hi:n, e.g. demand.utilization=0.4:0.9:11' : 'PATH=lo:hi, e.g. finance.wacc=0.06:0.12';
  const eq = text.indexOf('=');
  const bad = (why: string): Issue => ({ path: '', message: `${option} ${JSON.stringify(text)}: ${why}; expected ${form}`, code: 'bad_range' });
  if (eq <= 0) return bad('no "PATH="');
  const path = text.slice(0, eq).trim();
  const parts = text.slice(eq + 1).split(':');
  if (parts.length !== (withN ? 3 : 2)) return bad(`the range needs ${withN ? 'three' : 'two'} numbers separated by ":"`);
  const nums = parts.map((p) => parseNumberText(p));
  const i = nums.findIndex((x) => x === undefined);
  if (i >= 0) return bad(`${JSON.stringify(parts[i])} is not a number`);
  const [lo, hi, n] = nums as number[];
  return { path, lo: lo as number, hi: hi as number, n };
}

/** Run an analysis; its bad-input error becomes the CLI's InputError (exit 2 with every issue). */
export function orInputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof AnalysisInputError) throw new InputError(e.issues);
    throw e;
  }
}

/** Throw the issues, if any, as one InputError. */
export function failOn(issues: readonly Issue[]): void {
  if (issues.length > 0) throw new InputError([...issues]);
}
