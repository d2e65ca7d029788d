/** The signal monitor's pure parts: definitions, import checks, expected paths, tripwires, status, calendar. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getInput, setInput } from '../src/analysis/paths.ts';
import { evaluate } from '../src/model/engine.ts';
import { formatIssue } from '../src/model/issues.ts';
import type { ResolvedScenario } from '../src/model/load.ts';
import { readScenarioFile } from '../src/io/files.ts';
import { loadContext, loadSignalDefinitions, readObservationsFile, seedObservationsPath } from '../src/io/signal-files.ts';
import { evidenceCalendar } from '../src/signals/calendar.ts';
import { addMonths, isIsoDate, quartersAhead } from '../src/signals/dates.ts';
import { normalizeUnit, parseSignalDefinitions, SIGNAL_IDS, unitFit } from '../src/signals/definitions.ts';
import { parseCsv, readObservationFields, readObservationsCsv, readObservationsJson } from '../src/signals/import.ts';
import { expectedInYear, linkSignal, tripwireOf, yearAt } from '../src/signals/link.ts';
import type { Observation } from '../src/signals/observation.ts';
import { evidencePlan, matchScope, seriesKey, signalStatus, trendOf } from '../src/signals/status.ts';

const ROOT = join(import.meta.dirname, '..');
const defs = loadSignalDefinitions();
const def = (id: string) => defs.find((d) => d.id === id)!;
const load = (id: string): ResolvedScenario => {
  const r = readScenarioFile(id);
  if (!r.ok) throw new Error(`${id} does not load`);
  return r.scenario;
};
const neocloud = load('neocloud-base');
const hyperscaler = load('hyperscaler-base');
const frontier = load('frontier-lab-base');

let nextId = 1;
/** An observation as the store would give it back. */
const o = (signal: string, scope: string, date: string, value: number, unit = def(signal).unit): Observation => ({
  id: nextId++,
  signal,
  scope,
  date,
  value,
  unit,
  source: 'test',
  url: null,
  note: null,
  recordedAt: '2026-11-30T00:00:00.000Z',
  supersedes: null,
  supersededBy: null,
  key: `k${nextId}`,
});

/** Status from a plain list of observations (the store's part done by hand). */
function status(scenario: ResolvedScenario, rows: Observation[], asOf = '2026-11-30') {
  const latest = new Map<string, Observation>();
  for (const r of rows) {
    const k = seriesKey(r.signal, r.scope);
    const cur = latest.get(k);
    if (r.date <= asOf && (cur === undefined || r.date > cur.date || (r.date === cur.date && r.id > cur.id))) latest.set(k, r);
  }
  const windows = new Map<string, Observation[]>();
  for (const r of rows) windows.set(seriesKey(r.signal, r.scope), [...(windows.get(seriesKey(r.signal, r.scope)) ?? []), r]);
  return signalStatus({ scenario, definitions: defs, asOf, latest: [...latest.values()], windows });
}

