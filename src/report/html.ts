/**
 * The HTML report: one self-contained file (inline SVG charts, inline CSS, no
 * script, no request of any kind) that reads on screen and prints with a page
 * break per section. It shows the engine's and the analyses' results as they
 * come in; it computes none of their numbers.
 *
 * Pure: no file, clock or environment. The caller passes the generation time,
 * the scenario hashes and the input rows in `meta`.
 */
import type { Advantages } from '../analysis/advantages.ts';
import type { UncertaintyOrigin } from '../analysis/default-uncertainty.ts';
import type { BreakevenReport } from '../analysis/breakeven.ts';
import type { InternalSweep } from '../analysis/internal.ts';
import type { McSummary } from '../analysis/monte-carlo.ts';
import type { PaybackStack } from '../analysis/payback-stack.ts';
import type { TornadoReport } from '../analysis/tornado.ts';
import type { ModelResult } from '../model/result.ts';
import type { Calendar } from '../signals/calendar.ts';
import type { Nowcast } from '../signals/nowcast.ts';
import {
  advantagesOption,
  axisMoney,
  cashFlowOption,
  type ChartOption,
  compareBarsOption,
  funnelOption,
  histogramOption,
  internalSweepOption,
  nowcastWaterfallOption,
  paybackStackOption,
  perMWOption,
  tornadoOption,
  unitEconomicsOption,
} from './charts.ts';
import { advantageNotes, advantageRows, breakevenStatusText, formatChangePct, formatInput, formatInputChange, formatMetric, formatMetricDelta, metricLabel } from './analysis-format.ts';
import { capitalSectionHtml } from './capital.ts';
import { count, millions, money, pct, price, TOKEN_SCALE_NOTE } from './format.ts';
import { inputRows, type InputRow } from './inputs.ts';
import { COMPARE_METRICS } from './metrics.ts';
import { formatSignalValue, nowcastRows, watchRange, WATCH_REASONS } from './signals-format.ts';
import { stackRows, stackSentences } from './stack-format.ts';
import { renderSvg, type SvgSize } from './svg.ts';
import { reportVerdicts, type Verdict } from './verdict.ts';

/** The analyses of one scenario, each the result of its `src/analysis` function; a missing one is shown as not computed. */
export interface ScenarioAnalyses {
  /** what has to be true (`breakeven`), for the target it was run with */
  breakeven?: BreakevenReport;
  /** the tornado of one metric (npv by default) */
  tornado?: TornadoReport;
  paybackStack?: PaybackStack;
  /** the same stack with its sources by payer (enterprise, consumer, developer, platform, internal) */
  paybackStackByPayer?: PaybackStack;
  internal?: InternalSweep;
  /** against the reference operator; absent for the reference itself */
  advantages?: Advantages;
  /** the watch list ranked by value of information (no store needed): the Verdict's biggest risk is its first line */
  watchList?: Calendar;
  /** why an analysis is absent (it failed, or was not asked for), by the key above */
  notes?: Partial<Record<AnalysisKey, string>>;
}

export type AnalysisKey = 'breakeven' | 'tornado' | 'paybackStack' | 'paybackStackByPayer' | 'internal' | 'advantages' | 'watchList' | 'monteCarlo' | 'signals';

/** What the report says about one scenario's provenance. */
export interface ScenarioMeta {
  /** the file or built-in id it was read from */
  source: string;
  /** SHA-256 (hex) of the canonical JSON of the resolved scenario */
  hash: string;
  /** the canonical JSON that was hashed; printed so a reader can rerun it */
  canonicalJson?: string;
  /** every input with its value, unit and source; default: `inputRows(scenario)` (no file comments) */
  inputs?: InputRow[];
}

export interface ReportMeta {
  /** the engine version (`VERSION`) */
  version: string;
  /** ISO time the report was made (the caller reads the clock); omitted, the report shows none */
  generatedAt?: string;
  title?: string;
  /** the command line that made the report */
  command?: string;
  /** one per result, same order */
  scenarios: ScenarioMeta[];
  /** the id of the reference operator for structural advantages */
  reference?: string;
}

/** One scenario's Monte Carlo run, as `monteCarlo(…).summary` gives it. */
export interface MonteCarloSection {
  summary: McSummary;
  /** where the distributions came from, shown above the histograms */
  origin: string;
  /** the scenario's own uncertainty block, or the default uncertainty */
  from: UncertaintyOrigin;
  /** the scenario's wacc, drawn on the IRR histogram (a sampled wacc is judged per sample) */
  wacc: number;
}

/** One scenario's evidence (MODEL.md §6): the ranked watch list and, where a store was read, the nowcast. */
export interface SignalsSection {
  calendar: Calendar;
  /** null when there is no evidence to nowcast from (`nowcastNote` says why) */
  nowcast: Nowcast | null;
  nowcastNote?: string;
}

