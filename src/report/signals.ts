/** Terminal tables of the signal monitor: observations, status, evidence calendar, run log. */
import Table from 'cli-table3';
import type { RunLogEntry } from '../store/types.ts';
import type { Calendar } from '../signals/calendar.ts';
import type { ContextItem } from '../signals/context.ts';
import type { SignalDefinition } from '../signals/definitions.ts';
import type { Nowcast } from '../signals/nowcast.ts';
import type { Observation } from '../signals/observation.ts';
import type { SignalStatus, StatusReport, Trend } from '../signals/status.ts';
import { millions, NONE, noValue, pct } from './format.ts';
import { formatSignalValue, lineName, nowcastRows, scopeClass, WATCH_REASONS, watchRange } from './signals-format.ts';

export { formatSignalValue, scopeClass, watchRange, nowcastRows, WATCH_REASONS } from './signals-format.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][], right: readonly number[] = []): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (right.includes(i) ? 'right' : 'left')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The compared value of a status row: a level in its unit, or a growth rate per year. */
const compared = (r: SignalStatus, x: number | null): string => (r.compare === 'growth' ? (x === null ? NONE : `${pct(x, 0)}/yr`) : formatSignalValue(r.unit, x));

/** A trend for a table cell: `+38.2 % (2 obs, 5 mo)`. */
export function formatTrend(t: Trend | null, unit: string): string {
  if (t === null) return NONE;
  if (t.n < 2) return `${t.n} obs`;
  const months = Math.max(1, Math.round((Date.parse(`${t.to}T00:00:00Z`) - Date.parse(`${t.from}T00:00:00Z`)) / (86_400_000 * 30.44)));
  const change = t.changePct === null ? `${formatSignalValue(unit, t.first)} → ${formatSignalValue(unit, t.last)}` : `${t.changePct >= 0 ? '+' : ''}${pct(t.changePct, 1)}`;
  return `${change} (${t.n} obs, ${months} mo)`;
}

/** Observations as a table (`payback signals list`). */
export function observationsTable(rows: readonly Observation[], history: boolean): string {
  const head = ['Id', 'Signal', 'Scope', 'Whose', 'Date', 'Value', 'Unit', 'Source'];
  if (history) head.push('Corrects', 'Corrected by');
  return table(
    head,
    rows.map((o) => {
      const r = [String(o.id), o.signal, short(o.scope, 36), scopeClass(o), o.date, Number(o.value.toPrecision(6)).toString(), o.unit, short(o.source, 40)];
      if (history) r.push(o.supersedes === null ? '' : String(o.supersedes), o.supersededBy === null ? '' : String(o.supersededBy));
      return r;
    }),
    [0, 5],
  );
}

const STATUS_MARK: Record<string, string> = { 'on track': 'on track', watch: 'WATCH', breach: 'BREACH' };

/** The status table (`payback signals status`), then one line per signal saying why. */
export function statusTable(report: StatusReport, scenarioLabel: string): string {
  const misses = report.verdict.meets === false;
  const head = ['Signal', 'Latest', 'Date', 'Scope · source', 'Expected', misses ? 'Needed' : 'Tripwire', 'Status', 'Trend (12 mo)'];
  const rows = report.rows.map((r) => {
    const shown = r.observed !== null && r.compare === 'level' && r.observed !== r.latest.value ? ` → ${compared(r, r.observed)}` : '';
    const latest = formatSignalValue(r.latest.unit, r.latest.value) + shown + (r.compare === 'growth' && r.observed !== null ? ` (${pct(r.observed, 0)}/yr)` : '');
    const tag = r.match === 'proxy' ? ' (proxy)' : r.match === 'none' && r.applies ? ' (not comparable)' : '';
    const scope = `${r.latest.scope}${tag}${r.proxyUnit ? ` [${r.latest.unit}]` : ''}`;
    const expected = r.expected === null ? NONE : `${compared(r, r.expected)} (${r.expectedYear}${r.clamped === null ? '' : '*'})`;
    const tripwire = r.tripwire !== null ? compared(r, r.tripwire) : r.needed !== null ? `needs ${compared(r, r.needed)}` : NONE;
    const status = r.status === null ? (r.applies && r.match !== 'none' ? NONE : 'n/a') : (STATUS_MARK[r.status] ?? r.status);
    return [signalName(r), latest, r.latest.date, short(`${scope} · ${r.latest.source}`, 48), expected, tripwire, status, formatTrend(r.trend, r.unit)];
  });
  const lines = [`Signals for ${scenarioLabel}, as of ${report.asOf}`, report.verdict.text, table(head, rows, [1, 4, 5]), ...report.rows.map((r) => `  ${signalName(r)}: ${note(r)}`)];
  if (report.rows.some((r) => r.clamped !== null)) lines.push('  * the date is outside the horizon: the nearest model year stands for it');
  if (report.rows.some((r) => r.match === 'proxy')) lines.push("  (proxy): no observation of the scenario's own scope (operator class, accelerator); the closest there is, by scope before date");
  if (report.withoutObservations.length > 0) lines.push(`No observations yet: ${report.withoutObservations.join(', ')} (\`payback signals calendar\` says what to watch)`);
  return lines.join('\n');
}

