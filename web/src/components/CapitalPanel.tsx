/**
 * The Explore page's capital-stack panel (MODEL.md §9): the refinancing need,
 * the covenants' headroom and the backlog as tiles; the maturity wall, DSCR
 * and LTV against their covenants and the backlog as charts; the breaches and
 * the tranches as lists. The same rows and charts as the HTML report
 * (`src/report/capital-charts.ts`); it follows the sliders with the rest.
 */
import { useMemo } from 'preact/hooks';
import type { ModelResult } from '../../../src/model/result.ts';
import { backlogOption, breachLines, coverageOption, hasContracts, headroomText, maturityWallOption, trancheTable } from '../../../src/report/capital-charts.ts';
import { millions, pct, ratio } from '../../../src/report/format.ts';
import { Chart } from './Chart.tsx';
import { Kpi, Section } from './common.tsx';

export function CapitalPanel({ r }: { r: ModelResult }) {
  const charts = useMemo(() => ({ wall: maturityWallOption(r), coverage: coverageOption(r), backlog: hasContracts(r) ? backlogOption(r) : undefined }), [r]);
  const s = r.summary;
  const breaches = breachLines(r);
  const tranches = trancheTable(r);
  const need = s.maxRefinancingNeedRatio ?? null;
  return (
    <Section title="Capital stack" id="capital">
      <div class="kpis" data-testid="capital-kpis">
        <Kpi label="Refinancing need (24 mo)" value={millions(s.maxRefinancingNeed ?? null, 0)} sub={need === null ? 'no cash to set against it' : `${ratio(need)} the cash of those years`} testid="kpi-refinancing-need" tone={need !== null && need > 1 ? 'bad' : undefined} />
        <Kpi
          label="Min DSCR"
          value={ratio(s.minDscr)}
          sub={s.minDscrHeadroom === null || s.minDscrHeadroom === undefined ? 'no DSCR covenant' : `covenant: ${headroomText(s.minDscrHeadroom, (v) => ratio(v))}`}
          testid="kpi-min-dscr"
          tone={s.minDscrHeadroom === null || s.minDscrHeadroom === undefined ? undefined : s.minDscrHeadroom >= 0 ? 'good' : 'bad'}
        />
        <Kpi
          label="Max market LTV"
          value={pct(s.maxMarketLtv ?? null)}
          sub={s.marketLtvHeadroom === null || s.marketLtvHeadroom === undefined ? 'no LTV covenant' : `covenant: ${headroomText(s.marketLtvHeadroom, (v) => pct(v))}`}
          testid="kpi-max-ltv"
          tone={s.marketLtvHeadroom === null || s.marketLtvHeadroom === undefined ? undefined : s.marketLtvHeadroom >= 0 ? 'good' : 'bad'}
        />
        <Kpi label="Covenant breaches" value={String(s.covenantBreachCount ?? 0)} testid="kpi-breaches" tone={(s.covenantBreachCount ?? 0) > 0 ? 'bad' : 'good'} />
        <Kpi label="Backlog" value={millions(s.backlog ?? null, 0)} sub={`traceable ${pct(s.traceableShare ?? null)} of value`} testid="kpi-backlog" />
        {(s.interestDuringConstruction ?? 0) > 0 && <Kpi label="Interest during construction" value={millions(s.interestDuringConstruction ?? null, 1)} testid="kpi-idc" />}
      </div>
      <div class="grid2 charts">
        <Chart option={charts.wall} height={400} testid="chart-maturity-wall" />
        <Chart option={charts.coverage} height={380} testid="chart-coverage" />
        {charts.backlog !== undefined && <Chart option={charts.backlog} height={380} testid="chart-backlog" />}
      </div>
      {breaches.length > 0 && (
        <div class="note" data-testid="covenant-breaches">
          <strong>Covenant breaches</strong> (the equity cure that would restore each; the flows are unchanged):
          <ul>
            {breaches.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="table-wrap">
        <table class="tranches" data-testid="tranches">
          <thead>
            <tr>
              {tranches.head.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tranches.rows.map((row) => (
              <tr key={row[0]}>
                {row.map((c, i) => (
                  <td key={i} class={i >= 5 ? 'n' : undefined}>
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
