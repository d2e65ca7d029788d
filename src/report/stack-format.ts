/**
 * The payback stack for people, one wording and one sign for every surface
 * (the CLI's table, the HTML report, the dashboard): the rows of the table
 * and the sentences. The surplus is `cash − required`: `+$3.77M` earns more
 * than the wacc needs, `−$8.43M` is a gap. Pure: no renderer.
 */
import type { PaybackStack, StackSourceKey } from '../analysis/payback-stack.ts';
import { millions, NONE, pct, ratio, signedMillions } from './format.ts';

/** The label of the surplus row, the same everywhere. */
export const SURPLUS_LABEL = 'Surplus (cash − required)';

/** One row of the stack's table. */
export interface StackRow {
  kind: 'source' | 'cash' | 'required' | 'surplus' | 'strategic';
  label: string;
  segments: string;
  /** $ per MW-year today (the requirement, the surplus: their own amount) */
  today: string;
  /** share of the requirement */
  share: string;
  /** $ per MW-year at the requirement's prices */
  atRequired: string;
}

/**
 * The rows of the stack: each source with cash, cash today, the requirement,
 * the surplus (signed), and strategic value where there is any.
 *
 * @example
 * stackRows(paybackStack(hyperscaler)).find((r) => r.kind === 'surplus')?.today; // '+$3.77M'
 */
export function stackRows(s: PaybackStack): StackRow[] {
  const has = s.requiredRevenuePerMW !== null;
  const rows: StackRow[] = s.sources
    .filter((x) => x.segments.length > 0)
    .map((x) => ({ kind: 'source', label: x.label, segments: x.segments.join(', '), today: millions(x.revenuePerMW), share: pct(x.shareOfRequired), atRequired: millions(x.revenuePerMWAtRequired) }));
  rows.push({ kind: 'cash', label: 'Cash revenue today', segments: '', today: millions(s.cashRevenuePerMW), share: pct(s.cashShareOfRequired), atRequired: millions(s.requiredRevenuePerMW) });
  rows.push({
    kind: 'required',
    label: `Required to earn the ${pct(s.wacc)} wacc (npv = 0)`,
    segments: has ? `all cash prices × ${ratio(s.factor, 3)}` : 'none',
    today: millions(s.requiredRevenuePerMW),
    share: has ? pct(1) : NONE,
    atRequired: '',
  });
  rows.push({ kind: 'surplus', label: SURPLUS_LABEL, segments: '', today: signedMillions(s.surplusPerMW), share: '', atRequired: '' });
  if (s.strategicSegments.length > 0) {
    rows.push({ kind: 'strategic', label: 'Strategic value (imputed, not cash)', segments: s.strategicSegments.join(', '), today: millions(s.strategicValuePerMW), share: pct(s.strategicShareOfRequired), atRequired: '' });
  }
  return rows;
}

const VERB: Record<StackSourceKey, string> = {
  'paid-api': 'covers',
  subscription: 'cover',
  'capacity-contract': 'cover',
  batch: 'covers',
  'other-cash': 'covers',
  enterprise: 'cover',
  consumer: 'cover',
  developer: 'cover',
  platform: 'cover',
  internal: 'covers',
};

/** One sentence per source with cash today, then the total, the surplus and strategic value. */
export function stackSentences(s: PaybackStack): string[] {
  const out: string[] = [];
  if (s.requiredRevenuePerMW === null || s.factor === null) {
    out.push(`No requirement: ${s.reason ?? 'npv = 0 cannot be reached by scaling cash revenue'}.`);
    return out;
  }
  out.push(
    `This capacity needs ${millions(s.requiredRevenuePerMW)} of cash revenue per MW-year to earn its ${pct(s.wacc)} wacc (npv = 0), ` +
      `${ratio(s.factor)} today's cash prices at today's mix.`,
  );
  for (const src of s.sources) {
    if (src.segments.length === 0) continue;
    out.push(`${src.label} (${src.segments.join(', ')}) ${VERB[src.key]} ${pct(src.shareOfRequired)} of what this capacity needs.`);
  }
  const surplus = s.surplusPerMW ?? 0;
  out.push(
    surplus >= 0
      ? `Cash today covers ${pct(s.cashShareOfRequired)}: a surplus of ${signedMillions(surplus)} per MW-year over what the wacc needs.`
      : `Cash today covers ${pct(s.cashShareOfRequired)}: a gap of ${millions(-surplus)} per MW-year to close (surplus ${signedMillions(surplus)}).`,
  );
  if (s.strategicSegments.length > 0) {
    out.push(`Strategic value (${s.strategicSegments.join(', ')}) would cover another ${pct(s.strategicShareOfRequired)} were it cash; it is imputed, not cash.`);
  }
  if (s.unpricedSegments.length > 0) out.push(`No value at all: ${s.unpricedSegments.join(', ')}.`);
  return out;
}
