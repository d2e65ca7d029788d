/** `payback stack`, `internal`, `advantages` and `compare --metric/--rank`, driven through `runCli` with captured output. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { base, nonFinitePaths, withPatch } from './helpers.ts';

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

describe('payback stack', () => {
  it('prints the sources, the requirement, the gap, strategic value and a sentence per source', async () => {
    const { code, out } = await cli('stack', 'hyperscaler-base');
    expect(code).toBe(0);
    expect(cells(out, 'Paid API / enterprise').slice(1, 4)).toEqual(['cloud-api', '$7.22M', '68.8 %']);
    expect(cells(out, 'Cash revenue today')[1]).toBe('$14.26M');
    expect(out).toMatch(/Required to earn the 8\.0 % wacc \(npv = 0\)/);
    // one sign everywhere: surplus = cash − required, positive is good (the report and the dashboard print the same)
    expect(cells(out, 'Surplus (cash − required)')[1]).toBe('+$3.77M');
    expect(out).toContain('a surplus of +$3.77M per MW-year over what the wacc needs');
    expect(out).toContain('Paid API / enterprise (cloud-api) covers 68.8 % of what this capacity needs.');
    expect(out).toContain('Subscriptions (consumer-sub) cover 60.2 % of what this capacity needs.');
    expect(out).toContain('Strategic value (internal-product)');
    expect(out).toContain('No value at all: consumer-free, internal-eval.');
  });

  it('--json carries the raw stack, no NaN', async () => {
    const { code, out } = await cli('stack', 'neocloud-base', '--json');
    expect(code).toBe(0);
    const s = JSON.parse(out) as { factor: number; surplusPerMW: number; sources: { key: string; segments: string[] }[] };
    expect(s.factor).toBeGreaterThan(1);
    expect(s.surplusPerMW).toBeLessThan(0);
    expect(s.sources.find((x) => x.key === 'capacity-contract')?.segments).toEqual(['term-contracts', 'on-demand']);
    expect(nonFinitePaths(s)).toEqual([]);
  });

  it('says so when there is no requirement', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'payback-stack-'));
    const file = join(dir, 'no-cash.yaml');
    const raw = withPatch(base('private-ai-factory-base'), (r: any) => {
      r.demand.segments = r.demand.segments.filter((s: any) => s.kind !== 'paid-api');
      r.demand.segments[0].tokenShare = 0.9;
      delete r.uncertainty; // its block names the paid-api segment removed here
    });
    writeFileSync(file, stringify(raw));
    const { code, out } = await cli('stack', file);
    expect(code).toBe(0);
    expect(out).toMatch(/No requirement: no segment is priced in cash/);
    expect(out).not.toMatch(/NaN/);
  });

  it('--by payer: enterprise budgets one bar beside consumers; --json says so', async () => {
    const { code, out } = await cli('stack', 'hyperscaler-base', '--by', 'payer');
    expect(code).toBe(0);
    expect(out).toContain('(by payer)');
    expect(cells(out, 'Enterprise budgets').slice(1, 3)).toEqual(['cloud-api, batch', '$7.94M']);
    expect(cells(out, 'Consumers').slice(1, 3)).toEqual(['consumer-sub', '$6.32M']);
    expect(cells(out, 'Cash revenue today')[1]).toBe('$14.26M');
    expect(out).toContain('Enterprise budgets (cloud-api, batch) cover 75.7 % of what this capacity needs.');
    const j = JSON.parse((await cli('stack', 'neocloud-base', '--by', 'payer', '--json')).out) as { by: string; sources: { key: string; segments: string[] }[] };
    expect(j.by).toBe('payer');
    expect(j.sources.find((x) => x.key === 'platform')?.segments).toEqual(['term-contracts']);
    expect(j.sources.find((x) => x.key === 'developer')?.segments).toEqual(['on-demand']);
  });

  it('--by with another word exits 2', async () => {
    const r = await cli('stack', 'hyperscaler-base', '--by', 'payers');
    expect(r.code).toBe(2);
    expect(r.err).toContain('expected kind or payer, got "payers"');
  });

  it('bad input exits 2', async () => {
    const r = await cli('stack', 'hyperscaler-bse');
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "hyperscaler-base"');
  });
});

describe('payback internal', () => {
  it('prints today and each step', async () => {
    const { code, out } = await cli('internal', 'hyperscaler-base', '--steps', '5');
    expect(code).toBe(0);
    expect(cells(out, '35.0 % (today)')).toEqual(['35.0 % (today)', '$14.26M', '$18.41M', '$7.41M', '$11.56M', '+$2,109M', '+$4,240M']);
    for (const s of ['0.0 %', '20.0 %', '40.0 %', '60.0 %', '80.0 %']) expect(cells(out, s)).toHaveLength(7);
    expect(out).toContain('Internal share of tokens today: 35.0 %');
  });

  it('--json: 9 points by default', async () => {
    const { out } = await cli('internal', 'private-ai-factory-base', '--json');
    const w = JSON.parse(out) as { points: { internalShare: number }[]; baseInternalShare: number };
    expect(w.points).toHaveLength(9);
    expect(w.points.at(-1)?.internalShare).toBeCloseTo(0.8, 12);
  });

  it('no internal segment: the reason, exit 0', async () => {
    const { code, out } = await cli('internal', 'neocloud-base');
    expect(code).toBe(0);
    expect(out).toMatch(/No sweep: no segment is internal/);
  });

  it('bad --steps exits 2 naming the option and what is valid', async () => {
    for (const steps of ['1', 'x', '2.5', '5000']) {
      const r = await cli('internal', 'hyperscaler-base', '--steps', steps);
      expect(r.code).toBe(2);
      expect(r.err).toContain('--steps: expected an integer from 2 to 1001');
    }
  });
});

describe('payback advantages', () => {
  it('prints the five groups, the total and both sides (default reference hyperscaler-base)', async () => {
    const { code, out } = await cli('advantages', 'neocloud-base');
    expect(code).toBe(0);
    expect(out).toContain('neocloud-base vs hyperscaler-base');
    for (const g of ['Power', 'Silicon', 'Distribution', 'Pricing', 'Balance sheet']) expect(cells(out, g)).toHaveLength(4);
    // the parts pull both ways: no shares, in words why (MODEL.md §5)
    expect(cells(out, 'Total (difference)')).toEqual(['Total (difference)', '−$23.16M', '—']);
    expect(out).toMatch(/Shares of the difference: not shown, the parts pull both ways/);
    expect(out).toContain('neocloud-base: −$2.07M npv per MW; hyperscaler-base: +$21.09M per MW.');
  });

  it('--vs and --json: the parts sum to the difference', async () => {
    const { code, out } = await cli('advantages', 'frontier-lab-base', '--vs', 'private-ai-factory-base', '--json');
    expect(code).toBe(0);
    const a = JSON.parse(out) as { difference: number; parts: { npvPerMW: number }[]; reference: { id: string } };
    expect(a.reference.id).toBe('private-ai-factory-base');
    expect(Math.abs(a.parts.reduce((s, p) => s + p.npvPerMW, 0) - a.difference)).toBeLessThan(1e-9 * Math.abs(a.difference));
  });

  it('bad scenario and bad reference are reported together, exit 2', async () => {
    const r = await cli('advantages', 'neocloud-bse', '--vs', 'hyperscalr-base');
    expect(r.code).toBe(2);
    expect(r.err).toContain('2 problems');
    expect(r.err).toContain('<scenario>: no such file or built-in scenario "neocloud-bse" (did you mean "neocloud-base"?)');
    expect(r.err).toContain('--vs: no such file or built-in scenario "hyperscalr-base" (did you mean "hyperscaler-base"?)');
  });
});

describe('payback compare --metric / --rank', () => {
  it('--metric selects rows, comma-separated or repeated', async () => {
    const { code, out } = await cli('compare', '--metric', 'npv,irr', '--metric', 'paybackYears');
    expect(code).toBe(0);
    const labels = out.split('\n').filter((l) => l.startsWith('│ ')).slice(1).map((l) => l.split('│')[1]?.trim());
    expect(labels).toEqual(['NPV', 'IRR', 'Payback']);
  });

  it('--rank orders the columns best first, respecting lower-is-better, and shows the rank', async () => {
    const byNpv = await cli('compare', '--metric', 'npv', '--rank', 'npv');
    expect(byNpv.out.split('\n')[1]).toMatch(/frontier-lab-base.*hyperscaler-base.*neocloud-base.*private-ai-factory-base/);
    expect(cells(byNpv.out, 'Rank (by NPV, higher is better)').slice(1)).toEqual(['1', '2', '3', '4']);
    const byCost = await cli('compare', '--rank', 'costPerMTok', '--metric', 'costPerMTok');
    const costs = cells(byCost.out, 'Cost / M tokens').slice(1).map((c) => Number(c.replace('$', '')));
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
  });

  it('--rank on a metric not selected adds it; a missing value ranks last', async () => {
    const { out } = await cli('compare', '--metric', 'npv', '--rank', 'paybackYears');
    expect(cells(out, 'Payback').slice(1)).toEqual(['no capex (rented): see commitments', '3.41 y', '4.13 y', 'never']);
  });

  it('--json and --csv carry the rank and the selected metrics', async () => {
    const j = JSON.parse((await cli('compare', '--json', '--metric', 'irr', '--rank', 'npv')).out) as { id: string; rank: number; metrics: Record<string, number> }[];
    expect(j.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(j[0]!.metrics)).toEqual(['npv', 'irr']);
    const c = (await cli('compare', '--csv', '--metric', 'npv', '--rank', 'npv')).out.split('\n');
    expect(c[0]).toBe('id,operator,rank,npv');
    expect(c[1]).toMatch(/^frontier-lab-base,frontier-lab,1,/);
  });

  it('a bad key exits 2, lists the valid keys, suggests the nearest', async () => {
    const r = await cli('compare', '--metric', 'npv,grossMargn', '--rank', 'irrr');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--metric: unknown metric "grossMargn" (did you mean "grossMargin"?); valid metrics: revenuePerMW, grossProfitPerMW');
    expect(r.err).toContain('--rank: unknown metric "irrr" (did you mean "irr"?)');
    expect(r.out).toBe('');
  });
});
