/** `payback breakeven`, `payback tornado` and `payback grid`, driven through `runCli`. */
import { describe, expect, it } from 'vitest';
import type { BreakevenReport } from '../src/analysis/breakeven.ts';
import type { GridReport } from '../src/analysis/grid.ts';
import type { TornadoReport } from '../src/analysis/tornado.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { BUILT_INS } from './helpers.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Exit 2, nothing on stdout, no stack trace; the problem lines. */
async function bad(...args: string[]): Promise<string> {
  const r = await cli(...args);
  expect(r.code, args.join(' ')).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  return r.err;
}

describe('payback breakeven', () => {
  for (const id of BUILT_INS) {
    it(`${id}: a complete table with units and a status for every default driver`, async () => {
      const { code, out } = await cli('breakeven', id);
      expect(code).toBe(0);
      const json = JSON.parse((await cli('breakeven', id, '--json')).out) as BreakevenReport;
      expect(out).toContain(`What has to be true for NPV ≥ 0 — ${id}`);
      for (const row of json.rows) {
        expect(out).toContain(row.path);
        expect(row.status).toMatch(/^(met|needs-change|unreachable|no-effect)$/);
      }
      expect(out).toMatch(/│ Driver +│ +Base │ +Breakeven │ +Change │ +Change % │ +Status │/);
    });
  }
  it('formats for people: units, points, signed changes', async () => {
    const { out } = await cli('breakeven', 'neocloud-base', '--driver', 'fleet.capexPerAccelerator', '--driver', 'demand.utilization', '--driver', 'finance.wacc');
    const line = (path: string): string => {
      const lines = out.split('\n');
      const i = lines.findIndex((l) => l.includes(path));
      return lines[i - 1] ?? '';
    };
    expect(line('fleet.capexPerAccelerator')).toMatch(/\$52\.0k\/accel\. │ +\$49\.4k\/accel\. │ +−\$2,633\/accel\. │ +−5\.1 % │ needs change/);
    // the one formatter of every surface: shares and rates with two decimals, changes in percentage points (pp), as the report and the dashboard
    expect(line('demand.utilization')).toMatch(/75\.50 % │ +\d\d\.\d\d % │ +\+\d\.\d\d pp │/);
    expect(line('finance.wacc')).toMatch(/12\.00 %\/yr │ +10\.\d\d %\/yr │ +−1\.\d\d pp │/);
  });
  it('--target and --json', async () => {
    const { code, out } = await cli('breakeven', 'hyperscaler-base', '--target', 'irr>=wacc', '--driver', 'finance.wacc', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as BreakevenReport;
    expect(r.target).toMatchObject({ text: 'irr>=wacc', threshold: 0.08 });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.setting).toMatchObject({ path: 'finance.wacc', mode: 'set' });
  });
  it('bad paths and targets: exit 2 naming what was wrong and what would be valid', async () => {
    expect(await bad('breakeven', 'hyperscaler-base', '--driver', 'demand.utilisation', '--driver', 'finance.debt.rate')).toMatchInlineSnapshot(`
      "payback: 2 problems in the input:
        demand.utilisation: no input "utilisation" under demand (did you mean "utilization"?); valid under demand: utilization, segments
        finance.debt.rate: an input of the schema, but not of this scenario: finance.debt is absent: this scenario has no debt"
    `);
    expect(await bad('breakeven', 'hyperscaler-base', '--target', 'irr>wacc')).toContain('valid forms: npv>=0, npv>=X, irr>=wacc');
    expect(await bad('breakeven', 'hyperscaler-base', '--target', 'minDscr>=1.2')).toContain('needs debt');
    expect(await bad('breakeven', 'hyperscaler-bse')).toContain('did you mean "hyperscaler-base"');
  });
});

