/**
 * CSV as RFC 4180 writes it: a cell with a comma, a quote or a line break is
 * quoted, quotes doubled; null is an empty cell. Light on purpose (no table
 * renderer): the browser-safe library and the samples' stream use it.
 */

/** One cell. */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Comma-separated values with a header row; numbers raw, text quoted when needed. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
