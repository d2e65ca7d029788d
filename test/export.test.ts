/** `payback export`: the workbook, the CSVs and the JSON, written atomically; bad input exits 2. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { evaluate } from '../src/model/engine.ts';
import { SEGMENT_YEAR_FIELDS, YEAR_FIELDS } from '../src/model/result.ts';
import { base, scenario } from './helpers.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('payback export', () => {
  it('writes the workbook, the yearly and per-segment CSVs and the JSON result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-export-'));
    const { code, out } = await cli('export', 'neocloud-base', '--xlsx', join(dir, 'model.xlsx'), '--csv', `${dir}/`, '--json', join(dir, 'nested', 'result.json'));
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      `wrote ${join(dir, 'model.xlsx')}`,
      `wrote ${join(dir, 'neocloud-base-years.csv')}`,
      `wrote ${join(dir, 'neocloud-base-segments.csv')}`,
      `wrote ${join(dir, 'nested', 'result.json')}`,
    ]);
    // nothing half-written left behind
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const r = evaluate(scenario(base('neocloud-base')));
    const json = JSON.parse(readFileSync(join(dir, 'nested', 'result.json'), 'utf8')) as unknown;
    expect(json).toEqual(JSON.parse(JSON.stringify(r)));

    const years = readFileSync(join(dir, 'neocloud-base-years.csv'), 'utf8').trimEnd().split('\n');
    expect(years[0]).toBe(['t', 'year', ...YEAR_FIELDS].join(','));
    expect(years).toHaveLength(r.years.length + 1);
    const revenueCol = years[0]!.split(',').indexOf('revenue');
    expect(Number(years[2]!.split(',')[revenueCol])).toBe(r.years[1]!.revenue);
    expect(years[1]!.split(',')[revenueCol]).toBe(''); // t = 0: null

    const segs = readFileSync(join(dir, 'neocloud-base-segments.csv'), 'utf8').trimEnd().split('\n');
    expect(segs[0]).toBe(['segment', 'kind', 'pricing', 't', 'year', 'monetizable', 'profitable', ...SEGMENT_YEAR_FIELDS].join(','));
    expect(segs).toHaveLength(1 + r.segments.length * r.scenario.horizon.years);
    expect(segs[1]).toMatch(/^term-contracts,capacity-contract,perAcceleratorHour,1,2026,true,/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'model.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Inputs', 'Model', 'Summary']);
    // the Inputs sheet credits the scenario file's line comment as the source
    const inputs = wb.getWorksheet('Inputs');
    const row = inputs?.getColumn(1).values.indexOf('site.facility.leasePerKWMonth') ?? -1;
    expect(String(inputs?.getCell(row, 4).value)).toContain('CBRE');
  });

  it('--csv with a prefix writes <prefix>-years.csv and <prefix>-segments.csv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-export-'));
    const { code } = await cli('export', 'test/fixtures/worked-example.yaml', '--csv', join(dir, 'run1'));
    expect(code).toBe(0);
    expect(existsSync(join(dir, 'run1-years.csv'))).toBe(true);
    expect(existsSync(join(dir, 'run1-segments.csv'))).toBe(true);
  });

  it('bad input exits 2 and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-export-'));
    const bad = await cli('export', 'test/fixtures/broken.yaml', '--xlsx', join(dir, 'x.xlsx'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('site.itMW');
    expect(readdirSync(dir)).toEqual([]);
    const nothing = await cli('export', 'neocloud-base');
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('nothing to export');
  });
});
