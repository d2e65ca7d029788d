/** Compare: the archetypes and the saved scenarios side by side — the table, revenue and GP per MW, the funnels. */
import { useEffect, useMemo } from 'preact/hooks';
import { evaluate } from '../../../src/model/engine.ts';
import type { ModelResult } from '../../../src/model/result.ts';
import { compareBarsOption, funnelOption } from '../../../src/report/charts.ts';
import { COMPARE_METRICS } from '../../../src/report/metrics.ts';
import { Chart } from '../components/Chart.tsx';
import { Section, Status } from '../components/common.tsx';
import { library, loadText, useLibrary } from '../data.ts';
import { useNarrow } from '../hooks.ts';
import { pageHref, setParams } from '../route.ts';

export function Compare({ params }: { params: Record<string, string> }) {
  const lib = useLibrary();
  const all = lib.entries;
  const chosen = params['ids'] !== undefined ? params['ids'].split(',').filter((x) => x !== '') : all.map((e) => e.id);
  const entries = all.filter((e) => chosen.includes(e.id));
  useEffect(() => {
    for (const e of entries) if (e.text === undefined) void library.withText(e.id).catch(() => undefined);
  }, [entries.map((e) => `${e.id}@${e.version ?? ''}:${e.text === undefined}`).join(',')]);

  const rows = useMemo(() => {
    const out: { id: string; name: string; result?: ModelResult; error?: string }[] = [];
    for (const e of entries) {
      if (e.text === undefined) {
        out.push({ id: e.id, name: e.name, error: 'loading…' });
        continue;
      }
      const r = loadText(e.text);
      if (!r.ok) out.push({ id: e.id, name: e.name, error: `does not load: ${r.issues[0]?.message ?? ''}` });
      else out.push({ id: e.id, name: e.name, result: evaluate(r.scenario) });
    }
    return out;
  }, [entries.map((e) => `${e.id}:${e.text?.length ?? -1}:${e.version ?? ''}`).join(',')]);
  const results = rows.flatMap((r) => (r.result !== undefined ? [r.result] : []));
  const narrow = useNarrow();
  const bars = useMemo(() => compareBarsOption(results, { compact: narrow }), [results.map((r) => r.scenario.id).join(','), narrow]);

  const toggle = (id: string, on: boolean): void => {
    const next = on ? [...chosen, id] : chosen.filter((x) => x !== id);
    const ordered = all.map((e) => e.id).filter((x) => next.includes(x));
    setParams({ ids: ordered.length === all.length ? undefined : ordered.join(',') || ',' }, { push: true });
  };

  return (
    <>
      <div class="page-head">
        <h1>Compare operators</h1>
        <p class="lead">
          The four archetypes{all.some((e) => !e.builtin) ? ' and the saved scenarios' : ''} on the same lens: revenue and gross profit per MW, and how many tokens pay.
        </p>
      </div>
      <fieldset class="card" data-testid="compare-choose">
        <legend class="sr">Scenarios to compare</legend>
        <div class="toolbar">
          {all.map((e) => (
            <label key={e.id}>
              <input type="checkbox" checked={chosen.includes(e.id)} onChange={(ev) => toggle(e.id, (ev.currentTarget as HTMLInputElement).checked)} />{' '}
              {e.name}
              {(e.version ?? 0) > 0 && <span class="badge">{e.builtin ? 'edited' : 'saved'} v{e.version}</span>}
            </label>
          ))}
        </div>
      </fieldset>
      {rows.some((r) => r.error !== undefined) && (
        <Status>
          {rows
            .filter((r) => r.error !== undefined)
            .map((r) => `${r.name}: ${r.error}`)
            .join(' · ')}
        </Status>
      )}
      <Section title="Summary" id="compare-table">
        <div class="table-wrap">
          <table data-testid="compare-table">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                {results.map((r) => (
                  <th scope="col" key={r.scenario.id}>
                    <a href={pageHref('explore', { s: r.scenario.id })}>{r.scenario.name ?? r.scenario.id}</a>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {COMPARE_METRICS.map((m) => (
                <tr key={m.key}>
                  <th scope="row" class="text">
                    {m.label} <span class="muted">({m.unit})</span>
                  </th>
                  {results.map((r) => (
                    <td key={r.scenario.id} data-testid={`cmp-${m.key}-${r.scenario.id}`}>
                      {m.text(r)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title="Revenue and gross profit per MW" id="compare-bars">
        <Chart option={bars} height={narrow ? 140 + 70 * Math.max(1, results.length) : 420} testid="chart-compare-bars" />
      </Section>
      <Section title="Token funnels" id="compare-funnels">
        <div class="grid2">
          {results.map((r) => (
            <FunnelChart key={r.scenario.id} result={r} />
          ))}
        </div>
      </Section>
    </>
  );
}

function FunnelChart({ result }: { result: ModelResult }) {
  const option = useMemo(() => funnelOption(result), [result]);
  return <Chart option={option} height={320} testid={`chart-funnel-${result.scenario.id}`} />;
}
