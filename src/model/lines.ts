/**
 * One small pure function per line of the yearly model (MODEL.md §3). The engine
 * composes them; the spreadsheet export writes the same equations as formulas.
 */

/** Hours in a model year, `H`. */
export const HOURS_PER_YEAR = 8760;

/**
 * `b^n` for a whole `n ≥ 0` by repeated squaring: a few multiplications instead of
 * a general `pow`, which dominated the engine's profile. Agrees with `Math.pow`
 * to a few ulps.
 */
export function powInt(b: number, n: number): number {
  if (n < 0 || n !== Math.floor(n) || n > 1024) return Math.pow(b, n);
  let result = 1;
  let base = b;
  let e = n;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return result;
}

/**
 * `g(r, t) = (1 + r)^(t-1)`: the multiplier of a yearly change `r` in operating year `t`.
 * The lines below take this multiplier as a value (`g`), so that a caller stepping
 * through the years can carry it forward (`g_{t+1} = g_t · (1 + r)`) instead of
 * raising `1 + r` to a power for every line of every year.
 */
export const growth = (r: number, t: number): number => powInt(1 + r, t - 1);

/** A Series' value in operating year `t` (1-based); the last value carries forward. */
export function seriesAt(s: number | readonly number[], t: number): number {
  if (typeof s === 'number') return s;
  const i = t - 1 < s.length ? t - 1 : s.length - 1;
  return s[i] as number;
}

/** §3.1 `N = itMW · 1000 / kWPerAccelerator` (not rounded). */
export const acceleratorCount = (itMW: number, kWPerAccelerator: number): number => (itMW * 1000) / kWPerAccelerator;

/**
 * §3.1 throughput per accelerator `τ_t = tokensPerSecond · perfGainPerYear^(b_k) · g(softwareGain, t)`:
 * `hardware = perfGainPerYear^(b_k)`, the hardware on sale in the generation's purchase year `b_k`
 * (0 for a rented fleet); `software = g(softwareGainPerYear, t)`.
 */
export const throughputPerAccelerator = (tokensPerSecond: number, hardware: number, software: number): number => tokensPerSecond * hardware * software;

/** §3.1 capex of the generation bought at `b_k`: `K_k = N · capexPerAccelerator · capexChangePerYear^(b_k)` (`firstCapex = N · capexPerAccelerator`). */
export const generationCapex = (firstCapex: number, capexChangePerYear: number, purchaseYear: number): number =>
  firstCapex * powInt(capexChangePerYear, purchaseYear);

/** §3.1 capacity in compute units `C_t = N_t · τ_t · 3600 · H`. */
export const capacityComputeUnits = (accelerators: number, throughput: number): number =>
  accelerators * throughput * 3600 * HOURS_PER_YEAR;

/** §3.2 tokens mode: demanded tokens `D_t = tokensPerYear · g(growthPerYear, t)`. */
export const demandedTokens = (tokensPerYear: number, g: number): number => tokensPerYear * g;

/** §3.2 tokens mode: served compute `U_t = min(D_t · w_t, maxUtilization · C_t)`. */
export const servedComputeTokensMode = (demanded: number, mixWeight: number, maxUtilization: number, capacity: number): number =>
  Math.min(demanded * mixWeight, maxUtilization * capacity);

/** §3.2 billed tokens of a segment: all of them when reasoning is billed, else the visible part. */
export const billedTokens = (tokens: number, hiddenReasoningShare: number, reasoningBilled: boolean): number =>
  reasoningBilled ? tokens : tokens * (1 - hiddenReasoningShare);

/** §3.3 `perMTok` revenue `B · perMTok · g(changePerYear, t) · (1 − discount) / 1e6`. */
export const perMTokRevenue = (billed: number, perMTok: number, g: number, discount: number): number => (billed * perMTok * g * (1 - discount)) / 1e6;

/** §3.3 subscription users `Q / (12 · TU_t)` with `TU_t = tokensPerUserMonth · g(usageGrowth, t)` (all tokens, hidden reasoning included). */
export const subscriptionUsers = (tokens: number, tokensPerUserMonth: number, gUsage: number): number => tokens / (12 * tokensPerUserMonth * gUsage);

/** §3.3 subscription revenue `users_t · 12 · arpuPerMonth · g(arpuChange, t)`. */
export const subscriptionRevenue = (users: number, arpuPerMonth: number, gArpu: number): number => users * 12 * arpuPerMonth * gArpu;

/** §3.3 per-accelerator-hour: hours sold `A = σ_i · u_t · N_t · H` with compute share `σ_i = share·k/w`. */
export const acceleratorHoursSold = (computeShare: number, utilization: number, accelerators: number): number =>
  computeShare * utilization * accelerators * HOURS_PER_YEAR;

/**
 * §3.3 per-accelerator-hour revenue `A · price · g(changePerYear, t) · techPremiumPerYear^(b_k)`: an hour of
 * hardware bought in year `b_k` rents for more (`premium = techPremiumPerYear^(b_k)`).
 */
