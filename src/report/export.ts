/**
 * The flat exports of one result: CSV of the yearly lines and of the segments
 * (long format), and the JSON result contract. They read the engine's result;
 * nothing is recomputed.
 */
import { CAPITAL_YEAR_FIELDS, SEGMENT_YEAR_FIELDS, TRANCHE_YEAR_FIELDS, YEAR_FIELDS, type ModelResult } from '../model/result.ts';
import { toCsv } from './csv.ts';

/**
 * One row per year (`t = 0..T`), the columns `t, year` and YEAR_FIELDS; a
 * missing value (null) is an empty cell.
 *
 * @example
 * yearsCsv(evaluate(scenario)).split('\n')[0]; // 't,year,accelerators,generation,…'
 */
export function yearsCsv(result: ModelResult): string {
  // a capital stack (MODEL.md §9) adds its lines after the others
  const fields = result.tranches === undefined ? YEAR_FIELDS : [...YEAR_FIELDS, ...CAPITAL_YEAR_FIELDS];
  const header = ['t', 'year', ...fields];
  return toCsv(header, result.years.map((y) => [y.t, y.year, ...fields.map((f) => y[f] ?? null)]));
}

/**
 * Long format (MODEL.md §9): one row per tranche and year (`t = 0..T`), the
 * columns `tranche, t, year` and the tranche's lines; empty without a capital stack.
 *
 * @example
 * tranchesCsv(evaluate(levered)).split('\n')[0]; // 'tranche,t,year,draw,interest,principal,…'
 */
export function tranchesCsv(result: ModelResult): string {
  const header = ['tranche', 't', 'year', ...TRANCHE_YEAR_FIELDS];
  return toCsv(header, (result.tranches ?? []).flatMap((tr) => tr.years.map((y) => [tr.id, y.t, y.year, ...TRANCHE_YEAR_FIELDS.map((f) => y[f])])));
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
