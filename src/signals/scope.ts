/**
 * Like for like (MODEL.md §6): how close an observation's scope is to a
 * scenario, whether it may be scored against it at all, and on which basis.
 *
 * An observation is **direct** when it is about the scenario's own kind of
 * factory: its operator class is the scenario's operator (or its words name
 * the scenario's id), where the accelerator matters it is the scenario's, and
 * its unit is the signal's own. Anything else comparable is a **proxy**, ranked
 * by its distance (one step for market evidence, two for another operator
 * class, three for an unclassified row; one for an accelerator not stated,
 * two for another one; one for a proxy unit).
 *
 * Never scored: money per MW on a basis that cannot be compared (an all-in
 * capex against an IT-only scenario without a facility share stated by its
 * source; an IT-only gross profit against the scenario's all-in one; a row
 * that says neither), and for a signal with `operators: same`, another
 * operator class (an investment-grade bond against a neocloud's loan).
 */
import { checkInputPath, getInput } from '../analysis/paths.ts';
import type { Scenario } from '../model/schema.ts';
import { type SignalDefinition, unitFit } from './definitions.ts';
import type { LinkedSignal } from './link.ts';
import type { Basis, Observation } from './observation.ts';

/** How one observation fits one scenario's signal. */
export interface ScopeFit {
  /** false: never scored against this scenario (`reason` says why). */
  comparable: boolean;
  reason: string | null;
  /** The scope is the scenario's own (distance 0). */
  direct: boolean;
  /** Closeness: 0 direct, larger farther (only comparable fits are ranked). */
  distance: number;
  /** Why it is a proxy, one phrase per difference (`operator market, not neocloud`). */
  differences: string[];
  /** A segment id the scope's words name (a segment link reads that segment). */
  segment: string | null;
  /** Money per MW: the basis it is compared on, and the factor that brings the observation there (1 − facility share for a converted all-in figure). */
  basis: Basis | null;
  factor: number;
  /** A sentence when the observation was converted (all-in → IT-only). */
  converted: string | null;
}

const names = (text: string, word: string): boolean => {
  const w = word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${w}([^a-z0-9]|$)`).test(text.toLowerCase());
};

/** The basis of the scenario's own figure for a money-per-MW signal: all-in when it has the link's `itOnlyLess` input (an owned facility), else IT-only; all-in for a link without one. */
export function scenarioBasis(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario): Basis {
  const less = l.link.itOnlyLess;
  if (less === undefined) return 'all-in';
  return checkInputPath(scenario, less) === null ? 'all-in' : 'it-only';
}

/** The value of the link's `itOnlyLess` input in the scenario (0 when it has none). */
export function itOnlyAdjustment(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario): number {
  const less = l.link.itOnlyLess;
  if (less === undefined || checkInputPath(scenario, less) !== null) return 0;
  const v = getInput(scenario, less);
  return typeof v === 'number' ? v : (v[0] ?? 0);
}

const pct = (x: number): string => `${Number((x * 100).toPrecision(3))} %`;

/**
 * How an observation fits a linked signal of a scenario.
 *
 * @example
 * const fit = scopeFit(linkSignal(capexPerMW, neocloud), neocloud, epochCampus);
 * fit.comparable; // false: all-in (facility included) against an IT-only scenario, no facility share stated
 */
export function scopeFit(l: Extract<LinkedSignal, { applies: true }>, scenario: Scenario, o: Observation): ScopeFit {
  const def: SignalDefinition = l.definition;
  const sc = def.scope;
  const words = o.scope;
  const differences: string[] = [];
  let distance = 0;
  const namesScenario = names(words, scenario.id);
  const segment = sc.segment ? (l.segments.find((id) => names(words, id)) ?? null) : null;
  const out = (over: Partial<ScopeFit>): ScopeFit => ({
    comparable: true,
    reason: null,
    direct: false,
    distance,
    differences,
    segment,
    basis: null,
    factor: 1,
    converted: null,
    ...over,
  });

  // the operator class
  const own = scenario.operator;
  if (!namesScenario && o.operator !== own) {
    if (sc.operators === 'same') {
      const what = o.operator === null ? 'an unclassified observation' : `a ${o.operator} observation`;
      return out({ comparable: false, reason: `${what}, and ${def.id} is scored only on the scenario's own operator class (${own})` });
    }
    if (o.operator === 'market') {
      distance += 1;
      differences.push(`market evidence, not ${own}`);
    } else if (o.operator === null) {
      distance += 3;
      differences.push('unclassified (no operator class)');
    } else {
      distance += 2;
      differences.push(`operator ${o.operator}, not ${own}`);
    }
  }
  // the accelerator, where it matters
  if (sc.accelerator && !namesScenario) {
    const acc = scenario.fleet.accelerator ?? null;
    if (o.accelerator === null) {
      distance += 1;
      differences.push('accelerator not stated');
    } else if (o.accelerator !== acc) {
      distance += 2;
      differences.push(`accelerator ${o.accelerator}, not ${acc ?? 'the scenario’s (none named)'}`);
    }
  }
  // the unit
  if (unitFit(def, o.unit) === 'proxy') {
    distance += 1;
    differences.push(`${o.unit}, not ${def.unit}`);
  }
  // money per MW: the basis
  let basis: Basis | null = null;
  let factor = 1;
  let converted: string | null = null;
  if (sc.basis) {
    const mine = scenarioBasis(l, scenario);
    if (o.basis === null) return out({ comparable: false, reason: 'it says neither it-only nor all-in (facility included): money per MW is compared only like with like' });
    if (o.basis === 'it-only') {
      if (l.link.itOnlyLess === undefined) return out({ comparable: false, reason: `an IT-only figure leaves out the facility costs that the scenario's ${def.label.toLowerCase()} carries (all-in)` });
      basis = 'it-only';
    } else if (mine === 'all-in') {
      basis = 'all-in';
    } else if (o.facilityShare !== null) {
      basis = 'it-only';
      factor = 1 - o.facilityShare;
      converted = `converted from all-in to IT-only at the facility share its source states (${pct(o.facilityShare)})`;
    } else {
      return out({
        comparable: false,
        reason: 'an all-in figure (facility included) against an IT-only scenario (it leases its facility), with no facility share stated to convert it',
      });
    }
  }
  return out({ direct: distance === 0, distance, basis, factor, converted });
}

/** A short phrase of what makes a fit a proxy, or of its conversion. */
export function fitNote(fit: ScopeFit): string | null {
  const parts = [...(fit.direct ? [] : fit.differences), ...(fit.converted === null ? [] : [fit.converted])];
  return parts.length === 0 ? null : parts.join('; ');
}
