/** Terminal tables of results (cli-table3). They read the engine's result; nothing is recomputed. */
import Table from 'cli-table3';
import type { ModelResult, YearField, YearRow } from '../model/result.ts';
import { CAPITAL_YEAR_FIELDS, YEAR_FIELDS } from '../model/result.ts';
import { count, millions, money, pct, price, ratio, TOKEN_SCALE_NOTE, tokens, yearsFmt } from './format.ts';
import { COMPARE_METRICS, type Metric, SUMMARY_METRICS } from './metrics.ts';

const plain = { head: [] as string[], border: [] as string[] };
/** No rule between body rows: long tables stay readable. */
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][], alignRight = true): string {
  const t = new Table({
    head,
    style: plain,
    chars: compact,
    colAligns: head.map((_, i) => (i === 0 || !alignRight ? 'left' : 'right')),
  });
  for (const r of rows) t.push(r);
  return t.toString();
}

/** Scenarios side by side: one row per metric, one column per scenario. */
export function compareTable(results: readonly ModelResult[], metrics: readonly Metric[] = COMPARE_METRICS): string {
  const head = ['', ...results.map((r) => r.scenario.id)];
  const rows = metrics.map((m) => [m.label, ...results.map((r) => m.text(r))]);
  return table(head, rows);
}

/** The headline of one scenario: every metric as every surface writes it (`metrics.ts`). */
export function summaryTable(r: ModelResult): string {
  const rows = SUMMARY_METRICS.map((m) => [m.key === 'totalTokens' ? `${m.label}; ${TOKEN_SCALE_NOTE.replace(/ tokens$/, '')}` : m.label, m.text(r)]);
  return table([r.scenario.name ?? r.scenario.id, ''], rows);
}

/** The yearly path people read first: funnel, per-MW, unit economics, cash. */
export function yearlyTable(r: ModelResult): string {
  const head = ['Year', 'Util', 'Tokens', 'Monetiz.', 'Profit.', 'Rev/MW', 'GP/MW', 'EBITDA/MW', 'Cost/M served', 'Price/M billed', 'FCF', 'Cum. FCF'];
  const share = (y: YearRow, f: YearField): string => (y.tokens ? pct((y[f] as number) / y.tokens, 0) : '—');
  const rows = r.years.map((y) =>
    y.t === 0
      ? [`${y.year} (build)`, '', '', '', '', '', '', '', '', '', money(y.fcf), money(y.cumulativeFcf)]
      : [
          String(y.year),
          pct(y.utilization, 0),
          tokens(y.tokens),
          share(y, 'monetizableTokens'),
          share(y, 'profitableTokens'),
          millions(y.revenuePerMW),
          millions(y.grossProfitPerMW),
          millions(y.ebitdaPerMW),
          price(y.costPerMTok, 3),
          price(y.realizedPricePerMTok, 3),
          money(y.fcf),
          money(y.cumulativeFcf),
        ],
  );
  return table(head, rows);
}

const FIELD_FORMAT: Partial<Record<YearField, (x: number | null) => string>> = {
  accelerators: (x) => count(x),
  generation: (x) => count(x),
  capacityTokens: tokens,
  utilization: (x) => pct(x),
  tokens,
  billedTokens: tokens,
  hiddenReasoningTokens: tokens,
  monetizableTokens: tokens,
  profitableTokens: tokens,
  strategicTokens: tokens,
  unmetTokens: tokens,
  grossMargin: (x) => pct(x),
  dscr: (x) => ratio(x),
  ltv: (x) => pct(x),
  costPerMTok: (x) => price(x, 3),
  realizedPricePerMTok: (x) => price(x, 3),
};

/** Every yearly line of MODEL.md §3, lines as rows and years as columns. */
export function fullYearsTable(r: ModelResult): string {
  const head = ['Line', ...r.years.map((y) => (y.t === 0 ? `t=0` : String(y.year)))];
  const rows = YEAR_FIELDS.map((f) => [f, ...r.years.map((y) => (FIELD_FORMAT[f] ?? ((x: number | null) => money(x)))(y[f]))]);
  // with a capital stack (MODEL.md §9), its lines too
  if (r.tranches !== undefined) {
    const ratioLine = (x: number | null | undefined): string => ratio(x ?? null);
    const share = (x: number | null | undefined): string => pct(x ?? null);
    const fmt: Partial<Record<string, (x: number | null | undefined) => string>> = { refinancingNeedRatio: ratioLine, costOfDebt: share, marketLtv: share, contractedShare: share };
    for (const f of CAPITAL_YEAR_FIELDS) rows.push([f, ...r.years.map((y) => (fmt[f] ?? ((x: number | null | undefined) => money(x ?? null)))(y[f]))]);
  }
  return table(head, rows);
}

export { csvCell, toCsv } from './csv.ts';
