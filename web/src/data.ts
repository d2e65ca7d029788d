/**
 * The scenarios the dashboard knows: the built-in ones, bundled as text so the
 * dashboard works at once, and those saved through the API, fetched when the
 * server answers. The catalog is bundled too.
 */
import { useEffect, useState } from 'preact/hooks';
import catalogText from '../../data/catalog/accelerators.yaml?raw';
import { loadScenarioText, parseCatalogText, type ResolveResult } from '../../src/model/load.ts';
import type { Catalog } from '../../src/model/schema.ts';
import { getScenario, listScenarios, type ScenarioListItem } from './api.ts';
import { setServerOnline } from './server-status.ts';

const builtinTexts = import.meta.glob('../../data/scenarios/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

/** The order the archetypes are shown in. */
export const ARCHETYPE_ORDER = ['hyperscaler-base', 'frontier-lab-base', 'neocloud-base', 'private-ai-factory-base'];

export const BUILTIN_TEXT: Record<string, string> = Object.fromEntries(
  Object.entries(builtinTexts).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.yaml$/, ''), text]),
);

export const BUILTIN_IDS: string[] = Object.keys(BUILTIN_TEXT).sort(
  (a, b) => (ARCHETYPE_ORDER.indexOf(a) + 1 || 99) - (ARCHETYPE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
);

export const DEFAULT_SCENARIO = BUILTIN_IDS[0] ?? 'hyperscaler-base';

const catalogResult = parseCatalogText(catalogText, { file: 'data/catalog/accelerators.yaml' });
if (!catalogResult.ok) throw new Error('the bundled accelerator catalog does not parse');
export const CATALOG: Catalog = catalogResult.catalog;

export interface ScenarioEntry {
  id: string;
  name: string;
  operator: string;
  builtin: boolean;
  version: number | null;
  /** The YAML, once known (built-ins at once, saved ones when fetched). */
  text?: string;
}

const parsedCache = new Map<string, ResolveResult>();

/** Load a scenario text against the bundled catalog (cached by text). */
export function loadText(text: string, file?: string): ResolveResult {
  const key = `${file ?? ''}\u0000${text}`;
  let r = parsedCache.get(key);
  if (r === undefined) {
    r = loadScenarioText(text, CATALOG, file !== undefined ? { file } : {});
    if (parsedCache.size > 64) parsedCache.clear();
    parsedCache.set(key, r);
  }
  return r;
}

function builtinEntry(id: string): ScenarioEntry {
  const text = BUILTIN_TEXT[id] as string;
  const r = loadText(text);
  return {
    id,
    name: r.ok ? (r.scenario.name ?? id) : id,
    operator: r.ok ? r.scenario.operator : 'custom',
    builtin: true,
    version: null,
    text,
  };
}

type Listener = () => void;

/** The library of scenarios: built-ins at once, the API's list when it answers. */
class Library {
  entries: ScenarioEntry[] = BUILTIN_IDS.map(builtinEntry);
  /** null: not asked yet; true/false: whether the API answered. */
  apiOnline: boolean | null = null;
  private listeners = new Set<Listener>();
  private fetching = new Map<string, Promise<ScenarioEntry>>();

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  private emit(): void {
    this.entries = [...this.entries];
    for (const l of this.listeners) l();
  }

  get(id: string): ScenarioEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  async refresh(): Promise<void> {
    let list: ScenarioListItem[];
    try {
      list = await listScenarios();
    } catch {
      this.apiOnline = false;
      setServerOnline(false);
      this.emit();
      return;
    }
    this.apiOnline = true;
    setServerOnline(true);
    const next = BUILTIN_IDS.map((id) => this.get(id) ?? builtinEntry(id));
    for (const item of list) {
      const old = this.get(item.id);
      const bundled = BUILTIN_TEXT[item.id];
      // An unedited built-in (version 0) is the bundled text; a saved version of its id supersedes it.
      const text = item.builtin && item.version === 0 && bundled !== undefined ? bundled : old?.version === item.version ? old.text : undefined;
      const entry: ScenarioEntry = {
        id: item.id,
        name: item.name ?? old?.name ?? item.id,
        operator: item.operator ?? old?.operator ?? 'custom',
        builtin: item.builtin,
        version: item.version,
        ...(text !== undefined && { text }),
      };
      const i = next.findIndex((e) => e.id === item.id);
      if (i >= 0) next[i] = entry;
      else next.push(entry);
    }
    this.entries = next;
    this.emit();
  }

  /** The entry with its text, fetching it from the API when needed. */
  async withText(id: string): Promise<ScenarioEntry> {
    const e = this.get(id);
    if (e?.text !== undefined) return e;
    let p = this.fetching.get(id);
    if (p === undefined) {
      p = getScenario(id).then((s) => {
        const entry = this.get(id) ?? { id, name: id, operator: 'custom', builtin: false, version: s.version };
        entry.text = s.yaml;
        entry.version = s.version;
        if (this.get(id) === undefined) this.entries.push(entry);
        this.fetching.delete(id);
        this.emit();
        return entry;
      });
      p.catch(() => this.fetching.delete(id));
      this.fetching.set(id, p);
    }
    return p;
  }

  /** Forget a scenario's fetched text so the next read fetches its newest version. */
  invalidate(id: string): void {
    const e = this.get(id);
    if (e !== undefined && !(e.builtin && e.version === 0)) delete e.text;
  }
}

export const library = new Library();

export function useLibrary(): Library {
  const [, setTick] = useState(0);
  useEffect(() => library.subscribe(() => setTick((t) => t + 1)), []);
  return library;
}

/** The text of a scenario, or undefined while it is being fetched; `error` when that failed. */
export function useScenarioText(id: string): { text: string | undefined; error: string | undefined } {
  const lib = useLibrary();
  const [error, setError] = useState<string | undefined>(undefined);
  const entry = lib.get(id);
  useEffect(() => {
    setError(undefined);
    if (entry?.text !== undefined) return;
    if (entry === undefined && lib.apiOnline === false) {
      setError(`no scenario "${id}" here (the server is not answering)`);
      return;
    }
    lib.withText(id).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [id, entry?.text === undefined, lib.apiOnline]);
  return { text: entry?.text, error };
}
