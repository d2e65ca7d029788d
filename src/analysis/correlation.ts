/**
 * Rank correlation between uncertain inputs: the `correlation:` block (or
 * `--corr` on the command line) checked, and induced on the samples with the
 * Iman–Conover method (1982): van der Waerden scores, permuted at random,
 * given the target correlation by a Cholesky transform, and each input's
 * sampled values reordered to the ranks of its score column. The marginal
 * distributions (and Latin hypercube strata) are untouched; only the pairing
 * of the values changes.
 */
import { formatPath, type Issue } from '../model/issues.ts';
import type { Rng } from './rng.ts';
import { normalQuantile } from './special-functions.ts';

/** A rank-correlation matrix between inputs named by path. */
export interface CorrelationSpec {
  paths: string[];
  matrix: number[][];
}

/** Tolerance of the symmetry and unit-diagonal checks. */
export const CORRELATION_TOLERANCE = 1e-9;

/**
 * The lower Cholesky factor L (L·Lᵀ = a) of a symmetric matrix, or null when
 * it is not positive definite (a pivot ≤ `eps`).
 */
export function cholesky(a: readonly (readonly number[])[], eps = 1e-12): number[][] | null {
  const d = a.length;
  const L: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    const Li = L[i] as number[];
    for (let j = 0; j <= i; j++) {
      const Lj = L[j] as number[];
      let s = (a[i] as readonly number[])[j] as number;
      for (let k = 0; k < j; k++) s -= (Li[k] as number) * (Lj[k] as number);
      if (i === j) {
        if (!(s > eps)) return null;
        Li[i] = Math.sqrt(s);
      } else Li[j] = s / (Lj[j] as number);
    }
  }
  return L;
}

/**
 * The Pearson correlation of normal scores that gives a rank (Spearman)
 * correlation ρ: 2·sin(π·ρ/6), exact for a Gaussian copula.
 */
export const normalScoreCorrelation = (rho: number): number => 2 * Math.sin((Math.PI * rho) / 6);

/**
 * Every problem with a correlation block: paths that are not uncertain
 * inputs (or are repeated, or fixed), a matrix that is not square,
 * not symmetric, has a diagonal other than 1, or is not positive definite
 * (a set of correlations that cannot hold together).
 *
 * @example
 * validateCorrelation({ paths: ['a', 'b'], matrix: [[1, 0.7], [0.6, 1]] }, ['a', 'b']);
 * // [{ path: 'correlation.matrix[1][0]', message: 'the matrix is not symmetric: …' }]
 */
export function validateCorrelation(spec: CorrelationSpec, uncertainPaths: readonly string[], fixedPaths: readonly string[] = []): Issue[] {
  const issues: Issue[] = [];
  const at = (segs: (string | number)[], message: string, code = 'invalid_correlation'): void => {
    issues.push({ path: formatPath(['correlation', ...segs], {}), message, code });
  };
  const d = spec.paths.length;
  const seen = new Set<string>();
  spec.paths.forEach((p, i) => {
    if (seen.has(p)) at(['paths', i], `"${p}" appears twice`);
    seen.add(p);
    if (!uncertainPaths.includes(p)) at(['paths', i], `"${p}" has no distribution in the uncertainty block (or --dist); correlate uncertain inputs only`);
    else if (fixedPaths.includes(p)) at(['paths', i], `"${p}" is fixed: a constant cannot be correlated`);
  });
  if (spec.matrix.length !== d) {
    at(['matrix'], `the matrix has ${spec.matrix.length} rows for ${d} paths: it must be ${d}×${d}`);
    return issues;
  }
  let square = true;
  spec.matrix.forEach((row, i) => {
    if (row.length !== d) {
      at(['matrix', i], `row ${i} has ${row.length} entries: the matrix must be ${d}×${d} (one row and one column per path)`);
      square = false;
    }
  });
  if (!square) return issues;
  const m = spec.matrix;
  for (let i = 0; i < d; i++) {
    const row = m[i] as number[];
    for (let j = 0; j < d; j++) {
      const v = row[j] as number;
      if (!Number.isFinite(v) || v < -1 || v > 1) at(['matrix', i, j], `${v} is not a correlation (expected a number in [−1, 1])`);
    }
    if (Math.abs((row[i] as number) - 1) > CORRELATION_TOLERANCE) at(['matrix', i, i], `the diagonal must be 1 (an input is perfectly correlated with itself), got ${row[i]}`);
    for (let j = 0; j < i; j++) {
      const a = row[j] as number;
      const b = (m[j] as number[])[i] as number;
      if (Math.abs(a - b) > CORRELATION_TOLERANCE) {
        at(['matrix', i, j], `the matrix is not symmetric: [${i}][${j}] = ${a} but [${j}][${i}] = ${b}`);
      }
    }
  }
  if (issues.length > 0) return issues;
  if (cholesky(m) === null) {
    at(['matrix'], 'the matrix is not positive definite: these correlations cannot hold together (e.g. a ≈ b and b ≈ c but a ≉ c); loosen the strongest ones');
  } else if (cholesky(m.map((row, i) => row.map((v, j) => (i === j ? 1 : normalScoreCorrelation(v))))) === null) {
    at(['matrix'], 'the matrix is too close to singular to be induced (its normal-score form is not positive definite); loosen the strongest correlations');
  }
  return issues;
}

