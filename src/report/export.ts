/**
 * The flat exports of one result: CSV of the yearly lines and of the segments
 * (long format), and the JSON result contract. They read the engine's result;
 * nothing is recomputed.
 */
import { SEGMENT_YEAR_FIELDS, YEAR_FIELDS, type ModelResult } from '../model/result.ts';
import { toCsv } from './csv.ts';

/**
 * One row per year (`t = 0..T`), the columns `t, year` and YEAR_FIELDS; a
 * missing value (null) is an empty cell.
 *
 * @example
 * yearsCsv(evaluate(scenario)).split('\n')[0]; // 't,year,accelerators,generation,…'
 */
export function yearsCsv(result: ModelResult): string {
  const header = ['t', 'year', ...YEAR_FIELDS];
  return toCsv(header, result.years.map((y) => [y.t, y.year, ...YEAR_FIELDS.map((f) => y[f])]));
}

/**
 * Long format: one row per segment and operating year, the columns
 * `segment, kind, pricing, t, year, monetizable, profitable` and SEGMENT_YEAR_FIELDS.
 *
 * @example
 * segmentsCsv(evaluate(scenario)).split('\n')[1]; // 'cloud-api,paid-api,perMTok,1,2026,true,true,0.25,…'
 */
export function segmentsCsv(result: ModelResult): string {
  const header = ['segment', 'kind', 'pricing', 't', 'year', 'monetizable', 'profitable', ...SEGMENT_YEAR_FIELDS];
  const rows = result.segments.flatMap((s) => s.years.map((y) => [s.id, s.kind, s.pricingKind, y.t, y.year, y.monetizable, y.profitable, ...SEGMENT_YEAR_FIELDS.map((f) => y[f])]));
  return toCsv(header, rows);
}

/** The result contract of MODEL.md §4 as JSON text. */
export function resultJson(result: ModelResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
