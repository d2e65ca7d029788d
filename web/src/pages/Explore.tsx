/**
 * Explore: one scenario with sliders for its main drivers; every number and
 * chart follows the sliders at once (the engine runs here, in ~20 µs). The
 * YAML editor below shows validation issues at their line, saves a new
 * version, and downloads the YAML, the XLSX and the HTML report.
 */
import type { VNode } from 'preact';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { evaluate } from '../../../src/model/engine.ts';
import type { Issue } from '../../../src/model/issues.ts';
import type { ModelResult } from '../../../src/model/result.ts';
import { cashFlowOption, funnelOption, perMWOption, unitEconomicsOption } from '../../../src/report/charts.ts';
import { pct } from '../../../src/report/format.ts';
import { metricText, rentedNoCapex } from '../../../src/report/metrics.ts';
import { ApiError, apiToken, download, saveBlob, saveScenario, setApiToken } from '../api.ts';
import { CapitalPanel } from '../components/CapitalPanel.tsx';
import { Chart } from '../components/Chart.tsx';
import { Kpi, OverridesNote, ScenarioPicker, Section, Status } from '../components/common.tsx';
import { YamlEditor } from '../components/YamlEditor.tsx';
import { library, useLibrary } from '../data.ts';
import { useNarrow } from '../hooks.ts';
import { isSliderKey, yamlWithOverrides, type Slider } from '../drivers.ts';
import { currentRoute, navigate, setParams } from '../route.ts';
import { setDraft, useScenarioState } from '../scenario-state.ts';
import { timing } from '../timing.ts';

/** The `id:` of a scenario's YAML text (undefined without one): enough to tell one scenario from another. */
const scenarioIdOf = (text: string): string | undefined => /^id:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];

const decimals = (step: number): number => Math.max(0, Math.ceil(-Math.log10(step)) + 1);

function SliderInput({ s, value, onChange }: { s: Slider; value: number; onChange: (key: string, v: number | undefined) => void }) {
  const id = `sl-${s.key.replace(/[^a-z0-9-]/gi, '-')}`;
  const changed = value !== s.base;
  return (
    <div class="slider">
      <label for={id}>
        <span>{s.label}</span>
        <output for={id} class={changed ? 'changed' : ''} data-testid={`slider-value-${s.key}`}>
          {s.format(value)}
        </output>
      </label>
      <input
        type="range"
        id={id}
        min={s.min}
        max={s.max}
        step={s.step}
        value={value}
        aria-valuetext={s.format(value)}
        aria-describedby={`${id}-d`}
        data-testid={`slider-${s.key}`}
        onInput={(e) => {
          const v = Number((e.currentTarget as HTMLInputElement).value);
          onChange(s.key, Number(v.toFixed(decimals(s.step))));
        }}
      />
      <div class="slider-foot" id={`${id}-d`}>
        <span>
          {s.unit}; file {s.format(s.base)}
          {s.hint !== undefined && <span class="sr">; {s.hint}</span>}
        </span>
        {changed && (
          <button type="button" class="link" onClick={() => onChange(s.key, undefined)} aria-label={`Reset ${s.label}`}>
            reset
          </button>
        )}
      </div>
    </div>
  );
}

