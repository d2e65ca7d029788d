/**
 * Terminal tables of the analyses (breakeven, tornado, grid) and their CSV.
 * They read the analyses' reports; nothing is recomputed.
 */
import Table from 'cli-table3';
import type { BreakevenReport, BreakevenRow } from '../analysis/breakeven.ts';
import type { GridAxisResult, GridReport } from '../analysis/grid.ts';
import type { TornadoReport } from '../analysis/tornado.ts';
import { formatChangePct, formatInput, formatInputChange, formatMetric, formatMetricDelta, metricLabel } from './analysis-format.ts';
import { group } from './format.ts';
import { toCsv } from './csv.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

const signedPct = formatChangePct;

const driverCell = (label: string, path: string): string => `${label}\n${path}`;

function statusText(r: BreakevenRow): string {
  if (r.status === 'needs-change') return 'needs change';
  if (r.status === 'met') return r.breakeven === null ? 'met (whole range)' : 'met';
  if (r.status === 'no-effect') return 'no effect';
  return 'unreachable';
}

/** The breakeven table: driver, base, breakeven, change, change %, status; notes below. */
export function breakevenTable(rep: BreakevenReport): string {
  const m = rep.target.metric;
  const lines: string[] = [];
  lines.push(`What has to be true for ${rep.target.describe} — ${rep.scenarioId}`);
  lines.push(`Base: ${metricLabel(m)} ${formatMetric(m, rep.base.metric)} (${rep.base.met ? 'met' : 'not met'}); each driver moved alone, all else at base.`);
  const rows = rep.rows.map((r) => [
    driverCell(r.label, r.path),
    formatInput(r, r.base),
    formatInput(r, r.breakeven),
    formatInputChange(r, r.change),
    signedPct(r.changePct),
    statusText(r),
  ]);
  lines.push(table(['Driver', 'Base', 'Breakeven', 'Change', 'Change %', 'Status'], rows));
  const notes: string[] = [];
  for (const r of rep.rows) {
    const range = `[${formatInput(r, r.lo)}, ${formatInput(r, r.hi)}]`;
    if (r.status === 'unreachable' && r.closest !== null) {
      notes.push(`${r.path}: not met anywhere in ${range}; closest at the ${r.closest.bound === 'lo' ? 'lower' : 'upper'} bound ${formatInput(r, r.closest.value)}: ${metricLabel(m)} ${formatMetric(m, r.closest.metric)}`);
    } else if (r.status === 'met' && r.breakeven === null) {
      notes.push(`${r.path}: met across ${range}`);
    } else if (r.status === 'no-effect') {
      notes.push(`${r.path}: no effect within the horizon: ${metricLabel(m)} is ${formatMetric(m, rep.base.metric)} wherever it is in ${range}`);
    }
  }
  if (rep.rows.some((r) => r.status === 'met' && r.breakeven !== null)) {
    notes.push('met: the base meets the target already; the breakeven is where it would stop meeting it.');
  }
  if (rep.rows.some((r) => r.series)) {
    notes.push('A Series given year by year (a utilization ramp) shows its mean over the horizon and moves as a whole (scaled).');
  }
  if (notes.length > 0) lines.push(notes.join('\n'));
  return lines.join('\n');
}

/** The tornado table, widest swing first. */
export function tornadoTable(rep: TornadoReport): string {
  const m = rep.metric;
  const label = metricLabel(m);
  const lines: string[] = [];
  const ranged = rep.rows.some((r) => r.source === 'range');
  lines.push(`Tornado of ${label} — ${rep.scenarioId}`);
  lines.push(`Base: ${label} ${formatMetric(m, rep.baseMetric)}; each driver at ±${group(rep.swing * 100, 0)} % of its base (clipped to its valid range)${ranged ? ' or at its given range' : ''}.`);
  const rows = rep.rows.map((r) => [
    driverCell(r.label, r.path),
    formatInput(r, r.low),
    formatInput(r, r.high),
    formatMetric(m, r.metricLow),
    formatMetric(m, r.metricHigh),
    formatMetricDelta(m, r.swing),
  ]);
  lines.push(table(['Driver', 'Low', 'High', `${label} at low`, `${label} at high`, 'Swing'], rows));
  return lines.join('\n');
}

const axisLabel = (a: GridAxisResult): string => `${a.label} (${a.path})`;

/** The grid as a table: y down, x across, cells next to the breakeven marked `*`. */
export function gridTable(rep: GridReport): string {
  const m = rep.metric;
  const lines: string[] = [];
  lines.push(`${metricLabel(m)} over ${axisLabel(rep.x)} → and ${axisLabel(rep.y)} ↓ — ${rep.scenarioId}`);
  lines.push(`Base: ${metricLabel(m)} ${formatMetric(m, rep.baseMetric)}${rep.x.series || rep.y.series ? '; a Series given year by year shows its mean over the horizon and moves as a whole (scaled)' : ''}.`);
  const head = ['y ↓  x →', ...rep.x.values.map((v) => formatInput(rep.x, v))];
  const rows = rep.values.map((row, j) => [
    formatInput(rep.y, rep.y.values[j] ?? null),
    ...row.map((v, i) => `${formatMetric(m, v)}${rep.contour?.[j]?.[i] ? '*' : ' '}`),
  ]);
  lines.push(table(head, rows));
  if (rep.target !== null) {
    const any = rep.contour?.some((r) => r.includes(true)) ?? false;
    lines.push(any ? `* next to the breakeven: ${rep.target.describe} flips between the cell and a neighbour.` : `${rep.target.describe} does not flip anywhere on this grid.`);
  }
  return lines.join('\n');
}

/** The grid as CSV: a header of x values, then one row per y value; raw numbers, empty where the metric has no value. */
export function gridCsv(rep: GridReport): string {
  const header = [`${rep.y.path} \\ ${rep.x.path}`, ...rep.x.values.map(String)];
  return toCsv(header, rep.values.map((row, j) => [rep.y.values[j] ?? null, ...row]));
}
