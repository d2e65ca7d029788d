/**
 * The distributions of MODEL.md §5 for the `uncertainty:` block: their
 * parameters and checks (issues name `uncertainty["path"].field`), the
 * command-line form (`--dist 'demand.utilization=pert:0.5,0.75,0.9'`), and
 * samplers that map a uniform u in (0, 1) to a value by the inverse CDF of
 * the distribution truncated to the field's valid range — so Latin hypercube
 * strata and Iman–Conover reordering carry over to the values.
 */
import { formatPath, type Issue } from '../model/issues.ts';
import type { Distribution } from '../model/schema.ts';
import { betaCdf, betaCdfWithPdf, betaPdf, lastBetaPdf, logBeta, normalCdf, normalQuantile } from './special-functions.ts';

/** A distribution as the `uncertainty:` block (or `--dist`) states it. */
export type DistributionSpec = Distribution;
export type DistKind = DistributionSpec['dist'];

/** The values a field may take: `[min, max]`, each end open or closed, whole numbers or not. */
export interface ValueRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
  integer: boolean;
}

/** Any real number. */
export const UNBOUNDED: ValueRange = { min: -Infinity, max: Infinity, minExclusive: false, maxExclusive: false, integer: false };

type Param = 'value' | 'min' | 'mode' | 'max' | 'mean' | 'sd' | 'p5' | 'p95' | 'alpha' | 'beta' | 'lambda' | 'values' | 'weights';

interface DistForm {
  /** the parameters in the order of the command-line form */
  positional: readonly Param[];
  /** how many of the positional parameters are required */
  required: number;
  /** parameters accepted by name only */
  named?: readonly Param[];
  help: string;
}

/** The parameters of each distribution, in the order the command line takes them. */
export const DIST_FORMS: Record<DistKind, DistForm> = {
  fixed: { positional: ['value'], required: 1, help: 'fixed:value' },
  uniform: { positional: ['min', 'max'], required: 2, help: 'uniform:min,max' },
  triangular: { positional: ['min', 'mode', 'max'], required: 3, help: 'triangular:min,mode,max' },
  pert: { positional: ['min', 'mode', 'max', 'lambda'], required: 3, help: 'pert:min,mode,max[,lambda=4]' },
  normal: { positional: ['mean', 'sd', 'min', 'max'], required: 2, help: 'normal:mean,sd[,min,max]' },
  lognormal: {
    positional: ['mean', 'sd', 'min', 'max'],
    required: 0,
    named: ['p5', 'p95'],
    help: 'lognormal:mean,sd[,min,max]  or  lognormal:p5=…,p95=…[,min=…,max=…]',
  },
  beta: { positional: ['alpha', 'beta', 'min', 'max'], required: 4, help: 'beta:alpha,beta,min,max' },
  discrete: { positional: [], required: 0, named: ['values', 'weights'], help: 'discrete:v1,v2,…  or  discrete:v1@w1,v2@w2,…' },
};

/** The accepted parameters of each distribution (besides `dist` and `scale`). */
const ACCEPTED: Record<DistKind, readonly Param[]> = {
  fixed: ['value'],
  uniform: ['min', 'max'],
  triangular: ['min', 'mode', 'max'],
  pert: ['min', 'mode', 'max', 'lambda'],
  normal: ['mean', 'sd', 'min', 'max'],
  lognormal: ['mean', 'sd', 'p5', 'p95', 'min', 'max'],
  beta: ['alpha', 'beta', 'min', 'max'],
  discrete: ['values', 'weights'],
};

/** The default PERT shape parameter λ (the classic 4). */
export const PERT_LAMBDA = 4;

/** z of the 95th percentile of the standard normal, for lognormal by p5/p95. */
const Z95 = 1.6448536269514722;

/**
 * The command-line help for `--dist`: the form and the order of each
 * distribution's parameters.
 */
export const DIST_SYNTAX_HELP = [
  "--dist 'PATH=DIST:PARAMS' sets (or replaces) the distribution of an input; 'PATH*=DIST:PARAMS' makes the",
  'sampled value a multiplier of the base value (every year of a series). Parameters, in order:',
  ...(Object.keys(DIST_FORMS) as DistKind[]).map((k) => `  ${DIST_FORMS[k].help}`),
  'Parameters may also be named (normal:mean=0.1,sd=0.02). Values are truncated to the valid range of the input.',
].join('\n');

/** Where an issue about `uncertainty[path]` (and a field of it) is. */
export function uncertaintyIssuePath(path: string, field?: string): string {
  return formatPath(field === undefined ? ['uncertainty', path] : ['uncertainty', path, field], {});
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(x) : x > 0 ? '∞' : '−∞');

