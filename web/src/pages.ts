/**
 * The pages, each its own chunk, loaded when first shown: the page shell
 * (`app.tsx`) paints at once, and a page brings only what it draws (echarts,
 * the model, the analyses) — loaded at most once, then shown at once.
 */
import type { ComponentType } from 'preact';
import type { Page } from './route.ts';

export type PageComponent = ComponentType<{ params: Record<string, string> }>;

const LOADERS: Record<Page, () => Promise<PageComponent>> = {
  compare: () => import('./pages/Compare.tsx').then((m) => m.Compare),
  explore: () => import('./pages/Explore.tsx').then((m) => m.Explore),
  truth: () => import('./pages/Truth.tsx').then((m) => m.Truth),
  uncertainty: () => import('./pages/Uncertainty.tsx').then((m) => m.Uncertainty),
  stack: () => import('./pages/Stack.tsx').then((m) => m.Stack),
  portfolio: () => import('./pages/Portfolio.tsx').then((m) => m.Portfolio),
  signals: () => import('./pages/Signals.tsx').then((m) => m.Signals),
};

const loaded = new Map<Page, PageComponent>();
const loading = new Map<Page, Promise<PageComponent>>();

/** A page's component once loaded (undefined before). */
export function pageComponent(page: Page): PageComponent | undefined {
  return loaded.get(page);
}

/** Load a page's chunk (once; a failed load is tried again next time). */
export function loadPage(page: Page): Promise<PageComponent> {
  let p = loading.get(page);
  if (p === undefined) {
    p = LOADERS[page]().then(
      (c) => {
        loaded.set(page, c);
        return c;
      },
      (e: unknown) => {
        loading.delete(page);
        throw e;
      },
    );
    loading.set(page, p);
  }
  return p;
}
