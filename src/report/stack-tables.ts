/**
 * Terminal renderings of the payback stack, the internal-inference sweep and
 * the structural advantages. They read the analyses' results; nothing is
 * recomputed beyond the wording.
 */
import Table from 'cli-table3';
import type { Advantages } from '../analysis/advantages.ts';
import type { InternalSweep } from '../analysis/internal.ts';
import type { PaybackStack } from '../analysis/payback-stack.ts';
import { advantageNotes, advantageRows } from './analysis-format.ts';
import { millions, NONE, pct, signedMillions } from './format.ts';
import { stackRows, stackSentences } from './stack-format.ts';

const plain = { head: [] as string[], border: [] as string[] };
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[], rows: string[][], leftColumns = 1): string {
  const t = new Table({ head, style: plain, chars: compact, colAligns: head.map((_, i) => (i < leftColumns ? 'left' : 'right')) });
  for (const r of rows) t.push(r);
  return t.toString();
}

const list = (ids: readonly string[]): string => ids.join(', ');

export { stackSentences } from './stack-format.ts';

/** The stack as a table (sources with cash, cash today, the requirement, the surplus, strategic value) and its sentences. */
export function stackTable(s: PaybackStack, title: string): string {
  const head = [s.by === 'payer' ? 'Payer' : 'Source', 'Segments', '$ / MW-yr today', 'Share of requirement', '$ / MW-yr at requirement'];
  const rows = stackRows(s).map((r) => [r.label, r.segments, r.today, r.share, r.atRequired]);
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
  const lines = [
    `Structural advantages — ${a.operator.id} vs ${a.reference.id} (npv per MW of IT load, Shapley over 5 groups, ${a.evaluations} evaluations)`,
    table(head, advantageRows(a), 2),
    `${a.operator.id}: ${signedMillions(a.operator.npvPerMW)} npv per MW; ${a.reference.id}: ${signedMillions(a.reference.npvPerMW)} per MW.`,
  ];
  if (a.reason !== null) lines.push(`No attribution: ${a.reason}.`);
  for (const n of advantageNotes(a)) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
