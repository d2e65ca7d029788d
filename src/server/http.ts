/**
 * How the API fails: an `HttpError` carries a status and the same `Issue` list
 * the CLI prints, and the app's error handler turns it into
 * `{ error, issues }`. Anything else is a 500 with a message and no stack.
 */
import type { z } from 'zod';
import { formatPath, type Issue } from '../model/issues.ts';

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  issues?: Issue[];
}

/** A failure with an HTTP status; `issues` are the input's problems, as the CLI lists them. */
export class HttpError extends Error {
  readonly status: number;
  readonly issues: Issue[] | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, error: string, issues?: Issue[], headers: Record<string, string> = {}) {
    super(error);
    this.name = 'HttpError';
    this.status = status;
    this.issues = issues;
    this.headers = headers;
  }
  body(): ErrorBody {
    return this.issues === undefined ? { error: this.message } : { error: this.message, issues: this.issues };
  }
}

/** 400 with every problem of the input. */
export const badRequest = (error: string, issues: Issue[]): HttpError => new HttpError(400, error, issues);

/** 400 with one problem at `path`. */
export const badInput = (path: string, message: string, code?: string): HttpError =>
  new HttpError(400, 'invalid request', [{ path, message, ...(code !== undefined && { code }) }]);

export const notFound = (what: string, issues?: Issue[]): HttpError => new HttpError(404, what, issues);

/**
 * zod's issues for a request body or query as our issues: the path as people
 * read it (`drivers[2]`, `ranges["site.itMW"]`), zod's message.
 */
export function requestIssues(error: z.ZodError, value: unknown): Issue[] {
  return error.issues.map((i) => {
    // An unknown key is reported by zod at its parent; name the key itself, as scenario issues do.
    const keys = i.code === 'unrecognized_keys' ? i.keys : undefined;
    if (keys !== undefined && keys.length > 0) {
      return keys.map((k) => ({
        path: formatPath([...i.path, k], value),
        message: `unknown key "${k}"`,
        code: 'unknown_key',
      }));
    }
    return [{ path: formatPath(i.path, value), message: i.message, code: i.code }];
  }).flat();
}

/** Parse `value` with `schema` or throw a 400 listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'invalid request'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest(what, requestIssues(r.error, value));
  return r.data;
}
