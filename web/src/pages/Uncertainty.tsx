/**
 * Uncertainty: Monte Carlo over the scenario's `uncertainty:` block (or, when
 * it has none, the default uncertainty every surface uses), run in a Web Worker with
 * a progress bar and a cancel button; probabilities, histograms, driver importance.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { effectiveUncertainty, type UncertaintyOrigin, withEffectiveUncertainty } from '../../../src/analysis/default-uncertainty.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED, type McSummary, type MonteCarloOptions } from '../../../src/analysis/monte-carlo.ts';
import { inputInfo } from '../../../src/analysis/paths.ts';
import type { McMetric } from '../../../src/analysis/columnar.ts';
import { describeDistribution, type DistributionSpec } from '../../../src/analysis/distributions.ts';
import type { Issue } from '../../../src/model/issues.ts';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import { axisMoney, axisPct, histogramOption } from '../../../src/report/charts.ts';
import { count, millions, pct } from '../../../src/report/format.ts';
import { importanceOption } from '../charts/importance.ts';
import { Chart } from '../components/Chart.tsx';
import { Kpi, Section, Status } from '../components/common.tsx';
import { ScenarioPage } from '../components/ScenarioPage.tsx';
import { slidersFor, type Slider } from '../drivers.ts';
import { formatMetric } from '../format.ts';
import type { McMessage, McRequest } from '../mc.worker.ts';
import { setParams } from '../route.ts';
import { useScenarioState } from '../scenario-state.ts';

const SAMPLE_CHOICES = [2_000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000];

interface UncertainInput {
  key: string;
  path: string;
  label: string;
  spec: DistributionSpec;
}

/** The scenario's own uncertainty block, else the default every surface uses (src/analysis/default-uncertainty.ts). */
function uncertainInputs(s: ResolvedScenario): { origin: UncertaintyOrigin; inputs: UncertainInput[] } {
  const { origin, distributions } = effectiveUncertainty(s);
  const label = (path: string): string => {
    try {
      return inputInfo(s, path).label;
    } catch {
      return path;
    }
  };
  return { origin, inputs: Object.entries(distributions).map(([path, spec]) => ({ key: path, path, label: label(path), spec })) };
}

type RunState =
  | { status: 'idle' }
  | { status: 'running'; done: number; total: number; key: string }
  | { status: 'done'; summary: McSummary; ms: number; key: string }
  | { status: 'cancelled'; done: number; total: number }
  | { status: 'error'; message: string; issues: Issue[] };

export function Uncertainty({ params }: { params: Record<string, string> }) {
  const st = useScenarioState(params);
  return (
    <ScenarioPage
      title="Uncertainty"
      lead="Draw the uncertain inputs many times and see the spread of outcomes: how likely the factory pays back, and which uncertainty matters most. The run happens in a background worker in this browser."
      st={st}
      page="uncertainty"
    >
      {(s) => <McBody scenario={s} params={params} />}
    </ScenarioPage>
  );
}

