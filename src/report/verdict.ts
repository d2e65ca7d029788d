/**
 * The Verdict: the page an investment committee reads first (issue 16). For
 * each subject — a scenario, or a portfolio (MODEL.md §8) from its consolidated
 * result — four answers:
 *
 * 1. Does it earn its wacc, and with what probability (npv as it stands, and
 *    P(npv ≥ 0), P(irr ≥ wacc) over its uncertainty at a stated n and seed)?
 * 2. The three things that have to be true: the breakevens closest to the
 *    base (smallest |change|) — for a base that misses npv ≥ 0, what would have
 *    to change; for one that meets it, the nearest points where it would fail.
 * 3. The biggest risk: the first line of the watch list (the signal whose
 *    uncertainty swings npv most: its value of information).
 * 4. Its strategic against its clean reading (npv with and without the
 *    imputed value of internal use).
 *
 * Pure: it reads the results of the engine and the analyses and writes them
 * with the one formatter; it computes no number of its own.
 */
import type { BreakevenReport, BreakevenRow } from '../analysis/breakeven.ts';
import type { UncertaintyOrigin } from '../analysis/default-uncertainty.ts';
import type { McSummary } from '../analysis/monte-carlo.ts';
import type { PortfolioResult } from '../model/portfolio.ts';
import type { ModelResult, Summary } from '../model/result.ts';
import type { Calendar, CalendarLine } from '../signals/calendar.ts';
import type { ReportInput } from './html.ts';
import { formatChangePct, formatInput, formatInputChange } from './analysis-format.ts';
import { count, millions, pct } from './format.ts';
import { formatMetric, metricLabel, metricText, rentedNoCapex } from './metrics.ts';
import { formatSignalValue, lineName, watchRange } from './signals-format.ts';

/** What a verdict is about: a scenario, or (when portfolios exist) a portfolio. */
export interface VerdictSubject {
  kind: 'scenario' | 'portfolio';
  id: string;
  name: string;
}

/** One of the things that have to be true: a driver and the value where the answer flips. */
export interface VerdictCondition {
  path: string;
  label: string;
  /** the driver as it stands, and where the answer flips, for people */
  base: string;
  breakeven: string;
  /** `breakeven − base` relative to the base (null when the base is 0) */
  changePct: number | null;
  /** the distance, for people: `+9.30 %`, `+3.37 pp` */
  change: string;
  /** one line: "Utilization at 82.00 % or more (now 75.00 %: +9.3 %)" */
  text: string;
}

/** The Monte Carlo part of the answer. */
export interface VerdictProbability {
  n: number;
  seed: number;
  sampling: McSummary['sampling'];
  /** where the distributions came from: the scenario's own uncertainty block, or the default uncertainty */
  from: UncertaintyOrigin;
  npvAtLeastZero: number;
  /** P(the flows have an IRR and it is ≥ the wacc); null when no sample has an IRR */
  irrAtLeastWacc: number | null;
  /** the share of samples whose flows have no IRR (a rented fleet's never turn negative) */
  noIrr: number;
}

/** The first line of the watch list. */
export interface VerdictRisk {
  signal: string;
  /** `gpu-hour-price · term-contracts` */
  name: string;
  label: string;
  /** the input its evidence bears on */
  driver: string | null;
  /** npv's swing across the driver's uncertainty, $ */
  voi: number;
  /** the ends of that uncertainty, for people */
  range: string;
  /** the tripwire (or, when the base misses already, what it would need) in the next quarter, for people; null when there is none */
  line: string | null;
  text: string;
}