/** The range as people read it: `[0, 1]`, `(−1, ∞)`. */
export function formatRange(r: ValueRange): string {
  return `${r.minExclusive ? '(' : '['}${fmt(r.min)}, ${fmt(r.max)}${r.maxExclusive ? ')' : ']'}${r.integer ? ' (whole numbers)' : ''}`;
}

const inRange = (x: number, r: ValueRange): boolean =>
  (r.minExclusive ? x > r.min : x >= r.min) && (r.maxExclusive ? x < r.max : x <= r.max) && (!r.integer || Number.isInteger(x));

// ---------------------------------------------------------------------------
// Checks

/**
 * Every problem with one distribution, each naming `uncertainty["path"].field`:
 * missing or foreign parameters, wrong order (min ≤ mode ≤ max), non-positive
 * spreads, and a distribution that puts no probability in the field's valid range.
 *
 * @example
 * validateDistribution('demand.utilization', { dist: 'pert', min: 0.5, mode: 0.4, max: 0.9 }, range);
 * // [{ path: 'uncertainty["demand.utilization"].mode', message: 'mode 0.4 must lie in [min, max] = [0.5, 0.9]' }]
 */
export function validateDistribution(path: string, spec: DistributionSpec, range: ValueRange = UNBOUNDED): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string | undefined, message: string, code = 'invalid_distribution'): void => {
    issues.push({ path: uncertaintyIssuePath(path, field), message, code });
  };
  const accepted = ACCEPTED[spec.dist];
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (key === 'dist' || key === 'scale' || s[key] === undefined) continue;
    if (!(accepted as readonly string[]).includes(key)) {
      at(key, `${key} is not a parameter of ${spec.dist} (it takes ${accepted.join(', ')})`, 'unknown_parameter');
    }
  }
  const need = (field: Param): number | undefined => {
    const v = s[field];
    if (typeof v !== 'number') {
      at(field, `${spec.dist} needs ${field}`, 'missing_parameter');
      return undefined;
    }
    return v;
  };
  const finite = (field: Param, v: number | undefined): boolean => {
    if (v === undefined) return false;
    if (!Number.isFinite(v)) {
      at(field, `${field} must be a finite number, got ${v}`);
      return false;
    }
    return true;
  };
  const ordered = (lo: number | undefined, hi: number | undefined, strict: boolean): void => {
    if (lo === undefined || hi === undefined) return;
    if (strict ? !(lo < hi) : !(lo <= hi)) at('max', `max ${hi} must be ${strict ? 'greater than' : 'at least'} min ${lo}`);
  };
  const positive = (field: Param, v: number | undefined): void => {
    if (v !== undefined && !(v > 0)) at(field, `${field} must be > 0, got ${v}`);
  };
  const scale = spec.scale === true;
  if (scale && range.integer) at('scale', `${path} takes whole numbers only; scale it with a discrete distribution of whole values or set it instead`);

  switch (spec.dist) {
    case 'fixed': {
      const v = need('value');
      finite('value', v);
      break;
    }
    case 'uniform': {
      const lo = need('min');
      const hi = need('max');
      if (finite('min', lo) && finite('max', hi)) ordered(lo, hi, true);
      break;
    }
    case 'triangular':
    case 'pert': {
      const lo = need('min');
      const mode = need('mode');
      const hi = need('max');
      if (finite('min', lo) && finite('mode', mode) && finite('max', hi)) {
        ordered(lo, hi, true);
        if (lo !== undefined && hi !== undefined && mode !== undefined && lo < hi && !(mode >= lo && mode <= hi)) {
          at('mode', `mode ${mode} must lie in [min, max] = [${lo}, ${hi}]`);
        }
      }
      if (spec.dist === 'pert' && spec.lambda !== undefined) positive('lambda', spec.lambda);
      break;
    }
    case 'normal': {
      const mean = need('mean');
      const sd = need('sd');
      finite('mean', mean);
      if (finite('sd', sd)) positive('sd', sd);
      ordered(spec.min, spec.max, true);
      break;
    }
    case 'lognormal': {
      const byMoments = spec.mean !== undefined || spec.sd !== undefined;
      const byPercentiles = spec.p5 !== undefined || spec.p95 !== undefined;
      if (byMoments && byPercentiles) {
        at(undefined, 'lognormal takes either mean and sd or p5 and p95, not both', 'invalid_distribution');
      } else if (byPercentiles) {
        const p5 = need('p5');
        const p95 = need('p95');
        if (finite('p5', p5) && finite('p95', p95)) {
          positive('p5', p5);
          if (p5 !== undefined && p95 !== undefined && p5 > 0 && !(p95 > p5)) at('p95', `p95 ${p95} must be greater than p5 ${p5}`);
        }
      } else {
        const mean = need('mean');
        const sd = need('sd');
        if (finite('mean', mean)) positive('mean', mean);
        if (finite('sd', sd)) positive('sd', sd);
      }
      ordered(spec.min, spec.max, true);
      break;
    }
    case 'beta': {
      const a = need('alpha');
      const b = need('beta');
      if (finite('alpha', a)) positive('alpha', a);
      if (finite('beta', b)) positive('beta', b);
      const lo = need('min');
      const hi = need('max');
      if (finite('min', lo) && finite('max', hi)) ordered(lo, hi, true);
      break;
    }
    case 'discrete': {
      const values = spec.values;
      if (values === undefined || values.length === 0) {
        at('values', 'discrete needs a non-empty list of values', 'missing_parameter');
        break;
      }
      values.forEach((v, i) => {
        if (!Number.isFinite(v)) at(`values`, `values[${i}] must be a finite number, got ${v}`);
      });
      if (spec.weights !== undefined) {
        if (spec.weights.length !== values.length) {
          at('weights', `weights has ${spec.weights.length} entries, values has ${values.length}: give one weight per value`);
        } else if (!spec.weights.some((w) => w > 0)) {
          at('weights', 'at least one weight must be > 0');
        } else if (spec.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
          at('weights', 'weights must be finite numbers ≥ 0');
        }
      }
      break;
    }
  }
  if (issues.length > 0) return issues;

  // The distribution against the field's valid range (of the multiplier, when scaled).
  const r = range;
  if (spec.dist === 'fixed') {
    const v = spec.value as number;
    if (!inRange(v, r)) at('value', `${v} is outside the valid range ${formatRange(r)} of ${scale ? 'the multiplier of ' : ''}${path}`, 'out_of_range');
  } else if (spec.dist === 'discrete') {
    (spec.values as number[]).forEach((v, i) => {
      const w = spec.weights?.[i];
      if ((w === undefined || w > 0) && !inRange(v, r)) {
        at('values', `values[${i}] = ${v} is outside the valid range ${formatRange(r)} of ${scale ? 'the multiplier of ' : ''}${path}`, 'out_of_range');
      }
    });
  } else {
    // MODEL.md §5: a bounded distribution must lie inside the valid range; normal and lognormal are truncated to it
    if (spec.dist === 'uniform' || spec.dist === 'triangular' || spec.dist === 'pert' || spec.dist === 'beta') {
      for (const field of ['min', 'max'] as const) {
        const v = spec[field] as number;
        if (!inRange(v, { ...r, integer: false })) {
          at(field, `${field} ${v} is outside the valid range ${formatRange(r)} of ${scale ? 'the multiplier of ' : ''}${path}: a bounded distribution must lie inside it`, 'out_of_range');
        }
      }
      if (issues.length > 0) return issues;
    }
    const sampler = compileDistribution(spec, r);
    if (sampler.keptMass <= MIN_KEPT_MASS) {
      at(
        undefined,
        `${spec.dist} puts ${sampler.keptMass === 0 ? 'no' : 'almost no'} probability in the valid range ${formatRange(r)} of ${scale ? 'the multiplier of ' : ''}${path}`,
        'out_of_range',
      );
    }
  }
  return issues;
}