const signalName = (r: SignalStatus): string => (r.segment !== null ? `${r.signal} · ${r.segment}` : r.role !== null ? `${r.signal} (${r.role})` : r.signal);

/** Why a status, in words and the signal's units. */
function note(r: SignalStatus): string {
  if (!r.applies) return `n/a, shown and not scored — ${r.reason ?? ''}`;
  const what = r.compare === 'growth' ? `growth ${compared(r, r.observed)}` : compared(r, r.observed);
  const t = r.tripwireInfo;
  const tw =
    t === null || t.kind === null
      ? `no tripwire (${t?.reason ?? 'none defined'})`
      : t.baseMisses
        ? `breakeven: ${t.driver} at ${fmtNum(t.breakeven)} (base ${fmtNum(t.base)})`
      : t.kind === 'breakeven'
        ? `tripwire: ${t.driver} at its ${t.target} breakeven, ${fmtNum(t.breakeven)} (base ${fmtNum(t.base)})`
        : t.kind === 'revenueScale'
          ? `tripwire: every cash price × ${fmtNum(t.breakeven)}, where npv = 0`
          : `tripwire: ${t.driver}`;
  if (r.status === null) return `no status — ${r.why}`;
  const side = r.good === 'higher' ? 'below' : 'above';
  const scope = r.scopeNote === null ? '' : ` [${r.match === 'proxy' ? 'proxy: ' : ''}${r.scopeNote}]`;
  const need = r.needed === null ? '' : `; the base case misses npv ≥ 0 already: it would need ${compared(r, r.needed)}`;
  if (r.status === 'breach') return `BREACH — ${what} is ${side} the tripwire ${compared(r, r.tripwire)}; ${tw}${scope}`;
  if (r.status === 'watch') return `WATCH — ${what} is worse than the scenario's ${compared(r, r.expected)}${r.tripwire === null ? '' : ', short of the tripwire'}${need}; ${tw}${scope}`;
  return `on track — ${what} is as good as the scenario's ${compared(r, r.expected)} or better${need}; ${tw}${scope}`;
}

const fmtNum = (x: number | null): string => (noValue(x) ? NONE : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Number(x.toPrecision(4))));

/**
 * The watch list (`payback signals calendar`): the signals ranked by value of
 * information with the reasons of the first rows, then quarter by quarter the
 * value each should show and its tripwire (or, for a base case that misses
 * npv ≥ 0 already, what it would need).
 */
