/**
 * Issue 16: the Verdict that opens the report, one formatter and one sign for
 * every surface, and the charts that meant something else than they said
 * (tornado colours, the stack's surplus, cost vs price on one unit, legends).
 */
import { describe, expect, it } from 'vitest';
import { breakeven } from '../src/analysis/breakeven.ts';
import { monteCarlo } from '../src/analysis/monte-carlo.ts';
import { paybackStack } from '../src/analysis/payback-stack.ts';
import { tornado } from '../src/analysis/tornado.ts';
import { withEffectiveUncertainty } from '../src/analysis/default-uncertainty.ts';
import { loadSignalDefinitions } from '../src/io/signal-files.ts';
import { evaluate } from '../src/model/engine.ts';
import { evidenceCalendar } from '../src/signals/calendar.ts';
import { advantageRows } from '../src/report/analysis-format.ts';
import { advantages } from '../src/analysis/advantages.ts';
import { fitToWidth, paybackStackOption, revenuePerMTokServed, textWidth, tornadoOption, unitEconomicsOption, COLORS } from '../src/report/charts.ts';
import { millions, money, pct, plural, signedMillions } from '../src/report/format.ts';
import { COMPARE_METRICS, formatMetric, METRIC_INFO, metricText, RENTED_PAYBACK } from '../src/report/metrics.ts';
import { stackRows, SURPLUS_LABEL } from '../src/report/stack-format.ts';
import { likelihood, scenarioVerdict, verdictConditions, verdictRisk, type Verdict } from '../src/report/verdict.ts';
import { SUMMARY_FIELDS } from '../src/model/result.ts';
import { base, BUILT_INS, scenario, withPatch } from './helpers.ts';

const built = Object.fromEntries(BUILT_INS.map((id) => [id, scenario(base(id))]));
const definitions = loadSignalDefinitions();

describe('one formatter, one sign', () => {
  it('zero reads $0 at every scale, never $0.00M beside $0M; negatives carry a minus sign, a sign is added only when asked', () => {
    expect(millions(0)).toBe('$0');
    expect(millions(0, 0)).toBe('$0');
    expect(millions(1e3, 2)).toBe('$0'); // $0.00M at the digits shown
    expect(money(0)).toBe('$0');
    expect(millions(-3.77e6)).toBe('−$3.77M');
    expect(signedMillions(3.77e6)).toBe('+$3.77M');
    expect(signedMillions(0)).toBe('$0');
    expect(pct(-0.0001)).toBe('0.0 %');
    expect(plural(1, 'segment')).toBe('1 segment');
    expect(plural(5, 'segment')).toBe('5 segments');
  });

  it('every summary field has a label, a unit and a format; the compare metrics put commitments (PV) right after peak funding', () => {
    for (const f of SUMMARY_FIELDS) {
      expect(METRIC_INFO[f].label, f).not.toBe('');
      expect(formatMetric(f, 1.5e6), f).not.toMatch(/NaN|undefined/);
    }
    const keys = COMPARE_METRICS.map((m) => m.key);
    expect(keys[keys.indexOf('peakFunding') + 1]).toBe('leaseCommitmentPV');
    expect(formatMetric('paybackYears', null)).toBe('never');
    expect(formatMetric('irr', null)).toBe('none');
  });

  it('a rented fleet reads "no capex (rented): see commitments" for its payback, never 0.00 y; an owned one its years', () => {
    const f = evaluate(built['frontier-lab-base']!);
    expect(f.summary.paybackYears).toBe(0);
    expect(metricText('paybackYears', f)).toBe(RENTED_PAYBACK);
    expect(metricText('capexPerMW', f)).toBe('no capex (rented)');
    expect(metricText('leaseCommitmentPV', f)).toMatch(/^\$[\d,]+M$/);
    expect(metricText('paybackYears', evaluate(built['hyperscaler-base']!))).toBe('3.41 y');
  });

  it('the stack: surplus = cash − required, signed (+ is good), the same row on every surface and in the chart', () => {
    const h = paybackStack(built['hyperscaler-base']!);
    const n = paybackStack(built['neocloud-base']!);
    expect(h.surplusPerMW).toBeCloseTo(h.cashRevenuePerMW - (h.requiredRevenuePerMW as number), 6);
    const row = (s: typeof h) => stackRows(s).find((r) => r.kind === 'surplus')!;
    expect(row(h)).toMatchObject({ label: SURPLUS_LABEL, today: '+$3.77M' });
    expect(row(n).today).toMatch(/^−\$0\.\d\dM$/);
    // the chart's bar is labelled with the same text, green for a surplus, red for a gap
    for (const [s, colour] of [
      [h, COLORS.positive],
      [n, COLORS.negative],
    ] as const) {
      const o = paybackStackOption(s) as { yAxis: { data: string[] }; series: { data: { itemStyle?: { color: string } }[]; label?: { formatter: (p: { dataIndex: number }) => string } }[] };
      const i = o.yAxis.data.indexOf(SURPLUS_LABEL);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(o.series[1]!.label!.formatter({ dataIndex: i })).toBe(row(s).today);
      expect(o.series[1]!.data[i]!.itemStyle!.color).toBe(colour);
    }
  });

  it('advantages: no shares when the parts pull both ways, parts in $/MW', () => {
    const a = advantages(built['frontier-lab-base']!, built['hyperscaler-base']!);
    const rows = advantageRows(a);
    expect(rows.map((r) => r[3])).toEqual(['—', '—', '—', '—', '—', '—']);
    expect(rows.every((r) => /^(\+|−)?\$[\d,.]+M$|^\$0$/.test(r[2] as string))).toBe(true);
  });
});

