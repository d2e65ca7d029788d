/**
 * Portfolio: factories built year after year, on newer hardware, sharing one
 * market (MODEL.md §8). The buildout's installed MW by vintage, its revenue
 * against the revenue it requires (the gap), the depreciation wall,
 * utilization by vintage, and each vintage inside it — computed in the
 * browser by the same engine as the CLI; the wacc and a common capex shock
 * move live. The built-in portfolios are bundled; a pasted one is loaded
 * against the built-in and saved scenarios.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { loadCheckedPortfolioText } from '../../../src/analysis/portfolio-checks.ts';
import { getInput, setInput } from '../../../src/analysis/paths.ts';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import { evaluatePortfolio, type PortfolioResult, portfolioHasCapital } from '../../../src/model/portfolio.ts';
import type { Portfolio as PortfolioData, PortfolioResolveResult } from '../../../src/model/portfolio-load.ts';
import { count, money, pct, yearsFmt } from '../../../src/report/format.ts';
import { maturityTable } from '../../../src/report/capital-charts.ts';
import { depreciationWallOption, installedMWOption, portfolioBreachLines, portfolioCapitalHeadline, portfolioMaturityWallOption, revenueGapOption, vintageUtilizationOption } from '../../../src/report/portfolio-charts.ts';
import { download } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { Kpi, Section, Status } from '../components/common.tsx';
import { BUILTIN_TEXT, CATALOG, library, loadText, useLibrary } from '../data.ts';
import { setParams } from '../route.ts';

const bundled = import.meta.glob('../../../data/portfolios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/** The built-in portfolios' texts, by id. */
export const BUILTIN_PORTFOLIOS: Record<string, string> = Object.fromEntries(Object.entries(bundled).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.yaml$/, ''), text]));
const PORTFOLIO_IDS = Object.keys(BUILTIN_PORTFOLIOS).sort();
const DEFAULT_PORTFOLIO = PORTFOLIO_IDS.includes('industry-revenue-gap') ? 'industry-revenue-gap' : (PORTFOLIO_IDS[0] ?? '');

/** A portfolio text loaded against the built-in scenarios and those of the library already fetched. */
function loadPortfolio(text: string, scenarios: ReadonlyMap<string, string>): PortfolioResolveResult {
  return loadCheckedPortfolioText(text, CATALOG, {
    file: 'portfolio',
    loadTemplate: (ref) => {
      const t = scenarios.get(ref) ?? BUILTIN_TEXT[ref];
      if (t === undefined) return { ok: false, issues: [{ path: '', message: `no built-in or saved scenario "${ref}" (a vintage names one by id, or gives it inline)`, code: 'not_found' }] };
      const r = loadText(t, ref);
      return r.ok ? { ok: true, scenario: r.scenario as ResolvedScenario, warnings: r.warnings, name: ref } : { ok: false, issues: r.issues };
    },
  });
}

