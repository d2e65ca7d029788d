/**
 * The portfolio's workbook (MODEL.md §8): the consolidation, the revenue gap,
 * the depreciation wall and the summary as live formulas, recalculated by
 * headless LibreOffice and compared with the engine; a changed wacc and tax
 * rate in the workbook move the capital charge and the required revenue as
 * the engine does; its four native charts survive the round trip.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setInput } from '../src/analysis/paths.ts';
import { readPortfolioFile } from '../src/io/portfolio-files.ts';
import { formatIssues } from '../src/model/issues.ts';
import { evaluatePortfolio, type PortfolioResult } from '../src/model/portfolio.ts';
import type { Portfolio } from '../src/model/portfolio-load.ts';
import { buildPortfolioWorkbook, portfolioXlsx } from '../src/report/portfolio-xlsx.ts';
import { catalog } from './helpers.ts';
import { ensureLibreOffice, recalculate } from './libreoffice.ts';

const REL = 1e-9;

/** A built-in portfolio, or `levered-pair`: two neocloud-levered vintages (test/fixtures/portfolio-levered.yaml). */
function builtIn(id: string): Portfolio {
  const r = readPortfolioFile(id === 'levered-pair' ? join(import.meta.dirname, 'fixtures', 'portfolio-levered.yaml') : id, catalog());
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.portfolio;
}

type Cell = number | string | null;
function cellValue(c: ExcelJS.Cell): Cell {
  const v: unknown = c.type === ExcelJS.ValueType.Formula ? c.result : c.value;
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'error' in v) return `#ERROR ${JSON.stringify(v)}`;
  return String(v);
}

const PORTFOLIO_LINES = [
  'installedMW', 'accelerators', 'capacityTokens', 'utilization', 'tokens', 'billedTokens', 'revenue', 'power', 'maintenance', 'depreciation', 'cogs', 'ebitda', 'tax', 'grossProfit', 'grossMargin', 'capex', 'fcf', 'cumulativeFcf', 'debtOutstanding', 'equityCashFlow',
  // MODEL.md §9, a portfolio of levered vintages
  'interest', 'principalDue', 'balloonsDue', 'refinanced', 'sweep', 'cashAvailable', 'marketValue', 'backlog', 'contractedRevenue', 'expectedCreditLoss', 'dscr', 'marketLtv', 'refinancingNeed', 'refinancingNeedRatio', 'costOfDebt', 'contractedShare', 'revenueAtRisk',
] as const;
const GAP_LINES = ['cashCost', 'capitalCharge', 'requiredRevenue', 'requiredEndUser', 'gap', 'depreciationShare'] as const;

/** Every checked cell of Portfolio and Summary that differs from the engine's result, by more than 1e-9 relative (a floor for values near 0). */
function mismatches(wb: ExcelJS.Workbook, r: PortfolioResult, lines: { years: boolean; gap: boolean; summary: boolean } = { years: true, gap: true, summary: true }): string[] {
  const out: string[] = [];
  const ws = wb.getWorksheet('Portfolio');
  if (ws === undefined) return ['no Portfolio sheet'];
  const Y = r.portfolio.years;
  const scale = new Map<string, number>();
  const check = (where: string, got: Cell, expected: number | null | undefined, unit: string): void => {
    const e = expected ?? null;
    if (e === null) {
      if (got !== null && got !== 0) out.push(`${where}: ${got} (expected blank)`);
      return;
    }
    const floor = 1e-12 * (scale.get(unit) ?? 1);
    if (typeof got !== 'number' || Math.abs(got - e) > Math.max(REL * Math.abs(e), floor)) out.push(`${where}: ${got} ≠ ${e}`);
  };
  ws.eachRow((row, n) => {
    if (n < 3) return;
    const key = String(row.getCell(1).value ?? '');
    const years = (PORTFOLIO_LINES as readonly string[]).includes(key);
    const gap = (GAP_LINES as readonly string[]).includes(key);
    if ((years && !lines.years) || (gap && !lines.gap) || (!years && !gap)) return;
    for (let c = 0; c <= Y; c++) {
      const cell = row.getCell(3 + c);
      if (cell.value === null && cell.type !== ExcelJS.ValueType.Formula) continue;
      const year = r.portfolio.startYear - 1 + c;
      const expected = years ? (r.years[c] as unknown as Record<string, number | null>)[key] : (r.revenueGap.find((g) => g.year === year) as unknown as Record<string, number | null> | undefined)?.[key];
      scale.set(key, Math.max(scale.get(key) ?? 0, Math.abs(expected ?? 0)));
      check(`Portfolio ${key} ${year}`, cellValue(cell), expected, key);
    }
  });
  if (lines.summary) {
    wb.getWorksheet('Summary')?.eachRow((row) => {
      const key = String(row.getCell(1).value ?? '');
      if (!['npv', 'irr', 'peakFunding', 'totalCapex', 'totalRevenue', 'grossMargin', 'maxRevenueGap', 'paybackYears', 'minDscr', 'maxRefinancingNeed', 'maxMarketLtv'].includes(key)) return;
      const got = cellValue(row.getCell(2));
      const expected = (r.summary as unknown as Record<string, number | null>)[key];
      if (key === 'paybackYears' && expected === null) {
        if (got !== 'never') out.push(`Summary paybackYears: ${got} (expected never)`);
        return;
      }
      check(`Summary ${key}`, got, expected, key);
    });
  }
  return out;
}

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  return wb;
}

