/**
 * The capital stack in the terminal (MODEL.md §9): the headline, the
 * tranches, the maturity wall by year, the breaches, the contracts. The rows
 * of `capital-charts.ts`, as the report and the dashboard show them; no chart
 * library is loaded.
 */
import Table from 'cli-table3';
import type { ModelResult } from '../model/result.ts';
import { breachLines, capitalHeadline, contractTable, hasContracts, maturityTable, trancheTable } from './capital-charts.ts';

function termTable(t: { head: string[]; rows: string[][] }): string {
  const table = new Table({
    head: t.head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: t.head.map((_, i) => (i === 0 ? 'left' : 'right')),
  });
  for (const r of t.rows) table.push(r);
  return table.toString();
}

/** The capital stack in the terminal: the headline, the tranches, the maturity wall by year, the breaches, the contracts. */
export function capitalTerminal(r: ModelResult): string {
  const out = [`Capital stack: ${capitalHeadline(r)}`, termTable(trancheTable(r)), termTable(maturityTable(r))];
  const breaches = breachLines(r);
  if (breaches.length > 0) out.push(`Covenant breaches (cures reported, flows unchanged):\n${breaches.map((b) => `  ${b}`).join('\n')}`);
  if (hasContracts(r)) out.push(termTable(contractTable(r)));
  return out.join('\n');
}
