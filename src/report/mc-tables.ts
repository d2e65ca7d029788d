/** Terminal tables of a Monte Carlo summary (`payback mc`). They read the summary; nothing is recomputed. */
import Table from 'cli-table3';
import { MC_METRICS, type McMetric } from '../analysis/columnar.ts';
import type { McSummary } from '../analysis/monte-carlo.ts';
import type { ColumnStats, Histogram } from '../analysis/statistics.ts';
import { count, millions, NONE, pct, yearsFmt } from './format.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][]): string {
  const width = head.length > 0 ? head.length : (rows[0]?.length ?? 1);
  const t = new Table({ head, style: plain, chars: compact, colAligns: Array.from({ length: width }, (_, i) => (i === 0 ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

interface MetricView {
  label: string;
  value: (x: number | null) => string;
  spread: (x: number | null) => string;
}

const money0 = (x: number | null): string => millions(x, 0, true);
const perMW = (x: number | null): string => millions(x);
const rate = (x: number | null): string => pct(x);

/** How each metric reads. */
export const MC_METRIC_VIEWS: Record<McMetric, MetricView> = {
  npv: { label: 'NPV', value: money0, spread: (x) => millions(x, 0) },
  irr: { label: 'IRR', value: rate, spread: rate },
  equityIrr: { label: 'Equity IRR', value: rate, spread: rate },
  paybackYears: { label: 'Payback', value: (x) => yearsFmt(x), spread: (x) => yearsFmt(x) },
  grossProfitPerMW: { label: 'Gross profit / MW-yr', value: perMW, spread: perMW },
  revenuePerMW: { label: 'Revenue / MW-yr', value: perMW, spread: perMW },
  profitableShare: { label: 'Profitable share', value: rate, spread: rate },
  strategicNpv: { label: 'Strategic NPV', value: money0, spread: (x) => millions(x, 0) },
};

const BARS = '▁▂▃▄▅▆▇█';

/** A histogram as a one-line bar chart: `▁▂▄▇█▆▃▁`. */
export function sparkline(h: Histogram): string {
  const max = Math.max(0, ...h.bins.map((b) => b.count));
  if (max === 0) return '';
  return h.bins.map((b) => (b.count === 0 ? ' ' : (BARS[Math.min(BARS.length - 1, Math.floor((b.count / max) * BARS.length))] as string))).join('');
}

function metricRow(m: McMetric, s: ColumnStats): string[] {
  const v = MC_METRIC_VIEWS[m];
  return [v.label, v.value(s.mean), v.spread(s.sd), v.value(s.p5), v.value(s.p10), v.value(s.p50), v.value(s.p90), v.value(s.p95), s.nullCount === 0 ? '' : count(s.nullCount), sparkline(s.histogram)];
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

/**
 * The whole summary for a terminal: the metrics' statistics, the
 * probabilities, what drives the NPV, and the achieved correlations.
 */
export function mcSummaryTables(s: McSummary, importanceMetric: McMetric = 'npv'): string {
  const out: string[] = [];
  out.push(`Monte Carlo — ${s.scenario.name}`);
  out.push(
    `${count(s.n)} samples (${s.sampling === 'latin-hypercube' ? 'Latin hypercube' : 'plain Monte Carlo'}), seed ${s.seed}, ${s.drivers.length} uncertain input${s.drivers.length === 1 ? '' : 's'}`,
  );
  out.push('');
  out.push(table(['', 'mean', 'sd', 'p5', 'p10', 'p50', 'p90', 'p95', 'no value', 'distribution'], MC_METRICS.map((m) => metricRow(m, s.metrics[m]))));
  out.push('');
  const p = s.probabilities;
  const own = s.definitions.paybackWithinLife.startsWith('paybackYears');
  const shape = (x: { none: number; several: number }): string => `none ${pct(x.none)}, several ${pct(x.several)}`;
  out.push(
    table(
      [],
      [
        ['P(NPV ≥ 0)', pct(p.npvAtLeastZero)],
        ['P(IRR ≥ WACC)', p.irrAtLeastWacc === null ? `${NONE} (no sample has an IRR)` : pct(p.irrAtLeastWacc)],
        [own ? 'P(payback ≤ useful life)' : 'P(cash ≥ 0 by the end of the rent term)', pct(p.paybackWithinLife)],
        ['IRR of the project', shape(s.irrShape.irr)],
        ['IRR of the equity', shape(s.irrShape.equityIrr)],
      ],
    ),
  );
  const imp = s.importance[importanceMetric];
  if (imp.length > 0) {
    out.push('');
    out.push(`What drives ${MC_METRIC_VIEWS[importanceMetric].label} (Spearman rank correlation; share of the rank-explained variance)`);
    const desc = new Map(s.drivers.map((d) => [d.path, d.description]));
    out.push(table(['input', 'distribution', 'ρ', 'share'], imp.map((x) => [x.path, desc.get(x.path) ?? '', signed(x.spearman), pct(x.contribution)])));
  }
  const fixed = s.drivers.filter((d) => d.distribution.dist === 'fixed');
  if (fixed.length > 0) out.push(`fixed: ${fixed.map((d) => `${d.path} = ${d.description}`).join(', ')}`);
  if (s.correlation !== null) {
    const c = s.correlation;
    out.push('');
    out.push('Rank correlations achieved (target)');
    out.push(
      table(
        ['', ...c.paths.map((_, j) => `[${j}]`)],
        c.paths.map((path, i) => [
          `[${i}] ${path}`,
          ...c.paths.map((_, j) => {
            const a = c.achieved[i]?.[j];
            const t = c.target[i]?.[j] ?? 0;
            return i === j ? '1' : `${a === null || a === undefined ? NONE : a.toFixed(3)} (${t})`;
          }),
        ]),
      ),
    );
  }
  return out.join('\n');
}
