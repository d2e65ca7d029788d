/**
 * Request bodies under a size limit, read straight from Node's socket when the
 * app runs under `@hono/node-server` (`payback serve`): no web Request, stream
 * or reader is built for a body of a few hundred bytes. Under `app.request()`
 * (tests, other runtimes) the web Request is read as hono's `bodyLimit` does.
 * Either way a body past the limit is refused as soon as it is known to be:
 * from its Content-Length before a byte is read, or while it streams in.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** The Node request under a context, when there is one (`@hono/node-server` passes it as `env.incoming`). */
function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: unknown } | undefined;
  const inc = env?.incoming as IncomingMessage | undefined;
  return inc !== undefined && typeof inc.on === 'function' && typeof inc.headers === 'object' ? inc : undefined;
}

/** Where `@hono/node-server` looks for a body already read (it then builds the web Request's body from it). */
type WithRawBody = IncomingMessage & { rawBody?: Buffer };

/** Read a Node request's body, refusing it (`tooLarge`) once it passes `maxBytes`. */
function readIncoming(inc: IncomingMessage, maxBytes: number, tooLarge: () => never): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      inc.off('data', onData);
      inc.off('end', onEnd);
      inc.off('error', onError);
      inc.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        done();
        // the rest is drained by @hono/node-server once the answer is sent
        try {
          tooLarge();
        } catch (e) {
          reject(e);
        }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    // closed before its end: the client went away mid-body
    const onClose = (): void => onError(new Error('the client closed the request'));
    inc.on('data', onData);
    inc.on('end', onEnd);
    inc.on('error', onError);
    inc.on('close', onClose);
  });
}

/**
 * The body limit of every request: `onTooLarge` throws (the 413). Under Node
 * it reads the whole body here, so a route gets it from `bodyText` with no
 * stream in between.
 */
export function limitBody(maxBytes: number, onTooLarge: () => never): MiddlewareHandler {
  const web = bodyLimit({ maxSize: maxBytes, onError: onTooLarge });
  return async (c, next) => {
    const inc = incomingOf(c) as WithRawBody | undefined;
    if (inc === undefined) return web(c, next);
    const method = c.req.method;
    // @hono/node-server gives a GET or HEAD no body
    if (method === 'GET' || method === 'HEAD' || inc.rawBody !== undefined) return next();
    const length = inc.headers['content-length'];
    if (length !== undefined && inc.headers['transfer-encoding'] === undefined && Number(length) > maxBytes) onTooLarge();
    inc.rawBody = await readIncoming(inc, maxBytes, onTooLarge);
    return next();
  };
}

const utf8 = new TextDecoder();

/** The body as text, decoded as `Request.text()` decodes it (UTF-8, a leading BOM dropped). */
export async function bodyText(c: Context): Promise<string> {
  const raw = (incomingOf(c) as WithRawBody | undefined)?.rawBody;
  return raw instanceof Buffer ? utf8.decode(raw) : c.req.text();
}
