/**
 * The eight conditions and the design point for people: the rows and
 * sentences the terminal, the HTML report and the dashboard all show (pure:
 * no table renderer, no node), so each surface writes the same numbers the
 * same way. They read the analyses' results; nothing is recomputed.
 */
import type { ConditionInput, ConditionsReport } from '../analysis/conditions.ts';
import type { DesignPointInput, DesignPointReport } from '../analysis/design-point.ts';
import { formatInput, formatInputChange, formatMetric } from './analysis-format.ts';
import { count, millions, NONE, pct } from './format.ts';

/** A probability as people read it: `94.3 %`, and `< 0.01 %` / `> 99.99 %` near the ends (0 and 1 exactly as they are). */
export function probabilityText(p: number | null): string {
  if (p === null) return NONE;
  if (p > 0 && p < 1e-4) return '< 0.01 %';
  if (p < 1 && p > 1 - 1e-4) return '> 99.99 %';
  return pct(p, p < 0.01 || p > 0.99 ? 2 : 1);
}

const arrow = (x: ConditionInput): string => (x.better === 'up' ? '↑' : x.better === 'down' ? '↓' : '·');

/** One input of a condition: `Utilization ↑ (p10 0.80×, median 1.00×, p90 1.13×)`. */
export function conditionInputText(x: ConditionInput): string {
  const f = (v: number): string => formatInput(x, v);
  return `${x.label} ${arrow(x)} (low end ${f(x.low)}, median ${f(x.median)})`;
}

/** The table of the conditions: condition, its uncertain inputs, npv when it alone fails, when it alone holds, P(it holds). */
export const CONDITION_HEAD = ['Condition', 'Uncertain inputs', 'npv if it alone fails', 'npv if it alone holds', 'P(holds)'];

export function conditionRows(c: ConditionsReport): string[][] {
  return c.conditions.map((row) => [
    row.label,
    row.uncertain.length === 0 ? `none (${row.paths.length === 0 ? 'no such input here' : `${row.paths.length} at base`})` : `${row.uncertain.length} of ${row.paths.length}`,
    millions(row.npvAloneFails, 0, true),
    millions(row.npvAloneHolds, 0, true),
    probabilityText(row.pHolds),
  ]);
}

/** What the table means, and the joint figures. */
export function conditionSentences(c: ConditionsReport): string[] {
  const held = c.conditions.filter((r) => r.pHolds !== null).length;
  const out = [
    `npv as it stands ${millions(c.npvBase, 0, true)}; with every condition at its low end ${millions(c.npvAllFail, 0, true)}.`,
    `From ${count(c.n)} samples (seed ${c.seed}): P(npv ≥ 0) = ${probabilityText(c.pNpv)}; all ${held} conditions with an uncertain input hold together in ${probabilityText(c.pAllHold)} of them (${count(c.counts.allHold)} samples).`,
    `P(npv ≥ 0 | all hold) = ${probabilityText(c.pNpvGivenAllHold)} against P(npv ≥ 0 | one fails) = ${probabilityText(c.pNpvGivenAnyFails)}.`,
  ];
  if (c.outside.length > 0) out.push(`Uncertain but in no condition: ${c.outside.join(', ')}.`);
  return out;
}

/** The inputs of each condition, one line each: `High utilization: Utilization ↑ (low end …)`. */
export function conditionInputLines(c: ConditionsReport): string[] {
  return c.conditions.filter((r) => r.uncertain.length > 0).map((r) => `${r.label}: ${r.uncertain.map(conditionInputText).join('; ')}`);
}

/** The table of the design point: each input's base, its median (the origin of the search), its value there, the change from base and its importance. */
export const DESIGN_POINT_HEAD = ['Input', 'Base', 'Median', 'Design point', 'Change from base', 'Importance'];

const changeText = (x: DesignPointInput): string => {
  if (x.changePct !== null && x.mode === 'set' && (x.kind === 'money' || x.kind === 'quantity' || x.kind === 'multiplier')) {
    return `${x.changePct > 0 ? '+' : ''}${pct(x.changePct, 1)}`;
  }
  if (x.mode === 'scale') return `${x.change > 0 ? '+' : ''}${pct(x.change, 1)}`;
  return formatInputChange(x, x.change);
};

export function designPointRows(d: DesignPointReport): string[][] {
  return d.inputs.map((x) => {
    const f = (v: number): string => formatInput(x, v);
    return [
      `${x.label}${x.mode === 'scale' ? ' (× its path)' : ''}`,
      f(x.base),
      f(x.median),
      f(x.value),
      changeText(x),
      x.importance === null ? (x.discrete ? 'conditioned on' : NONE) : pct(x.importance, 1),
    ];
  });
}

/** What the design point says, in sentences. */
export function designPointSentences(d: DesignPointReport): string[] {
  const m = (x: number | null): string => formatMetric(d.target.metric, x);
  const out = [
    `Target ${d.target.describe}. As it stands: ${d.target.metric} ${m(d.base.metric)} (${d.base.met ? 'met' : 'not met'}); with every uncertain input at its median: ${m(d.median.metric)} (${d.median.met ? 'met' : 'not met'}).`,
  ];
  if (d.status === 'unreachable') {
    out.push(
      `Unreachable: the target is ${d.median.met ? 'never missed' : 'never met'} for any values of the uncertain inputs in their ranges. The closest point found gives ${d.target.metric} ${m(d.metricAtPoint)}.`,
    );
    return out;
  }
  const way = d.event === 'miss' ? 'misses' : 'reaches';
  const mc = d.monteCarlo === null ? '' : `; Monte Carlo (${count(d.monteCarlo.n)} samples, seed ${d.monteCarlo.seed}): ${probabilityText(d.monteCarlo.probability)}`;
  out.push(
    `The most likely way this ${way} the target: β = ${d.beta === null ? NONE : count(d.beta, 3)}, first-order P(${d.event === 'miss' ? 'miss' : 'reach'}) = Φ(−β) = ${probabilityText(d.probability)}${mc}.`,
  );
  if (d.branches.length > 0) {
    out.push(`Discrete inputs conditioned on: ${d.branches.length} combinations of ${d.branches[0]?.values.map((v) => v.path).join(', ')}; β and the probability are weighted over them.`);
  }
  const s = d.solver;
  out.push(
    `Search: ${count(s.iterations)} iterations, ${count(s.evaluations)} model evaluations, ${s.converged ? 'converged' : 'NOT converged'}${s.optimality === null ? '' : ` (1 − cos θ = ${s.optimality.toExponential(1)})`}; ${d.target.metric} at the design point ${m(d.metricAtPoint)}.`,
  );
  return out;
}
