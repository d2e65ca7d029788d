/** Health, the accelerator catalog, the scenario JSON Schema and the OpenAPI document. */
import { z } from 'zod';
import { scenarioJsonSchema } from '../model/load.ts';
import { VERSION } from '../version.ts';
import type { ServerContext } from './app.ts';
import { catalogResponseSchema, healthSchema } from './schemas.ts';

const jsonDocument = z.looseObject({}).describe('a JSON document');

export function metaRoutes({ deps, routes, writesNeedToken, monitor }: ServerContext, openapi: () => Record<string, unknown>): void {
  routes.add(
    {
      method: 'get',
      path: '/api/health',
      operationId: 'health',
      tag: 'meta',
      summary: 'Is the server up: version, clock, the state of the store, limits',
      responses: { 200: { description: 'up', schema: healthSchema } },
    },
    async (c) => {
      // never waits on the store: a slow or stopped one is reported, not waited for
      const store = monitor === undefined ? null : await monitor.check();
      const { bodyBytes, mcSamples, mcMillis } = deps.limits;
      return c.json({
        ok: true,
        version: VERSION,
        time: deps.clock().toISOString(),
        store,
        limits: { bodyBytes, mcSamples, mcMillis },
        auth: { writesNeedToken },
      } satisfies z.input<typeof healthSchema>);
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/catalog',
      operationId: 'catalog',
      tag: 'meta',
      summary: 'The accelerator catalog, each row with its source',
      responses: { 200: { description: 'the catalog', schema: catalogResponseSchema } },
    },
    (c) => c.json(deps.catalog),
  );

  routes.add(
    {
      method: 'get',
      path: '/api/schema',
      operationId: 'scenarioSchema',
      tag: 'meta',
      summary: 'The JSON Schema of scenario files (what `payback schema` prints)',
      responses: { 200: { description: 'JSON Schema 2020-12', schema: jsonDocument } },
    },
    (c) => c.json(scenarioJsonSchema()),
  );

  let doc: Record<string, unknown> | undefined;
  routes.add(
    {
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'openapi',
      tag: 'meta',
      summary: 'This document: OpenAPI 3.1, generated from the zod schemas of the routes',
      responses: { 200: { description: 'OpenAPI 3.1', schema: jsonDocument } },
    },
    (c) => {
      doc ??= openapi();
      return c.json(doc);
    },
  );
}
