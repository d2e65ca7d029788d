/** Downloads: the HTML report (one scenario or several) and the XLSX workbook of one; both built in the worker pool. */
import type { z } from 'zod';
import { loadSignalDefinitions } from '../io/signal-files.ts';
import { REPORT_MC_SAMPLES, REPORT_MC_SEED } from '../report/contents.ts';
import type { ServerContext } from './app.ts';
import { budgetOf, checkEstimate, monteCarloCost, workloadOf } from './budget.ts';
import { HttpError } from './http.ts';
import type { JobScenario } from './jobs.ts';
import { DEFAULT_REFERENCE, loadAll } from './requests.ts';
import { archetypeBaseCases, type LoadedScenario } from './scenarios.ts';
import { reportRequestSchema, xlsxRequestSchema } from './schemas.ts';

/** Uncertain inputs of a report's Monte Carlo without an uncertainty block (its default drivers), at most. */
const REPORT_MC_INPUTS = 12;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type ReportRequest = z.output<typeof reportRequestSchema>;

/** The scenarios a report request names: one by reference, several by `ids`, else the four built-ins; and the reference operator. */
async function reportScenarios(ctx: ServerContext, body: ReportRequest): Promise<{ loaded: LoadedScenario[]; reference: LoadedScenario }> {
  const { ids, reference: refId, mc: _mc, seed: _seed, asOf: _asOf, ...ref } = body;
  const single = ref.id !== undefined || ref.yaml !== undefined || ref.scenario !== undefined;
  const list = single
    ? [{ at: '', load: () => ctx.library.load(ref) }]
    : (ids ?? archetypeBaseCases()).map((id, i) => ({ at: `ids[${i}]`, load: () => ctx.library.load({ id }) }));
  const loaded = await loadAll([...list, { at: 'reference', load: () => ctx.library.load({ id: refId ?? DEFAULT_REFERENCE }) }]);
  const reference = loaded.pop() as LoadedScenario;
  return { loaded, reference };
}

/** How the report names where a scenario came from. */
const sourceOf = (l: LoadedScenario): string => (l.id === null ? 'request body' : l.version === 0 ? l.id : `${l.id} v${l.version}`);

const jobScenario = (l: LoadedScenario): JobScenario => ({ scenario: l.scenario, source: sourceOf(l), text: l.text });

/** A file name safe in a header: the scenario id when there is one. */
const fileBase = (loaded: readonly LoadedScenario[]): string => {
  const one = loaded.length === 1 ? loaded[0]?.scenario.id : undefined;
  return one !== undefined && /^[a-z0-9-]+$/.test(one) ? one : 'payback';
};

export function reportRoutes(ctx: ServerContext): void {
  const { routes, deps } = ctx;

  routes.add(
    {
      method: 'post',
      path: '/api/report',
      operationId: 'report',
      tag: 'downloads',
      summary: 'The HTML report (what `payback report` writes): one scenario by reference, several by `ids`, default the four built-ins',
      body: reportRequestSchema,
      responses: {
        200: {
          description: 'a self-contained HTML file (inline SVG and CSS, no script)',
          mediaType: 'text/html',
          headers: { 'Content-Disposition': 'attachment; filename="<id>-report.html"' },
        },
      },
      errors: [404, 413, 422, 429, 503],
    },
    async (c, { body }) => {
      if (body.mc !== undefined && body.mc > deps.limits.mcSamples) {
        throw new HttpError(413, `Monte Carlo is limited to ${deps.limits.mcSamples} samples per request on this server`, [
          { path: 'mc', message: `${body.mc} samples asked, the limit is ${deps.limits.mcSamples} (limits.mcSamples)`, code: 'too_big' },
        ]);
      }
      const { loaded, reference } = await reportScenarios(ctx, body);
      let bytes = 0;
      if (body.mc !== undefined) {
        // one Monte Carlo a scenario, one after the other: the memory of the largest, the time of all
        const costs = loaded.map((l) => monteCarloCost(l.scenario, workloadOf(l.scenario), body.mc as number, Math.max(REPORT_MC_INPUTS, Object.keys(l.scenario.uncertainty ?? {}).length)));
        bytes = Math.max(...costs.map((e) => e.bytes));
        const estimate = { bytes, millis: costs.reduce((a, e) => a + e.millis, 0) };
        checkEstimate(estimate, budgetOf(deps.limits), 'the report', 'mc', `ask for fewer samples (mc = ${body.mc}) or fewer scenarios`);
      }
      const html = await ctx.jobs.run(
        'report',
        {
          scenarios: loaded.map(jobScenario),
          reference: reference.scenario,
          catalog: deps.catalog,
          generatedAt: deps.clock().toISOString(),
          command: 'POST /api/report',
          // a Monte Carlo by default, as `payback report` (within the server's limit); 0 leaves it out
          ...(body.mc !== 0 && { mc: { n: body.mc ?? Math.min(REPORT_MC_SAMPLES, deps.limits.mcSamples), seed: body.seed ?? REPORT_MC_SEED } }),
          watch: { definitions: loadSignalDefinitions(), asOf: body.asOf ?? deps.clock().toISOString().slice(0, 10) },
        },
        { signal: c.req.raw.signal, what: 'the report', bytes },
      );
      return c.body(html, 200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Disposition': `attachment; filename="${fileBase(loaded)}-report.html"`,
      });
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/export/xlsx',
      operationId: 'exportXlsx',
      tag: 'downloads',
      summary: 'The spreadsheet of one scenario: inputs in named cells, the model as live formulas with the engine values cached',
      body: xlsxRequestSchema,
      responses: {
        200: {
          description: 'an XLSX workbook',
          mediaType: XLSX_TYPE,
          headers: { 'Content-Disposition': 'attachment; filename="<id>.xlsx"' },
        },
      },
      errors: [404, 422, 429, 503],
    },
    async (c, { body }) => {
      const l = await ctx.library.load(body);
      const bytes = await ctx.jobs.run('xlsx', { scenario: jobScenario(l), catalog: deps.catalog }, { signal: c.req.raw.signal, what: 'the workbook' });
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': XLSX_TYPE,
        'Content-Disposition': `attachment; filename="${fileBase([l])}.xlsx"`,
      });
    },
  );
}
