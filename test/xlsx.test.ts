/**
 * The spreadsheet export recalculated by a real spreadsheet: each workbook is
 * opened in headless LibreOffice with forced recalculation, and every value of
 * the Model and Summary sheets must match the engine within 1e-9 relative
 * (null ↔ a blank or an error). Workbooks with corrupted cached values and
 * with changed inputs prove the values come from the formulas, not the cache.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { RENTED_PAYBACK } from '../src/report/metrics.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import { CAPITAL_SUMMARY_FIELDS, CAPITAL_YEAR_FIELDS, SEGMENT_YEAR_FIELDS, SUMMARY_FIELDS, TRANCHE_YEAR_FIELDS, YEAR_FIELDS, type ModelResult } from '../src/model/result.ts';
import { buildWorkbook } from '../src/report/xlsx.ts';
import { base, BUILT_INS, catalog, readYaml, scenario, withPatch } from './helpers.ts';
import { ensureLibreOffice, recalculate } from './libreoffice.ts';

const REL = 1e-9;
/** An absolute floor for values that cancel to ~0: 1e-12 of the largest value of the same unit in the workbook. */
const FLOOR = 1e-12;

type Cell = number | null | string;

/** A cell's value as the spreadsheet computed it: a number, null (blank, "" or an error), or other text. */
function cellValue(c: ExcelJS.Cell): Cell {
  // exceljs's `value` drops a formula's cached result when it is 0; `result` keeps it
  const v: unknown = c.type === ExcelJS.ValueType.Formula ? c.result : c.value;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object' && 'error' in v) return null;
  return String(v);
}

function isError(c: ExcelJS.Cell): boolean {
  const v: unknown = c.type === ExcelJS.ValueType.Formula ? c.result : c.value;
  return typeof v === 'object' && v !== null && 'error' in v;
}

interface Check {
  where: string;
  unit: string;
  got: Cell;
  expected: number | null;
}