export interface Verdict {
  subject: VerdictSubject;
  wacc: number;
  npv: number | null;
  irr: number | null;
  strategicNpv: number | null;
  /** npv ≥ 0 as it stands (null when npv has no value) */
  earns: boolean | null;
  /** "Earns its 8.0 % wacc" / "Falls short of its 11.0 % wacc" */
  answer: string;
  /** one sentence with the base figures */
  headline: string;
  probability: VerdictProbability | null;
  /** the probabilities in a sentence, or why there are none */
  probabilityText: string;
  /** `to-reach`: what would have to change (the base misses); `to-hold`: where it would stop (the base meets) */
  conditionsMode: 'to-reach' | 'to-hold';
  conditions: VerdictCondition[];
  conditionsText: string;
  risk: VerdictRisk | null;
  riskText: string;
  /** npv vs strategic npv, in a sentence */
  strategicText: string;
  /** the key figures beside the words, each written as every surface writes it */
  figures: { key: string; label: string; value: string }[];
}

/** What a scenario's verdict is made from: its result and the analyses the report runs anyway. */
export interface VerdictInput {
  result: ModelResult;
  breakeven?: BreakevenReport | undefined;
  /** the Monte Carlo run, with where its distributions came from */
  monteCarlo?: { summary: McSummary; from: UncertaintyOrigin } | undefined;
  /** the watch list (ranked by value of information) */
  calendar?: Calendar | undefined;
  /** why a part is missing (an analysis failed) */
  notes?: { breakeven?: string | undefined; monteCarlo?: string | undefined; signals?: string | undefined } | undefined;
}

/** How many things that have to be true the Verdict lists. */
export const VERDICT_CONDITIONS = 3;

/** A probability in words beside its number. */
export function likelihood(p: number): string {
  if (p >= 0.9) return 'very likely';
  if (p >= 0.65) return 'likely';
  if (p >= 0.5) return 'more likely than not';
  if (p >= 0.35) return 'less likely than not';
  if (p >= 0.1) return 'unlikely';
  return 'very unlikely';
}

/** P(irr ≥ wacc) for a figure or a line: the share, or — when most samples have no IRR (flows that never turn negative) — that, since the share would mislead. */
export function irrOdds(p: VerdictProbability): string {
  if (p.irrAtLeastWacc === null) return 'no IRR';
  if (p.noIrr >= 0.5) return `no IRR in ${pct(p.noIrr, 0)} of samples`;
  return pct(p.irrAtLeastWacc, 1);
}

/** The probabilities in a sentence: the odds of npv ≥ 0 in words, P(irr ≥ wacc) (and why it says little when most samples have no IRR), the run. */
function probabilitySentence(p: VerdictProbability, kind: VerdictSubject['kind']): string {
  const irr =
    p.irrAtLeastWacc === null
      ? 'no sample has an IRR (its flows never turn negative), so npv is the measure'
      : `${pct(p.irrAtLeastWacc, 1)}${p.noIrr >= 0.5 ? ` (${pct(p.noIrr, 1)} of samples have no IRR: their flows never turn negative, so npv is the measure)` : ''}`;
  const run = `${count(p.n)} samples, seed ${p.seed}, ${p.sampling === 'latin-hypercube' ? 'Latin hypercube' : 'plain Monte Carlo'}`;
  const from =
    kind === 'portfolio'
      ? p.from === 'scenario'
        ? "the uncertainty of its vintages' scenarios, each drawn once for all vintages unless marked perVintage"
        : 'the default uncertainty (its scenarios have no uncertainty block)'
      : p.from === 'scenario'
        ? "the scenario's own uncertainty block"
        : 'the default uncertainty (the scenario has no uncertainty block)';
  return `Across its uncertainty, P(npv ≥ 0) = ${pct(p.npvAtLeastZero, 1)}: ${likelihood(p.npvAtLeastZero)}. P(irr ≥ wacc) = ${irr}. From ${from}; ${run}.`;
}

/** The distance of a breakeven from the base for people: pp for rates and shares, % for the rest. */
const distance = (r: BreakevenRow): string => (r.kind === 'rate' || r.kind === 'share' ? formatInputChange(r, r.change) : formatChangePct(r.changePct));

/** Closest first: the smallest |change %| (a row without one, by its plain distance, after those with one). */
function byCloseness(a: BreakevenRow, b: BreakevenRow): number {
  const x = a.changePct === null ? Infinity : Math.abs(a.changePct);
  const y = b.changePct === null ? Infinity : Math.abs(b.changePct);
  return x - y || Math.abs(a.change ?? Infinity) - Math.abs(b.change ?? Infinity);
}

