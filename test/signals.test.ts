/** The signal monitor's pure parts: definitions, import checks, expected paths, tripwires, status, calendar. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultUncertainty } from '../src/analysis/default-uncertainty.ts';
import { compileDistribution } from '../src/analysis/distributions.ts';
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
import type { Observation, ObservationScope } from '../src/signals/observation.ts';
import { scopeFit } from '../src/signals/scope.ts';
import { nowcast, shapley } from '../src/signals/nowcast.ts';
import { evidencePlan, seriesKey, signalStatus, trendOf } from '../src/signals/status.ts';

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
const NO_SCOPE: ObservationScope = { operator: null, accelerator: null, basis: null, facilityShare: null };
/** An observation as the store would give it back (unclassified unless `sc` says). */
const o = (signal: string, scope: string, date: string, value: number, unit = def(signal).unit, sc: Partial<ObservationScope> = {}): Observation => ({
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
  ...NO_SCOPE,
  ...sc,
});
/** The neocloud's own kind of evidence: a neocloud's GB200 fleet. */
const ownNeo: Partial<ObservationScope> = { operator: 'neocloud', accelerator: 'gb200' };

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
  it('define exactly the twelve signals of MODEL.md §6, in its order, each with unit, good direction, link and scope', () => {
    expect(defs.map((d) => d.id)).toEqual([...SIGNAL_IDS]);
    expect(Object.fromEntries(defs.map((d) => [d.id, [d.unit, d.good]]))).toEqual({
      'api-price': ['$/M tokens', 'higher'],
      'gpu-hour-price': ['$/accelerator-hour', 'seller-higher-renter-lower'],
      utilization: ['share', 'higher'],
      'capex-per-mw': ['$/MW', 'lower'],
      'gp-per-mw': ['$/MW-year', 'higher'],
      'depreciation-life': ['years', 'higher'],
      'lease-rate': ['$/kW-month', 'lower'],
      'cost-of-debt': ['rate', 'lower'],
      'refinancing-need': ['$ due within 24 months / cash available', 'lower'],
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
    expect(Object.fromEntries(defs.map((d) => [d.id, [d.scope.accelerator, d.scope.basis, d.scope.operators]]))).toMatchObject({
      'gpu-hour-price': [true, false, 'any'],
      'capex-per-mw': [true, true, 'any'],
      'gp-per-mw': [false, true, 'same'],
      'cost-of-debt': [false, false, 'same'],
    });
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
    expect(r.rows).toHaveLength(34);
    expect(new Set(r.rows.map((x) => x.signal))).toEqual(new Set(SIGNAL_IDS));
    for (const row of r.rows) {
      expect(row.source.length).toBeGreaterThan(0);
      // every row says whose number it is; money per MW says its basis
      expect(row.operator, `${row.signal} ${row.scope}`).toBeDefined();
      if (row.signal === 'capex-per-mw' || row.signal === 'gp-per-mw') expect(row.basis).toBeDefined();
    }
    // a row that could not be checked says so, with confidence L
    for (const row of r.rows.filter((x) => /not verified|could not be verified|arithmetic/.test(x.note ?? ''))) expect(row.note).toMatch(/confidence L/);
    expect(r.rows.find((x) => x.signal === 'token-volume' && x.date === '2025-10-29')?.value).toBe(1.3e15);
    expect(loadContext().map((c) => c.topic)).toEqual(['PJM capacity price', 'CoreWeave 5-year CDS', 'Big-4 hyperscaler capex guidance', 'CoreWeave principal due']);
  });

  it('a malformed CSV is rejected whole, every bad line named with its field', () => {
    const r = readObservationsFile(join(ROOT, 'test', 'fixtures', 'observations-malformed.csv'));
    expect(r.issues.map(formatIssue)).toEqual([
      'test/fixtures/observations-malformed.csv:3 date: expected a date YYYY-MM-DD, got "2024-13-31"',
      'test/fixtures/observations-malformed.csv:4 signal: unknown signal "gpu-hour-prise" (did you mean "gpu-hour-price"?) (signals: api-price, gpu-hour-price, utilization, capex-per-mw, gp-per-mw, depreciation-life, lease-rate, cost-of-debt, refinancing-need, power-price, token-volume, paid-share)',
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
      'x.csv:1 valu: unknown column "valu" (did you mean "value"?) (columns: signal, scope, date, value, unit, source, url, note, supersedes, operator, accelerator, basis, facilityShare)',
      'x.csv:1 value: missing column "value" (the header must name signal, scope, date, value, unit, source)',
      'x.csv:1 source: missing column "source" (the header must name signal, scope, date, value, unit, source)',
    ]);
    expect(readObservationsCsv('signal,scope,date,value,unit,source\npower-price,a,2024-01-01,1,$/MWh\n', defs, { file: 'x.csv' }).issues.map(formatIssue)).toEqual([
      'x.csv:2: expected 6 fields (signal, scope, date, value, unit, source), got 5',
    ]);
    expect(parseCsv('a,"b\n').issues.map((i) => i.message)).toEqual(['a quoted field is never closed (a missing ")']);
  });

  it('scope: an operator class of the list, an accelerator of the catalog, a basis for money per MW (required there, only there); each issue with its line and field', () => {
    const accelerators = ['gb200', 'h100', 'b200'];
    const csv = [
      'signal,scope,date,value,unit,source,operator,accelerator,basis,FacilityShare',
      'gpu-hour-price,b200 on-demand,2026-03-01,5.3,$/accelerator-hour,index,market,b200,,',
      'gpu-hour-price,x,2026-03-01,5.3,$/accelerator-hour,index,neocluod,gb300x,,',
      'capex-per-mw,campus,2026-05-01,38e6,$/MW,Epoch,hyperscaler,gb200,,',
      'capex-per-mw,campus,2026-05-01,38e6,$/MW,Epoch,hyperscaler,gb200,all-in,0.31',
      'capex-per-mw,campus,2026-05-01,38e6,$/MW,Epoch,hyperscaler,gb200,it-only,0.31',
      'power-price,pjm,2026-03-31,136,$/MWh,report,market,,all-in,',
      'capex-per-mw,campus,2026-05-01,38e6,$/MW,Epoch,hyperscaler,gb200,facility,1.5',
    ].join('\n');
    const r = readObservationsCsv(csv, defs, { file: 'o.csv', accelerators });
    expect(r.issues.map(formatIssue)).toEqual([
      'o.csv:3 operator: unknown operator class "neocluod" (did you mean "neocloud"?) (operator classes: hyperscaler, frontier-lab, neocloud, private-ai-factory, market)',
      'o.csv:3 accelerator: unknown accelerator "gb300x" (did you mean "gb200"?) (the catalog\'s: gb200, h100, b200)',
      'o.csv:4 basis: capex-per-mw is money per MW: say whether it is it-only or all-in (the facility included)',
      'o.csv:6 facilityShare: a facility share converts an all-in figure to IT-only: it goes with basis all-in',
      'o.csv:7 basis: a basis is said only of money per MW (capex-per-mw, gp-per-mw), not of power-price',
      'o.csv:8 basis: unknown basis "facility" (it-only, or all-in: the facility included)',
      "o.csv:8 facilityShare: expected the facility's share of the all-in figure, in [0, 1), got \"1.5\"",
    ]);
    expect(r.rows.map((x) => [x.line, x.operator, x.accelerator, x.basis ?? null, x.facilityShare ?? null])).toEqual([
      [2, 'market', 'b200', null, null],
      [5, 'hyperscaler', 'gb200', 'all-in', 0.31],
    ]);
    const json = readObservationsJson('- { signal: utilization, scope: s, date: "2025-01-01", value: 0.9, unit: share, source: x, operator: bank }\n', defs, { file: 'o.yaml' });
    expect(json.issues.map(formatIssue)).toEqual(['o.yaml:1 operator: unknown operator class "bank" (operator classes: hyperscaler, frontier-lab, neocloud, private-ai-factory, market)']);
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
      'test/fixtures/observations-malformed.json:4 colour: unknown field "colour" (fields: signal, scope, date, value, unit, source, url, note, supersedes, operator, accelerator, basis, facilityShare)',
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
    const p = linkSignal(def('token-volume'), neocloud);
    if (!p.applies) throw new Error('not linked');
    expect(tripwireOf(p, neocloud, null)).toMatchObject({ kind: null, reason: expect.stringMatching(/demand is in utilization mode/) });
  });
});

