/**
 * The scenarios the server knows: the built-ins shipped in `data/scenarios/`
 * (version 0, read-only) and the versions saved in the store (1, 2, …). A saved
 * version of a built-in's id supersedes the shipped text, so "edit and save"
 * works on a built-in too; `?version=0` still gives the shipped one.
 *
 * A request names its scenario one of three ways: `{ id, version? }`,
 * `{ yaml }` (YAML or JSON text, issues with line and column), or
 * `{ scenario }` (a parsed object, issues with paths only).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archetypeBaseCases, builtinScenarioIds, builtinsInArchetypeOrder, dataDir } from '../io/files.ts';
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import { loadCheckedScenarioText, resolveCheckedScenario } from '../analysis/scenario-checks.ts';
import { parseScenarioText, type ResolvedScenario, type ResolveResult } from '../model/load.ts';
import type { Catalog } from '../model/schema.ts';
import type { ObservationStore } from '../store/types.ts';
import { badInput, badRequest, HttpError, notFound } from './http.ts';

/** One row of `GET /api/scenarios`. */
export interface ScenarioListItem {
  id: string;
  name: string;
  operator: string;
  /** shipped with the package (`data/scenarios/`) */
  builtin: boolean;
  /** the latest version: 0 for an unedited built-in, else the last saved one */
  version: number;
}

/** One version of a scenario, without its text. */
export interface ScenarioVersion {
  version: number;
  /** when it was saved; null for the shipped built-in (version 0) */
  savedAt: string | null;
  /** sha256 of the text, hex; null for the shipped built-in */
  hash: string | null;
  builtin: boolean;
}

/** A scenario's text and its resolution. */
export interface ScenarioDocument {
  id: string;
  version: number;
  builtin: boolean;
  yaml: string;
  scenario: ResolvedScenario;
  warnings: Issue[];
}

/** How a request names its scenario (the fields every analysis body shares). */
export interface ScenarioRef {
  id?: string | undefined;
  version?: number | undefined;
  yaml?: string | undefined;
  scenario?: unknown;
}

/** A scenario ready for an analysis, with where it came from. */
export interface LoadedScenario {
  scenario: ResolvedScenario;
  warnings: Issue[];
  /** id and version when it came from the library; null for inline text or objects */
  id: string | null;
  version: number | null;
  /** the text it was read from, when it came as text */
  text: string | null;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const EXTENSIONS = ['.yaml', '.yml', '.json'];

export { archetypeBaseCases, builtinsInArchetypeOrder };

/** How the library loads texts and checks what it loaded; the server gives it the worker pool and the budget. */
export interface LibraryOptions {
  /** load a large text or value off this thread (a worker); default: here */
  offload?: ((job: { text?: string; value?: unknown; file?: string; at: string; check: boolean }) => Promise<ResolveResult>) | undefined;
  /** refuse a scenario too large to evaluate (throws); `at` is where the request named it */
  check?: ((scenario: ResolvedScenario, at: string) => void) | undefined;
}

/** Texts up to this many characters are parsed here; a longer one off this thread (YAML parses at well under 1 MB/s). */
export const INLINE_TEXT_CHARS = 8_000;
/** Parsed values with up to this many nodes are resolved here. */
export const INLINE_VALUE_NODES = 2_000;
/** How many loaded texts are remembered (the built-ins and the scenarios in use): a hit is a copy, not a parse. */
const LOADED_CACHE = 64;
/** Only texts up to this size are remembered (64 of them hold a few MB at most). */
const CACHED_TEXT_CHARS = 64_000;

/** More than `limit` nodes (objects, arrays, values) in a parsed value? Stops counting at the limit. */
function moreNodesThan(value: unknown, limit: number): boolean {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > limit) return true;
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/** Freeze a value and everything in it. */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const x of Object.values(v)) stack.push(x);
  }
  return value;
}

/** Where the server keeps and finds scenarios. */
export class ScenarioLibrary {
  private readonly builtinText = new Map<string, string>();
  private readonly loaded = new Map<string, ResolveResult>();
  private readonly heads = new Map<string, { name: string; operator: string }>();

  constructor(
    private readonly catalog: Catalog,
    private readonly store: ObservationStore | undefined,
    private readonly opts: LibraryOptions = {},
  ) {}

  /** Check a text (`POST /api/validate`): every issue, whether or not this server would evaluate it. */
  async validate(text: string): Promise<ResolveResult> {
    return this.loadText(text, undefined, '', false);
  }

