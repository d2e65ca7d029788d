/**
 * The capital-stack section of the HTML report and the terminal (MODEL.md
 * §9), self-contained: the rows and charts come from `capital-charts.ts`, the
 * same the dashboard draws.
 */
import Table from 'cli-table3';
import type { ModelResult } from '../model/result.ts';
import { backlogOption, breachLines, contractTable, coverageOption, hasContracts, headroomText, maturityTable, maturityWallOption, trancheTable } from './capital-charts.ts';
import { millions, pct, ratio } from './format.ts';
import { renderSvg } from './svg.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function htmlTable(t: { head: string[]; rows: string[][] }, cls: string, numericFrom = 1): string {
  const c = (i: number): string => (i >= numericFrom ? ' class="n"' : '');
  return `<table class="${cls}"><thead><tr>${t.head.map((h, i) => `<th${c(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((x, i) => `<td${c(i)}>${esc(x)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const figure = (svg: string, id: string): string => `<figure class="chart" id="${esc(id)}">${svg}</figure>`;

/** One sentence: the stack's headline figures. */
export function capitalHeadline(r: ModelResult): string {
  const s = r.summary;
  const parts = [
    `${(r.tranches ?? []).length} tranche${(r.tranches ?? []).length === 1 ? '' : 's'}`,
    `largest refinancing need ${millions(s.maxRefinancingNeed ?? null, 0)}${s.maxRefinancingNeedRatio === null || s.maxRefinancingNeedRatio === undefined ? '' : ` (${ratio(s.maxRefinancingNeedRatio)} the cash available over the same 24 months)`}`,
    `min DSCR ${ratio(s.minDscr)}${s.minDscrHeadroom === null || s.minDscrHeadroom === undefined ? '' : ` (against its covenant: ${headroomText(s.minDscrHeadroom, (v) => ratio(v))})`}`,
    `max market LTV ${pct(s.maxMarketLtv ?? null)}${s.marketLtvHeadroom === null || s.marketLtvHeadroom === undefined ? '' : ` (against its covenant: ${headroomText(s.marketLtvHeadroom, (v) => pct(v))})`}`,
    `${s.covenantBreachCount ?? 0} covenant breach${s.covenantBreachCount === 1 ? '' : 'es'}`,
  ];
  if ((s.interestDuringConstruction ?? 0) > 0) parts.push(`interest during construction ${millions(s.interestDuringConstruction ?? null, 1)}`);
  if ((s.backlog ?? 0) > 0) parts.push(`contracted backlog ${millions(s.backlog ?? null, 0)}, traceable share ${pct(s.traceableShare ?? null)}`);
  return `${parts.join('; ')}.`;
}

/**
 * The report's capital-stack block of one scenario: the tranches, the maturity
 * wall chart (principal and balloons by tranche, cash available as a line),
 * DSCR and LTV against their covenants, the breaches with their cures, and the
 * backlog and contracted share.
 *
 * @example
 * capitalSectionHtml(evaluate(levered), 's1-neocloud-levered-capital');
 */
export function capitalSectionHtml(r: ModelResult, id: string): string {
  const breaches = breachLines(r);
  const breachHtml =
    breaches.length === 0
      ? `<p class="note">No covenant breach${r.scenario.finance.covenants === undefined ? ' (the scenario sets no covenants)' : ''}.</p>`
      : `<div class="warnings"><strong>Covenant breaches (cures are reported; the flows are unchanged)</strong><ul>${breaches.map((b) => `<li>${esc(b)}</li>`).join('')}</ul></div>`;
  return [
    `<p class="note">${esc(capitalHeadline(r))}</p>`,
    htmlTable(trancheTable(r), 'tranches', 5),
    figure(renderSvg(maturityWallOption(r), { width: 880, height: 420 }), `${id}-wall`),
    htmlTable(maturityTable(r), 'maturity'),
    figure(renderSvg(coverageOption(r), { width: 880, height: 380 }), `${id}-coverage`),
    breachHtml,
    ...(hasContracts(r) ? [figure(renderSvg(backlogOption(r), { width: 880, height: 380 }), `${id}-backlog`), htmlTable(contractTable(r), 'contracts')] : []),
  ].join('');
}

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
