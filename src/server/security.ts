/**
 * What keeps the server safe to run: security headers, the bearer token on
 * writes (compared in constant time), the Host check that stops DNS rebinding
 * (in every mode), and the loopback test `payback serve` uses.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { HttpError } from './http.ts';

/**
 * Headers on every response. The dashboard is a Vite build: module scripts
 * from the same origin, no inline script; ECharts and Preact set inline styles,
 * hence `style-src 'unsafe-inline'` (styles cannot run code).
 */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    xContentTypeOptions: true,
    referrerPolicy: 'no-referrer',
    // Plain HTTP on loopback is the usual setup; HSTS belongs to the TLS proxy in front, if any.
    strictTransportSecurity: false,
  });
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Do two secrets match? Hashing first makes the comparison constant-time whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

/** Throw 401 unless the request carries the expected bearer token. */
export function checkToken(authorization: string | undefined, token: string): void {
  const given = bearerToken(authorization);
  if (given === undefined || !sameSecret(given, token)) {
    throw new HttpError(
      401,
      given === undefined ? 'this write needs Authorization: Bearer <token> (the PAYBACK_TOKEN of the server)' : 'the bearer token does not match',
      undefined,
      { 'WWW-Authenticate': 'Bearer realm="payback"' },
    );
  }
}

/**
 * Is this host name or address loopback? `localhost`, 127.0.0.0/8, ::1 (and
 * ::ffff:127.x.y.z), with or without brackets.
 *
 * @example
 * isLoopbackHost('127.0.0.1') // true
 * isLoopbackHost('0.0.0.0')   // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const kind = isIP(h);
  if (kind === 4) return h.split('.')[0] === '127';
  if (kind === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped?.[1] !== undefined && mapped[1].split('.')[0] === '127';
  }
  return false;
}

/**
 * May a request name this host? Loopback names and addresses, any IP address
 * (DNS rebinding needs a name the attacker controls), and the names given.
 *
 * @example
 * hostAllowed('evil.example', new Set())                  // false
 * hostAllowed('10.0.0.5', new Set())                      // true
 * hostAllowed('payback.corp', new Set(['payback.corp']))  // true
 */
export function hostAllowed(host: string, allowed: ReadonlySet<string>): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return isLoopbackHost(h) || isIP(h) !== 0 || allowed.has(h);
}

/** The host name of a Host header value, without the port. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}