export function calendarTable(c: Calendar, scenarioLabel: string, status?: StatusReport): string {
  const misses = c.verdict.meets === false;
  // with a store (--db): the latest like-for-like evidence of each line beside its rank
  const latest = (l: Calendar['lines'][number]): string => {
    const r = status?.rows.find((x) => x.signal === l.signal && x.segment === l.segment) ?? status?.rows.find((x) => x.signal === l.signal && x.segment === null);
    if (r === undefined) return NONE;
    const v = r.compare === 'growth' ? (r.observed === null ? NONE : `${pct(r.observed, 0)}/yr`) : formatSignalValue(r.unit, r.observed);
    return `${v} ${r.latest.date} (${r.status ?? (r.match === 'none' ? 'not comparable' : 'no status')}${r.match === 'proxy' ? ', proxy' : ''})`;
  };
  const ranked = table(
    ['#', 'Signal', 'NPV swing', 'Across its uncertainty (p5–p95)', ...(status !== undefined ? [`Latest evidence up to ${status.asOf}`] : [])],
    c.lines.map((l) => [String(l.watch.rank), lineName(l), l.watch.voi === null ? NONE : millions(l.watch.voi, 0), watchRange(l), ...(status !== undefined ? [latest(l)] : [])]),
    [0, 2],
  );
  const head = ['Signal', '', ...c.quarters.map((q) => q.label)];
  const rows: string[][] = [];
  for (const l of c.lines) {
    const fmt = (x: number | null): string => (l.compare === 'growth' ? (x === null ? NONE : `${pct(x, 0)}/yr`) : formatSignalValue(l.unit, x));
    rows.push([`${l.watch.rank}. ${lineName(l)}`, `expected (${l.good} is good)`, ...l.cells.map((x) => fmt(x.expected))]);
    rows.push(['', l.tripwireInfo.baseMisses ? 'needed' : 'tripwire', ...l.cells.map((x) => fmt(x.needed ?? x.tripwire))]);
  }
  const twelve = c.lines[0]?.cells.filter((x) => x.within12Months).length ?? 0;
  const lines = [
    `Watch list for ${scenarioLabel}, from ${c.asOf}: the signals ranked by value of information (how much npv swings across each one's uncertainty)`,
    c.verdict.text,
    ranked,
    `Why watch (the first ${Math.min(WATCH_REASONS, c.lines.length)}):`,
    ...c.lines.slice(0, WATCH_REASONS).map((l) => `  ${l.watch.rank}. ${lineName(l)}: ${l.watch.reason}`),
    `Quarter by quarter over the next ${c.months} months (the first ${twelve} quarters fall within the next 12 months): what each signal should show if the scenario holds, and its tripwire${misses ? ' (or, as the base case misses npv ≥ 0, what it would need for the factory to pay back)' : ''}`,
    table(head, rows, c.quarters.map((_, i) => i + 2)),
  ];
  const why = c.lines.filter((l) => l.tripwireInfo.kind === null && l.tripwireInfo.reason !== null);
  for (const l of why) lines.push(`  ${lineName(l)}: no tripwire — ${l.tripwireInfo.reason}`);
  if (c.lines.some((l) => l.cells.some((x) => x.clamped !== null))) lines.push('  a quarter past the horizon reads its last year');
  for (const n of c.notLinked) lines.push(`  ${n.signal}: ${n.reason}`);
  return lines.join('\n');
}

/**
 * The nowcast (`payback signals nowcast`): npv now against the base, the
 * Shapley attribution of the change (a waterfall read top to bottom), the
 * placements, and what was not placed.
 */
export function nowcastTable(n: Nowcast, scenarioLabel: string): string {
  const lines = [`Nowcast of ${scenarioLabel}, as of ${n.asOf}${n.includeProxies ? ' (proxies placed too, labelled)' : ' (like-for-like evidence only)'}`, n.summary];
  lines.push(table(['Signal', 'Input', 'Assumption → evidence', 'Δ npv (Shapley)', 'Running npv', 'Evidence'], nowcastRows(n), [3, 4]));
  const still = n.placements.filter((p) => !n.attribution.some((a) => a.signal === p.signal));
  if (still.length > 0) lines.push(`Evidence that matches the assumption already: ${still.map((p) => p.signal).join(', ')}`);
  for (const x of n.notPlaced) lines.push(`  ${x.signal}: not placed — ${x.reason}`);
  return lines.join('\n');
}

/** The context items: shown beside the status, not scored. */
export function contextLines(items: readonly ContextItem[]): string {
  if (items.length === 0) return '';
  return ['Context (not scored):', ...items.map((i) => `  ${i.topic}, ${i.period}: ${i.value} — ${i.source}${i.note ? ` (${i.note})` : ''}`)].join('\n');
}

/** The signal definitions (`payback signals definitions`). */
export function definitionsTable(defs: readonly SignalDefinition[]): string {
  return table(
    ['Signal', 'Unit', 'Good', 'Link into the model', 'Scope applies to'],
    defs.map((d) => [
      d.id,
      d.unit,
      d.good,
      d.links.map((l) => `${l.role ? `${l.role}: ` : ''}${l.input ?? l.result ?? ''}${l.over ? ` / ${l.over}` : ''}${l.compare === 'growth' ? ' (growth)' : ''}`).join('; '),
      short(d.scope.appliesTo, 60),
    ]),
  );
}

/** The run log (`payback signals runs`). */
export function runsTable(runs: readonly RunLogEntry[]): string {
  const n = (r: RunLogEntry, k: string): number | null => {
    const v = r.summary[k];
    return typeof v === 'number' ? v : null;
  };
  return table(
    ['Ran at', 'Scenario', 'Hash', 'Engine', 'NPV', 'IRR', 'GP / MW-yr'],
    runs.map((r) => [r.ranAt.replace('T', ' ').slice(0, 19), r.scenarioId, r.scenarioHash.slice(0, 12), r.engineVersion, millions(n(r, 'npv'), 0, true), pct(n(r, 'irr')), millions(n(r, 'grossProfitPerMW'))]),
    [4, 5, 6],
  );
}
