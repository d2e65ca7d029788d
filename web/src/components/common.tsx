/** Small shared pieces: the scenario picker, the "changed by sliders" note, status messages, KPI tiles. */
import type { ComponentChildren } from 'preact';
import { useLibrary } from '../data.ts';
import { isSliderKey, type Slider } from '../drivers.ts';
import { currentRoute, navigate, PAGE_TITLES, pageHref, type Page } from '../route.ts';
import { useDraft } from '../scenario-state.ts';

export function ScenarioPicker({ id, label = 'Scenario' }: { id: string; label?: string }) {
  const lib = useLibrary();
  const draft = useDraft(id);
  const builtins = lib.entries.filter((e) => e.builtin);
  const saved = lib.entries.filter((e) => !e.builtin);
  const known = lib.get(id) !== undefined;
  const onChange = (e: Event): void => {
    const next = (e.currentTarget as HTMLSelectElement).value;
    const r = currentRoute();
    const params = Object.fromEntries(Object.entries(r.params).filter(([k]) => !isSliderKey(k)));
    navigate({ page: r.page, params: { ...params, s: next } }, { push: true });
  };
  const name = (e: { id: string; name: string; version: number | null; builtin: boolean }): string =>
    `${e.name}${e.version !== null && e.version > 0 ? ` (v${e.version})` : ''}`;
  return (
    <label class="picker">
      <span>{label}</span>
      <select value={id} onChange={onChange} data-testid="scenario-picker">
        {!known && <option value={id}>{id}</option>}
        <optgroup label="Built-in archetypes">
          {builtins.map((e) => (
            <option value={e.id} key={e.id}>
              {name(e)}
            </option>
          ))}
        </optgroup>
        {saved.length > 0 && (
          <optgroup label="Saved">
            {saved.map((e) => (
              <option value={e.id} key={e.id}>
                {name(e)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {draft !== undefined && <span class="badge warn" title="The YAML editor holds unsaved changes">edited</span>}
    </label>
  );
}

/** A note when the sliders move the scenario away from its file, with a reset. */
export function OverridesNote({ sliders, values, page }: { sliders: readonly Slider[]; values: ReadonlyMap<string, number>; page: Page }) {
  if (values.size === 0) return null;
  const changed = sliders.filter((s) => values.has(s.key));
  const reset = (): void => {
    const r = currentRoute();
    const params = Object.fromEntries(Object.entries(r.params).filter(([k]) => !isSliderKey(k)));
    navigate({ page: r.page, params }, { push: true });
  };
  return (
    <p class="note" data-testid="overrides-note">
      With slider values from{' '}
      <a href={pageHref('explore', currentRoute().params)}>{page === 'explore' ? 'below' : PAGE_TITLES.explore}</a>:{' '}
      {changed.map((s, i) => (
        <span key={s.key}>
          {i > 0 && ', '}
          {s.label} {s.format(values.get(s.key) as number)} <span class="muted">(file {s.format(s.base)})</span>
        </span>
      ))}
      .{' '}
      <button type="button" class="link" onClick={reset}>
        Reset to the file
      </button>
    </p>
  );
}

export function Status({ kind = 'info', children, testid }: { kind?: 'info' | 'error' | 'ok'; children: ComponentChildren; testid?: string }) {
  return (
    <p class={`status ${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testid}>
      {children}
    </p>
  );
}

export function Kpi({ label, value, sub, testid, tone }: { label: string; value: string; sub?: string | undefined; testid?: string; tone?: 'good' | 'bad' | undefined }) {
  return (
    <div class={`kpi ${tone ?? ''}`}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value" data-testid={testid}>
        {value}
      </div>
      {sub !== undefined && <div class="kpi-sub">{sub}</div>}
    </div>
  );
}

export function Section({ title, children, id, actions }: { title: string; children: ComponentChildren; id?: string; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id !== undefined ? `${id}-h` : undefined} id={id}>
      <div class="card-head">
        <h2 id={id !== undefined ? `${id}-h` : undefined}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