describe('like for like (MODEL.md §6)', () => {
  const gpu = linkSignal(def('gpu-hour-price'), neocloud);
  if (!gpu.applies) throw new Error('not linked');
  it('direct only for the scenario\'s own operator class and, where it matters, its accelerator; else a proxy ranked by distance', () => {
    const fit = (scope: string, sc: Partial<ObservationScope>) => scopeFit(gpu, neocloud, o('gpu-hour-price', scope, '2026-01-01', 3, undefined, sc));
    expect(fit('term-contracts', ownNeo)).toMatchObject({ direct: true, distance: 0, segment: 'term-contracts' });
    expect(fit('gb200 3-yr rental', { operator: 'market', accelerator: 'gb200' })).toMatchObject({ direct: false, distance: 1, differences: ['market evidence, not neocloud'] });
    // a dashboard observation for "b200 on-demand" names the on-demand segment, but it is another accelerator: never direct
    expect(fit('b200 on-demand', { operator: 'neocloud', accelerator: 'b200' })).toMatchObject({ direct: false, segment: 'on-demand', distance: 2, differences: ['accelerator b200, not gb200'] });
    expect(fit('b200 on-demand', {})).toMatchObject({ direct: false, distance: 4 });
    expect(fit('h100 1-yr contract', { operator: 'market', accelerator: 'h100' }).distance).toBe(3);
    // words naming the scenario itself are its own evidence
    expect(fit('neocloud-base actuals', {}).direct).toBe(true);
  });

  it('money per MW: all-in converts to IT-only only with a facility share its source states; else it is not scored against an IT-only scenario', () => {
    const capex = linkSignal(def('capex-per-mw'), neocloud);
    const capexH = linkSignal(def('capex-per-mw'), hyperscaler);
    if (!capex.applies || !capexH.applies) throw new Error('not linked');
    const obs = (sc: Partial<ObservationScope>) => o('capex-per-mw', 'campus', '2026-05-01', 38e6, undefined, { operator: 'neocloud', accelerator: 'gb200', ...sc });
    expect(scopeFit(capex, neocloud, obs({ basis: 'all-in' }))).toMatchObject({ comparable: false, reason: expect.stringMatching(/all-in .* against an IT-only scenario .* no facility share/) });
    expect(scopeFit(capex, neocloud, obs({ basis: 'all-in', facilityShare: 0.3 }))).toMatchObject({ comparable: true, basis: 'it-only', factor: 0.7, converted: expect.stringMatching(/30 %/) });
    expect(scopeFit(capex, neocloud, obs({ basis: 'it-only' }))).toMatchObject({ comparable: true, basis: 'it-only', factor: 1 });
    expect(scopeFit(capex, neocloud, obs({})).comparable).toBe(false);
    // an owned facility makes the scenario all-in; an IT-only observation is compared with its IT capex
    expect(scopeFit(capexH, hyperscaler, obs({ operator: 'hyperscaler', basis: 'all-in' }))).toMatchObject({ direct: true, basis: 'all-in' });
    const r = evaluate(hyperscaler);
    const it = expectedInYear(capexH, hyperscaler, r, 1, null, 'it-only')!;
    expect(expectedInYear(capexH, hyperscaler, r, 1, null, 'all-in')! - it).toBeCloseTo(getInput(hyperscaler, 'site.facility.capexPerMW') as number, 3);
  });

  it('cost of debt: only the scenario\'s own operator class; paid share: never a GPU-hour rental business', () => {
    const debt = linkSignal(def('cost-of-debt'), neocloud);
    if (!debt.applies) throw new Error('not linked');
    expect(scopeFit(debt, neocloud, o('cost-of-debt', 'meta hyperion spv bonds', '2025-10-01', 0.0658, undefined, { operator: 'hyperscaler' }))).toMatchObject({
      comparable: false,
      reason: expect.stringMatching(/hyperscaler observation, and cost-of-debt is scored only on the scenario's own operator class \(neocloud\)/),
    });
    const paid = linkSignal(def('paid-share'), neocloud);
    expect(paid.applies ? '' : paid.reason).toMatch(/sells accelerator-hours, not tokens/);
  });

  it('direct observations win over later proxies; among proxies closeness of scope comes before recency', () => {
    const direct = o('gpu-hour-price', 'term-contracts', '2025-01-01', 3.1, undefined, ownNeo);
    const near = o('gpu-hour-price', 'gb200 3-yr rental', '2025-08-01', 3.3, undefined, { operator: 'market', accelerator: 'gb200' });
    const far = o('gpu-hour-price', 'h100 1-yr contract', '2026-03-01', 2.35, undefined, { operator: 'market', accelerator: 'h100' });
    const pick = (rows: Observation[]) => evidencePlan(defs, neocloud, rows, '2026-11-30').map((p) => [p.observation.scope, p.fit?.direct]);
    expect(pick([direct, near, far])).toEqual([['term-contracts', true]]);
    expect(pick([near, far])).toEqual([['gb200 3-yr rental', false]]);
    expect(evidencePlan(defs, neocloud, [near], '2026-11-30')[0]!.window.from).toBe('2024-08-01');
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
  it('neocloud-base on the seed: like for like, the depreciation direction, and a base case that misses says so', () => {
    const seed = readObservationsFile(seedObservationsPath()).rows.map((r) => ({
      ...o(r.signal, r.scope, r.date, r.value, r.unit, { operator: r.operator ?? null, accelerator: r.accelerator ?? null, basis: r.basis ?? null, facilityShare: r.facilityShare ?? null }),
      source: r.source,
    }));
    const rep = status(neocloud, seed);
    expect(rep.rows.map((r) => r.signal)).toEqual([...SIGNAL_IDS]);
    expect(rep.withoutObservations).toEqual([]);
    expect(rep.verdict).toMatchObject({ meets: false, text: expect.stringMatching(/^The base case misses npv ≥ 0 already/) });
    const by = Object.fromEntries(rep.rows.map((r) => [r.signal, r]));
    // no breach from a facility-inclusive capex: the all-in campus is not scored against a leased, IT-only factory
    expect(by['capex-per-mw']).toMatchObject({ match: 'none', status: null, scopeNote: expect.stringMatching(/all-in/) });
    // a peer depreciating over 4 years, below the scenario's 6-year useful life: breach
    expect(by['depreciation-life']).toMatchObject({ match: 'direct', observed: 4, expected: 6, tripwire: 6, status: 'breach' });
    // the neocloud's own debt, never the investment-grade bond
    expect(by['cost-of-debt']!.latest.scope).toMatch(/^coreweave/);
    expect(by['cost-of-debt']).toMatchObject({ match: 'direct', status: 'on track' });
    // paying consumers say nothing about a GPU-hour rental business
    expect(by['paid-share']).toMatchObject({ applies: false, status: null });
    // the GB200 rental survey is the closest evidence for a GB200 neocloud: a labelled proxy
    expect(by['gpu-hour-price']).toMatchObject({ segment: 'term-contracts', match: 'proxy', observed: 3.3, expected: 3, status: 'on track', clamped: 'before', tripwire: null });
    expect(by['gpu-hour-price']!.scopeNote).toBe('market evidence, not neocloud');
    // the base misses npv ≥ 0: breakevens are what the signal would need, not tripwires on the wrong side
    expect(by['gpu-hour-price']!.needed).toBeCloseTo(3.133, 3);
    expect(by['power-price']).toMatchObject({ status: 'watch', expected: 80, tripwire: null });
    expect(by['power-price']!.needed).toBeLessThan(80);
    expect(rep.rows.filter((r) => r.status === 'breach').map((r) => r.signal)).toEqual(['depreciation-life']);
    expect(by['token-volume']!.trend).toMatchObject({ n: 3 });
  });

  it('a GPU-hour price below the breakeven of a base case that pays back is a breach, even above what the scenario expected', () => {
    const paying = setInput(neocloud, 'demand.segments[term-contracts].pricing.perAcceleratorHour', 3.3);
    expect(evaluate(paying).summary.npv!).toBeGreaterThan(0);
    for (const [value, expected] of [
      [2.8, 'breach'],
      [3.05, 'breach'],
      [3.2, 'watch'],
      [3.4, 'on track'],
    ] as const) {
      const rep = status(paying, [o('gpu-hour-price', 'term-contracts', '2026-06-01', value, undefined, ownNeo)]);
      expect(rep.rows[0]?.status).toBe(expected);
      expect(rep.rows[0]?.match).toBe('direct');
    }
    // the neocloud base case itself misses: the same 2.8 is worse than expected, with no tripwire to cross
    expect(status(neocloud, [o('gpu-hour-price', 'term-contracts', '2026-06-01', 2.8, undefined, ownNeo)]).rows[0]).toMatchObject({ status: 'watch', tripwire: null });
  });

  it('watch: worse than the scenario, short of the tripwire; lower-is-good reads the other way', () => {
    // hyperscaler power: scenario $65/MWh, tripwire near $490 (npv stays ≥ 0 up to there)
    const row = (v: number) => status(hyperscaler, [o('power-price', 'hyperscaler campus', '2026-06-01', v, undefined, { operator: 'hyperscaler' })]).rows[0]!;
    expect(row(60).status).toBe('on track');
    expect(row(65).status).toBe('on track');
    expect(row(100).status).toBe('watch');
    expect(row(100).headroom).toBeGreaterThan(0);
    expect(row(600).status).toBe('breach');
    expect(row(600).headroom).toBeLessThan(0);
    // a renter wants a low GPU-hour price
    const rent = (v: number) => status(frontier, [o('gpu-hour-price', 'gb200 1-yr', '2026-06-01', v, undefined, { operator: 'frontier-lab', accelerator: 'gb200' })]).rows[0]!;
    expect(rent(2.4).status).toBe('on track');
    expect(rent(3.0).status).toBe('watch');
    expect(rent(9).status).toBe('breach');
    // depreciation (MODEL.md §6): a peer over fewer years than the scenario is watch, below its useful life a breach.
    // The hyperscaler depreciates over 6 years a fleet it refreshes after 5.
    const dep = (s: ResolvedScenario, v: number) => status(s, [o('depreciation-life', 'peer', '2026-01-01', v)]).rows[0]!.status;
    expect([dep(hyperscaler, 7), dep(hyperscaler, 6), dep(hyperscaler, 5.5), dep(hyperscaler, 5), dep(hyperscaler, 4)]).toEqual(['on track', 'on track', 'watch', 'watch', 'breach']);
    const shortBooks = setInput(neocloud, 'fleet.depreciationYears', 4);
    expect([dep(shortBooks, 3), dep(shortBooks, 5), dep(shortBooks, 6), dep(shortBooks, 6.5)]).toEqual(['breach', 'breach', 'on track', 'on track']);
  });

  it('reads the latest observation up to the as-of date, its trend over the 12 months before it, in its scope', () => {
    const rows = [
      o('gpu-hour-price', 'term-contracts', '2025-01-01', 3.6, undefined, ownNeo),
      o('gpu-hour-price', 'term-contracts', '2026-01-01', 3.4, undefined, ownNeo),
      o('gpu-hour-price', 'term-contracts', '2026-07-01', 3.2, undefined, ownNeo),
      o('gpu-hour-price', 'term-contracts', '2027-01-01', 2.0, undefined, ownNeo),
      o('gpu-hour-price', 'on-demand', '2026-08-01', 9, undefined, ownNeo),
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

describe('nowcast (MODEL.md §6)', () => {
  const neoRows = [
    o('utilization', 'our contracted share', '2026-03-31', 0.8, undefined, { operator: 'neocloud' }),
    o('gpu-hour-price', 'term-contracts', '2026-06-01', 3.2, undefined, ownNeo),
    o('depreciation-life', 'peer', '2025-01-01', 5, undefined, { operator: 'neocloud' }),
    o('power-price', 'our ppa', '2026-01-01', 95, undefined, { operator: 'neocloud' }),
    o('lease-rate', 'regional asking', '2026-01-01', 170, undefined, { operator: 'market' }),
    o('capex-per-mw', 'campus', '2026-05-01', 38e6, undefined, { operator: 'neocloud', accelerator: 'gb200', basis: 'all-in' }),
  ];
  const run = (rows: Observation[], includeProxies = false) => {
    const latest = rows;
    const windows = new Map(rows.map((r) => [seriesKey(r.signal, r.scope), [r]]));
    return nowcast({ scenario: neocloud, definitions: defs, asOf: '2026-11-30', latest, windows, includeProxies });
  };

  it('puts each like-for-like observation in place of its assumption: the scenario then reads the observation at its date', () => {
    const n = run(neoRows);
    const by = Object.fromEntries(n.placements.map((p) => [p.signal, p]));
    expect(Object.keys(by).sort()).toEqual(['depreciation-life', 'gpu-hour-price', 'power-price', 'utilization']);
    // the price path re-anchored at the observation, its yearly change kept
    expect(by['gpu-hour-price']).toMatchObject({ driver: 'demand.segments[term-contracts].pricing.perAcceleratorHour', mode: 'set', from: 3 });
    expect(by['gpu-hour-price']!.to).toBeCloseTo(3.2, 12);
    // the utilization ramp scaled, shape kept, so that year 1 reads 80 %
    const u = by['utilization']!;
    expect(u.mode).toBe('scale');
    const placed = setInput(neocloud, u.driver, u.setting, u.mode);
    expect((getInput(placed, 'demand.utilization') as number[])[0]).toBeCloseTo(0.8, 12);
    // power re-anchored: 2026 is year 1
    expect(by['power-price']!.to).toBeCloseTo(95, 12);
    expect(by['depreciation-life']).toMatchObject({ from: 6, to: 5, adjusted: null });
    // a proxy waits unless asked; an all-in capex against the leased factory is never placed
    expect(n.notPlaced.find((x) => x.signal === 'lease-rate')?.reason).toMatch(/^a proxy \(market evidence, not neocloud\)/);
    expect(n.notPlaced.find((x) => x.signal === 'capex-per-mw')?.reason).toMatch(/no like-for-like observation/);
    expect(run(neoRows, true).placements.map((p) => p.signal)).toContain('lease-rate');
  });

  it('npvNow is the scenario with every placement; the Shapley attribution sums to the change within 1e-9 (relative)', () => {
    for (const rows of [neoRows, neoRows.slice(0, 2)]) {
      for (const proxies of [false, true]) {
        const n = run(rows, proxies);
        let s: typeof neocloud = neocloud;
        for (const p of n.placements) s = setInput(s, p.driver, p.setting, p.mode);
        expect(n.npvNow).toBe(evaluate(s).summary.npv);
        expect(n.npvBase).toBe(evaluate(neocloud).summary.npv);
        const change = n.npvNow! - n.npvBase!;
        const sum = n.attribution.reduce((a, x) => a + x.npv, 0);
        expect(Math.abs(sum - change)).toBeLessThanOrEqual(1e-9 * Math.abs(change));
        expect(n.summary).toMatch(/^The evidence up to 2026-11-30 moves npv from −\$[\d.,]+M to /);
      }
    }
    // one signal alone: its Shapley value is the whole change
    const one = run([neoRows[3]!]);
    expect(one.attribution).toHaveLength(1);
    expect(one.attribution[0]!.npv).toBeCloseTo(one.npvNow! - one.npvBase!, 3);
    // nothing moved: no attribution, npv unchanged
    const same = run([o('power-price', 'our ppa', '2026-01-01', 80, undefined, { operator: 'neocloud' })]);
    expect([same.attribution, same.npvNow]).toEqual([[], same.npvBase]);
  });

  it('exact Shapley on a known game: symmetric players share equally, a dummy gets 0, the values sum to v(all) − v(∅)', () => {
    // v(S) = (number of players in S among the first two)² + 5 · [player 2 in S] + 0 · player 3
    const v = (m: number) => ((m & 1 ? 1 : 0) + (m & 2 ? 1 : 0)) ** 2 + (m & 4 ? 5 : 0);
    const phi = shapley(4, v);
    expect(phi[0]).toBeCloseTo(2, 12);
    expect(phi[1]).toBeCloseTo(2, 12);
    expect(phi[2]).toBeCloseTo(5, 12);
    expect(phi[3]).toBe(0);
    expect(phi.reduce((a, x) => a + x, 0)).toBeCloseTo(v(15) - v(0), 12);
  });
});

describe('evidence calendar: the ranked watch list', () => {
  it('ranks the lines by value of information: npv\'s swing across p5–p95 of each signal\'s input in the effective uncertainty', () => {
    // without its own uncertainty block the neocloud is ranked on the default uncertainty
    const { uncertainty: _u, ...bare } = neocloud;
    const c = evidenceCalendar(bare as typeof neocloud, defs, '2026-11-30');
    expect(c.quarters).toHaveLength(8);
    expect(c.notLinked.map((n) => n.signal)).toEqual(['api-price', 'refinancing-need', 'paid-share']);
    expect(c.lines.map((l) => l.watch.rank)).toEqual(c.lines.map((_, i) => i + 1));
    const vois = c.lines.map((l) => l.watch.voi);
    const ranked = vois.filter((v): v is number => v !== null);
    expect(ranked).toEqual([...ranked].sort((x, y) => y - x));
    expect(vois.slice(ranked.length).every((v) => v === null)).toBe(true);
    // the first line, checked by hand: the term-contract price at the 5th and 95th percentiles of its default distribution
    const top = c.lines[0]!;
    expect([top.signal, top.segment, top.watch.driver]).toEqual(['gpu-hour-price', 'term-contracts', 'demand.segments[term-contracts].pricing.perAcceleratorHour']);
    const spec = defaultUncertainty(bare as typeof neocloud)[top.watch.driver!]!;
    const q = compileDistribution(spec);
    const npvAt = (u: number) => evaluate(setInput(neocloud, top.watch.driver!, q.quantile(u))).summary.npv!;
    expect(top.watch.voi!).toBeCloseTo(Math.abs(npvAt(0.95) - npvAt(0.05)), 0);
    expect(top.watch.range).toMatchObject({ from: 'default', mode: 'set' });
    // every line has a one-line reason; the top rows say how far npv moves and what the signal would need
    for (const l of c.lines) expect(l.watch.reason).not.toMatch(/\n/);
    expect(top.watch.reason).toMatch(/^npv moves \$[\d,]+M across demand\.segments\[term-contracts\]\.pricing\.perAcceleratorHour 2\.36–3\.39 \(p5–p95 of the default uncertainty\); it would need 3\.13 for the factory to pay back$/);
    expect(c.lines.find((l) => l.signal === 'gp-per-mw')!.watch).toMatchObject({ voi: null, reason: expect.stringMatching(/^no single input/) });
    // a scenario's own uncertainty block is what ranks it: the built-in's sourced block
    const sourced = evidenceCalendar(neocloud, defs, '2026-11-30');
    expect(sourced.lines.filter((l) => l.watch.range !== null).every((l) => l.watch.range!.from === 'scenario' || l.watch.range!.from === 'swing')).toBe(true);
    expect(sourced.lines[0]!.watch.reason).toMatch(/\(p5–p95 of the scenario's uncertainty\)/);
    const own = { ...neocloud, uncertainty: { 'site.power.pricePerMWh': { dist: 'uniform' as const, min: 40, max: 400 } } };
    const withBlock = evidenceCalendar(own, defs, '2026-11-30');
    const power = withBlock.lines.find((l) => l.signal === 'power-price')!;
    expect(power.watch.range).toMatchObject({ from: 'scenario', low: 58, high: 382 });
    expect(power.watch.voi!).toBeGreaterThan(c.lines.find((l) => l.signal === 'power-price')!.watch.voi!);
    expect(withBlock.lines.find((l) => l.signal === 'lease-rate')!.watch.range?.from).toBe('swing');
  });

  it('a base case that misses npv ≥ 0 says so: no tripwire on the wrong side, what each signal would need instead', () => {
    const c = evidenceCalendar(neocloud, defs, '2026-11-30');
    expect(c.verdict.meets).toBe(false);
    const line = c.lines.find((l) => l.signal === 'gpu-hour-price' && l.segment === 'term-contracts')!;
    expect(line.cells.map((x) => x.year)).toEqual([2026, 2027, 2027, 2027, 2027, 2028, 2028, 2028]);
    expect(line.cells[0]!.expected).toBe(3);
    expect(line.cells[1]!.expected).toBeCloseTo(2.85, 12);
    expect(line.cells.every((x) => x.tripwire === null)).toBe(true);
    expect(line.cells[0]!.needed!).toBeGreaterThan(3);
    expect(line.cells[1]!.needed! / line.cells[0]!.needed!).toBeCloseTo(0.95, 12);
    expect(line.cells.map((x) => x.within12Months)).toEqual([true, true, true, true, true, false, false, false]);
    expect(c.lines.filter((l) => l.signal === 'gpu-hour-price').map((l) => l.segment)).toEqual(['term-contracts', 'on-demand']);
    // a tripwire of its own kind stays one: the useful life, and the debt rate at which EBITDA no longer covers debt service
    expect(c.lines.find((l) => l.signal === 'depreciation-life')!.cells[0]).toMatchObject({ tripwire: 6, needed: null });
    expect(c.lines.find((l) => l.signal === 'cost-of-debt')!.cells[0]!.tripwire).toBeGreaterThan(0.1);
    // a base case that pays back keeps its tripwires
    const h = evidenceCalendar(hyperscaler, defs, '2026-11-30');
    expect(h.verdict.meets).toBe(true);
    const util = h.lines.find((l) => l.signal === 'utilization')!;
    expect(util.cells[0]!.tripwire!).toBeLessThan(util.cells[0]!.expected!);
    expect(util.cells[0]!.needed).toBeNull();
  });

  it('quarters past the horizon read the last year, flagged', () => {
    const c = evidenceCalendar(frontier, defs, '2030-06-01');
    expect(c.lines[0]!.cells.at(-1)).toMatchObject({ year: 2030, clamped: 'after' });
  });
});
