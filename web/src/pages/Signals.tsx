/**
 * Signals: for a scenario, the status of each signal (on track / watch /
 * breach against its tripwire, like for like), the nowcast (the latest
 * evidence in place of the assumptions, a waterfall of what moved npv), the
 * watch list ranked by value of information, one signal's history against
 * the path the scenario expects, and adding observations with their scope (a
 * form, or a CSV import) through the API.
 */
import { useMemo, useState } from 'preact/hooks';
import { evaluate } from '../../../src/model/engine.ts';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import type { Calendar, CalendarLine } from '../../../src/signals/calendar.ts';
import type { Nowcast } from '../../../src/signals/nowcast.ts';
import { BASES, OPERATOR_CLASSES } from '../../../src/signals/observation.ts';
import { nowcastWaterfallOption } from '../../../src/report/charts.ts';
import { lineName, nowcastRows, scopeClass, WATCH_REASONS, watchRange } from '../../../src/report/signals-format.ts';
import { expectedInYear, linkSignal, tripwireInYear, tripwireOf } from '../../../src/signals/link.ts';
import type { Observation } from '../../../src/signals/observation.ts';
import type { SignalStatus, StatusReport } from '../../../src/signals/status.ts';
import { pct } from '../../../src/report/format.ts';
import { ApiError, postJson, postText } from '../api.ts';
import { signalHistoryOption } from '../charts/signal-history.ts';
import { Chart } from '../components/Chart.tsx';
import { Section, Status } from '../components/common.tsx';
import { attempt, ScenarioPage } from '../components/ScenarioPage.tsx';
import { CATALOG, useLibrary } from '../data.ts';
import { useApi } from '../hooks.ts';
import { setParams } from '../route.ts';
import { useScenarioState } from '../scenario-state.ts';
import { DEFINITIONS, formatSignal, today } from '../signals-data.ts';

const STATE_CLASS: Record<string, string> = { 'on track': 'on-track', watch: 'watch', breach: 'breach' };