function McBody({ scenario, params }: { scenario: ResolvedScenario; params: Record<string, string> }) {
  const sliders = useMemo(() => slidersFor(scenario), [scenario]);
  const { origin, inputs } = useMemo(() => uncertainInputs(scenario), [scenario]);
  const off = new Set((params['off'] ?? '').split(',').filter((x) => x !== ''));
  const n = Number(params['n'] ?? String(DEFAULT_SAMPLES));
  const seed = Number(params['seed'] ?? String(DEFAULT_SEED));
  const lhs = params['lhs'] === '1';
  const used = inputs.filter((i) => !off.has(i.key));
  const options: MonteCarloOptions = useMemo(
    () => ({
      n: Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_SAMPLES,
      seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : DEFAULT_SEED,
      lhs,
    }),
    [n, seed, lhs],
  );
  // the same run as the CLI, the report and the API; with some inputs switched off, the scenario without them
  const runScenario = useMemo(() => {
    if (off.size === 0) return withEffectiveUncertainty(scenario);
    return { ...scenario, uncertainty: Object.fromEntries(used.map((i) => [i.key, i.spec])) };
  }, [scenario, inputs, params['off']]);
  const runKey = JSON.stringify([runScenario, options]);

  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const worker = useRef<Worker | null>(null);
  useEffect(() => () => worker.current?.terminate(), []);

  const start = (): void => {
    worker.current?.terminate();
    const w = new Worker(new URL('../mc.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    const key = runKey;
    setRun({ status: 'running', done: 0, total: options.n ?? 0, key });
    w.onmessage = (e: MessageEvent<McMessage>) => {
      const m = e.data;
      if (worker.current !== w) return;
      if (m.type === 'progress') setRun({ status: 'running', done: m.done, total: m.total, key });
      else if (m.type === 'done') {
        setRun({ status: 'done', summary: m.summary, ms: m.ms, key });
        w.terminate();
        worker.current = null;
      } else {
        setRun({ status: 'error', message: m.message, issues: m.issues });
        w.terminate();
        worker.current = null;
      }
    };
    w.onerror = (e) => {
      setRun({ status: 'error', message: e.message || 'the worker failed', issues: [] });
      worker.current = null;
    };
    const req: McRequest = { scenario: runScenario, options };
    w.postMessage(req);
  };
  const cancel = (): void => {
    worker.current?.terminate();
    worker.current = null;
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', done: r.done, total: r.total } : r));
  };
  const running = run.status === 'running';
  const toggle = (key: string, on: boolean): void => {
    const next = new Set(off);
    if (on) next.delete(key);
    else next.add(key);
    setParams({ off: [...next].join(',') || undefined });
  };

  return (
    <>
      <Section title="Uncertain inputs" id="mc-inputs">
        <p class="muted">
          {origin === 'scenario'
            ? 'From the scenario file’s uncertainty: block (edit it on Explore).'
            : 'This scenario has no uncertainty: block, so it gets the default uncertainty that the CLI (payback mc), the report and the API use too (× = a multiplier of the base value; a ramp keeps its shape). Add an uncertainty: block on Explore to set your own.'}
        </p>
        <div class="table-wrap">
          <table data-testid="mc-inputs">
            <thead>
              <tr>
                <th scope="col">Use</th>
                <th scope="col" class="text">
                  Input
                </th>
                <th scope="col" class="text">
                  Distribution
                </th>
                {run.status === 'done' && (
                  <>
                    <th scope="col">p5</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {inputs.map((i) => {
                const d = run.status === 'done' ? run.summary.drivers.find((x) => x.path === i.path) : undefined;
                return (
                  <tr key={i.key}>
                    <td>
                      <input type="checkbox" checked={!off.has(i.key)} onChange={(e) => toggle(i.key, (e.currentTarget as HTMLInputElement).checked)} aria-label={`Use ${i.label}`} disabled={running} />
                    </td>
                    <th scope="row" class="text">
                      {i.label}
                    </th>
                    <td class="text">
                      <code>{describeDistribution(i.spec)}</code>
                    </td>
                    {run.status === 'done' && (
                      <>
                        <td>{d?.p5 === null || d === undefined ? '—' : count(d.p5, 3)}</td>
                        <td>{d?.p50 === null || d === undefined ? '—' : count(d.p50, 3)}</td>
                        <td>{d?.p95 === null || d === undefined ? '—' : count(d.p95, 3)}</td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div class="controls" style={{ marginTop: '0.75rem' }}>
          <label>
            Samples
            <select value={String(options.n)} onChange={(e) => setParams({ n: (e.currentTarget as HTMLSelectElement).value })} disabled={running} data-testid="mc-samples">
              {[...new Set([...SAMPLE_CHOICES, options.n ?? DEFAULT_SAMPLES])].sort((a, b) => a - b).map((c) => (
                <option key={c} value={String(c)}>
                  {c.toLocaleString('en-US')}
                </option>
              ))}
            </select>
          </label>
          <label>
            Seed
            <input type="number" min={0} step={1} value={options.seed} onChange={(e) => setParams({ seed: (e.currentTarget as HTMLInputElement).value })} disabled={running} style={{ width: '8rem' }} data-testid="mc-seed" />
          </label>
          <label style={{ flexDirection: 'row', alignItems: 'center', gap: '0.4rem' }}>
            <input type="checkbox" checked={lhs} onChange={(e) => setParams({ lhs: (e.currentTarget as HTMLInputElement).checked ? '1' : undefined })} disabled={running} />
            Latin hypercube
          </label>
          <button type="button" onClick={start} disabled={running || used.length === 0} data-testid="mc-run">
            {run.status === 'done' || run.status === 'cancelled' ? 'Run again' : 'Run'}
          </button>
          <button type="button" class="secondary" onClick={cancel} disabled={!running} data-testid="mc-cancel">
            Cancel
          </button>
        </div>
        {running && (
          <div data-testid="mc-running">
            <progress max={run.total} value={run.done} data-testid="mc-progress" aria-label="Monte Carlo progress" />
            <p class="muted" aria-live="polite">
              {run.done.toLocaleString('en-US')} of {run.total.toLocaleString('en-US')} samples
            </p>
          </div>
        )}
        {run.status === 'cancelled' && (
          <Status testid="mc-cancelled">
            Cancelled after {run.done.toLocaleString('en-US')} of {run.total.toLocaleString('en-US')} samples.
          </Status>
        )}
        {run.status === 'error' && (
          <Status kind="error" testid="mc-error">
            {run.message}
            {run.issues.length > 0 && (
              <ul>
                {run.issues.map((i, k) => (
                  <li key={k}>
                    {i.path !== '' ? `${i.path}: ` : ''}
                    {i.message}
                  </li>
                ))}
              </ul>
            )}
          </Status>
        )}
      </Section>
      {run.status === 'done' && <McResults summary={run.summary} ms={run.ms} stale={run.key !== runKey} scenario={scenario} sliders={sliders} />}
    </>
  );
}

const HISTS: readonly { metric: McMetric; title: string; xName: string; format: (v: number) => string; threshold?: (s: ResolvedScenario) => { value: number; label: string } }[] = [
  { metric: 'npv', title: 'NPV', xName: 'NPV ($)', format: axisMoney, threshold: () => ({ value: 0, label: 'NPV = 0' }) },
  { metric: 'irr', title: 'IRR', xName: 'IRR', format: axisPct, threshold: (s) => ({ value: s.finance.wacc, label: `WACC ${pct(s.finance.wacc)}` }) },
  { metric: 'paybackYears', title: 'Payback', xName: 'payback (years)', format: (v) => `${v.toFixed(1)} y` },
  { metric: 'grossProfitPerMW', title: 'Gross profit per MW-year', xName: '$ per MW-year', format: axisMoney, threshold: () => ({ value: 0, label: 'GP = 0' }) },
];

function McResults({ summary, ms, stale, scenario, sliders }: { summary: McSummary; ms: number; stale: boolean; scenario: ResolvedScenario; sliders: readonly Slider[] }) {
  const name = scenario.name ?? scenario.id;
  const p = summary.probabilities;
  const life = scenario.fleet.mode === 'own' ? (scenario.fleet.usefulLifeYears ?? scenario.horizon.years) : scenario.horizon.years;
  const rented = scenario.fleet.mode === 'rent';
  const hists = useMemo(
    () =>
      HISTS.map((h) => {
        const stats = summary.metrics[h.metric];
        const none = stats.nullCount > 0 ? `; ${pct(stats.nullCount / summary.n, 1)} of samples have none` : '';
        const drawn = stats.histogram.bins.reduce((a, b) => a + b.count, 0);
        // an empty or one-value histogram says nothing a sentence does not: say it in words
        const empty =
          drawn === 0
            ? h.metric === 'paybackYears'
              ? `No sample pays back within its ${scenario.horizon.years}-year horizon: the cumulative cash flow of every one of the ${count(summary.n)} samples stays below zero, so there is no payback to draw.`
              : `No sample has ${h.title === 'IRR' ? 'an IRR' : `a ${h.title}`}${h.metric === 'irr' && rented ? ': with no capex (the fleet is rented) the cash flows never turn negative, so NPV is the measure' : ''}.`
            : h.metric === 'paybackYears' && rented && stats.min === stats.max
              ? `No capex to pay back (the fleet is rented): every sample reads ${formatMetric('paybackYears', stats.min)}; its commitments are the exposure to watch.`
              : null;
        return {
          key: h.metric,
          title: `${h.title} — ${name}`,
          empty,
          option: histogramOption({
            title: `${h.title} — ${name}`,
            subtitle: `${summary.n.toLocaleString('en-US')} samples; p5 ${formatMetric(h.metric, stats.p5)}, median ${formatMetric(h.metric, stats.p50)}, p95 ${formatMetric(h.metric, stats.p95)}${none}`,
            xName: h.xName,
            bins: stats.histogram.bins,
            format: h.format,
            ...(h.threshold !== undefined && { threshold: h.threshold(scenario) }),
          }),
        };
      }),
    [summary],
  );
  const labelOf = (path: string): string => summary.drivers.find((d) => d.path === path)?.label ?? sliders.find((s) => s.path === path)?.label ?? path;
  const importance = useMemo(() => importanceOption(summary.importance.npv, labelOf, 'NPV', name), [summary]);
  return (
    <>
      <Section title="Probabilities" id="mc-probs">
        {stale && <p class="note">The inputs have changed since this run: run it again to update.</p>}
        <div class="probs" data-testid="mc-result">
          <Kpi label="P(NPV ≥ 0)" value={pct(p.npvAtLeastZero, 1)} testid="mc-p-npv" tone={p.npvAtLeastZero >= 0.5 ? 'good' : 'bad'} />
          <Kpi label="P(IRR ≥ WACC)" value={pct(p.irrAtLeastWacc, 1)} testid="mc-p-irr" />
          <Kpi label={`P(payback ≤ ${life} y)`} value={pct(p.paybackWithinLife, 1)} testid="mc-p-payback" />
          <Kpi label="Mean NPV" value={millions(summary.metrics.npv.mean, 0, true)} sub={`p5 ${millions(summary.metrics.npv.p5, 0, true)} · p95 ${millions(summary.metrics.npv.p95, 0, true)}`} />
          <Kpi label="Samples" value={summary.n.toLocaleString('en-US')} sub={`${summary.sampling}, seed ${summary.seed}; ${(ms / 1000).toFixed(2)} s`} />
        </div>
        {summary.warnings.length > 0 && <Status>{summary.warnings.map((w) => w.message).join(' · ')}</Status>}
      </Section>
      <Section title="Distributions of the outcomes" id="mc-hists">
        <div class="grid2">
          {hists.map((h) =>
            h.empty === null ? (
              <Chart key={h.key} option={h.option} height={340} testid={`chart-hist-${h.key}`} />
            ) : (
              <div key={h.key} class="chart-words" data-testid={`hist-words-${h.key}`}>
                <h3>{h.title}</h3>
                <p>{h.empty}</p>
              </div>
            ),
          )}
        </div>
      </Section>
      <Section title="Driver importance" id="mc-importance">
        <Chart option={importance} height={Math.max(260, 120 + 34 * summary.importance.npv.length)} testid="chart-importance" />
      </Section>
    </>
  );
}