function condition(r: BreakevenRow, meets: boolean): VerdictCondition {
  const up = (r.breakeven as number) > r.base;
  const base = formatInput(r, r.base);
  const breakeven = formatInput(r, r.breakeven);
  const change = distance(r);
  const scaled = r.series ? ' (the mean of its path)' : '';
  const headroom = r.kind === 'rate' || r.kind === 'share' ? formatInputChange(r, Math.abs(r.change ?? 0)).replace(/^\+/, '') : pct(Math.abs(r.changePct ?? 0));
  const text = meets
    ? `${r.label}${scaled} stays at or ${up ? 'below' : 'above'} ${breakeven} (now ${base}: ${headroom} of headroom)`
    : `${r.label}${scaled} at ${breakeven} or ${up ? 'more' : 'less'} (now ${base}: ${change})`;
  return { path: r.path, label: r.label, base, breakeven, changePct: r.changePct, change, text };
}

/** The closest breakevens: what would have to change, or where the answer would flip. */
export function verdictConditions(b: BreakevenReport): { mode: 'to-reach' | 'to-hold'; conditions: VerdictCondition[] } {
  const meets = b.base.met;
  const rows = b.rows.filter((r) => (meets ? r.status === 'met' && r.breakeven !== null : r.status === 'needs-change') && r.breakeven !== null);
  return { mode: meets ? 'to-hold' : 'to-reach', conditions: [...rows].sort(byCloseness).slice(0, VERDICT_CONDITIONS).map((r) => condition(r, meets)) };
}

/** The first line of the watch list with a value of information. */
export function verdictRisk(c: Calendar): VerdictRisk | null {
  const l: CalendarLine | undefined = c.lines.find((x) => x.watch.voi !== null);
  if (l === undefined || l.watch.voi === null) return null;
  const cell = l.cells[0];
  const f = (x: number): string => (l.compare === 'growth' ? `${pct(x, 0)}/yr` : formatSignalValue(l.unit, x));
  const side = l.good === 'higher' ? 'below' : 'above';
  const line =
    cell === undefined ? null : cell.needed !== null ? `it would need ${f(cell.needed)} for npv ≥ 0` : cell.tripwire !== null ? `${side} ${f(cell.tripwire)} npv turns negative` : null;
  const name = lineName(l);
  const range = watchRange(l);
  const text = `${l.label}${l.segment !== null ? ` (${l.segment})` : ''}: npv swings ${millions(l.watch.voi, 0)} across its uncertainty, ${range}${line === null ? '' : `; ${line}`}.`;
  return { signal: l.signal, name, label: l.label, driver: l.watch.driver, voi: l.watch.voi, range, line, text };
}

function strategicText(s: Pick<Summary, 'npv' | 'strategicNpv' | 'strategicValuePV'>): string {
  const npv = formatMetric('npv', s.npv);
  const strategic = formatMetric('strategicNpv', s.strategicNpv);
  if (!((s.strategicValuePV ?? 0) > 0)) return `No internal use is valued here: the clean reading (cash only, NPV ${npv}) is the whole answer.`;
  if (s.npv === null || s.strategicNpv === null) return `NPV ${npv}; strategic NPV ${strategic}.`;
  if (s.npv >= 0) return `Pays back on cash alone (NPV ${npv}); counting internal use at its imputed value adds ${millions(s.strategicValuePV, 0)} (strategic NPV ${strategic}).`;
  if (s.strategicNpv >= 0)
    return `Does not pay back on cash (NPV ${npv}); it does only when internal use is counted at its imputed value (strategic NPV ${strategic}): a strategic case, not a cash one.`;
  return `Does not pay back even with internal use counted at its imputed value: NPV ${npv} on cash, ${strategic} strategic.`;
}

