/**
 * Routes declared once: each carries its method, path, zod schemas and
 * responses, so the handler gets a checked body and query and the OpenAPI
 * document is generated from the same declarations (`openapi.ts`).
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { bodyText } from './body.ts';
import { badInput, HttpError, parseOrThrow } from './http.ts';

/** A response of a route, for the OpenAPI document. */
export interface ResponseSpec {
  description: string;
  /** the JSON body (a zod schema); omitted for a non-JSON body */
  schema?: z.ZodType;
  /** the media type when not JSON (`text/html`, the XLSX type…) */
  mediaType?: string;
  headers?: Record<string, string>;
}

export interface RouteSpec<B extends z.ZodType | undefined = z.ZodType | undefined, Q extends z.ZodType | undefined = z.ZodType | undefined> {
  method: 'get' | 'post';
  /** hono path: `/api/scenarios/:id` */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** stores something: needs the bearer token when the server requires one */
  write?: boolean;
  /** the JSON body */
  body?: B;
  /** also accepts a `text/csv` body (given to the handler as text) */
  csv?: boolean;
  /** the query string, as an object of strings */
  query?: Q;
  /** descriptions of the path parameters */
  params?: Record<string, string>;
  /** the success responses by status */
  responses: Record<number, ResponseSpec>;
  /** the error statuses it can answer besides 400/413/500 (404, 401, 503…) */
  errors?: number[];
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<B, Q> {
  body: Out<B>;
  query: Out<Q>;
  /** the raw body text when it came as `text/csv` */
  csv?: string;
  /** the raw body text, whatever its type ('' without a body) */
  text: string;
}

export type Handler<B, Q> = (c: Context, input: Input<B, Q>) => Response | Promise<Response>;

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;|$)/i;
const CSV_TYPE = /^text\/csv\s*(?:;|$)/i;

/** The body of a request: JSON (a CSRF-safe type only), CSV where allowed, `{}` when empty. */
async function readBody(c: Context, spec: RouteSpec): Promise<{ json: unknown; csv?: string; text: string }> {
  const text = await bodyText(c);
  const type = c.req.header('content-type') ?? '';
  if (text.trim() === '') return { json: {}, text };
  if (spec.csv === true && CSV_TYPE.test(type)) return { json: undefined, csv: text, text };
  // Only JSON (and CSV) are read, never text/plain or a form: a cross-site page
  // cannot send those types without a CORS preflight, which this server never grants.
  if (!JSON_TYPE.test(type)) {
    throw new HttpError(415, `send the body as application/json${spec.csv === true ? ' or text/csv' : ''}, got ${type === '' ? 'no content type' : type}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw badInput('', `the body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 'invalid_json');
  }
  // copying a value (to a worker, or in a validator) recurses once a level: a body nested
  // 100,000 deep would overflow the stack there; no request needs more than a few levels
  if (deeperThan(json, MAX_JSON_DEPTH)) throw badInput('', `the body nests deeper than ${MAX_JSON_DEPTH} levels`, 'too_deep');
  return { json, text };
}

/** How deep a JSON body may nest (a scenario needs about 6 levels). */
export const MAX_JSON_DEPTH = 64;

/** Does a parsed value nest deeper than `limit`? Iterative, so any depth is safe to ask about. */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (typeof v !== 'object' || v === null) continue;
    if (d >= limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (typeof x === 'object' && x !== null) stack.push([x, d + 1]);
  }
  return false;
}

/** The routes of an app, in the order they were declared. */
export class Routes {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly app: Hono,
    /** called before the handler of every write route (the token check) */
    private readonly beforeWrite: (c: Context) => void,
  ) {}

  /** The methods declared for a concrete path (`/api/scenarios/x` matches `/api/scenarios/:id`). */
  methodsOf(path: string): string[] {
    const matches = (pattern: string): boolean =>
      new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`).test(path);
    return [...new Set(this.specs.filter((s) => matches(s.path)).map((s) => s.method))];
  }

  add<B extends z.ZodType | undefined, Q extends z.ZodType | undefined>(spec: RouteSpec<B, Q>, handler: Handler<B, Q>): void {
    this.specs.push(spec as RouteSpec);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      if (spec.write === true) this.beforeWrite(c);
      let body: unknown;
      let csv: string | undefined;
      let text = '';
      if (spec.body !== undefined) {
        const read = await readBody(c, spec as RouteSpec);
        csv = read.csv;
        text = read.text;
        body = csv === undefined ? parseOrThrow(spec.body, read.json) : undefined;
      }
      const query = spec.query === undefined ? undefined : parseOrThrow(spec.query, c.req.query());
      const input = { body, query, text, ...(csv !== undefined && { csv }) } as Input<B, Q>;
      return handler(c, input);
    });
  }
}