export const perAcceleratorHourRevenue = (hours: number, price: number, g: number, premium: number): number => hours * price * g * premium;

/** §3.3 strategic value of imputed pricing `B · imputedPerMTok · g(changePerYear, t) / 1e6`, never cash. */
export const imputedValue = (billed: number, imputedPerMTok: number, g: number): number => (billed * imputedPerMTok * g) / 1e6;

/** §3.4 energy `MWh_t = itMW · pue · (idle + (1 − idle) · u_t) · H`. */
export const energyMWh = (itMW: number, pue: number, idleFraction: number, utilization: number): number =>
  itMW * pue * (idleFraction + (1 - idleFraction) * utilization) * HOURS_PER_YEAR;

/** §3.4 power cost `MWh_t · pricePerMWh · g(escalation, t)`. */
export const powerCost = (mwh: number, pricePerMWh: number, g: number): number => mwh * pricePerMWh * g;

/** §3.4 facility lease `itMW · 1000 · leasePerKWMonth · 12 · g(escalation, t)`. */
export const leaseCost = (itMW: number, leasePerKWMonth: number, g: number): number => itMW * 1000 * leasePerKWMonth * 12 * g;

/** §3.4 compute rent `N · H · rentPerAcceleratorHour · g(rentChange, t)`. */
export const rentCost = (accelerators: number, rentPerAcceleratorHour: number, g: number): number => accelerators * HOURS_PER_YEAR * rentPerAcceleratorHour * g;

/** §3.4 per-token cost `otherCostPerMTok · Q_t / 1e6`. */
export const perTokenCost = (otherCostPerMTok: number, tokens: number): number => (otherCostPerMTok * tokens) / 1e6;

/** §3.4 straight-line IT depreciation of one generation per year. */
export const itDepreciationPerYear = (capex: number, residualValue: number, depreciationYears: number): number =>
  (capex * (1 - residualValue)) / depreciationYears;

/**
 * §3.5 a segment's allocated cost `k_i · c_t · Q_i` with `c_t = COGS_t / U_t`; when nothing is served
 * (`U_t = 0`) there is no cost per unit: 0 for a segment without tokens, NaN (no value) otherwise.
 */
export const allocatedCost = (computeIntensity: number, cogs: number, served: number, tokens: number): number =>
  served === 0 ? (tokens === 0 ? 0 : Number.NaN) : computeIntensity * (cogs / served) * tokens;

/** §3.5 a segment's tokens are profitable when it earns cash and its margin `(R − cost) / R` meets `minMargin` (a cost without value never does). */
export const isProfitable = (revenue: number, cost: number, minMargin: number): boolean => revenue > 0 && (revenue - cost) / revenue >= minMargin;

/** §4 a margin `profit / revenue`; null without revenue (the gross margin of a year, a segment's). */
export const marginOf = (profit: number, revenue: number): number | null => (revenue === 0 ? null : profit / revenue);

/** §4 an amount per million tokens `amount / tokens · 1e6`; null without tokens (cost per MTok, realized price per MTok). */
export const perMTokOf = (amount: number, tokens: number): number | null => (tokens === 0 ? null : (amount / tokens) * 1e6);

/** §4 DSCR `ebitda / debt service`; null without debt service. */
export const dscrOf = (ebitda: number, service: number): number | null => (service > 0 ? ebitda / service : null);

/** §4 LTV `debt / value`; null when the value is 0. */
export const ltvOf = (debt: number, value: number): number | null => (value === 0 ? null : debt / value);

/** §3.6 tax with a loss carry-forward pool `P`: 0 on a loss, else `taxRate · max(0, ebit − P)`. */
export const taxWithCarryForward = (ebit: number, taxRate: number, pool: number): number =>
  ebit < 0 ? 0 : taxRate * Math.max(0, ebit - pool);

/** §3.6 the carry-forward pool after year's `ebit`: a loss adds to it, a profit uses it up. */
export const lossPoolAfter = (ebit: number, pool: number): number => (ebit < 0 ? pool - ebit : Math.max(0, pool - ebit));

/** §3.6 a payment due `yearsPastHorizon` years after `T`, owed at `T`: discounted at the commitment rate. */
export const owedAtHorizon = (payment: number, rate: number, yearsPastHorizon: number): number => payment / powInt(1 + rate, yearsPastHorizon);

/** §3.6 payback: first `t ≥ 1` with cumulative flow ≥ 0, interpolated; null if never. Reads `flows[0..n)`. */
export function paybackPeriod(flows: ArrayLike<number>, n: number = flows.length): number | null {
  let cum = flows[0] ?? 0;
  for (let t = 1; t < n; t++) {
    const f = flows[t] as number;
    const next = cum + f;
    if (next >= 0) return cum >= 0 ? t - 1 : t - 1 + -cum / f;
    cum = next;
  }
  return null;
}
