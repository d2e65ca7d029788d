/**
 * Targets of "what has to be true" (MODEL.md §5): `npv>=0`, `irr>=wacc`,
 * `payback<=life`, `gpPerMW>=X`, `equityIrr>=X`, `minDscr>=X`… A target reads
 * one summary metric of a result and compares it with a threshold, a number
 * or a value of the scenario (its wacc, its useful life). `targetMargin` is
 * the signed distance to the threshold, positive when the target is met.
 */
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import type { ModelResult, SummaryField } from '../model/result.ts';
import type { Subject } from './paths.ts';
import { hasDebt, horizonOf, lifeOf } from './subject.ts';

/** The summary metrics a target can read. */
export type TargetMetric =
  | 'npv'
  | 'strategicNpv'
  | 'irr'
  | 'equityIrr'
  | 'paybackYears'
  | 'discountedPaybackYears'
  | 'grossProfitPerMW'
  | 'ebitdaPerMW'
  | 'minDscr';

export type TargetOp = '>=' | '<=';

/** A threshold taken from the scenario: its wacc, the fleet's useful life, or the horizon. */
export type TargetRef = 'wacc' | 'life' | 'horizon';

/** A parsed target. */
export interface Target {
  /** Canonical text, e.g. `irr>=wacc`, `gpPerMW>=2M`. */
  text: string;
  metric: TargetMetric;
  op: TargetOp;
  /** Where the threshold comes from when it is not a number. */
  ref: TargetRef | null;
  /** The threshold when it is a number. */
  value: number | null;
  /** The threshold for a scenario or portfolio (a `ref` reads it; a number is itself). */
  threshold: (scenario: Subject) => number;
  /** For people: `NPV ≥ 0`, `IRR ≥ wacc`, `payback ≤ useful life`. */
  describe: string;
}

interface MetricDef {
  name: string;
  aliases: string[];
  metric: TargetMetric;
  op: TargetOp;
  refs: TargetRef[];
  label: string;
}

const METRICS: MetricDef[] = [
  { name: 'npv', aliases: [], metric: 'npv', op: '>=', refs: [], label: 'NPV' },
  { name: 'strategicNpv', aliases: [], metric: 'strategicNpv', op: '>=', refs: [], label: 'strategic NPV' },
  { name: 'irr', aliases: [], metric: 'irr', op: '>=', refs: ['wacc'], label: 'IRR' },
  { name: 'equityIrr', aliases: [], metric: 'equityIrr', op: '>=', refs: ['wacc'], label: 'equity IRR' },
  { name: 'payback', aliases: ['paybackYears'], metric: 'paybackYears', op: '<=', refs: ['life', 'horizon'], label: 'payback' },
  {
    name: 'discountedPayback',
    aliases: ['discountedPaybackYears'],
    metric: 'discountedPaybackYears',
    op: '<=',
    refs: ['life', 'horizon'],
    label: 'discounted payback',
  },
  { name: 'gpPerMW', aliases: ['grossProfitPerMW'], metric: 'grossProfitPerMW', op: '>=', refs: [], label: 'gross profit per MW-year' },
  { name: 'ebitdaPerMW', aliases: [], metric: 'ebitdaPerMW', op: '>=', refs: [], label: 'EBITDA per MW-year' },
  { name: 'minDscr', aliases: [], metric: 'minDscr', op: '>=', refs: [], label: 'minimum DSCR' },
];

/** The forms a target may take, for messages and help. X is a number: `0`, `1.25`, `12%`, `150k`, `2M`, `1.5B`. */
export const TARGET_FORMS: readonly string[] = [
  'npv>=0',
  'npv>=X',
  'irr>=wacc',
  'irr>=X',
  'payback<=life',
  'payback<=X',
  'gpPerMW>=X',
  'equityIrr>=X',
  'equityIrr>=wacc',
  'minDscr>=X',
  'strategicNpv>=X',
  'discountedPayback<=life',
  'ebitdaPerMW>=X',
];

/** The default target of the breakeven analysis. */
export const DEFAULT_TARGET = 'npv>=0';

const REF_LABEL: Record<TargetRef, string> = { wacc: 'wacc', life: 'useful life', horizon: 'horizon' };

