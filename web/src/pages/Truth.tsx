/**
 * What has to be true: for a target, each driver's breakeven against its
 * base value; the tornado of a metric; a grid of two drivers with the
 * breakeven contour.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { unreachableIssue } from '../../../src/analysis/design-point.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED } from '../../../src/analysis/monte-carlo.ts';
import { breakeven, resolveTarget, type BreakevenReport, type BreakevenRow } from '../../../src/analysis/breakeven.ts';
import { grid, type GridReport } from '../../../src/analysis/grid.ts';
import { tornado } from '../../../src/analysis/tornado.ts';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import type { SummaryField } from '../../../src/model/result.ts';
import { tornadoOption } from '../../../src/report/charts.ts';
import { DESIGN_POINT_HEAD, designPointRows, designPointSentences } from '../../../src/report/conditions-format.ts';
import { uncertaintyFor } from '../../../src/analysis/default-uncertainty.ts';
import { pct } from '../../../src/report/format.ts';
import { gridHeatmapOption } from '../charts/grid-heatmap.ts';
import { Chart } from '../components/Chart.tsx';
import { useNarrow } from '../hooks.ts';
import { Section, Status } from '../components/common.tsx';
import { attempt, ScenarioPage } from '../components/ScenarioPage.tsx';
import { slidersFor, type Slider } from '../drivers.ts';
import { esc } from '../html.ts';
import type { DesignPointMessage, DesignPointRequest } from '../designpoint.worker.ts';
import { breakevenStatusText, formatChangePct, formatInput, formatInputChange, formatMetric, METRIC_CHOICES, metricLabel } from '../format.ts';
import { setParams } from '../route.ts';
import { useScenarioState } from '../scenario-state.ts';

const TARGETS: readonly { text: string; label: string }[] = [
  { text: 'npv>=0', label: 'NPV ≥ 0' },
  { text: 'irr>=wacc', label: 'IRR ≥ WACC' },
  { text: 'payback<=life', label: 'Payback ≤ useful life' },
  { text: 'gpPerMW>=0', label: 'Gross profit per MW ≥ 0' },
  { text: 'equityIrr>=wacc', label: 'Equity IRR ≥ WACC' },
  { text: 'strategicNpv>=0', label: 'Strategic NPV ≥ 0' },
  { text: 'minDscr>=1.2', label: 'Minimum DSCR ≥ 1.2×' },
];
const SWINGS = [0.1, 0.2, 0.3, 0.5];

export function Truth({ params }: { params: Record<string, string> }) {
  const st = useScenarioState(params);
  return (
    <ScenarioPage
      title="What has to be true"
      lead="For the factory to meet a target, how far would each driver have to move on its own? Which drivers matter most, and where do two of them together cross the line?"
      st={st}
      page="truth"
    >
      {(s) => <TruthBody scenario={s} params={params} />}
    </ScenarioPage>
  );
}

function Select({ label, value, options, param, testid }: { label: string; value: string; options: readonly { value: string; label: string }[]; param: string; testid: string }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => setParams({ [param]: (e.currentTarget as HTMLSelectElement).value }, { push: true })} data-testid={testid}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function TruthBody({ scenario, params }: { scenario: ResolvedScenario; params: Record<string, string> }) {
  const targetText = params['target'] ?? 'npv>=0';
  const metric = (params['metric'] ?? 'npv') as SummaryField;
  const swing = Number(params['swing'] ?? '0.2');
  const be = useMemo(() => attempt(() => breakeven(scenario, { target: targetText })), [scenario, targetText]);
  const narrow = useNarrow();
  const tor = useMemo(() => attempt(() => tornado(scenario, { metric, swing: Number.isFinite(swing) && swing > 0 ? swing : 0.2 })), [scenario, metric, swing]);
  const torOpt = useMemo(
    () =>
      tor.ok
        ? {
            ...tornadoOption(tor.value, {
              title: `Tornado — ${metricLabel(metric)}, ${scenario.name ?? scenario.id}`,
              metricLabel: metricLabel(metric),
              formatValue: (r, x) => formatInput(r, x),
              compact: narrow,
            }),
            // the bars are drawn from the base value: the tooltip says the metric at each end
            tooltip: {
              trigger: 'axis' as const,
              confine: true,
              axisPointer: { type: 'shadow' as const },
              formatter: (ps: unknown) => {
                const i = (Array.isArray(ps) ? (ps[0] as { dataIndex?: number } | undefined) : (ps as { dataIndex?: number }))?.dataIndex ?? -1;
                const r = tor.value.rows[i];
                if (r === undefined) return '';
                const f = (x: number): string => formatInput(r, x);
                const m = (x: number | null): string => formatMetric(metric, x);
                return `<b>${esc(r.label)}</b> (base ${esc(f(r.base))})<br/>low ${esc(f(r.low))} → ${esc(metricLabel(metric))} ${esc(m(r.metricLow))}<br/>high ${esc(f(r.high))} → ${esc(metricLabel(metric))} ${esc(m(r.metricHigh))}`;
              },
            },
          }
        : undefined,
    [tor, narrow],
  );
  const targetOptions = TARGETS.some((t) => t.text === targetText) ? TARGETS : [...TARGETS, { text: targetText, label: targetText }];
  return (
    <>
      <div class="controls card">
        <Select label="Target" value={targetText} options={targetOptions.map((t) => ({ value: t.text, label: t.label }))} param="target" testid="truth-target" />
        <Select label="Metric (tornado and grid)" value={metric} options={METRIC_CHOICES.map((m) => ({ value: m.key, label: m.label }))} param="metric" testid="truth-metric" />
        <Select label="Tornado swing" value={String(swing)} options={SWINGS.map((s) => ({ value: String(s), label: `±${pct(s, 0)}` }))} param="swing" testid="truth-swing" />
      </div>
      <Section title="Breakeven of each driver" id="breakeven">
        {!be.ok && <Status kind="error">{be.error}</Status>}
        {be.ok && <BreakevenTable report={be.value} />}
      </Section>
      <Section title="Tornado" id="tornado">
        {!tor.ok && <Status kind="error">{tor.error}</Status>}
        {torOpt !== undefined && tor.ok && <Chart option={torOpt} height={Math.max(300, 130 + 34 * tor.value.rows.length)} testid="chart-tornado" />}
      </Section>
      <GridSection scenario={scenario} params={params} metric={metric} targetText={targetText} />
      <DesignPointSection scenario={scenario} targetText={targetText} />
    </>
  );
}

type DesignPointState =
  | { status: 'running'; key: string }
  | { status: 'done'; key: string; message: DesignPointMessage }
  | { status: 'error'; key: string; message: string };

/**
 * The design point (FORM) for the page's target: the most likely way the
 * target is missed (or reached), β and Φ(−β) beside the Monte Carlo, each
 * input's importance. It runs in a worker whenever the scenario or the target
 * changes (the previous run is stopped), with the CLI's defaults: 100,000
 * samples, seed 42, the scenario's uncertainty block else the default one.
 */