function Kpis({ r, life }: { r: ModelResult; life: number }) {
  const s = r.summary;
  const wacc = r.scenario.finance.wacc;
  const rented = rentedNoCapex(r);
  const t = (key: string): string => metricText(key, r);
  return (
    <div class="kpis" data-testid="kpis">
      <Kpi label="NPV (at WACC)" value={t('npv')} testid="kpi-npv" tone={s.npv === null ? undefined : s.npv >= 0 ? 'good' : 'bad'} />
      <Kpi label="IRR" value={t('irr')} sub={`WACC ${pct(wacc)}`} testid="kpi-irr" tone={rented && s.irr === null ? undefined : s.irr === null ? 'bad' : s.irr >= wacc ? 'good' : 'bad'} />
      <Kpi label="Equity IRR" value={t('equityIrr')} testid="kpi-equity-irr" />
      <Kpi label="Payback" value={t('paybackYears')} sub={rented ? undefined : `useful life ${life} y`} testid="kpi-payback" tone={rented ? undefined : s.paybackYears !== null && s.paybackYears <= life ? 'good' : 'bad'} />
      <Kpi label="Peak funding" value={t('peakFunding')} testid="kpi-peak-funding" />
      <Kpi label="Commitments (PV)" value={t('leaseCommitmentPV')} sub="lease + rent, present value" testid="kpi-commitments" />
      <Kpi label="Revenue / MW-yr" value={t('revenuePerMW')} testid="kpi-revenue-mw" />
      <Kpi label="Gross profit / MW-yr" value={t('grossProfitPerMW')} testid="kpi-gp-mw" tone={s.grossProfitPerMW === null ? undefined : s.grossProfitPerMW >= 0 ? 'good' : 'bad'} />
      <Kpi label="Gross margin" value={t('grossMargin')} testid="kpi-margin" />
      <Kpi label="Profitable tokens" value={t('profitableShare')} sub={`monetizable ${t('monetizableShare')}`} testid="kpi-profitable" />
      <Kpi label="Capex / MW" value={t('capexPerMW')} testid="kpi-capex-mw" />
      <Kpi label="Strategic NPV" value={t('strategicNpv')} sub="NPV + imputed value" testid="kpi-strategic-npv" />
    </div>
  );
}