describe('signal definitions (data/signals.yaml)', () => {
  it('define exactly the eleven signals of MODEL.md §6, in its order, each with unit, good direction, link and scope', () => {
    expect(defs.map((d) => d.id)).toEqual([...SIGNAL_IDS]);
    expect(Object.fromEntries(defs.map((d) => [d.id, [d.unit, d.good]]))).toEqual({
      'api-price': ['$/M tokens', 'higher'],
      'gpu-hour-price': ['$/accelerator-hour', 'seller-higher-renter-lower'],
      utilization: ['share', 'higher'],
      'capex-per-mw': ['$/MW', 'lower'],
      'gp-per-mw': ['$/MW-year', 'higher'],
      'depreciation-life': ['years', 'lower'],
      'lease-rate': ['$/kW-month', 'lower'],
      'cost-of-debt': ['rate', 'lower'],
      'power-price': ['$/MWh', 'lower'],
      'token-volume': ['tokens/month', 'higher'],
      'paid-share': ['share of tokens', 'higher'],
    });
    for (const d of defs) {
      expect(d.links.length).toBeGreaterThan(0);
      expect(d.scope.appliesTo.length).toBeGreaterThan(0);
    }
    expect(def('gpu-hour-price').links.map((l) => [l.role, l.good, l.input])).toEqual([
      ['seller', 'higher', 'demand.segments[*].pricing.perAcceleratorHour'],
      ['renter', 'lower', 'fleet.rentPerAcceleratorHour'],
    ]);
    expect(def('depreciation-life').links[0]?.tripwire).toEqual({ input: 'fleet.usefulLifeYears' });
  });

  it('the schema rejects a broken file with every problem and its path', () => {
    const text = readFileSync(join(ROOT, 'data', 'signals.yaml'), 'utf8')
      .replace('good: seller-higher-renter-lower', 'good: sideways')
      .replace('result: years.utilization', 'result: years.utilisation')
      .replace(/  - id: paid-share[\s\S]*$/, '');
    const r = parseSignalDefinitions(text, { file: 'signals.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.issues.map(formatIssue);
    expect(lines.some((l) => /signals\.1\.good/.test(l))).toBe(true);
    expect(lines.some((l) => /signals\.2\.links\.0\.result: not a field of the result contract/.test(l))).toBe(true);
  });

  it('reports a missing signal of MODEL.md §6', () => {
    const text = readFileSync(join(ROOT, 'data', 'signals.yaml'), 'utf8').replace(/  - id: paid-share[\s\S]*$/, '');
    const r = parseSignalDefinitions(text);
    expect(r.ok ? [] : r.issues.map((i) => i.message)).toEqual(['signal "paid-share" of MODEL.md §6 is missing']);
  });

  it('units compare without case, spaces or per-vs-slash; proxy units are told apart', () => {
    expect(normalizeUnit('$ per M tokens')).toBe(normalizeUnit('$/M tokens'));
    expect(unitFit(def('gpu-hour-price'), '$ per accelerator-hour')).toBe('exact');
    expect(unitFit(def('paid-share'), 'share of users')).toBe('proxy');
    expect(unitFit(def('lease-rate'), '$/MWh')).toBeUndefined();
  });
});

describe('importing observations', () => {
  it('the seed (DATA.md §4) and the context items load cleanly, each row with a source', () => {
    const r = readObservationsFile(seedObservationsPath());
    expect(r.issues).toEqual([]);
    expect(r.rows).toHaveLength(23);
    expect(new Set(r.rows.map((x) => x.signal))).toEqual(
      new Set(['gpu-hour-price', 'api-price', 'depreciation-life', 'cost-of-debt', 'lease-rate', 'power-price', 'token-volume', 'paid-share', 'capex-per-mw']),
    );
    for (const row of r.rows) expect(row.source.length).toBeGreaterThan(0);
    expect(r.rows.find((x) => x.signal === 'token-volume' && x.date === '2025-10-29')?.value).toBe(1.3e15);
    expect(loadContext().map((c) => c.topic)).toEqual(['PJM capacity price', 'CoreWeave 5-year CDS', 'Big-4 hyperscaler capex guidance', 'CoreWeave principal due']);
  });

  it('a malformed CSV is rejected whole, every bad line named with its field', () => {
    const r = readObservationsFile(join(ROOT, 'test', 'fixtures', 'observations-malformed.csv'));
    expect(r.issues.map(formatIssue)).toEqual([
      'test/fixtures/observations-malformed.csv:3 date: expected a date YYYY-MM-DD, got "2024-13-31"',
      'test/fixtures/observations-malformed.csv:4 signal: unknown signal "gpu-hour-prise" (did you mean "gpu-hour-price"?) (signals: api-price, gpu-hour-price, utilization, capex-per-mw, gp-per-mw, depreciation-life, lease-rate, cost-of-debt, power-price, token-volume, paid-share)',
      'test/fixtures/observations-malformed.csv:5 value: expected a number, got "abc"',
      'test/fixtures/observations-malformed.csv:6 unit: missing unit',
      'test/fixtures/observations-malformed.csv:7 unit: expected "$/kW-month" for lease-rate, got "$/MWh"',
    ]);
  });

  it('CSV: quoted fields (commas, quotes, new lines), CRLF, comments; a bad header is named', () => {
    const text = '# comment\r\nsignal,scope,date,value,unit,source,note\r\npower-price,"pjm, east",2026-03-31,136.53,$/MWh,"a ""quoted"" source","two\nlines"\r\n\r\n';
    const r = readObservationsCsv(text, defs, { file: 'x.csv' });
    expect(r.issues).toEqual([]);
    expect(r.rows).toEqual([{ line: 3, signal: 'power-price', scope: 'pjm, east', date: '2026-03-31', value: 136.53, unit: '$/MWh', source: 'a "quoted" source', note: 'two\nlines' }]);
    const bad = readObservationsCsv('signal,scope,date,valu,unit\n', defs, { file: 'x.csv' });
    expect(bad.issues.map(formatIssue)).toEqual([
      'x.csv:1 valu: unknown column "valu" (did you mean "value"?) (columns: signal, scope, date, value, unit, source, url, note, supersedes)',
      'x.csv:1 value: missing column "value" (the header must name signal, scope, date, value, unit, source)',
      'x.csv:1 source: missing column "source" (the header must name signal, scope, date, value, unit, source)',
    ]);
    expect(readObservationsCsv('signal,scope,date,value,unit,source\npower-price,a,2024-01-01,1,$/MWh\n', defs, { file: 'x.csv' }).issues.map(formatIssue)).toEqual([
      'x.csv:2: expected 6 fields (signal, scope, date, value, unit, source), got 5',
    ]);
    expect(parseCsv('a,"b\n').issues.map((i) => i.message)).toEqual(['a quoted field is never closed (a missing ")']);
  });

  it('numbers: plain or exponent; not thousands separators, percentages or words', () => {
    const value = (v: string) => readObservationFields({ signal: 'power-price', scope: 's', date: '2024-01-01', value: v, unit: '$/MWh', source: 'x' }, defs);
    expect(value('480e12').rows[0]?.value).toBe(480e12);
    expect(value('-0.5').rows[0]?.value).toBe(-0.5);
    for (const bad of ['1,300', '12%', 'abc', '0x10', 'Infinity']) expect(value(bad).issues[0]?.message).toBe(`expected a number, got "${bad}"`);
  });

  it('JSON and YAML: a list or { observations }, issues with the line of the field', () => {
    const ok = readObservationsFile(join(ROOT, 'test', 'fixtures', 'observations.json'));
    expect(ok.issues).toEqual([]);
    expect(ok.rows.map((r) => [r.line, r.value, r.url ?? null])).toEqual([
      [3, 83, null],
      [4, 136.53, 'https://example.com/pjm'],
    ]);
    const bad = readObservationsFile(join(ROOT, 'test', 'fixtures', 'observations-malformed.json'));
    expect(bad.issues.map(formatIssue)).toEqual([
      'test/fixtures/observations-malformed.json:3 date: expected a date YYYY-MM-DD, got "31/12/2024"',
      'test/fixtures/observations-malformed.json:4 colour: unknown field "colour" (fields: signal, scope, date, value, unit, source, url, note, supersedes)',
      'test/fixtures/observations-malformed.json:4 value: expected a number, got "lots"',
    ]);
    const yaml = readObservationsJson('- { signal: power-price, scope: s, date: "2024-01-01", value: 1, unit: $/MWh, source: x }\n', defs, { file: 'o.yaml' });
    expect(yaml.rows).toHaveLength(1);
  });
});

describe('dates', () => {
  it('real days only; months add with clamping; quarters ahead', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-11-30', -12)).toBe('2025-11-30');
    const q = quartersAhead('2026-11-30', 24);
    expect(q.map((x) => x.label)).toEqual(['2026-Q4', '2027-Q1', '2027-Q2', '2027-Q3', '2027-Q4', '2028-Q1', '2028-Q2', '2028-Q3']);
    expect(q[0]).toEqual({ label: '2026-Q4', start: '2026-10-01', end: '2026-12-31' });
  });
});

describe('links and expected paths', () => {
  it('a seller links to its capacity contracts, a renter to its rent, and a signal without a link says why', () => {
    const seller = linkSignal(def('gpu-hour-price'), neocloud);
    expect(seller.applies && [seller.role, seller.good, seller.segments, seller.primarySegment]).toEqual(['seller', 'higher', ['term-contracts', 'on-demand'], 'term-contracts']);
    const renter = linkSignal(def('gpu-hour-price'), frontier);
    expect(renter.applies && [renter.role, renter.good, renter.segments]).toEqual(['renter', 'lower', []]);
    const none = linkSignal(def('api-price'), neocloud);
    expect(none.applies ? '' : none.reason).toBe('not linked to this scenario: the scenario has no paid-api segment priced perMTok');
    const debt = linkSignal(def('cost-of-debt'), hyperscaler);
    expect(debt.applies ? '' : debt.reason).toMatch(/this scenario has no debt/);
  });

  it('the expected value is a step by model year (year t = startYear + t − 1), clamped outside the horizon', () => {
    const l = linkSignal(def('gpu-hour-price'), neocloud);
    if (!l.applies) throw new Error('not linked');
    const r = evaluate(neocloud);
    const at = (date: string, seg: string | null = null) => {
      const y = yearAt(neocloud, date);
      return [y.year, y.clamped, expectedInYear(l, neocloud, r, y.t, seg)];
    };
    expect(at('2026-01-01')).toEqual([2026, null, 3]);
    expect(at('2026-12-31')).toEqual([2026, null, 3]);
    expect(at('2027-06-30')[2]).toBeCloseTo(3 * 0.95, 12);
    expect(at('2025-08-01')).toEqual([2026, 'before', 3]);
    expect(at('2040-01-01')[0]).toBe(2037);
    expect(at('2040-01-01')[1]).toBe('after');
    expect(at('2027-06-30', 'on-demand')[2]).toBeCloseTo(3.8 * 0.8, 12);
    // result links read the result contract
    const u = linkSignal(def('utilization'), neocloud);
    if (!u.applies) throw new Error('not linked');
    expect(expectedInYear(u, neocloud, r, 2, null)).toBe(0.88);
    const tv = linkSignal(def('token-volume'), neocloud);
    if (!tv.applies) throw new Error('not linked');
    const tokens = (t: number) => r.years[t]!.tokens as number;
    expect(expectedInYear(tv, neocloud, r, 3, null)).toBeCloseTo(tokens(3) / tokens(2) - 1, 12);
    expect(expectedInYear(tv, neocloud, r, 1, null)).toBeCloseTo(tokens(2) / tokens(1) - 1, 12);
  });

  it('a breakeven tripwire is where npv = 0: the signal read in the scenario with its driver at the breakeven', () => {
    const l = linkSignal(def('gpu-hour-price'), neocloud);
    if (!l.applies) throw new Error('not linked');
    const tw = tripwireOf(l, neocloud, 'term-contracts');
    expect(tw.kind).toBe('breakeven');
    expect(tw.driver).toBe('demand.segments[term-contracts].pricing.perAcceleratorHour');
    expect(tw.breakevenStatus).toBe('needs-change');
    expect(tw.breakeven).toBeGreaterThan(3);
    const at = setInput(neocloud, tw.driver!, tw.breakeven!);
    expect(Math.abs(evaluate(at).summary.npv!)).toBeLessThan(1);
    // capex per MW: the result field with capex per accelerator at its breakeven
    const c = linkSignal(def('capex-per-mw'), neocloud);
    if (!c.applies) throw new Error('not linked');
    const ctw = tripwireOf(c, neocloud, null);
    expect(ctw.result!.summary.capexPerMW).toBeCloseTo((ctw.breakeven! * 1000) / (getInput(neocloud, 'fleet.kWPerAccelerator') as number), 3);
    // depreciation life: the useful life
    const d = linkSignal(def('depreciation-life'), neocloud);
    if (!d.applies) throw new Error('not linked');
    expect(tripwireOf(d, neocloud, null)).toMatchObject({ kind: 'input', value: 6, driver: 'fleet.usefulLifeYears' });
    // gross profit per MW: every cash price scaled until npv = 0
    const g = linkSignal(def('gp-per-mw'), neocloud);
    if (!g.applies) throw new Error('not linked');
    const gtw = tripwireOf(g, neocloud, null);
    expect(gtw.kind).toBe('revenueScale');
    expect(Math.abs(gtw.result!.summary.npv!)).toBeLessThan(1e3);
  });

  it('no tripwire where the breakeven does not exist, with the reason', () => {
    const p = linkSignal(def('paid-share'), neocloud);
    if (!p.applies) throw new Error('not linked');
    expect(tripwireOf(p, neocloud, null)).toMatchObject({ kind: null, reason: expect.stringMatching(/every segment of this scenario is cash/) });
  });
});

describe('scope matching', () => {
  it('a scope naming a segment, the accelerator, the scenario or its operator applies directly; anything else is a proxy', () => {
    const l = linkSignal(def('gpu-hour-price'), neocloud);
    expect(matchScope(l, neocloud, 'on-demand gb200')).toEqual({ direct: true, segment: 'on-demand', named: 'segment on-demand' });
    expect(matchScope(l, neocloud, 'GB200 3-yr rental')).toEqual({ direct: true, segment: null, named: 'accelerator gb200' });
    expect(matchScope(l, neocloud, 'gb2000 rental').direct).toBe(false);
    expect(matchScope(l, neocloud, 'h100 1-yr contract').direct).toBe(false);
    expect(matchScope(linkSignal(def('lease-rate'), neocloud), neocloud, 'neocloud average').direct).toBe(true);
  });

  it('direct observations win over later proxies', () => {
    const plan = evidencePlan(defs, neocloud, [o('gpu-hour-price', 'gb200 3-yr rental', '2025-08-01', 3.3), o('gpu-hour-price', 'h100 1-yr contract', '2026-03-01', 2.35)], '2026-11-30');
    expect(plan.map((p) => [p.signal, p.observation.scope, p.window.from])).toEqual([['gpu-hour-price', 'gb200 3-yr rental', '2024-08-01']]);
  });
});

describe('trend', () => {
  it('least-squares slope per year, change and annualized growth', () => {
    const t = trendOf([o('power-price', 's', '2025-01-01', 100), o('power-price', 's', '2026-01-01', 110), o('power-price', 's', '2025-07-02', 105)])!;
    expect(t.n).toBe(3);
    expect([t.from, t.to, t.first, t.last]).toEqual(['2025-01-01', '2026-01-01', 100, 110]);
    expect(t.changePct).toBeCloseTo(0.1, 12);
    expect(t.slopePerYear).toBeCloseTo(10 * (365.25 / 365), 1);
    expect(t.annualGrowth).toBeCloseTo(1.1 ** (365.25 / 365) - 1, 9);
    expect(trendOf([o('power-price', 's', '2025-01-01', 100)])).toMatchObject({ n: 1, slopePerYear: null, annualGrowth: null });
  });
});

describe('status (MODEL.md §6)', () => {
  it('neocloud-base on the seed: a status for every signal with observations, the tripwire where one exists', () => {
    const seed = readObservationsFile(seedObservationsPath()).rows.map((r) => ({ ...o(r.signal, r.scope, r.date, r.value, r.unit), source: r.source }));
    const rep = status(neocloud, seed);
    const withObs = new Set(seed.map((r) => r.signal));
    expect(rep.rows.map((r) => r.signal).sort()).toEqual([...withObs].sort());
    expect(rep.withoutObservations).toEqual(['utilization', 'gp-per-mw']);
    const by = Object.fromEntries(rep.rows.map((r) => [r.signal, r]));
    for (const r of rep.rows) {
      if (r.applies) expect(['on track', 'watch', 'breach']).toContain(r.status);
      else expect(r.reason).toMatch(/not linked/);
    }
    expect(by['api-price']!.applies).toBe(false);
    expect(by['gpu-hour-price']).toMatchObject({ segment: 'term-contracts', match: 'direct', observed: 3.3, expected: 3, status: 'on track', clamped: 'before' });
    expect(by['gpu-hour-price']!.tripwire).toBeCloseTo(3.133, 3);
    expect(by['power-price']).toMatchObject({ status: 'breach', expected: 80 });
    expect(by['depreciation-life']).toMatchObject({ tripwire: 6, expected: 6 });
    expect(by['paid-share']).toMatchObject({ proxyUnit: true, tripwire: null, status: 'watch' });
    expect(by['token-volume']!.trend).toMatchObject({ n: 3 });
    expect(by['token-volume']!.observed).toBeGreaterThan(1);
    const withTripwire = rep.rows.filter((r) => r.tripwire !== null).map((r) => r.signal);
    expect(withTripwire).toEqual(['gpu-hour-price', 'capex-per-mw', 'depreciation-life', 'lease-rate', 'cost-of-debt', 'power-price']);
  });

  it('a GPU-hour price below the neocloud\'s breakeven is a breach, even above what the scenario expected', () => {
    for (const [value, expected] of [
      [2.8, 'breach'],
      [3.05, 'breach'],
      [3.2, 'on track'],
    ] as const) {
      const rep = status(neocloud, [o('gpu-hour-price', 'term-contracts', '2026-06-01', value)]);
      expect(rep.rows[0]?.status).toBe(expected);
    }
  });

  it('watch: worse than the scenario, short of the tripwire; lower-is-good reads the other way', () => {
    // hyperscaler power: scenario $65/MWh, tripwire near $490 (npv stays ≥ 0 up to there)
    const row = (v: number) => status(hyperscaler, [o('power-price', 'hyperscaler campus', '2026-06-01', v)]).rows[0]!;
    expect(row(60).status).toBe('on track');
    expect(row(65).status).toBe('on track');
    expect(row(100).status).toBe('watch');
    expect(row(100).headroom).toBeGreaterThan(0);
    expect(row(600).status).toBe('breach');
    expect(row(600).headroom).toBeLessThan(0);
    // a renter wants a low GPU-hour price
    const rent = (v: number) => status(frontier, [o('gpu-hour-price', 'gb200 1-yr', '2026-06-01', v)]).rows[0]!;
    expect(rent(2.4).status).toBe('on track');
    expect(rent(3.0).status).toBe('watch');
    expect(rent(9).status).toBe('breach');
    // depreciation longer than the useful life is past the tripwire: the hyperscaler depreciates over 6 years a fleet it
    // refreshes after 5, so it sits past its own tripwire, and a peer at 5.5 years is a breach though shorter than 6
    const dep = (s: ResolvedScenario, v: number) => status(s, [o('depreciation-life', 'peer', '2026-01-01', v)]).rows[0]!.status;
    expect([dep(hyperscaler, 7), dep(hyperscaler, 5.5), dep(hyperscaler, 5)]).toEqual(['breach', 'breach', 'on track']);
    const shortBooks = setInput(neocloud, 'fleet.depreciationYears', 4);
    expect([dep(shortBooks, 3), dep(shortBooks, 5), dep(shortBooks, 6), dep(shortBooks, 6.5)]).toEqual(['on track', 'watch', 'watch', 'breach']);
  });

  it('reads the latest observation up to the as-of date, its trend over the 12 months before it, in its scope', () => {
    const rows = [
      o('gpu-hour-price', 'term-contracts', '2025-01-01', 3.6),
      o('gpu-hour-price', 'term-contracts', '2026-01-01', 3.4),
      o('gpu-hour-price', 'term-contracts', '2026-07-01', 3.2),
      o('gpu-hour-price', 'term-contracts', '2027-01-01', 2.0),
      o('gpu-hour-price', 'on-demand', '2026-08-01', 9),
    ];
    const r = status(neocloud, rows, '2026-12-31').rows[0]!;
    expect([r.latest.scope, r.latest.date, r.segment]).toEqual(['on-demand', '2026-08-01', 'on-demand']);
    const t = status(neocloud, rows.slice(0, 4), '2026-12-31').rows[0]!;
    expect([t.latest.date, t.trend?.n, t.trend?.from, t.ageDays]).toEqual(['2026-07-01', 2, '2026-01-01', 183]);
  });

  it('a growth signal compares annualized growth, and needs two observations a month apart', () => {
    const one = status(neocloud, [o('token-volume', 'market', '2026-01-01', 1e15)]).rows[0]!;
    expect(one.status).toBeNull();
    expect(one.why).toMatch(/two observations/);
    const two = status(neocloud, [o('token-volume', 'market', '2026-01-01', 1e15), o('token-volume', 'market', '2026-07-02', 1.05e15)]).rows[0]!;
    expect(two.observed).toBeCloseTo(1.05 ** (365.25 / 182) - 1, 6);
    expect(two.status).toBe('watch');
  });

  it('signals that do not apply are shown, not scored', () => {
    const rep = status(hyperscaler, [o('cost-of-debt', 'coreweave notes', '2025-05-01', 0.09)]);
    expect(rep.rows[0]).toMatchObject({ applies: false, status: null, tripwire: null });
  });
});

describe('evidence calendar', () => {
  it('quarter by quarter over 24 months: expected and tripwire for each signal (each segment), steps at year ends', () => {
    const c = evidenceCalendar(neocloud, defs, '2026-11-30');
    expect(c.quarters).toHaveLength(8);
    expect(c.notLinked.map((n) => n.signal)).toEqual(['api-price']);
    const line = c.lines.find((l) => l.signal === 'gpu-hour-price' && l.segment === 'term-contracts')!;
    expect(line.cells.map((x) => x.year)).toEqual([2026, 2027, 2027, 2027, 2027, 2028, 2028, 2028]);
    expect(line.cells[0]!.expected).toBe(3);
    expect(line.cells[1]!.expected).toBeCloseTo(2.85, 12);
    expect(line.cells[1]!.tripwire! / line.cells[0]!.tripwire!).toBeCloseTo(0.95, 12);
    expect(line.cells.map((x) => x.within12Months)).toEqual([true, true, true, true, true, false, false, false]);
    expect(c.lines.filter((l) => l.signal === 'gpu-hour-price').map((l) => l.segment)).toEqual(['term-contracts', 'on-demand']);
    const util = c.lines.find((l) => l.signal === 'utilization')!;
    expect(util.cells[0]!.expected).toBe(0.75);
    expect(util.cells[0]!.tripwire!).toBeGreaterThan(0.75);
  });

  it('quarters past the horizon read the last year, flagged', () => {
    const c = evidenceCalendar(frontier, defs, '2030-06-01');
    expect(c.lines[0]!.cells.at(-1)).toMatchObject({ year: 2030, clamped: 'after' });
  });
});