export function Portfolio({ params }: { params: Record<string, string> }) {
  const lib = useLibrary();
  const id = params['p'] ?? DEFAULT_PORTFOLIO;
  const [pasted, setPasted] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState('');
  const text = id === 'pasted' ? pasted : BUILTIN_PORTFOLIOS[id];
  // saved scenarios a pasted portfolio may name
  const saved = useMemo(() => new Map(lib.entries.filter((e) => e.text !== undefined).map((e) => [e.id, e.text as string])), [lib.entries]);
  useEffect(() => {
    for (const e of lib.entries) if (!e.builtin && e.text === undefined) void library.withText(e.id).catch(() => undefined);
  }, [lib.entries.length]);
  const loaded = useMemo(() => (text === undefined ? undefined : loadPortfolio(text, saved)), [text, saved]);
  const wacc = params['wacc'] !== undefined ? Number(params['wacc']) : undefined;
  const capex = params['capex'] !== undefined ? Number(params['capex']) : undefined;
  const portfolio = useMemo((): { value: PortfolioData } | { error: string } | undefined => {
    if (loaded === undefined || !loaded.ok) return undefined;
    try {
      let p = loaded.portfolio;
      if (wacc !== undefined && Number.isFinite(wacc)) p = setInput(p, 'finance.wacc', wacc);
      if (capex !== undefined && Number.isFinite(capex) && capex > 0) p = setInput(p, 'fleet.capexPerAccelerator', capex, 'scale');
      return { value: p };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [loaded, wacc, capex]);
  const result = useMemo((): PortfolioResult | undefined => (portfolio !== undefined && 'value' in portfolio ? evaluatePortfolio(portfolio.value) : undefined), [portfolio]);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | undefined>(undefined);
  const onDownload = async (): Promise<void> => {
    if (text === undefined) return;
    setBusy(true);
    setNote(undefined);
    try {
      await download('/portfolio/xlsx', id === 'pasted' ? { yaml: text } : { id }, `${id}.xlsx`);
    } catch (e) {
      setNote(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Portfolio: the buildout</h1>
        <p class="lead">
          Factories built year after year on newer hardware, sharing one market: can the inference they serve pay for the whole buildout? Each vintage is a scenario run by the same engine, placed on the
          calendar; the required revenue is a utility's revenue requirement (cash cost plus the capital charge of every vintage in service).
        </p>
      </div>
      <div class="card toolbar">
        <label class="picker">
          <span>Portfolio</span>
          <select value={id} onChange={(e) => setParams({ p: (e.currentTarget as HTMLSelectElement).value, wacc: undefined, capex: undefined }, { push: true })} data-testid="portfolio-picker">
            {PORTFOLIO_IDS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
            {pasted !== undefined && <option value="pasted">pasted portfolio</option>}
          </select>
        </label>
        {result !== undefined && (
          <>
            <label class="picker">
              <span>wacc {pct(result.portfolio.finance.wacc)}</span>
              <input
                type="range"
                min={0}
                max={0.2}
                step={0.005}
                value={result.portfolio.finance.wacc}
                onInput={(e) => setParams({ wacc: (e.currentTarget as HTMLInputElement).value })}
                data-testid="portfolio-wacc"
                aria-label="wacc of the portfolio and of every vintage"
              />
            </label>
            {hasCapex(loaded) && (
              <label class="picker">
                <span>capex per accelerator × {(capex ?? 1).toFixed(2)}</span>
                <input type="range" min={0.5} max={1.5} step={0.05} value={capex ?? 1} onInput={(e) => setParams({ capex: (e.currentTarget as HTMLInputElement).value })} data-testid="portfolio-capex" aria-label="capex per accelerator of every vintage, as a common shock" />
              </label>
            )}
          </>
        )}
        <button type="button" class="secondary" onClick={() => void onDownload()} disabled={busy || lib.apiOnline === false || text === undefined} data-testid="portfolio-xlsx">
          Download the workbook (XLSX)
        </button>
      </div>
      {note !== undefined && <Status kind="error">{note}</Status>}
      {loaded !== undefined && !loaded.ok && (
        <Status kind="error" testid="portfolio-issues">
          {loaded.issues.map((i) => `${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path === '' ? '' : `${i.path}: `}${i.message}`).join(' · ')}
        </Status>
      )}
      {portfolio !== undefined && 'error' in portfolio && <Status kind="error">{portfolio.error}</Status>}
      {result !== undefined && <PortfolioBody r={result} />}
      <Section title="Paste a portfolio" id="paste">
        <p class="muted">
          A portfolio file (<code>kind: portfolio</code>, MODEL.md §8): vintages that name a built-in or saved scenario by id, or give it inline, each with its build year and MW; an optional program (one vintage a year) and a shared market.
        </p>
        <textarea rows={10} class="code" style={{ width: "100%" }} value={draft} onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)} data-testid="portfolio-text" aria-label="portfolio YAML" />
        <button
          type="button"
          onClick={() => {
            setPasted(draft);
            setParams({ p: 'pasted', wacc: undefined, capex: undefined }, { push: true });
          }}
          disabled={draft.trim() === ''}
          data-testid="portfolio-load"
        >
          Load
        </button>
      </Section>
    </>
  );
}

const hasCapex = (l: PortfolioResolveResult | undefined): boolean => {
  if (l === undefined || !l.ok) return false;
  try {
    return typeof getInput(l.portfolio, 'fleet.capexPerAccelerator') === 'number';
  } catch {
    return false;
  }
};

function PortfolioBody({ r }: { r: PortfolioResult }) {
  const s = r.summary;
  const p = r.portfolio;
  const mw = useMemo(() => installedMWOption(r), [r]);
  const gap = useMemo(() => revenueGapOption(r), [r]);
  const wall = useMemo(() => depreciationWallOption(r), [r]);
  const util = useMemo(() => vintageUtilizationOption(r), [r]);
  const endUser = p.gap !== undefined;
  return (
    <>
      <Section title={p.name ?? p.id} id="portfolio-summary">
        {p.description !== undefined && <p class="muted">{p.description}</p>}
        <div class="kpis">
          <Kpi label="Vintages" value={String(p.vintages.length)} sub={`${count(s.builtMW)} MW, ${p.vintages[0]?.buildYear ?? ''}–${p.vintages.at(-1)?.buildYear ?? ''}`} />
          <Kpi label="NPV at the portfolio wacc" value={money(s.npv)} testid="portfolio-npv" tone={(s.npv ?? 0) >= 0 ? 'good' : 'bad'} />
          <Kpi label="IRR" value={s.irr === null ? 'none' : pct(s.irr)} />
          <Kpi label="Payback" value={s.paybackYears === null ? 'never' : yearsFmt(s.paybackYears)} sub="from the first build" />
          <Kpi label="Largest revenue gap" value={s.maxRevenueGap === null ? '—' : money(s.maxRevenueGap)} sub={s.maxRevenueGapYear === null ? undefined : `in ${s.maxRevenueGapYear}`} testid="portfolio-max-gap" />
        </div>
        {r.warnings.length > 0 && (
          <ul class="note" data-testid="portfolio-warnings">
            {r.warnings.slice(0, 8).map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Installed MW by vintage" id="portfolio-mw">
        <Chart option={mw} height={400} testid="chart-portfolio-mw" />
      </Section>
      <Section title="Revenue against the revenue the buildout requires" id="portfolio-gap">
        <Chart option={gap} height={400} testid="chart-portfolio-gap" />
        <div class="table-wrap">
          <table data-testid="portfolio-gap-table">
            <thead>
              <tr>
                <th scope="col">Year</th>
                <th scope="col">Revenue</th>
                <th scope="col">Cash cost</th>
                <th scope="col">Capital charge</th>
                <th scope="col">Required</th>
                {endUser && <th scope="col">End users</th>}
                <th scope="col">Gap</th>
                <th scope="col">Dep. / revenue</th>
              </tr>
            </thead>
            <tbody>
              {r.revenueGap.map((g) => (
                <tr key={g.year}>
                  <th scope="row">{g.year}</th>
                  <td>{money(g.revenue)}</td>
                  <td>{money(g.cashCost)}</td>
                  <td>{money(g.capitalCharge)}</td>
                  <td>{money(g.requiredRevenue)}</td>
                  {endUser && <td>{money(g.requiredEndUser)}</td>}
                  <td>{money(g.gap)}</td>
                  <td>{pct(g.depreciationShare, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="The depreciation wall" id="portfolio-wall">
        <Chart option={wall} height={340} testid="chart-portfolio-wall" />
      </Section>
      <Section title={p.demand !== undefined ? 'Utilization by vintage under the shared market' : 'Utilization by vintage'} id="portfolio-util">
        <Chart option={util} height={400} testid="chart-portfolio-util" />
      </Section>
      <Section title="The vintages inside the portfolio" id="portfolio-vintages">
        <div class="table-wrap">
          <table data-testid="portfolio-vintages">
            <thead>
              <tr>
                <th scope="col">Vintage</th>
                <th scope="col">Built</th>
                <th scope="col">Scenario</th>
                <th scope="col">MW</th>
                <th scope="col">NPV (portfolio wacc)</th>
                <th scope="col">IRR</th>
                <th scope="col">Payback</th>
              </tr>
            </thead>
            <tbody>
              {r.vintages.map((v) => (
                <tr key={v.id}>
                  <th scope="row" class="text">
                    {v.id}
                  </th>
                  <td>{v.buildYear}</td>
                  <td class="text">{v.template}</td>
                  <td>{count(v.itMW)}</td>
                  <td>{money(v.summary.npv)}</td>
                  <td>{v.summary.irr === null ? 'none' : pct(v.summary.irr)}</td>
                  <td>{v.summary.paybackYears === null ? 'never' : yearsFmt(v.summary.paybackYears)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      {portfolioHasCapital(r) && <PortfolioCapital r={r} />}
    </>
  );
}

/** MODEL.md §9 in a portfolio: each vintage keeps its own tranches and covenants; the maturity wall by vintage and the consolidated lines (the report's rows and chart). */
function PortfolioCapital({ r }: { r: PortfolioResult }) {
  const wall = useMemo(() => portfolioMaturityWallOption(r), [r]);
  const m = maturityTable(r);
  const breaches = portfolioBreachLines(r);
  return (
    <Section title="The capital stack of the vintages" id="portfolio-capital">
      <p class="muted" data-testid="portfolio-capital-headline">
        {portfolioCapitalHeadline(r)}
      </p>
      <Chart option={wall} height={400} testid="chart-portfolio-maturity" />
      {breaches.length > 0 && (
        <div class="note" data-testid="portfolio-breaches">
          <strong>Covenant breaches</strong> (each vintage its own covenants; the equity cure that would restore each, flows unchanged):
          <ul>
            {breaches.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      <div class="table-wrap">
        <table data-testid="portfolio-maturity">
          <thead>
            <tr>
              {m.head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.rows.map((row) => (
              <tr key={row[0]}>
                <th scope="row">{row[0]}</th>
                {row.slice(1).map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
