/**
 * The rules of MODEL.md §3, one `describe` each, on small hand-built scenarios
 * with round numbers. Every expected value is computed by hand from the spec's
 * equations (the arithmetic is written out), never read from the engine.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import type { ModelResult, SegmentYearRow, YearRow } from '../src/model/result.ts';
import { irrRef, near, nonFinitePaths, npvRef, scenario, withPatch } from './helpers.ts';

const H = 8760;

/**
 * The base toy: 1 MW, 1 kW accelerators → N = 1,000; 1,000 tokens/s each →
 * capacity 1000 · 1000 · 3600 · 8760 = 3.1536e13 compute units a year;
 * capex $1,000 each → K_0 = 1,000,000; PUE 1, no idle draw, $100/MWh;
 * lease $10/kW-month → 120,000 a year; one paid segment at $1/M; no tax.
 */
type Raw = Record<string, any>;
const toy = (years: number): Raw => ({
  id: 'toy',
  operator: 'custom',
  horizon: { startYear: 2030, years },
  site: {
    itMW: 1,
    pue: 1,
    power: { pricePerMWh: 100, escalationPerYear: 0, idleFraction: 0 },
    facility: { mode: 'lease', leasePerKWMonth: 10, escalationPerYear: 0, termYears: 1 },
  },
  fleet: {
    mode: 'own',
    kWPerAccelerator: 1,
    tokensPerSecond: 1000,
    capexPerAccelerator: 1000,
    usefulLifeYears: 5,
  },
  demand: {
    utilization: 0.5,
    segments: [{ id: 'paid', kind: 'paid-api', tokenShare: 1, pricing: { perMTok: 1 } }],
  },
  finance: { wacc: 0.1, taxRate: 0 },
});

/** The rented variant of the toy: no facility, no power, $2 per accelerator-hour. */
const rentedToy = (years: number): Raw =>
  withPatch(toy(years), (s) => {
    s.site = { itMW: 1, pue: 1, facility: { mode: 'none' } };
    s.fleet = { mode: 'rent', kWPerAccelerator: 1, tokensPerSecond: 1000, rentPerAcceleratorHour: 2, rentTermYears: 1 };
  });

const N = (1 * 1000) / 1; // accelerators in the toy
const C0 = N * 1000 * 3600 * H; // 3.1536e13
const LEASE = 1 * 1000 * 10 * 12; // 120,000 a year

const run = (raw: Raw): ModelResult => evaluate(scenario(raw));
const yr = (r: ModelResult, t: number): YearRow => {
  const y = r.years.find((x) => x.t === t);
  if (y === undefined) throw new Error(`no row t=${t}`);
  return y;
};
const seg = (r: ModelResult, id: string, t: number): SegmentYearRow => {
  const s = r.segments.find((x) => x.id === id);
  const y = s?.years.find((x) => x.t === t);
  if (y === undefined) throw new Error(`no segment ${id} row t=${t}`);
  return y;
};
/** A line over t = 1..T (0 where the engine says null: "no value" of a money line is no money). */
const line = (r: ModelResult, f: keyof YearRow, from = 1): number[] =>
  r.years.filter((y) => y.t >= from).map((y) => (y[f] as number | null) ?? 0);
const nearAll = (actual: number[], expected: number[], label: string): void => {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  expected.forEach((e, i) => near(actual[i], e, `${label}[${i}]`));
};

