/**
 * The HTTP API and the dashboard, as a Hono app: `createApp(deps)` takes
 * everything that varies (store, catalog, clock, token, limits) so tests drive
 * it with `app.request()` and no socket. `payback serve` gives it a socket.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { environmentFailure } from '../io/environment.ts';
import type { Catalog } from '../model/schema.ts';
import type { ObservationStore } from '../store/types.ts';
import { limitBody } from './body.ts';
import { budgetOf, checkScenario, DEFAULT_JOB_BYTES, DEFAULT_SCENARIO_CELLS, refuseScenario } from './budget.ts';
import { HttpError } from './http.ts';
import { JobRunner } from './job-runner.ts';
import { WorkerPool } from './pool.ts';
import { openApiDocument } from './openapi.ts';
import { metaRoutes } from './routes-meta.ts';
import { analysisRoutes } from './routes-analysis.ts';
import { portfolioRoutes } from './routes-portfolio.ts';
import { reportRoutes } from './routes-reports.ts';
import { scenarioRoutes } from './routes-scenarios.ts';
import { signalRoutes } from './routes-signals.ts';
import { Routes } from './routes.ts';
import { ScenarioLibrary } from './scenarios.ts';
import { checkToken, hostAllowed, hostName, securityHeaders } from './security.ts';
import { StoreMonitor } from './store-health.ts';
import { dashboard, defaultWebDir } from './static.ts';

/** Bounds on what one request may ask of the server. */
export interface ServerLimits {
  /** largest request body, bytes */
  bodyBytes: number;
  /** most Monte Carlo samples in one request */
  mcSamples: number;
  /** time budget of one Monte Carlo request, ms */
  mcMillis: number;
  /** worker threads for heavy jobs (Monte Carlo, grid, breakeven, reports; default 2); `mcMillis` is the budget of each */
  mcConcurrent?: number;
  /** segment-years (× vintages) of the largest scenario the server evaluates (default 5,050: 100 segments over 50 years, MODEL.md §2) */
  scenarioCells?: number;
  /** memory one job may be estimated to hold, bytes (default 1 GiB): a request past it is refused before anything is allocated */
  jobBytes?: number;
  /** the JS heap of each worker, MB (default 1,536): a job past it ends its worker, not the server */
  workerHeapMb?: number;
  /** the process's resident memory past which the largest running job is stopped, bytes (default: no watch) */
  rssBytes?: number;
  /** a computation estimated under this many ms runs on the main thread, a larger one in a worker (default 20) */
  inlineMillis?: number;
  /** a job estimated to take longer than this is refused before it starts, ms (default `mcMillis`; Infinity leaves it to the time budget) */
  refuseMillis?: number;
}

/** Sensible limits for a shared server. */
export const DEFAULT_LIMITS: ServerLimits = {
  bodyBytes: 2_000_000,
  mcSamples: 100_000,
  mcMillis: 30_000,
  mcConcurrent: 2,
  scenarioCells: DEFAULT_SCENARIO_CELLS,
  jobBytes: DEFAULT_JOB_BYTES,
  workerHeapMb: 1_536,
  inlineMillis: 20,
};



export interface AppDeps {
  /** where observations and saved scenarios live; without one those routes answer 503 */
  store?: ObservationStore | undefined;
  catalog: Catalog;
  clock: () => Date;
  /** the bearer token that writes must carry; when given, it is always checked */
  token?: string | undefined;
  /** writes need the token (the server listens beyond loopback); then `token` is required */
  requireToken: boolean;
  limits: ServerLimits;
  /** the built dashboard (default `web/dist`) */
  webDir?: string | undefined;
  /** where unexpected errors are logged, with their stack (default: nowhere) */
  log?: ((line: string) => void) | undefined;
  /** the worker pool of heavy jobs; default a new one of `limits.mcConcurrent` workers (idle workers never keep the process alive) */
  pool?: WorkerPool | undefined;
  /** host names (besides loopback and IP addresses) the server answers to: the names it is reached by (`payback.example.com`) */
  allowedHosts?: readonly string[] | undefined;
}

/** A worker pool as the limits say: its size, each worker's heap, the watch on the process's memory. */
export function poolFor(limits: ServerLimits): WorkerPool {
  return new WorkerPool({
    size: limits.mcConcurrent ?? 2,
    heapMb: limits.workerHeapMb ?? DEFAULT_LIMITS.workerHeapMb,
    ...(limits.rssBytes !== undefined && { rssBytes: limits.rssBytes }),
  });
}

/** What the route groups share. */
export interface ServerContext {
  deps: AppDeps;
  writesNeedToken: boolean;
  routes: Routes;
  library: ScenarioLibrary;
  jobs: JobRunner;
  /** the store's state for /api/health (undefined without a store) */
  monitor: StoreMonitor | undefined;
}