/** Every cell of Model and Summary that the engine's result holds, paired with the engine's value. */
function checks(wb: ExcelJS.Workbook, r: ModelResult): { list: Check[]; errors: string[]; missing: string[] } {
  const list: Check[] = [];
  const errors: string[] = [];
  const T = r.scenario.horizon.years;
  const model = wb.getWorksheet('Model');
  const summary = wb.getWorksheet('Summary');
  if (model === undefined || summary === undefined) throw new Error('no Model or Summary sheet');
  const seen = new Set<string>();
  model.eachRow((row, n) => {
    if (n < 3) return;
    const key = String(row.getCell(1).value ?? '');
    const unit = String(row.getCell(2).value ?? '');
    if (unit === '') return; // a section title
    seen.add(key);
    const seg = /^segments\[(.+)\]\.(\w+)$/.exec(key);
    for (let t = 0; t <= T; t++) {
      const cell = row.getCell(3 + t);
      let expected: number | boolean | null | undefined;
      if ((YEAR_FIELDS as readonly string[]).includes(key)) expected = r.years[t]?.[key as (typeof YEAR_FIELDS)[number]];
      else if (seg !== null && [...SEGMENT_YEAR_FIELDS, 'monetizable', 'profitable'].includes(seg[2] as string)) {
        const s = r.segments.find((x) => x.id === seg[1]);
        expected = t === 0 ? null : (s?.years[t - 1] as Record<string, number | boolean | null> | undefined)?.[seg[2] as string];
      } else {
        // a helper line the result does not hold: it must compute, not fail
        if (isError(cell)) errors.push(`Model ${key} t=${t}: ${JSON.stringify(cell.value)}`);
        continue;
      }
      if (expected === undefined) throw new Error(`Model ${key}: the engine has no such value`);
      list.push({ where: `Model ${key} t=${t}`, unit, got: cellValue(cell), expected: typeof expected === 'boolean' ? (expected ? 1 : 0) : expected });
    }
  });
  // MODEL.md §9: the Debt sheet of a scenario with a capital stack — the §9 lines and each tranche's
  const debt = wb.getWorksheet('Debt');
  if (r.tranches !== undefined && debt === undefined) errors.push('no Debt sheet for a scenario with a capital stack');
  debt?.eachRow((row, n) => {
    if (n < 3) return;
    const key = String(row.getCell(1).value ?? '');
    const unit = String(row.getCell(2).value ?? '');
    if (unit === '') return;
    seen.add(key);
    const tr = /^tranche\[(.+)\]\.(\w+)$/.exec(key);
    for (let t = 0; t <= T; t++) {
      const cell = row.getCell(3 + t);
      let expected: number | null | undefined;
      if ((CAPITAL_YEAR_FIELDS as readonly string[]).includes(key)) expected = r.years[t]?.[key as (typeof CAPITAL_YEAR_FIELDS)[number]];
      else if (tr !== null && (TRANCHE_YEAR_FIELDS as readonly string[]).includes(tr[2] as string)) expected = r.tranches?.find((x) => x.id === tr[1])?.years[t]?.[tr[2] as (typeof TRANCHE_YEAR_FIELDS)[number]];
      else {
        if (isError(cell)) errors.push(`Debt ${key} t=${t}: ${JSON.stringify(cell.value)}`);
        continue;
      }
      if (expected === undefined) throw new Error(`Debt ${key}: the engine has no such value`);
      list.push({ where: `Debt ${key} t=${t}`, unit, got: cellValue(cell), expected });
    }
  });
  summary.eachRow((row) => {
    const key = String(row.getCell(1).value ?? '');
    // the status has no cached value (the engine does not hold it): checked once a spreadsheet computed it
    const status = cellValue(row.getCell(2));
    if (key === 'status' && status !== null && status !== 'ok') errors.push(`Summary status: ${status}`);
    if (isError(row.getCell(2))) errors.push(`Summary ${key}: ${JSON.stringify(row.getCell(2).value)}`);
    const capitalField = r.tranches !== undefined && (CAPITAL_SUMMARY_FIELDS as readonly string[]).includes(key);
    if (!(SUMMARY_FIELDS as readonly string[]).includes(key) && !capitalField) return;
    seen.add(`summary.${key}`);
    list.push({ where: `Summary ${key}`, unit: String(row.getCell(3).value ?? ''), got: cellValue(row.getCell(2)), expected: r.summary[key as (typeof SUMMARY_FIELDS)[number]] ?? null });
  });
  // every line of the result has its place in the workbook
  const missing = [
    ...YEAR_FIELDS.filter((f) => !seen.has(f)),
    ...SUMMARY_FIELDS.filter((f) => !seen.has(`summary.${f}`)).map((f) => `summary.${f}`),
    ...(r.tranches === undefined ? [] : [...CAPITAL_YEAR_FIELDS.filter((f) => !seen.has(f)), ...CAPITAL_SUMMARY_FIELDS.filter((f) => !seen.has(`summary.${f}`)).map((f) => `summary.${f}`)]),
    ...(r.tranches ?? []).flatMap((x) => TRANCHE_YEAR_FIELDS.filter((f) => f !== 'refinanceRate' && !seen.has(`tranche[${x.id}].${f}`)).map((f) => `tranche[${x.id}].${f}`)),
    ...r.segments.flatMap((s) =>
      [...SEGMENT_YEAR_FIELDS, 'monetizable', 'profitable']
        .filter((f) => s.years.some((y) => (y as Record<string, unknown>)[f] !== null))
        .map((f) => `segments[${s.id}].${f}`)
        .filter((k) => !seen.has(k)),
    ),
  ];
  return { list, errors, missing };
}

/** The cells that do not match the engine: 1e-9 relative, with a floor of 1e-12 of the unit's largest value. */
function mismatches(wb: ExcelJS.Workbook, r: ModelResult): string[] {
  const { list, errors, missing } = checks(wb, r);
  const scale = new Map<string, number>();
  for (const c of list) if (c.expected !== null) scale.set(c.unit, Math.max(scale.get(c.unit) ?? 0, Math.abs(c.expected)));
  const out = [...errors, ...missing.map((m) => `${m}: no line in the workbook`)];
  for (const c of list) {
    if (c.expected === null) {
      // a payback never reached reads "never" (the engine's null), as on the CLI
      const never = c.got === 'never' && /^Summary (discountedP|p)aybackYears$/.test(c.where);
      if (c.got !== null && !never) out.push(`${c.where}: expected blank (null), got ${c.got}`);
      continue;
    }
    // a rented fleet's payback (0: no capex) says so, as the CLI and the report do
    const rented = c.got === RENTED_PAYBACK && c.expected === 0 && r.scenario.fleet.mode === 'rent' && /^Summary (discountedP|p)aybackYears$/.test(c.where);
    const ok = rented || (typeof c.got === 'number' && Math.abs(c.got - c.expected) <= Math.max(REL * Math.max(Math.abs(c.got), Math.abs(c.expected)), FLOOR * (scale.get(c.unit) ?? 0)));
    if (!ok) out.push(`${c.where}: expected ${c.expected}, got ${c.got}`);
  }
  return out;
}

