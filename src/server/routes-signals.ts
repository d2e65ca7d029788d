/**
 * Signals (MODEL.md §6): the definitions, the observations (list, add one,
 * import many, all or nothing), and a scenario's status and evidence
 * calendar. Adding and importing store something, so they need the token.
 */
import { loadContext, loadSignalDefinitions } from '../io/signal-files.ts';
import { readObservationFields, readObservationsCsv, readObservationsJson, type ImportResult } from '../signals/import.ts';
import type { Observation } from '../signals/observation.ts';
import { evidencePlan, seriesKey } from '../signals/status.ts';
import { noEvidence } from '../store/evidence.ts';
import type { AddResult, ObservationStore } from '../store/types.ts';
import { StoreInputError } from '../store/types.ts';
import type { ServerContext } from './app.ts';
import { badRequest, HttpError } from './http.ts';
import { loadAt } from './requests.ts';
import {
  addResultSchema,
  calendarQuerySchema,
  calendarResponseSchema,
  importRequestSchema,
  nowcastQuerySchema,
  nowcastResponseSchema,
  observationRequestSchema,
  observationsQuerySchema,
  observationsResponseSchema,
  signalsResponseSchema,
  statusQuerySchema,
  statusResponseSchema,
} from './schemas.ts';

/** Rows a list answers when the query does not say. */
export const DEFAULT_OBSERVATION_LIMIT = 10_000;

/** The day of an instant, UTC, `YYYY-MM-DD`. */
const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