/**
 * The Verdict of one scenario from its result and analyses (each part says
 * why when its analysis is missing).
 *
 * @example
 * const v = scenarioVerdict({ result: evaluate(s), breakeven: breakeven(s), monteCarlo: { summary, origin }, calendar });
 * v.answer;          // 'Earns its 8.0 % wacc'
 * v.probabilityText; // 'P(npv ≥ 0) = 77.8 % (likely) and P(irr ≥ wacc) = 77.6 %, over 20,000 samples (seed 42) …'
 */
export function scenarioVerdict(input: VerdictInput): Verdict {
  const r = input.result;
  return verdictOf(
    {
      subject: { kind: 'scenario', id: r.scenario.id, name: r.scenario.name ?? r.scenario.id },
      wacc: r.scenario.finance.wacc,
      summary: r.summary,
      rented: rentedNoCapex(r),
      metric: (key) => metricText(key, r),
    },
    input,
  );
}

/** What a Verdict reads of its subject's result: a scenario's or a portfolio's. */
interface VerdictView {
  subject: VerdictSubject;
  wacc: number;
  summary: Pick<Summary, 'npv' | 'irr' | 'strategicNpv' | 'strategicValuePV' | 'leaseCommitmentPV'>;
  /** a fleet rented with no capex to earn back */
  rented: boolean;
  /** a summary metric for people (`metricText`) */
  metric: (key: string) => string;
}

/**
 * The Verdict of a portfolio (MODEL.md §8) from its consolidated result, its
 * breakevens and its Monte Carlo (common shocks across vintages). Signals
 * rank inputs of one scenario, so a portfolio's biggest risk says where to
 * read it: in each vintage's template.
 *
 * @example
 * const v = portfolioVerdict(evaluatePortfolio(p), { breakeven: breakeven(p) });
 */
export function portfolioVerdict(r: PortfolioResult, input: Omit<VerdictInput, 'result' | 'calendar'>): Verdict {
  const p = r.portfolio;
  const templates = [...new Set(r.vintages.map((v) => v.template))];
  return verdictOf(
    {
      subject: { kind: 'portfolio', id: p.id, name: p.name ?? p.id },
      wacc: p.finance.wacc,
      summary: r.summary,
      rented: false,
      metric: (key) => formatMetric(key, numberOr((r.summary as Record<string, unknown>)[key])),
    },
    { ...input, notes: { ...input.notes, signals: input.notes?.signals ?? `the watch list ranks the signals of one scenario; read it for the vintages' scenarios (${templates.join(', ')})` } },
  );
}

