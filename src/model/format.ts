/**
 * Numbers for people: `$14.26M`, `+$2,109M`, `51.9 %`, `3.41 y`. The one
 * formatter of every surface (CLI, report, dashboard, workbook labels, the
 * sentences of the analyses and signals), here at the bottom of the house so
 * every layer can use it; `--json` carries the raw numbers instead.
 *
 * One sign convention: a minus sign (−, U+2212) for negatives, `+` only where
 * a sign is asked for (an npv, a change, a surplus), and an amount that is
 * zero at the digits shown reads `$0` with no sign and no decimals, whatever
 * the scale (never `$0.00M` beside `$0M`).
 */

export const NONE = '—';

/**
 * A number with nothing to show: null, or NaN or ±Infinity. Results never
 * hold those (the engine reports null with a warning); this is the last
 * guard, so no table ever prints `$∞T` or `+∞ %`.
 */
export const noValue = (x: number | null | undefined): x is null | undefined => x === null || x === undefined || !Number.isFinite(x);

/** The formatters of `group`, one per number of decimals (making one costs far more than using it: a dashboard frame formats hundreds of numbers). */
const fixed = new Map<number, Intl.NumberFormat>();

/**
 * A safe integer's digits with a comma every three, as Intl's en-US writes them
 * (`-1,234,567`); undefined for any other number (and −0, which Intl writes `-0`).
 * The first Intl number format of a process costs some 20 ms (ICU's locale
 * data), most of what a short command takes beyond Node's own start; whole
 * numbers (a count, `10 years`, `200,000 samples`) need none of it.
 */
function groupedInteger(x: number): string | undefined {
  if (!Number.isSafeInteger(x) || Object.is(x, -0)) return undefined;
  const d = String(Math.abs(x));
  let s = d.slice(0, d.length % 3 || 3);
  for (let i = s.length; i < d.length; i += 3) s += `,${d.slice(i, i + 3)}`;
  return x < 0 ? `-${s}` : s;
}

/** A number as `toLocaleString('en-US')` writes it (`1,234,567`): whole numbers without loading Intl. */
export const grouped = (x: number): string => groupedInteger(x) ?? x.toLocaleString('en-US');

/** A number with thousands separators and fixed decimals: `2,109.4`; non-finite as `—`. */
export function group(x: number, digits: number): string {
  if (!Number.isFinite(x)) return NONE;
  const whole = groupedInteger(x);
  if (whole !== undefined && Number.isInteger(digits) && digits >= 0 && digits <= 100) return digits === 0 ? whole : `${whole}.${'0'.repeat(digits)}`;
  let f = fixed.get(digits);
  if (f === undefined) fixed.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(x);
}

/** Money in millions: `$14.26M` (digits 2) or `+$2,109M` (digits 0, signed). */
export function millions(x: number | null, digits = 2, signed = false): string {
  if (noValue(x)) return NONE;
  const m = x / 1e6;
  if (Number(group(Math.abs(m), digits).replace(/,/g, '')) === 0) return '$0';
  const s = `$${group(Math.abs(m), digits)}M`;
  if (m < 0 && Number(group(Math.abs(m), digits).replace(/,/g, '')) !== 0) return `−${s}`;
  return signed ? `+${s}` : s;
}

/** Money scaled to its size: `$950`, `$14.3k`, `$14.3M`, `$2.11B`. */
export function money(x: number | null, digits = 1): string {
  if (noValue(x)) return NONE;
  const a = Math.abs(x);
  if (a < 0.005) return '$0';
  const sign = x < 0 ? '−' : '';
  if (a >= 1e12) return `${sign}$${group(a / 1e12, digits + 1)}T`;
  if (a >= 1e9) return `${sign}$${group(a / 1e9, digits + 1)}B`;
  if (a >= 1e6) return `${sign}$${group(a / 1e6, digits)}M`;
  if (a >= 1e4) return `${sign}$${group(a / 1e3, digits)}k`;
  if (a >= 100) return `${sign}$${group(a, 0)}`;
  return `${sign}$${group(a, 2)}`;
}

/** Price per unit with two decimals: `$2.35`. */
export function price(x: number | null, digits = 2): string {
  if (noValue(x)) return NONE;
  return `${x < 0 ? '−' : ''}$${group(Math.abs(x), digits)}`;
}

/** A fraction as a percentage: `51.9 %`. */
export function pct(x: number | null, digits = 1): string {
  if (noValue(x)) return NONE;
  const v = x * 100;
  const s = group(Math.abs(v), digits);
  return `${v < 0 && Number(s.replace(/,/g, '')) !== 0 ? '−' : ''}${s} %`;
}

/** Years: `3.41 y`. */
export function yearsFmt(x: number | null, digits = 2): string {
  if (noValue(x)) return NONE;
  return `${group(x, digits)} y`;
}

/** A plain ratio: `1.97×`. */
export function ratio(x: number | null, digits = 2): string {
  if (noValue(x)) return NONE;
  return `${group(x, digits)}×`;
}

/** What the scale letters of `tokens` mean, for a legend or an axis name. */
export const TOKEN_SCALE_NOTE = 'B = 10⁹, T = 10¹², Q = 10¹⁵ tokens';

/** Token counts with a letter for the scale: `15.8T`, `1.58Q` (see `TOKEN_SCALE_NOTE`). */
export function tokens(x: number | null): string {
  if (noValue(x)) return NONE;
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a >= 1e15) return `${sign}${group(a / 1e15, 2)}Q`;
  if (a >= 1e12) return `${sign}${group(a / 1e12, 2)}T`;
  if (a >= 1e9) return `${sign}${group(a / 1e9, 2)}B`;
  if (a >= 1e6) return `${sign}${group(a / 1e6, 2)}M`;
  return `${sign}${group(a, 0)}`;
}

/** A count: `55,556`. */
export function count(x: number | null, digits = 0): string {
  if (noValue(x)) return NONE;
  return `${x < 0 ? '−' : ''}${group(Math.abs(x), digits)}`;
}

/** A count of things with its noun, singular or plural: `1 segment`, `5 segments`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`;
}

/** A signed amount in millions: `+$3.77M`, `−$8.43M`, `$0` (a surplus, a change). */
export const signedMillions = (x: number | null, digits = 2): string => millions(x, digits, true);
