/** The frame of a page about one scenario: heading, picker, slider note, loading and error states. */
import type { ComponentChildren } from 'preact';
import type { ResolvedScenario } from '../../../src/model/load.ts';
import type { Page } from '../route.ts';
import type { ScenarioState } from '../scenario-state.ts';
import { OverridesNote, ScenarioPicker, Status } from './common.tsx';

export function ScenarioPage({
  title,
  lead,
  st,
  page,
  children,
  extra,
}: {
  title: string;
  lead: string;
  st: ScenarioState;
  page: Page;
  children: (scenario: ResolvedScenario) => ComponentChildren;
  extra?: ComponentChildren;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{title}</h1>
        <ScenarioPicker id={st.id} />
        {extra}
        <p class="lead">{lead}</p>
      </div>
      {st.error !== undefined && <Status kind="error">{st.error}</Status>}
      {st.loading && <Status>Loading the scenario…</Status>}
      {st.draft !== undefined && st.base !== undefined && <p class="note">Using the edited (unsaved) YAML of this scenario.</p>}
      <OverridesNote sliders={st.sliders} values={st.values} page={page} />
      {st.scenario !== undefined && children(st.scenario)}
    </>
  );
}

/** Run an analysis; a thrown error becomes a message instead of a blank page. */
export function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