const countChecked = (wb: ExcelJS.Workbook, r: ModelResult): number => checks(wb, r).list.length;

async function read(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

/** The single cells or the row of cells a defined name points at, on Inputs. */
function namedCells(wb: ExcelJS.Workbook, name: string): ExcelJS.Cell[] {
  const ranges = wb.definedNames.getRanges(name).ranges;
  const ws = wb.getWorksheet('Inputs');
  if (ranges.length !== 1 || ws === undefined) throw new Error(`no defined name ${name}`);
  const m = /!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$/.exec(ranges[0] as string);
  if (m === null) throw new Error(`cannot read the range of ${name}: ${ranges[0]}`);
  const first = ws.getCell(`${m[1]}${m[2]}`);
  const last = m[3] === undefined ? first : ws.getCell(`${m[3]}${m[4]}`);
  const cells: ExcelJS.Cell[] = [];
  for (let c = Number(first.col); c <= Number(last.col); c++) cells.push(ws.getCell(Number(first.row), c));
  return cells;
}

// ---------------------------------------------------------------------------
// The workbooks: the built-ins, the worked example, and variants that reach the
// branches the built-ins do not (tokens mode, bullet debt, no refresh, write-offs
// over several generations, debt without capex).

const WORKED = 'test/fixtures/worked-example.yaml';
const cases: { name: string; raw: unknown }[] = [
  ...BUILT_INS.map((id) => ({ name: id, raw: base(id) })),
  { name: 'worked-example', raw: readYaml(WORKED) },
  {
    name: 'variant-tokens-bullet-norefresh',
    raw: withPatch(base('hyperscaler-base'), (d: any) => {
      d.horizon.years = 12;
      delete d.demand.utilization;
      d.demand.tokensPerYear = 1.5e15;
      d.demand.growthPerYear = 0.6;
      d.demand.maxUtilization = 0.85;
      d.fleet.refresh = false;
      d.finance.debt = { share: 0.5, rate: 0.08, termYears: 4, amortization: 'bullet' };
      d.opex.otherCostPerMTok = 0.01;
      d.profitability = { minMargin: 0.3 };
    }),
  },
  {
    name: 'variant-short-life-writeoffs',
    raw: withPatch(base('neocloud-base'), (d: any) => {
      d.horizon.years = 7;
      d.fleet.usefulLifeYears = 2;
      d.fleet.depreciationYears = 3;
      d.finance.debt.termYears = 3;
      d.finance.terminalValue = 'none';
      d.demand.segments[0].tokenShare = [0.85, 0.8, 0.75];
      d.demand.segments[1].tokenShare = [0.15, 0.2, 0.25];
      d.demand.segments[0].pricing.techPremiumPerYear = 1.3;
      d.demand.segments[1].computeIntensity = 1.4;
    }),
  },
  {
    name: 'variant-rent-tokens-debt',
    raw: withPatch(base('frontier-lab-base'), (d: any) => {
      delete d.demand.utilization;
      d.demand.tokensPerYear = 4e15;
      d.demand.growthPerYear = 0.5;
      d.fleet.rentChangePerYear = -0.05;
      d.fleet.rentTermYears = 7;
      d.finance.debt = { share: 0.6, rate: 0.09, termYears: 3 };
      d.opex.otherCostPerMTok = 0.02;
    }),
  },
  // MODEL.md §9: the capital stack's Debt sheet (tranches, refinancing, covenants, contracts)
  { name: 'neocloud-levered', raw: base('neocloud-levered') },
  { name: 'capital-two-tranches', raw: readYaml('test/fixtures/capital-two-tranches.yaml') },
  {
    name: 'variant-capital-sweep-sculpted',
    raw: withPatch(readYaml('test/fixtures/capital-two-tranches.yaml'), (d: any) => {
      d.horizon.years = 9;
      d.fleet.usefulLifeYears = 4;
      d.fleet.depreciationYears = 5;
      d.fleet.refresh = true;
      d.fleet.residualValue = 0.1;
      d.fleet.marketValue = { declinePerYear: 0.3 };
      d.site.facility = { mode: 'own', capexPerMW: 8000000, lifeYears: 15 };
      d.site.buildMonths = 9;
      d.finance.cashSweep = 0.4;
      d.finance.covenants = { minDscr: 1.5, maxLtv: 0.7 };
      d.finance.debt = [
        { id: 'sculpt', amount: 4e8, rate: 0.09, termYears: 4, amortization: 'sculpted', targetDscr: 2.5, refinance: { termYears: 3, spread: 0.05 } },
        { id: 'every', share: 0.3, spread: 0.04, termYears: 3, amortization: 'straight', amortizationYears: 5, refinance: { termYears: 2, spread: 0.06, amortization: 'annuity' } },
        { id: 'gen1', share: 0.25, funds: 'generation-1', rate: 0.07, termYears: 4, amortization: 'annuity' },
        { id: 'init', share: 0.1, funds: 'initial', rate: 0.08, termYears: 6, amortization: 'bullet' },
      ];
      d.demand.segments = [
        { id: 'hours', kind: 'capacity-contract', tokenShare: 0.7, pricing: { perAcceleratorHour: 6.0, changePerYear: -0.08 }, contract: { termYears: 3, startYear: 2027, price: 5.5, escalationPerYear: 0.03, counterpartyDefaultPerYear: 0.02, recoveryRate: 0.3, renewal: 'none' } },
        { id: 'api', kind: 'paid-api', tokenShare: 0.3, pricing: { perMTok: 2.0, changePerYear: -0.2 }, contract: { termYears: 5, price: 1.5 }, basis: 'metered' },
      ];
    }),
  },
];

/** The two inputs the second test changes in the workbook, and the same change in the scenario. */
const CHANGED = ['hyperscaler-base', 'neocloud-base'] as const;
const newUtilization = (T: number): number[] => Array.from({ length: T }, (_, i) => Math.min(0.95, 0.5 + 0.05 * i));
const newCapex = (old: number): number => old * 1.25;

const lo = ensureLibreOffice();
if (!lo.ok) console.warn(`\n!! SKIPPING the LibreOffice recalculation tests: ${lo.reason}\n`);

describe('the exported workbook (no spreadsheet needed)', () => {
  it('caches the engine value in every formula cell the result holds, and has every line', async () => {
    const r = evaluate(scenario(base('neocloud-base')));
    const wb = buildWorkbook(r, { catalog: catalog() });
    // through a file, as a user gets it
    const back = new ExcelJS.Workbook();
    await back.xlsx.load((await wb.xlsx.writeBuffer()) as never);
    expect(mismatches(back, r)).toEqual([]);
    expect(countChecked(back, r)).toBeGreaterThan(400);
  });
  it('names every input and writes a Series one cell per year', () => {
    const r = evaluate(scenario(base('hyperscaler-base')));
    const wb = buildWorkbook(r, { catalog: catalog() });
    expect(namedCells(wb, 'itMW').map((c) => c.value)).toEqual([100]);
    expect(namedCells(wb, 'seg_cloud_api_perMTok').map((c) => c.value)).toEqual([2]);
    expect(namedCells(wb, 'utilization').map((c) => c.value)).toEqual([0.6, 0.7, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75]);
    const inputs = wb.getWorksheet('Inputs');
    const kW = inputs?.getColumn(1).values.indexOf('fleet.kWPerAccelerator') ?? -1;
    expect(String(inputs?.getCell(kW, 4).value)).toMatch(/^catalog gb200/);
    // every formula on Model is live: it refers to a name or a cell, never to a pasted number only
    const model = wb.getWorksheet('Model');
    let formulas = 0;
    model?.eachRow((row) => row.eachCell((c) => void (c.type === ExcelJS.ValueType.Formula && formulas++)));
    expect(formulas).toBeGreaterThan(1000);
    const views = model?.views[0] as { state?: string; xSplit?: number; ySplit?: number } | undefined;
    expect(views).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 2 });
  });
});

