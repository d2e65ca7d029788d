/**
 * The exported workbook guards its inputs: every yellow input cell carries a
 * data validation with MODEL.md §2's bounds (the loader's own, read from the
 * same schema), input cells are unlocked and every sheet is protected without
 * a password, so formulas cannot be overwritten by accident; a payback never
 * reached reads "never"; each sheet prints one page wide.
 *
 * The rules are read back after a round trip through LibreOffice (headless:
 * it keeps them as it understood them), then each is applied to its cell's
 * value (accepted) and to out-of-range values such as `pue 0.5` (refused).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../src/model/engine.ts';
import { buildWorkbook } from '../src/report/xlsx.ts';
import { base, BUILT_INS, catalog, scenario } from './helpers.ts';
import { ensureLibreOffice, recalculate } from './libreoffice.ts';

type Value = number | string | boolean | null;

/** A formula of ours (AND, ISNUMBER, ISLOGICAL, INT, comparisons) as a JavaScript predicate of the cell's value. */
function formulaPredicate(formula: string, address: string): (v: Value) => boolean {
  const splitTop = (s: string): string[] => {
    const out: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of s) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        out.push(cur);
        cur = '';
      } else cur += ch;
    }
    return [...out, cur];
  };
  const js = (f: string): string => {
    const and = /^AND\((.*)\)$/.exec(f);
    if (and !== null) return splitTop(and[1] as string).map((p) => `(${js(p)})`).join('&&');
    return f
      .replace(new RegExp(`\\$?${address.replace(/(\d)/, '\\$?$1')}`, 'g'), 'v')
      .replace(/ISNUMBER\(v\)/g, "(typeof v==='number')")
      .replace(/ISLOGICAL\(v\)/g, "(typeof v==='boolean')")
      .replace(/INT\(v\)/g, 'Math.floor(v)')
      .replace(/(?<![<>!=])=(?!=)/g, '===');
  };
  return new Function('v', `return ${js(formula.replace(/^=/, ''))};`) as (v: Value) => boolean;
}

/** Does the cell's validation accept `v`? As Excel and LibreOffice apply it. */
function accepts(dv: ExcelJS.DataValidation, address: string, v: Value): boolean {
  const f = (dv.formulae ?? []).map((x) => String(x).replace(/^=/, ''));
  switch (dv.type) {
    case 'list':
      return (f[0] ?? '').replace(/^"|"$/g, '').split(',').includes(String(v));
    case 'custom':
      return formulaPredicate(f[0] as string, address)(v);
    case 'whole':
    case 'decimal': {
      if (typeof v !== 'number' || (dv.type === 'whole' && !Number.isInteger(v))) return false;
      const [a, b] = f.map(Number) as [number, number];
      switch (dv.operator ?? 'between') {
        case 'between':
          return v >= a && v <= b;
        case 'greaterThan':
          return v > a;
        case 'greaterThanOrEqual':
          return v >= a;
        case 'lessThan':
          return v < a;
        case 'lessThanOrEqual':
          return v <= a;
        default:
          throw new Error(`operator ${dv.operator} not expected`);
      }
    }
    default:
      throw new Error(`validation type ${dv.type} not expected`);
  }
}

/** The Inputs rows: path → its value cells. */
function inputRows(wb: ExcelJS.Workbook): Map<string, ExcelJS.Cell[]> {
  const ws = wb.getWorksheet('Inputs') as ExcelJS.Worksheet;
  const rows = new Map<string, ExcelJS.Cell[]>();
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const path = String(row.getCell(1).value ?? '');
    const cells: ExcelJS.Cell[] = [];
    for (let c = 5; c <= ws.columnCount; c++) if (row.getCell(c).value !== null && row.getCell(c).value !== undefined) cells.push(row.getCell(c));
    if (row.getCell(2).value) rows.set(path, cells);
  });
  return rows;
}

/**
 * Which cells of a sheet are locked, read from the file itself: exceljs reads
 * LibreOffice's `locked="false"` as locked (it knows only "0"), so the round
 * trip's protection is read from styles.xml and the sheet's cell styles.
 */
const unzip = (file: string, entry: string): string => execFileSync('unzip', ['-p', file, entry], { encoding: 'utf8', maxBuffer: 64 << 20 });