describe('charts that say what they mean', () => {
  it('tornado: a bar is green when it makes the metric better, red when worse — whichever end of the input it is', () => {
    for (const [id, metric] of [
      ['neocloud-base', 'npv'],
      ['hyperscaler-base', 'paybackYears'],
    ] as const) {
      const t = tornado(built[id]!, { metric });
      const o = tornadoOption(t) as { series: { name: string; data: ({ itemStyle?: { color: string } } | number | null)[] }[] };
      const higherBetter = metric === 'npv';
      const base = t.baseMetric as number;
      for (const [which, get] of [
        ['low', (r: (typeof t.rows)[number]) => r.metricLow],
        ['high', (r: (typeof t.rows)[number]) => r.metricHigh],
      ] as const) {
        const s = o.series.find((x) => x.name === which)!;
        t.rows.forEach((r, i) => {
          const m = get(r);
          if (m === null || m === base) return;
          const good = (m > base) === higherBetter;
          expect((s.data[i] as { itemStyle: { color: string } }).itemStyle.color, `${id} ${metric} ${r.path} ${which}`).toBe(good ? COLORS.good : COLORS.bad);
        });
      }
    }
  });

  it('tornado labels are whole (wrapped, never truncated), so two drivers never read the same', () => {
    const t = tornado(built['neocloud-base']!);
    const o = tornadoOption(t) as { yAxis: { data: string[]; axisLabel: { overflow: string } } };
    expect(o.yAxis.axisLabel.overflow).toBe('break');
    expect(new Set(o.yAxis.data).size).toBe(o.yAxis.data.length);
  });

  it('cost vs price: both lines per million tokens served (one unit on one axis)', () => {
    const r = evaluate(built['hyperscaler-base']!);
    const o = unitEconomicsOption(r) as { yAxis: { name: string }; series: { name: string; data: (number | null)[] }[] };
    expect(o.yAxis.name).toBe('$ per M tokens served');
    expect(o.series.map((s) => s.name)).toEqual(['Cost / M tokens served', 'Cash revenue / M tokens served']);
    const y = r.years[1]!;
    expect(o.series[1]!.data[0]).toBeCloseTo(((y.revenue as number) / (y.tokens as number)) * 1e6, 9);
    expect(revenuePerMTokServed({ ...y, tokens: 0 })).toBeNull();
  });

  it('a legend wraps onto rows (never paged) and the plot makes room; a long subtitle wraps', () => {
    const r = evaluate(built['hyperscaler-base']!);
    const wide = fitToWidth(unitEconomicsOption(r), 880) as { legend: { type: string }; grid: { bottom: number } };
    const phone = fitToWidth(unitEconomicsOption(r), 360, { narrow: true }) as { legend: { type: string }; grid: { bottom: number }; title: { subtextStyle: { overflow: string; width: number } } };
    expect(wide.legend.type).toBe('plain');
    expect(phone.legend.type).toBe('plain');
    expect(phone.grid.bottom).toBeGreaterThanOrEqual(wide.grid.bottom);
    expect(phone.title.subtextStyle.overflow).toBe('break');
    expect(phone.title.subtextStyle.width).toBeLessThan(360);
    expect(textWidth('abc', 10)).toBeGreaterThan(0);
  });
});