/** Below this kept probability a truncated distribution is refused rather than sampled. */
export const MIN_KEPT_MASS = 1e-9;

// ---------------------------------------------------------------------------
// Command line

/**
 * Parse one `--dist` argument: `PATH=DIST:PARAMS` (or `PATH*=…` to scale the
 * base value). Parameters are positional in the order of `DIST_FORMS`, or
 * named (`mean=0.1,sd=0.02`); a discrete list is `v1,v2` or `v1@w1,v2@w2`.
 *
 * @example
 * parseDistArgument('demand.utilization=pert:0.5,0.75,0.9');
 * // { ok: true, path: 'demand.utilization', spec: { dist: 'pert', min: 0.5, mode: 0.75, max: 0.9 } }
 */
export function parseDistArgument(text: string): { ok: true; path: string; spec: DistributionSpec } | { ok: false; issue: Issue } {
  const fail = (message: string, path = ''): { ok: false; issue: Issue } => ({
    ok: false,
    issue: { path: path === '' ? '' : uncertaintyIssuePath(path), message: `--dist '${text}': ${message}`, code: 'invalid_dist_argument' },
  });
  const eq = text.indexOf('=');
  if (eq <= 0) return fail("expected PATH=DIST:PARAMS, e.g. 'demand.utilization=pert:0.5,0.75,0.9'");
  let path = text.slice(0, eq).trim();
  let scale = false;
  if (path.endsWith('*')) {
    scale = true;
    path = path.slice(0, -1).trim();
  }
  if (path === '') return fail('the path is empty');
  const rest = text.slice(eq + 1).trim();
  const colon = rest.indexOf(':');
  const kind = (colon < 0 ? rest : rest.slice(0, colon)).trim().toLowerCase();
  if (!(kind in DIST_FORMS)) {
    return fail(`unknown distribution "${kind}" (one of ${Object.keys(DIST_FORMS).join(', ')})`, path);
  }
  const dist = kind as DistKind;
  const form = DIST_FORMS[dist];
  const body = colon < 0 ? '' : rest.slice(colon + 1).trim();
  const items = body === '' ? [] : body.split(',').map((x) => x.trim());
  const spec: Record<string, unknown> = { dist };
  if (scale) spec['scale'] = true;
  const num = (s: string): number | undefined => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : undefined);

  if (dist === 'discrete') {
    const values: number[] = [];
    const weights: number[] = [];
    let weighted = false;
    for (const item of items) {
      const [v, w] = item.split('@').map((x) => x.trim());
      const value = num(v ?? '');
      if (value === undefined) return fail(`"${item}" is not a number`, path);
      values.push(value);
      if (w !== undefined) {
        const weight = num(w);
        if (weight === undefined) return fail(`weight "${w}" is not a number`, path);
        weighted = true;
        weights.push(weight);
      } else weights.push(1);
    }
    if (values.length === 0) return fail('discrete needs at least one value', path);
    spec['values'] = values;
    if (weighted) spec['weights'] = weights;
    return { ok: true, path, spec: spec as DistributionSpec };
  }

  const accepted = ACCEPTED[dist] as readonly string[];
  let position = 0;
  let sawNamed = false;
  for (const item of items) {
    const e = item.indexOf('=');
    if (e >= 0) {
      sawNamed = true;
      const name = item.slice(0, e).trim();
      const value = num(item.slice(e + 1).trim());
      if (!accepted.includes(name)) return fail(`${name} is not a parameter of ${dist} (it takes ${accepted.join(', ')})`, path);
      if (value === undefined) return fail(`${name}: "${item.slice(e + 1).trim()}" is not a number`, path);
      spec[name] = value;
    } else {
      if (sawNamed) return fail('positional parameters must come before named ones', path);
      const name = form.positional[position];
      if (name === undefined) return fail(`too many parameters: ${form.help}`, path);
      const value = num(item);
      if (value === undefined) return fail(`${name}: "${item}" is not a number`, path);
      spec[name] = value;
      position++;
    }
  }
  if (!sawNamed && position < form.required) return fail(`expected ${form.help}`, path);
  return { ok: true, path, spec: spec as DistributionSpec };
}