/** A list answer, whether the API wraps it in an object or not. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body !== null && typeof body === 'object') {
    const v = (body as Record<string, unknown>)[key];
    if (Array.isArray(v)) return v as T[];
  }
  return [];
}

export function Signals({ params }: { params: Record<string, string> }) {
  const st = useScenarioState(params);
  const asOf = params['asOf'] ?? today();
  return (
    <ScenarioPage
      title="Signals"
      lead="What the world shows against what the scenario claims: the latest evidence for each signal, how it compares with the scenario's path and with the tripwire where the factory stops paying back, and what to watch next."
      st={st}
      page="signals"
      extra={
        <label class="picker">
          <span>as of</span>
          <input type="date" value={asOf} onChange={(e) => setParams({ asOf: (e.currentTarget as HTMLInputElement).value || undefined })} data-testid="signals-asof" />
        </label>
      }
    >
      {(s) => <SignalsBody scenario={s} id={st.id} asOf={asOf} params={params} modified={st.values.size > 0 || st.draft !== undefined} />}
    </ScenarioPage>
  );
}

function SignalsBody({ scenario, id, asOf, params, modified }: { scenario: ResolvedScenario; id: string; asOf: string; params: Record<string, string>; modified: boolean }) {
  const lib = useLibrary();
  const [rev, setRev] = useState(0);
  const version = lib.get(id)?.version ?? 0;
  const online = lib.apiOnline !== false;
  const status = useApi<StatusReport | { status: StatusReport }>(online ? `/signals/status?scenario=${encodeURIComponent(id)}&asOf=${asOf}&version=${version}` : null, rev);
  const calendar = useApi<Calendar | { calendar: Calendar }>(online ? `/signals/calendar?scenario=${encodeURIComponent(id)}&asOf=${asOf}&version=${version}` : null, rev);

  const signal = params['signal'] ?? DEFINITIONS[0]?.id ?? '';
  const obs = useApi<unknown>(online && signal !== '' ? `/observations?signal=${encodeURIComponent(signal)}&history=true` : null, rev);
  const report: StatusReport | undefined = status.data === undefined ? undefined : 'rows' in status.data ? status.data : status.data.status;
  // a nowcast needs evidence up to the as-of day: asked for once the status shows some
  const proxies = params['proxies'] === '1';
  const hasEvidence = report !== undefined && report.asOf === asOf && report.rows.length > 0;
  const nowcast = useApi<Nowcast>(online && hasEvidence ? `/signals/nowcast?scenario=${encodeURIComponent(id)}&asOf=${asOf}&version=${version}${proxies ? '&proxies=true' : ''}` : null, rev);
  const cal: Calendar | undefined = calendar.data === undefined ? undefined : 'lines' in calendar.data ? calendar.data : calendar.data.calendar;
  const observations = listOf<Observation>(obs.data, 'observations');

  if (lib.apiOnline === false) return <Status kind="error">Signals need the server: start it with `npx payback serve` and reload.</Status>;
  return (
    <>
      {modified && <p class="note">The status board and the calendar are computed by the server for the stored scenario; the chart below follows the slider values and edits.</p>}
      <Section title="Status board" id="status">
        {status.error !== undefined && <Status kind="error">{status.error}</Status>}
        {report !== undefined && report.rows.length === 0 && (
          <p class="note warn" data-testid="signals-empty">
            No observations up to {report.asOf} in the server's store yet, so there is nothing to score. Load the public ones, with their sources, by running{' '}
            <code>payback signals seed</code> against the store the server uses (<code>--db</code> the same file), then reload; or add one below.
          </p>
        )}
        {report !== undefined && report.rows.length > 0 && <StatusBoard report={report} onPick={(sig) => setParams({ signal: sig }, { push: true })} />}
        {report === undefined && status.loading && <Status>Loading the status…</Status>}
      </Section>
      <Section title="Nowcast: what the evidence says now" id="nowcast">
        <label class="toggle" style={{ display: 'flex', alignItems: 'center', gap: '0.4rem' }}>
          <input type="checkbox" checked={proxies} onChange={(e) => setParams({ proxies: (e.currentTarget as HTMLInputElement).checked ? '1' : undefined })} data-testid="nowcast-proxies" />
          Place proxies too (market evidence, another operator class or accelerator), labelled
        </label>
        {nowcast.error !== undefined && (
          <Status kind="error" testid="nowcast-error">
            {nowcast.error}
          </Status>
        )}
        {nowcast.data !== undefined && nowcast.error === undefined && <NowcastView n={nowcast.data} />}
        {nowcast.data === undefined && nowcast.loading && <Status>Loading the nowcast…</Status>}
        {report !== undefined && !hasEvidence && !status.loading && (
          <p class="muted" data-testid="nowcast-empty">
            No evidence up to {asOf} to nowcast from: add observations below, or load the public ones with <code>payback signals seed</code>.
          </p>
        )}
      </Section>
      <Section title="History against the scenario" id="history">
        <div class="controls">
          <label>
            Signal
            <select value={signal} onChange={(e) => setParams({ signal: (e.currentTarget as HTMLSelectElement).value }, { push: true })} data-testid="history-signal">
              {DEFINITIONS.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <History scenario={scenario} signal={signal} observations={observations} asOf={asOf} />
        {obs.error !== undefined && <Status kind="error">{obs.error}</Status>}
        <ObservationTable rows={observations} />
      </Section>
      <Section title="Add an observation" id="add">
        <ObservationForm
          scenario={scenario}
          signal={signal}
          onAdded={(sig) => {
            setParams({ signal: sig }, { push: false });
            setRev((r) => r + 1);
          }}
        />
        <CsvImport onImported={() => setRev((r) => r + 1)} />
      </Section>
      <Section title="Watch list: what to watch next" id="calendar">
        {calendar.error !== undefined && <Status kind="error">{calendar.error}</Status>}
        {cal !== undefined && <WatchList cal={cal} />}
        {cal !== undefined && <CalendarTable cal={cal} />}
      </Section>
    </>
  );
}

function StatusBoard({ report, onPick }: { report: StatusReport; onPick: (signal: string) => void }) {
  const counts = { 'on track': 0, watch: 0, breach: 0 } as Record<string, number>;
  for (const r of report.rows) if (r.status !== null) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return (
    <>
      <p class={report.verdict.meets === false ? 'note warn' : 'note'} data-testid="status-verdict">
        {report.verdict.text}
      </p>
      <p class="toolbar" data-testid="status-summary">
        <span class="badge on-track">on track {counts['on track']}</span>
        <span class="badge watch">watch {counts['watch']}</span>
        <span class="badge breach">breach {counts['breach']}</span>
        <span class="muted">as of {report.asOf}</span>
      </p>
      <div class="table-wrap">
        <table class="board" data-testid="status-board">
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col" class="text">
                Status
              </th>
              <th scope="col">Observed</th>
              <th scope="col">Scenario expects</th>
              <th scope="col">{report.verdict.meets === false ? 'Tripwire / needed' : 'Tripwire'}</th>
              <th scope="col">Headroom</th>
              <th scope="col" class="text">
                Evidence
              </th>
              <th scope="col" class="text">
                Why
              </th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <StatusRow key={`${r.signal}:${r.segment ?? ''}`} r={r} onPick={onPick} />
            ))}
          </tbody>
        </table>
      </div>
      {report.withoutObservations.length > 0 && (
        <p class="muted">
          No evidence yet for: {report.withoutObservations.map((s) => DEFINITIONS.find((d) => d.id === s)?.label ?? s).join(', ')}.
        </p>
      )}
    </>
  );
}

function StatusRow({ r, onPick }: { r: SignalStatus; onPick: (signal: string) => void }) {
  const f = (x: number | null): string => (r.compare === 'growth' ? pct(x, 1) : formatSignal(r.unit, x));
  return (
    <tr data-testid={`status-${r.signal}`}>
      <th scope="row" class="text">
        <button type="button" class="link" onClick={() => onPick(r.signal)}>
          {r.label}
        </button>
        {r.segment !== null && <span class="muted"> · {r.segment}</span>}
        {r.compare === 'growth' && <span class="muted"> (growth/yr)</span>}
      </th>
      <td class="status-cell" data-label="Status">
        {r.status === null ? (
          <span class="badge">{!r.applies ? 'not linked' : r.match === 'none' ? 'not comparable' : 'no status'}</span>
        ) : (
          <span class={`badge ${STATE_CLASS[r.status] ?? ''}`}>{r.status}</span>
        )}
      </td>
      <td data-label="Observed">{f(r.observed)}</td>
      <td data-label="Scenario expects">{f(r.expected)}</td>
      <td data-label="Tripwire">{r.tripwire === null && r.needed !== null ? `needs ${f(r.needed)}` : f(r.tripwire)}</td>
      <td data-label="Headroom">{r.headroom === null ? '—' : pct(r.headroom, 0)}</td>
      <td class="text" data-label="Evidence">
        <span>
          {r.latest.date} · {r.latest.scope} <span class="muted">({scopeClass(r.latest)})</span>
          {r.match === 'proxy' && (
            <span class="badge" title={`the closest evidence there is: ${r.scopeNote ?? ''}`} data-testid={`proxy-${r.signal}`}>
              proxy
            </span>
          )}
        </span>
      </td>
      <td class="text why" data-label="Why">
        {r.why}
      </td>
    </tr>
  );
}

function History({ scenario, signal, observations, asOf }: { scenario: ResolvedScenario; signal: string; observations: Observation[]; asOf: string }) {
  const def = DEFINITIONS.find((d) => d.id === signal);
  const computed = useMemo(
    () =>
      def === undefined
        ? undefined
        : attempt(() => {
            const l = linkSignal(def, scenario);
            if (!l.applies) return { reason: l.reason as string | null, expected: [], tripwire: [], segment: null as string | null };
            const result = evaluate(scenario);
            const seg = l.primarySegment;
            const tw = tripwireOf(l, scenario, seg);
            const years = Array.from({ length: scenario.horizon.years }, (_, i) => i + 1);
            return {
              reason: tw.baseMisses ? 'the base case misses npv ≥ 0 already: the line is what the signal would need for it to pay back' : tw.reason,
              segment: seg,
              expected: years.map((t) => ({ year: scenario.horizon.startYear + t - 1, value: expectedInYear(l, scenario, result, t, seg) })),
              tripwire: years.map((t) => ({ year: scenario.horizon.startYear + t - 1, value: tripwireInYear(l, tw, t, seg) })),
            };
          }),
    [def, scenario],
  );
  const option = useMemo(() => {
    if (def === undefined || computed === undefined || !computed.ok) return undefined;
    const byScope = new Map<string, { date: string; value: number; direct: boolean }[]>();
    for (const o of observations) {
      if (o.supersededBy !== null && o.supersededBy !== undefined) continue;
      const list = byScope.get(o.scope) ?? [];
      list.push({ date: o.date, value: o.value, direct: false });
      byScope.set(o.scope, list);
    }
    const c = computed.value;
    return signalHistoryOption({
      title: `${def.label} — ${scenario.name ?? scenario.id}`,
      subtitle:
        c.expected.length === 0
          ? `not linked to this scenario: ${c.reason ?? ''}`
          : `observations by scope; the scenario's path${c.segment !== null ? ` (segment ${c.segment})` : ''} and its tripwire${c.reason !== null ? ` (${c.reason})` : ''}`,
      unit: def.unit,
      format: (v) => formatSignal(def.unit, v),
      expected: c.expected,
      tripwire: c.tripwire,
      observations: [...byScope.entries()].map(([scope, points]) => ({ scope, points })),
      asOf,
    });
  }, [def, computed, observations, asOf]);
  if (computed !== undefined && !computed.ok) return <Status kind="error">{computed.error}</Status>;
  return option === undefined ? null : <Chart option={option} height={400} testid="chart-signal-history" />;
}

function ObservationTable({ rows }: { rows: Observation[] }) {
  const sorted = [...rows].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id));
  return (
    <div class="table-wrap">
      <table data-testid="obs-table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col" class="text">
              Scope
            </th>
            <th scope="col">Value</th>
            <th scope="col" class="text">
              Source
            </th>
            <th scope="col" class="text">
              Note
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 && (
            <tr>
              <td colSpan={5} class="text muted">
                No observations of this signal yet.
              </td>
            </tr>
          )}
          {sorted.map((o) => (
            <tr key={o.id} class={o.supersededBy !== null && o.supersededBy !== undefined ? 'muted' : ''}>
              <td>{o.date}</td>
              <td class="text">{o.scope}</td>
              <td>
                {formatSignal(o.unit, o.value)} <span class="muted">{o.unit}</span>
              </td>
              <td class="text">{o.url !== null && o.url !== undefined && o.url !== '' ? <a href={o.url} rel="noopener noreferrer" target="_blank">{o.source}</a> : o.source}</td>
              <td class="text">
                {o.note ?? ''}
                {o.supersededBy !== null && o.supersededBy !== undefined ? ` (corrected by #${o.supersededBy})` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ObservationForm({ scenario, signal, onAdded }: { scenario: ResolvedScenario; signal: string; onAdded: (signal: string) => void }) {
  const [form, setForm] = useState({
    signal,
    scope: '',
    date: today(),
    value: '',
    unit: DEFINITIONS.find((d) => d.id === signal)?.unit ?? '',
    source: '',
    url: '',
    note: '',
    operator: scenario.operator === 'custom' ? 'market' : scenario.operator,
    accelerator: '',
    basis: '',
    facilityShare: '',
  });
  const perMW = DEFINITIONS.find((d) => d.id === form.signal)?.scope.basis === true;
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string; issues?: string[] } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    setForm((f) => ({ ...f, [k]: v, ...(k === 'signal' && { unit: DEFINITIONS.find((d) => d.id === v)?.unit ?? f.unit }) }));
  };
  const scopes = [...scenario.demand.segments.map((s) => s.id), ...(scenario.fleet.accelerator !== undefined ? [scenario.fleet.accelerator] : []), scenario.id, scenario.operator];
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setMsg(undefined);
    try {
      const value = Number(form.value);
      await postJson('/observations', {
        signal: form.signal,
        scope: form.scope,
        date: form.date,
        value: form.value.trim() === '' || !Number.isFinite(value) ? form.value : value,
        unit: form.unit,
        source: form.source,
        ...(form.url.trim() !== '' && { url: form.url.trim() }),
        ...(form.note.trim() !== '' && { note: form.note.trim() }),
        ...(form.operator !== '' && { operator: form.operator }),
        ...(form.accelerator.trim() !== '' && { accelerator: form.accelerator.trim() }),
        ...(perMW && form.basis !== '' && { basis: form.basis }),
        ...(perMW && form.facilityShare.trim() !== '' && { facilityShare: form.facilityShare.trim() }),
      });
      setMsg({ kind: 'ok', text: `Added: ${form.signal} ${form.scope} ${form.date} = ${form.value} ${form.unit}.` });
      onAdded(form.signal);
      setForm((f) => ({ ...f, value: '', note: '' }));
    } catch (err) {
      if (err instanceof ApiError) setMsg({ kind: 'error', text: err.message, issues: err.issues.map((i) => `${i.path !== '' ? `${i.path}: ` : ''}${i.message}`) });
      else setMsg({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="obs" onSubmit={(e) => void submit(e)} data-testid="obs-form">
      <label>
        Signal
        <select value={form.signal} onChange={set('signal')} required data-testid="obs-signal">
          {DEFINITIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Scope
        <input type="text" value={form.scope} onInput={set('scope')} required list="obs-scopes" placeholder="e.g. h100 1-yr contract" data-testid="obs-scope" />
        <datalist id="obs-scopes">
          {scopes.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <label>
        Whose number
        <select value={form.operator} onChange={set('operator')} data-testid="obs-operator">
          <option value="">unclassified</option>
          {OPERATOR_CLASSES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <label>
        Accelerator (where it matters)
        <select value={form.accelerator} onChange={set('accelerator')} data-testid="obs-accelerator">
          <option value="">not stated</option>
          {CATALOG.accelerators.map((a) => (
            <option key={a.id} value={a.id}>
              {a.id}
            </option>
          ))}
        </select>
      </label>
      {perMW && (
        <>
          <label>
            Basis (money per MW)
            <select value={form.basis} onChange={set('basis')} required data-testid="obs-basis">
              <option value="">choose…</option>
              {BASES.map((b) => (
                <option key={b} value={b}>
                  {b === 'all-in' ? 'all-in (facility included)' : 'IT only'}
                </option>
              ))}
            </select>
          </label>
          {form.basis === 'all-in' && (
            <label>
              Facility share, as the source states it (optional)
              <input type="text" inputMode="decimal" value={form.facilityShare} onInput={set('facilityShare')} placeholder="e.g. 0.3" data-testid="obs-facility-share" />
            </label>
          )}
        </>
      )}
      <label>
        Date
        <input type="date" value={form.date} onInput={set('date')} required data-testid="obs-date" />
      </label>
      <label>
        Value
        <input type="text" inputMode="decimal" value={form.value} onInput={set('value')} required data-testid="obs-value" />
      </label>
      <label>
        Unit
        <input type="text" value={form.unit} onInput={set('unit')} required data-testid="obs-unit" />
      </label>
      <label>
        Source
        <input type="text" value={form.source} onInput={set('source')} required data-testid="obs-source" />
      </label>
      <label>
        Link (optional)
        <input type="url" value={form.url} onInput={set('url')} data-testid="obs-url" />
      </label>
      <label class="wide">
        Note (optional)
        <input type="text" value={form.note} onInput={set('note')} data-testid="obs-note" />
      </label>
      <div class="wide toolbar">
        <button type="submit" disabled={busy} data-testid="obs-submit">
          {busy ? 'Adding…' : 'Add observation'}
        </button>
        {msg !== undefined && (
          <span class={`status ${msg.kind}`} role={msg.kind === 'error' ? 'alert' : 'status'} data-testid="obs-message">
            {msg.text}
            {msg.issues !== undefined && msg.issues.length > 0 && ` — ${msg.issues.join('; ')}`}
          </span>
        )}
      </div>
    </form>
  );
}

function CsvImport({ onImported }: { onImported: () => void }) {
  const [text, setText] = useState('');
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string; issues: string[] } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const onFile = async (e: Event): Promise<void> => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (f !== undefined) setText(await f.text());
  };
  const run = async (): Promise<void> => {
    setBusy(true);
    setMsg(undefined);
    try {
      const r = await postText<Record<string, unknown>>('/observations/import', text, 'text/csv');
      const n = (k: string): string => (typeof r[k] === 'number' ? String(r[k]) : '');
      const parts = [n('added') && `${n('added')} added`, n('duplicates') && `${n('duplicates')} already there`, n('skipped') && `${n('skipped')} skipped`].filter((x) => x !== '');
      setMsg({ kind: 'ok', text: `Imported${parts.length > 0 ? `: ${parts.join(', ')}` : ''}.`, issues: [] });
      onImported();
    } catch (err) {
      if (err instanceof ApiError) setMsg({ kind: 'error', text: err.message, issues: err.issues.map((i) => `${i.line !== undefined ? `line ${i.line}: ` : ''}${i.path !== '' ? `${i.path}: ` : ''}${i.message}`) });
      else setMsg({ kind: 'error', text: err instanceof Error ? err.message : String(err), issues: [] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="csv" data-testid="csv-import">
      <summary>Import observations from CSV</summary>
      <p class="muted">
        Columns: signal, scope, date, value, unit, source (and optionally url, note, supersedes, and the scope: operator, accelerator, basis — required for money per MW — and facilityShare). Rows already stored are skipped.
      </p>
      <label>
        CSV file <input type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e)} data-testid="csv-file" />
      </label>
      <label class="sr" for="csv-text">
        CSV text
      </label>
      <textarea id="csv-text" rows={6} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} placeholder="signal,scope,date,value,unit,source" style={{ width: '100%', fontFamily: 'var(--mono)' }} data-testid="csv-text" />
      <div class="toolbar">
        <button type="button" onClick={() => void run()} disabled={busy || text.trim() === ''} data-testid="csv-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
        {msg !== undefined && (
          <span class={`status ${msg.kind}`} data-testid="csv-message">
            {msg.text}
          </span>
        )}
      </div>
      {msg !== undefined && msg.issues.length > 0 && (
        <ul class="issues">
          {msg.issues.map((i, k) => (
            <li key={k}>{i}</li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** The nowcast: its sentence, the waterfall from npv of the base case to npv now, and the table of what was placed. */
