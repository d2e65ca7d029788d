/**
 * Terminal tables of the analyses (breakeven, tornado, grid) and their CSV.
 * They read the analyses' reports; nothing is recomputed.
 */
import Table from 'cli-table3';
import type { BreakevenReport, BreakevenRow } from '../analysis/breakeven.ts';
import type { GridAxisResult, GridReport } from '../analysis/grid.ts';
import type { InputKind } from '../analysis/paths.ts';
import type { TornadoReport } from '../analysis/tornado.ts';
import type { SummaryField } from '../model/result.ts';
import { count, group, millions, NONE, noValue, pct, price, ratio, tokens, yearsFmt } from './format.ts';
import { toCsv } from './csv.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

const minus = (neg: boolean, s: string): string => (neg ? `−${s}` : s);

/** `$ per M tokens` → `/M tok`: the unit after a money amount. */
function perUnit(unit: string): string {
  const short: Record<string, string> = {
    '$ per M tokens': '/M tok',
    '$ per accelerator': '/accel.',
    '$ per accelerator-hour': '/accel-h',
    '$ per user-month': '/user-mo',
    '$ per kW-month': '/kW-mo',
    '$ per MW-year': '/MW-yr',
  };
  return short[unit] ?? (unit.startsWith('$ per ') ? `/${unit.slice(6)}` : '');
}

/** Money with as many decimals as a price needs: `$0.962`, `$2.00`, `$65.00`, `$50.0k`, `$12.0M`. */
function moneyAmount(x: number): string {
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e9) s = `$${group(a / 1e9, 2)}B`;
  else if (a >= 1e6) s = `$${group(a / 1e6, 2)}M`;
  else if (a >= 1e4) s = `$${group(a / 1e3, 1)}k`;
  else if (a >= 1000) s = `$${group(a, 0)}`;
  else if (a >= 1 || a === 0) s = `$${group(a, 2)}`;
  else s = `$${group(a, 3)}`;
  return minus(x < 0 && s !== '$0.00', s);
}

/**
 * An input's value for people, by its kind and unit: `$2.00/M tok`,
 * `−30.0 %/yr`, `73.0 %`, `5 y`, `2.50×`.
 */
export function formatInput(kind: InputKind, unit: string, x: number | null): string {
  if (noValue(x)) return NONE;
  switch (kind) {
    case 'money':
      return `${moneyAmount(x)}${perUnit(unit)}`;
    case 'rate':
      return `${pct(x)}${unit === 'per year' ? '/yr' : ''}`;
    case 'share':
      return pct(x);
    case 'years':
      return Number.isInteger(x) ? `${x} y` : yearsFmt(x);
    case 'multiplier':
      return ratio(x);
    case 'quantity':
      return unit.startsWith('tokens') ? tokens(x) : `${count(x, Math.abs(x) < 10 ? 2 : 0)} ${unit.split(' ')[0]}`;
  }
}

/** A change of an input, signed: `+$0.47/M tok`, `−5.2 pts`, `+1 y`. */
export function formatInputChange(kind: InputKind, unit: string, dx: number | null): string {
  if (noValue(dx)) return NONE;
  const sign = dx > 0 ? '+' : dx < 0 ? '−' : '';
  const a = Math.abs(dx);
  switch (kind) {
    case 'money':
      return `${sign}${moneyAmount(a)}${perUnit(unit)}`;
    case 'rate':
    case 'share':
      return `${sign}${group(a * 100, 1)} pts`;
    case 'years':
      return `${sign}${Number.isInteger(a) ? a : group(a, 2)} y`;
    case 'multiplier':
      return `${sign}${group(a, 2)}×`;
    case 'quantity':
      return `${sign}${formatInput(kind, unit, a)}`;
  }
}

const signedPct = (x: number | null): string => (noValue(x) ? NONE : `${x > 0 ? '+' : ''}${pct(x)}`);

type FieldKind = 'money' | 'perMW' | 'rate' | 'share' | 'years' | 'tokens' | 'price' | 'ratio';

