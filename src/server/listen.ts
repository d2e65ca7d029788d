/** Giving the app a socket: listen on a host and port, and close it gracefully. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  /** `http://127.0.0.1:8080/` — with the port actually bound (port 0 picks a free one) */
  url: string;
  port: number;
  /** Stop accepting, let requests in flight finish (up to `graceMs`), then drop what is left. */
  close: (graceMs?: number) => Promise<void>;
}

/** A host as it goes in a URL: IPv6 in brackets. */
export const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/**
 * Listen with the app on `host:port`; resolves once the socket is bound,
 * rejects when it cannot be (port in use, address not available).
 *
 * @example
 * const s = await listen(createApp(deps), { host: '127.0.0.1', port: 0 });
 * await fetch(`${s.url}api/health`);
 * await s.close();
 */
export function listen(app: Hono, opts: { host: string; port: number }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: Server;
    const onError = (e: Error): void => reject(e);
    server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, (info: AddressInfo) => {
      server.off('error', onError);
      const close = (graceMs = 5_000): Promise<void> =>
        new Promise((done) => {
          const timer = setTimeout(() => server.closeAllConnections(), graceMs);
          server.close(() => {
            clearTimeout(timer);
            done();
          });
          server.closeIdleConnections();
        });
      resolve({ url: `http://${urlHost(opts.host)}:${info.port}/`, port: info.port, close });
    }) as Server;
    server.once('error', onError);
  });
}
