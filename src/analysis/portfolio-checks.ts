/**
 * The checks of a portfolio that need the analyses (MODEL.md §8): its
 * effective `uncertainty:` block — its own, else its templates' blocks turned
 * into common shocks — with every path an input of the portfolio and every
 * distribution valid, reported with the rest of the file's problems.
 */
import type { CheckIssue, ParsedText, ResolvedScenario } from '../model/load.ts';
import { loadPortfolioText, type Portfolio, type PortfolioCheck, type PortfolioResolveResult, resolvePortfolio, type TemplateLoader } from '../model/portfolio-load.ts';
import type { PortfolioDistribution } from '../model/portfolio-schema.ts';
import type { Catalog } from '../model/schema.ts';
import type { DistributionSpec } from './distributions.ts';
import { multiplierRange, prepareMonteCarlo } from './monte-carlo.ts';
import { checkInputPath, getInput, inputInfo } from './paths.ts';
import { checkUncertainty, pathSegments } from './scenario-checks.ts';

const tidy = (x: number): number => Number(x.toPrecision(12));

/**
 * A template's distribution of an input whose value in the template is `b`,
 * as a multiplier of each vintage's re-based value (`scale: true`): its
 * parameters divided by b. Undefined when it cannot be (b = 0, or a
 * lognormal or beta with b < 0): the entry then stays as written.
 */
export function asCommonShock(spec: DistributionSpec, b: number): DistributionSpec | undefined {
  if (spec.scale === true) return spec;
  if (b === 0 || !Number.isFinite(b)) return undefined;
  if (b < 0 && (spec.dist === 'lognormal' || spec.dist === 'beta')) return undefined;
  const d = (x: number | undefined): number | undefined => (x === undefined ? undefined : tidy(x / b));
  const lo = b > 0 ? spec.min : spec.max;
  const hi = b > 0 ? spec.max : spec.min;
  const out: Record<string, unknown> = { dist: spec.dist, scale: true };
  const put = (key: string, v: unknown): void => {
    if (v !== undefined) out[key] = v;
  };
  put('value', d(spec.value));
  put('min', d(lo));
  put('max', d(hi));
  put('mode', d(spec.mode));
  put('mean', d(spec.mean));
  put('sd', spec.sd === undefined ? undefined : tidy(spec.sd / Math.abs(b)));
  put('p5', d(spec.p5));
  put('p95', d(spec.p95));
  put('alpha', spec.alpha);
  put('beta', spec.beta);
  put('lambda', spec.lambda);
  put('values', spec.values?.map((v) => tidy(v / b)));
  put('weights', spec.weights);
  return out as DistributionSpec;
}

/**
 * A portfolio's effective uncertainty block (MODEL.md §8): its own when it has
 * one; else its templates' blocks, each entry turned into a common shock on
 * every vintage (`asCommonShock`: the template's distribution over its own
 * value; a whole-number input keeps its values, a common shock rounded), the
 * first template's where two share a path. Entries whose path is
 * no input of the portfolio (a vintage's demand under a shared market) are left
 * out.
 */