describe('payback tornado', () => {
  it('sorted by swing, with the metric at low and high', async () => {
    const { code, out } = await cli('tornado', 'neocloud-base', '--json');
    expect(code).toBe(0);
    const t = JSON.parse(out) as TornadoReport;
    const swings = t.rows.map((r) => r.swing ?? -1);
    expect(swings).toEqual([...swings].sort((a, b) => b - a));
    const table = (await cli('tornado', 'neocloud-base')).out;
    expect(table).toContain('Tornado of NPV — neocloud-base');
    expect(table.indexOf(t.rows[0]!.path)).toBeLessThan(table.indexOf(t.rows[1]!.path));
  });
  it('--metric, --swing, --range', async () => {
    const { code, out } = await cli('tornado', 'hyperscaler-base', '--metric', 'paybackYears', '--swing', '10%', '--range', 'finance.wacc=6%:12%', '--json');
    expect(code).toBe(0);
    const t = JSON.parse(out) as TornadoReport;
    expect(t.metric).toBe('paybackYears');
    expect(t.swing).toBe(0.1);
    expect(t.rows.find((r) => r.path === 'finance.wacc')).toMatchObject({ low: 0.06, high: 0.12, source: 'range' });
  });
  it('bad ranges, swings and metrics: exit 2', async () => {
    expect(await bad('tornado', 'hyperscaler-base', '--range', 'finance.wacc', '--range', 'finance.wacc=a:0.1', '--swing', 'lots')).toMatchInlineSnapshot(`
      "payback: 3 problems in the input:
        --swing: "lots" is not a number; expected a fraction such as 0.2 (±20 %)
        --range "finance.wacc": no "PATH="; expected PATH=lo:hi, e.g. finance.wacc=0.06:0.12
        --range "finance.wacc=a:0.1": "a" is not a number; expected PATH=lo:hi, e.g. finance.wacc=0.06:0.12"
    `);
    expect(await bad('tornado', 'hyperscaler-base', '--range', 'finance.wacc=0.2:0.1')).toContain('lo must be below hi');
    expect(await bad('tornado', 'hyperscaler-base', '--range', 'site.pue=0.5:2')).toContain('outside the valid range; valid: 1 to 3');
    expect(await bad('tornado', 'hyperscaler-base', '--metric', 'nvp')).toContain('unknown metric "nvp" (did you mean "npv"?)');
  });
});

describe('payback grid', () => {
  const args = ['grid', 'hyperscaler-base', '--x', 'demand.utilization=0.3:0.9:7', '--y', 'fleet.capexPerAccelerator=30k:90k:5'];
  it('a table with the contour marked', async () => {
    const { code, out } = await cli(...args);
    expect(code).toBe(0);
    expect(out).toContain('* next to the breakeven: NPV ≥ 0 flips between the cell and a neighbour.');
    const g = JSON.parse((await cli(...args, '--json')).out) as GridReport;
    const cells = out
      .split('\n')
      .filter((l) => l.includes('/accel.'))
      .map((l) => l.split('│').slice(2, -1).map((c) => c.trim().endsWith('*')));
    expect(cells).toEqual(g.contour);
  });
  it('--csv: x values across, y values down, raw numbers', async () => {
    const { code, out } = await cli(...args, '--csv', '--metric', 'irr');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('fleet.capexPerAccelerator \\ demand.utilization,0.3,0.4,0.5,0.6,0.7,0.8,0.9');
    expect(lines[1]!.split(',')[0]).toBe('30000');
    expect(Number(lines[1]!.split(',')[1])).toBeGreaterThan(-1);
  });
  it('bad ranges: exit 2 naming what was wrong and what would be valid', async () => {
    expect(await bad('grid', 'hyperscaler-base', '--x', 'demand.utilization=0.3:0.9', '--y', 'fleet.capexPerAccelerator=30k:90k:x')).toMatchInlineSnapshot(`
      "payback: 2 problems in the input:
        --x "demand.utilization=0.3:0.9": the range needs three numbers separated by ":"; expected PATH=lo:hi:n, e.g. demand.utilization=0.4:0.9:11
        --y "fleet.capexPerAccelerator=30k:90k:x": "x" is not a number; expected PATH=lo:hi:n, e.g. demand.utilization=0.4:0.9:11"
    `);
    expect(await bad('grid', 'hyperscaler-base', '--x', 'demand.utilization=0.9:0.3:5', '--y', 'fleet.capexPerAccelerator=30k:90k:1')).toMatchInlineSnapshot(`
      "payback: 2 problems in the input:
        demand.utilization: the --x range 0.9:0.3 is empty: lo must be below hi; valid: 0 to 0.973333
        fleet.capexPerAccelerator: --y: the number of points is a whole number from 2 to 201, got 1"
    `);
    expect(await bad('grid', 'hyperscaler-base', '--x', 'demand.utilization=0.3:1:5', '--y', 'finance.debt.rate=0.05:0.1:3')).toMatchInlineSnapshot(`
      "payback: 2 problems in the input:
        demand.utilization: the --x range 0.3:1 goes outside the valid range; valid: 0 to 0.973333 (a Series given year by year moves as a whole: its value is the mean over the horizon, and no year may leave the valid range)
        finance.debt.rate: --y: an input of the schema, but not of this scenario: finance.debt is absent: this scenario has no debt"
    `);
    expect(await bad('grid', 'hyperscaler-base', '--x', 'finance.wacc=0.05:0.1:3', '--y', 'finance.wacc=0.05:0.1:3')).toContain('move the same input');
    expect(await bad('grid', 'hyperscaler-base', '--x', 'finance.wacc=0.05:0.1:3')).toContain("required option '--y");
  });
});
