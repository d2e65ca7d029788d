/**
 * The node side of portfolios (MODEL.md §8): built-in portfolios
 * (`data/portfolios/<id>.yaml`), portfolio files, and the templates they name
 * — a built-in scenario by id, or a file by a path relative to the
 * portfolio's own file — within the bound of MODEL.md §2 (a file with every
 * file it references at most 2 MB). Where a command takes a scenario, it takes
 * a portfolio too: `readModelFile` tells them apart.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadCheckedPortfolioText } from '../analysis/portfolio-checks.ts';
import { loadCheckedScenarioText } from '../analysis/scenario-checks.ts';
import { MAX_FILE_BYTES } from '../model/bounds.ts';
import { didYouMeanSuffix, type Issue } from '../model/issues.ts';
import type { ParsedText, ResolveResult } from '../model/load.ts';
import type { PortfolioResolveResult, TemplateLoader } from '../model/portfolio-load.ts';
import type { Catalog } from '../model/schema.ts';
import { builtinScenarioIds, dataDir, displayName, isFile, loadCatalog, mb, readScenarioFile, shippedParse, STDIN_NAME, STDIO, stdinText } from './files.ts';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The ids of the built-in portfolios (`data/portfolios/<id>.yaml`), sorted. */
export function builtinPortfolioIds(): string[] {
  const dir = join(dataDir(), 'portfolios');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(extname(f)))
    .map((f) => basename(f, extname(f)))
    .sort();
}

function builtinPortfolioPath(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return undefined;
  for (const ext of EXTENSIONS) {
    const p = join(dataDir(), 'portfolios', `${id}${ext}`);
    if (isFile(p)) return p;
  }
  return undefined;
}