function NowcastView({ n }: { n: Nowcast }) {
  const option = useMemo(() => nowcastWaterfallOption(n), [n]);
  const rows = nowcastRows(n);
  return (
    <>
      <p data-testid="nowcast-summary">{n.summary}</p>
      {n.attribution.length > 0 && <Chart option={option} height={Math.max(260, 150 + 34 * (n.attribution.length + 2))} testid="chart-nowcast" />}
      <div class="table-wrap">
        <table data-testid="nowcast-table">
          <thead>
            <tr>
              <th scope="col" class="text">
                Signal
              </th>
              <th scope="col" class="text">
                Input
              </th>
              <th scope="col" class="text">
                Assumption → evidence
              </th>
              <th scope="col">Δ npv (Shapley)</th>
              <th scope="col">Running npv</th>
              <th scope="col" class="text">
                Evidence
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j} class={j === 3 || j === 4 ? '' : 'text'}>
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {n.notPlaced.length > 0 && (
        <details>
          <summary>Not placed ({n.notPlaced.length})</summary>
          <ul class="muted">
            {n.notPlaced.map((x) => (
              <li key={x.signal}>
                {x.signal}: {x.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

/** The watch list: the signals ranked by value of information, with the reasons of the first rows. */
function WatchList({ cal }: { cal: Calendar }) {
  const next = (l: CalendarLine): string => {
    const c = l.cells[0];
    const f = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : l.compare === 'growth' ? pct(x, 1) : formatSignal(l.unit, x));
    return c === undefined ? '—' : c.needed !== null ? `needs ${f(c.needed)}` : f(c.tripwire);
  };
  return (
    <>
      <p class="muted" data-testid="watch-verdict">
        {cal.verdict.text} Ranked by value of information: how much npv swings across each signal's uncertainty (the p5–p95 of its input in the distributions the Monte Carlo samples).
      </p>
      <div class="table-wrap">
        <table data-testid="watch-list">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col" class="text">
                Signal
              </th>
              <th scope="col">NPV swing</th>
              <th scope="col" class="text">
                Across (p5–p95)
              </th>
              <th scope="col">{cal.verdict.meets === false ? 'Tripwire / needed' : 'Tripwire'}</th>
              <th scope="col" class="text">
                Why watch
              </th>
            </tr>
          </thead>
          <tbody>
            {cal.lines.map((l) => (
              <tr key={`${l.signal}:${l.segment ?? ''}`} data-testid={`watch-${l.watch.rank}`}>
                <td>{l.watch.rank}</td>
                <th scope="row" class="text">
                  {lineName(l)}
                </th>
                <td>{l.watch.voi === null ? '—' : formatSignal('$/MW', l.watch.voi)}</td>
                <td class="text">{watchRange(l)}</td>
                <td>{next(l)}</td>
                <td class="text why">{l.watch.rank <= WATCH_REASONS ? l.watch.reason : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function CalendarTable({ cal }: { cal: Calendar }) {
  return (
    <>
      <p class="muted">What each signal should show quarter by quarter if the scenario holds, and its tripwire (in brackets; for a base case that misses npv ≥ 0, what it would need). The quarters within the next 12 months are in full colour.</p>
      <div class="table-wrap">
        <table data-testid="calendar">
          <thead>
            <tr>
              <th scope="col">Signal</th>
              {cal.quarters.map((q, i) => (
                <th scope="col" key={i}>
                  {q.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cal.lines.map((l) => (
              <tr key={`${l.signal}:${l.segment ?? ''}`}>
                <th scope="row" class="text">
                  {l.watch.rank}. {l.label}
                  {l.segment !== null && <span class="muted"> · {l.segment}</span>}
                </th>
                {l.cells.map((c) => {
                  const f = (x: number | null): string => (l.compare === 'growth' ? pct(x, 1) : formatSignal(l.unit, x));
                  return (
                    <td key={c.quarter} class={c.within12Months ? '' : 'muted'}>
                      {f(c.expected)}
                      {c.tripwire !== null && <span class="muted"> ({f(c.tripwire)})</span>}
                      {c.needed !== null && <span class="muted"> (needs {f(c.needed)})</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cal.notLinked.length > 0 && <p class="muted">Not linked to this scenario: {cal.notLinked.map((n) => DEFINITIONS.find((d) => d.id === n.signal)?.label ?? n.signal).join(', ')}.</p>}
    </>
  );
}