  /** Load a scenario text: a large one off this thread, a known one from the cache (`remember`). */
  private async loadText(text: string, file?: string, at = '', check = true, readOnly = false): Promise<ResolveResult> {
    const load = async (): Promise<ResolveResult> => {
      const job = { text, at, check, ...(file !== undefined && { file }) };
      return this.opts.offload !== undefined && text.length > INLINE_TEXT_CHARS ? this.opts.offload(job) : loadCheckedScenarioText(text, this.catalog, file === undefined ? {} : { file });
    };
    return text.length <= CACHED_TEXT_CHARS ? this.remember(`${file ?? ''}\u0000${text}`, readOnly, load) : load();
  }

  /**
   * A loaded scenario by its key (its text, or its value as JSON), loaded once
   * while it is among the last `LOADED_CACHE` asked for. Kept frozen: a caller
   * that only reads shares it; any other gets its own copy.
   */
  private async remember(key: string, readOnly: boolean, load: () => Promise<ResolveResult>): Promise<ResolveResult> {
    const hit = this.loaded.get(key);
    if (hit !== undefined) {
      this.loaded.delete(key);
      this.loaded.set(key, hit);
      return readOnly ? hit : structuredClone(hit);
    }
    const r = await load();
    this.loaded.set(key, deepFreeze(structuredClone(r)));
    if (this.loaded.size > LOADED_CACHE) this.loaded.delete(this.loaded.keys().next().value as string);
    return r;
  }

