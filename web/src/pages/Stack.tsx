/**
 * Payback stack, internal inference and structural advantages: the revenue
 * the factory needs against what each source brings, how clean economics
 * fall as internal use rises, and why one operator beats another.
 */
import { useMemo } from 'preact/hooks';
import { advantages } from '../../../src/analysis/advantages.ts';
import { internalSweep } from '../../../src/analysis/internal.ts';
import { paybackStack, type StackGrouping } from '../../../src/analysis/payback-stack.ts';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import { advantagesOption, internalSweepOption, paybackStackOption } from '../../../src/report/charts.ts';
import { advantageNotes, advantageRows } from '../../../src/report/analysis-format.ts';
import { formatMetric } from '../../../src/report/metrics.ts';
import { pct } from '../../../src/report/format.ts';
import { stackRows, stackSentences } from '../../../src/report/stack-format.ts';
import { Chart } from '../components/Chart.tsx';
import { Section, Status } from '../components/common.tsx';
import { attempt, ScenarioPage } from '../components/ScenarioPage.tsx';
import { loadText, useLibrary, useScenarioText } from '../data.ts';
import { useNarrow } from '../hooks.ts';
import { setParams } from '../route.ts';
import { useScenarioState } from '../scenario-state.ts';

export function Stack({ params }: { params: Record<string, string> }) {
  const st = useScenarioState(params);
  return (
    <ScenarioPage
      title="Payback stack, internal inference, advantages"
      lead="What the capacity must earn to pay back its cost of capital, what each kind of demand brings, what internal use does to the clean economics, and where one operator's edge comes from."
      st={st}
      page="stack"
    >
      {(s) => <StackBody scenario={s} params={params} />}
    </ScenarioPage>
  );
}

const GROUPINGS: readonly { value: StackGrouping; label: string }[] = [
  { value: 'kind', label: 'segment kind' },
  { value: 'payer', label: 'who pays' },
];

function StackBody({ scenario, params }: { scenario: ResolvedScenario; params: Record<string, string> }) {
  const by: StackGrouping = params['by'] === 'payer' ? 'payer' : 'kind';
  const stack = useMemo(() => attempt(() => paybackStack(scenario, { by })), [scenario, by]);
  const sweep = useMemo(() => attempt(() => internalSweep(scenario)), [scenario]);
  const stackOpt = useMemo(
    () => (stack.ok ? paybackStackOption(stack.value, `Payback stack${by === 'payer' ? ' by payer' : ''} — ${scenario.name ?? scenario.id}`) : undefined),
    [stack],
  );
  const sweepOpt = useMemo(
    () => (sweep.ok && sweep.value.available ? internalSweepOption(sweep.value, `Internal inference — ${scenario.name ?? scenario.id}`) : undefined),
    [sweep],
  );
  return (
    <>
      <Section
        title="Payback stack"
        id="stack"
        actions={
          <label class="picker">
            <span>sources by</span>
            <select value={by} onChange={(e) => setParams({ by: (e.currentTarget as HTMLSelectElement).value }, { push: true })} data-testid="stack-by">
              {GROUPINGS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
        }
      >
        {!stack.ok && <Status kind="error">{stack.error}</Status>}
        {stack.ok && stackOpt !== undefined && (
          <>
            <Chart option={stackOpt} height={400} testid="chart-stack" />
            <div class="table-wrap">
              <table data-testid="stack-table">
                <thead>
                  <tr>
                    <th scope="col">{by === 'payer' ? 'Who pays' : 'Source of cash'}</th>
                    <th scope="col">Segments</th>
                    <th scope="col">Today ($/MW-yr)</th>
                    <th scope="col">Share of required</th>
                    <th scope="col">At required prices</th>
                  </tr>
                </thead>
                <tbody>
                  {stackRows(stack.value).map((r) => (
                    <tr key={`${r.kind}:${r.label}`} class={`row-${r.kind}`}>
                      <th scope="row" class="text">
                        {r.label}
                      </th>
                      <td class="text">{r.segments}</td>
                      <td data-testid={r.kind === 'surplus' ? 'stack-surplus' : undefined}>{r.today}</td>
                      <td>{r.share}</td>
                      <td>{r.atRequired}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="muted" data-testid="stack-sentences">
              {stackSentences(stack.value).join(' ')}
            </p>
            {stack.value.reason !== null && <Status>{stack.value.reason}</Status>}
          </>
        )}
      </Section>
      <Section title="Internal inference" id="internal">
        {!sweep.ok && <Status kind="error">{sweep.error}</Status>}
        {sweep.ok && !sweep.value.available && <Status testid="internal-unavailable">{sweep.value.reason ?? 'No internal segment in this scenario.'}</Status>}
        {sweepOpt !== undefined && <Chart option={sweepOpt} height={400} testid="chart-internal" />}
        {sweep.ok && sweep.value.available && (
          <p class="muted">
            Today {pct(sweep.value.baseInternalShare)} of tokens are internal ({sweep.value.internalSegments.join(', ')}): clean NPV {formatMetric('npv', sweep.value.base.npv)}, strategic NPV{' '}
            {formatMetric('strategicNpv', sweep.value.base.strategicNpv)}.
          </p>
        )}
      </Section>
      <Advantages scenario={scenario} params={params} />
    </>
  );
}

function Advantages({ scenario, params }: { scenario: ResolvedScenario; params: Record<string, string> }) {
  const lib = useLibrary();
  const refId = params['ref'] ?? (scenario.id === 'hyperscaler-base' ? 'neocloud-base' : 'hyperscaler-base');
  const { text, error } = useScenarioText(refId);
  const reference = useMemo(() => (text === undefined ? undefined : loadText(text)), [text]);
  const result = useMemo(
    () => (reference?.ok === true ? attempt(() => advantages(scenario, reference.scenario)) : undefined),
    [scenario, reference],
  );
  const narrow = useNarrow();
  const option = useMemo(() => (result?.ok === true ? advantagesOption(result.value, undefined, { compact: narrow }) : undefined), [result, narrow]);
  return (
    <Section
      title="Structural advantages"
      id="advantages"
      actions={
        <label class="picker">
          <span>against</span>
          <select value={refId} onChange={(e) => setParams({ ref: (e.currentTarget as HTMLSelectElement).value }, { push: true })} data-testid="advantages-ref">
            {lib.entries.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {error !== undefined && <Status kind="error">{error}</Status>}
      {reference !== undefined && !reference.ok && <Status kind="error">The reference scenario does not load.</Status>}
      {result !== undefined && !result.ok && <Status kind="error">{result.error}</Status>}
      {option !== undefined && result?.ok === true && (
        <>
          <Chart option={option} height={360} testid="chart-advantages" />
          <div class="table-wrap">
            <table data-testid="advantages-table">
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" class="text">
                    Inputs
                  </th>
                  <th scope="col">npv per MW</th>
                  <th scope="col">Share of difference</th>
                </tr>
              </thead>
              <tbody>
                {advantageRows(result.value).map((r) => (
                  <tr key={r[0]}>
                    <th scope="row" class="text">
                      {r[0]}
                    </th>
                    <td class="text">{r[1]}</td>
                    <td>{r[2]}</td>
                    <td>{r[3]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul class="muted" data-testid="advantages-notes">
            {advantageNotes(result.value).map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
