/**
 * The dashboard shell: the page links, the current page, the server's status.
 * It loads none of the model or the charts: it paints at once, and each page
 * comes in its own chunk (`pages.ts`).
 */
import { useEffect, useState } from 'preact/hooks';
import { loadPage, pageComponent, type PageComponent } from './pages.ts';
import { PAGE_TITLES, PAGES, pageHref, useRoute, type Page } from './route.ts';
import { useServerOnline } from './server-status.ts';
import { isSliderKey } from './slider-keys.ts';

/** Which parameters a link to another page keeps: the scenario and the slider values. */
function carried(params: Record<string, string>, to: Page): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k === 's' || isSliderKey(k)) out[k] = v;
  if (to === 'compare') delete out['s'];
  return out;
}

/** The page's component: at once when its chunk is loaded, else once it is (undefined meanwhile), or the error of loading it. */
function usePage(page: Page): { Component: PageComponent | undefined; error: string | undefined } {
  const [, setTick] = useState(0);
  const [error, setError] = useState<{ page: Page; message: string } | undefined>(undefined);
  const Component = pageComponent(page);
  useEffect(() => {
    if (Component !== undefined) return;
    let live = true;
    loadPage(page).then(
      () => live && setTick((t) => t + 1),
      (e: unknown) => live && setError({ page, message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [page, Component === undefined]);
  return { Component, error: error?.page === page && Component === undefined ? error.message : undefined };
}

export function App() {
  const route = useRoute();
  const online = useServerOnline();
  useEffect(() => {
    // the scenario library asks the server what it holds (and whether it answers)
    void import('./data.ts').then((m) => m.library.refresh());
  }, []);
  useEffect(() => {
    document.title = `${PAGE_TITLES[route.page]} — Inference payback`;
  }, [route.page]);
  const p = route.params;
  const { Component, error } = usePage(route.page);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={pageHref('compare', {})}>
          Inference payback
        </a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((page) => (
              <li key={page}>
                <a
                  href={pageHref(page, page === route.page ? p : carried(p, page))}
                  aria-current={page === route.page ? 'page' : undefined}
                  data-testid={`nav-${page}`}
                >
                  {PAGE_TITLES[page]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} data-testid={`page-${route.page}`}>
        {Component !== undefined ? (
          <Component params={p} />
        ) : error !== undefined ? (
          <p class="status error" role="alert">
            The {PAGE_TITLES[route.page]} page did not load ({error}). Reload to try again.
          </p>
        ) : (
          <p class="status info" role="status" data-testid="page-loading">
            Loading {PAGE_TITLES[route.page]}…
          </p>
        )}
      </main>
      <footer class="foot">
        <span data-testid="api-status">
          {online === null ? 'Connecting to the server…' : online ? 'Server connected: saved scenarios, downloads and signals available.' : 'No server: the built-in scenarios run in this browser; saving, downloads and signals need `payback serve`.'}
        </span>
      </footer>
    </>
  );
}