function lockedCells(file: string, sheet: number): Map<string, boolean> {
  const styles = unzip(file, 'xl/styles.xml');
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
  const locked = [...xfs.matchAll(/<xf\b[^>]*?(?:\/>|>([\s\S]*?)<\/xf>)/g)].map((m) => {
    const p = /<protection[^>]*locked="([^"]*)"/.exec(m[1] ?? '');
    return p === null ? true : !(p[1] === '0' || p[1] === 'false');
  });
  const out = new Map<string, boolean>();
  for (const m of unzip(file, `xl/worksheets/sheet${sheet}.xml`).matchAll(/<c r="([A-Z]+\d+)"(?:[^>]*?\ss="(\d+)")?/g)) out.set(m[1] as string, locked[Number(m[2] ?? 0)] ?? true);
  return out;
}

const lo = ensureLibreOffice();
if (!lo.ok) console.warn(`\n!! SKIPPING the LibreOffice round trip of the validation rules: ${lo.reason}\n`);

const dir = mkdtempSync(join(tmpdir(), 'payback-xlsx-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const built = new Map<string, ExcelJS.Workbook>();
const roundTripped = new Map<string, ExcelJS.Workbook>();
/** Locked or not, per cell of Inputs (sheet 1), as each file says it. */
const locks = new Map<string, Map<string, boolean>>();
/** The file of each workbook checked. */
const paths = new Map<string, string>();

beforeAll(async () => {
  mkdirSync(join(dir, 'in'), { recursive: true });
  const files: string[] = [];
  for (const id of BUILT_INS) {
    const path = join(dir, 'in', `${id}.xlsx`);
    await buildWorkbook(evaluate(scenario(base(id))), { catalog: catalog() }).xlsx.writeFile(path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    built.set(id, wb);
    locks.set(`${id} (as exported)`, lockedCells(path, 1));
    paths.set(`${id} (as exported)`, path);
    files.push(path);
  }
  if (!lo.ok) return;
  const { outputs } = recalculate(files, join(dir, 'out'));
  for (const [i, out] of outputs.entries()) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    roundTripped.set(BUILT_INS[i] as string, wb);
    locks.set(`${BUILT_INS[i]} (after LibreOffice)`, lockedCells(out, 1));
    paths.set(`${BUILT_INS[i]} (after LibreOffice)`, out);
  }
}, 600_000);

/** The workbooks to check: as written, and as LibreOffice wrote them back. */
const each = (): [string, ExcelJS.Workbook][] => [
  ...[...built].map(([id, wb]): [string, ExcelJS.Workbook] => [`${id} (as exported)`, wb]),
  ...[...roundTripped].map(([id, wb]): [string, ExcelJS.Workbook] => [`${id} (after LibreOffice)`, wb]),
];

describe('the workbook guards its inputs', () => {
  it('LibreOffice was there to round-trip the workbooks, or the skip said why', () => {
    expect(roundTripped.size).toBe(lo.ok ? BUILT_INS.length : 0);
  });

  it('every yellow input cell is unlocked and validated; each accepts its own value', () => {
    for (const [name, wb] of each()) {
      let validated = 0;
      const locked = locks.get(name) as Map<string, boolean>;
      for (const [path, cells] of inputRows(wb)) {
        const structural = path.startsWith('horizon.') || path.startsWith('(constant)');
        for (const c of cells) {
          if (structural) {
            expect(locked.get(c.address), `${name} ${path} is structure: locked`).toBe(true);
            continue;
          }
          expect(locked.get(c.address), `${name} ${path} ${c.address} unlocked`).toBe(false);
          const dv = c.dataValidation;
          expect(dv?.type, `${name} ${path} ${c.address} has a validation`).toBeDefined();
          expect(dv?.showErrorMessage, `${name} ${path}: refuses (stop), not just warns`).toBe(true);
          expect(dv?.errorStyle ?? 'stop').toBe('stop');
          // LibreOffice writes a TRUE back as the formula TRUE() with its result
          const v = (c.type === ExcelJS.ValueType.Formula ? c.result : c.value) as Value;
          expect(accepts(dv as ExcelJS.DataValidation, c.address, v), `${name} ${path} ${c.address} accepts ${String(v)}`).toBe(true);
          validated++;
        }
      }
      expect(validated, name).toBeGreaterThan(20);
    }
  });

  it('out-of-range values are refused: pue 0.5, utilization 1.2, a fractional life, a 100 % tax rate, an unknown choice', () => {
    const bad: [string, Value][] = [
      ['site.pue', 0.5],
      ['site.pue', 3.5],
      ['site.pue', 'high'],
      ['site.itMW', 0],
      ['demand.utilization', 1.2],
      ['demand.utilization', -0.1],
      ['fleet.usefulLifeYears', 2.5],
      ['fleet.usefulLifeYears', 0],
      ['finance.taxRate', 1],
      ['finance.wacc', -1],
      ['fleet.residualValue', 1],
      ['finance.terminalValue', 'market'],
      ['fleet.refresh', 'yes'],
    ];
    const good: [string, Value][] = [
      ['site.pue', 1],
      ['site.pue', 3],
      ['demand.utilization', 0],
      ['finance.taxRate', 0.999],
      ['finance.wacc', -0.5],
      ['fleet.usefulLifeYears', 7],
      ['finance.terminalValue', 'none'],
      ['fleet.refresh', false],
    ];
    for (const [name, wb] of each()) {
      if (!name.startsWith('hyperscaler-base')) continue;
      const rows = inputRows(wb);
      for (const [path, v] of [...bad, ...good]) {
        const cell = rows.get(path)?.[0];
        expect(cell, `${name} has ${path}`).toBeDefined();
        const ok = accepts(cell?.dataValidation as ExcelJS.DataValidation, (cell as ExcelJS.Cell).address, v);
        expect(ok, `${name} ${path} = ${String(v)}`).toBe(good.some(([p, g]) => p === path && g === v));
      }
    }
  });

  it('every sheet is protected without a password, formulas locked; each prints one page wide, its header rows repeated', () => {
    for (const [name, wb] of each()) {
      // read from the file's XML: exceljs reads LibreOffice's "true"/"false" attributes wrongly
      ['Inputs', 'Model', 'Summary'].forEach((sheet, i) => {
        const xml = unzip(paths.get(name) as string, `xl/worksheets/sheet${i + 1}.xml`);
        const protection = /<sheetProtection\b[^>]*>/.exec(xml)?.[0] ?? '';
        expect(protection, `${name} ${sheet} protected`).toMatch(/\ssheet="(1|true)"/);
        expect(protection, `${name} ${sheet}: no password`).not.toMatch(/hashValue|password=/);
        expect(xml, `${name} ${sheet} fit to page`).toMatch(/<pageSetUpPr\b[^>]*fitToPage="(1|true)"/);
        const setup = /<pageSetup\b[^>]*>/.exec(xml)?.[0] ?? '';
        expect(setup, `${name} ${sheet}`).toMatch(/fitToWidth="1"/);
        expect(setup, `${name} ${sheet}`).toMatch(/fitToHeight="0"/);
        expect(setup, `${name} ${sheet}`).toMatch(/orientation="landscape"/);
      });
      const titles = [...unzip(paths.get(name) as string, 'xl/workbook.xml').matchAll(/<definedName\b[^>]*name="_xlnm\.Print_Titles"[^>]*>([^<]*)</g)].map((m) => m[1]);
      expect(titles.map((t) => t?.replace(/'|&apos;/g, '')).sort(), `${name} print titles`).toEqual(['Inputs!$1:$1', 'Model!$1:$2', 'Summary!$1:$1']);
      const model = wb.getWorksheet('Model') as ExcelJS.Worksheet;
      let formulas = 0;
      model.eachRow((row) =>
        row.eachCell((c) => {
          if (c.type !== ExcelJS.ValueType.Formula) return;
          formulas++;
          expect(c.protection?.locked, `${name} Model ${c.address}`).not.toBe(false);
        }),
      );
      expect(formulas).toBeGreaterThan(300);
    }
  });

  it('a payback never reached reads "never" (private AI factory), recalculated by LibreOffice too', () => {
    for (const [name, wb] of each()) {
      if (!name.startsWith('private-ai-factory-base')) continue;
      const summary = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
      let payback: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === 'paybackYears') payback = row.getCell(2).type === ExcelJS.ValueType.Formula ? row.getCell(2).result : row.getCell(2).value;
      });
      expect(payback, name).toBe('never');
    }
  });

  it('a rented fleet\'s payback reads "no capex (rented): see commitments" (frontier lab), recalculated by LibreOffice too', () => {
    let seen = 0;
    for (const [name, wb] of each()) {
      if (!name.startsWith('frontier-lab-base')) continue;
      const summary = wb.getWorksheet('Summary') as ExcelJS.Worksheet;
      let payback: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === 'paybackYears') payback = row.getCell(2).type === ExcelJS.ValueType.Formula ? row.getCell(2).result : row.getCell(2).value;
      });
      expect(payback, name).toBe('no capex (rented): see commitments');
      seen++;
    }
    expect(seen).toBeGreaterThan(0);
  });
});