describe.skipIf(!lo.ok)('recalculated in LibreOffice (headless, forced recalculation)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'payback-xlsx-'));
  const results = new Map<string, ModelResult>();
  const converted = new Map<string, ExcelJS.Workbook>();
  const changedExpected = new Map<string, ModelResult>();
  let corruptedBefore: ExcelJS.Workbook | undefined;
  let seconds = 0;

  beforeAll(async () => {
    const files: string[] = [];
    for (const c of cases) {
      const r = evaluate(scenario(c.raw));
      results.set(c.name, r);
      const path = join(dir, 'in', `${c.name}.xlsx`);
      await write(buildWorkbook(r, { catalog: catalog() }), path);
      files.push(path);
    }
    // a workbook whose every cached value is wrong: only a recalculation can set it right
    const worked = results.get('worked-example') as ModelResult;
    const corrupt = buildWorkbook(worked);
    for (const name of ['Model', 'Summary']) {
      corrupt.getWorksheet(name)?.eachRow((row) =>
        row.eachCell((c) => {
          if (c.type === ExcelJS.ValueType.Formula) c.value = { formula: c.formula, result: 123456.789 };
        }),
      );
    }
    const corruptPath = join(dir, 'in', 'corrupted-cache.xlsx');
    await write(corrupt, corruptPath);
    corruptedBefore = await read(corruptPath);
    files.push(corruptPath);
    // two inputs changed in the exported file, as a user would (the cached values are now stale)
    for (const id of CHANGED) {
      const exported = await read(join(dir, 'in', `${id}.xlsx`));
      const raw = base(id) as any;
      const T = raw.horizon.years as number;
      namedCells(exported, 'utilization').forEach((c, i) => (c.value = newUtilization(T)[i] as number));
      const [capexCell] = namedCells(exported, 'capexPerAccelerator');
      capexCell!.value = newCapex(Number(capexCell!.value));
      const path = join(dir, 'in', `changed-${id}.xlsx`);
      await exported.xlsx.writeFile(path);
      files.push(path);
      changedExpected.set(
        id,
        evaluate(
          scenario(
            withPatch(raw, (d: any) => {
              d.demand.utilization = newUtilization(T);
              d.fleet.capexPerAccelerator = newCapex(d.fleet.capexPerAccelerator);
            }),
          ),
        ),
      );
    }
    const { outputs, ms } = recalculate(files, join(dir, 'out'));
    seconds = ms / 1000;
    console.log(`LibreOffice recalculated ${files.length} workbooks in ${seconds.toFixed(1)} s (one soffice process)`);
    for (const out of outputs) converted.set(out.replace(/^.*\//, '').replace(/\.xlsx$/, ''), await read(out));
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(cases.map((c) => c.name))('%s: every Model and Summary value matches the engine', (name) => {
    const wb = converted.get(name) as ExcelJS.Workbook;
    const r = results.get(name) as ModelResult;
    expect(mismatches(wb, r)).toEqual([]);
    let status: Cell = null;
    wb.getWorksheet('Summary')?.eachRow((row) => {
      if (row.getCell(1).value === 'status') status = cellValue(row.getCell(2));
    });
    expect(status).toBe('ok');
    expect(countChecked(wb, r)).toBeGreaterThan(200);
  });

  it('recalculates: a workbook with every cached value corrupted comes back right', () => {
    const r = results.get('worked-example') as ModelResult;
    // the check catches cached values: before LibreOffice, the corrupted file fails it everywhere
    expect(mismatches(corruptedBefore as ExcelJS.Workbook, r).length).toBeGreaterThan(200);
    expect(mismatches(converted.get('corrupted-cache') as ExcelJS.Workbook, r)).toEqual([]);
  });

  it.each(CHANGED)('%s: utilization and capex per accelerator changed in the workbook match the engine run with the same changes', (id) => {
    const changed = changedExpected.get(id) as ModelResult;
    const wb = converted.get(`changed-${id}`) as ExcelJS.Workbook;
    expect(mismatches(wb, changed)).toEqual([]);
    // and the change shows: the old results no longer match
    expect(mismatches(wb, results.get(id) as ModelResult).length).toBeGreaterThan(50);
    expect(changed.summary.npv).not.toBeCloseTo(results.get(id)?.summary.npv as number, -3);
  });

  it('stays quick: one soffice process for every workbook', () => {
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(120);
  });
});

async function write(wb: ExcelJS.Workbook, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await wb.xlsx.writeFile(path);
}
