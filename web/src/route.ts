/**
 * The view lives in the URL hash: `#/explore?s=neocloud-base&utilization=0.8`.
 * A link reproduces the view: page, scenario, slider values and each page's
 * own choices. Brackets, dots, commas and colons stay readable in the hash.
 */
import { useEffect, useState } from 'preact/hooks';

export const PAGES = ['compare', 'explore', 'truth', 'uncertainty', 'stack', 'portfolio', 'signals'] as const;
export type Page = (typeof PAGES)[number];

export const PAGE_TITLES: Record<Page, string> = {
  compare: 'Compare',
  explore: 'Explore',
  truth: 'What has to be true',
  uncertainty: 'Uncertainty',
  stack: 'Payback stack',
  portfolio: 'Portfolio',
  signals: 'Signals',
};

export interface Route {
  page: Page;
  /** Every parameter of the hash's query, in order. */
  params: Record<string, string>;
}

const isPage = (s: string): s is Page => (PAGES as readonly string[]).includes(s);

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const name = q < 0 ? h : h.slice(0, q);
  const params: Record<string, string> = {};
  if (q >= 0) {
    for (const part of h.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
      params[k] = eq < 0 ? '' : safeDecode(part.slice(eq + 1));
    }
  }
  return { page: isPage(name) ? name : 'compare', params };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

const enc = (s: string): string =>
  encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%2C/g, ',').replace(/%3A/g, ':');

export function formatHash(r: Route): string {
  const q = Object.entries(r.params)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
  return `#/${r.page}${q === '' ? '' : `?${q}`}`;
}

let urlTimer: ReturnType<typeof setTimeout> | undefined;
let pendingHash: string | undefined;
let lastUrlWrite = 0;
const URL_THROTTLE_MS = 150;
const listeners = new Set<(r: Route) => void>();
let current: Route = parseHash(typeof location === 'undefined' ? '' : location.hash);

function flushUrl(): void {
  clearTimeout(urlTimer);
  urlTimer = undefined;
  if (pendingHash !== undefined && pendingHash !== location.hash) history.replaceState(null, '', pendingHash);
  pendingHash = undefined;
  lastUrlWrite = performance.now();
}

// a reload or a tab closed within the throttle window must not lose the last change
if (typeof window !== 'undefined') window.addEventListener('pagehide', flushUrl);

/**
 * Go to a route. `push` makes a history entry (page changes); otherwise the
 * URL is replaced: in a task of its own right after a single change (not in
 * the frame that paints it), and at most every 150 ms (the last value always
 * written) while a slider moves.
 */
export function navigate(next: Route, opts: { push?: boolean } = {}): void {
  current = next;
  const hash = formatHash(next);
  if (opts.push === true) {
    clearTimeout(urlTimer);
    urlTimer = undefined;
    pendingHash = undefined;
    if (hash !== location.hash) history.pushState(null, '', hash);
  } else {
    pendingHash = hash;
    const since = performance.now() - lastUrlWrite;
    if (urlTimer === undefined) urlTimer = setTimeout(flushUrl, Math.max(0, URL_THROTTLE_MS - since));
  }
  for (const l of listeners) l(next);
}

/** Change some parameters of the current route ('' or undefined removes one). */
export function setParams(patch: Record<string, string | undefined>, opts: { push?: boolean } = {}): void {
  const params = { ...current.params };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '') delete params[k];
    else params[k] = v;
  }
  navigate({ page: current.page, params }, opts);
}

export function currentRoute(): Route {
  return current;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onHash = (): void => {
      current = parseHash(location.hash);
      for (const l of listeners) l(current);
    };
    listeners.add(setRoute);
    window.addEventListener('hashchange', onHash);
    window.addEventListener('popstate', onHash);
    return () => {
      listeners.delete(setRoute);
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('popstate', onHash);
    };
  }, []);
  return route;
}

/** A link's href to a page, keeping the scenario and the slider values. */
export function pageHref(page: Page, params: Record<string, string>): string {
  return formatHash({ page, params });
}