export function portfolioUncertainty(p: Portfolio, templates: ReadonlyMap<string, ResolvedScenario>): Record<string, PortfolioDistribution> | undefined {
  if (p.uncertainty !== undefined && Object.keys(p.uncertainty).length > 0) return p.uncertainty;
  const out: Record<string, PortfolioDistribution> = {};
  const seen = new Set<string>();
  for (const v of p.vintages) {
    if (seen.has(v.template)) continue;
    seen.add(v.template);
    const t = templates.get(v.template);
    for (const [path, spec] of Object.entries(t?.uncertainty ?? {})) {
      if (out[path] !== undefined || t === undefined || checkInputPath(p, path) !== null) continue;
      let b: number | number[];
      try {
        b = getInput(t, path);
      } catch {
        continue;
      }
      // a whole number (a useful life) is drawn as a value, each vintage's moved by the same ratio and rounded: a multiplier would leave it between whole years
      const shock = typeof b === 'number' && !inputInfo(p, path).integer ? asCommonShock(spec, b) : undefined;
      const clipped = clipToPortfolio(p, path, shock ?? spec);
      if (clipped !== undefined) out[path] = clipped;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A template's distribution cut to what the portfolio's vintages can take
 * together (a utilization ramp of one template scaled by 1.15 may overflow a
 * vintage of another that peaks at 88 %): its bounds clipped, a discrete one's
 * values outside dropped; undefined when nothing is left.
 */
function clipToPortfolio(p: Portfolio, path: string, spec: DistributionSpec): DistributionSpec | undefined {
  const info = inputInfo(p, path);
  const valueRange = { min: info.min, max: info.max, minExclusive: false, maxExclusive: false, integer: info.integer };
  const r = spec.scale === true ? multiplierRange(info.allValues ?? (typeof info.value === 'number' ? [info.value] : info.value), valueRange) : valueRange;
  const clamp = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.min(r.max, Math.max(r.min, x)));
  if (spec.dist === 'discrete') {
    const keep = (spec.values ?? []).map((v, i) => ({ v, w: spec.weights?.[i] })).filter((x) => x.v >= r.min && x.v <= r.max);
    if (keep.length === 0) return undefined;
    return { ...spec, values: keep.map((x) => x.v), ...(spec.weights !== undefined && { weights: keep.map((x) => x.w ?? 0) }) };
  }
  if (spec.dist === 'fixed') return { ...spec, value: clamp(spec.value) as number };
  if (spec.dist === 'normal' || spec.dist === 'lognormal') {
    const out = { ...spec };
    if (spec.min !== undefined) out.min = clamp(spec.min) as number;
    if (spec.max !== undefined) out.max = clamp(spec.max) as number;
    return out;
  }
  const min = clamp(spec.min);
  const max = clamp(spec.max);
  if (min === undefined || max === undefined || !(min < max)) return undefined;
  return { ...spec, min, max, ...(spec.mode !== undefined && { mode: Math.min(max, Math.max(min, spec.mode)) }) };
}

/**
 * The analyses' check of a resolved portfolio: its effective uncertainty put
 * in place (the vintages' own blocks dropped: a portfolio samples its own), and
 * its problems (paths, distributions, correlation) with their paths as segments.
 */
export const checkPortfolio: PortfolioCheck = (p, templates) => {
  const uncertainty = portfolioUncertainty(p, templates);
  const vintages = p.vintages.map((v) => {
    if (v.scenario.uncertainty === undefined && v.scenario.correlation === undefined) return v;
    const { uncertainty: _u, correlation: _c, ...scenario } = v.scenario;
    return { ...v, scenario: scenario as ResolvedScenario };
  });
  const portfolio: Portfolio = { ...p, vintages, ...(uncertainty !== undefined && { uncertainty }) };
  if (portfolio.uncertainty === undefined && portfolio.correlation === undefined) return { portfolio, issues: [] };
  if (portfolio.uncertainty === undefined) return { portfolio, issues: [{ path: ['correlation'], message: 'a correlation needs an uncertainty: block with the inputs it correlates', code: 'no_uncertainty' }] };
  const r = prepareMonteCarlo(portfolio, { n: 1 });
  const issues: CheckIssue[] = r.ok ? [] : r.issues.map((i) => ({ path: pathSegments(i.path), message: i.message, code: i.code ?? 'invalid_uncertainty' }));
  return { portfolio, issues };
};

/** `loadPortfolioText` with the checks of the analyses: the one way the CLI loads a portfolio text. */
export function loadCheckedPortfolioText(text: string, catalog: Catalog, opts: { file?: string | undefined; loadTemplate?: TemplateLoader | undefined; parsed?: ParsedText | undefined } = {}): PortfolioResolveResult {
  return loadPortfolioText(text, catalog, { ...opts, checkScenario: checkUncertainty, check: checkPortfolio });
}

/** `resolvePortfolio` with the checks of the analyses, for a portfolio given as an object (the API). */
export function resolveCheckedPortfolio(raw: unknown, catalog: Catalog, opts: { loadTemplate?: TemplateLoader | undefined } = {}): PortfolioResolveResult {
  return resolvePortfolio(raw, catalog, { ...opts, checkScenario: checkUncertainty, check: checkPortfolio });
}
