/** The dashboard shell: the page links, the current page, the server's status. */
import { useEffect } from 'preact/hooks';
import { library, useLibrary } from './data.ts';
import { isSliderKey } from './drivers.ts';
import { Compare } from './pages/Compare.tsx';
import { Explore } from './pages/Explore.tsx';
import { Portfolio } from './pages/Portfolio.tsx';
import { Signals } from './pages/Signals.tsx';
import { Stack } from './pages/Stack.tsx';
import { Truth } from './pages/Truth.tsx';
import { Uncertainty } from './pages/Uncertainty.tsx';
import { PAGE_TITLES, PAGES, pageHref, useRoute, type Page } from './route.ts';

/** Which parameters a link to another page keeps: the scenario and the slider values. */
function carried(params: Record<string, string>, to: Page): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k === 's' || isSliderKey(k)) out[k] = v;
  if (to === 'compare') delete out['s'];
  return out;
}

export function App() {
  const route = useRoute();
  const lib = useLibrary();
  useEffect(() => {
    void library.refresh();
  }, []);
  useEffect(() => {
    document.title = `${PAGE_TITLES[route.page]} — Inference payback`;
  }, [route.page]);
  const p = route.params;
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
        {route.page === 'compare' && <Compare params={p} />}
        {route.page === 'explore' && <Explore params={p} />}
        {route.page === 'truth' && <Truth params={p} />}
        {route.page === 'uncertainty' && <Uncertainty params={p} />}
        {route.page === 'stack' && <Stack params={p} />}
        {route.page === 'portfolio' && <Portfolio params={p} />}
        {route.page === 'signals' && <Signals params={p} />}
      </main>
      <footer class="foot">
        <span data-testid="api-status">
          {lib.apiOnline === null ? 'Connecting to the server…' : lib.apiOnline ? 'Server connected: saved scenarios, downloads and signals available.' : 'No server: the built-in scenarios run in this browser; saving, downloads and signals need `payback serve`.'}
        </span>
      </footer>
    </>
  );
}