export function signalRoutes(ctx: ServerContext): void {
  const { routes, deps } = ctx;
  const acceleratorIds = (): string[] => deps.catalog.accelerators.map((a) => a.id);
  const needStore = (): ObservationStore => {
    if (deps.store === undefined) throw new HttpError(503, 'this server has no store: observations need one (payback serve --db PATH)');
    return deps.store;
  };

  /** Write rows all or nothing; a store's refusal (a correction of a row that does not exist…) is bad input. */
  const add = async (rows: Parameters<ObservationStore['addObservations']>[0]): Promise<AddResult & { observations: Observation[] }> => {
    const store = needStore();
    let r: AddResult;
    try {
      r = await store.addObservations(rows);
    } catch (e) {
      if (e instanceof StoreInputError) throw badRequest('invalid observations', [{ path: '', message: e.message, code: 'store_input' }]);
      throw e;
    }
    // one query for the rows written (one a row would queue thousands on the store's connections)
    const byId = new Map((r.ids.length === 0 ? [] : await store.listObservations({ ids: r.ids, history: true })).map((o) => [o.id, o]));
    const observations = r.ids.map((id) => byId.get(id)).filter((o): o is Observation => o !== undefined);
    return { ...r, observations };
  };

  routes.add(
    {
      method: 'get',
      path: '/api/signals',
      operationId: 'signals',
      tag: 'signals',
      summary: 'The signal definitions (unit, good direction, link into the model) and the context items',
      responses: { 200: { description: 'the definitions', schema: signalsResponseSchema } },
    },
    (c) => c.json({ signals: loadSignalDefinitions(), context: loadContext() }),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/observations',
      operationId: 'listObservations',
      tag: 'signals',
      summary: 'Observations, ordered by signal, scope, date, id',
      query: observationsQuerySchema,
      responses: { 200: { description: 'the observations', schema: observationsResponseSchema } },
      errors: [503],
    },
    async (c, { query }) => {
      const signals = query.signal?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const observations = await needStore().listObservations({
        ...(signals !== undefined && { signal: signals }),
        ...(query.scope !== undefined && { scope: query.scope }),
        ...(query.from !== undefined && { from: query.from }),
        ...(query.to !== undefined && { to: query.to }),
        ...(query.history !== undefined && { history: query.history }),
        limit: query.limit ?? DEFAULT_OBSERVATION_LIMIT,
      });
      return c.json({ observations });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/observations',
      operationId: 'addObservation',
      tag: 'signals',
      summary: 'Add one observation (never lost once written; the same one twice is stored once)',
      write: true,
      body: observationRequestSchema,
      responses: {
        201: { description: 'stored', schema: addResultSchema },
        200: { description: 'the same observation was stored already: nothing new', schema: addResultSchema },
      },
      errors: [503],
    },
    async (c, { body }) => {
      const str = (v: string | number | null | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v));
      const r = readObservationFields(
        {
          signal: body.signal,
          scope: body.scope,
          date: body.date,
          value: str(body.value),
          unit: body.unit,
          source: body.source,
          url: str(body.url),
          note: str(body.note),
          supersedes: str(body.supersedes),
          operator: str(body.operator),
          accelerator: str(body.accelerator),
          basis: str(body.basis),
          facilityShare: str(body.facilityShare),
        },
        loadSignalDefinitions(),
        { accelerators: acceleratorIds() },
      );
      if (r.issues.length > 0) throw badRequest('invalid observation', r.issues);
      const result = await add(r.rows.map(({ line: _, ...row }) => row));
      return c.json(result, result.added > 0 ? 201 : 200);
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/observations/import',
      operationId: 'importObservations',
      tag: 'signals',
      summary: 'Import observations from CSV (text/csv) or JSON, all or nothing: every bad line reported, nothing written',
      description:
        'CSV: a header row with signal, scope, date, value, unit, source (and optionally url, note, supersedes and the scope: operator, accelerator, basis, facilityShare), then one observation a row. ' +
        'Issues carry the line of the body. Rows stored already are skipped (a re-import adds nothing).',
      write: true,
      body: importRequestSchema,
      csv: true,
      responses: {
        201: { description: 'imported', schema: addResultSchema },
        200: { description: 'every row was stored already: nothing new', schema: addResultSchema },
      },
      errors: [503],
    },
    async (c, { csv, text }) => {
      needStore();
      const defs = loadSignalDefinitions();
      // The text itself is read again so that each issue carries its line.
      const opts = { accelerators: acceleratorIds() };
      const r: ImportResult = csv !== undefined ? readObservationsCsv(csv, defs, opts) : readObservationsJson(text, defs, opts);
      if (r.issues.length > 0) throw badRequest('invalid observations', r.issues);
      const result = await add(r.rows.map(({ line: _, ...row }) => row));
      return c.json(result, result.added > 0 ? 201 : 200);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/signals/status',
      operationId: 'signalStatus',
      tag: 'signals',
      summary: "A scenario's signals: the latest observation of each against what the scenario expected and its tripwire (on track / watch / breach)",
      query: statusQuerySchema,
      responses: { 200: { description: 'the status board', schema: statusResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { query }) => {
      const store = needStore();
      const asOf = query.asOf ?? dayOf(deps.clock());
      const l = await loadAt(ctx, 'scenario', { id: query.scenario, version: query.version });
      const definitions = loadSignalDefinitions();
      // The store is read here; the model work (tripwires are breakevens) runs in a worker.
      const latest = await store.latestBySeries({ asOf, signals: definitions.map((d) => d.id) });
      const plan = evidencePlan(definitions, l.scenario, latest, asOf);
      const windows = await Promise.all(
        plan.map(async (p): Promise<[string, Observation[]]> => [
          seriesKey(p.signal, p.window.scope),
          await store.listObservations({ signal: p.signal, scope: p.window.scope, from: p.window.from, to: p.window.to }),
        ]),
      );
      const report = await ctx.jobs.run('status', { scenario: l.scenario, definitions, asOf, latest, windows }, { signal: c.req.raw.signal, what: 'the status' });
      return c.json(report);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/signals/nowcast',
      operationId: 'nowcast',
      tag: 'signals',
      summary: "A scenario re-run with each signal's latest like-for-like observation in place of its assumption: npv then and now, the change attributed to each signal (Shapley)",
      description:
        'The observations are those the status scores: direct ones, and with `proxies=true` the closest proxies too (labelled). An as-of day before every observation in the store answers 400.',
      query: nowcastQuerySchema,
      responses: { 200: { description: 'the nowcast', schema: nowcastResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { query }) => {
      const store = needStore();
      const asOf = query.asOf ?? dayOf(deps.clock());
      const l = await loadAt(ctx, 'scenario', { id: query.scenario, version: query.version });
      const definitions = loadSignalDefinitions();
      const missing = await noEvidence(store, definitions, asOf);
      if (missing !== null) throw badRequest('no evidence', [{ path: 'asOf', message: missing, code: 'no_evidence' }]);
      const latest = await store.latestBySeries({ asOf, signals: definitions.map((d) => d.id) });
      const plan = evidencePlan(definitions, l.scenario, latest, asOf);
      const windows = await Promise.all(
        plan.map(async (p): Promise<[string, Observation[]]> => [
          seriesKey(p.signal, p.window.scope),
          await store.listObservations({ signal: p.signal, scope: p.window.scope, from: p.window.from, to: p.window.to }),
        ]),
      );
      const input = { scenario: l.scenario, definitions, asOf, latest, windows, includeProxies: query.proxies === true };
      return c.json(await ctx.jobs.run('nowcast', input, { signal: c.req.raw.signal, what: 'the nowcast' }));
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/signals/calendar',
      operationId: 'evidenceCalendar',
      tag: 'signals',
      summary: "A scenario's evidence calendar: quarter by quarter, what each signal should show if the scenario holds, and its tripwire",
      query: calendarQuerySchema,
      responses: { 200: { description: 'the calendar', schema: calendarResponseSchema } },
      errors: [404, 422, 429, 503],
    },
    async (c, { query }) => {
      const asOf = query.asOf ?? dayOf(deps.clock());
      const l = await loadAt(ctx, 'scenario', { id: query.scenario, version: query.version });
      const input = { scenario: l.scenario, definitions: loadSignalDefinitions(), asOf, ...(query.months !== undefined && { months: query.months }) };
      return c.json(await ctx.jobs.run('calendar', input, { signal: c.req.raw.signal, what: 'the calendar' }));
    },
  );
}
