/** `payer:` on every segment (issue 19): the default follows the kind, a given payer stays, a bad one is an issue with its place. */
import { describe, expect, it } from 'vitest';
import { formatIssues } from '../src/model/issues.ts';
import { loadScenarioText } from '../src/model/load.ts';
import { DEFAULT_PAYER, PAYERS, payerOf } from '../src/model/payers.ts';
import { SEGMENT_KINDS } from '../src/model/schema.ts';
import { base, BUILT_INS, catalog, scenario, withPatch } from './helpers.ts';

describe('payer', () => {
  it('every kind has a default payer, and it is a payer', () => {
    for (const kind of SEGMENT_KINDS) expect(PAYERS).toContain(DEFAULT_PAYER[kind]);
    expect(payerOf({ kind: 'subscription' })).toBe('consumer');
    expect(payerOf({ kind: 'capacity-contract' })).toBe('platform');
    expect(payerOf({ kind: 'internal-product' })).toBe('internal');
    expect(payerOf({ kind: 'paid-api', payer: 'developer' })).toBe('developer');
  });

  it.each(BUILT_INS)('%s: the resolved scenario carries a payer on every segment', (id) => {
    const s = scenario(base(id));
    for (const seg of s.demand.segments) {
      expect(PAYERS).toContain(seg.payer);
      expect(seg.payer).toBe(payerOf(seg));
    }
  });

  it('the default comes from the kind; a given payer is kept', () => {
    const raw = withPatch(base('hyperscaler-base'), (r: any) => {
      for (const seg of r.demand.segments) delete seg.payer;
      r.demand.segments[0].payer = 'developer';
    });
    const s = scenario(raw);
    expect(s.demand.segments.map((x) => [x.id, x.payer])).toEqual([
      ['cloud-api', 'developer'],
      ['consumer-sub', 'consumer'],
      ['consumer-free', 'consumer'],
      ['internal-product', 'internal'],
      ['batch', 'enterprise'],
      ['internal-eval', 'internal'],
    ]);
  });

  it('an unknown payer is an issue at its line with a suggestion', () => {
    const text = ['id: p', 'operator: custom', 'horizon: { startYear: 2026, years: 2 }', 'site: { itMW: 1, pue: 1, facility: { mode: none } }',
      'fleet: { mode: rent, kWPerAccelerator: 1, tokensPerSecond: 1000, rentPerAcceleratorHour: 2, rentTermYears: 2 }',
      'demand:', '  utilization: 0.5', '  segments:', '    - id: api', '      kind: paid-api', '      payer: enterprize', '      tokenShare: 1', 'finance: { wacc: 0.1 }'].join('\n');
    const r = loadScenarioText(text, catalog(), { file: 'p.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toBe(
      'p.yaml:11:7 demand.segments[api].payer: expected one of enterprise | consumer | developer | platform | internal, got "enterprize" (did you mean "enterprise"?)',
    );
  });
});