// ---------------------------------------------------------------------------
// Sampling

/** A distribution made ready to sample: the inverse CDF of its truncated form. */
export interface Sampler {
  /** The value at a uniform `u` in (0, 1); non-decreasing in `u`. */
  quantile(u: number): number;
  /** Fill `out[0..n)` with the quantiles of `u[0..n)`. */
  fill(u: Float64Array, out: Float64Array, n: number): void;
  /** The probability the untruncated distribution puts in the valid range (1 when none is cut). */
  keptMass: number;
  /** True when every draw is the same value. */
  constant: boolean;
}

/** The largest double below x. */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = (bits[0] as bigint) + (x > 0 ? -1n : 1n);
  return buf[0] as number;
}
/** The smallest double above x. */
const nextUp = (x: number): number => -nextDown(-x);

abstract class BaseSampler implements Sampler {
  keptMass = 1;
  constant = false;
  /** bounds a draw is clamped into (rounding at the ends of the inverse CDF) */
  protected lo = -Infinity;
  protected hi = Infinity;
  protected integer = false;

  abstract raw(u: number): number;

  protected clampTo(r: ValueRange, supportLo: number, supportHi: number): void {
    this.lo = Math.max(supportLo, r.minExclusive ? nextUp(r.min) : r.min);
    this.hi = Math.min(supportHi, r.maxExclusive ? nextDown(r.max) : r.max);
    this.integer = r.integer;
    if (this.integer) {
      this.lo = Math.ceil(this.lo);
      this.hi = Math.floor(this.hi);
    }
  }

  quantile(u: number): number {
    let x = this.raw(u);
    if (this.integer) x = Math.round(x);
    return x < this.lo ? this.lo : x > this.hi ? this.hi : x;
  }

  fill(u: Float64Array, out: Float64Array, n: number): void {
    for (let i = 0; i < n; i++) out[i] = this.quantile(u[i] as number);
  }
}

class FixedSampler extends BaseSampler {
  constructor(private readonly value: number) {
    super();
    this.constant = true;
  }
  raw(): number {
    return this.value;
  }
  override quantile(): number {
    return this.value;
  }
}

