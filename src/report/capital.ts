/**
 * The capital-stack section of the HTML report (MODEL.md §9), self-contained:
 * the rows and charts come from `capital-charts.ts`, the same the dashboard
 * and the terminal (`capital-terminal.ts`) show.
 */
import type { ModelResult } from '../model/result.ts';
import { backlogOption, breachLines, capitalHeadline, contractTable, coverageOption, hasContracts, maturityTable, maturityWallOption, trancheTable } from './capital-charts.ts';
import { renderSvg } from './svg.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function htmlTable(t: { head: string[]; rows: string[][] }, cls: string, numericFrom = 1): string {
  const c = (i: number): string => (i >= numericFrom ? ' class="n"' : '');
  return `<table class="${cls}"><thead><tr>${t.head.map((h, i) => `<th${c(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((x, i) => `<td${c(i)}>${esc(x)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const figure = (svg: string, id: string): string => `<figure class="chart" id="${esc(id)}">${svg}</figure>`;

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
