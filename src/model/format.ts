/** Numbers for people: `$14.26M`, `+$2,109M`, `51.9 %`, `3.41 y`. `--json` carries the raw numbers instead. */

const group = (x: number, digits: number): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const NONE = '—';

/** Money in millions: `$14.26M` (digits 2) or `+$2,109M` (digits 0, signed). */
export function millions(x: number | null, digits = 2, signed = false): string {
  if (x === null) return NONE;
  const m = x / 1e6;
  const s = `$${group(Math.abs(m), digits)}M`;
  if (m < 0 && Number(group(Math.abs(m), digits).replace(/,/g, '')) !== 0) return `−${s}`;
  return signed ? `+${s}` : s;
}

/** Money scaled to its size: `$950`, `$14.3k`, `$14.3M`, `$2.11B`. */
export function money(x: number | null, digits = 1): string {
  if (x === null) return NONE;
  const a = Math.abs(x);
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
  if (x === null) return NONE;
  return `${x < 0 ? '−' : ''}$${group(Math.abs(x), digits)}`;
}

/** A fraction as a percentage: `51.9 %`. */
export function pct(x: number | null, digits = 1): string {
  if (x === null) return NONE;
  const v = x * 100;
  const s = group(Math.abs(v), digits);
  return `${v < 0 && Number(s.replace(/,/g, '')) !== 0 ? '−' : ''}${s} %`;
}

/** Years: `3.41 y`. */
export function yearsFmt(x: number | null, digits = 2): string {
  if (x === null) return NONE;
  return `${group(x, digits)} y`;
}

/** A plain ratio: `1.97×`. */
export function ratio(x: number | null, digits = 2): string {
  if (x === null) return NONE;
  return `${group(x, digits)}×`;
}

/** Token counts: `1.58e13` style for big numbers, with a word for the scale: `15.8T`. */
export function tokens(x: number | null): string {
  if (x === null) return NONE;
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
  if (x === null) return NONE;
  return `${x < 0 ? '−' : ''}${group(Math.abs(x), digits)}`;
}