export function Explore({ params }: { params: Record<string, string> }) {
  const st = useScenarioState(params);
  const narrow = useNarrow();
  const lib = useLibrary();
  const entry = lib.get(st.id);
  const { result, charts } = useMemo(() => {
    if (st.scenario === undefined) return { result: undefined, charts: undefined };
    const t0 = performance.now();
    const r = evaluate(st.scenario);
    const t1 = performance.now();
    const c = { funnel: funnelOption(r), perMW: perMWOption(r), unit: unitEconomicsOption(r), cash: cashFlowOption(r) };
    const w = timing();
    w.engineMs = t1 - t0;
    w.optionsMs = performance.now() - t1;
    return { result: r, charts: c };
  }, [st.scenario]);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>(undefined);
  const [serverIssues, setServerIssues] = useState<Issue[]>([]);
  const [needToken, setNeedToken] = useState(false);

  useLayoutEffect(() => {
    const w = timing();
    w.exploreRenders += 1;
    w.exploreAt = performance.now();
  }, [charts]);

  const slidersRef = useRef(st.sliders);
  slidersRef.current = st.sliders;
  const onSlider = useCallback((key: string, v: number | undefined): void => {
    const s = slidersRef.current.find((x) => x.key === key);
    setParams({ [key]: v === undefined || v === s?.base ? undefined : String(v) });
  }, []);
  // Each slider's element kept while its value stays: a move re-renders the slider moved, not the thirty beside it.
  const sliderEls = useRef({ sliders: st.sliders, els: new Map<string, { value: number; el: VNode }>() });
  if (sliderEls.current.sliders !== st.sliders) sliderEls.current = { sliders: st.sliders, els: new Map() };
  const sliderEl = (s: Slider): VNode => {
    const value = st.values.get(s.key) ?? s.base;
    const known = sliderEls.current.els.get(s.key);
    if (known !== undefined && known.value === value) return known.el;
    const el = <SliderInput key={s.key} s={s} value={value} onChange={onSlider} />;
    sliderEls.current.els.set(s.key, { value, el });
    return el;
  };

  const editorText = st.draft ?? st.storedText ?? '';
  const slidersNow = useRef(st.values);
  slidersNow.current = st.values;
  function allIssuesOf(): Issue[] {
    return serverIssues.length > 0 ? serverIssues : st.issues;
  }
  const onEdit = (text: string, pasted = false): void => {
    setServerIssues([]);
    // Slider values belong to the scenario they were moved on: a pasted scenario (another id) starts from its own file,
    // so "Save as new version" never saves them as its first version.
    // (the editor below is memoized: the slider values are read through a ref, never stale)
    if (pasted && slidersNow.current.size > 0 && scenarioIdOf(text) !== scenarioIdOf(editorText)) {
      const cur = currentRoute();
      navigate({ page: cur.page, params: Object.fromEntries(Object.entries(cur.params).filter(([k]) => !isSliderKey(k))) }, { push: true });
      setMessage({ kind: 'ok', text: `Slider values cleared: they were moved on ${st.id}, not on the pasted scenario (${scenarioIdOf(text) ?? 'no id'}).` });
    }
    setDraft(st.id, text === st.storedText ? undefined : text);
  };
  const effective = (): string =>
    st.text === undefined || st.scenario === undefined ? editorText : yamlWithOverrides(st.text, st.scenario, st.sliders, st.values);
  const pristine = st.draft === undefined && st.values.size === 0;
  const hasErrors = st.issues.some((i) => i.severity !== 'warning');

  const act = async (what: string, fn: () => Promise<string | void>): Promise<void> => {
    setBusy(what);
    setMessage(undefined);
    try {
      const text = await fn();
      if (typeof text === 'string') setMessage({ kind: 'ok', text });
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.status === 401 || e.status === 403) setNeedToken(true);
        if (e.issues.length > 0) setServerIssues(e.issues);
        setMessage({ kind: 'error', text: `${what} failed: ${e.message}` });
      } else setMessage({ kind: 'error', text: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(undefined);
    }
  };

  const save = (): Promise<void> =>
    act('Save', async () => {
      const yaml = effective();
      const r = await saveScenario(yaml);
      setDraft(st.id, undefined);
      if (r.id !== st.id) setDraft(r.id, undefined);
      library.invalidate(r.id);
      await library.refresh();
      const cur = currentRoute();
      const keep = Object.fromEntries(Object.entries(cur.params).filter(([k]) => !isSliderKey(k)));
      navigate({ page: 'explore', params: { ...keep, s: r.id } }, { push: true });
      return r.created === false ? `${r.id} version ${r.version} already has this text; nothing new was stored.` : `Saved ${r.id} as version ${r.version}.`;
    });
  const downloadYaml = (): void => saveBlob(new Blob([effective()], { type: 'application/yaml' }), `${st.id}.yaml`);
  const body = (): { id: string } | { yaml: string } => (pristine ? { id: st.id } : { yaml: effective() });
  const writeSliders = (): void => {
    const yaml = effective();
    const cur = currentRoute();
    setDraft(st.id, yaml === st.storedText ? undefined : yaml);
    navigate({ page: 'explore', params: Object.fromEntries(Object.entries(cur.params).filter(([k]) => !isSliderKey(k))) }, { push: true });
  };

  // The editor does not depend on the sliders: the same element, so a slider move does not re-render it.
  const editor = useMemo(
    () =>
      st.storedText !== undefined || st.draft !== undefined ? <YamlEditor text={editorText} onInput={onEdit} issues={allIssuesOf()} label={`YAML of ${st.id}`} /> : null,
    [editorText, serverIssues, st.issues, st.id],
  );
  const groups = ['Demand', 'Pricing', 'Fleet', 'Power', 'Finance'] as const;
  const life = st.scenario?.fleet.usefulLifeYears ?? st.scenario?.horizon.years ?? 0;

  return (
    <>
      <div class="page-head">
        <h1>Explore</h1>
        <ScenarioPicker id={st.id} />
        <p class="lead">{st.base?.description ?? 'Move a driver: every number and chart follows.'}</p>
      </div>
      {st.error !== undefined && <Status kind="error">{st.error}</Status>}
      {st.loading && <Status>Loading the scenario…</Status>}
      <OverridesNote sliders={st.sliders} values={st.values} page="explore" />
      {result !== undefined && charts !== undefined && (
        <div class="explore">
          <div class="ex-kpis">
            <Kpis r={result} life={life} />
            {result.warnings.length > 0 && (
              <Status>
                {result.warnings.slice(0, 3).map((w) => w.message).join(' · ')}
                {result.warnings.length > 3 ? ` · and ${result.warnings.length - 3} more` : ''}
              </Status>
            )}
          </div>
          <aside class="card sliders" aria-label="Drivers" data-testid="sliders">
            <details open={!narrow || undefined}>
              <summary>
                <h2>Drivers</h2>
              </summary>
              {groups.map((g) => {
                const list = st.sliders.filter((s) => s.group === g);
                if (list.length === 0) return null;
                return (
                  <fieldset key={g}>
                    <legend>{g}</legend>
                    {list.map(sliderEl)}
                  </fieldset>
                );
              })}
            </details>
          </aside>
          <div class="grid2 charts ex-charts">
            <Chart option={charts.funnel} height={360} testid="chart-funnel" />
            <Chart option={charts.perMW} height={380} testid="chart-per-mw" />
            <Chart option={charts.unit} height={380} testid="chart-unit" />
            <Chart option={charts.cash} height={380} testid="chart-cash" />
          </div>
        </div>
      )}
      {result?.tranches !== undefined && <CapitalPanel r={result} />}
      <Section
        title="Scenario file"
        id="yaml"
        actions={
          <span class="muted">
            {entry?.builtin === true && (entry.version ?? 0) === 0 ? 'built-in, as shipped' : entry?.version !== null && entry?.version !== undefined ? `${entry.builtin ? 'built-in, ' : ''}saved version ${entry.version}` : ''}
            {st.draft !== undefined ? ' · edited, not saved' : ''}
          </span>
        }
      >
        <div class="toolbar">
          <button type="button" onClick={() => void save()} disabled={busy !== undefined || hasErrors || lib.apiOnline === false} data-testid="save">
            {busy === 'Save' ? 'Saving…' : st.values.size > 0 ? 'Save as new version (with slider values)' : 'Save as new version'}
          </button>
          <button type="button" class="secondary" onClick={downloadYaml} disabled={hasErrors} data-testid="download-yaml">
            Download YAML
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => void act('XLSX download', () => download('/export/xlsx', body(), `${st.id}.xlsx`))}
            disabled={busy !== undefined || hasErrors || lib.apiOnline === false}
            data-testid="download-xlsx"
          >
            {busy === 'XLSX download' ? 'Preparing XLSX…' : 'Download XLSX'}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => void act('Report download', () => download('/report', body(), `${st.id}-report.html`))}
            disabled={busy !== undefined || hasErrors || lib.apiOnline === false}
            data-testid="download-report"
          >
            {busy === 'Report download' ? 'Preparing report…' : 'Download HTML report'}
          </button>
          {st.values.size > 0 && (
            <button type="button" class="secondary" onClick={writeSliders} data-testid="write-sliders">
              Write slider values into the YAML
            </button>
          )}
          {st.draft !== undefined && (
            <button type="button" class="secondary" onClick={() => onEdit(st.storedText ?? '')} data-testid="discard">
              Discard edits
            </button>
          )}
        </div>
        {needToken && (
          <p class="toolbar">
            <label>
              Write token (PAYBACK_TOKEN){' '}
              <input type="password" value={apiToken()} onChange={(e) => setApiToken((e.currentTarget as HTMLInputElement).value)} autocomplete="off" />
            </label>
          </p>
        )}
        {message !== undefined && (
          <Status kind={message.kind} testid="explore-message">
            {message.text}
          </Status>
        )}
        {editor}
      </Section>
    </>
  );
}