/**
 * The app: the JSON API under `/api`, the dashboard everywhere else.
 *
 * @example
 * const app = createApp({ catalog: loadCatalog(), clock: () => new Date(), requireToken: false, limits: DEFAULT_LIMITS });
 * const res = await app.request('/api/health');
 * await res.json(); // { ok: true, version: '0.1.0', … }
 */
export function createApp(deps: AppDeps): Hono {
  if (deps.requireToken && (deps.token === undefined || deps.token === '')) {
    throw new Error('requireToken needs a token: writes could never be authorized');
  }
  const writesNeedToken = deps.requireToken || (deps.token !== undefined && deps.token !== '');
  const app = new Hono();
  const monitor = deps.store === undefined ? undefined : new StoreMonitor(deps.store, deps.clock);

  app.onError((err, c) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(err.body(), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      return c.json({ error: status === 413 ? `the body is over the limit of ${deps.limits.bodyBytes} bytes` : err.message || 'request failed' }, status);
    }
    // the machine's failures (a store that is down, a full disk): their own status and words, no stack
    const env = environmentFailure(err, { store: deps.store?.location });
    if (env !== undefined) {
      if (env.status >= 500) monitor?.failed(env.message, env.kind === 'corrupt' || env.kind === 'not-a-database');
      if (env.retryable) c.header('Retry-After', '5');
      deps.log?.(`payback serve: ${c.req.method} ${new URL(c.req.url).pathname}: ${env.message}`);
      return c.json({ error: env.message }, env.status as ContentfulStatusCode);
    }
    const e = err instanceof Error ? err : new Error(String(err));
    deps.log?.(`payback serve: internal error on ${c.req.method} ${new URL(c.req.url).pathname}: ${e.stack ?? e.message}`);
    return c.json({ error: `internal error: ${e.message}` }, 500);
  });

  app.use('*', securityHeaders());

  // A page on another site can reach the server through DNS rebinding (its
  // name pointed at this server's address) and then read what it answers and
  // run its computations, which need no token; the Host header gives it away.
  // So in every mode the Host must be loopback, an IP address (rebinding needs
  // a name) or a name the server was told to answer to.
  const allowed = new Set((deps.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''));
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!hostAllowed(hostName(host), allowed)) {
      throw new HttpError(
        403,
        `this server does not answer to the host "${host}" (a guard against DNS rebinding): use its address or http://localhost, ` +
          'or start it with --allowed-host NAME (PAYBACK_ALLOWED_HOSTS) for a name it is reached by',
      );
    }
    await next();
  });

  app.use(
    '/api/*',
    limitBody(deps.limits.bodyBytes, () => {
      throw new HttpError(413, `the body is over the limit of ${deps.limits.bodyBytes} bytes`);
    }),
  );
  app.use('/api/*', async (c, next) => {
    // set before the answer is made, so it goes out with it (a header set after would copy the answer); a route may set its own
    c.header('Cache-Control', 'no-store');
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  const routes = new Routes(app, (c) => {
    if (writesNeedToken) checkToken(c.req.header('authorization'), deps.token as string);
  });
  const jobs = new JobRunner(deps.pool ?? poolFor(deps.limits), deps.limits);
  const budget = budgetOf(deps.limits);
  const ctx: ServerContext = {
    deps,
    writesNeedToken,
    routes,
    library: new ScenarioLibrary(deps.catalog, deps.store, {
      // a large text parses in a worker: YAML is slow, and the main thread must keep answering
      offload: async (job) => {
        const { at, check, ...rest } = job;
        const r = await jobs.run('load', { ...rest, catalog: deps.catalog, ...(check && { maxCells: budget.scenarioCells }) }, { what: 'reading the scenario' });
        if ('tooLarge' in r) refuseScenario(r.tooLarge, at);
        return r;
      },
      check: (scenario, at) => checkScenario(scenario, budget, at),
    }),
    jobs,
    monitor,
  };

  metaRoutes(ctx, () => openApiDocument(routes.specs, { writesNeedToken }));
  scenarioRoutes(ctx);
  analysisRoutes(ctx);
  portfolioRoutes(ctx);
  reportRoutes(ctx);
  signalRoutes(ctx);

  app.all('/api/*', (c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = routes.methodsOf(path);
    if (allowed.length > 0) {
      const allow = allowed.map((m) => m.toUpperCase()).join(', ');
      throw new HttpError(405, `${c.req.method} is not allowed on ${path}; use ${allow}`, undefined, { Allow: allow });
    }
    throw new HttpError(404, `no route ${c.req.method} ${path} (the routes are listed at /api/openapi.json)`);
  });

  const serveDashboard = dashboard(deps.webDir ?? defaultWebDir());
  app.get('*', serveDashboard);
  return app;
}
