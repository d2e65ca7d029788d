/**
 * The portfolios the server knows (MODEL.md §8): the built-ins shipped in
 * `data/portfolios/`, or one given in a request as text or as an object. A
 * vintage names a built-in or saved scenario by id, or gives it inline — over
 * the API never a path to a file on the server (400, at the vintage).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCheckedPortfolioText, resolveCheckedPortfolio } from '../analysis/portfolio-checks.ts';
import { dataDir } from '../io/files.ts';
import { builtinPortfolioIds } from '../io/portfolio-files.ts';
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import type { ResolvedScenario } from '../model/load.ts';
import { parseScenarioText } from '../model/load.ts';
import type { Portfolio, PortfolioResolveResult, TemplateResult } from '../model/portfolio-load.ts';
import type { Catalog } from '../model/schema.ts';
import { badInput, badRequest, HttpError, notFound } from './http.ts';
import type { ScenarioLibrary } from './scenarios.ts';

/** How a request names its portfolio: a built-in by `id`, its `yaml` text, or the `portfolio` object. */
export interface PortfolioRef {
  id?: string | undefined;
  yaml?: string | undefined;
  portfolio?: unknown;
}

/** A portfolio ready for an analysis. */
export interface LoadedPortfolio {
  portfolio: Portfolio;
  warnings: Issue[];
  /** the built-in id it came from, or null */
  id: string | null;
}

/** One row of `GET /api/portfolios`. */
export interface PortfolioListItem {
  id: string;
  name: string;
  description: string | null;
  /** vintages in the file (its list and its program) */
  vintages: number;
  startYear: number;
  years: number;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The names of scenarios a raw portfolio gives by string (its vintages' and its program's). */
function templateNames(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const out = new Set<string>();
  if (Array.isArray(raw['vintages'])) for (const v of raw['vintages']) if (isRecord(v) && typeof v['scenario'] === 'string') out.add(v['scenario']);
  if (isRecord(raw['program']) && typeof raw['program']['template'] === 'string') out.add(raw['program']['template']);
  return [...out];
}

export class PortfolioLibrary {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly catalog: Catalog,
    private readonly scenarios: ScenarioLibrary,
  ) {}

  /** The shipped text of a built-in portfolio, or undefined. */
  async builtin(id: string): Promise<string | undefined> {
    if (!ID.test(id)) return undefined;
    const hit = this.texts.get(id);
    if (hit !== undefined) return hit;
    for (const ext of ['.yaml', '.yml', '.json']) {
      try {
        const text = await readFile(join(dataDir(), 'portfolios', `${id}${ext}`), 'utf8');
        this.texts.set(id, text);
        return text;
      } catch {
        // the next extension
      }
    }
    return undefined;
  }

  /** The built-in portfolios, by id. */
  async list(): Promise<PortfolioListItem[]> {
    const out: PortfolioListItem[] = [];
    for (const id of builtinPortfolioIds()) {
      const text = await this.builtin(id);
      if (text === undefined) continue;
      const raw = parseScenarioText(text).value;
      const r = isRecord(raw) ? raw : {};
      const program = isRecord(r['program']) ? r['program'] : undefined;
      const listed = Array.isArray(r['vintages']) ? r['vintages'].length : 0;
      const programmed = program !== undefined && typeof program['from'] === 'number' && typeof program['to'] === 'number' ? program['to'] - program['from'] + 1 : 0;
      out.push({
        id,
        name: typeof r['name'] === 'string' ? r['name'] : id,
        description: typeof r['description'] === 'string' ? r['description'] : null,
        vintages: listed + programmed,
        startYear: typeof r['startYear'] === 'number' ? r['startYear'] : 0,
        years: typeof r['years'] === 'number' ? r['years'] : 0,
      });
    }
    return out;
  }

  /**
   * The scenarios a portfolio names by id, loaded beforehand (the loader is
   * synchronous): a built-in or saved scenario; a path is refused.
   */
  private async templates(raw: unknown): Promise<Map<string, TemplateResult>> {
    const out = new Map<string, TemplateResult>();
    for (const name of templateNames(raw)) {
      if (!ID.test(name)) {
        out.set(name, {
          ok: false,
          issues: [{ path: '', message: `"${name}" is a path: over the API a vintage names a built-in or saved scenario by id, or gives it inline (scenario: { … }), never a file on the server`, code: 'path_not_allowed' }],
        });
        continue;
      }
      try {
        const d = await this.scenarios.get(name);
        out.set(name, { ok: true, scenario: d.scenario as ResolvedScenario, warnings: d.warnings, name });
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        const issues: Issue[] = (e.issues ?? [{ path: '', message: e.message }]).map((i) => ({ ...i, path: '', code: e.status === 404 ? 'not_found' : (i.code ?? 'invalid') }));
        out.set(name, { ok: false, issues });
      }
    }
    return out;
  }

  /** The portfolio a request names; bad input is a 400 with every issue (404 for an unknown built-in id). */
  async load(ref: PortfolioRef): Promise<LoadedPortfolio> {
    const given = (['id', 'yaml', 'portfolio'] as const).filter((k) => ref[k] !== undefined);
    if (given.length !== 1) {
      throw badInput('', given.length === 0 ? 'name a portfolio: give one of id (a built-in), yaml (its text) or portfolio (an object)' : `give only one of id, yaml or portfolio, got ${given.join(' and ')}`, 'portfolio_ref');
    }
    let text: string | undefined;
    let file: string | undefined;
    if (ref.id !== undefined) {
      text = await this.builtin(ref.id);
      if (text === undefined) {
        const ids = builtinPortfolioIds();
        throw notFound(`no portfolio "${ref.id}"`, [{ path: 'id', message: `no built-in portfolio "${ref.id}"${didYouMeanSuffix(ref.id, ids)} (built-ins: ${ids.join(', ')})`, code: 'not_found' }]);
      }
      file = `data/portfolios/${ref.id}`;
    } else if (ref.yaml !== undefined) text = ref.yaml;
    let r: PortfolioResolveResult;
    if (text !== undefined) {
      const parsed = parseScenarioText(text);
      const loaded = await this.templates(parsed.value);
      r = loadCheckedPortfolioText(text, this.catalog, { ...(file !== undefined && { file }), loadTemplate: (name) => loaded.get(name) ?? { ok: false, issues: [{ path: '', message: `no scenario "${name}"`, code: 'not_found' }] } });
    } else {
      const loaded = await this.templates(ref.portfolio);
      r = resolveCheckedPortfolio(ref.portfolio, this.catalog, { loadTemplate: (name) => loaded.get(name) ?? { ok: false, issues: [{ path: '', message: `no scenario "${name}"`, code: 'not_found' }] } });
    }
    if (!r.ok) throw badRequest('invalid portfolio', r.issues);
    return { portfolio: r.portfolio, warnings: r.warnings, id: ref.id ?? null };
  }
}