describe('the Verdict', () => {
  const verdictOf = (id: string, n = 2000): Verdict => {
    const s = built[id]!;
    const { summary } = monteCarlo(withEffectiveUncertainty(s), { n, seed: 42 });
    return scenarioVerdict({ result: evaluate(s), breakeven: breakeven(s), monteCarlo: { summary, from: 'scenario' }, calendar: evidenceCalendar(s, definitions, '2026-06-30') });
  };

  it('per built-in: the answer, P(npv ≥ 0) and P(irr ≥ wacc) of the run, three conditions, the biggest risk, strategic vs clean', () => {
    for (const id of BUILT_INS) {
      const v = verdictOf(id);
      const npv = evaluate(built[id]!).summary.npv as number;
      expect(v.subject).toEqual({ kind: 'scenario', id, name: built[id]!.name });
      expect(v.earns).toBe(npv >= 0);
      expect(v.answer).toMatch(npv >= 0 ? /^Earns its \d+\.\d % wacc$/ : /^Falls short of its \d+\.\d % wacc$/);
      expect(v.probability?.n).toBe(2000);
      expect(v.probabilityText).toContain(`P(npv ≥ 0) = ${pct(v.probability!.npvAtLeastZero, 1)}`);
      expect(v.probabilityText).toContain('2,000 samples, seed 42');
      expect(v.conditions, id).toHaveLength(3);
      expect(v.conditionsMode).toBe(npv >= 0 ? 'to-hold' : 'to-reach');
      expect(v.risk, id).not.toBeNull();
      expect(v.strategicText).not.toBe('');
      expect(JSON.stringify(v)).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('the three things that have to be true are the closest breakevens: needs-change rows (a base that misses), or the nearest failures (a base that meets)', () => {
    for (const id of BUILT_INS) {
      const b = breakeven(built[id]!);
      const { mode, conditions } = verdictConditions(b);
      const eligible = b.rows.filter((r) => (b.base.met ? r.status === 'met' : r.status === 'needs-change') && r.breakeven !== null);
      const closest = [...eligible].sort((x, y) => Math.abs(x.changePct ?? Infinity) - Math.abs(y.changePct ?? Infinity)).slice(0, 3);
      expect(conditions.map((c) => c.path), id).toEqual(closest.map((r) => r.path));
      expect(mode).toBe(b.base.met ? 'to-hold' : 'to-reach');
    }
  });

  it('the biggest risk is the first line of the watch list (largest value of information)', () => {
    for (const id of BUILT_INS) {
      const c = evidenceCalendar(built[id]!, definitions, '2026-06-30');
      const r = verdictRisk(c);
      const top = c.lines.find((l) => l.watch.voi !== null)!;
      expect(r?.signal, id).toBe(top.signal);
      expect(r?.voi).toBe(top.watch.voi);
      expect(r?.text).toContain(millions(top.watch.voi, 0));
    }
  });

  it('strategic vs clean: the private factory pays back only with internal use at its imputed value; the neocloud has none', () => {
    expect(verdictOf('private-ai-factory-base', 200).strategicText).toMatch(/^Does not pay back on cash \(NPV −\$693M\); it does only when internal use is counted at its imputed value \(strategic NPV \+\$1,400M\)/);
    expect(verdictOf('neocloud-base', 200).strategicText).toMatch(/^No internal use is valued here/);
    expect(verdictOf('hyperscaler-base', 200).strategicText).toMatch(/^Pays back on cash alone \(NPV \+\$2,109M\)/);
  });

  it('a rented fleet: no IRR in most samples is said, with npv as the measure', () => {
    const v = verdictOf('frontier-lab-base');
    expect(v.headline).toMatch(/no IRR \(no capex to earn back: the fleet is rented\); it owes \$[\d,]+M of commitments/);
    expect(v.probabilityText).toMatch(/of samples have no IRR: their flows never turn negative, so npv is the measure/);
  });

  it('missing parts say why, and a portfolio is the same shape (subject kind portfolio) for when portfolios exist', () => {
    const r = evaluate(built['neocloud-base']!);
    const v = scenarioVerdict({ result: r, notes: { monteCarlo: 'left out (--no-mc)' } });
    expect(v.probability).toBeNull();
    expect(v.probabilityText).toBe('No probability: the Monte Carlo left out (--no-mc).');
    expect(v.conditions).toEqual([]);
    expect(v.risk).toBeNull();
    const p: Verdict = { ...v, subject: { kind: 'portfolio', id: 'p', name: 'A portfolio' } };
    expect(p.subject.kind).toBe('portfolio');
  });

  it('a portfolio: its Verdict from the consolidated result, its breakevens and its Monte Carlo — the same P(npv ≥ 0) as payback mc gives it', async () => {
    const { readPortfolioFile } = await import('../src/io/portfolio-files.ts');
    const { evaluatePortfolio } = await import('../src/model/portfolio.ts');
    const { portfolioVerdict } = await import('../src/report/verdict.ts');
    const read = readPortfolioFile('industry-revenue-gap');
    if (!read.ok) throw new Error('industry-revenue-gap does not load');
    const pf = read.portfolio;
    const r = evaluatePortfolio(pf);
    const mc = monteCarlo(withEffectiveUncertainty(pf), { n: 2000, seed: 42 }).summary;
    const v = portfolioVerdict(r, { breakeven: breakeven(pf), monteCarlo: { summary: mc, from: 'scenario' } });
    expect(v.subject).toEqual({ kind: 'portfolio', id: 'industry-revenue-gap', name: pf.name ?? pf.id });
    expect(v.npv).toBe(r.summary.npv);
    expect(v.earns).toBe((r.summary.npv ?? 0) >= 0);
    expect(v.probability?.npvAtLeastZero).toBe(mc.probabilities.npvAtLeastZero);
    expect(v.probabilityText).toMatch(/vintages' scenarios/);
    expect(v.conditions.length).toBeGreaterThan(0);
    expect(v.riskText).toMatch(/read it for the vintages' scenarios/);
    expect(v.figures.find((f) => f.key === 'npv')?.value).toBe(formatMetric('npv', r.summary.npv));
    expect(JSON.stringify(v)).not.toMatch(/NaN|Infinity/);
  });

  it('likelihood words follow the probability', () => {
    expect([0.95, 0.7, 0.55, 0.4, 0.2, 0.01].map(likelihood)).toEqual(['very likely', 'likely', 'more likely than not', 'less likely than not', 'unlikely', 'very unlikely']);
  });

  it('a scenario without cash revenue gets a Verdict with no NaN', () => {
    const s = scenario(
      withPatch(base('private-ai-factory-base'), (r: any) => {
        for (const seg of r.demand.segments) if (seg.pricing !== undefined && ('perMTok' in seg.pricing || 'subscription' in seg.pricing || 'perAcceleratorHour' in seg.pricing)) seg.pricing = { imputedPerMTok: 1 };
        delete r.uncertainty;
      }),
    );
    const v = scenarioVerdict({ result: evaluate(s), breakeven: breakeven(s), calendar: evidenceCalendar(s, definitions, '2026-06-30') });
    expect(JSON.stringify(v)).not.toMatch(/NaN|Infinity/);
  });
});
