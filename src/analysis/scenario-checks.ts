/**
 * The checks of a scenario that need the analyses: its `uncertainty:` block
 * (every path an input of this scenario, every distribution's parameters in
 * order and inside the input's valid range) and its `correlation:` (paths
 * among the uncertain inputs, a valid matrix), reported with the rest of a
 * file's problems by `payback validate` and everywhere a scenario is loaded
 * (MODEL.md §2).
 */
import type { Issue } from '../model/issues.ts';
import { type CheckIssue, loadScenarioText, type ParsedText, type ResolveResult, resolveScenario, type ResolvedScenario } from '../model/load.ts';
import type { Catalog, Scenario } from '../model/schema.ts';
import { prepareMonteCarlo } from './monte-carlo.ts';

/**
 * The problems of a scenario's `uncertainty:` and `correlation:` blocks, each
 * with its path as segments. Empty when it has neither block or both are fine.
 *
 * @example
 * checkUncertainty(withUncertainty(s, { 'finance.wacc': { dist: 'uniform', min: 0.2, max: 0.1 } }));
 * // [{ path: ['uncertainty', 'finance.wacc'], message: '… min ≤ max …', code: 'invalid_distribution' }]
 */
export function checkUncertainty(scenario: Scenario): CheckIssue[] {
  const uncertain = scenario.uncertainty === undefined ? 0 : Object.keys(scenario.uncertainty).length;
  if (scenario.correlation !== undefined && uncertain === 0) {
    return [{ path: ['correlation'], message: 'a correlation needs an uncertainty: block with the inputs it correlates', code: 'no_uncertainty' }];
  }
  // no block, or an empty one: the default uncertainty applies (`effectiveUncertainty`), nothing to check here
  if (uncertain === 0) return [];
  const r = prepareMonteCarlo(scenario, { n: 1 });
  if (r.ok) return [];
  return r.issues.map((i) => ({ path: pathSegments(i.path), message: i.message, code: i.code ?? 'invalid_uncertainty' }));
}

/** Parse a formatted path (`uncertainty["fleet.x"].min`, `correlation.matrix[1][2]`) back into segments. */
export function pathSegments(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|\[([^\]]*)\]|\.?([^.[\]]+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(JSON.parse(`"${m[1]}"`) as string);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
    else if (m[4] !== undefined) out.push(m[4]);
    if (re.lastIndex >= path.length) break;
  }
  return out;
}

/** `loadScenarioText` with the checks of this module: the one way the CLI and the server load a scenario text. */
export function loadCheckedScenarioText(text: string, catalog: Catalog, opts: { file?: string | undefined; parsed?: ParsedText | undefined } = {}): ResolveResult {
  return loadScenarioText(text, catalog, { ...opts, check: checkUncertainty });
}

/** `resolveScenario` with the checks of this module, for a scenario given as an object (the API). */
export function resolveCheckedScenario(raw: unknown, catalog: Catalog): ResolveResult {
  return resolveScenario(raw, catalog, { check: checkUncertainty });
}

export type { CheckIssue, Issue, ResolvedScenario };
