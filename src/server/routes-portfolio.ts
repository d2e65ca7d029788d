/**
 * Portfolios over HTTP (MODEL.md §8): the built-ins, a portfolio's run (what
 * `payback run PORTFOLIO --json` prints), its analyses (breakeven, tornado,
 * grid, the payback stack, the Monte Carlo with common shocks) and its
 * workbook. A portfolio costs its vintages: every estimate of the compute
 * budget counts them, and every vintage must fit the server's scenario limit.
 */
import { withEffectiveUncertainty } from '../analysis/default-uncertainty.ts';
import type { MonteCarloOptions } from '../analysis/monte-carlo.ts';
import type { Issue } from '../model/issues.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import { portfolioNonFinite } from '../model/portfolio.ts';
import type { ServerContext } from './app.ts';
import { budgetOf, checkEstimate, evaluationCost, monteCarloCost, refuseScenario, scenarioTooLarge, workloadOf } from './budget.ts';
import { HttpError } from './http.ts';
import { portfolioBreakevenSchema, portfolioGridSchema, portfolioListSchema, portfolioMcSchema, portfolioRefSchema, portfolioResultSchema, portfolioStackSchema, portfolioTornadoSchema } from './portfolio-schemas.ts';
import { PortfolioLibrary, type PortfolioRef } from './portfolios.ts';
import { checkTargetAndDrivers } from './requests.ts';
import { DEFAULT_MC_SAMPLES, distributionsOf, EVALUATIONS, GRID_MAX_CELLS } from './routes-analysis.ts';
import { breakevenResponseSchema, gridResponseSchema, mcResponseSchema, stackResponseSchema, tornadoResponseSchema } from './schemas.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function portfolioRoutes(ctx: ServerContext): void {
  const { routes } = ctx;
  const portfolios = new PortfolioLibrary(ctx.deps.catalog, ctx.library);
  const limits = budgetOf(ctx.deps.limits);

  /** Load the portfolio a request names; refuse it when a vintage is larger than this server evaluates. */
  const load = async (ref: PortfolioRef): Promise<{ portfolio: Portfolio; warnings: Issue[] }> => {
    const l = await portfolios.load(ref);
    l.portfolio.vintages.forEach((v) => {
      const issue = scenarioTooLarge(v.scenario, limits.scenarioCells);
      if (issue !== null) refuseScenario(issue, `vintages[${v.id}]`);
    });
    return l;
  };
  /** The estimated ms of `evaluations` runs of every vintage of a portfolio (MODEL.md §8: its vintages count). */
  const costOf = (p: Portfolio, evaluations: number): number => {
    const e = evaluationCost(workloadOf(p), evaluations);
    checkEstimate(e, limits, 'the portfolio', '', `ask for fewer vintages (${p.vintages.length}) or shorter horizons`);
    return e.millis;
  };
  /** Analyses that search and sweep evaluate the portfolio many times: refused when even a few hundred runs would pass the budget. */
  const checkAnalysis = (p: Portfolio, evaluations: number, what: string): void => {
    checkEstimate(evaluationCost(workloadOf(p), evaluations), limits, what, '', `its ${p.vintages.length} vintages make every evaluation ${p.vintages.length} factory runs; ask for fewer drivers or cells`);
  };

  routes.add(
    {
      method: 'get',
      path: '/api/portfolios',
      operationId: 'listPortfolios',
      tag: 'portfolios',
      summary: 'The built-in portfolios (data/portfolios/), each with its size',
      responses: { 200: { description: 'the built-ins', schema: portfolioListSchema } },
    },
    async (c) => c.json({ portfolios: await portfolios.list() }),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/portfolios/:id',
      operationId: 'getPortfolio',
      tag: 'portfolios',
      summary: 'A built-in portfolio: its text, as the dashboard edits it',
      params: { id: 'the built-in portfolio id' },
      responses: { 200: { description: 'its text', schema: portfolioRefSchema.pick({ id: true, yaml: true }) } },
      errors: [404],
    },
    async (c) => {
      const id = c.req.param('id') ?? '';
      const text = await portfolios.builtin(id);
      if (text === undefined) throw new HttpError(404, `no portfolio "${id}"`, [{ path: 'id', message: `no built-in portfolio "${id}"`, code: 'not_found' }]);
      return c.json({ id, yaml: text });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/run',
      operationId: 'runPortfolio',
      tag: 'portfolios',
      summary: 'Evaluate a portfolio: its calendar years, vintages, summary and revenue gap (`payback run PORTFOLIO --json`)',
      body: portfolioRefSchema,
      responses: { 200: { description: 'the portfolio result, and the warnings of loading it', schema: portfolioResultSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const l = await load(body);
      const result = await ctx.jobs.compute('portfolio', { portfolio: l.portfolio }, costOf(l.portfolio, EVALUATIONS.run), { signal: c.req.raw.signal, what: 'the portfolio' });
      const overflow = portfolioNonFinite(result);
      if (overflow.length > 0) throw new HttpError(422, 'the inputs overflow the model', overflow);
      const { portfolio, years, vintages, summary, revenueGap, segments, warnings } = result;
      return c.json({ portfolio, years, vintages, summary, revenueGap, segments, warnings, inputWarnings: l.warnings });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/breakeven',
      operationId: 'portfolioBreakeven',
      tag: 'portfolios',
      summary: "What has to be true for a portfolio: paths on every vintage (a common shock), on one (vintages[id].…) or on its market",
      body: portfolioBreakevenSchema,
      responses: { 200: { description: 'the breakeven table', schema: breakevenResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const b = body as PortfolioRef & { target?: string; drivers?: string[] };
      const l = await load(b);
      checkTargetAndDrivers(l.portfolio, b.target, 'target', b.drivers);
      checkAnalysis(l.portfolio, 200, 'the breakeven table');
      const options = { ...(b.target !== undefined && { target: b.target }), ...(b.drivers !== undefined && { drivers: b.drivers }) };
      return c.json(await ctx.jobs.run('breakeven', { scenario: l.portfolio, options }, { signal: c.req.raw.signal, what: 'the breakeven table' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/tornado',
      operationId: 'portfolioTornado',
      tag: 'portfolios',
      summary: 'The tornado of a portfolio',
      body: portfolioTornadoSchema,
      responses: { 200: { description: 'the tornado', schema: tornadoResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const b = body as PortfolioRef & { metric?: string; swing?: number; ranges?: { path: string; lo: number; hi: number }[]; drivers?: string[] };
      const l = await load(b);
      checkTargetAndDrivers(l.portfolio, undefined, '', [...(b.drivers ?? []), ...(b.ranges ?? []).map((r) => r.path)]);
      checkAnalysis(l.portfolio, 40, 'the tornado');
      const options = {
        ...(b.metric !== undefined && { metric: b.metric as never }),
        ...(b.swing !== undefined && { swing: b.swing }),
        ...(b.ranges !== undefined && { ranges: b.ranges }),
        ...(b.drivers !== undefined && { drivers: b.drivers }),
      };
      return c.json(await ctx.jobs.run('tornado', { scenario: l.portfolio, options }, { signal: c.req.raw.signal, what: 'the tornado' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/grid',
      operationId: 'portfolioGrid',
      tag: 'portfolios',
      summary: 'A summary metric of a portfolio over two drivers',
      body: portfolioGridSchema,
      responses: { 200: { description: 'the grid; matrices are indexed [iy][ix]', schema: gridResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const b = body as unknown as PortfolioRef & { x: { path: string; lo: number; hi: number; n: number }; y: { path: string; lo: number; hi: number; n: number }; metric?: string; target?: string | null };
      if (b.x.n * b.y.n > GRID_MAX_CELLS) throw new HttpError(400, 'invalid request', [{ path: 'y.n', message: `the grid has ${b.x.n * b.y.n} cells, at most ${GRID_MAX_CELLS} on this server`, code: 'too_big' }]);
      const l = await load(b);
      checkTargetAndDrivers(l.portfolio, b.target ?? undefined, 'target', []);
      checkAnalysis(l.portfolio, b.x.n * b.y.n, 'the grid');
      const options = { x: b.x, y: b.y, ...(b.metric !== undefined && { metric: b.metric as never }), ...(b.target !== undefined && { target: b.target }) };
      return c.json(await ctx.jobs.run('grid', { scenario: l.portfolio, options }, { signal: c.req.raw.signal, what: 'the grid' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/stack',
      operationId: 'portfolioStack',
      tag: 'portfolios',
      summary: "The payback stack of a portfolio: every vintage's (and the market's) cash prices scaled to npv = 0",
      body: portfolioStackSchema,
      responses: { 200: { description: 'the stack', schema: stackResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const b = body as PortfolioRef & { by?: 'kind' | 'payer' };
      const l = await load(b);
      const input = { scenario: l.portfolio, ...(b.by !== undefined && { by: b.by }) };
      return c.json(await ctx.jobs.compute('stack', input, costOf(l.portfolio, EVALUATIONS.stack), { signal: c.req.raw.signal, what: 'the payback stack' }));
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/mc',
      operationId: 'portfolioMonteCarlo',
      tag: 'portfolios',
      summary: 'Monte Carlo of a portfolio: each uncertain input drawn once per sample and applied to every vintage as a common shock (perVintage: true draws each on its own)',
      body: portfolioMcSchema,
      responses: { 200: { description: 'the summary of the run', schema: mcResponseSchema } },
      errors: [404, 413, 422, 429, 503],
    },
    async (c, { body }) => {
      const b = body as PortfolioRef & { n?: number; seed?: number; lhs?: boolean; dist?: Parameters<typeof distributionsOf>[0]; correlation?: MonteCarloOptions['correlation']; bins?: number };
      const max = ctx.deps.limits.mcSamples;
      const n = b.n ?? Math.min(DEFAULT_MC_SAMPLES, max);
      if (n > max) throw new HttpError(413, `Monte Carlo is limited to ${max} samples per request on this server`, [{ path: 'n', message: `${n} samples asked, the limit is ${max} (limits.mcSamples)`, code: 'too_big' }]);
      const l = await load(b);
      const portfolio = withEffectiveUncertainty(l.portfolio);
      const distributions = b.dist === undefined ? undefined : distributionsOf(b.dist);
      const options: MonteCarloOptions = {
        n,
        ...(b.seed !== undefined && { seed: b.seed }),
        ...(b.lhs !== undefined && { lhs: b.lhs }),
        ...(distributions !== undefined && { distributions }),
        ...(b.correlation !== undefined && { correlation: b.correlation }),
        ...(b.bins !== undefined && { bins: b.bins }),
      };
      const inputs = new Set([...Object.keys(portfolio.uncertainty ?? {}), ...Object.keys(distributions ?? {})]).size;
      // MODEL.md §8: a sample runs every vintage, so the estimate counts them
      const estimate = monteCarloCost(portfolio, workloadOf(portfolio), n, inputs);
      checkEstimate(estimate, limits, 'Monte Carlo', 'n', `ask for fewer samples (n = ${n}) or a portfolio of fewer vintages (${portfolio.vintages.length})`);
      const result = await ctx.jobs.run('mc', { scenario: portfolio, options }, {
        signal: c.req.raw.signal,
        what: 'Monte Carlo',
        bytes: estimate.bytes,
        budgetHint: { path: 'n', message: `${n} samples did not finish within ${ctx.deps.limits.mcMillis} ms (limits.mcMillis); ask for fewer` },
      });
      return c.json(result);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/portfolio/xlsx',
      operationId: 'portfolioXlsx',
      tag: 'downloads',
      summary: "The spreadsheet of a portfolio: its consolidation, revenue gap and depreciation wall as live formulas, with four charts",
      body: portfolioRefSchema,
      responses: { 200: { description: 'an XLSX workbook', mediaType: XLSX_TYPE, headers: { 'Content-Disposition': 'attachment; filename="<id>.xlsx"' } } },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const l = await load(body);
      costOf(l.portfolio, EVALUATIONS.run);
      const bytes = await ctx.jobs.run('portfolioXlsx', { portfolio: l.portfolio }, { signal: c.req.raw.signal, what: 'the workbook' });
      return c.body(new Uint8Array(bytes), 200, { 'Content-Type': XLSX_TYPE, 'Content-Disposition': `attachment; filename="${l.portfolio.id}.xlsx"` });
    },
  );
}