const IDS = ['industry-revenue-gap', 'hyperscaler-buildout', 'neocloud-ramp', 'levered-pair'] as const;
const lo = ensureLibreOffice();
if (!lo.ok) console.warn(`\n!! SKIPPING the LibreOffice recalculation of the portfolio workbooks: ${lo.reason}\n`);

describe('the portfolio workbook (no spreadsheet needed)', () => {
  it.each(IDS)('%s: every formula caches the engine\'s value; the inputs are named; four charts', async (id) => {
    const r = evaluatePortfolio(builtIn(id));
    const bytes = await portfolioXlsx(r);
    const wb = await load(bytes);
    expect(mismatches(wb, r)).toEqual([]);
    const names = ['p_wacc', 'p_taxRate'];
    for (const n of names) expect(wb.definedNames.getRanges(n).ranges.length).toBe(1);
    let formulas = 0;
    wb.getWorksheet('Portfolio')?.eachRow((row) => row.eachCell((c) => void (c.type === ExcelJS.ValueType.Formula && formulas++)));
    expect(formulas).toBeGreaterThan(40 * r.portfolio.years);
    const zip = await JSZip.loadAsync(bytes);
    expect(Object.keys(zip.files).filter((f) => /^xl\/charts\/chart.*\.xml$/.test(f))).toHaveLength(4);
    const { charts } = buildPortfolioWorkbook(r);
    expect(charts.map((c) => c.title)).toEqual([
      'Installed MW by vintage',
      'Revenue against the revenue the buildout requires',
      'The depreciation wall: depreciation / revenue',
      r.portfolio.demand !== undefined ? 'Utilization by vintage under the shared market' : 'Utilization by vintage',
    ]);
    expect(charts[0]?.series).toHaveLength(r.vintages.length);
  });
});

describe.skipIf(!lo.ok)('the portfolio workbook recalculated in LibreOffice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'payback-pxlsx-'));
  const results = new Map<string, PortfolioResult>();
  const converted = new Map<string, ExcelJS.Workbook>();
  const charts = new Map<string, number>();
  let changed: PortfolioResult | undefined;

  beforeAll(async () => {
    mkdirSync(join(dir, 'in'), { recursive: true });
    const files: string[] = [];
    for (const id of IDS) {
      const r = evaluatePortfolio(builtIn(id));
      results.set(id, r);
      const path = join(dir, 'in', `${id}.xlsx`);
      writeFileSync(path, await portfolioXlsx(r));
      files.push(path);
    }
    // the portfolio's wacc and tax rate changed in the file, as a user would: its cached values are now stale
    const p = builtIn('industry-revenue-gap');
    const bytes = readFileSync(join(dir, 'in', 'industry-revenue-gap.xlsx'));
    const wb = await load(bytes);
    const inputs = wb.getWorksheet('Inputs');
    inputs?.eachRow((row) => {
      if (row.getCell(2).value === 'p_wacc') row.getCell(4).value = 0.05;
      if (row.getCell(2).value === 'p_taxRate') row.getCell(4).value = 0;
    });
    const changedPath = join(dir, 'in', 'changed.xlsx');
    await wb.xlsx.writeFile(changedPath);
    files.push(changedPath);
    // the engine with the same change to the portfolio's own finance (its vintages' lines stay as exported)
    changed = evaluatePortfolio({ ...p, finance: { wacc: 0.05, taxRate: 0 } });
    const { outputs } = recalculate(files, join(dir, 'out'));
    for (const out of outputs) {
      const name = out.replace(/^.*\//, '').replace(/\.xlsx$/, '');
      const buf = readFileSync(out);
      converted.set(name, await load(buf));
      const zip = await JSZip.loadAsync(buf);
      charts.set(name, Object.keys(zip.files).filter((f) => /^xl\/charts\/chart.*\.xml$/.test(f)).length);
    }
  }, 900_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(IDS)('%s: every consolidated line, the revenue gap and the summary match the engine', (id) => {
    expect(mismatches(converted.get(id) as ExcelJS.Workbook, results.get(id) as PortfolioResult)).toEqual([]);
    expect(charts.get(id)).toBe(4);
  });

  it('a wacc and tax rate changed in the workbook move the capital charge, the required revenue and npv as the engine does', () => {
    const wb = converted.get('changed') as ExcelJS.Workbook;
    const r = changed as PortfolioResult;
    expect(mismatches(wb, r, { years: true, gap: true, summary: false })).toEqual([]);
    // and the change shows
    expect(mismatches(wb, results.get('industry-revenue-gap') as PortfolioResult, { years: false, gap: true, summary: false }).length).toBeGreaterThan(10);
    let npv: Cell = null;
    wb.getWorksheet('Summary')?.eachRow((row) => {
      if (row.getCell(1).value === 'npv') npv = cellValue(row.getCell(2));
    });
    // npv discounts the exported flows at the new wacc
    let want = 0;
    for (const y of (results.get('industry-revenue-gap') as PortfolioResult).years) want += (y.fcf ?? 0) / 1.05 ** y.t;
    expect(npv).toBeCloseTo(want, -2);
  });
});