const FIELD_KIND: Record<SummaryField, FieldKind> = {
  npv: 'money',
  irr: 'rate',
  equityIrr: 'rate',
  paybackYears: 'years',
  discountedPaybackYears: 'years',
  peakFunding: 'money',
  capexPerMW: 'perMW',
  totalCapex: 'money',
  revenuePerMW: 'perMW',
  grossProfitPerMW: 'perMW',
  ebitdaPerMW: 'perMW',
  strategicRevenuePerMW: 'perMW',
  grossMargin: 'share',
  totalTokens: 'tokens',
  billedTokens: 'tokens',
  monetizableTokens: 'tokens',
  profitableTokens: 'tokens',
  strategicTokens: 'tokens',
  hiddenReasoningTokens: 'tokens',
  unmetTokens: 'tokens',
  monetizableShare: 'share',
  profitableShare: 'share',
  costPerMTok: 'price',
  realizedPricePerMTok: 'price',
  totalRevenue: 'money',
  totalGrossProfit: 'money',
  minDscr: 'ratio',
  maxLtv: 'share',
  leaseCommitment: 'money',
  leaseCommitmentPV: 'money',
  commitmentsAfterHorizon: 'money',
  strategicValuePV: 'money',
  strategicNpv: 'money',
};

const FIELD_LABEL: Partial<Record<SummaryField, string>> = {
  npv: 'NPV',
  irr: 'IRR',
  equityIrr: 'equity IRR',
  paybackYears: 'payback',
  discountedPaybackYears: 'discounted payback',
  grossProfitPerMW: 'gross profit / MW-yr',
  revenuePerMW: 'revenue / MW-yr',
  ebitdaPerMW: 'EBITDA / MW-yr',
  minDscr: 'min DSCR',
  strategicNpv: 'strategic NPV',
};

/** A summary metric's name for people. */
export const metricLabel = (f: SummaryField): string => FIELD_LABEL[f] ?? f;

/** A summary metric's value for people: `+$2,109M`, `18.7 %`, `3.41 y`, `never`, `none`. */
export function formatMetric(f: SummaryField, x: number | null): string {
  const kind = FIELD_KIND[f];
  if (x === null) return kind === 'years' ? 'never' : kind === 'rate' ? 'none' : NONE;
  switch (kind) {
    case 'money':
      return millions(x, 0, f === 'npv' || f === 'strategicNpv');
    case 'perMW':
      return millions(x);
    case 'rate':
    case 'share':
      return pct(x);
    case 'years':
      return yearsFmt(x);
    case 'tokens':
      return tokens(x);
    case 'price':
      return price(x, 3);
    case 'ratio':
      return ratio(x);
  }
}

/** A difference of a summary metric (a swing), unsigned. */
function formatMetricDelta(f: SummaryField, x: number | null): string {
  if (noValue(x)) return NONE;
  const kind = FIELD_KIND[f];
  if (kind === 'rate' || kind === 'share') return `${group(x * 100, 1)} pts`;
  if (kind === 'money') return millions(x, 0);
  return formatMetric(f, x);
}

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
    formatInput(r.kind, r.unit, r.base),
    formatInput(r.kind, r.unit, r.breakeven),
    formatInputChange(r.kind, r.unit, r.change),
    signedPct(r.changePct),
    statusText(r),
  ]);
  lines.push(table(['Driver', 'Base', 'Breakeven', 'Change', 'Change %', 'Status'], rows));
  const notes: string[] = [];
  for (const r of rep.rows) {
    const range = `[${formatInput(r.kind, r.unit, r.lo)}, ${formatInput(r.kind, r.unit, r.hi)}]`;
    if (r.status === 'unreachable' && r.closest !== null) {
      notes.push(`${r.path}: not met anywhere in ${range}; closest at the ${r.closest.bound === 'lo' ? 'lower' : 'upper'} bound ${formatInput(r.kind, r.unit, r.closest.value)}: ${metricLabel(m)} ${formatMetric(m, r.closest.metric)}`);
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
    formatInput(r.kind, r.unit, r.low),
    formatInput(r.kind, r.unit, r.high),
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
  const head = ['y ↓  x →', ...rep.x.values.map((v) => formatInput(rep.x.kind, rep.x.unit, v))];
  const rows = rep.values.map((row, j) => [
    formatInput(rep.y.kind, rep.y.unit, rep.y.values[j] ?? null),
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