  /** Resolve a parsed value: a large one off this thread, a small one once (remembered by its JSON, as a text is). */
  private async loadValue(value: unknown, at: string, readOnly = false): Promise<ResolveResult> {
    if (this.opts.offload !== undefined && moreNodesThan(value, INLINE_VALUE_NODES)) return this.opts.offload({ value, at, check: true });
    const load = async (): Promise<ResolveResult> => resolveCheckedScenario(value, this.catalog);
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      // not JSON (a cycle, a BigInt): resolved without remembering
    }
    return json !== undefined && json.length <= CACHED_TEXT_CHARS ? this.remember(`\u0001${json}`, readOnly, load) : load();
  }

  /** The name and operator of a text, for the list (remembered: the list reads every saved scenario). */
  private head(id: string, text: string): { name: string; operator: string } {
    const key = `${id}\u0000${text}`;
    let h = this.heads.get(key);
    if (h === undefined) {
      const raw = text.length > INLINE_TEXT_CHARS * 8 ? null : parseScenarioText(text).value;
      const rec = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
      h = { name: typeof rec['name'] === 'string' ? rec['name'] : id, operator: typeof rec['operator'] === 'string' ? rec['operator'] : 'custom' };
      this.heads.set(key, h);
      if (this.heads.size > 4 * LOADED_CACHE) this.heads.delete(this.heads.keys().next().value as string);
    }
    return h;
  }

  /** The shipped text of a built-in, or undefined. */
  async builtin(id: string): Promise<string | undefined> {
    if (!ID.test(id)) return undefined;
    const cached = this.builtinText.get(id);
    if (cached !== undefined) return cached;
    for (const ext of EXTENSIONS) {
      try {
        const text = await readFile(join(dataDir(), 'scenarios', `${id}${ext}`), 'utf8');
        this.builtinText.set(id, text);
        return text;
      } catch {
        // try the next extension
      }
    }
    return undefined;
  }

  private requireStore(): ObservationStore {
    if (this.store === undefined) throw new HttpError(503, 'this server has no store: saving needs one (payback serve --db PATH)');
    return this.store;
  }

  /** Ids of saved scenarios. */
  private async savedIds(): Promise<string[]> {
    if (this.store === undefined) return [];
    return (await this.store.listScenarios()).map((r) => r.id);
  }

  /** Built-ins (archetype order) then saved scenarios (by id), each at its latest version. */
  async list(): Promise<ScenarioListItem[]> {
    const builtins = builtinsInArchetypeOrder();
    const saved = (await this.savedIds()).filter((id) => !builtins.includes(id)).sort();
    const out: ScenarioListItem[] = [];
    for (const id of [...builtins, ...saved]) {
      const latest = this.store === undefined ? undefined : await this.store.getScenario(id);
      const text = latest?.yaml ?? (await this.builtin(id));
      if (text === undefined) continue;
      out.push({
        id,
        ...this.head(id, text),
        builtin: builtins.includes(id),
        version: latest?.version ?? 0,
      });
    }
    return out;
  }

  /** Every version of a scenario, oldest first; 404 when there is none. */
  async versions(id: string): Promise<ScenarioVersion[]> {
    const out: ScenarioVersion[] = [];
    if ((await this.builtin(id)) !== undefined) out.push({ version: 0, savedAt: null, hash: null, builtin: true });
    if (this.store !== undefined && ID.test(id)) {
      for (const v of await this.store.scenarioVersions(id)) out.push({ version: v.version, savedAt: v.savedAt, hash: v.hash, builtin: false });
    }
    if (out.length === 0) throw await this.notFound(id);
    return out;
  }

  /** The text of a scenario at a version (latest when omitted); 404 when there is none. */
  async text(id: string, version?: number): Promise<{ id: string; version: number; builtin: boolean; yaml: string }> {
    const builtinText = await this.builtin(id);
    const builtin = builtinText !== undefined;
    if (version === 0) {
      if (builtinText === undefined) throw await this.notFound(id, version);
      return { id, version: 0, builtin, yaml: builtinText };
    }
    const saved = this.store === undefined || !ID.test(id) ? undefined : await this.store.getScenario(id, version);
    if (saved !== undefined) return { id, version: saved.version, builtin, yaml: saved.yaml };
    if (version === undefined && builtinText !== undefined) return { id, version: 0, builtin, yaml: builtinText };
    throw await this.notFound(id, version);
  }

  /** A scenario's text and resolution; a stored text that no longer resolves is a 400 with its issues. */
  async get(id: string, version?: number, readOnly = false): Promise<ScenarioDocument> {
    const t = await this.text(id, version);
    const file = t.version === 0 ? `data/scenarios/${id}` : `${id} v${t.version}`;
    const r = await this.loadText(t.yaml, file, '', true, readOnly);
    if (!r.ok) throw badRequest('invalid scenario', r.issues);
    return { ...t, scenario: r.scenario, warnings: r.warnings };
  }

  /**
   * Validate a scenario text and save it as a new version of its `id` (the
   * store keeps one version per distinct text). `created` is false when the
   * text is the latest version already.
   */
  async save(yaml: string): Promise<{ id: string; version: number; created: boolean; warnings: Issue[] }> {
    const store = this.requireStore();
    const r = await this.loadText(yaml);
    if (!r.ok) throw badRequest('invalid scenario', r.issues);
    const id = r.scenario.id;
    const before = await store.getScenario(id);
    const saved = await store.saveScenario(id, yaml);
    return { id, version: saved.version, created: before?.version !== saved.version, warnings: r.warnings };
  }

  /**
   * The scenario a request names: by id (and version), by text, or as an
   * object. `readOnly`: the caller never changes it, so a remembered scenario
   * is given as it is (frozen), not copied.
   */
  async load(ref: ScenarioRef, at = '', opts: { readOnly?: boolean } = {}): Promise<LoadedScenario> {
    const readOnly = opts.readOnly === true;
    const given = (['id', 'yaml', 'scenario'] as const).filter((k) => ref[k] !== undefined);
    const prefix = at === '' ? '' : `${at}.`;
    if (given.length !== 1) {
      throw badInput(
        at,
        given.length === 0
          ? 'name a scenario: give one of id (a built-in or saved scenario), yaml (its text) or scenario (an object)'
          : `give only one of id, yaml or scenario, got ${given.join(' and ')}`,
        'scenario_ref',
      );
    }
    if (ref.version !== undefined && ref.id === undefined) throw badInput(`${prefix}version`, 'version goes with id', 'scenario_ref');
    let loaded: LoadedScenario;
    if (ref.id !== undefined) {
      const d = await this.get(ref.id, ref.version, readOnly);
      loaded = { scenario: d.scenario, warnings: d.warnings, id: d.id, version: d.version, text: d.yaml };
    } else if (ref.yaml !== undefined) {
      const r = await this.loadText(ref.yaml, undefined, at, true, readOnly);
      if (!r.ok) throw badRequest('invalid scenario', r.issues);
      loaded = { scenario: r.scenario, warnings: r.warnings, id: null, version: null, text: ref.yaml };
    } else {
      const r = await this.loadValue(ref.scenario, at, readOnly);
      if (!r.ok) throw badRequest('invalid scenario', r.issues);
      loaded = { scenario: r.scenario, warnings: r.warnings, id: null, version: null, text: null };
    }
    // a scenario too large for this server is refused before any route evaluates it
    this.opts.check?.(loaded.scenario, at);
    return loaded;
  }

  private async notFound(id: string, version?: number): Promise<HttpError> {
    const known = [...builtinScenarioIds(), ...(await this.savedIds())];
    const what = version === undefined ? `no scenario "${id}"` : `no version ${version} of scenario "${id}"`;
    return notFound(what, [{ path: 'id', message: `${what}${didYouMeanSuffix(id, known)}`, code: 'not_found' }]);
  }
}
