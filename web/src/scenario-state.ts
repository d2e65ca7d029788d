/**
 * The scenario a page works on: its text (a saved or built-in one, or the
 * unsaved draft from the YAML editor), the resolved scenario, the sliders
 * and their values from the URL, and the scenario with those values set.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Issue } from '../../src/model/issues.ts';
import type { ResolvedScenario } from '../../src/model/load.ts';
import { DEFAULT_SCENARIO, loadText, useScenarioText } from './data.ts';
import { applyOverrides, overridesFrom, slidersFor, type Slider } from './drivers.ts';

const DRAFT_KEY = 'payback-drafts';

function readDrafts(): Map<string, string> {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    if (raw !== null) return new Map(Object.entries(JSON.parse(raw) as Record<string, string>));
  } catch {
    /* no storage */
  }
  return new Map();
}

const drafts = readDrafts();
const draftListeners = new Set<() => void>();

/** The unsaved editor text of a scenario, if any. */
export function draftOf(id: string): string | undefined {
  return drafts.get(id);
}

export function setDraft(id: string, text: string | undefined): void {
  if (text === undefined) drafts.delete(id);
  else drafts.set(id, text);
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(Object.fromEntries(drafts)));
  } catch {
    /* no storage */
  }
  for (const l of draftListeners) l();
}

export function useDraft(id: string): string | undefined {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = (): void => setTick((t) => t + 1);
    draftListeners.add(l);
    return () => {
      draftListeners.delete(l);
    };
  }, []);
  return drafts.get(id);
}

export interface ScenarioState {
  id: string;
  /** the text the page works on: the draft when there is a valid one, else the stored text */
  text: string | undefined;
  /** the stored (saved or built-in) text */
  storedText: string | undefined;
  draft: string | undefined;
  loading: boolean;
  error: string | undefined;
  /** issues of the stored text or the draft (errors first) */
  issues: Issue[];
  base: ResolvedScenario | undefined;
  sliders: Slider[];
  values: Map<string, number>;
  scenario: ResolvedScenario | undefined;
}

/** The scenario named by the route's `s`, with the draft and the slider values. */
export function useScenarioState(params: Record<string, string>): ScenarioState {
  const id = params['s'] ?? DEFAULT_SCENARIO;
  const { text: storedText, error } = useScenarioText(id);
  const draft = useDraft(id);
  const draftResult = useMemo(() => (draft === undefined ? undefined : loadText(draft)), [draft]);
  const storedResult = useMemo(() => (storedText === undefined ? undefined : loadText(storedText)), [storedText]);
  // An invalid draft keeps the last valid scenario on screen: the stored one.
  const useDraftText = draftResult?.ok === true;
  const result = useDraftText ? draftResult : storedResult;
  const base = result?.ok === true ? result.scenario : undefined;
  const sliders = useMemo(() => (base === undefined ? [] : slidersFor(base)), [base]);
  const sliderParams = sliders.map((s) => params[s.key] ?? '').join('|');
  const values = useMemo(() => overridesFrom(sliders, params), [sliders, sliderParams]);
  const scenario = useMemo(() => (base === undefined ? undefined : applyOverrides(base, sliders, values)), [base, sliders, values]);
  const issues = useMemo(() => {
    const r = draftResult ?? storedResult;
    return r === undefined ? [] : [...(r.ok ? [] : r.issues), ...r.warnings];
  }, [draftResult, storedResult]);
  return {
    id,
    text: useDraftText ? draft : storedText,
    storedText,
    draft,
    loading: storedText === undefined && error === undefined,
    error: error ?? (storedResult !== undefined && !storedResult.ok && base === undefined ? 'the stored scenario does not load (see its issues)' : undefined),
    issues,
    base,
    sliders,
    values,
    scenario,
  };
}
