/**
 * Calendar days as `YYYY-MM-DD` text, in UTC, with no clock: "today" always
 * comes in from the caller.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0));

/** The parts of a `YYYY-MM-DD` day, or undefined when it is not a real one. */
export function parseDay(s: string): { y: number; m: number; d: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined;
  return { y, m: mo, d };
}

/**
 * true for a real calendar day written `YYYY-MM-DD`.
 *
 * @example
 * isIsoDate('2024-02-29'); // true
 * isIsoDate('2025-02-29'); // false
 */
export const isIsoDate = (s: string): boolean => parseDay(s) !== undefined;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const format = (y: number, m: number, d: number): string => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** Days since 1970-01-01 (a number to subtract); throws on a bad day. */
export function dayNumber(s: string): number {
  const p = parseDay(s);
  if (p === undefined) throw new RangeError(`not a day YYYY-MM-DD: "${s}"`);
  return Date.UTC(p.y, p.m - 1, p.d) / 86_400_000;
}

/** The calendar year of a day. */
export const yearOf = (s: string): number => Number(s.slice(0, 4));

/**
 * The same day `n` months later (or earlier, n < 0), clamped to the month's
 * last day.
 *
 * @example
 * addMonths('2026-03-31', -1); // '2026-02-28'
 */
export function addMonths(s: string, n: number): string {
  const p = parseDay(s);
  if (p === undefined) throw new RangeError(`not a day YYYY-MM-DD: "${s}"`);
  const idx = p.y * 12 + (p.m - 1) + n;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return format(y, m, Math.min(p.d, daysIn(y, m)));
}

/** Years between two days (365.25 days a year). */
export const yearsBetween = (from: string, to: string): number => (dayNumber(to) - dayNumber(from)) / 365.25;

/** A calendar quarter. */
export interface Quarter {
  /** `2026-Q3` */
  label: string;
  start: string;
  end: string;
}

/**
 * The calendar quarters over the next `months` months (a whole number of
 * quarters, rounded up): the quarter holding `from` first.
 *
 * @example
 * quartersAhead('2026-11-30', 24).map((q) => q.label); // ['2026-Q4', '2027-Q1', …, '2028-Q3'] (8)
 */
export function quartersAhead(from: string, months: number): Quarter[] {
  const p = parseDay(from);
  if (p === undefined) throw new RangeError(`not a day YYYY-MM-DD: "${from}"`);
  const out: Quarter[] = [];
  let y = p.y;
  let q = Math.floor((p.m - 1) / 3);
  for (let i = 0; i < Math.ceil(months / 3); i++) {
    const endMonth = q * 3 + 3;
    out.push({ label: `${y}-Q${q + 1}`, start: format(y, q * 3 + 1, 1), end: format(y, endMonth, daysIn(y, endMonth)) });
    q++;
    if (q === 4) {
      q = 0;
      y++;
    }
  }
  return out;
}
