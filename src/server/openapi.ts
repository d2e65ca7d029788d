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
import { errorSchema, EXACTLY_ONE_SCENARIO, issueSchema, SCENARIO_VALUES, scenarioRefSchema } from './schemas.ts';

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

/** What each tag of operations is about. */
const TAG_TEXT: Record<string, string> = {
  meta: 'The server itself: health, the accelerator catalog, the scenario JSON Schema and this description.',
  scenarios: 'Built-in and saved scenarios: list, read a version, save a new version, validate a text.',
  analyses: 'The model and its analyses on one scenario (or several): run, compare, breakeven, tornado, grid, stack, internal inference, structural advantages, Monte Carlo.',
  portfolios: 'Portfolios of factories built over the years (MODEL.md §8): the built-ins, a run on the calendar with the revenue gap, and the analyses with common shocks across vintages.',
  downloads: 'Files: the self-contained HTML report and the XLSX workbook with live formulas.',
  signals: 'The signal monitor: definitions, observations (add, import), status and calendar of a scenario.',
};

/** "Exactly one of id, yaml, scenario" as JSON Schema: each alone satisfies one branch, two satisfy two (and fail `oneOf`); `version` only with `id`. */
const EXACTLY_ONE = {
  // each branch names its property too, so it reads on its own (the object's `properties` give the types)
  oneOf: [
    { title: 'by id', properties: { id: {} }, required: ['id'] },
    { title: 'as YAML or JSON text', properties: { yaml: {} }, required: ['yaml'] },
    { title: 'as a scenario object', properties: { scenario: {} }, required: ['scenario'] },
  ],
  dependentRequired: { version: ['id'] },
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
  name(scenarioRefSchema, 'ScenarioRef');

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
    // while the server trusts loopback (no token), every request naming another host is refused (DNS rebinding)
    if (!opts.writesNeedToken) errors.add(403);
    for (const s of [...errors].sort((a, b) => a - b)) {
      responses[String(s)] = { description: STATUS_TEXT[s] ?? 'An error.', content: { 'application/json': { schema: { $ref: `${REF}Error` } } } };
    }
    op['responses'] = responses;
    // reads and computations are open (an empty list says so); writes take the bearer token
    op['security'] = spec.write === true ? (opts.writesNeedToken ? [{ bearer: [] }] : [{ bearer: [] }, {}]) : [];
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[spec.method] = op;
  }

  const generated = z.toJSONSchema(registry, {
    io: 'input',
    uri: (id) => REF + id,
    unrepresentable: 'any',
    override: (ctx) => {
      if (EXACTLY_ONE_SCENARIO.has(ctx.zodSchema as unknown as z.ZodType)) Object.assign(ctx.jsonSchema, structuredClone(EXACTLY_ONE));
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
    tags: [...new Set(specs.map((s) => s.tag))].map((t) => ({ name: t, ...(TAG_TEXT[t] !== undefined && { description: TAG_TEXT[t] }) })),
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'PAYBACK_TOKEN of the server' } },
    },
  };
}