// ---------------------------------------------------------------------------
describe('§3.1 generation timing and refresh capex', () => {
  // L = 2 over T = 5: generation k in service s_k = 1 + 2k … s_k + 1, bought at t = s_k − 1.
  const r = run(
    withPatch(toy(5), (s) => {
      s.fleet.usefulLifeYears = 2;
      // the hardware on sale: √2 the throughput and √1.5 the capex a year, so 2× and 1.5× per two-year generation
      s.fleet.technology = { perfGainPerYear: Math.SQRT2, capexChangePerYear: Math.sqrt(1.5) };
    }),
  );
  const K0 = N * 1000; // 1,000,000
  const K = [K0, K0 * 1.5, K0 * 1.5 ** 2]; // generations 0, 1, 2 (s = 1, 3, 5); s_3 = 7 > T

  it('capex at t = 0, 2, 4 with capexChangePerYear^(b_k), b_k = 2k', () => {
    nearAll(line(r, 'capex', 0), [K[0]!, 0, K[1]!, 0, K[2]!, 0], 'capex');
    near(r.summary.totalCapex, K[0]! + K[1]! + K[2]!, 'totalCapex');
    near(r.summary.capexPerMW, K[0]! / 1, 'capexPerMW (t = 0 only)');
  });

  it('capacity doubles with each generation (perfGainPerYear^(b_k) = √2^(2k) = 2^k)', () => {
    nearAll(line(r, 'capacityTokens'), [C0, C0, 2 * C0, 2 * C0, 4 * C0], 'capacityTokens');
    nearAll(line(r, 'tokens'), [0.5 * C0, 0.5 * C0, C0, C0, 2 * C0], 'tokens');
    nearAll(line(r, 'accelerators'), [N, N, N, N, N], 'accelerators');
    expect(r.years.filter((y) => y.t >= 1).map((y) => y.generation)).toEqual([0, 0, 1, 1, 2]);
  });

  it('depreciation K_k / D for D = L = 2 years, no write-off; terminal = book of generation 2', () => {
    nearAll(line(r, 'depreciation'), [K[0]! / 2, K[0]! / 2, K[1]! / 2, K[1]! / 2, K[2]! / 2], 'depreciation');
    nearAll(line(r, 'writeOff'), [0, 0, 0, 0, 0], 'writeOff');
    near(yr(r, 5).terminalValue, K[2]! - K[2]! / 2, 'terminalValue_5');
  });

  it('refresh: false → after L no accelerators, capacity, power, tokens or revenue; lease and fixed opex still run', () => {
    const nr = run(
      withPatch(toy(4), (s) => {
        s.fleet.usefulLifeYears = 2;
        s.fleet.refresh = false;
        s.opex = { fixedPerMWYear: 50_000 };
      }),
    );
    const power = 1 * 1 * (0 + 1 * 0.5) * H * 100; // itMW · pue · (idle + (1 − idle)u) · H · price = 438,000
    const revenue = (0.5 * C0 * 1) / 1e6; // 15,768,000
    nearAll(line(nr, 'capex', 0), [K0, 0, 0, 0, 0], 'capex');
    nearAll(line(nr, 'accelerators'), [N, N, 0, 0], 'accelerators');
    nearAll(line(nr, 'capacityTokens'), [C0, C0, 0, 0], 'capacityTokens');
    nearAll(line(nr, 'power'), [power, power, 0, 0], 'power');
    nearAll(line(nr, 'tokens'), [0.5 * C0, 0.5 * C0, 0, 0], 'tokens');
    nearAll(line(nr, 'revenue'), [revenue, revenue, 0, 0], 'revenue');
    nearAll(line(nr, 'lease'), [LEASE, LEASE, LEASE, LEASE], 'lease');
    nearAll(line(nr, 'fixedOpex'), [50_000, 50_000, 50_000, 50_000], 'fixedOpex');
    nearAll(line(nr, 'depreciation'), [K0 / 2, K0 / 2, 0, 0], 'depreciation');
    nearAll(line(nr, 'cogs'), [power + LEASE + 50_000 + K0 / 2, power + LEASE + 50_000 + K0 / 2, LEASE + 50_000, LEASE + 50_000], 'cogs');
    for (const t of [3, 4]) {
      expect(yr(nr, t).grossMargin, `grossMargin_${t} (R = 0)`).toBeNull();
      expect(yr(nr, t).costPerMTok, `costPerMTok_${t} (Q = 0)`).toBeNull();
      near(yr(nr, t).grossProfit, -(LEASE + 50_000), `grossProfit_${t}`);
    }
    near(yr(nr, 4).terminalValue, 0, 'terminalValue_4 (nothing in service)');
    // §3.7: the per-MW averages run over the years with accelerators in service only
    near(nr.summary.revenuePerMW, revenue / 1, 'summary.revenuePerMW');
    near(nr.summary.grossProfitPerMW, (revenue - (power + LEASE + 50_000 + K0 / 2)) / 1, 'summary.grossProfitPerMW');
  });
});

// ---------------------------------------------------------------------------
describe('§3.4 write-off, residual proceeds and terminal value', () => {
  const K0 = N * 1000; // 1,000,000
  const mk = (years: number, D: number, patch?: (s: Raw) => void): ModelResult =>
    run(
      withPatch(toy(years), (s) => {
        s.fleet.usefulLifeYears = 2;
        s.fleet.depreciationYears = D;
        s.fleet.residualValue = 0.1;
        patch?.(s);
      }),
    );

  it('D = 4 > L = 2: generation 0 is written off at retirement, never depreciated after it', () => {
    const r = mk(3, 4);
    const dep = (K0 * (1 - 0.1)) / 4; // 225,000 a year
    const nbvAtRetirement = K0 - 2 * dep; // 550,000
    const writeOff = nbvAtRetirement - 0.1 * K0; // 450,000
    nearAll(line(r, 'depreciation'), [dep, dep, dep], 'depreciation (year 3 is generation 1 only)');
    nearAll(line(r, 'writeOff'), [0, writeOff, 0], 'writeOff');
    nearAll(line(r, 'residual'), [0, 0.1 * K0, 0], 'residual');
    nearAll(line(r, 'capex', 0), [K0, 0, K0, 0], 'capex');
    // generation 1 (years 3..4) after one year
    near(yr(r, 3).terminalValue, K0 - dep, 'terminalValue_3');
    const ebitda = (0.5 * C0) / 1e6 - 1 * 1 * 0.5 * H * 100 - LEASE;
    near(yr(r, 2).ebit, ebitda - dep - writeOff, 'ebit_2 includes the write-off');
    near(yr(r, 2).fcf, ebitda - K0 + 0.1 * K0, 'fcf_2 = ebitda − capex + residual (no tax)');
    near(yr(r, 3).fcf, ebitda + (K0 - dep), 'fcf_3 = ebitda + terminal');
  });

  it('D = L = 2: no write-off; the residual is what is left on the books', () => {
    const r = mk(3, 2);
    const dep = (K0 * 0.9) / 2; // 450,000
    nearAll(line(r, 'depreciation'), [dep, dep, dep], 'depreciation');
    nearAll(line(r, 'writeOff'), [0, 0, 0], 'writeOff');
    nearAll(line(r, 'residual'), [0, 0.1 * K0, 0], 'residual');
    near(yr(r, 3).terminalValue, K0 - dep, 'terminalValue_3');
  });

  it('D = 1 < L = 2: fully depreciated in year 1, no write-off, book value = residual share', () => {
    const r = mk(3, 1);
    const dep = K0 * 0.9; // 900,000 in the first year of each generation
    nearAll(line(r, 'depreciation'), [dep, 0, dep], 'depreciation');
    nearAll(line(r, 'writeOff'), [0, 0, 0], 'writeOff');
    nearAll(line(r, 'residual'), [0, 0.1 * K0, 0], 'residual');
    near(yr(r, 3).terminalValue, K0 - dep, 'terminalValue_3 (generation 1, fully depreciated)');
  });

  it('retirement exactly at T: residual proceeds at T and no terminal value; no refresh bought past T', () => {
    const r = mk(2, 4);
    const dep = (K0 * 0.9) / 4;
    nearAll(line(r, 'capex', 0), [K0, 0, 0], 'capex (s_1 = 3 > T)');
    nearAll(line(r, 'residual'), [0, 0.1 * K0], 'residual');
    nearAll(line(r, 'writeOff'), [0, K0 - 2 * dep - 0.1 * K0], 'writeOff');
    near(yr(r, 2).terminalValue ?? 0, 0, 'terminalValue_2');
  });

  it('terminalValue: none gives 0 at T and lowers npv by the discounted book value', () => {
    const withBook = mk(3, 4);
    const none = mk(3, 4, (s) => {
      s.finance.terminalValue = 'none';
    });
    const dep = (K0 * 0.9) / 4;
    near(yr(none, 3).terminalValue ?? 0, 0, 'terminalValue_3');
    near(yr(withBook, 3).fcf! - yr(none, 3).fcf!, K0 - dep, 'fcf_3 difference');
    near(withBook.summary.npv! - none.summary.npv!, (K0 - dep) / 1.1 ** 3, 'npv difference');
  });
});

