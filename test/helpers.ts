/**
 * Shared test helpers: the built-in catalog, resolving a raw scenario (or
 * failing with its issues), the built-in scenarios as raw objects, and a
 * deep-clone-and-patch helper for building variations.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { formatIssues } from '../src/model/issues.ts';
import { parseCatalogText, resolveScenario, type ResolvedScenario } from '../src/model/load.ts';
import type { Catalog } from '../src/model/schema.ts';

/** The repository root, whatever the working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The ids of the built-in scenarios under `data/scenarios/`. */
export const BUILT_INS = ['hyperscaler-base', 'frontier-lab-base', 'neocloud-base', 'private-ai-factory-base'] as const;
export type BuiltIn = (typeof BUILT_INS)[number];

let cachedCatalog: Catalog | undefined;

/** The built-in accelerator catalog (`data/catalog/accelerators.yaml`), parsed once. */
export function catalog(): Catalog {
  if (cachedCatalog === undefined) {
    const file = 'data/catalog/accelerators.yaml';
    const r = parseCatalogText(readFileSync(`${ROOT}${file}`, 'utf8'), { file });
    if (!r.ok) throw new Error(`the built-in catalog does not parse:\n${formatIssues(r.issues)}`);
    cachedCatalog = r.catalog;
  }
  return cachedCatalog;
}

/** Resolve a raw scenario against the built-in catalog; throws with the formatted issues. */
export function scenario(raw: unknown): ResolvedScenario {
  const r = resolveScenario(raw, catalog());
  if (!r.ok) throw new Error(`scenario does not resolve:\n${formatIssues(r.issues)}`);
  return r.scenario;
}

/** A YAML file of the repository as a plain value. */
export function readYaml(relativePath: string): unknown {
  return parse(readFileSync(`${ROOT}${relativePath}`, 'utf8'));
}

/** A built-in scenario (`data/scenarios/<id>.yaml`) as the raw parsed YAML, a fresh copy each call. */
export function base(id: string): Record<string, unknown> {
  return readYaml(`data/scenarios/${id}.yaml`) as Record<string, unknown>;
}

/** A deep clone of `raw` with `mutate` applied to the clone; `raw` is left untouched. */
export function withPatch<T>(raw: T, mutate: (draft: T) => void): T {
  const draft = structuredClone(raw);
  mutate(draft);
  return draft;
}

/** Every path in a JSON-like value whose number is NaN or ±Infinity (empty when clean). */
export function nonFinitePaths(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`));
  }
  return [];
}

/** |a − b| ≤ rel · max(|a|, |b|) (or ≤ abs near zero). */
export function closeRel(actual: number, expected: number, rel = 1e-9, abs = 1e-9): boolean {
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.max(Math.abs(actual), Math.abs(expected)));
}

/**
 * Expect `actual` to be a number within `rel` (relative to |expected|, with an
 * absolute floor `abs`) of `expected`; the label names the cell in the failure.
 */
export function near(actual: unknown, expected: number, label: string, rel = 1e-9, abs = 1e-9): void {
  if (typeof actual !== 'number' || !Number.isFinite(actual)) {
    throw new Error(`${label}: expected ${expected}, got ${String(actual)}`);
  }
  const tol = Math.max(abs, rel * Math.abs(expected));
  if (Math.abs(actual - expected) > tol) {
    throw new Error(`${label}: expected ${expected}, got ${actual} (off by ${actual - expected}, tolerance ${tol})`);
  }
}

/** Expect `actual` to print as `printed` when rounded to `decimals` decimals (half a unit in the last place). */
export function printedAs(actual: unknown, printed: number, decimals: number, label: string): void {
  if (typeof actual !== 'number' || !Number.isFinite(actual)) {
    throw new Error(`${label}: expected ${printed} (to ${decimals} decimals), got ${String(actual)}`);
  }
  const half = 0.5 * 10 ** -decimals;
  if (Math.abs(actual - printed) > half * (1 + 1e-9)) {
    throw new Error(`${label}: expected ${printed} to ${decimals} decimals, got ${actual}`);
  }
}

/** A hand-written reference: Σ flows_t / (1 + r)^t. */
export function npvRef(rate: number, flows: readonly number[]): number {
  return flows.reduce((acc, f, t) => acc + f / (1 + rate) ** t, 0);
}

/** A hand-written reference IRR by bisection on [lo, hi] (the root must be bracketed there). */
export function irrRef(flows: readonly number[], lo = -0.5, hi = 5): number {
  let a = lo;
  let b = hi;
  let fa = npvRef(a, flows);
  if (fa * npvRef(b, flows) > 0) throw new Error('irrRef: the root is not bracketed');
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    const fm = npvRef(m, flows);
    if (fm === 0) return m;
    if (fa * fm < 0) b = m;
    else {
      a = m;
      fa = fm;
    }
  }
  return (a + b) / 2;
}
