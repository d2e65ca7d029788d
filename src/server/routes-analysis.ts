/**
 * The computations: run, compare and the analyses of MODEL.md §5. Each takes a
 * scenario reference and its options; none stores anything, so none needs the
 * token. The quick ones (run, compare, stack, advantages: a few dozen model
 * evaluations) run here; the heavy ones (Monte Carlo, grid, breakeven,
 * tornado, internal sweep) in the worker pool, so the server keeps answering.
 */
import type { z } from 'zod';
import { uncertaintyFor, withEffectiveUncertainty } from '../analysis/default-uncertainty.ts';
import { parseDistArgument, type DistributionSpec } from '../analysis/distributions.ts';
import { GRID_MAX_POINTS } from '../analysis/grid.ts';
import { unreachableIssue } from '../analysis/design-point.ts';
import { DEFAULT_SAMPLES, type MonteCarloOptions } from '../analysis/monte-carlo.ts';
import { nonFiniteIssues } from '../model/engine.ts';
import type { Issue } from '../model/issues.ts';
import type { Scenario } from '../model/schema.ts';
import { COMPARE_METRICS } from '../report/metrics.ts';
import type { ServerContext } from './app.ts';
import { budgetOf, checkEstimate, evaluationCost, monteCarloCost, workloadOf } from './budget.ts';
import { badRequest, HttpError } from './http.ts';
import { checkTargetAndDrivers, DEFAULT_REFERENCE, loadAll, quickJob } from './requests.ts';
import { archetypeBaseCases } from './scenarios.ts';
import {
  advantagesRequestSchema,
  advantagesResponseSchema,
  breakevenRequestSchema,
  breakevenResponseSchema,
  compareRequestSchema,
  compareResponseSchema,
  conditionsRequestSchema,
  conditionsResponseSchema,
  designPointRequestSchema,
  designPointResponseSchema,
  gridRequestSchema,
  gridResponseSchema,
  internalRequestSchema,
  internalResponseSchema,
  mcRequestSchema,
  mcResponseSchema,
  runRequestSchema,
  runResponseSchema,
  stackRequestSchema,
  stackResponseSchema,
  tornadoRequestSchema,
  tornadoResponseSchema,
} from './schemas.ts';

const JSON_ANSWER = { 'Content-Type': 'application/json' } as const;
const utf8 = new TextEncoder();