function DesignPointSection({ scenario, targetText }: { scenario: ResolvedScenario; targetText: string }) {
  const uncertainty = useMemo(() => uncertaintyFor(scenario), [scenario]);
  const request: DesignPointRequest = useMemo(
    () => ({ scenario, options: { target: targetText, n: DEFAULT_SAMPLES, seed: DEFAULT_SEED, distributions: uncertainty.distributions } }),
    [scenario, targetText, uncertainty],
  );
  const origin = uncertainty.origin;
  const key = JSON.stringify(request);
  const [state, setState] = useState<DesignPointState>({ status: 'running', key });
  const worker = useRef<Worker | null>(null);
  useEffect(() => {
    worker.current?.terminate();
    const w = new Worker(new URL('../designpoint.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setState({ status: 'running', key });
    w.onmessage = (e: MessageEvent<DesignPointMessage>) => {
      if (worker.current !== w) return;
      setState({ status: 'done', key, message: e.data });
      w.terminate();
      worker.current = null;
    };
    w.onerror = (e) => {
      if (worker.current !== w) return;
      setState({ status: 'error', key, message: e.message || 'the worker failed' });
      worker.current = null;
    };
    w.postMessage(request);
    return () => {
      w.terminate();
      if (worker.current === w) worker.current = null;
    };
  }, [key]);
  const m = state.status === 'done' && state.key === key ? state.message : undefined;
  const report = m?.type === 'done' ? m.report : undefined;
  return (
    <Section title="The most likely way it misses (or reaches) the target" id="designpoint">
      <p class="muted">
        The design point (first-order reliability, FORM): the combination of the uncertain inputs, nearest their medians in probability, at which the target is just met. {origin}
      </p>
      {(state.status === 'running' || state.key !== key) && <Status testid="designpoint-running">Searching for the design point and sampling 100,000 scenarios…</Status>}
      {state.status === 'error' && state.key === key && <Status kind="error">{state.message}</Status>}
      {m?.type === 'error' && (
        <Status kind="error" testid="designpoint-error">
          {m.issues.length > 0 ? m.issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`).join(' · ') : m.message}
        </Status>
      )}
      {report !== undefined && report.status === 'unreachable' && (
        <Status kind="error" testid="designpoint-unreachable">
          {unreachableIssue(report).message}
        </Status>
      )}
      {report !== undefined && (
        <>
          <ul class="note" data-testid="designpoint-summary">
            {designPointSentences(report).map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
          <div class="table-wrap">
            <table data-testid="designpoint-table">
              <thead>
                <tr>
                  {DESIGN_POINT_HEAD.map((h, i) => (
                    <th scope="col" key={h} class={i === 0 ? 'text' : undefined}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {designPointRows(report).map((row, r) => (
                  <tr key={report.inputs[r]?.path ?? r}>
                    {row.map((cell, i) =>
                      i === 0 ? (
                        <th scope="row" class="text" key={i}>
                          {cell}
                        </th>
                      ) : (
                        <td key={i}>{cell}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Section>
  );
}


function BreakevenTable({ report }: { report: BreakevenReport }) {
  const b = report;
  return (
    <>
      <p class="note" data-testid="breakeven-base">
        Target {b.target.describe}. As it stands: {b.target.metric} {formatMetric(b.target.metric, b.base.metric)} —{' '}
        <strong>{b.base.met ? 'met' : 'not met'}</strong>. Each row moves one driver with everything else at base.
      </p>
      <div class="table-wrap">
        <table data-testid="breakeven-table">
          <thead>
            <tr>
              <th scope="col">Driver</th>
              <th scope="col">Base</th>
              <th scope="col">Breakeven</th>
              <th scope="col">Change</th>
              <th scope="col">Change %</th>
              <th scope="col" class="text">
                Status
              </th>
            </tr>
          </thead>
          <tbody>
            {b.rows.map((r) => {
              const f = (x: number | null): string => formatInput(r, x);
              const change = formatInputChange(r, r.change);
              return (
                <tr key={r.path}>
                  <th scope="row" class="text">
                    {r.label} <span class="muted">({r.unit}{r.series ? '; mean of the path' : ''})</span>
                  </th>
                  <td>{f(r.base)}</td>
                  <td>{r.status === 'unreachable' || r.status === 'no-effect' ? '—' : f(r.breakeven)}</td>
                  <td>{change}</td>
                  <td>{formatChangePct(r.changePct)}</td>
                  <td class="text">
                    <span class={`badge ${r.status === 'met' ? 'ok' : r.status === 'unreachable' ? 'bad' : 'warn'}`}>{breakevenStatusText(r, b)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

const GRID_POINTS = 21;

function axisFor(sl: Slider): { path: string; lo: number; hi: number; n: number } {
  let { min: lo, max: hi } = sl;
  if (sl.driver.integer) {
    lo = Math.round(lo);
    hi = Math.round(hi);
    return { path: sl.path, lo, hi, n: hi - lo + 1 };
  }
  // a price or capex range of 0..3× base is wide for a grid: centre it on the base
  if (sl.min === 0 && sl.max > sl.base * 2.5 && sl.base > 0) {
    lo = sl.base * 0.25;
    hi = Math.min(sl.max, sl.base * 2);
  }
  return { path: sl.path, lo, hi, n: GRID_POINTS };
}

function GridSection({ scenario, params, metric, targetText }: { scenario: ResolvedScenario; params: Record<string, string>; metric: SummaryField; targetText: string }) {
  const sliders = useMemo(() => slidersFor(scenario), [scenario]);
  const choices = sliders;
  const xKey = params['gx'] ?? choices[0]?.key ?? '';
  const defaultY = choices.find((s) => s.key.startsWith('price.'))?.key ?? choices.find((s) => s.key === 'capex')?.key ?? choices[1]?.key ?? '';
  const yKey = params['gy'] ?? (defaultY === xKey ? (choices.find((s) => s.key !== xKey)?.key ?? '') : defaultY);
  const sx = choices.find((s) => s.key === xKey);
  const sy = choices.find((s) => s.key === yKey);
  const result = useMemo(() => {
    if (sx === undefined || sy === undefined) return undefined;
    return attempt(() => {
      const report = grid(scenario, { x: axisFor(sx), y: axisFor(sy), metric, target: targetText });
      const t = resolveTarget(scenario, targetText);
      const thr = t.threshold(scenario);
      const sign = t.op === '>=' ? 1 : -1;
      const margin = report.met?.map((row, iy) =>
        row.map((met, ix) => {
          const v = report.values[iy]?.[ix] ?? null;
          if (t.metric === metric && v !== null) return sign * (v - thr);
          return met ? 1 : -1;
        }),
      );
      return { report, margin: margin ?? null };
    });
  }, [scenario, sx?.key, sy?.key, metric, targetText]);
  const narrow = useNarrow();
  const option = useMemo(() => {
    if (result === undefined || !result.ok || sx === undefined || sy === undefined) return undefined;
    const r: GridReport = result.value.report;
    return gridHeatmapOption({
      report: r,
      compact: narrow,
      title: `${metricLabel(metric)} over ${r.x.label.toLowerCase()} and ${r.y.label.toLowerCase()}`,
      metricLabel: metricLabel(metric),
      formatMetric: (x) => formatMetric(metric, x),
      formatX: (x) => formatInput(r.x, x),
      formatY: (y) => formatInput(r.y, y),
      margin: result.value.margin,
    });
  }, [result, narrow]);
  const opts = choices.map((s) => ({ value: s.key, label: s.label }));
  return (
    <Section title="Two drivers together" id="grid">
      <div class="controls">
        <Select label="Across (x)" value={xKey} options={opts} param="gx" testid="grid-x" />
        <Select label="Up (y)" value={yKey} options={opts} param="gy" testid="grid-y" />
      </div>
      {result !== undefined && !result.ok && <Status kind="error">{result.error}</Status>}
      {option !== undefined && <Chart option={option} height={480} testid="chart-grid" />}
    </Section>
  );
}