// ---------------------------------------------------------------------------
describe('§3.2 tokens mode with unmet demand', () => {
  // two segments, intensity 1 and 3 at 50/50 → w = 0.5·1 + 0.5·3 = 2
  const r = run(
    withPatch(toy(3), (s) => {
      s.demand = {
        tokensPerYear: 1e13,
        growthPerYear: 1,
        maxUtilization: 0.8,
        segments: [
          { id: 'light', kind: 'paid-api', tokenShare: 0.5, computeIntensity: 1, pricing: { perMTok: 1 } },
          { id: 'heavy', kind: 'free', tokenShare: 0.5, computeIntensity: 3 },
        ],
      };
    }),
  );
  const w = 0.5 * 1 + 0.5 * 3;
  const D = [1e13, 2e13, 4e13]; // tokensPerYear · 2^(t−1)
  const U = D.map((d) => Math.min(d * w, 0.8 * C0)); // 2e13, 2.52288e13, 2.52288e13
  const Q = U.map((x) => x / w);
  const unmet = D.map((d, i) => d - U[i]! / w);

  it('served compute = min(D·w, maxU·C); utilization = U / C', () => {
    expect(U[0]).toBe(2e13);
    nearAll(line(r, 'utilization'), U.map((x) => x / C0), 'utilization');
    nearAll(line(r, 'tokens'), Q, 'tokens');
    near(yr(r, 2).utilization, 0.8, 'utilization_2 capped at maxUtilization');
  });

  it('unmetTokens = D − U / w', () => {
    nearAll(line(r, 'unmetTokens'), unmet, 'unmetTokens');
    near(unmet[0], 0, 'no unmet demand in year 1');
    near(r.summary.unmetTokens, unmet[0]! + unmet[1]! + unmet[2]!, 'summary.unmetTokens');
  });

  it('revenue and power follow the served tokens', () => {
    nearAll(line(r, 'revenue'), Q.map((q) => (0.5 * q * 1) / 1e6), 'revenue');
    nearAll(line(r, 'power'), U.map((x) => 1 * 1 * (x / C0) * H * 100), 'power');
    nearAll(seg(r, 'heavy', 2).tokens === null ? [] : [seg(r, 'heavy', 2).tokens!], [0.5 * Q[1]!], 'heavy tokens_2');
  });

  it('warns about unmet demand', () => {
    const unmetWarnings = r.warnings.filter((w) => /unmet/i.test(`${w.code} ${w.message}`));
    expect(unmetWarnings.length, JSON.stringify(r.warnings)).toBeGreaterThan(0);
    // a warning that names a year names one with unmet demand (years 2 and 3, not 1)
    for (const w of unmetWarnings) if (w.t !== undefined) expect([2, 3]).toContain(w.t);
    const none = run(
      withPatch(toy(1), (s) => {
        delete s.demand.utilization;
        s.demand.tokensPerYear = 1e12; // well under capacity
      }),
    );
    expect(none.warnings.filter((w) => /unmet/i.test(`${w.code} ${w.message}`))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe('§3.3 subscription pricing', () => {
  const r = run(
    withPatch(toy(3), (s) => {
      s.demand.segments = [
        {
          id: 'sub',
          kind: 'subscription',
          tokenShare: 1,
          hiddenReasoningShare: 0.5, // users count all tokens, hidden included
          pricing: { subscription: { arpuPerMonth: 20, tokensPerUserMonth: 1e6, arpuChangePerYear: 0.1, usageGrowthPerYear: 0.5 } },
        },
      ];
    }),
  );
  const Q = 0.5 * C0; // 1.5768e13 every year
  const TU = [1e6, 1e6 * 1.5, 1e6 * 1.5 ** 2];
  const users = TU.map((tu) => Q / (12 * tu)); // 1,314,000; 876,000; 584,000
  const arpu = [20, 20 * 1.1, 20 * 1.1 ** 2];
  const revenue = users.map((n, i) => n * 12 * arpu[i]!); // 315,360,000; 231,264,000; 169,593,600

  it('users_t = Q / (12 · TU_t) with usage growth', () => {
    near(users[0], 1_314_000, 'hand check');
    for (const t of [1, 2, 3]) near(seg(r, 'sub', t).users, users[t - 1]!, `users_${t}`);
  });

  it('revenue = users · 12 · ARPU · g(arpuChange)', () => {
    near(revenue[2], 169_593_600, 'hand check');
    nearAll(line(r, 'revenue'), revenue, 'revenue');
    for (const t of [1, 2, 3]) near(seg(r, 'sub', t).revenue, revenue[t - 1]!, `segment revenue_${t}`);
  });

  it('hidden reasoning of an unbilled subscription: half the tokens hidden, half billed', () => {
    nearAll(line(r, 'hiddenReasoningTokens'), [Q / 2, Q / 2, Q / 2], 'hiddenReasoningTokens');
    nearAll(line(r, 'billedTokens'), [Q / 2, Q / 2, Q / 2], 'billedTokens');
  });
});

// ---------------------------------------------------------------------------
describe('§3.3 per-accelerator-hour pricing with techPremiumPerYear and compute share', () => {
  // L = 2 over T = 3 → generation 1, bought at b_1 = 2 (√2² = 2× the throughput), in year 3.
  // 'hours' has share 0.5 and intensity 2, 'rest' 0.5 and 1 → w = 1.5, σ = 0.5·2/1.5 = 2/3.
  const r = run(
    withPatch(toy(3), (s) => {
      s.fleet.usefulLifeYears = 2;
      s.fleet.technology = { perfGainPerYear: Math.SQRT2, capexChangePerYear: 1 };
      s.demand = {
        utilization: 0.6,
        segments: [
          {
            id: 'hours',
            kind: 'capacity-contract',
            tokenShare: 0.5,
            computeIntensity: 2,
            pricing: { perAcceleratorHour: 2, changePerYear: -0.1, techPremiumPerYear: Math.sqrt(1.5) },
          },
          { id: 'rest', kind: 'free', tokenShare: 0.5 },
        ],
      };
    }),
  );
  const w = 0.5 * 2 + 0.5 * 1;
  const sigma = (0.5 * 2) / w;
  const A = sigma * 0.6 * N * H; // 3,504,000 accelerator-hours a year
  const revenue = [A * 2 * 1 * 1.5 ** 0, A * 2 * 0.9 * 1.5 ** 0, A * 2 * 0.9 ** 2 * 1.5 ** 1];

  it('accelerator-hours A = σ · u · N · H', () => {
    near(A, 3_504_000, 'hand check');
    for (const t of [1, 2, 3]) near(seg(r, 'hours', t).acceleratorHours, A, `acceleratorHours_${t}`);
  });

  it('revenue = A · price · g(change) · techPremiumPerYear^(b_k) (√1.5² = 1.5 for the generation bought at t = 2)', () => {
    near(revenue[2], 8_514_720, 'hand check');
    nearAll(line(r, 'revenue'), revenue, 'revenue');
  });

  it('tokens = u · C / w, generation 1 has twice the capacity', () => {
    nearAll(line(r, 'tokens'), [(0.6 * C0) / w, (0.6 * C0) / w, (0.6 * 2 * C0) / w], 'tokens');
    near(seg(r, 'hours', 3).tokens, (0.5 * 0.6 * 2 * C0) / w, 'hours tokens_3');
  });
});

// ---------------------------------------------------------------------------
describe('§3.1/§3.4 rent mode', () => {
  const r = run(
    withPatch(rentedToy(3), (s) => {
      s.fleet.rentChangePerYear = -0.1;
      s.fleet.rentTermYears = 3;
    }),
  );
  const rent = [1, 2, 3].map((t) => N * H * 2 * 0.9 ** (t - 1)); // 17,520,000; 15,768,000; 14,191,200
  const revenue = (0.5 * C0) / 1e6; // 15,768,000

  it('rent every year with rentChangePerYear', () => {
    nearAll(line(r, 'rent'), rent, 'rent');
    near(rent[2], 14_191_200, 'hand check');
  });

  it('no capex, no power, no lease, no depreciation', () => {
    nearAll(line(r, 'capex', 0), [0, 0, 0, 0], 'capex');
    nearAll(line(r, 'power'), [0, 0, 0], 'power');
    nearAll(line(r, 'lease'), [0, 0, 0], 'lease');
    nearAll(line(r, 'depreciation'), [0, 0, 0], 'depreciation');
    near(r.summary.capexPerMW, 0, 'capexPerMW');
  });

  it('one generation in service every year, full capacity', () => {
    nearAll(line(r, 'accelerators'), [N, N, N], 'accelerators');
    nearAll(line(r, 'capacityTokens'), [C0, C0, C0], 'capacityTokens');
    nearAll(line(r, 'revenue'), [revenue, revenue, revenue], 'revenue');
    nearAll(line(r, 'cogs'), rent, 'cogs');
    nearAll(line(r, 'fcf', 0), [0, revenue - rent[0]!, revenue - rent[1]!, revenue - rent[2]!], 'fcf');
  });

  it('npv of the rented flows (fcf_0 = 0)', () => {
    near(r.summary.npv, npvRef(0.1, [0, revenue - rent[0]!, revenue - rent[1]!, revenue - rent[2]!]), 'npv');
    near(r.summary.peakFunding, -Math.min(0, revenue - rent[0]!, 2 * revenue - rent[0]! - rent[1]!, 3 * revenue - rent[0]! - rent[1]! - rent[2]!), 'peakFunding');
  });

  it('payback is 0 when there is no capex (a profitable rented factory)', () => {
    // $1.5/h: rent 13,140,000 · 0.9^(t−1) < revenue 15,768,000 every year
    const p = run(
      withPatch(rentedToy(3), (s) => {
        s.fleet.rentPerAcceleratorHour = 1.5;
        s.fleet.rentChangePerYear = -0.1;
      }),
    );
    expect(p.summary.paybackYears).toBe(0);
    expect(p.summary.discountedPaybackYears).toBe(0);
  });

  it('payback is 0 when there is no capex, even when the first years lose money (§3.6: "0 if there is no capex")', () => {
    // this toy loses 1,752,000 in year 1 and never recovers it within T = 3 (cumulative −175,200 at T)
    near(3 * revenue - rent[0]! - rent[1]! - rent[2]!, -175_200, 'hand check: cumulative fcf at T');
    expect(r.summary.paybackYears, 'paybackYears').toBe(0);
    expect(r.summary.discountedPaybackYears, 'discountedPaybackYears ("the same on discounted flows")').toBe(0);
  });
});

// ---------------------------------------------------------------------------
describe('§3.6 lease and rent commitments', () => {
  const leaseYear = (t: number): number => 1 * 1000 * 10 * 12 * 1.1 ** (t - 1); // 120,000 · 1.1^(t−1)
  const leased = (debt: boolean): ModelResult =>
    run(
      withPatch(toy(3), (s) => {
        s.site.facility = { mode: 'lease', leasePerKWMonth: 10, escalationPerYear: 0.1, termYears: 5 };
        if (debt) s.finance.debt = { share: 0.5, rate: 0.05, termYears: 3 };
      }),
    );
  const all = [1, 2, 3, 4, 5].map(leaseYear);
  const total = all.reduce((a, b) => a + b, 0); // 120,000 · (1.1^5 − 1) / 0.1 = 732,612

  it('leaseCommitment runs over the whole term, past the horizon', () => {
    near(total, 732_612, 'hand check');
    const r = leased(false);
    near(r.summary.leaseCommitment, total, 'leaseCommitment');
    nearAll(line(r, 'lease'), [leaseYear(1), leaseYear(2), leaseYear(3)], 'lease');
  });

  it('commitmentRemaining_t = what is still due after year t', () => {
    const r = leased(false);
    nearAll(line(r, 'commitmentRemaining'), [total - all[0]!, total - all[0]! - all[1]!, all[3]! + all[4]!], 'commitmentRemaining');
  });

  it('leaseCommitmentPV at wacc without debt, at the debt rate with debt', () => {
    near(leased(false).summary.leaseCommitmentPV, all.reduce((a, x, i) => a + x / 1.1 ** (i + 1), 0), 'PV at wacc 10 %');
    near(leased(false).summary.leaseCommitmentPV, (5 * 120_000) / 1.1, 'hand check: escalation = wacc');
    near(leased(true).summary.leaseCommitmentPV, all.reduce((a, x, i) => a + x / 1.05 ** (i + 1), 0), 'PV at the debt rate 5 %');
  });

  it('a lease term shorter than the horizon: the lease is renewed, the commitment is the term only', () => {
    const r = run(
      withPatch(toy(3), (s) => {
        s.site.facility = { mode: 'lease', leasePerKWMonth: 10, escalationPerYear: 0.1, termYears: 2 };
      }),
    );
    nearAll(line(r, 'lease'), [leaseYear(1), leaseYear(2), leaseYear(3)], 'lease (renewed at the same escalation)');
    near(r.summary.leaseCommitment, leaseYear(1) + leaseYear(2), 'leaseCommitment');
    nearAll(line(r, 'commitmentRemaining'), [leaseYear(2), 0, 0], 'commitmentRemaining');
  });

  it('compute rent: rentTermYears past the horizon', () => {
    const r = run(
      withPatch(rentedToy(3), (s) => {
        s.fleet.rentChangePerYear = -0.1;
        s.fleet.rentTermYears = 5;
      }),
    );
    const rent = [1, 2, 3, 4, 5].map((t) => N * H * 2 * 0.9 ** (t - 1));
    const sum = rent.reduce((a, b) => a + b, 0); // 17,520,000 · (1 − 0.9^5) / 0.1 = 71,746,152
    near(sum, 71_746_152, 'hand check');
    near(r.summary.leaseCommitment, sum, 'leaseCommitment');
    nearAll(line(r, 'commitmentRemaining'), [sum - rent[0]!, rent[2]! + rent[3]! + rent[4]!, rent[3]! + rent[4]!], 'commitmentRemaining');
    near(r.summary.leaseCommitmentPV, rent.reduce((a, x, i) => a + x / 1.1 ** (i + 1), 0), 'leaseCommitmentPV at wacc');
  });
});

// ---------------------------------------------------------------------------
describe('§3.6 tax with a loss carry-forward', () => {
  // Rented toy at $1/accelerator-hour: rent = 1000 · 8760 · 1 = 8,760,000 a year; tax 25 %.
  // Revenue = u · C0 / 1e6 at $1/M: u = 0.25 → 7,884,000; 0.3 → 9,460,800; 0.75 → 23,652,000.
  const r = run(
    withPatch(rentedToy(4), (s) => {
      s.fleet.rentPerAcceleratorHour = 1;
      s.demand.utilization = [0.25, 0.3, 0.75];
      s.finance.taxRate = 0.25;
    }),
  );
  const rent = N * H * 1;
  const ebit = [0.25, 0.3, 0.75, 0.75].map((u) => (u * C0) / 1e6 - rent); // −876,000; 700,800; 14,892,000; 14,892,000
  // pool: 876,000 after year 1; year 2 uses 700,800 of it (175,200 left); year 3 uses the rest
  const tax = [0, 0, 0.25 * (ebit[2]! - (876_000 - 700_800)), 0.25 * ebit[3]!];

  it('hand check', () => {
    near(ebit[0], -876_000, 'ebit_1');
    near(ebit[1], 700_800, 'ebit_2');
    near(tax[2], 3_679_200, 'tax_3');
    near(tax[3], 3_723_000, 'tax_4');
  });

  it('a loss year, a small profit absorbed by the pool, then tax on what is left', () => {
    nearAll(line(r, 'ebit'), ebit, 'ebit');
    nearAll(line(r, 'tax'), tax, 'tax');
    nearAll(line(r, 'fcf'), ebit.map((e, i) => e - tax[i]!), 'fcf');
  });

  it('without debt, levered tax = tax', () => {
    nearAll(line(r, 'leveredTax'), tax, 'leveredTax');
  });
});

// ---------------------------------------------------------------------------
describe('§3.6 debt: straight and bullet', () => {
  // L = 2 over T = 4: K = 1,000,000 at t = 0 and t = 2. Debt 60 % at 10 %, 3 years. Tax 20 %.
  const mk = (amortization: 'straight' | 'bullet'): ModelResult =>
    run(
      withPatch(toy(4), (s) => {
        s.fleet.usefulLifeYears = 2;
        s.finance.taxRate = 0.2;
        s.finance.debt = { share: 0.6, rate: 0.1, termYears: 3, amortization };
      }),
    );
  const K = N * 1000;
  const loan = 0.6 * K; // 600,000 at t = 0 and at t = 2
  const revenue = (0.5 * C0) / 1e6; // 15,768,000
  const ebitda = revenue - 1 * 1 * 0.5 * H * 100 - LEASE; // 15,768,000 − 438,000 − 120,000 = 15,210,000
  const ebit = ebitda - K / 2; // 14,710,000
  const capex = [K, 0, K, 0, 0];
  const draws = [loan, 0, loan, 0, 0];
  // IT book value at the end of t: gen 0 half-depreciated; gen 1 new; gen 1 half; nothing (gen 1 retired at 4, s_2 = 5 > T)
  const book = [K, K / 2, K, K / 2, 0];

  const check = (r: ModelResult, debt: number[], principal: number[], label: string): void => {
    const interest = [0, 0.1 * debt[0]!, 0.1 * debt[1]!, 0.1 * debt[2]!, 0.1 * debt[3]!];
    const repaid = debt[4]!;
    const leveredTax = interest.map((i) => 0.2 * (ebit - i));
    const tax = 0.2 * ebit;
    nearAll(line(r, 'draws', 0), draws, `${label} draws`);
    nearAll(line(r, 'interest'), interest.slice(1), `${label} interest (on the opening balance)`);
    nearAll(line(r, 'principal'), principal.slice(1), `${label} principal`);
    nearAll(line(r, 'debtOutstanding', 0), debt, `${label} debtOutstanding`);
    nearAll(line(r, 'debtRepaidAtHorizon'), [0, 0, 0, repaid], `${label} debtRepaidAtHorizon`);
    nearAll(line(r, 'tax'), [tax, tax, tax, tax], `${label} unlevered tax ignores interest`);
    nearAll(line(r, 'leveredTax'), leveredTax.slice(1), `${label} leveredTax`);
    const eq = [0, 1, 2, 3, 4].map((t) =>
      t === 0
        ? -K + loan
        : ebitda - leveredTax[t]! - capex[t]! + draws[t]! - interest[t]! - principal[t]! + (t === 4 ? 0 /* terminal */ - repaid : 0),
    );
    nearAll(line(r, 'equityCashFlow', 0), eq, `${label} equityCashFlow`);
    const fcf = [0, 1, 2, 3, 4].map((t) => (t === 0 ? -K : ebitda - tax - capex[t]!));
    nearAll(line(r, 'fcf', 0), fcf, `${label} fcf is unlevered`);
    const dscr = [1, 2, 3, 4].map((t) => ebitda / (interest[t]! + principal[t]!));
    nearAll(line(r, 'dscr'), dscr, `${label} dscr`);
    near(r.summary.minDscr, Math.min(...dscr), `${label} minDscr`);
    for (const t of [1, 2, 3]) near(yr(r, t).ltv, debt[t]! / book[t]!, `${label} ltv_${t}`);
    expect(yr(r, 4).ltv, `${label} ltv_4 (book value 0)`).toBeNull();
    near(r.summary.maxLtv, Math.max(debt[1]! / book[1]!, debt[2]! / book[2]!, debt[3]! / book[3]!), `${label} maxLtv`);
  };

  it('straight: loan / 3 a year after each draw; what is left at T is repaid at the horizon', () => {
    // loan 0: 200k at t = 1, 2, 3; loan 1: 200k at t = 3, 4, (5)
    const principal = [0, 200_000, 200_000, 400_000, 200_000];
    const debt = [600_000, 400_000, 800_000, 400_000, 200_000];
    check(mk('straight'), debt, principal, 'straight');
  });

  it('bullet: all principal at the end of the term; loan 1 (due t = 5) is repaid at the horizon', () => {
    const principal = [0, 0, 0, 600_000, 0];
    const debt = [600_000, 600_000, 1_200_000, 600_000, 600_000];
    check(mk('bullet'), debt, principal, 'bullet');
  });

  it('no debt: dscr, ltv, minDscr and maxLtv are null', () => {
    const r = run(toy(2));
    for (const t of [1, 2]) {
      expect(yr(r, t).dscr).toBeNull();
      expect(yr(r, t).ltv ?? null).toBeNull();
    }
    expect(r.summary.minDscr).toBeNull();
    expect(r.summary.maxLtv).toBeNull();
  });
});

// ---------------------------------------------------------------------------
describe('§3.2–3.5 hidden reasoning, strategic value and the funnel', () => {
  it('billed vs hidden tokens with reasoningBilled true/false', () => {
    const r = run(
      withPatch(toy(1), (s) => {
        s.demand.segments = [
          { id: 'billed', kind: 'paid-api', tokenShare: 0.5, hiddenReasoningShare: 0.4, reasoningBilled: true, pricing: { perMTok: 1 } },
          { id: 'unbilled', kind: 'paid-api', tokenShare: 0.5, hiddenReasoningShare: 0.4, pricing: { perMTok: 1 } },
        ];
      }),
    );
    const Qi = 0.5 * 0.5 * C0; // 7.884e12 each
    near(seg(r, 'billed', 1).hiddenReasoningTokens, 0.4 * Qi, 'billed hidden');
    near(seg(r, 'billed', 1).billedTokens, Qi, 'billed billedTokens');
    near(seg(r, 'unbilled', 1).billedTokens, Qi * (1 - 0.4), 'unbilled billedTokens');
    near(yr(r, 1).hiddenReasoningTokens, 2 * 0.4 * Qi, 'hiddenReasoningTokens');
    near(yr(r, 1).billedTokens, Qi + 0.6 * Qi, 'billedTokens');
    near(yr(r, 1).revenue, (Qi + 0.6 * Qi) / 1e6, 'revenue');
    near(yr(r, 1).realizedPricePerMTok, 1, 'realizedPricePerMTok');
  });

  it('imputed pricing gives strategic value, not revenue', () => {
    const r = run(
      withPatch(toy(2), (s) => {
        s.finance.taxRate = 0.2;
        s.demand.segments = [
          { id: 'paid', kind: 'paid-api', tokenShare: 0.5, pricing: { perMTok: 1 } },
          {
            id: 'internal',
            kind: 'internal-product',
            tokenShare: 0.5,
            hiddenReasoningShare: 0.5,
            pricing: { imputedPerMTok: 2, changePerYear: -0.5 },
          },
        ];
      }),
    );
    const Qi = 0.5 * 0.5 * C0;
    const V = [1, 2].map((t) => (Qi * 0.5 * 2 * 0.5 ** (t - 1)) / 1e6); // billed = Q_i · (1 − h)
    const R = Qi / 1e6;
    for (const t of [1, 2]) {
      near(seg(r, 'internal', t).revenue ?? 0, 0, `internal revenue_${t}`);
      near(seg(r, 'internal', t).strategicValue, V[t - 1]!, `internal strategicValue_${t}`);
      near(yr(r, t).revenue, R, `revenue_${t}`);
      near(yr(r, t).strategicValue, V[t - 1]!, `strategicValue_${t}`);
      near(yr(r, t).strategicTokens, Qi, `strategicTokens_${t}`);
      near(yr(r, t).monetizableTokens, Qi, `monetizableTokens_${t}`);
      near(yr(r, t).strategicRevenuePerMW, (R + V[t - 1]!) / 1, `strategicRevenuePerMW_${t}`);
      near(yr(r, t).billedTokens, Qi, `billedTokens_${t} (cash segments only)`);
      expect(seg(r, 'internal', t).monetizable).toBe(false);
    }
    const pv = V[0]! * 0.8 / 1.1 + V[1]! * 0.8 / 1.1 ** 2;
    near(r.summary.strategicValuePV, pv, 'strategicValuePV');
    near(r.summary.strategicNpv, r.summary.npv! + pv, 'strategicNpv');
  });

  it('monetizable = segments with revenue; profitable = those with margin ≥ minMargin on allocated cost k_i·c·Q_i', () => {
    // Rented toy at $1/h: COGS = rent = 8,760,000; U = 0.5 · C0 = 1.5768e13 → c = COGS / U ($0.5556 per M compute units).
    // cheap: share 0.3, k = 1, $0.8/M → margin (0.8 − 0.5556)/0.8 = 0.31 < 0.5
    // rich:  share 0.2, k = 2, $3/M   → margin (3 − 1.1111)/3 = 0.63 ≥ 0.5
    const r = run(
      withPatch(rentedToy(1), (s) => {
        s.fleet.rentPerAcceleratorHour = 1;
        s.profitability = { minMargin: 0.5 };
        s.demand.segments = [
          { id: 'cheap', kind: 'paid-api', tokenShare: 0.3, pricing: { perMTok: 0.8 } },
          { id: 'rich', kind: 'paid-api', tokenShare: 0.2, computeIntensity: 2, pricing: { perMTok: 3 } },
          { id: 'free', kind: 'free', tokenShare: 0.5 },
        ];
      }),
    );
    const w = 0.3 * 1 + 0.2 * 2 + 0.5 * 1; // 1.2
    const U = 0.5 * C0;
    const Q = U / w;
    const cogs = N * H * 1;
    const c = cogs / U;
    const cost = { cheap: 1 * c * 0.3 * Q, rich: 2 * c * 0.2 * Q, free: 1 * c * 0.5 * Q };
    const rev = { cheap: (0.3 * Q * 0.8) / 1e6, rich: (0.2 * Q * 3) / 1e6, free: 0 };
    const margin = { cheap: (rev.cheap - cost.cheap) / rev.cheap, rich: (rev.rich - cost.rich) / rev.rich };
    expect(margin.cheap).toBeLessThan(0.5);
    expect(margin.rich).toBeGreaterThanOrEqual(0.5);
    for (const id of ['cheap', 'rich', 'free'] as const) {
      near(seg(r, id, 1).cost, cost[id], `${id} cost`);
      near(seg(r, id, 1).revenue ?? 0, rev[id], `${id} revenue`);
    }
    near(seg(r, 'cheap', 1).grossMargin, margin.cheap, 'cheap margin');
    near(seg(r, 'rich', 1).grossMargin, margin.rich, 'rich margin');
    expect(seg(r, 'free', 1).grossMargin, 'free margin (R = 0)').toBeNull();
    expect([seg(r, 'cheap', 1).monetizable, seg(r, 'rich', 1).monetizable, seg(r, 'free', 1).monetizable]).toEqual([true, true, false]);
    expect([seg(r, 'cheap', 1).profitable, seg(r, 'rich', 1).profitable, seg(r, 'free', 1).profitable]).toEqual([false, true, false]);
    near(yr(r, 1).tokens, Q, 'tokens');
    near(yr(r, 1).monetizableTokens, (0.3 + 0.2) * Q, 'monetizableTokens');
    near(yr(r, 1).profitableTokens, 0.2 * Q, 'profitableTokens');
    near(r.summary.monetizableShare, 0.5, 'monetizableShare');
    near(r.summary.profitableShare, 0.2, 'profitableShare');
    // the allocated costs add up to COGS: Σ k_i · c · Q_i = c · Q · w = c · U
    near(cost.cheap + cost.rich + cost.free, cogs, 'hand check: allocation is complete');
  });
});

// ---------------------------------------------------------------------------
describe('§3.4/§3.6 owned facility', () => {
  // itMW 2 → N = 2,000, IT capex K = 2,000,000 (life 5, D 5); facility 1,000,000/MW, life 4 → 2,000,000 at t = 0.
  const mk = (years: number): ModelResult =>
    run(
      withPatch(toy(years), (s) => {
        s.site.itMW = 2;
        s.site.facility = { mode: 'own', capexPerMW: 1_000_000, lifeYears: 4 };
      }),
    );
  const K = 2000 * 1000;
  const F = 1_000_000 * 2;
  const itDep = K / 5; // 400,000
  const facDep = F / 4; // 500,000

  it('facility capex at t = 0, depreciated over its life, in capexPerMW', () => {
    const r = mk(3);
    nearAll(line(r, 'capex', 0), [K + F, 0, 0, 0], 'capex');
    near(r.summary.capexPerMW, (K + F) / 2, 'capexPerMW');
    nearAll(line(r, 'depreciation'), [itDep + facDep, itDep + facDep, itDep + facDep], 'depreciation');
    nearAll(line(r, 'lease'), [0, 0, 0], 'no lease');
  });

  it('terminal value = IT book + facility book at T', () => {
    const r = mk(3);
    near(yr(r, 3).terminalValue, K - 3 * itDep + (F - 3 * facDep), 'terminalValue_3');
  });

  it('after its life the facility is no longer depreciated and has no book value', () => {
    const r = mk(5);
    nearAll(line(r, 'depreciation'), [1, 2, 3, 4, 5].map((t) => itDep + (t <= 4 ? facDep : 0)), 'depreciation');
    // the IT generation retires at the end of year 5 = T: no terminal value, residual 0
    near(yr(r, 5).terminalValue ?? 0, 0, 'terminalValue_5');
  });

  it('ltv uses IT + facility book value', () => {
    const r = run(
      withPatch(toy(3), (s) => {
        s.site.itMW = 2;
        s.site.facility = { mode: 'own', capexPerMW: 1_000_000, lifeYears: 4 };
        s.finance.debt = { share: 0.5, rate: 0.1, termYears: 5, amortization: 'bullet' };
      }),
    );
    const debt = 0.5 * (K + F);
    for (const t of [1, 2, 3]) near(yr(r, t).ltv, debt / (K - t * itDep + F - t * facDep), `ltv_${t}`);
  });
});

// ---------------------------------------------------------------------------
describe('§4 year 0 and no NaN/Infinity', () => {
  it('year 0 carries capex, draws and fcf; operating lines are null', () => {
    const r = run(
      withPatch(toy(2), (s) => {
        s.finance.debt = { share: 0.5, rate: 0.1, termYears: 2 };
      }),
    );
    const y0 = yr(r, 0);
    expect(y0.year).toBe(2029);
    near(y0.capex, 1_000_000, 'capex_0');
    near(y0.draws, 500_000, 'draws_0');
    near(y0.fcf, -1_000_000, 'fcf_0');
    for (const f of ['tokens', 'revenue', 'cogs', 'ebitda', 'ebit', 'tax', 'power', 'lease', 'depreciation', 'interest', 'principal', 'dscr', 'grossMargin'] as const) {
      expect(y0[f], `${f}_0`).toBeNull();
    }
  });

  it('utilization 0: revenue 0 → grossMargin, costPerMTok, realized price and segment margins null; nothing NaN', () => {
    const r = run(
      withPatch(toy(2), (s) => {
        s.demand.utilization = 0;
        s.finance.debt = { share: 0.5, rate: 0.1, termYears: 2 };
        s.demand.segments = [
          { id: 'paid', kind: 'paid-api', tokenShare: 0.5, pricing: { perMTok: 1 } },
          { id: 'sub', kind: 'subscription', tokenShare: 0.25, pricing: { subscription: { arpuPerMonth: 10, tokensPerUserMonth: 1e6 } } },
          { id: 'hours', kind: 'capacity-contract', tokenShare: 0.25, pricing: { perAcceleratorHour: 1 } },
        ];
      }),
    );
    expect(nonFinitePaths(r)).toEqual([]);
    for (const t of [1, 2]) {
      const y = yr(r, t);
      near(y.revenue, 0, `revenue_${t}`);
      near(y.tokens, 0, `tokens_${t}`);
      expect(y.grossMargin, `grossMargin_${t}`).toBeNull();
      expect(y.costPerMTok, `costPerMTok_${t}`).toBeNull();
      expect(y.realizedPricePerMTok, `realizedPricePerMTok_${t}`).toBeNull();
      for (const id of ['paid', 'sub', 'hours']) expect(seg(r, id, t).grossMargin, `${id} margin_${t}`).toBeNull();
      // idle draw 0 → no power; lease and depreciation still run
      near(y.power, 0, `power_${t}`);
      near(y.cogs, LEASE + 1_000_000 / 5, `cogs_${t}`);
    }
    expect(r.summary.grossMargin).toBeNull();
    expect(r.summary.costPerMTok).toBeNull();
    expect(r.summary.realizedPricePerMTok).toBeNull();
    // flows −1,000,000, −120,000 (lease), −120,000 + 600,000 (IT book at T): a negative IRR, never paid back
    near(yr(r, 2).fcf, -LEASE + (1_000_000 - 2 * (1_000_000 / 5)), 'fcf_2');
    near(r.summary.irr, irrRef([-1_000_000, -LEASE, -LEASE + 600_000]), 'irr');
    expect(r.summary.paybackYears).toBeNull();
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('tokens mode with zero demand and rent mode are clean too', () => {
    const a = run(
      withPatch(toy(2), (s) => {
        delete s.demand.utilization;
        s.demand.tokensPerYear = 0;
      }),
    );
    const b = run(rentedToy(2));
    expect(nonFinitePaths(a)).toEqual([]);
    expect(nonFinitePaths(b)).toEqual([]);
    nearAll(line(a, 'unmetTokens'), [0, 0], 'unmetTokens');
  });
});
