/**
 * Signal values, scopes, the watch list's ranges and the nowcast's rows for
 * people: the formats the terminal tables, the HTML report and the dashboard
 * share (no terminal or DOM code here).
 */
import type { CalendarLine } from '../signals/calendar.ts';
import { normalizeUnit } from '../signals/definitions.ts';
import type { Nowcast, NowcastPlacement } from '../signals/nowcast.ts';
import type { ObservationScope } from '../signals/observation.ts';
import { millions, money, NONE, noValue, pct, price, tokens } from './format.ts';

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A value in a signal's unit, for people: `$3.30`, `$38.0M`, `6.6 %`, `1.30Q`, `6 y`.
 *
 * @example
 * formatSignalValue('$/accelerator-hour', 3.3); // '$3.30'
 * formatSignalValue('rate', 0.0658);            // '6.58 %'
 */
export function formatSignalValue(unit: string, x: number | null): string {
  if (noValue(x)) return NONE;
  const u = normalizeUnit(unit);
  if (u === '$/mw' || u === '$/mw-year') return millions(x, 1);
  if (u.startsWith('$/')) return Math.abs(x) >= 10_000 ? money(x) : price(x);
  if (u === 'rate') return pct(x, 2);
  if (u.startsWith('share')) return pct(x, 1);
  if (u === 'years') return `${Number(x.toFixed(2))} y`;
  if (u.startsWith('tokens')) return tokens(x);
  return Number(x.toPrecision(4)).toLocaleString('en-US');
}

/** An observation's scope in a few words: `neocloud · gb200`, `hyperscaler · gb200 · all-in (31 % facility)`, `unclassified`. */
export function scopeClass(o: ObservationScope): string {
  const parts = [o.operator ?? 'unclassified', ...(o.accelerator === null ? [] : [o.accelerator]), ...(o.basis === null ? [] : [o.basis + (o.facilityShare === null ? '' : ` (${pct(o.facilityShare, 0)} facility)`)])];
  return parts.join(' · ');
}

/** How many lines of the watch list carry their reason in the tables. */
export const WATCH_REASONS = 5;

/** A line's name: `gpu-hour-price · term-contracts`, `gpu-hour-price (renter)`. */
export const lineName = (l: CalendarLine): string => `${l.signal}${l.segment !== null ? ` · ${l.segment}` : l.role !== null ? ` (${l.role})` : ''}`;

/** The ends of a line's uncertainty for a table cell: `$2.36–$3.39`, `×0.86–×1.09 of its path`. */
export function watchRange(l: CalendarLine): string {
  const r = l.watch.range;
  if (r === null) return NONE;
  const ends = r.mode === 'scale' ? `×${Number(r.low.toPrecision(3))}–×${Number(r.high.toPrecision(3))}` : `${formatDriverValue(l, r.low)}–${formatDriverValue(l, r.high)}`;
  const from = r.from === 'scenario' ? 'scenario' : r.from === 'default' ? 'default' : '±20 %';
  return `${ends} (${from})`;
}

/** A driver's value in a few characters, in the signal's unit where they agree (a price, a rate), else plainly. */
const formatDriverValue = (l: CalendarLine, x: number): string => {
  const d = l.watch.driver ?? '';
  if (/perAcceleratorHour|perMTok|arpuPerMonth|pricePerMWh|leasePerKWMonth|rentPerAcceleratorHour/.test(d)) return price(x);
  if (/capexPerAccelerator/.test(d)) return money(x);
  if (/rate$|wacc|paidShare|Share$/.test(d)) return pct(x, 1);
  if (/Years$/.test(d)) return `${x} y`;
  return Number(x.toPrecision(4)).toLocaleString('en-US');
};

/** A placed driver value for a table cell, in the driver's own terms. */
function placedValue(p: NowcastPlacement, x: number): string {
  const d = p.driver;
  if (/perAcceleratorHour|perMTok|arpuPerMonth|pricePerMWh|leasePerKWMonth|rentPerAcceleratorHour/.test(d)) return price(x);
  if (/capexPerAccelerator/.test(d)) return money(x);
  if (/utilization|paidShare/.test(d)) return pct(x, 1);
  if (/rate$|wacc|PerYear$/.test(d)) return pct(x, 2);
  if (/Years$/.test(d)) return `${x} y`;
  return Number(x.toPrecision(4)).toLocaleString('en-US');
}

/** The rows of the nowcast's table, a waterfall read top to bottom: npv of the base case, each signal's Shapley share with the running total, npv now. */
export function nowcastRows(n: Nowcast): string[][] {
  const byId = new Map(n.placements.map((p) => [p.signal, p]));
  const rows: string[][] = [['', 'npv, base case', '', '', millions(n.npvBase, 0, true), '']];
  let run = n.npvBase ?? 0;
  for (const a of n.attribution) {
    const p = byId.get(a.signal);
    run += a.npv;
    const change = p === undefined ? NONE : `${placedValue(p, p.from)} → ${placedValue(p, p.to)}${p.mode === 'scale' ? ' (mean, shape kept)' : ''}${p.adjusted === null ? '' : ` [${p.adjusted === 'rounded' ? 'rounded' : `clipped ${p.adjusted}`}]`}`;
    const evidence = p === undefined ? '' : short(`${p.observation.scope} · ${p.observation.date}${p.match === 'proxy' ? ' (proxy)' : ''}`, 44);
    rows.push([a.signal === p?.signal && p.segment !== null ? `${a.signal} · ${p.segment}` : a.signal, short(p?.driver ?? '', 40), change, millions(a.npv, 0, true), millions(run, 0, true), evidence]);
  }
  rows.push(['', 'npv, now', '', '', millions(n.npvNow, 0, true), '']);
  return rows;
}