/** Does this text say it is a portfolio (`kind: portfolio`, in YAML or JSON)? A cheap look before parsing. */
export function looksLikePortfolio(text: string): boolean {
  return /^[ \t{]*["']?kind["']?[ \t]*:[ \t]*["']?portfolio\b/m.test(text);
}

/** A string that names a file rather than an id: it has a directory or an extension. */
const isPathLike = (ref: string): boolean => /[\\/]/.test(ref) || EXTENSIONS.includes(extname(ref)) || ref.startsWith('.');

/**
 * The templates of a portfolio read from files: a built-in scenario by id, a
 * file by a path relative to `baseDir`; every file's bytes counted against
 * the bound of MODEL.md §2 (`budget.bytes`, the portfolio's own included).
 */
export function fileTemplateLoader(baseDir: string, catalog: Catalog, budget: { bytes: number }): TemplateLoader {
  return (ref) => {
    if (!isPathLike(ref)) {
      if (builtinScenarioIds().includes(ref)) {
        const r = readScenarioFile(ref, catalog);
        return r.ok ? { ok: true, scenario: r.scenario, warnings: r.warnings, name: ref } : { ok: false, issues: r.issues, warnings: r.warnings };
      }
      const ids = builtinScenarioIds();
      return { ok: false, issues: [{ path: '', message: `no built-in scenario "${ref}"${didYouMeanSuffix(ref, ids)} (built-ins: ${ids.join(', ')}; a file is named by a path such as ./${ref}.yaml)`, code: 'not_found' }] };
    }
    const path = resolve(baseDir, ref);
    if (!isFile(path)) return { ok: false, issues: [{ path: '', message: `no such scenario file "${ref}" (looked for ${displayName(path)})`, code: 'not_found' }] };
    let text: string;
    try {
      const size = statSync(path).size;
      budget.bytes += size;
      if (budget.bytes > MAX_FILE_BYTES) {
        return { ok: false, issues: [{ path: '', message: `the portfolio with the files it references comes to ${mb(budget.bytes)} at "${ref}": at most ${mb(MAX_FILE_BYTES)} (MODEL.md §2)`, code: 'too_big' }] };
      }
      text = readFileSync(path, 'utf8');
    } catch (err) {
      return { ok: false, issues: [{ path: '', message: `cannot read "${ref}": ${err instanceof Error ? err.message : String(err)}`, code: 'unreadable' }] };
    }
    const file = displayName(path);
    if (looksLikePortfolio(text)) return { ok: false, issues: [{ path: '', message: `"${ref}" is a portfolio: a vintage's scenario is one factory's scenario`, code: 'not_found' }] };
    const r: ResolveResult = loadCheckedScenarioText(text, catalog, { file });
    return r.ok ? { ok: true, scenario: r.scenario, warnings: r.warnings, name: ref } : { ok: false, issues: r.issues, warnings: r.warnings };
  };
}

/**
 * Read a portfolio by path, a built-in by id (`hyperscaler-buildout`) or
 * standard input (`-`), load its templates and resolve it. Problems — a
 * missing file, an unknown template, a vintage past the portfolio's end — come
 * back as issues.
 *
 * @example
 * const r = readPortfolioFile('industry-revenue-gap');
 * if (r.ok) evaluatePortfolio(r.portfolio).revenueGap;
 */
export function readPortfolioFile(pathOrId: string, catalog: Catalog = loadCatalog()): PortfolioResolveResult {
  let text: string;
  let file: string;
  let baseDir: string;
  let parsed: ParsedText | undefined;
  if (pathOrId === STDIO) {
    try {
      text = stdinText();
    } catch (err) {
      return { ok: false, issues: [{ path: '', message: `cannot read standard input: ${err instanceof Error ? err.message : String(err)}`, file: STDIN_NAME, code: 'unreadable' }], warnings: [] };
    }
    file = STDIN_NAME;
    baseDir = process.cwd();
  } else {
    const path = isFile(pathOrId) ? pathOrId : builtinPortfolioPath(pathOrId);
    if (path === undefined) {
      const ids = builtinPortfolioIds();
      return { ok: false, issues: [{ path: '', message: `no such file or built-in portfolio "${pathOrId}"${didYouMeanSuffix(pathOrId, ids)} (built-ins: ${ids.join(', ')})`, code: 'not_found' }], warnings: [] };
    }
    file = path === pathOrId ? pathOrId : displayName(path);
    baseDir = dirname(resolve(path));
    try {
      const size = statSync(path).size;
      if (size > MAX_FILE_BYTES) return { ok: false, issues: [{ path: '', message: `the file is ${mb(size)}: a portfolio file may be at most ${mb(MAX_FILE_BYTES)} (MODEL.md §2)`, file, code: 'too_big' }], warnings: [] };
      text = readFileSync(path, 'utf8');
    } catch (err) {
      return { ok: false, issues: [{ path: '', message: `cannot read the file: ${err instanceof Error ? err.message : String(err)}`, file, code: 'unreadable' }], warnings: [] };
    }
    parsed = shippedParse(path, text);
  }
  const budget = { bytes: Buffer.byteLength(text, 'utf8') };
  if (budget.bytes > MAX_FILE_BYTES) return { ok: false, issues: [{ path: '', message: `${file} holds ${mb(budget.bytes)}: a portfolio file may be at most ${mb(MAX_FILE_BYTES)} (MODEL.md §2)`, file, code: 'too_big' }], warnings: [] };
  return loadCheckedPortfolioText(text, catalog, { file, loadTemplate: fileTemplateLoader(baseDir, catalog, budget), parsed });
}

/** A scenario or a portfolio, read and resolved. */
export type ModelFile = { kind: 'scenario'; result: ResolveResult } | { kind: 'portfolio'; result: PortfolioResolveResult };

/**
 * Read a scenario or a portfolio — a file, a built-in of either kind, or
 * standard input — telling them apart by `kind: portfolio`.
 *
 * @example
 * const f = readModelFile(process.argv[2]);
 * if (f.kind === 'portfolio' && f.result.ok) f.result.portfolio.vintages.length;
 */
export function readModelFile(pathOrId: string, catalog: Catalog = loadCatalog()): ModelFile {
  if (pathOrId === STDIO) {
    let text = '';
    try {
      text = stdinText();
    } catch {
      // the scenario reader says what went wrong
    }
    return looksLikePortfolio(text) ? { kind: 'portfolio', result: readPortfolioFile(pathOrId, catalog) } : { kind: 'scenario', result: readScenarioFile(pathOrId, catalog) };
  }
  if (isFile(pathOrId)) {
    let head = '';
    try {
      head = readFileSync(pathOrId, 'utf8').slice(0, MAX_FILE_BYTES + 1);
    } catch {
      // the scenario reader says what went wrong
    }
    return looksLikePortfolio(head) ? { kind: 'portfolio', result: readPortfolioFile(pathOrId, catalog) } : { kind: 'scenario', result: readScenarioFile(pathOrId, catalog) };
  }
  if (builtinPortfolioPath(pathOrId) !== undefined && !builtinScenarioIds().includes(pathOrId)) return { kind: 'portfolio', result: readPortfolioFile(pathOrId, catalog) };
  const r = readScenarioFile(pathOrId, catalog);
  if (!r.ok && r.issues.length === 1 && r.issues[0]?.code === 'not_found') {
    const ids = [...builtinScenarioIds(), ...builtinPortfolioIds()];
    const issue: Issue = { path: '', message: `no such file or built-in scenario "${pathOrId}"${didYouMeanSuffix(pathOrId, ids)} (built-ins: ${builtinScenarioIds().join(', ')}; built-in portfolios: ${builtinPortfolioIds().join(', ')})`, code: 'not_found' };
    return { kind: 'scenario', result: { ok: false, issues: [issue], warnings: [] } };
  }
  return { kind: 'scenario', result: r };
}
