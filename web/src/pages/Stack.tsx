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
import { millions, pct } from '../../../src/report/format.ts';
import { Chart } from '../components/Chart.tsx';
import { Section, Status } from '../components/common.tsx';
import { attempt, ScenarioPage } from '../components/ScenarioPage.tsx';
import { loadText, useLibrary, useScenarioText } from '../data.ts';
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
                  {stack.value.sources
                    .filter((x) => x.segments.length > 0)
                    .map((x) => (
                      <tr key={x.key}>
                        <th scope="row" class="text">
                          {x.label}
                        </th>
                        <td class="text">{x.segments.join(', ')}</td>
                        <td>{millions(x.revenuePerMW)}</td>
                        <td>{pct(x.shareOfRequired)}</td>
                        <td>{millions(x.revenuePerMWAtRequired)}</td>
                      </tr>
                    ))}
                  <tr>
                    <th scope="row" class="text">
                      Cash revenue today
                    </th>
                    <td />
                    <td>{millions(stack.value.cashRevenuePerMW)}</td>
                    <td>{pct(stack.value.cashShareOfRequired)}</td>
                    <td>{millions(stack.value.requiredRevenuePerMW)}</td>
                  </tr>
                  <tr>
                    <th scope="row" class="text">
                      {(stack.value.gapPerMW ?? 0) >= 0 ? 'Shortfall' : 'Surplus'} to earn the WACC ({pct(stack.value.wacc)})
                    </th>
                    <td />
                    <td data-testid="stack-gap">{millions(stack.value.gapPerMW === null ? null : Math.abs(stack.value.gapPerMW))}</td>
                    <td />
                    <td />
                  </tr>
                  {stack.value.strategicSegments.length > 0 && (
                    <tr>
                      <th scope="row" class="text">
                        Strategic value (not cash)
                      </th>
                      <td class="text">{stack.value.strategicSegments.join(', ')}</td>
                      <td>{millions(stack.value.strategicValuePerMW)}</td>
                      <td>{pct(stack.value.strategicShareOfRequired)}</td>
                      <td />
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
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
            Today {pct(sweep.value.baseInternalShare)} of tokens are internal ({sweep.value.internalSegments.join(', ')}): clean NPV {millions(sweep.value.base.npv, 0, true)}, strategic NPV{' '}
            {millions(sweep.value.base.strategicNpv, 0, true)}.
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
  const option = useMemo(() => (result?.ok === true ? advantagesOption(result.value) : undefined), [result]);
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
          {result.value.notes.length > 0 && (
            <ul class="muted">
              {result.value.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}