export interface ReportInput {
  results: readonly ModelResult[];
  /** one per result, same order */
  analyses: readonly ScenarioAnalyses[];
  /** one per result, same order (undefined where it was not run; `analyses[i].notes.monteCarlo` says why); `payback report` runs it by default */
  mc?: readonly (MonteCarloSection | undefined)[];
  /**
   * The Verdicts that open the report. Default: one per scenario, from its
   * result and analyses (`scenarioVerdict`). A portfolio (MODEL.md §8) adds
   * its own `Verdict` (subject kind `portfolio`) here when portfolios exist.
   */
  verdicts?: readonly Verdict[];
  /** with `--signals`: one per result, same order */
  signals?: readonly (SignalsSection | undefined)[];
  meta: ReportMeta;
}

// ---------------------------------------------------------------------------
// Text

/** Escape text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A URL is linked only when it is http(s); anything else is shown as text. */
const safeUrl = (u: string): string | undefined => (/^https?:\/\/[^\s"'<>]+$/i.test(u) ? u : undefined);

// ---------------------------------------------------------------------------
// Pieces

/** The size charts are drawn at; they scale down with the page. */
export const CHART_SIZE: SvgSize = { width: 880, height: 400 };

function chart(option: ChartOption, id: string, size: Partial<SvgSize> = {}): string {
  return `<figure class="chart" id="${esc(id)}">${renderSvg(option, { ...CHART_SIZE, ...size })}</figure>`;
}

function notComputed(what: string, note: string | undefined): string {
  return `<p class="missing">${esc(what)} not computed${note ? `: ${esc(note)}` : '.'}</p>`;
}

interface TableOptions {
  cls?: string;
  /** cells are HTML already (escaped by the caller) */
  rawCells?: boolean;
  /** the columns that hold numbers (right-aligned, tabular figures) */
  numeric?: readonly number[];
}

function table(head: readonly string[], rows: readonly (readonly string[])[], opts: TableOptions = {}): string {
  const cell = (c: string): string => (opts.rawCells ? c : esc(c));
  const cls = (i: number): string => (opts.numeric?.includes(i) ? ' class="n"' : '');
  return `<div class="table-wrap"><table${opts.cls ? ` class="${opts.cls}"` : ''}><thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${cell(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

function compareTableHtml(results: readonly ModelResult[]): string {
  const head = ['Metric', 'Unit', ...results.map((r) => r.scenario.id)];
  const rows = COMPARE_METRICS.map((m) => [esc(m.label), `<span class="unit">${esc(m.unit)}</span>`, ...results.map((r) => `<span data-metric="${esc(m.key)}" data-scenario="${esc(r.scenario.id)}">${esc(m.text(r))}</span>`)]);
  return table(head, rows, { cls: 'compare', rawCells: true, numeric: results.map((_, i) => i + 2) });
}

function keyFigures(r: ModelResult): string {
  const items = COMPARE_METRICS.map((m) => `<div><dt>${esc(m.label)}</dt><dd data-metric="${esc(m.key)}">${esc(m.text(r))}</dd></div>`).join('');
  return `<dl class="figures">${items}</dl>`;
}

function warningsHtml(r: ModelResult): string {
  if (r.warnings.length === 0) return '';
  return `<div class="warnings"><strong>Warnings from the engine</strong><ul>${r.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul></div>`;
}

// ---------------------------------------------------------------------------
// Analysis blocks

function breakevenBlock(b: BreakevenReport): string {
  const rows = b.rows.map((r) => {
    const f = (x: number | null): string => formatInput(r, x);
    return [
      `${esc(r.label)}<br><code>${esc(r.path)}</code>${r.series ? ' <span class="unit">(mean of the path; scaled)</span>' : ''}`,
      esc(r.unit),
      esc(f(r.base)),
      esc(r.status === 'unreachable' || r.status === 'no-effect' ? '—' : f(r.breakeven)),
      esc(formatInputChange(r, r.change)),
      esc(formatChangePct(r.changePct)),
      `<span class="status ${r.status}">${esc(breakevenStatusText(r, b))}</span>`,
    ];
  });
  const baseText = `Target ${b.target.describe}; the scenario as it stands: ${b.target.metric} ${formatMetric(b.target.metric, b.base.metric)} (${
    b.base.met ? 'met' : 'not met'
  }). Each row moves one driver with everything else at base.`;
  return `<p class="note">${esc(baseText)}</p>${table(['Driver', 'Unit', 'Base', 'Breakeven', 'Change', 'Change %', 'Status'], rows, {
    cls: 'breakeven',
    rawCells: true,
    numeric: [2, 3, 4, 5],
  })}`;
}

function tornadoBlock(t: TornadoReport, id: string): string {
  const metricName = metricLabel(t.metric);
  const option = tornadoOption(t, {
    title: `Tornado — ${metricName}, ${t.scenarioId}`,
    metricLabel: metricName,
    formatValue: (r, x) => formatInput(r, x),
  });
  const m = (x: number | null): string => formatMetric(t.metric, x);
  const rows = t.rows.map((r) => {
    const f = (x: number): string => formatInput(r, x);
    return [
      `${esc(r.label)}<br><code>${esc(r.path)}</code>`,
      esc(f(r.base)),
      esc(`${f(r.low)} → ${f(r.high)}`),
      esc(m(r.metricLow)),
      esc(m(r.metricHigh)),
      esc(formatMetricDelta(t.metric, r.swing)),
    ];
  });
  const height = Math.max(260, 130 + 38 * t.rows.length);
  return (
    chart(option, id, { height }) +
    table(['Driver', 'Base', 'Low → high', `${metricName} at low`, `${metricName} at high`, 'Swing'], rows, { cls: 'tornado', rawCells: true, numeric: [1, 2, 3, 4, 5] })
  );
}

function monteCarloBlock(m: MonteCarloSection, id: string, scenarioId: string): string {
  const s = m.summary;
  const npv = s.metrics.npv;
  const irr = s.metrics.irr;
  const p = s.probabilities;
  const pText = (x: number | null): string => (x === null ? 'none' : pct(x, 1));
  const run = `${count(s.n)} samples, seed ${s.seed}, ${s.sampling === 'latin-hypercube' ? 'Latin hypercube' : 'plain Monte Carlo'}`;
  const npvChart = histogramOption({
    title: `Monte Carlo NPV — ${scenarioId}`,
    subtitle: `${run}; P5 ${millions(npv.p5, 0, true)} · P50 ${millions(npv.p50, 0, true)} · P95 ${millions(npv.p95, 0, true)}`,
    xName: 'NPV ($)',
    bins: npv.histogram.bins,
    format: axisMoney,
    threshold: { value: 0, label: `P(npv ≥ 0) = ${pText(p.npvAtLeastZero)}` },
  });
  const irrNone = irr.histogram.nullCount;
  const irrChart =
    irr.histogram.bins.length === 0
      ? `<p class="note">No sample has an IRR (the flows never change sign, or have no root in (−99 %, 1000 %)): no IRR histogram.</p>`
      : chart(
          histogramOption({
            title: `Monte Carlo IRR — ${scenarioId}`,
            subtitle: `${run}; P5 ${pct(irr.p5)} · P50 ${pct(irr.p50)} · P95 ${pct(irr.p95)}${irrNone > 0 ? `; ${count(irrNone)} samples have no IRR` : ''}`,
            xName: 'IRR (per year)',
            bins: irr.histogram.bins,
            format: (v) => pct(v, 0),
            threshold: { value: m.wacc, label: `wacc ${pct(m.wacc)}; P(irr ≥ wacc) = ${pText(p.irrAtLeastWacc)}` },
          }),
          `${id}-irr`,
          { height: 340 },
        );
  const probs = table(
    ['Probability', 'Value'],
    [
      ['P(npv ≥ 0)', pText(p.npvAtLeastZero)],
      ['P(irr ≥ wacc)', pText(p.irrAtLeastWacc)],
      ['P(payback within the useful life)', pText(p.paybackWithinLife)],
    ],
    { numeric: [1], cls: 'probabilities' },
  );
  const importance = new Map((s.importance.npv ?? []).map((x) => [x.path, x]));
  const drivers = table(
    ['Uncertain input', 'Distribution', 'Rank correlation with NPV'],
    s.drivers.map((d) => {
      const imp = importance.get(d.path);
      return [`${esc(d.label)}<br><code>${esc(d.path)}</code>`, esc(d.description), imp === undefined ? '—' : esc(imp.spearman.toFixed(2))];
    }),
    { rawCells: true, numeric: [2], cls: 'mc-drivers' },
  );
  const warnings = s.warnings.length > 0 ? `<ul class="note">${s.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul>` : '';
  return `<p class="note">${esc(m.origin)}</p>${chart(npvChart, `${id}-npv`, { height: 340 })}${irrChart}${probs}${drivers}${warnings}`;
}

/** The chart's title: by kind as it always was, by payer said so. */
export const stackChartTitle = (s: PaybackStack): string => `Payback stack${s.by === 'payer' ? ' by payer' : ''} — ${s.scenarioId}`;

function paybackStackBlock(s: PaybackStack, id: string): string {
  const rows = stackRows(s).map((r) => [`<span class="row-${r.kind}">${esc(r.label)}</span>`, esc(r.segments), `<span data-stack="${r.kind}">${esc(r.today)}</span>`, esc(r.share), esc(r.atRequired)]);
  return (
    chart(paybackStackOption(s, stackChartTitle(s)), id) +
    (s.reason !== null ? `<p class="note">${esc(s.reason)}</p>` : '') +
    table([s.by === 'payer' ? 'Payer' : 'Source', 'Segments', '$ per MW-year', 'Share of required', 'At required prices'], rows, { numeric: [2, 3, 4], rawCells: true, cls: 'stack' }) +
    `<p class="note">${esc(stackSentences(s).join(' '))}</p>` +
    (s.unpricedSegments.length > 0 ? `<p class="note">Segments with neither cash nor strategic value: ${esc(s.unpricedSegments.join(', '))}.</p>` : '')
  );
}

function internalBlock(s: InternalSweep, id: string): string {
  if (!s.available) return `<p class="note">No sweep: ${esc(s.reason ?? 'not available')}.</p>`;
  const b = s.base;
  const today = `Today ${s.baseInternalShare === null ? '—' : pct(s.baseInternalShare)} of tokens are internal: clean revenue ${millions(b.cleanRevenuePerMW)} and clean gross profit ${millions(
    b.cleanGrossProfitPerMW,
  )} per MW-year; counting strategic value, ${millions(b.strategicRevenuePerMW)} and ${millions(b.strategicGrossProfitPerMW)}. NPV ${formatMetric('npv', b.npv)}, strategic NPV ${formatMetric('strategicNpv', b.strategicNpv)}.`;
  return chart(internalSweepOption(s, `Internal inference — ${s.scenarioId}`), id) + `<p class="note">${esc(today)}</p>`;
}

function advantagesBlock(a: Advantages, id: string): string {
  const notes = advantageNotes(a);
  return (
    chart(advantagesOption(a, `Structural advantages — ${a.operator.id} vs ${a.reference.id}`), id) +
    table(['Group', 'Inputs', 'npv per MW', 'Share of difference'], advantageRows(a), { numeric: [2, 3] }) +
    (notes.length > 0 ? `<ul class="note">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '') +
    (a.reason !== null ? `<p class="note">${esc(a.reason)}</p>` : '')
  );
}

/** The watch list: the signals ranked by value of information, the reasons of the first rows, the next quarter's expectation and tripwire. */
function watchListBlock(c: Calendar): string {
  const rows = c.lines.map((l) => {
    const next = l.cells[0];
    const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : l.compare === 'growth' ? `${pct(x, 0)}/yr` : formatSignalValue(l.unit, x));
    const line = next === undefined ? '—' : next.needed !== null ? `needs ${fmt(next.needed)}` : fmt(next.tripwire);
    return [
      String(l.watch.rank),
      `${esc(l.label)}${l.segment !== null ? ` · ${esc(l.segment)}` : ''}`,
      esc(l.watch.voi === null ? '—' : millions(l.watch.voi, 0)),
      esc(watchRange(l)),
      esc(fmt(next?.expected)),
      esc(line),
      l.watch.rank <= WATCH_REASONS ? esc(l.watch.reason) : '',
    ];
  });
  const q = c.lines[0]?.cells[0]?.quarter ?? '';
  return `<p class="note">${esc(c.verdict.text)} Ranked by value of information: how much npv swings across each signal's uncertainty (the p5–p95 of its input in the distributions the Monte Carlo samples). From ${esc(c.asOf)}; the first quarter read is ${esc(q)}.</p>${table(
    ['#', 'Signal', 'NPV swing', 'Across (p5–p95)', `Expected ${q}`, c.verdict.meets === false ? 'Tripwire / needed' : 'Tripwire', 'Why watch'],
    rows,
    { cls: 'watch', rawCells: true, numeric: [0, 2, 4, 5] },
  )}${c.notLinked.length > 0 ? `<p class="note">Not linked to this scenario: ${esc(c.notLinked.map((n) => n.signal).join(', '))}.</p>` : ''}`;
}

/** The nowcast: the waterfall from npv of the base case to npv now, and its table. */
function nowcastBlock(n: Nowcast, id: string): string {
  const rows = nowcastRows(n);
  const notPlaced = n.notPlaced.length > 0 ? `<ul class="note">${n.notPlaced.map((x) => `<li>${esc(x.signal)}: not placed — ${esc(x.reason)}</li>`).join('')}</ul>` : '';
  return `<p class="note">${esc(n.summary)} ${n.includeProxies ? 'Proxies were placed too (labelled).' : 'Only like-for-like evidence is placed.'}</p>${chart(
    nowcastWaterfallOption(n),
    id,
    { height: Math.max(260, 150 + 34 * (n.attribution.length + 2)) },
  )}${table(['Signal', 'Input', 'Assumption → evidence', 'Δ npv (Shapley)', 'Running npv', 'Evidence'], rows, { cls: 'nowcast', numeric: [3, 4] })}${notPlaced}`;
}

function signalsBlock(sig: SignalsSection, sid: string): string {
  const nc = sig.nowcast !== null ? nowcastBlock(sig.nowcast, `${sid}-nowcast`) : `<p class="note">No nowcast: ${esc(sig.nowcastNote ?? 'no evidence')}.</p>`;
  return `<h4>Watch list</h4>${watchListBlock(sig.calendar)}<h4>Nowcast</h4>${nc}`;
}

// ---------------------------------------------------------------------------
// Sections

interface Sub {
  title: string;
  body: string;
}

function scenarioSection(
  r: ModelResult,
  an: ScenarioAnalyses,
  index: number,
  meta: ReportMeta,
  mc: MonteCarloSection | undefined,
  withMc: boolean,
  sig: SignalsSection | undefined,
  withSignals: boolean,
): string {
  const sid = `s${index + 1}-${slug(r.scenario.id)}`;
  const n = `3.${index + 1}`;
  const notes = an.notes ?? {};
  const subs: Sub[] = [
    { title: 'Token funnel', body: chart(funnelOption(r), `${sid}-funnel`, { height: 340 }) },
    { title: 'Revenue, gross profit and EBITDA per MW', body: chart(perMWOption(r), `${sid}-per-mw`) },
    { title: 'Cost vs revenue per million tokens served', body: chart(unitEconomicsOption(r), `${sid}-unit`) },
    { title: 'Cash flows and cumulative payback', body: chart(cashFlowOption(r), `${sid}-cash`) },
    // MODEL.md §9: a scenario with a capital stack shows it (report/capital.ts)
    ...(r.tranches !== undefined ? [{ title: 'Capital stack', body: capitalSectionHtml(r, `${sid}-capital`) }] : []),
    { title: 'What has to be true', body: an.breakeven ? breakevenBlock(an.breakeven) : notComputed('The breakeven table', notes.breakeven) },
    { title: 'Tornado', body: an.tornado ? tornadoBlock(an.tornado, `${sid}-tornado`) : notComputed('The tornado', notes.tornado) },
    {
      title: 'Payback stack',
      body:
        (an.paybackStack ? paybackStackBlock(an.paybackStack, `${sid}-stack`) : notComputed('The payback stack', notes.paybackStack)) +
        (an.paybackStackByPayer
          ? `<p class="note">The same cash by who pays: enterprise budgets are one bar beside consumers, developers, platforms and internal chargebacks.</p>${paybackStackBlock(an.paybackStackByPayer, `${sid}-stack-payer`)}`
          : notes.paybackStackByPayer !== undefined
            ? notComputed('The payback stack by payer', notes.paybackStackByPayer)
            : ''),
    },
    { title: 'Internal inference', body: an.internal ? internalBlock(an.internal, `${sid}-internal`) : notComputed('The internal-inference sweep', notes.internal) },
    {
      title: `Structural advantages against ${meta.reference ?? 'the reference'}`,
      body: an.advantages
        ? advantagesBlock(an.advantages, `${sid}-advantages`)
        : r.scenario.id === meta.reference
          ? `<p class="note">This is the reference operator: the other scenarios are measured against it.</p>`
          : notComputed('The attribution', notes.advantages),
    },
    ...(withMc
      ? [{ title: 'Monte Carlo', body: mc ? monteCarloBlock(mc, `${sid}-mc`, r.scenario.id) : notComputed('The Monte Carlo run', notes.monteCarlo) }]
      : []),
    ...(withSignals ? [{ title: 'Evidence: what to watch, and what it says now', body: sig ? signalsBlock(sig, sid) : notComputed('The signals', notes.signals) }] : []),
  ];
  const name = r.scenario.name ?? r.scenario.id;
  const desc = r.scenario.description ? `<p class="lede">${esc(r.scenario.description)}</p>` : '';
  const body = subs
    .map((s, i) => `<div class="block" id="${sid}-${i + 1}"><h3>${n}.${i + 1} ${esc(s.title)}</h3>${s.body}</div>`)
    .join('');
  return `<section class="page scenario" id="${sid}" data-scenario="${esc(r.scenario.id)}"><h2>${n} ${esc(name)} <span class="id">${esc(r.scenario.id)}</span></h2>${desc}${keyFigures(r)}${warningsHtml(r)}${body}</section>`;
}

/** The opening page: one card per Verdict (scenario, later portfolio), the answer first. */
function verdictSection(verdicts: readonly Verdict[]): string {
  const cards = verdicts.map((v) => {
    const tone = v.earns === null ? '' : v.earns ? ' good' : ' bad';
    const p = v.probability;
    const odds = p === null ? '' : ` <span class="odds">P(npv ≥ 0) ${esc(pct(p.npvAtLeastZero, 1))}</span>`;
    const figures = v.figures.map((f) => `<div><dt>${esc(f.label)}</dt><dd data-metric="${esc(f.key)}">${esc(f.value)}</dd></div>`).join('');
    const conditions =
      v.conditions.length === 0 ? '' : `<ol class="conditions">${v.conditions.map((c) => `<li data-path="${esc(c.path)}">${esc(c.text)}</li>`).join('')}</ol>`;
    return `<article class="verdict${tone}" data-subject="${esc(v.subject.id)}" data-kind="${v.subject.kind}">
<h3>${esc(v.subject.name)} <span class="id">${esc(v.subject.id)}</span></h3>
<p class="answer" data-answer="${v.earns === null ? 'none' : v.earns ? 'earns' : 'short'}">${esc(v.answer)}${odds}</p>
<dl class="vfigures">${figures}</dl>
<div class="vgrid">
<div class="vpart" data-part="wacc"><h4>Does it earn its wacc?</h4><p>${esc(v.headline)}</p><p class="prob">${esc(v.probabilityText)}</p></div>
<div class="vpart" data-part="conditions"><h4>What has to be true</h4><p>${esc(v.conditionsText)}</p>${conditions}</div>
<div class="vpart" data-part="risk"><h4>The biggest risk</h4><p>${esc(v.riskText)}</p></div>
<div class="vpart" data-part="strategic"><h4>Strategic vs clean</h4><p>${esc(v.strategicText)}</p></div>
</div>
</article>`;
  });
  return `<section class="page" id="verdict"><h2>1 Verdict</h2>
<p class="lede">For each ${verdicts.some((v) => v.subject.kind === 'portfolio') ? 'scenario and portfolio' : 'scenario'}: does it earn its cost of capital and how likely is that, the few things that have to be true, the one signal to watch, and what internal use at its imputed value changes. The detail follows (section 3); the assumptions close the report (section 4).</p>
${cards.join('\n')}</section>`;
}

function assumptionsSection(results: readonly ModelResult[], meta: ReportMeta): string {
  const parts = results.map((r, i) => {
    const m = meta.scenarios[i];
    const rows = m?.inputs ?? inputRows(r.scenario);
    const sources = r.scenario.sources ?? [];
    const srcList =
      sources.length === 0
        ? ''
        : `<h4>Sources cited by the scenario</h4><ol class="sources">${sources
            .map((s) => {
              const url = s.url !== undefined ? safeUrl(s.url) : undefined;
              const link = url !== undefined ? ` — <a href="${esc(url)}">${esc(url)}</a>` : s.url !== undefined ? ` — ${esc(s.url)}` : '';
              return `<li>${esc(s.label)}${link}${s.note ? ` <span class="note">(${esc(s.note)})</span>` : ''}</li>`;
            })
            .join('')}</ol>`;
    const inputTable = table(
      ['Input', 'Value', 'Unit', 'Source'],
      rows.map((x) => [
        `<code>${esc(x.path)}</code>`,
        esc(x.value),
        esc(x.unit),
        x.origin === 'default' ? `<span class="origin">default</span>` : x.origin === 'catalog' ? `<span class="origin">catalog</span> ${esc(x.source)}` : esc(x.source),
      ]),
      { cls: 'inputs', rawCells: true },
    );
    const json = m?.canonicalJson
      ? `<details><summary>The resolved scenario (canonical JSON, the text that was hashed)</summary><pre class="json">${esc(m.canonicalJson)}</pre></details>`
      : '';
    return `<div class="block" id="a${i + 1}-${slug(r.scenario.id)}"><h3>4.${i + 1} ${esc(r.scenario.name ?? r.scenario.id)} <span class="id">${esc(r.scenario.id)}</span></h3>
<p class="repro">Source <code>${esc(m?.source ?? r.scenario.id)}</code> · engine version <code>${esc(meta.version)}</code> · scenario hash (SHA-256 of the canonical JSON of the resolved scenario) <code class="hash">${esc(
      m?.hash ?? '—',
    )}</code></p>${inputTable}${srcList}${json}</div>`;
  });
  return `<section class="page" id="assumptions"><h2>4 Assumptions</h2>
<p>Every input of every scenario after resolution (catalog merged, defaults filled), with its value and where it comes from: the comment on its line in the scenario file, the accelerator catalog row (<span class="origin">catalog</span>), or the default of the scenario format (<span class="origin">default</span>, not set in the file). To reproduce a number, run <code>payback run &lt;file&gt;</code> with the same engine version on a scenario with the same hash.</p>${parts.join('')}</section>`;
}

const CSS = `
:root{--ink:#1f2d3d;--muted:#555b66;--rule:#d9dde3;--bg:#f6f7f9;--accent:#2f6fb0}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:#fff;line-height:1.45;font-size:15px}
body{margin:0 auto;max-width:980px;padding:24px 28px 64px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:22px;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid var(--ink)}
h3{font-size:17px;margin:26px 0 8px}
h4{font-size:14px;margin:16px 0 6px}
.id{font-weight:normal;font-size:.7em;color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.lede{color:var(--muted);margin:0 0 12px}
.meta{color:var(--muted);font-size:13px;margin:0 0 16px}
nav.toc{background:var(--bg);border:1px solid var(--rule);padding:10px 16px;margin:16px 0 28px;font-size:14px}
nav.toc ol{margin:4px 0;padding-left:22px}
a{color:var(--accent)}
section{margin:0 0 40px}
figure.chart{margin:8px 0 4px;padding:0}
figure.chart svg{display:block;width:100%;height:auto;max-width:880px}
figure.chart svg text{text-rendering:geometricPrecision}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 12px}
th,td{padding:4px 8px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{background:var(--bg);border-bottom:1px solid var(--ink)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.unit{color:var(--muted);font-size:12px}
table.inputs{table-layout:fixed}
table.inputs th:nth-child(1){width:36%}table.inputs th:nth-child(2){width:15%}table.inputs th:nth-child(3){width:15%}table.inputs th:nth-child(4){width:34%}
table.inputs td{overflow-wrap:anywhere}
table.inputs td:nth-child(2){font-variant-numeric:tabular-nums}
table.inputs td:nth-child(3),table.inputs td:nth-child(4){color:var(--muted);font-size:12px}
.status.met{color:#1d6b47}.status.needs-change{color:#8a5a00}.status.unreachable{color:#a33a2a}.status.no-effect{color:#555b66}
table.breakeven td:first-child{min-width:220px}
.origin{display:inline-block;font-size:11px;padding:0 4px;border:1px solid var(--rule);border-radius:3px;color:var(--ink)}
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:6px 14px;margin:8px 0 12px;font-size:13px}
dl.figures div{border-left:3px solid var(--rule);padding-left:8px}
dl.figures dt{color:var(--muted);font-size:12px}
dl.figures dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.note{color:var(--muted);font-size:13px}
.missing{color:#8a5a00;background:#fff6e0;border:1px solid #f0d9a0;padding:6px 10px;font-size:13px}
.warnings{background:#fff6e0;border:1px solid #f0d9a0;padding:6px 12px;font-size:13px;margin:8px 0}
.warnings ul{margin:4px 0;padding-left:20px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
code.hash{word-break:break-all}
td code{overflow-wrap:anywhere}
table.mc-drivers td:nth-child(2){font-size:12px}
table.watch td:last-child{font-size:12px;color:var(--muted)}
pre.json{white-space:pre-wrap;word-break:break-all;font-size:11px;background:var(--bg);padding:8px;border:1px solid var(--rule)}
ol.sources{font-size:13px;padding-left:22px}
.block{break-inside:avoid-page}
.table-wrap{overflow-x:auto;max-width:100%}
article.verdict{border:1px solid var(--rule);border-left:6px solid var(--muted);border-radius:6px;padding:10px 14px 4px;margin:12px 0 16px;break-inside:avoid}
article.verdict.good{border-left-color:#2e9e6a}article.verdict.bad{border-left-color:#c8503c}
article.verdict h3{margin:0 0 2px;font-size:16px}
p.answer{font-size:18px;font-weight:700;margin:2px 0 8px}
article.verdict.good p.answer{color:#1d6b47}article.verdict.bad p.answer{color:#a33a2a}
p.answer .odds{font-weight:600;font-size:14px;color:var(--ink);margin-left:8px;white-space:nowrap}
dl.vfigures{display:flex;flex-wrap:wrap;gap:4px 18px;margin:0 0 8px;font-size:13px}
dl.vfigures dt{color:var(--muted);font-size:11px}dl.vfigures dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.vgrid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:4px 20px}
.vpart h4{margin:6px 0 2px;font-size:13px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.vpart p{margin:2px 0 6px;font-size:13.5px}
.vpart p.prob{font-size:13px}
ol.conditions{margin:2px 0 8px;padding-left:20px;font-size:13.5px}
@media (max-width:640px){body{padding:12px 12px 40px}.vgrid{grid-template-columns:minmax(0,1fr)}h1{font-size:22px}}
@media print{
  @page{size:A4;margin:12mm}
  html{font-size:11pt}
  body{max-width:none;padding:0}
  nav.toc{display:none}
  section.page{break-before:page}
  /* the Verdict on one printed page */
  #verdict h2{margin-bottom:4px}
  #verdict p.lede{display:none}
  #verdict article.verdict{padding:3px 8px 1px;margin:0 0 5px;border-left-width:4px}
  #verdict article.verdict h3{font-size:10pt;margin:0}
  #verdict p.answer{font-size:11pt;margin:0 0 2px}
  #verdict p.answer .odds{font-size:9pt}
  #verdict dl.vfigures{font-size:7.5pt;gap:0 12px;margin:0 0 2px}
  #verdict dl.vfigures dt{font-size:6.5pt}
  #verdict .vgrid{gap:0 14px}
  #verdict .vpart h4{font-size:7pt;margin:2px 0 0}
  #verdict .vpart p,#verdict ol.conditions{font-size:7.5pt;line-height:1.18;margin:0 0 2px}
  #verdict ol.conditions{padding-left:14px}
  .table-wrap{overflow:visible}
  section.page:first-of-type{break-before:auto}
  .block,figure.chart,tr{break-inside:avoid}
  thead{display:table-header-group}
  a{color:inherit;text-decoration:none}
  details{display:none}
  h2,h3{break-after:avoid}
}
`;

/**
 * The report as one self-contained HTML string: 1 the operator comparison,
 * 2 one section per scenario (funnel, per-MW lines, unit economics, cash
 * flows, the analyses), 3 the assumptions with the engine version and each
 * scenario's hash. All text is escaped; charts are inline SVG; no script, no
 * request.
 *
 * @example
 * const results = scenarios.map(evaluate);
 * const html = renderReport({
 *   results,
 *   analyses: scenarios.map((s) => ({ paybackStack: paybackStack(s) })),
 *   meta: { version: VERSION, scenarios: scenarios.map((s) => ({ source: s.id, hash: scenarioHash(s) })) },
 * });
 */
export function renderReport(input: ReportInput): string {
  const { results, analyses, meta, mc, signals } = input;
  if (mc !== undefined && mc.length !== results.length) throw new RangeError(`renderReport: ${results.length} results but ${mc.length} Monte Carlo runs`);
  if (signals !== undefined && signals.length !== results.length) throw new RangeError(`renderReport: ${results.length} results but ${signals.length} signals sections`);
  if (analyses.length !== results.length) throw new RangeError(`renderReport: ${results.length} results but ${analyses.length} analyses`);
  if (meta.scenarios.length !== results.length) throw new RangeError(`renderReport: ${results.length} results but ${meta.scenarios.length} scenario metas`);
  const title = meta.title ?? 'Inference payback report';
  const verdicts = input.verdicts ?? reportVerdicts(input);
  const toc = [
    `<li><a href="#verdict">Verdict</a></li>`,
    `<li><a href="#comparison">Operator comparison</a></li>`,
    ...results.map((r, i) => `<li><a href="#s${i + 1}-${slug(r.scenario.id)}">${esc(r.scenario.name ?? r.scenario.id)}</a></li>`),
    `<li><a href="#assumptions">Assumptions</a></li>`,
  ].join('');
  const metaLine = [
    `engine version ${esc(meta.version)}`,
    ...(meta.generatedAt !== undefined ? [`generated ${esc(meta.generatedAt)}`] : []),
    ...(meta.command !== undefined ? [`<code>${esc(meta.command)}</code>`] : []),
  ].join(' · ');
  const comparison = `<section class="page" id="comparison"><h2>2 Operator comparison</h2>
<p>The same metrics as <code>payback compare</code>. Per-MW figures are averages over the years with accelerators in service. Money is in US dollars, nominal (M = million); a minus sign (−) is a negative amount; ${TOKEN_SCALE_NOTE}. A rented fleet has no capex to pay back: its commitments (present value) stand beside peak funding.</p>
${compareTableHtml(results)}${chart(compareBarsOption(results), 'comparison-bars')}</section>`;
  const scenarios = results.map((r, i) => scenarioSection(r, analyses[i] ?? {}, i, meta, mc?.[i], mc !== undefined, signals?.[i], signals !== undefined)).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="meta">${metaLine}</p>
<p>Can the inference demand on each block of AI capacity pay back the compute, power, leases, depreciation, financing and refresh behind it? ${results.length} scenario${
    results.length === 1 ? '' : 's'
  }, read through revenue and gross profit per MW. The Verdict comes first; a reader who stops there has the answer.</p>
<nav class="toc"><strong>Contents</strong><ol>${toc}</ol></nav></header>
${verdictSection(verdicts)}
${comparison}
${scenarios}
${assumptionsSection(results, meta)}
</body>
</html>
`;
}
