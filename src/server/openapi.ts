/**
 * The OpenAPI 3.1 document of the API, generated from the route declarations
 * and their zod schemas: request bodies, queries and responses become
 * component schemas through `z.toJSONSchema`, the scenario schema is the same
 * JSON Schema `payback schema` prints.
 */
import { z } from 'zod';
import { scenarioJsonSchema } from '../model/load.ts';
import { VERSION } from '../version.ts';
import type { RouteSpec } from './routes.ts';
import { errorSchema, issueSchema, SCENARIO_VALUES } from './schemas.ts';

const REF = '#/components/schemas/';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad input: every problem at once, each with its path (and line and column for text), as the CLI prints them.',
  401: 'A write without the bearer token (Authorization: Bearer <PAYBACK_TOKEN>), or with a wrong one.',
  403: 'The Host header is not loopback while the server trusts loopback (no token): a DNS-rebinding guard.',
  404: 'No such scenario (or version, or observation).',
  413: 'The body (or the Monte Carlo sample count) is over the server limit.',
  415: 'The body is not JSON (or CSV where accepted).',
  422: 'The computation ran past its time budget.',
  429: 'Too many heavy jobs at once; retry shortly.',
  500: 'An unexpected failure; the message says what, no stack.',
  503: 'The server has no store (start it with --db) or the module is not available.',
};

/** `/api/scenarios/:id` → `/api/scenarios/{id}`. */
const openApiPath = (p: string): string => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The JSON Schema of a scenario file without its own `$schema`/`$id` (they do not belong inside a component). */
function scenarioComponent(): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = scenarioJsonSchema();
  return rest;
}

/**
 * The OpenAPI document of the given routes.
 *
 * @example
 * const doc = openApiDocument(routes.specs);
 * doc.paths['/api/run'].post.requestBody.content['application/json'].schema // { $ref: '#/components/schemas/RunRequest' }
 */
export function openApiDocument(specs: readonly RouteSpec[], opts: { writesNeedToken: boolean }): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named = new Map<z.ZodType, string>();
  const name = (schema: z.ZodType, id: string): string => {
    const known = named.get(schema);
    if (known !== undefined) return known;
    registry.add(schema, { id });
    named.set(schema, id);
    return id;
  };
  name(issueSchema, 'Issue');
  name(errorSchema, 'Error');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const op: Record<string, unknown> = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
    };
    if (spec.description !== undefined) op['description'] = spec.description;
    const parameters: Record<string, unknown>[] = [];
    for (const [p, description] of Object.entries(spec.params ?? {})) {
      parameters.push({ name: p, in: 'path', required: true, description, schema: { type: 'string' } });
    }
    if (spec.query !== undefined) {
      const js = z.toJSONSchema(spec.query, { io: 'input', unrepresentable: 'any' }) as {
        properties?: Record<string, Record<string, unknown>>;
        required?: string[];
      };
      for (const [p, schema] of Object.entries(js.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name: p,
          in: 'query',
          required: js.required?.includes(p) ?? false,
          ...(typeof description === 'string' && { description }),
          schema: rest,
        });
      }
    }
    if (parameters.length > 0) op['parameters'] = parameters;
    if (spec.body !== undefined) {
      const id = name(spec.body, `${pascal(spec.operationId)}Request`);
      const content: Record<string, unknown> = { 'application/json': { schema: { $ref: REF + id } } };
      if (spec.csv === true) {
        content['text/csv'] = {
          schema: { type: 'string', description: 'CSV with a header row: signal,scope,date,value,unit,source[,url,note]' },
        };
      }
      op['requestBody'] = { required: true, content };
    }
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      const headers =
        r.headers === undefined
          ? undefined
          : Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]));
      const content =
        r.schema !== undefined
          ? { 'application/json': { schema: { $ref: REF + name(r.schema, `${pascal(spec.operationId)}Response${status === '200' ? '' : status}`) } } }
          : r.mediaType !== undefined
            ? { [r.mediaType]: { schema: { type: 'string', format: 'binary' } } }
            : undefined;
      responses[status] = { description: r.description, ...(headers !== undefined && { headers }), ...(content !== undefined && { content }) };
    }
    const errors = new Set<number>([...(spec.errors ?? []), 500]);
    if (spec.body !== undefined || spec.query !== undefined) errors.add(400);
    if (spec.body !== undefined) {
      errors.add(413);
      errors.add(415);
    }
    if (spec.write === true) errors.add(401);
    for (const s of [...errors].sort((a, b) => a - b)) {
      responses[String(s)] = { description: STATUS_TEXT[s] ?? 'An error.', content: { 'application/json': { schema: { $ref: `${REF}Error` } } } };
    }
    op['responses'] = responses;
    if (spec.write === true) op['security'] = opts.writesNeedToken ? [{ bearer: [] }] : [{ bearer: [] }, {}];
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[spec.method] = op;
  }

  const generated = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => REF + id,
    unrepresentable: 'any',
    override: (ctx) => {
      if (SCENARIO_VALUES.has(ctx.zodSchema as unknown as z.ZodType)) {
        for (const k of Object.keys(ctx.jsonSchema)) if (k !== 'description') delete (ctx.jsonSchema as Record<string, unknown>)[k];
        ctx.jsonSchema.$ref = `${REF}Scenario`;
      }
    },
  }).schemas;
  const schemas: Record<string, unknown> = { Scenario: scenarioComponent() };
  for (const [id, s] of Object.entries(generated)) {
    const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
    schemas[id] = rest;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'inference-payback API',
      version: VERSION,
      description:
        'The model, its analyses, saved scenarios and signals over HTTP (`payback serve`). ' +
        'Bad input answers 400 with `{ error, issues }`: the same issue list the CLI prints. ' +
        'Writes (saving scenarios, adding observations) need `Authorization: Bearer <PAYBACK_TOKEN>` when the server listens beyond loopback, or whenever it was given a token.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags: [...new Set(specs.map((s) => s.tag))].map((t) => ({ name: t })),
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'PAYBACK_TOKEN of the server' } },
    },
  };
}
