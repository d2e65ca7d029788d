/** `payback conditions` and `payback designpoint`, driven through `runCli` with captured output. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { nonFinitePaths, ROOT } from './helpers.ts';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const cells = (out: string, label: string): string[] =>
  (out.split('\n').find((l) => l.startsWith(`│ ${label} `)) ?? '')
    .split('│')
    .map((c) => c.trim())
    .filter((c) => c !== '');

const dir = mkdtempSync(join(tmpdir(), 'payback-conditions-'));
const linearText = readFileSync(join(ROOT, 'test/fixtures/form-linear.yaml'), 'utf8');
/** The linear fixture with some text appended (a correlation block, another uncertainty block). */
function fixture(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A built-in without its uncertainty block: the library's default uncertainty is what runs. */
function bare(id: string): string {
  const text = readFileSync(join(ROOT, 'data', 'scenarios', `${id}.yaml`), 'utf8');
  return fixture(`${id}-bare.yaml`, `${text.slice(0, text.indexOf('\n# What Monte Carlo samples'))}\n`);
}

describe('payback conditions', () => {
  it('prints the eight conditions, the joint figures and the inputs', async () => {
    const { code, out } = await cli('conditions', bare('hyperscaler-base'), '-n', '20000', '--seed', '3');
    expect(code).toBe(0);
    expect(out).toContain('What has to work at the same time — Hyperscaler — base case');
    expect(out).toContain('no uncertainty block, so its default uncertainty is sampled');
    for (const label of ['Paid enterprise workflows', 'Consumer monetization', 'Internal product lift', 'Platform services', 'High utilization', 'Lower cost per token', 'Sustained premium demand', 'Disciplined capital deployment']) {
      expect(cells(out, label)).toHaveLength(5);
    }
    expect(cells(out, 'High utilization').slice(1, 2)).toEqual(['1 of 1']);
    expect(out).toMatch(/From 20,000 samples \(seed 3\): P\(npv ≥ 0\) = [\d.]+ %/);
    expect(out).toMatch(/P\(npv ≥ 0 \| all hold\) = [\d.]+ % against P\(npv ≥ 0 \| one fails\) = [\d.]+ %/);
    expect(out).toContain('High utilization: Utilization ↑');
  });

  it('--json: the same bytes for the same seed, other figures for another', async () => {
    const a = await cli('conditions', 'neocloud-base', '-n', '5000', '--seed', '9', '--json');
    const b = await cli('conditions', 'neocloud-base', '-n', '5000', '--seed', '9', '--json');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const j = JSON.parse(a.out) as { n: number; seed: number; conditions: { key: string; pHolds: number | null }[] };
    expect(j.n).toBe(5000);
    expect(j.conditions).toHaveLength(8);
    expect(nonFinitePaths(j)).toEqual([]);
    const c = await cli('conditions', 'neocloud-base', '-n', '5000', '--seed', '10', '--json');
    expect(c.out).not.toBe(a.out);
  });

  it('bad input exits 2', async () => {
    expect((await cli('conditions', 'hyperscaler-bse')).code).toBe(2);
    expect((await cli('conditions', 'hyperscaler-base', '-n', '0')).code).toBe(2);
    const fixed = fixture('fixed.yaml', linearText.replace(/uncertainty:[\s\S]*$/, "uncertainty:\n  finance.wacc: { dist: fixed, value: 0.1 }\n"));
    const r = await cli('conditions', fixed, '-n', '100');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no uncertain inputs');
  });
});

describe('payback designpoint', () => {
  it('prints β, Φ(−β) beside the Monte Carlo, and the inputs by importance', async () => {
    const { code, out } = await cli('designpoint', bare('neocloud-base'), '-n', '20000');
    expect(code).toBe(0);
    expect(out).toContain('Design point — Neocloud — base case');
    expect(out).toMatch(/The most likely way this reaches the target: β = 1\.052, first-order P\(reach\) = Φ\(−β\) = 14\.6 %; Monte Carlo \(20,000 samples, seed 42\): [\d.]+ %\./);
    expect(cells(out, 'Utilization (× its path)')).toEqual(['Utilization (× its path)', '1.000×', '0.986×', '1.019×', '+1.9 %', '17.1 %']);
    expect(out).toMatch(/converged \(1 − cos θ = [\d.]+e-\d+\)/);
  });

  it('--json on the linear fixture: the closed-form β; -n 0 runs no Monte Carlo', async () => {
    const file = fixture('linear.yaml', linearText);
    const { code, out } = await cli('designpoint', file, '--json', '-n', '0');
    expect(code).toBe(0);
    const d = JSON.parse(out) as { beta: number; monteCarlo: unknown; inputs: { path: string }[]; setting: unknown[] };
    expect(d.beta).toBeCloseTo((15.768 - 13.14) / Math.hypot(1.5768, 0.876), 12);
    expect(d.monteCarlo).toBeNull();
    expect(d.inputs.map((x) => x.path)).toEqual(['demand.segments[paid].pricing.perMTok', 'fleet.rentPerAcceleratorHour']);
    expect(nonFinitePaths(d)).toEqual([]);
  });

  it('a target the design point cannot reach exits 2, with the closest point', async () => {
    const file = fixture('linear.yaml', linearText);
    const r = await cli('designpoint', file, '--target', 'npv>=1T', '-n', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/target: unreachable: the target npv>=1T is never met .* the closest point found gives npv = 55300400 at demand\.segments\[paid\]\.pricing\.perMTok = 1\.799\d*, fleet\.rentPerAcceleratorHour = 0\.7/);
  });

  it('no uncertain inputs exits 2', async () => {
    const fixed = fixture('fixed.yaml', linearText.replace(/uncertainty:[\s\S]*$/, "uncertainty:\n  finance.wacc: { dist: fixed, value: 0.1 }\n"));
    const r = await cli('designpoint', fixed, '-n', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('uncertainty: no uncertain inputs: every distribution is a single value (finance.wacc)');
  });

  it('a correlation matrix that is not positive definite exits 2 at its line', async () => {
    const text = `${linearText}correlation:\n  paths: ['demand.segments[paid].pricing.perMTok', fleet.rentPerAcceleratorHour, opex.fixedPerMWYear]\n  matrix: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n`.replace(
      'uncertainty:\n',
      'uncertainty:\n  opex.fixedPerMWYear: { dist: uniform, min: 0, max: 100000 }\n',
    );
    const file = fixture('not-pd.yaml', text);
    const r = await cli('designpoint', file, '-n', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not-pd\.yaml:\d+:\d+ correlation\.matrix: the matrix is not positive definite/);
  });

  it('a bad target exits 2 listing the forms', async () => {
    const r = await cli('designpoint', 'neocloud-base', '--target', 'npv>0', '-n', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('valid forms: npv>=0');
  });
});
