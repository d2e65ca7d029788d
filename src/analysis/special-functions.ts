/**
 * The special functions the distributions need, to double precision:
 * the standard normal CDF (Cody's rational Chebyshev approximations, as R's
 * `pnorm`) and quantile (Wichura's AS 241, as R's `qnorm`), log-gamma
 * (Lanczos), and the regularized incomplete beta function (continued fraction).
 */

const CODY_A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113] as const;
const CODY_B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956] as const;
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
] as const;
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
] as const;
const CODY_P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303] as const;
const CODY_Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5] as const;
const M_1_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;

/** exp(−y²/2) without the cancellation of squaring a large y at once (Cody's trick). */
function halfGaussTail(y: number, temp: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5) * temp;
}

/** The mass of the standard normal beyond |x| (`Φ(−|x|)`), to full relative precision in the tail. */
function normalTail(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let xnum = 0;
    let xden = 0;
    if (y > 1e-16) {
      const xsq = x * x;
      xnum = CODY_A[4] * xsq;
      xden = xsq;
      for (let i = 0; i < 3; i++) {
        xnum = (xnum + (CODY_A[i] as number)) * xsq;
        xden = (xden + (CODY_B[i] as number)) * xsq;
      }
    }
    return 0.5 - (y * (xnum + CODY_A[3])) / (xden + CODY_B[3]);
  }
  if (y <= SQRT_32) {
    let xnum = CODY_C[8] * y;
    let xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + (CODY_C[i] as number)) * y;
      xden = (xden + (CODY_D[i] as number)) * y;
    }
    return halfGaussTail(y, (xnum + CODY_C[7]) / (xden + CODY_D[7]));
  }
  if (y > 40) return 0;
  const xsq = 1 / (x * x);
  let xnum = CODY_P[5] * xsq;
  let xden = xsq;
  for (let i = 0; i < 4; i++) {
    xnum = (xnum + (CODY_P[i] as number)) * xsq;
    xden = (xden + (CODY_Q[i] as number)) * xsq;
  }
  let temp = (xsq * (xnum + CODY_P[4])) / (xden + CODY_Q[4]);
  temp = (M_1_SQRT_2PI - temp) / y;
  return halfGaussTail(y, temp);
}

/**
 * The standard normal CDF Φ(x).
 *
 * @example
 * normalCdf(1.959963984540054); // 0.975
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const tail = normalTail(x);
  return x <= 0 ? tail : 1 - tail;
}

/** The standard normal upper tail 1 − Φ(x), accurate where it is small. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

/** The standard normal density φ(x). */
export const normalPdf = (x: number): number => M_1_SQRT_2PI * Math.exp(-0.5 * x * x);

/**
 * The standard normal quantile Φ⁻¹(p) (Wichura, AS 241, relative error ~1e-16);
 * −Infinity at 0 and +Infinity at 1.
 *
 * @example
 * normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return p === 0 ? -Infinity : Number.NaN;
  if (!(p < 1)) return p === 1 ? Infinity : Number.NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/**
 * ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15).
 *
 * @example
 * logGamma(5); // ln 24
 */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export const logBeta = (a: number, b: number): number => logGamma(a) + logGamma(b) - logGamma(a + b);

const CF_TINY = 1e-300;
const CF_EPS = 1e-16;
const CF_MAXITER = 1000;

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAXITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) break;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b), the CDF of Beta(a, b)
 * at x. `lnB` is ln B(a, b), passed in by callers that evaluate it often.
 *
 * @example
 * betaCdf(0.5, 2, 2); // 0.5
 */
export function betaCdf(x: number, a: number, b: number, lnB: number = logBeta(a, b)): number {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnB);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The density at the x of the last `betaCdfWithPdf` call. */
export let lastBetaPdf = 0;

/**
 * `betaCdf` and, in `lastBetaPdf`, the density at the same x, from one
 * evaluation of the shared factor x^a (1−x)^b / B(a, b). For 0 < x < 1.
 */
export function betaCdfWithPdf(x: number, a: number, b: number, lnB: number): number {
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnB);
  lastBetaPdf = front / (x * (1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The density of Beta(a, b) at x in (0, 1). */
export function betaPdf(x: number, a: number, b: number, lnB: number = logBeta(a, b)): number {
  if (!(x > 0 && x < 1)) {
    if (x === 0) return a < 1 ? Infinity : a === 1 ? b : 0;
    if (x === 1) return b < 1 ? Infinity : b === 1 ? a : 0;
    return 0;
  }
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
}