/** Shared by the continuous distributions: u → p in [F(lo), F(hi)] → x. */
abstract class ContinuousSampler extends BaseSampler {
  protected pLo = 0;
  protected pHi = 1;
  protected abstract cdf(x: number): number;
  protected abstract inverse(p: number): number;

  protected truncate(r: ValueRange, supportLo: number, supportHi: number): void {
    this.clampTo(r, supportLo, supportHi);
    const lo = Math.max(supportLo, r.min);
    const hi = Math.min(supportHi, r.max);
    this.pLo = lo > supportLo ? this.cdf(lo) : 0;
    this.pHi = hi < supportHi ? this.cdf(hi) : 1;
    this.keptMass = hi < lo ? 0 : Math.max(0, this.pHi - this.pLo);
  }

  raw(u: number): number {
    return this.inverse(this.pLo + u * (this.pHi - this.pLo));
  }
}

class UniformSampler extends ContinuousSampler {
  // one copy per class (not inherited), so each call site sees one kind of sampler
  override fill(u: Float64Array, out: Float64Array, n: number): void {
    const { lo, hi, integer } = this;
    for (let i = 0; i < n; i++) {
      let x = this.raw(u[i] as number);
      if (integer) x = Math.round(x);
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  constructor(
    private readonly a: number,
    private readonly b: number,
    r: ValueRange,
  ) {
    super();
    this.truncate(r, a, b);
  }
  protected cdf(x: number): number {
    return x <= this.a ? 0 : x >= this.b ? 1 : (x - this.a) / (this.b - this.a);
  }
  protected inverse(p: number): number {
    return this.a + p * (this.b - this.a);
  }
}

class TriangularSampler extends ContinuousSampler {
  // one copy per class (not inherited), so each call site sees one kind of sampler
  override fill(u: Float64Array, out: Float64Array, n: number): void {
    const { lo, hi, integer } = this;
    for (let i = 0; i < n; i++) {
      let x = this.raw(u[i] as number);
      if (integer) x = Math.round(x);
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  private readonly fc: number;
  constructor(
    private readonly a: number,
    private readonly c: number,
    private readonly b: number,
    r: ValueRange,
  ) {
    super();
    this.fc = (c - a) / (b - a);
    this.truncate(r, a, b);
  }
  protected cdf(x: number): number {
    const { a, b, c } = this;
    if (x <= a) return 0;
    if (x >= b) return 1;
    if (x <= c) return ((x - a) * (x - a)) / ((b - a) * (c - a));
    return 1 - ((b - x) * (b - x)) / ((b - a) * (b - c));
  }
  protected inverse(p: number): number {
    const { a, b, c } = this;
    return p < this.fc ? a + Math.sqrt(p * (b - a) * (c - a)) : b - Math.sqrt((1 - p) * (b - a) * (b - c));
  }
}

/** Normal or (on the log scale) lognormal, truncated. */
class NormalSampler extends ContinuousSampler {
  // one copy per class (not inherited), so each call site sees one kind of sampler
  override fill(u: Float64Array, out: Float64Array, n: number): void {
    const { lo, hi, integer } = this;
    for (let i = 0; i < n; i++) {
      let x = this.raw(u[i] as number);
      if (integer) x = Math.round(x);
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  /** sample −Z on the mirrored range when the kept range lies in the upper tail, where Φ near 1 has no digits left */
  private flip = false;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
    private readonly log: boolean,
    r: ValueRange,
  ) {
    super();
    const supportLo = log ? 0 : -Infinity;
    this.clampTo(r, supportLo, Infinity);
    const zOf = (x: number): number => (log ? (x <= 0 ? -Infinity : (Math.log(x) - mu) / sigma) : (x - mu) / sigma);
    const za = zOf(Math.max(r.min, supportLo));
    const zb = zOf(r.max);
    this.flip = za > 0;
    if (this.flip) {
      this.pLo = normalCdf(-zb);
      this.pHi = normalCdf(-za);
    } else {
      this.pLo = normalCdf(za);
      this.pHi = normalCdf(zb);
    }
    this.keptMass = zb < za ? 0 : Math.max(0, this.pHi - this.pLo);
  }
  protected cdf(): number {
    return 0; // bounds are set in the constructor
  }
  protected inverse(p: number): number {
    return p; // not used: raw is overridden
  }
  override raw(u: number): number {
    const z = this.flip ? -normalQuantile(this.pLo + (1 - u) * (this.pHi - this.pLo)) : normalQuantile(this.pLo + u * (this.pHi - this.pLo));
    const y = this.mu + this.sigma * z;
    return this.log ? Math.exp(y) : y;
  }
}

/**
 * Beta(α, β) on [min, max] (PERT is a beta): the CDF and density tabulated on
 * a grid; a draw starts from the cubic Hermite interpolation of the inverse
 * in its cell and polishes it by Newton's method (bisection-safeguarded) on
 * the exact CDF — usually one step.
 */
class BetaSampler extends ContinuousSampler {
  // one copy per class (not inherited), so each call site sees one kind of sampler
  override fill(u: Float64Array, out: Float64Array, n: number): void {
    const { lo, hi, integer } = this;
    for (let i = 0; i < n; i++) {
      let x = this.raw(u[i] as number);
      if (integer) x = Math.round(x);
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  /** Cells of the table, uniform in x on [0, 1]. */
  private static readonly CELLS = 1024;
  /** Entries of the guide from p to the first cell that may hold it. */
  private static readonly GUIDE = 1024;
  private readonly lnB: number;
  /** F at the cell ends x_j = j/CELLS */
  private readonly table: Float64Array;
  /** guide[k]: the last cell j with F(x_j) ≤ k/GUIDE */
  private readonly guide: Int32Array;
  /** per cell, the 6 coefficients of x(s), s = (p − F_j)/(F_{j+1} − F_j); NaN in the first when the cell must be solved */
  private readonly poly: Float64Array;
  constructor(
    private readonly alpha: number,
    private readonly beta: number,
    private readonly a: number,
    private readonly b: number,
    r: ValueRange,
  ) {
    super();
    this.lnB = logBeta(alpha, beta);
    const M = BetaSampler.CELLS;
    const F = new Float64Array(M + 1);
    for (let j = 0; j <= M; j++) F[j] = j === 0 ? 0 : j === M ? 1 : betaCdf(j / M, alpha, beta, this.lnB);
    this.table = F;
    this.poly = betaInversePolynomials(F, alpha, beta, this.lnB);
    const K = BetaSampler.GUIDE;
    this.guide = new Int32Array(K + 1);
    for (let k = 0, j = 0; k <= K; k++) {
      while (j < M - 1 && (F[j + 1] as number) <= k / K) j++;
      this.guide[k] = j;
    }
    this.truncate(r, a, b);
  }
  protected cdf(x: number): number {
    return betaCdf((x - this.a) / (this.b - this.a), this.alpha, this.beta, this.lnB);
  }
  protected inverse(p: number): number {
    return this.a + (this.b - this.a) * this.standardQuantile(p);
  }
  /**
   * The quantile of the standard Beta(α, β) on [0, 1]: the cell of p from the
   * guide, then its quintic (accurate to BETA_QUANTILE_TOL, checked when the
   * table was built), else Halley's method on the exact CDF within the cell.
   */
  private standardQuantile(p: number): number {
    const F = this.table;
    const M = BetaSampler.CELLS;
    if (!(p > 0)) return 0;
    if (!(p < 1)) return 1;
    let j = this.guide[Math.floor(p * BetaSampler.GUIDE)] as number;
    while (j < M - 1 && (F[j + 1] as number) <= p) j++;
    const lo = j / M;
    const hi = (j + 1) / M;
    const f0 = F[j] as number;
    const h = (F[j + 1] as number) - f0;
    const s = h > 0 ? (p - f0) / h : 0.5;
    const c = this.poly;
    const o = 6 * j;
    const c0 = c[o] as number;
    if (c0 === c0) {
      const x = c0 + s * ((c[o + 1] as number) + s * ((c[o + 2] as number) + s * ((c[o + 3] as number) + s * ((c[o + 4] as number) + s * (c[o + 5] as number)))));
      return x < lo ? lo : x > hi ? hi : x;
    }
    return this.solve(p, lo, hi, lo + s * (hi - lo));
  }
  /** Halley's method on F(x) − p from x within [lo, hi], a bracket of the root. */
  private solve(p: number, lo: number, hi: number, x: number): number {
    const a = this.alpha;
    const b = this.beta;
    const lnB = this.lnB;
    const cell = hi - lo;
    for (let iter = 0; iter < 100; iter++) {
      const g = betaCdfWithPdf(x, a, b, lnB) - p;
      if (g === 0) return x;
      if (g < 0) lo = x;
      else hi = x;
      // Halley's step on F(x) − p, with F' the density and F'' = F'·((α−1)/x − (β−1)/(1−x))
      const d1 = lastBetaPdf;
      const d2 = d1 * ((a - 1) / x - (b - 1) / (1 - x));
      let next = Number.isFinite(d1) && d1 > 0 ? x - (2 * g * d1) / (2 * d1 * d1 - g * d2) : Number.NaN;
      if (Math.abs(next - x) <= 2 * Number.EPSILON * x) return next; // converged to the last bit
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      const step = Math.abs(next - x);
      // a Halley step this small leaves an error (~step³) far below a double's resolution
      if ((step <= 1e-6 * cell && step <= 1e-6 * x && step <= 1e-6 * (1 - x)) || step <= 2 * Number.EPSILON * x || hi - lo <= 2 * Number.EPSILON * hi) {
        return next;
      }
      x = next;
    }
    return x;
  }
}

/**
 * How close (in x on [0, 1]) a cell's interpolated Beta quantile must come to
 * the exact one, at the points checked when the table is built, to be used
 * without solving: far below any Monte Carlo error, and below the inputs'
 * own precision.
 */
const BETA_QUANTILE_TOL = 1e-13;

/**
 * Per cell [x_j, x_{j+1}] (x_j = j/M, F the CDF at the x_j), the quintic
 * Hermite interpolant of the quantile x(s), s = (p − F_j)/(F_{j+1} − F_j), that
 * matches x, dx/dp = 1/f and d²x/dp² = −f′/f³ at both ends: 6 coefficients per
 * cell, lowest power first. Checked against the exact CDF at three points of
 * the cell (x at ¼, ½ and ¾ of it); a cell that misses BETA_QUANTILE_TOL
 * there, or where the density is 0 or infinite at an end (the tails of
 * α or β < 1, or an underflowing density), gets NaN and is solved.
 */
function betaInversePolynomials(F: Float64Array, alpha: number, beta: number, lnB: number): Float64Array {
  const M = F.length - 1;
  const out = new Float64Array(6 * M).fill(Number.NaN);
  const dens = new Float64Array(M + 1);
  const slope = new Float64Array(M + 1); // f′/f
  for (let j = 0; j <= M; j++) {
    const x = j / M;
    dens[j] = betaPdf(x, alpha, beta, lnB);
    slope[j] = (alpha - 1) / x - (beta - 1) / (1 - x);
  }
  for (let j = 0; j < M; j++) {
    const fa = dens[j] as number;
    const fb = dens[j + 1] as number;
    const h = (F[j + 1] as number) - (F[j] as number);
    if (!(fa > 0 && fb > 0 && Number.isFinite(fa) && Number.isFinite(fb) && h > 0)) continue;
    const ga = slope[j] as number;
    const gb = slope[j + 1] as number;
    if (!(Number.isFinite(ga) && Number.isFinite(gb))) continue;
    const x0 = j / M;
    const x1 = (j + 1) / M;
    // derivatives in s: dx/ds = h/f, d²x/ds² = −h²·f′/f³ = −h²·(f′/f)/f²
    const d0 = h / fa;
    const d1 = h / fb;
    const e0 = (-h * h * ga) / (fa * fa);
    const e1 = (-h * h * gb) / (fb * fb);
    const A = x1 - (x0 + d0 + e0 / 2);
    const B = d1 - (d0 + e0);
    const C = e1 - e0;
    const c = [x0, d0, e0 / 2, 10 * A - 4 * B + C / 2, -15 * A + 7 * B - C, 6 * A - 3 * B + C / 2] as const;
    let good = true;
    for (const q of [0.25, 0.5, 0.75]) {
      const x = x0 + q * (x1 - x0);
      const s = (betaCdf(x, alpha, beta, lnB) - (F[j] as number)) / h;
      const y = c[0] + s * (c[1] + s * (c[2] + s * (c[3] + s * (c[4] + s * c[5]))));
      if (!(Math.abs(y - x) <= BETA_QUANTILE_TOL)) good = false;
    }
    if (good) out.set(c, 6 * j);
  }
  return out;
}

class DiscreteSampler extends BaseSampler {
  // one copy per class (not inherited), so each call site sees one kind of sampler
  override fill(u: Float64Array, out: Float64Array, n: number): void {
    const { lo, hi, integer } = this;
    for (let i = 0; i < n; i++) {
      let x = this.raw(u[i] as number);
      if (integer) x = Math.round(x);
      out[i] = x < lo ? lo : x > hi ? hi : x;
    }
  }

  private readonly values: Float64Array;
  private readonly cum: Float64Array;
  constructor(values: readonly number[], weights: readonly number[] | undefined, r: ValueRange) {
    super();
    const pairs = values.map((v, i) => ({ v, w: weights?.[i] ?? 1 })).filter((p) => p.w > 0);
    pairs.sort((x, y) => x.v - y.v);
    this.values = Float64Array.from(pairs.map((p) => p.v));
    const total = pairs.reduce((s, p) => s + p.w, 0);
    this.cum = new Float64Array(pairs.length);
    let c = 0;
    pairs.forEach((p, i) => {
      c += p.w;
      this.cum[i] = c / total;
    });
    this.cum[pairs.length - 1] = 1;
    this.constant = pairs.length === 1;
    this.clampTo(r, -Infinity, Infinity);
    this.integer = false; // the values are checked against the range, not rounded
  }
  raw(u: number): number {
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return this.values[lo] as number;
  }
}

/** The parameters (μ, σ) of ln X for a lognormal given by mean and sd, or by p5 and p95. */
export function lognormalParameters(spec: DistributionSpec): { mu: number; sigma: number } {
  if (spec.p5 !== undefined && spec.p95 !== undefined) {
    const l5 = Math.log(spec.p5);
    const l95 = Math.log(spec.p95);
    return { mu: (l5 + l95) / 2, sigma: (l95 - l5) / (2 * Z95) };
  }
  const mean = spec.mean as number;
  const sd = spec.sd as number;
  const s2 = Math.log1p((sd / mean) * (sd / mean));
  return { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
}

/** The shape (α, β) of a PERT distribution on [min, max] with the given mode. */
export function pertShape(min: number, mode: number, max: number, lambda = PERT_LAMBDA): { alpha: number; beta: number } {
  return { alpha: 1 + (lambda * (mode - min)) / (max - min), beta: 1 + (lambda * (max - mode)) / (max - min) };
}

/**
 * A sampler for a checked distribution (see `validateDistribution`),
 * truncated to `range` (and to its own `min`/`max` for normal and lognormal).
 *
 * @example
 * const s = compileDistribution({ dist: 'triangular', min: 0, mode: 1, max: 3 }, UNBOUNDED);
 * s.quantile(0.5); // the median
 */
export function compileDistribution(spec: DistributionSpec, range: ValueRange = UNBOUNDED): Sampler {
  const own = (lo: number | undefined, hi: number | undefined): ValueRange => ({
    ...range,
    min: lo !== undefined && lo > range.min ? lo : range.min,
    minExclusive: lo !== undefined && lo > range.min ? false : range.minExclusive,
    max: hi !== undefined && hi < range.max ? hi : range.max,
    maxExclusive: hi !== undefined && hi < range.max ? false : range.maxExclusive,
  });
  switch (spec.dist) {
    case 'fixed':
      return new FixedSampler(spec.value as number);
    case 'uniform':
      return new UniformSampler(spec.min as number, spec.max as number, range);
    case 'triangular':
      return new TriangularSampler(spec.min as number, spec.mode as number, spec.max as number, range);
    case 'pert': {
      const { alpha, beta } = pertShape(spec.min as number, spec.mode as number, spec.max as number, spec.lambda ?? PERT_LAMBDA);
      return new BetaSampler(alpha, beta, spec.min as number, spec.max as number, range);
    }
    case 'beta':
      return new BetaSampler(spec.alpha as number, spec.beta as number, spec.min as number, spec.max as number, range);
    case 'normal':
      return new NormalSampler(spec.mean as number, spec.sd as number, false, own(spec.min, spec.max));
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(spec);
      return new NormalSampler(mu, sigma, true, own(spec.min, spec.max));
    }
    case 'discrete':
      return new DiscreteSampler(spec.values as number[], spec.weights, range);
  }
}

/** A one-line description: `pert(0.5, 0.75, 0.9)`, `× normal(1, 0.1)` when it scales the base value. */
export function describeDistribution(spec: DistributionSpec): string {
  const p = (xs: (number | undefined)[]): string => xs.filter((x) => x !== undefined).join(', ');
  let body: string;
  switch (spec.dist) {
    case 'fixed':
      body = `fixed(${spec.value})`;
      break;
    case 'discrete':
      body = `discrete(${(spec.values ?? []).map((v, i) => (spec.weights ? `${v}@${spec.weights[i]}` : String(v))).join(', ')})`;
      break;
    case 'lognormal':
      body = spec.p5 !== undefined ? `lognormal(p5 ${spec.p5}, p95 ${spec.p95})` : `lognormal(mean ${spec.mean}, sd ${spec.sd})`;
      if (spec.min !== undefined || spec.max !== undefined) body += ` in [${spec.min ?? '−∞'}, ${spec.max ?? '∞'}]`;
      break;
    case 'normal':
      body = `normal(${p([spec.mean, spec.sd])})`;
      if (spec.min !== undefined || spec.max !== undefined) body += ` in [${spec.min ?? '−∞'}, ${spec.max ?? '∞'}]`;
      break;
    default:
      body = `${spec.dist}(${p(DIST_FORMS[spec.dist].positional.map((k) => (spec as unknown as Record<string, number | undefined>)[k]))})`;
  }
  return spec.scale ? `× ${body}` : body;
}