export function analysisRoutes(ctx: ServerContext): void {
  const { routes, library } = ctx;
  /**
   * The answers of /api/run by the library's remembered scenario: the engine is
   * deterministic, so a built-in (or any text in use) is evaluated and
   * serialized once while the library keeps it, not on every request.
   */
  const runAnswers = new WeakMap<object, Uint8Array<ArrayBuffer>>();

  routes.add(
    {
      method: 'post',
      path: '/api/run',
      operationId: 'run',
      tag: 'analyses',
      summary: 'Evaluate one scenario: the result contract of MODEL.md §4 (`payback run --json`)',
      body: runRequestSchema,
      responses: { 200: { description: 'the result contract, and the warnings of loading the scenario', schema: runResponseSchema } },
      errors: [404, 422],
    },
    async (c, { body }) => {
      const l = await library.load(body, '', { readOnly: true });
      // a remembered scenario (frozen, shared) always gives the same answer: made once, sent as bytes
      const known = Object.isFrozen(l.scenario) ? runAnswers.get(l.scenario) : undefined;
      if (known !== undefined) return c.body(known, 200, JSON_ANSWER);
      const result = await ctx.jobs.compute('run', { scenario: l.scenario }, costOf(l.scenario, EVALUATIONS.run), quickJob(c, 'the run'));
      // MODEL.md §2: a value that overflows the model's arithmetic is an input error naming the line and the year
      const overflow = nonFiniteIssues(result);
      if (overflow.length > 0) throw new HttpError(422, 'the inputs overflow the model', overflow);
      const bytes = utf8.encode(JSON.stringify({ ...result, inputWarnings: l.warnings }));
      if (Object.isFrozen(l.scenario)) runAnswers.set(l.scenario, bytes);
      return c.body(bytes, 200, JSON_ANSWER);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/compare',
      operationId: 'compare',
      tag: 'analyses',
      summary: 'Scenarios side by side on the summary (`payback compare --json`); default the four built-in archetypes',
      body: compareRequestSchema,
      responses: { 200: { description: 'one summary per scenario, in the order asked', schema: compareResponseSchema } },
      errors: [404],
    },
    async (c, { body }) => {
      const ids = body.ids ?? archetypeBaseCases();
      const loaded = await loadAll(
        ids.map((id, i) => ({ at: `ids[${i}]`, load: () => library.load({ id }) })),
      );
      const results = await Promise.all(
        loaded.map((l) => ctx.jobs.compute('run', { scenario: l.scenario }, costOf(l.scenario, EVALUATIONS.run), quickJob(c, 'the comparison'))),
      );
      return c.json({
        metrics: COMPARE_METRICS.map(({ key, label, unit, better }) => ({ key, label, unit, better })),
        summaries: results.map((r, i) => ({
          id: r.scenario.id,
          name: r.scenario.name ?? r.scenario.id,
          operator: r.scenario.operator,
          version: loaded[i]?.version ?? 0,
          summary: r.summary,
          warnings: r.warnings,
        })),
      });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/stack',
      operationId: 'stack',
      tag: 'analyses',
      summary: 'The payback stack: the cash revenue per MW the factory needs to earn its wacc, against what each source brings',
      body: stackRequestSchema,
      responses: { 200: { description: 'the stack', schema: stackResponseSchema } },
      errors: [404],
    },
    async (c, { body }) => {
      const l = await library.load(body);
      const input = { scenario: l.scenario, ...(body.by !== undefined && { by: body.by }) };
      return c.json(await ctx.jobs.compute('stack', input, costOf(l.scenario, EVALUATIONS.stack), quickJob(c, 'the payback stack')));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/internal',
      operationId: 'internal',
      tag: 'analyses',
      summary: 'Internal inference: clean and strategic revenue and GP per MW as the internal share of tokens rises',
      body: internalRequestSchema,
      responses: { 200: { description: 'the sweep', schema: internalResponseSchema } },
      errors: [404],
    },
    async (c, { body }) => {
      const l = await library.load(body);
      const input = { scenario: l.scenario, ...(body.steps !== undefined && { steps: body.steps }) };
      return c.json(await ctx.jobs.run('internal', input, { signal: c.req.raw.signal, what: 'the internal sweep' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/advantages',
      operationId: 'advantages',
      tag: 'analyses',
      summary: 'Structural advantages: the Shapley attribution of the npv-per-MW difference against a reference operator',
      body: advantagesRequestSchema,
      responses: { 200: { description: 'the attribution', schema: advantagesResponseSchema } },
      errors: [404],
    },
    async (c, { body }) => {
      const { vs, ...ref } = body;
      const vsRef = vs === undefined ? { id: DEFAULT_REFERENCE } : typeof vs === 'string' ? { id: vs } : vs;
      const [op, reference] = await loadAll([
        { at: '', load: () => library.load(ref) },
        { at: 'vs', load: () => library.load(vsRef, 'vs') },
      ]);
      const estimate = Math.max(costOf(op!.scenario, EVALUATIONS.advantages), costOf(reference!.scenario, EVALUATIONS.advantages));
      return c.json(
        await ctx.jobs.compute('advantages', { scenario: op!.scenario, reference: reference!.scenario }, estimate, quickJob(c, 'the attribution')),
      );
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/breakeven',
      operationId: 'breakeven',
      tag: 'analyses',
      summary: 'What has to be true: for each driver, the value that just meets the target with all else at base',
      body: breakevenRequestSchema,
      responses: { 200: { description: 'the breakeven table', schema: breakevenResponseSchema } },
      errors: [404],
    },
    async (c, { body }) => {
      const l = await library.load(body);
      checkTargetAndDrivers(l.scenario, body.target, 'target', body.drivers);
      const options = { ...(body.target !== undefined && { target: body.target }), ...(body.drivers !== undefined && { drivers: body.drivers }) };
      return c.json(await ctx.jobs.run('breakeven', { scenario: l.scenario, options }, { signal: c.req.raw.signal, what: 'the breakeven table' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/tornado',
      operationId: 'tornado',
      tag: 'analyses',
      summary: 'Tornado: each driver at a low and a high value, a summary metric at each, sorted by swing',
      body: tornadoRequestSchema,
      responses: { 200: { description: 'the tornado', schema: tornadoResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const l = await library.load(body);
      checkTargetAndDrivers(l.scenario, undefined, '', [...(body.drivers ?? []), ...(body.ranges ?? []).map((r) => r.path)]);
      const options = {
        ...(body.metric !== undefined && { metric: body.metric }),
        ...(body.swing !== undefined && { swing: body.swing }),
        ...(body.ranges !== undefined && { ranges: body.ranges }),
        ...(body.drivers !== undefined && { drivers: body.drivers }),
      };
      return c.json(await ctx.jobs.run('tornado', { scenario: l.scenario, options }, { signal: c.req.raw.signal, what: 'the tornado' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/grid',
      operationId: 'grid',
      tag: 'analyses',
      summary: 'Grid: a summary metric over two drivers, with the breakeven contour of a target marked',
      description: `Each axis has at most ${GRID_MAX_POINTS} points and the grid at most ${GRID_MAX_CELLS} cells.`,
      body: gridRequestSchema,
      responses: { 200: { description: 'the grid; matrices are indexed [iy][ix]', schema: gridResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      if (body.x.n * body.y.n > GRID_MAX_CELLS) {
        throw badRequest('invalid request', [
          { path: 'y.n', message: `the grid has ${body.x.n} × ${body.y.n} = ${body.x.n * body.y.n} cells, at most ${GRID_MAX_CELLS} on this server`, code: 'too_big' },
        ]);
      }
      const l = await library.load(body);
      checkTargetAndDrivers(l.scenario, body.target ?? undefined, 'target', []);
      const options = {
        x: body.x,
        y: body.y,
        ...(body.metric !== undefined && { metric: body.metric }),
        ...(body.target !== undefined && { target: body.target }),
      };
      return c.json(await ctx.jobs.run('grid', { scenario: l.scenario, options }, { signal: c.req.raw.signal, what: 'the grid' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/mc',
      operationId: 'monteCarlo',
      tag: 'analyses',
      summary: 'Monte Carlo over the uncertain inputs: statistics, probabilities, driver importance',
      description:
        'Bounded: more samples than `limits.mcSamples` answers 413; a run is stopped past `limits.mcMillis` (422); ' +
        'at most a few run at once (429). It runs in a worker thread, so the server keeps answering meanwhile.',
      body: mcRequestSchema,
      responses: { 200: { description: 'the summary of the run', schema: mcResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const n = body.n ?? Math.min(DEFAULT_MC_SAMPLES, ctx.deps.limits.mcSamples);
      const max = ctx.deps.limits.mcSamples;
      if (n > max) {
        throw new HttpError(413, `Monte Carlo is limited to ${max} samples per request on this server`, [
          { path: 'n', message: `${n} samples asked, the limit is ${max} (limits.mcSamples)`, code: 'too_big' },
        ]);
      }
      const l = await library.load(body);
      // its own uncertainty block, else the default every surface uses; `dist` adds to it or replaces entries
      const scenario = withEffectiveUncertainty(l.scenario);
      const distributions = body.dist === undefined ? undefined : distributionsOf(body.dist);
      const options: MonteCarloOptions = {
        n,
        ...(body.seed !== undefined && { seed: body.seed }),
        ...(body.lhs !== undefined && { lhs: body.lhs }),
        ...(distributions !== undefined && { distributions }),
        ...(body.correlation !== undefined && { correlation: body.correlation }),
        ...(body.bins !== undefined && { bins: body.bins }),
      };
      // The budget, from the scenario's shape and the samples, before anything is allocated;
      // the run is planned and checked in the worker (its plan is as large as the run).
      const inputs = new Set([...Object.keys(scenario.uncertainty ?? {}), ...Object.keys(distributions ?? {})]).size;
      const estimate = monteCarloCost(scenario, workloadOf(scenario), n, inputs);
      checkEstimate(estimate, budgetOf(ctx.deps.limits), 'Monte Carlo', 'n', `ask for fewer samples (n = ${n}) or a scenario with fewer segments or years`);
      const result = await ctx.jobs.run(
        'mc',
        { scenario, options },
        {
          signal: c.req.raw.signal,
          what: 'Monte Carlo',
          bytes: estimate.bytes,
          budgetHint: { path: 'n', message: `${n} samples did not finish within ${ctx.deps.limits.mcMillis} ms (limits.mcMillis); ask for fewer` },
        },
      );
      return c.json(result);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/conditions',
      operationId: 'conditions',
      tag: 'analyses',
      summary: 'What has to work at the same time: the eight conditions, npv when one fails or alone holds, how often they hold (`payback conditions --json`)',
      description: 'Bounded like /api/mc: more samples than `limits.mcSamples` answers 413, a run past `limits.mcMillis` 422. It runs in a worker thread.',
      body: conditionsRequestSchema,
      responses: { 200: { description: 'the conditions', schema: conditionsResponseSchema } },
      errors: [404, 413, 422, 429, 503],
    },
    async (c, { body }) => {
      const n = samplesOf(ctx, body.n);
      const l = await library.load(body);
      const options = { n, ...(body.seed !== undefined && { seed: body.seed }), distributions: uncertaintyFor(l.scenario).distributions };
      const bytes = checkSamples(ctx, l.scenario, n, Object.keys(options.distributions).length, 'the conditions');
      return c.json(await ctx.jobs.run('conditions', { scenario: l.scenario, options }, { signal: c.req.raw.signal, what: 'the conditions', bytes, budgetHint: budgetHint(ctx, n) }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/designpoint',
      operationId: 'designPoint',
      tag: 'analyses',
      summary: 'The design point (FORM): the most likely way the target is missed or reached, β and Φ(−β) beside the Monte Carlo (`payback designpoint --json`)',
      description:
        'A target that no values of the uncertain inputs can cross answers 400 with the closest point found. Bounded like /api/mc: more samples than `limits.mcSamples` answers 413, a run past `limits.mcMillis` 422.',
      body: designPointRequestSchema,
      responses: { 200: { description: 'the design point', schema: designPointResponseSchema } },
      errors: [404, 413, 422, 429, 503],
    },
    async (c, { body }) => {
      const n = body.n === 0 ? 0 : samplesOf(ctx, body.n);
      const l = await library.load(body);
      checkTargetAndDrivers(l.scenario, body.target, 'target', []);
      const options = {
        n,
        ...(body.target !== undefined && { target: body.target }),
        ...(body.seed !== undefined && { seed: body.seed }),
        distributions: uncertaintyFor(l.scenario).distributions,
      };
      const bytes = checkSamples(ctx, l.scenario, n, Object.keys(options.distributions).length, 'the design point');
      const d = await ctx.jobs.run('designpoint', { scenario: l.scenario, options }, { signal: c.req.raw.signal, what: 'the design point', bytes, budgetHint: budgetHint(ctx, n) });
      if (d.status === 'unreachable') throw badRequest('unreachable target', [unreachableIssue(d)]);
      return c.json(d);
    },
  );
}

/** Model evaluations each quick analysis makes, at most (a bracket and Brent for the stack; the coalitions of the attribution). */
export const EVALUATIONS = { run: 1, stack: 60, advantages: 70 } as const;

/** The estimated ms of `evaluations` runs of a scenario. */
const costOf = (s: Scenario, evaluations: number): number => evaluationCost(workloadOf(s), evaluations).millis;

/** The budget of a run of `n` samples (refused past it, 422, before anything is allocated); its estimated bytes. */
function checkSamples(ctx: ServerContext, s: Scenario, n: number, inputs: number, what: string): number {
  if (n === 0) return 0;
  const estimate = monteCarloCost(s, workloadOf(s), n, inputs);
  checkEstimate(estimate, budgetOf(ctx.deps.limits), what, 'n', `ask for fewer samples (n = ${n}) or a scenario with fewer segments or years`);
  return estimate.bytes;
}

/** Samples of a run: as asked (at most the server's limit, else 413), by default the CLI's 100,000 or the limit. */
function samplesOf(ctx: ServerContext, asked: number | undefined): number {
  const max = ctx.deps.limits.mcSamples;
  const n = asked ?? Math.min(DEFAULT_SAMPLES, max);
  if (n > max) {
    throw new HttpError(413, `Monte Carlo is limited to ${max} samples per request on this server`, [{ path: 'n', message: `${n} samples asked, the limit is ${max} (limits.mcSamples)`, code: 'too_big' }]);
  }
  return n;
}

const budgetHint = (ctx: ServerContext, n: number): { path: string; message: string } => ({
  path: 'n',
  message: `${n} samples did not finish within ${ctx.deps.limits.mcMillis} ms (limits.mcMillis); ask for fewer`,
});

/** Most cells of a grid on this server (101 × 101). */
export const GRID_MAX_CELLS = 10_201;

/** Samples of a server run when the request does not say: the CLI's default (MODEL.md §5: one question, one answer), within `limits.mcSamples`. */
export const DEFAULT_MC_SAMPLES = DEFAULT_SAMPLES;

/** `dist` as the analysis takes it: an object by path, or CLI-style strings parsed (every bad one reported). */
export function distributionsOf(dist: NonNullable<z.output<typeof mcRequestSchema>['dist']>): Record<string, DistributionSpec> {
  if (!Array.isArray(dist)) return dist;
  const out: Record<string, DistributionSpec> = {};
  const issues: Issue[] = [];
  dist.forEach((text, i) => {
    const r = parseDistArgument(text);
    if (r.ok) out[r.path] = r.spec;
    else issues.push({ ...r.issue, path: `dist[${i}]` });
  });
  if (issues.length > 0) throw badRequest('invalid request', issues);
  return out;
}
