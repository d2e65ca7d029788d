/**
 * What the routes share: loading the scenarios a request names (every problem
 * placed where it was named), checking targets and driver paths at once, and
 * turning an analysis' rejection of its input into a 400.
 */
import type { Context } from 'hono';
import { AnalysisInputError, checkInputPath } from '../analysis/paths.ts';
import { checkTarget, parseTarget } from '../analysis/targets.ts';
import type { Issue } from '../model/issues.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import type { Scenario } from '../model/schema.ts';
import type { ServerContext } from './app.ts';
import type { JobOptions } from './job-runner.ts';
import { badRequest, HttpError } from './http.ts';
import type { LoadedScenario, ScenarioRef } from './scenarios.ts';

/** The reference operator of structural advantages when `vs` is not given (as the CLI). */
export const DEFAULT_REFERENCE = 'hyperscaler-base';

/**
 * Run an analysis; an AnalysisInputError (a bad path, target or range) and a
 * RangeError (an option out of bounds) are how the analyses reject input, so
 * they are a 400 with the issues, not a server failure.
 */
export function compute<T>(fn: () => T, path = ''): T {
  try {
    return fn();
  } catch (e) {
    throw asRequestError(e, path);
  }
}

/** An analysis' rejection of its input as a 400; anything else as it is. */
export function asRequestError(e: unknown, path = ''): unknown {
  if (e instanceof AnalysisInputError) return badRequest('invalid request', e.issues);
  if (e instanceof RangeError) return badRequest('invalid request', [{ path, message: e.message, code: 'out_of_range' }]);
  return e;
}

/** Load several scenarios, every problem reported together: 404 when all failures are unknown ids, else 400. */
export async function loadAll(refs: readonly { at: string; load: () => Promise<LoadedScenario> }[]): Promise<LoadedScenario[]> {
  const out: LoadedScenario[] = [];
  const issues: Issue[] = [];
  let allNotFound = true;
  for (const r of refs) {
    try {
      out.push(await r.load());
    } catch (e) {
      if (!(e instanceof HttpError) || e.issues === undefined) throw e;
      if (e.status !== 404) allNotFound = false;
      // Name where in the request the scenario was: `ids[2]`, `vs`.
      issues.push(
        ...e.issues.map((i) =>
          r.at === '' ? i : i.path === '' || i.path === 'id' ? { ...i, path: r.at } : i.file === undefined ? { ...i, file: r.at } : i,
        ),
      );
    }
  }
  if (issues.length > 0) throw new HttpError(allNotFound ? 404 : 400, allNotFound ? 'unknown scenario' : 'invalid scenario', issues);
  return out;
}

/**
 * Every problem of a target and a list of driver paths at once (the analyses
 * stop at the first bad one). A target's issue is placed at `targetAt`;
 * a driver's keeps its own path (the path as written names it).
 */
export function checkTargetAndDrivers(scenario: Scenario | Portfolio, target: string | undefined, targetAt: string, drivers: readonly string[] | undefined): void {
  const issues: Issue[] = [];
  if (target !== undefined) {
    const t = parseTarget(target);
    const issue = t.ok ? checkTarget(t.target, scenario) : t.issue;
    if (issue !== null) issues.push(issue.path === '' ? { ...issue, path: targetAt } : issue);
  }
  for (const d of drivers ?? []) {
    const issue = checkInputPath(scenario, d);
    if (issue !== null) issues.push(issue);
  }
  if (issues.length > 0) throw badRequest('invalid request', issues);
}

/** One scenario named at `at` in the request (`scenario` of a query, `vs`): its problems are placed there. */
export async function loadAt(ctx: ServerContext, at: string, ref: ScenarioRef): Promise<LoadedScenario> {
  const [l] = await loadAll([{ at, load: () => ctx.library.load(ref) }]);
  return l as LoadedScenario;
}

/**
 * The options of a job that may run here (`jobs.compute`): its abort signal is
 * taken from the request only when a worker job asks for it, since building
 * the web Request behind it costs more than a quick job.
 */
export function quickJob(c: Context, what: string): JobOptions {
  return {
    what,
    get signal() {
      return c.req.raw.signal;
    },
  };
}