const SUFFIX: Record<string, number> = { '%': 0.01, k: 1e3, K: 1e3, M: 1e6, m: 1e6, B: 1e9, bn: 1e9, T: 1e12 };
const NUMBER = /^([+-]?)\$?((?:\d[\d_]*)(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?\s*(%|k|K|M|m|B|bn|T)?$/;

/**
 * A number as people write it on a command line: `0.8`, `-5e6`, `12%` (0.12),
 * `150k`, `2M`, `$1.5B`, with `−` accepted for minus; undefined when it is not one.
 *
 * @example
 * parseNumberText('12%'); // 0.12
 * parseNumberText('2M');  // 2000000
 * parseNumberText('abc'); // undefined
 */
export function parseNumberText(text: string): number | undefined {
  const m = NUMBER.exec(text.trim().replace(/^\u2212/, '-'));
  if (m === null) return undefined;
  const [, sign, digits, exp, suffix] = m;
  const x = Number(`${sign ?? ''}${(digits ?? '').replace(/_/g, '')}${exp !== undefined ? `e${exp}` : ''}`);
  const v = suffix === undefined ? x : x * (SUFFIX[suffix] as number);
  return Number.isFinite(v) ? v : undefined;
}

function badTarget(text: string, why: string): Issue {
  return {
    path: '',
    message: `bad target "${text}": ${why}; valid forms: ${TARGET_FORMS.join(', ')} (X a number such as 0, 1.25, 12%, 2M)`,
    code: 'bad_target',
  };
}

function build(def: MetricDef, ref: TargetRef | null, value: number | null, valueText: string): Target {
  const text = `${def.name}${def.op}${ref ?? valueText}`;
  const opText = def.op === '>=' ? '≥' : '≤';
  const threshold =
    ref === 'wacc' ? (s: Subject) => s.finance.wacc : ref === 'life' ? lifeOf : ref === 'horizon' ? horizonOf : () => value as number;
  return { text, metric: def.metric, op: def.op, ref, value, threshold, describe: `${def.label} ${opText} ${ref === null ? valueText : REF_LABEL[ref]}` };
}

/**
 * Parse a target such as `npv>=0`, `irr>=wacc`, `irr>=12%`, `payback<=life`,
 * `payback<=4.5`, `gpPerMW>=2M`, `equityIrr>=0.15`, `minDscr>=1.3` (`≥`, `≤`
 * and spaces accepted). A bad target is an issue that lists the valid forms.
 *
 * @example
 * const t = parseTarget('irr>=wacc');
 * if (t.ok) t.target.threshold(scenario); // scenario.finance.wacc
 * parseTarget('npv>0').ok; // false: "…valid forms: npv>=0, npv>=X, irr>=wacc, …"
 */
export function parseTarget(text: string): { ok: true; target: Target } | { ok: false; issue: Issue } {
  const t = text.trim().replace(/≥/g, '>=').replace(/≤/g, '<=').replace(/\s+/g, '');
  const m = /^([A-Za-z]+)(>=|<=|=>|=<|>|<|==|=)(.*)$/.exec(t);
  if (m === null) return { ok: false, issue: badTarget(text, 'expected a metric, >= or <=, and a threshold') };
  const [, name = '', op = '', rhs = ''] = m;
  const def = METRICS.find((d) => d.name.toLowerCase() === name.toLowerCase() || d.aliases.some((a) => a.toLowerCase() === name.toLowerCase()));
  if (def === undefined) {
    const names = METRICS.flatMap((d) => [d.name, ...d.aliases]);
    return { ok: false, issue: badTarget(text, `unknown metric "${name}"${didYouMeanSuffix(name, names)} (metrics: ${METRICS.map((d) => d.name).join(', ')})`) };
  }
  if (op !== def.op) return { ok: false, issue: badTarget(text, `${def.name} takes "${def.op}" (${def.op === '>=' ? 'more is better' : 'less is better'}), got "${op}"`) };
  const ref = def.refs.find((r) => r === rhs.toLowerCase());
  if (ref !== undefined) return { ok: true, target: build(def, ref, null, rhs) };
  const value = parseNumberText(rhs);
  if (value === undefined) {
    const refs = def.refs.length > 0 ? ` or ${def.refs.join(' or ')}` : '';
    const hint = rhs === '' ? '' : didYouMeanSuffix(rhs, def.refs);
    return { ok: false, issue: badTarget(text, `the threshold of ${def.name} is a number${refs}, got ${rhs === '' ? 'nothing' : `"${rhs}"`}${hint}`) };
  }
  return { ok: true, target: build(def, null, value, rhs) };
}

/**
 * Whether a target can be judged on this scenario: null when it can, else the
 * issue (a DSCR target needs debt).
 *
 * @example
 * checkTarget(minDscrTarget, hyperscaler)?.message; // 'minDscr needs debt: this scenario has no finance.debt'
 */
export function checkTarget(target: Target, scenario: Subject): Issue | null {
  if (target.metric === 'minDscr' && !hasDebt(scenario)) {
    return { path: 'finance.debt', message: `the target ${target.text} needs debt: this scenario has no finance.debt, so it has no DSCR`, code: 'bad_target' };
  }
  return null;
}

/**
 * The signed distance of a result from the target: `metric − threshold` for
 * `>=`, `threshold − metric` for `<=`; ≥ 0 exactly when the target is met. A
 * metric without a value never meets its target and gives −Infinity: an IRR
 * that does not exist, a payback that never comes, a DSCR without debt.
 *
 * @example
 * targetMargin(parseTarget('irr>=wacc').target, evaluate(s)); // 0.107 (IRR 18.7 % − wacc 8 %)
 */
export function targetMargin(target: Target, result: { summary: ModelResult['summary']; scenario: Subject }): number {
  const v = result.summary[target.metric];
  if (v === null) return -Infinity;
  const th = target.threshold(result.scenario);
  return target.op === '>=' ? v - th : th - v;
}

/**
 * Whether a result meets the target (`targetMargin ≥ 0`).
 *
 * @example
 * meetsTarget(parseTarget('npv>=0').target, evaluate(s)); // true
 */
export function meetsTarget(target: Target, result: { summary: ModelResult['summary']; scenario: Subject }): boolean {
  return targetMargin(target, result) >= 0;
}

/**
 * The natural target of a summary metric, where it has one (the contour a
 * grid marks): npv ≥ 0, irr ≥ wacc, payback ≤ life, gross profit per MW ≥ 0,
 * minimum DSCR ≥ 1; null for metrics without one.
 *
 * @example
 * defaultTargetFor('irr')?.text; // 'irr>=wacc'
 */
export function defaultTargetFor(metric: SummaryField): Target | null {
  const text: Partial<Record<SummaryField, string>> = {
    npv: 'npv>=0',
    strategicNpv: 'strategicNpv>=0',
    irr: 'irr>=wacc',
    equityIrr: 'equityIrr>=wacc',
    paybackYears: 'payback<=life',
    discountedPaybackYears: 'discountedPayback<=life',
    grossProfitPerMW: 'gpPerMW>=0',
    ebitdaPerMW: 'ebitdaPerMW>=0',
    minDscr: 'minDscr>=1',
  };
  const t = text[metric];
  if (t === undefined) return null;
  const r = parseTarget(t);
  return r.ok ? r.target : null;
}
