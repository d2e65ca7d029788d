/**
 * Terminal renderings of the payback stack, the internal-inference sweep and
 * the structural advantages. They read the analyses' results; nothing is
 * recomputed beyond the wording.
 */
import Table from 'cli-table3';
import type { Advantages } from '../analysis/advantages.ts';
import type { InternalSweep } from '../analysis/internal.ts';
import type { PaybackStack, StackSourceKey } from '../analysis/payback-stack.ts';
import { millions, NONE, pct, ratio } from './format.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][], leftColumns = 1): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i < leftColumns ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
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

const list = (ids: readonly string[]): string => ids.join(', ');

/** One sentence per source with cash today, then the total, the gap and strategic value. */
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
    out.push(`${src.label} (${list(src.segments)}) ${VERB[src.key]} ${pct(src.shareOfRequired)} of what this capacity needs.`);
  }
  const gap = s.gapPerMW ?? 0;
  out.push(
    gap > 0
      ? `Cash today covers ${pct(s.cashShareOfRequired)}: a gap of ${millions(gap)} per MW-year.`
      : `Cash today covers ${pct(s.cashShareOfRequired)}: ${millions(-gap)} per MW-year more than the wacc needs.`,
  );
  if (s.strategicSegments.length > 0) {
    out.push(`Strategic value (${list(s.strategicSegments)}) would cover another ${pct(s.strategicShareOfRequired)} were it cash; it is imputed, not cash.`);
  }
  if (s.unpricedSegments.length > 0) out.push(`No value at all: ${list(s.unpricedSegments)}.`);
  return out;
}

/** The stack as a table (sources with cash, cash today, the requirement, the gap, strategic value) and its sentences. */
export function stackTable(s: PaybackStack, title: string): string {
  const has = s.requiredRevenuePerMW !== null;
  const head = [s.by === 'payer' ? 'Payer' : 'Source', 'Segments', '$ / MW-yr today', 'Share of requirement', '$ / MW-yr at requirement'];
  const rows: string[][] = s.sources
    .filter((x) => x.segments.length > 0)
    .map((x) => [x.label, list(x.segments), millions(x.revenuePerMW), pct(x.shareOfRequired), millions(x.revenuePerMWAtRequired)]);
  rows.push(['Cash today', '', millions(s.cashRevenuePerMW), pct(s.cashShareOfRequired), millions(s.requiredRevenuePerMW)]);
  rows.push([`Required (npv = 0 at ${pct(s.wacc)} wacc)`, has ? `${ratio(s.factor)} prices` : 'none', millions(s.requiredRevenuePerMW), has ? pct(1) : NONE, '']);
  const gap = s.gapPerMW;
  rows.push([gap !== null && gap < 0 ? 'Surplus (cash − required)' : 'Gap (required − cash)', '', millions(gap === null ? null : Math.abs(gap)), '', '']);
  if (s.strategicSegments.length > 0) {
    rows.push(['Strategic value (imputed, not cash)', list(s.strategicSegments), millions(s.strategicValuePerMW), pct(s.strategicShareOfRequired), '']);
  }
  return [`Payback stack — ${title}${s.by === 'payer' ? ' (by payer)' : ''}`, table(head, rows, 2), ...stackSentences(s)].join('\n');
}

/** The sweep as a table: today's mix first, then each internal share. */
export function internalTable(w: InternalSweep, title: string): string {
  const lines = [`Internal inference — ${title}`];
  const share = w.baseInternalShare === null ? NONE : pct(w.baseInternalShare);
  lines.push(`Internal share of tokens today: ${share} over the lifetime${w.internalSegments.length > 0 ? ` (${list(w.internalSegments)})` : ''}.`);
  const head = ['Internal share', 'Clean rev / MW-yr', 'Strategic rev / MW-yr', 'Clean GP / MW-yr', 'Strategic GP / MW-yr', 'NPV', 'Strategic NPV'];
  const row = (label: string, p: InternalSweep['base']): string[] => [
    label,
    millions(p.cleanRevenuePerMW),
    millions(p.strategicRevenuePerMW),
    millions(p.cleanGrossProfitPerMW),
    millions(p.strategicGrossProfitPerMW),
    millions(p.npv, 0, true),
    millions(p.strategicNpv, 0, true),
  ];
  const rows = [row(`${share} (today)`, w.base), ...w.points.map((p) => row(pct(p.internalShare), p))];
  lines.push(table(head, rows));
  if (!w.available) lines.push(`No sweep: ${w.reason ?? 'unavailable'}.`);
  else lines.push(`Internal segments scaled up, ${list(w.otherSegments)} scaled down, proportions kept inside each group, every year.`);
  return lines.join('\n');
}

/** The Shapley parts, the total, both sides' npv per MW and the notes. */
export function advantagesTable(a: Advantages): string {
  const head = ['Group', 'Inputs', 'NPV / MW', 'Share of difference'];
  const rows = a.parts.map((p) => [p.label, p.inputs, millions(p.npvPerMW, 2, true), pct(p.shareOfDifference)]);
  rows.push(['Total (difference)', '', millions(a.difference, 2, true), a.difference === null || a.difference === 0 ? NONE : pct(1)]);
  const lines = [
    `Structural advantages — ${a.operator.id} vs ${a.reference.id} (npv per MW of IT load, Shapley over 5 groups, ${a.evaluations} evaluations)`,
    table(head, rows, 2),
    `${a.operator.id}: ${millions(a.operator.npvPerMW, 2, true)} npv per MW; ${a.reference.id}: ${millions(a.reference.npvPerMW, 2, true)} per MW.`,
  ];
  if (a.reason !== null) lines.push(`No attribution: ${a.reason}.`);
  for (const n of a.notes) lines.push(`Note: ${n}.`);
  return lines.join('\n');
}
