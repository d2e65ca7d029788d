/**
 * Where the actions get their scenarios: a file or a built-in id, bad input
 * thrown as an InputError with every issue, and the built-ins in archetype order.
 * It loads the model (zod, yaml), so only actions import it, never a definition.
 */
import { evaluate, nonFiniteIssues } from '../model/engine.ts';
import type { Issue } from '../model/issues.ts';
import type { ResolvedScenario } from '../model/load.ts';
import type { ModelResult } from '../model/result.ts';
import { readScenarioFile } from '../io/files.ts';
import { readModelFile } from '../io/portfolio-files.ts';
import { evaluatePortfolio, type PortfolioResult, portfolioNonFinite } from '../model/portfolio.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import { InputError } from './context.ts';

export interface LoadedScenario {
  scenario: ResolvedScenario;
  warnings: Issue[];
  /** the file or built-in id it came from */
  source: string;
}

/** Load a scenario file or built-in id; bad input throws an InputError with every issue. */
export function loadScenarioOrFail(pathOrId: string): LoadedScenario {
  const r = readScenarioFile(pathOrId);
  if (!r.ok) throw new InputError(r.issues);
  return { scenario: r.scenario, warnings: r.warnings, source: pathOrId };
}

/** Evaluate a scenario; a result with values that overflow is bad input (MODEL.md §2), thrown as an InputError. */
export function evaluateOrFail(scenario: ResolvedScenario): ModelResult {
  const r = evaluate(scenario);
  const problems = nonFiniteIssues(r);
  if (problems.length > 0) throw new InputError(problems);
  return r;
}

export { archetypeBaseCases, builtinsInArchetypeOrder } from '../io/files.ts';

/** A scenario or a portfolio (MODEL.md §8), loaded: what a command that takes either gets. */
export type LoadedSubject =
  | { kind: 'scenario'; subject: ResolvedScenario; warnings: Issue[]; source: string }
  | { kind: 'portfolio'; subject: Portfolio; warnings: Issue[]; source: string };

/**
 * Load a scenario or a portfolio — a file, a built-in of either kind, or
 * standard input; bad input throws an InputError with every issue.
 */
export function loadSubjectOrFail(pathOrId: string): LoadedSubject {
  const f = readModelFile(pathOrId);
  if (f.kind === 'portfolio') {
    if (!f.result.ok) throw new InputError(f.result.issues);
    return { kind: 'portfolio', subject: f.result.portfolio, warnings: f.result.warnings, source: pathOrId };
  }
  if (!f.result.ok) throw new InputError(f.result.issues);
  return { kind: 'scenario', subject: f.result.scenario, warnings: f.result.warnings, source: pathOrId };
}

/** Evaluate a portfolio; a result with values that overflow is bad input (MODEL.md §2), thrown as an InputError. */
export function evaluatePortfolioOrFail(p: Portfolio): PortfolioResult {
  const r = evaluatePortfolio(p);
  const problems = portfolioNonFinite(r);
  if (problems.length > 0) throw new InputError(problems);
  return r;
}