const numberOr = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function verdictOf(view: VerdictView, input: Omit<VerdictInput, 'result'>): Verdict {
  const s = view.summary;
  const wacc = view.wacc;
  const earns = s.npv === null ? null : s.npv >= 0;
  const answer = earns === null ? `No answer: npv has no value` : earns ? `Earns its ${pct(wacc)} wacc` : `Falls short of its ${pct(wacc)} wacc`;
  const irr = s.irr === null ? (view.rented ? 'no IRR (no capex to earn back: the fleet is rented)' : 'no IRR') : `IRR ${formatMetric('irr', s.irr)}`;
  const headline = view.rented
    ? `As it stands: NPV ${formatMetric('npv', s.npv)} at a ${pct(wacc)} wacc, ${irr}; it owes ${formatMetric('leaseCommitmentPV', s.leaseCommitmentPV)} of commitments (present value) instead.`
    : `As it stands: NPV ${formatMetric('npv', s.npv)} at a ${pct(wacc)} wacc, ${irr}; payback ${view.metric('paybackYears')}.`;

  const mc = input.monteCarlo;
  const probability: VerdictProbability | null =
    mc === undefined
      ? null
      : {
          n: mc.summary.n,
          seed: mc.summary.seed,
          sampling: mc.summary.sampling,
          from: mc.from,
          npvAtLeastZero: mc.summary.probabilities.npvAtLeastZero,
          irrAtLeastWacc: mc.summary.probabilities.irrAtLeastWacc,
          noIrr: mc.summary.irrShape.irr.none,
        };
  const probabilityText = probability === null ? `No probability: the Monte Carlo ${input.notes?.monteCarlo ?? 'did not run'}.` : probabilitySentence(probability, view.subject.kind);

  const be = input.breakeven;
  const cs: { mode: 'to-reach' | 'to-hold'; conditions: VerdictCondition[] } = be === undefined ? { mode: earns === false ? 'to-reach' : 'to-hold', conditions: [] } : verdictConditions(be);
  const conditionsText =
    be === undefined
      ? `Not computed${input.notes?.breakeven ? `: ${input.notes.breakeven}` : ''}.`
      : cs.conditions.length === 0
        ? cs.mode === 'to-reach'
          ? 'No single driver in its range brings npv to 0: it would take several at once.'
          : 'No single driver in its range makes npv negative.'
        : cs.mode === 'to-reach'
          ? `To earn its wacc, any one of these would do (each alone, all else as it stands; the closest first):`
          : `It keeps earning its wacc while each of these holds (each alone, all else as it stands; the nearest failure first):`;

  const risk = input.calendar === undefined ? null : verdictRisk(input.calendar);
  const riskText =
    risk !== null
      ? risk.text
      : input.calendar === undefined
        ? `Not computed${input.notes?.signals ? `: ${input.notes.signals}` : ''}.`
        : 'No signal of the watch list moves an input of this scenario.';

  const figures: Verdict['figures'] = (['npv', 'irr', 'paybackYears', 'peakFunding', 'leaseCommitmentPV', 'strategicNpv'] as const).map((key) => ({
    key,
    label: metricLabel(key),
    value: view.metric(key),
  }));
  if (probability !== null) {
    figures.splice(2, 0, { key: 'pNpv', label: 'P(npv ≥ 0)', value: pct(probability.npvAtLeastZero, 1) }, { key: 'pIrr', label: 'P(irr ≥ wacc)', value: irrOdds(probability) });
  }

  return {
    subject: view.subject,
    wacc,
    npv: s.npv,
    irr: s.irr,
    strategicNpv: s.strategicNpv,
    earns,
    answer,
    headline,
    probability,
    probabilityText,
    conditionsMode: cs.mode,
    conditions: cs.conditions,
    conditionsText,
    risk,
    riskText,
    strategicText: strategicText(s),
    figures,
  };
}

/**
 * The Verdicts of a report's scenarios, in order, from what the report holds:
 * each result with its breakevens, its Monte Carlo run and its watch list (the
 * one of `--signals` when there is no other). What `renderReport` opens with,
 * and what `payback report --json` prints.
 */
export function reportVerdicts(input: Pick<ReportInput, 'results' | 'analyses' | 'mc' | 'signals'>): Verdict[] {
  return input.results.map((r, i) => {
    const an = input.analyses[i] ?? {};
    const run = input.mc?.[i];
    return scenarioVerdict({
      result: r,
      breakeven: an.breakeven,
      monteCarlo: run === undefined ? undefined : { summary: run.summary, from: run.from },
      calendar: an.watchList ?? input.signals?.[i]?.calendar,
      notes: { breakeven: an.notes?.breakeven, monteCarlo: an.notes?.monteCarlo, signals: an.notes?.watchList ?? an.notes?.signals },
    });
  });
}

/** The Verdicts in a few lines for a terminal: `hyperscaler-base: Earns its 8.0 % wacc; P(npv ≥ 0) 77.8 %, P(irr ≥ wacc) 77.6 % (20,000 samples, seed 42)`. */
export function verdictLines(verdicts: readonly Verdict[]): string {
  return [
    'Verdict:',
    ...verdicts.map((v) => {
      const p = v.probability;
      const odds =
        p === null ? '' : `; P(npv ≥ 0) ${pct(p.npvAtLeastZero, 1)}, P(irr ≥ wacc) ${irrOdds(p)} (${count(p.n)} samples, seed ${p.seed})`;
      return `  ${v.subject.id}: ${v.answer}${odds}; biggest risk: ${v.risk === null ? 'none ranked' : v.risk.name}`;
    }),
  ].join('\n');
}