/**
 * Parse one `--corr 'PATH_A,PATH_B=RHO'` argument.
 *
 * @example
 * parseCorrArgument('demand.utilization,site.power.pricePerMWh=-0.3');
 * // { ok: true, a: 'demand.utilization', b: 'site.power.pricePerMWh', rho: -0.3 }
 */
export function parseCorrArgument(text: string): { ok: true; a: string; b: string; rho: number } | { ok: false; issue: Issue } {
  const fail = (message: string): { ok: false; issue: Issue } => ({
    ok: false,
    issue: { path: 'correlation', message: `--corr '${text}': ${message}`, code: 'invalid_corr_argument' },
  });
  const eq = text.lastIndexOf('=');
  if (eq < 0) return fail("expected PATH_A,PATH_B=RHO, e.g. 'demand.utilization,site.power.pricePerMWh=-0.3'");
  const names = text.slice(0, eq).split(',').map((s) => s.trim());
  const rhoText = text.slice(eq + 1).trim();
  if (names.length !== 2 || names[0] === '' || names[1] === '') return fail('expected two paths separated by a comma');
  const rho = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(rhoText) ? Number(rhoText) : Number.NaN;
  if (!(rho >= -1 && rho <= 1)) return fail(`"${rhoText}" is not a correlation in [−1, 1]`);
  if (names[0] === names[1]) return fail('a path cannot be correlated with itself');
  return { ok: true, a: names[0] as string, b: names[1] as string, rho };
}

/**
 * A correlation block with pairwise overrides applied: paths not yet in it
 * are added (uncorrelated with the others), each pair set both ways.
 */
export function withCorrelationOverrides(
  base: CorrelationSpec | undefined,
  pairs: readonly { a: string; b: string; rho: number }[],
): CorrelationSpec | undefined {
  if (pairs.length === 0) return base;
  const paths = base ? [...base.paths] : [];
  for (const { a, b } of pairs) for (const p of [a, b]) if (!paths.includes(p)) paths.push(p);
  const d = paths.length;
  const matrix = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  if (base) {
    base.paths.forEach((pi, i) =>
      base.paths.forEach((pj, j) => {
        const v = base.matrix[i]?.[j];
        if (v !== undefined) (matrix[paths.indexOf(pi)] as number[])[paths.indexOf(pj)] = v;
      }),
    );
  }
  for (const { a, b, rho } of pairs) {
    const i = paths.indexOf(a);
    const j = paths.indexOf(b);
    (matrix[i] as number[])[j] = rho;
    (matrix[j] as number[])[i] = rho;
  }
  return { paths, matrix };
}

/** Iman–Conover, made ready for one target: the Cholesky factor of the normal-score correlation. */
export interface ImanConover {
  /** number of correlated inputs */
  d: number;
  /** lower Cholesky factor of the target normal-score correlation */
  target: number[][];
}

/** Prepare Iman–Conover for a checked rank-correlation matrix (see `validateCorrelation`). */
export function prepareImanConover(matrix: readonly (readonly number[])[]): ImanConover {
  const d = matrix.length;
  const c = matrix.map((row, i) => row.map((v, j) => (i === j ? 1 : normalScoreCorrelation(v))));
  const L = cholesky(c);
  if (L === null) throw new RangeError('the correlation matrix is not positive definite');
  return { d, target: L };
}

const scoreCache = new Map<number, Float64Array>();

/** van der Waerden scores Φ⁻¹(j / (m + 1)), j = 1..m. */
function scores(m: number): Float64Array {
  let s = scoreCache.get(m);
  if (s === undefined) {
    s = new Float64Array(m);
    for (let j = 0; j < m; j++) s[j] = normalQuantile((j + 1) / (m + 1));
    if (scoreCache.size > 16) scoreCache.clear();
    scoreCache.set(m, s);
  }
  return s;
}

/** Indexes 0..m−1 ordered by `v` (ties by index). */
function argsort(v: Float64Array, m: number): Int32Array {
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => (v[a] as number) - (v[b] as number) || a - b);
  return order;
}

/**
 * Reorder the samples `cols[k][0..m)` of the correlated inputs in place so
 * their rank correlation approaches the target. Uses `rng` for the score
 * permutations. Returns false (and leaves the columns alone) when there are
 * too few samples for the scores to have a usable correlation.
 */
export function imanConover(ic: ImanConover, cols: readonly Float64Array[], m: number, rng: Rng): boolean {
  const d = ic.d;
  if (m < d + 2) return false;
  const a = scores(m);
  // score matrix, column k a random permutation of the scores
  const S: Float64Array[] = [];
  for (let k = 0; k < d; k++) {
    const s = Float64Array.from(a.subarray(0, m));
    for (let i = m - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = s[i] as number;
      s[i] = s[j] as number;
      s[j] = t;
    }
    S.push(s);
  }
  // their actual correlation E = Q·Qᵀ (the scores have mean 0 by symmetry)
  const E: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let p = 0; p < d; p++) {
    for (let q = 0; q <= p; q++) {
      const sp = S[p] as Float64Array;
      const sq = S[q] as Float64Array;
      let mp = 0;
      let mq = 0;
      for (let i = 0; i < m; i++) {
        mp += sp[i] as number;
        mq += sq[i] as number;
      }
      mp /= m;
      mq /= m;
      let spq = 0;
      let spp = 0;
      let sqq = 0;
      for (let i = 0; i < m; i++) {
        const x = (sp[i] as number) - mp;
        const y = (sq[i] as number) - mq;
        spq += x * y;
        spp += x * x;
        sqq += y * y;
      }
      const r = spq / Math.sqrt(spp * sqq);
      (E[p] as number[])[q] = r;
      (E[q] as number[])[p] = r;
    }
  }
  const Q = cholesky(E);
  if (Q === null) return false;
  // B = P·Q⁻¹ (both lower triangular): solve B·Q = P row by row
  const P = ic.target;
  const B: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    const Bi = B[i] as number[];
    const Pi = P[i] as number[];
    for (let j = i; j >= 0; j--) {
      let s = Pi[j] as number;
      for (let k = j + 1; k <= i; k++) s -= (Bi[k] as number) * ((Q[k] as number[])[j] as number);
      Bi[j] = s / ((Q[j] as number[])[j] as number);
    }
  }
  // target scores T = S·Bᵀ, then each input takes the ranks of its T column
  const t = new Float64Array(m);
  const sortedX = new Float64Array(m);
  for (let k = 0; k < d; k++) {
    const Bk = B[k] as number[];
    for (let i = 0; i < m; i++) {
      let v = 0;
      for (let j = 0; j <= k; j++) v += (Bk[j] as number) * ((S[j] as Float64Array)[i] as number);
      t[i] = v;
    }
    const order = argsort(t, m);
    const x = cols[k] as Float64Array;
    sortedX.set(x.subarray(0, m));
    sortedX.subarray(0, m).sort();
    for (let r = 0; r < m; r++) x[order[r] as number] = sortedX[r] as number;
  }
  return true;
}
