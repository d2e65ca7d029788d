/**
 * Text → every problem at once, or a resolved scenario (MODEL.md §2).
 *
 * Pure: text comes in as a string, the catalog as a value; reading files is
 * `src/io/files.ts`'s job. Structure, types and ranges are checked by the zod
 * schemas of `schema.ts`; the rules that cut across fields are checked here on
 * the raw object, defensively, so a broken value in one place does not hide a
 * problem in another.
 */
import { type Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { z } from 'zod';
import { didYouMean, didYouMeanSuffix, formatPath, type Issue, showValue } from './issues.ts';
import { V1_KEYS, v1Findings } from './migrate.ts';
import { capitalRules, fillCapital } from './capital-rules.ts';
import { MAX_FILE_BYTES } from './bounds.ts';
import { DEFAULT_PAYER } from './payers.ts';
import {
  type Catalog,
  type CatalogRow,
  catalogSchema,
  PRICING_KEYS,
  pricingSchema,
  type Scenario,
  scenarioSchema,
} from './schema.ts';

/** A 1-based position in a text. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Where a path is in the text: a map entry by its key, a list element by its
 * start; a path that is not there by its nearest existing parent.
 */
export type Locate = (path: readonly PropertyKey[]) => Position | undefined;

/** Where issues come from: the text's `locate` and the file name to stamp on them. */
export interface SourceContext {
  locate?: Locate | undefined;
  file?: string | undefined;
  /**
   * Checks of a resolved scenario that need more than the model (the
   * `uncertainty:` block needs the analyses' paths and distributions): their
   * issues join the rest, placed and stamped the same way.
   */
  check?: ScenarioCheck | undefined;
}

/** An issue of a `ScenarioCheck`, its path as segments (`['uncertainty', 'finance.wacc', 'min']`). */
export interface CheckIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** A check run on a scenario that resolves; an empty list when it passes. */
export type ScenarioCheck = (scenario: ResolvedScenario) => CheckIssue[];

/** What `parseScenarioText` gives: the plain value, syntax problems, and a way to place a path. */
export interface ParsedText {
  value: unknown;
  /** Syntax errors (and YAML warnings, with `severity: 'warning'`), each with line and column. */
  issues: Issue[];
  locate: Locate;
}

/** A scenario after resolution: the catalog merged under it, every default filled. */
export type ResolvedScenario = Scenario & {
  fleet: Scenario['fleet'] & { kWPerAccelerator: number; tokensPerSecond: number };
};

export type ResolveResult =
  | { ok: true; scenario: ResolvedScenario; warnings: Issue[] }
  | { ok: false; issues: Issue[]; warnings: Issue[] };

export type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; issues: Issue[] };

/** The tolerance on the sum of the segments' token shares. */
export const SHARE_SUM_TOLERANCE = 1e-6;

// ---------------------------------------------------------------------------
// Text

/**
 * Parse YAML or JSON text (JSON is read as YAML, so both get line:column).
 *
 * @example
 * const { value, issues, locate } = parseScenarioText('site:\n  itMW: 100\n');
 * locate(['site', 'itMW']) // { line: 2, column: 3 }
 */
export function parseScenarioText(text: string, opts: { file?: string | undefined } = {}): ParsedText {
  const value = plainJsonObject(text);
  return value === undefined ? parseYamlText(text, opts) : knownValue(text, value, opts);
}

/**
 * The text parsed to `value` already (JSON read by `JSON.parse`, a shipped file
 * parsed at build time): the YAML parse, which only places a path in the text,
 * waits until something is to be placed.
 */
export function knownValue(text: string, value: unknown, opts: { file?: string | undefined } = {}): ParsedText {
  let parsed: ParsedText | undefined;
  return { value, issues: [], locate: (path) => (parsed ??= parseYamlText(text, opts)).locate(path) };
}

/**
 * A text that is a JSON object read by `JSON.parse`, where that gives what the
 * YAML reader would (and no issue); undefined otherwise, and for anything the
 * two might read differently: a duplicate key (YAML reports it, JSON keeps the
 * last), `__proto__`, a tab (YAML forbids it as indentation), characters YAML
 * does not print, a deep nesting, a text big enough to meet the alias bound
 * (`MAX_EXPANDED_CHARS`). The YAML reader of a
 * JSON scenario costs tens of ms in a fresh process; `JSON.parse`, well under
 * one. test/load.test.ts holds the two readers to the same values.
 */
function plainJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.length > MAX_EXPANDED_CHARS / 16 || !/^[ \n\r]*\{/.test(text) || /[\t\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  // every member of the text is a key of the value: no duplicate was dropped
  const keys = jsonKeys(value, 0);
  return keys >= 0 && keys === jsonMembers(text) ? value : undefined;
}

/** The keys of every object in a parsed JSON value; −1 past 64 levels or for a key `__proto__`. */
function jsonKeys(v: unknown, depth: number): number {
  if (typeof v !== 'object' || v === null) return 0;
  if (depth > 64) return -1;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) {
      const k = jsonKeys(x, depth + 1);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }
  for (const key of Object.keys(v)) {
    if (key === '__proto__') return -1;
    const k = jsonKeys((v as Record<string, unknown>)[key], depth + 1);
    if (k < 0) return -1;
    n += k + 1;
  }
  return n;
}

/** The members of the objects of a JSON text: its colons outside strings. */
function jsonMembers(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) n++;
    else if (c === 0x22) {
      // to the closing quote, over escapes
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    }
  }
  return n;
}

/** Parse YAML or JSON text with the YAML reader: the value, every syntax issue, and where each path is (what `parseScenarioText` gives, always the slow way). */
export function parseYamlText(text: string, opts: { file?: string | undefined } = {}): ParsedText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const issues: Issue[] = [];
  const fromYaml = (e: YAMLError, severity: 'error' | 'warning'): Issue => ({
    path: '',
    message: yamlMessage(e, text),
    code: `yaml_${e.code.toLowerCase()}`,
    ...position(e.pos[0]),
    ...(opts.file !== undefined && { file: opts.file }),
    ...(severity === 'warning' && { severity }),
  });
  for (const e of doc.errors) issues.push(fromYaml(e, 'error'));
  for (const w of doc.warnings) issues.push(fromYaml(w, 'warning'));

  let value: unknown = null;
  // An alias is a reference, so a small text can stand for a huge document (a
  // 1 MB anchor aliased 900 times is 900 MB once anything copies it out):
  // measure what it expands to before converting it, and refuse past the bound.
  const expanded = expandedLength(doc, MAX_EXPANDED_CHARS);
  if (expanded > MAX_EXPANDED_CHARS) {
    issues.push({
      path: '',
      message:
        expanded === Infinity
          ? 'an alias refers to a node that contains it: the document would be infinite'
          : `its aliases expand the document past ${MAX_EXPANDED_CHARS.toLocaleString('en-US')} characters (MODEL.md §2); write the values out, or use fewer aliases of large nodes`,
      code: 'yaml_alias_expansion',
      ...(opts.file !== undefined && { file: opts.file }),
    });
    return { value: null, issues, locate: () => undefined };
  }
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    issues.push({
      path: '',
      message: `cannot read the document: ${err instanceof Error ? err.message : String(err)}`,
      code: 'yaml_unreadable',
      ...(opts.file !== undefined && { file: opts.file }),
    });
  }

  const locate: Locate = (path) => {
    let node: unknown = doc.contents;
    let offset = startOf(node);
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (pair === undefined) break;
        offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (item === undefined) break;
        offset = startOf(item) ?? offset;
        node = item;
      } else break;
    }
    return offset === undefined ? undefined : position(offset);
  };
  return { value, issues, locate };
}

/** The most characters a scenario's text may stand for once its aliases are expanded: the file bound of MODEL.md §2. */
export const MAX_EXPANDED_CHARS = MAX_FILE_BYTES;

/**
 * About how many characters the document would be with every alias written
 * out (scalars by their text, a few for each key and item), counted once per
 * node and multiplied by the aliases to it, so it costs the size of the text,
 * not of the expansion. Stops counting past `limit`; Infinity for an alias
 * inside the node it names.
 */
function expandedLength(doc: Document.Parsed, limit: number): number {
  const known = new Map<unknown, number>();
  const open = new Set<unknown>();
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(node.resolve(doc));
    if (!isNode(node) && !isPair(node)) return node === null || node === undefined ? 1 : String(node).length + 1;
    const seen = known.get(node);
    if (seen !== undefined) return seen;
    if (open.has(node)) return Infinity;
    open.add(node);
    let n = 2;
    if (isScalar(node)) n += node.value === null || node.value === undefined ? 4 : typeof node.value === 'string' ? node.value.length : String(node.value).length;
    else if (isPair(node)) n += size(node.key) + size(node.value);
    else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        n += size(item);
        if (n > limit) break;
      }
    }
    open.delete(node);
    known.set(node, n);
    return n;
  };
  return size(doc.contents);
}

const startOf = (node: unknown): number | undefined => (isNode(node) ? node.range?.[0] : undefined);
const keyText = (key: unknown): string | undefined =>
  isScalar(key) ? String(key.value) : key === null || key === undefined ? undefined : String(key);

function yamlMessage(e: YAMLError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') {
    // The error's range covers only the key's first character; read the whole key.
    const key = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:,{}[\]\s]+(?: +[^:,{}[\]\s]+)*)/.exec(text.slice(e.pos[0]))?.[0];
    return `duplicate key ${key === undefined ? '' : key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)}`.trim();
  }
  const m = e.message.replace(/\s+/g, ' ').trim();
  return `syntax error: ${m.charAt(0).toLowerCase()}${m.slice(1)}`;
}

// ---------------------------------------------------------------------------
// Scenario

/**
 * Check a raw scenario (as parsed from text) against the schema and the
 * cross-field rules, all at once; on success merge the catalog under it and fill
 * every default. Resolving a resolved scenario gives the same scenario.
 *
 * @example
 * const r = resolveScenario(parseScenarioText(text).value, catalog);
 * if (!r.ok) console.error(formatIssues(r.issues));
 */
export function resolveScenario(input: unknown, catalog: Catalog, opts: SourceContext = {}): ResolveResult {
  const raw = withoutSchemaKey(input);
  const parsed = scenarioSchema.safeParse(raw);
  const errors = parsed.success ? [] : fromZod(parsed.error.issues, scenarioSchema, raw, []);
  if (raw !== input && typeof (input as Record<string, unknown>)['$schema'] !== 'string') {
    errors.push({ path: ['$schema'], message: `expected a string (the URL or path of the scenario JSON Schema), got ${JSON.stringify((input as Record<string, unknown>)['$schema'])}`, code: 'invalid_type' });
  }
  const rules = crossFieldRules(raw, catalog);
  errors.push(...rules.errors);
  const warnings = finalizeWarnings(rules.warnings, raw, opts);
  if (!parsed.success || errors.length > 0) return { ok: false, issues: finalize(errors, raw, opts), warnings };
  const scenario = fill(parsed.data, catalog);
  const late = opts.check?.(scenario) ?? [];
  if (late.length > 0) return { ok: false, issues: finalize(late, raw, opts), warnings };
  return { ok: true, scenario, warnings };
}

/**
 * Parse and resolve a scenario text; issues carry file, line and column. When
 * the text has syntax errors only those are reported (what follows from a
 * broken structure would mislead). `parsed`: the text already parsed
 * (`knownValue`: a shipped file the build parsed).
 */
export function loadScenarioText(
  text: string,
  catalog: Catalog,
  opts: { file?: string | undefined; check?: ScenarioCheck | undefined; parsed?: ParsedText | undefined } = {},
): ResolveResult {
  const { value, issues, locate } = opts.parsed ?? parseScenarioText(text, opts);
  const syntaxErrors = issues.filter((i) => i.severity !== 'warning');
  const syntaxWarnings = issues.filter((i) => i.severity === 'warning');
  if (syntaxErrors.length > 0) return { ok: false, issues: syntaxErrors, warnings: syntaxWarnings };
  if (value === null || value === undefined) {
    const issue: Issue = { path: '', message: 'the document is empty, expected a scenario', code: 'empty' };
    if (opts.file !== undefined) issue.file = opts.file;
    return { ok: false, issues: [issue], warnings: syntaxWarnings };
  }
  const r = resolveScenario(value, catalog, { locate, file: opts.file, check: opts.check });
  return { ...r, warnings: [...syntaxWarnings, ...r.warnings] };
}

function catalogRow(catalog: Catalog, id: unknown): CatalogRow | undefined {
  return typeof id === 'string' ? catalog.accelerators.find((a) => a.id === id) : undefined;
}

/** Merge the catalog under the scenario and fill what zod's defaults do not. */
function fill(data: Scenario, catalog: Catalog): ResolvedScenario {
  // zod may hand out its default objects by reference; the result is the caller's to mutate.
  const s = structuredClone(data);
  const row = catalogRow(catalog, s.fleet.accelerator);
  const fleet = s.fleet;
  // The rules have checked that these are given or come from the catalog.
  const kWPerAccelerator = fleet.kWPerAccelerator ?? row?.kWPerAccelerator ?? NaN;
  const tokensPerSecond = fleet.tokensPerSecond ?? row?.tokensPerSecond ?? NaN;
  if (fleet.mode === 'own') {
    if (fleet.capexPerAccelerator === undefined && row !== undefined) fleet.capexPerAccelerator = row.capexPerAccelerator;
    if (fleet.depreciationYears === undefined && fleet.usefulLifeYears !== undefined) {
      fleet.depreciationYears = fleet.usefulLifeYears;
    }
  }
  for (const seg of s.demand.segments) seg.payer ??= DEFAULT_PAYER[seg.kind];
  fillCapital(s);
  if (s.demand.tokensPerYear !== undefined) {
    s.demand.growthPerYear ??= 0;
    s.demand.maxUtilization ??= 1;
  }
  return { ...s, fleet: { ...fleet, kWPerAccelerator, tokensPerSecond } };
}

/**
 * A scenario without its top-level `$schema` key: a JSON file names its JSON
 * Schema that way for editors (as a YAML file does in its modeline comment);
 * it is not part of the scenario.
 */
function withoutSchemaKey(raw: unknown): unknown {
  if (!isRecord(raw) || !('$schema' in raw)) return raw;
  const { $schema: _schema, ...rest } = raw;
  return rest;
}

// ---------------------------------------------------------------------------
// Catalog

/** Parse and check an accelerator catalog text (ids must be unique). */
export function parseCatalogText(text: string, opts: { file?: string | undefined } = {}): CatalogResult {
  const { value, issues, locate } = parseScenarioText(text, opts);
  const syntaxErrors = issues.filter((i) => i.severity !== 'warning');
  if (syntaxErrors.length > 0) return { ok: false, issues: syntaxErrors };
  const parsed = catalogSchema.safeParse(value);
  const errors = parsed.success ? [] : fromZod(parsed.error.issues, catalogSchema, value, []);
  const rows = isRecord(value) && Array.isArray(value['accelerators']) ? value['accelerators'] : [];
  const seen = new Map<string, number>();
  rows.forEach((row: unknown, i: number) => {
    const id = isRecord(row) ? row['id'] : undefined;
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else
      errors.push({
        path: ['accelerators', i, 'id'],
        message: `duplicate accelerator id "${id}" (also accelerators[${first}])`,
        code: 'duplicate_id',
      });
  });
  if (!parsed.success || errors.length > 0) return { ok: false, issues: finalize(errors, value, { locate, file: opts.file }) };
  return { ok: true, catalog: parsed.data };
}

// ---------------------------------------------------------------------------
// JSON Schema

/** The JSON Schema of scenario files (what a file may say: defaults optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(scenarioSchema, { io: 'input' }) as Record<string, unknown>;
  // a JSON scenario may name this schema in its own `$schema` key (the loader ignores it)
  const properties = { $schema: { type: 'string', description: 'the URL or path of this JSON Schema, for editors; ignored by the loader' }, ...(rest['properties'] as Record<string, unknown>) };
  return {
    $schema,
    $id: 'urn:inference-payback:scenario:v2',
    title: 'inference-payback scenario',
    description:
      'A scenario of the inference payback model (MODEL.md §2). Rules across fields (fleet and facility modes, ' +
      'share sums, catalog ids) are checked by the loader, not by this schema.',
    ...rest,
    properties,
  };
}

// ---------------------------------------------------------------------------
// For files of other kinds (portfolios, MODEL.md §8): the same wording and placing

/**
 * zod's issues of `schema` on `raw` in the loader's words, each with its path
 * as segments (what `placeIssues` formats and places).
 *
 * @example
 * schemaIssues(portfolioSchema, raw); // [{ path: ['vintages', 2, 'buildYear'], message: 'expected an integer …', code: 'invalid_type' }]
 */
export function schemaIssues(schema: z.core.$ZodType, raw: unknown): CheckIssue[] {
  const parsed = z.safeParse(schema, raw);
  return parsed.success ? [] : fromZod(parsed.error.issues, schema, raw, []);
}

/** Issues with their paths as segments, formatted against `value` (ids in brackets), placed by `locate`, stamped with the file, sorted by place. */
export function placeIssues(issues: readonly CheckIssue[], value: unknown, ctx: SourceContext): Issue[] {
  return finalize(issues, value, ctx);
}

// ---------------------------------------------------------------------------
// Issues before formatting

/** An issue with its path still as segments, before it is formatted and placed. */
interface RawIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

function finalize(raw: readonly RawIssue[], value: unknown, ctx: SourceContext): Issue[] {
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const r of raw) {
    const path = formatPath(r.path, value);
    const key = `${path}\u0000${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = ctx.locate?.(r.path);
    out.push({
      path,
      message: r.message,
      code: r.code,
      ...(pos !== undefined && { line: pos.line, column: pos.column }),
      ...(ctx.file !== undefined && { file: ctx.file }),
    });
  }
  // Stable: issues at the same place keep the order they were found in.
  return out
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => cmp(a.issue.line, b.issue.line) || cmp(a.issue.column, b.issue.column) || a.i - b.i)
    .map(({ issue }) => issue);
}

const cmp = (a: number | undefined, b: number | undefined): number => (a ?? Infinity) - (b ?? Infinity) || 0;

/** As `finalize`, for warnings. */
function finalizeWarnings(raw: readonly RawIssue[], value: unknown, ctx: SourceContext): Issue[] {
  return finalize(raw, value, ctx).map((i) => ({ ...i, severity: 'warning' as const }));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isRecord(v) && typeof seg === 'string') v = v[seg];
    else return undefined;
  }
  return v;
}

// ---------------------------------------------------------------------------
// zod issues → readable issues

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  [key: string]: unknown;
}
const defOf = (s: Schema): Def => s._zod.def as unknown as Def;
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch']);

function unwrap(s: Schema): Schema {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (WRAPPERS.has(d.type)) cur = d['innerType'] as Schema;
    else if (d.type === 'pipe') cur = d['in'] as Schema;
    else return cur;
  }
}

const shapeOf = (s: Schema): Record<string, Schema> | undefined => {
  const d = defOf(s);
  return d.type === 'object' ? (d['shape'] as Record<string, Schema>) : undefined;
};
const optionsOf = (s: Schema): Schema[] => (defOf(s).type === 'union' ? (defOf(s)['options'] as Schema[]) : []);

/** For a union, the option that fits `value` best; otherwise `s` itself. */
function pickBranch(s: Schema, value: unknown): Schema {
  const d = defOf(s);
  if (d.type !== 'union') return s;
  const options = optionsOf(s).map(unwrap);
  const disc = d['discriminator'];
  if (typeof disc === 'string') {
    const tag = isRecord(value) ? value[disc] : undefined;
    const hit = options.find((o) => {
      const lit = shapeOf(o)?.[disc];
      return lit !== undefined && ((defOf(unwrap(lit))['values'] as unknown[] | undefined) ?? []).includes(tag);
    });
    return hit ?? s;
  }
  if (isRecord(value)) {
    const keyed = options.filter((o) => Object.keys(shapeOf(o) ?? {}).some((k) => k in value));
    if (keyed.length === 1 && keyed[0] !== undefined) return keyed[0];
    return s;
  }
  const kind = Array.isArray(value) ? 'array' : typeof value;
  return options.find((o) => defOf(o).type === kind) ?? s;
}

/** The schema of the value at `path`, choosing union branches by the raw value. */
function schemaAt(root: Schema, raw: unknown, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = root;
  let v = raw;
  for (const seg of path) {
    if (s === undefined) return undefined;
    const u = pickBranch(unwrap(s), v);
    const d = defOf(u);
    if (d.type === 'object' && typeof seg === 'string') s = shapeOf(u)?.[seg];
    else if (d.type === 'array' && typeof seg === 'number') s = d['element'] as Schema;
    else if (d.type === 'record') s = d['valueType'] as Schema;
    else s = undefined;
    v = valueAt(v, [seg]);
  }
  return s === undefined ? undefined : unwrap(s);
}

/** The keys an object at `path` may have. */
function keysAt(root: Schema, raw: unknown, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(root, raw, path);
  if (s === undefined) return [];
  const u = pickBranch(s, valueAt(raw, path));
  const shape = shapeOf(u);
  if (shape !== undefined) return Object.keys(shape);
  return [...new Set(optionsOf(u).flatMap((o) => Object.keys(shapeOf(unwrap(o)) ?? {})))];
}

interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
}

function describeNumber(s: Schema): string {
  const checks = ((defOf(s)['checks'] as Schema[] | undefined) ?? []).map((c) => c._zod.def as unknown as CheckDef);
  const isInt = checks.some((c) => c.check === 'number_format');
  const lo = checks.filter((c) => c.check === 'greater_than').at(-1);
  const hi = checks.filter((c) => c.check === 'less_than').at(-1);
  const noun = isInt ? 'an integer' : 'a number';
  const v = (c: CheckDef): string => bound(c.value);
  if (lo !== undefined && hi !== undefined) {
    if (lo.inclusive && hi.inclusive && isInt) return `${noun} from ${v(lo)} to ${v(hi)}`;
    return `${noun} in ${lo.inclusive ? '[' : '('}${v(lo)}, ${v(hi)}${hi.inclusive ? ']' : ')'}`;
  }
  if (lo !== undefined) return `${noun} ${lo.inclusive ? '≥' : '>'} ${v(lo)}`;
  if (hi !== undefined) return `${noun} ${hi.inclusive ? '≤' : '<'} ${v(hi)}`;
  return noun;
}

/** A bound as people read it: `1e15` rather than `1000000000000000`. */
function bound(x: number | undefined): string {
  if (x === undefined) return '?';
  const a = Math.abs(x);
  if (a >= 1e6) {
    const e = Math.round(Math.log10(a));
    if (10 ** e === a) return `${x < 0 ? '-' : ''}1e${e}`;
  }
  return String(x);
}

const plural = (what: string): string =>
  what
    .replace(/^a number/, 'numbers')
    .replace(/^an integer/, 'integers')
    .replace(/^a string/, 'strings')
    .replace(/^an object/, 'objects');

const PRICING_FORMS = PRICING_KEYS.join(' | ');

/** What a schema accepts, in words: `a number ≥ 0`, `one of own | rent`, `a number in [0, 1] or a list of them`. */
function describe(schema: Schema): string {
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case 'number':
      return describeNumber(s);
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(d['entries'] as Record<string, string>).join(' | ')}`;
    case 'literal':
      return (d['values'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
    case 'array': {
      const el = describe(d['element'] as Schema);
      const p = plural(el);
      return p === el ? 'a list' : `a list of ${p}`;
    }
    case 'object':
    case 'record':
      return 'an object';
    case 'union': {
      if (s === pricingSchema) return `one of the pricing forms ${PRICING_FORMS}`;
      const disc = d['discriminator'];
      if (typeof disc === 'string') return `an object with ${disc}: one of ${unionTags(s, disc).join(' | ')}`;
      const options = optionsOf(s).map(unwrap);
      const [a, b] = options;
      if (options.length === 2 && a !== undefined && b !== undefined && defOf(b).type === 'array') {
        const el = unwrap(defOf(b)['element'] as Schema);
        if (describe(el) === describe(a)) return `${describe(a)} or a list of them`;
      }
      return options.map(describe).join(' or ');
    }
    default:
      return d.type;
  }
}

function unionTags(s: Schema, disc: string): string[] {
  return optionsOf(s).flatMap((o) => {
    const lit = shapeOf(unwrap(o))?.[disc];
    return lit === undefined ? [] : ((defOf(unwrap(lit))['values'] as unknown[] | undefined) ?? []).map(String);
  });
}

/** `expected <what the schema says>, got <value>`, or `missing, expected …`. */
function expected(root: Schema, raw: unknown, path: readonly PropertyKey[], fallback: string): string {
  const s = schemaAt(root, raw, path);
  const what = s === undefined ? fallback : describe(s);
  const v = valueAt(raw, path);
  return v === undefined ? `missing, expected ${what}` : `expected ${what}, got ${showValue(v)}`;
}

function fromZod(
  issues: readonly z.core.$ZodIssue[],
  root: Schema,
  raw: unknown,
  prefix: readonly PropertyKey[],
): RawIssue[] {
  const out: RawIssue[] = [];
  for (const iss of issues) {
    const path = [...prefix, ...iss.path];
    const value = valueAt(raw, path);
    switch (iss.code) {
      case 'unrecognized_keys': {
        const allowed = keysAt(root, raw, path);
        for (const key of iss.keys) {
          // a MODEL.md v1 field: the rules report it once, with its v2 form
          if (V1_KEYS.has(key) && root === scenarioSchema) continue;
          const hint = didYouMeanSuffix(key, allowed);
          const list = hint === '' && allowed.length > 0 ? `; expected one of ${allowed.join(', ')}` : '';
          out.push({ path: [...path, key], message: `unknown key "${key}"${hint}${list}`, code: 'unknown_key' });
        }
        break;
      }
      case 'invalid_union':
        out.push(...fromUnion(iss, path, root, raw));
        break;
      case 'invalid_value': {
        const opts = iss.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
        const what = opts.length === 1 ? JSON.stringify(iss.values[0]) : `one of ${opts.join(' | ')}`;
        const hint = typeof value === 'string' ? didYouMeanSuffix(value, opts) : '';
        out.push({
          path,
          message: value === undefined ? `missing, expected ${what}` : `expected ${what}, got ${showValue(value)}${hint}`,
          code: iss.code,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        let message: string;
        if (iss.origin === 'array' || iss.origin === 'set') {
          const n = Array.isArray(value) ? value.length : 0;
          const bound = iss.code === 'too_small' ? `at least ${String(iss.minimum)}` : `at most ${String(iss.maximum)}`;
          message = `expected ${bound} ${bound.endsWith(' 1') ? 'element' : 'elements'}, got ${n === 0 ? 'an empty list' : String(n)}`;
        } else if (iss.origin === 'string') {
          message = iss.code === 'too_small' ? `expected a non-empty string, got ${showValue(value)}` : iss.message;
        } else {
          message = expected(root, raw, path, iss.origin) + percentHint(root, raw, path, iss.code);
        }
        out.push({ path, message, code: iss.code });
        break;
      }
      case 'invalid_type':
        out.push({ path, message: expected(root, raw, path, iss.expected), code: iss.code });
        break;
      case 'invalid_format': {
        const what =
          iss.format === 'regex' && iss.message.startsWith('Invalid') ? `a string matching ${iss.pattern ?? ''}` : iss.message;
        out.push({ path, message: `${what}, got ${showValue(value)}`, code: iss.code });
        break;
      }
      default:
        out.push({ path, message: iss.message, code: iss.code });
    }
  }
  return out;
}

/**
 * A rate or share written in percent (`wacc: 12`, `taxRate: 21`): suggest the
 * fraction when it fits the field's range. Only for fields bounded below by
 * −1 or 0 (rates, shares), not for multipliers.
 */
function percentHint(root: Schema, raw: unknown, path: readonly PropertyKey[], code: string): string {
  if (code !== 'too_big') return '';
  const v = valueAt(raw, path);
  const s = schemaAt(root, raw, path);
  if (typeof v !== 'number' || s === undefined || defOf(s).type !== 'number') return '';
  const checks = ((defOf(s)['checks'] as Schema[] | undefined) ?? []).map((c) => c._zod.def as unknown as CheckDef);
  const lo = checks.filter((c) => c.check === 'greater_than').at(-1);
  const hi = checks.filter((c) => c.check === 'less_than').at(-1);
  if (lo === undefined || hi === undefined || hi.value === undefined || hi.value > 10) return '';
  const rateLike = (lo.value === -1 && lo.inclusive !== true) || (lo.value === 0 && lo.inclusive === true);
  const f = v / 100;
  const fits = f <= hi.value && (hi.inclusive === true || f < hi.value);
  return rateLike && v <= 100 && fits ? ` (did you mean ${Number(f.toPrecision(12))}? rates and shares are fractions: ${Number(f.toPrecision(12))} = ${v} %)` : '';
}

function fromUnion(
  iss: z.core.$ZodIssueInvalidUnion,
  path: PropertyKey[],
  root: Schema,
  raw: unknown,
): RawIssue[] {
  const value = valueAt(raw, path);
  // A discriminated union whose tag matches no option: the path already ends at the tag.
  if (iss.discriminator !== undefined && iss.errors.length === 0) {
    const tags = 'options' in iss && iss.options !== undefined ? iss.options.map(String) : [];
    const what = `one of ${tags.join(' | ')}`;
    const message =
      value === undefined
        ? `missing, expected ${what}`
        : `expected ${what}, got ${showValue(value)}${typeof value === 'string' ? didYouMeanSuffix(value, tags) : ''}`;
    return [{ path, message, code: 'invalid_value' }];
  }
  const s = schemaAt(root, raw, path);
  if (s === undefined) return [{ path, message: `expected ${showValue(value)} to fit one of the allowed forms`, code: iss.code }];
  const options = optionsOf(s).map(unwrap);
  const branchIssues = (branch: Schema): RawIssue[] | undefined => {
    const i = options.indexOf(branch);
    const errs = iss.errors[i];
    return i >= 0 && errs !== undefined ? fromZod(errs, root, raw, path) : undefined;
  };
  if (s === pricingSchema) {
    if (!isRecord(value)) {
      return [{ path, message: `expected an object: pricing is exactly one of ${PRICING_FORMS}, got ${showValue(value)}`, code: iss.code }];
    }
    const present = PRICING_KEYS.filter((k) => k in value);
    if (present.length === 1) {
      const found = branchIssues(pickBranch(s, value));
      if (found !== undefined) return found;
    }
    const got =
      present.length > 1
        ? `got ${present.join(' and ')}`
        : `got ${Object.keys(value).length === 0 ? 'no keys' : Object.keys(value).map((k) => `"${k}"${didYouMeanSuffix(k, PRICING_KEYS)}`).join(', ')}`;
    return [{ path, message: `pricing is exactly one of ${PRICING_FORMS}, ${got}`, code: iss.code }];
  }
  const branch = pickBranch(s, value);
  if (branch !== s) {
    const found = branchIssues(branch);
    if (found !== undefined) return found;
  }
  return [{ path, message: expected(root, raw, path, 'one of the allowed forms'), code: iss.code }];
}

// ---------------------------------------------------------------------------
// Rules across fields (MODEL.md §2)

const OWN_ONLY_DEFAULTS: Record<string, unknown> = {
  capexPerAccelerator: undefined,
  usefulLifeYears: undefined,
  depreciationYears: undefined,
  residualValue: 0,
  refresh: true,
  maintenancePctPerYear: 0,
};
const RENT_ONLY_DEFAULTS: Record<string, unknown> = {
  rentPerAcceleratorHour: undefined,
  rentTermYears: undefined,
  rentChangePerYear: 0,
};

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A Series' value in operating year `t`, or undefined when it is not a valid Series. */
function seriesValue(s: unknown, t: number): number | undefined {
  if (isFiniteNumber(s)) return s;
  if (!Array.isArray(s) || s.length === 0) return undefined;
  const v: unknown = s[Math.min(t, s.length) - 1];
  return isFiniteNumber(v) ? v : undefined;
}

/** `1.10` for a round number, else enough digits to see it is not 1. */
function showSum(x: number): string {
  const fixed = x.toFixed(2);
  return Math.abs(Number(fixed) - x) < 1e-9 ? fixed : String(Number(x.toPrecision(8)));
}

function crossFieldRules(raw: unknown, catalog: Catalog): { errors: RawIssue[]; warnings: RawIssue[] } {
  const errors: RawIssue[] = [];
  const warnings: RawIssue[] = [];
  const err = (path: PropertyKey[], message: string, code: string): void => {
    errors.push({ path, message, code });
  };
  const warn = (path: PropertyKey[], message: string, code: string): void => {
    warnings.push({ path, message, code });
  };
  if (!isRecord(raw)) return { errors, warnings };
  for (const f of v1Findings(raw)) err(f.path, f.message, 'v1_form');

  const horizon = isRecord(raw['horizon']) ? raw['horizon'] : {};
  const years = horizon['years'];
  const T = Number.isInteger(years) && (years as number) >= 1 && (years as number) <= 50 ? (years as number) : undefined;
  const startYear = horizon['startYear'];
  const yearName = (t: number): string => (Number.isInteger(startYear) ? `${(startYear as number) + t - 1} (year ${t})` : `year ${t}`);
  const yearsName = (a: number, b: number): string =>
    a === b
      ? yearName(a)
      : Number.isInteger(startYear)
        ? `${(startYear as number) + a - 1}–${(startYear as number) + b - 1} (years ${a}–${b})`
        : `years ${a}–${b}`;

  // --- site and fleet modes
  const site = isRecord(raw['site']) ? raw['site'] : undefined;
  const fleet = isRecord(raw['fleet']) ? raw['fleet'] : undefined;
  const facility = site !== undefined && isRecord(site['facility']) ? site['facility'] : undefined;
  const facilityMode = facility?.['mode'];
  const validFacility = facilityMode === 'own' || facilityMode === 'lease' || facilityMode === 'none';
  const mode = fleet?.['mode'];
  const validMode = mode === 'own' || mode === 'rent';

  if (validMode && validFacility) {
    if (mode === 'rent' && facilityMode !== 'none') {
      err(
        ['site', 'facility', 'mode'],
        `fleet.mode is rent, so site.facility.mode must be none (rented capacity comes with its facility), got "${facilityMode}"`,
        'mode_mismatch',
      );
    }
    if (mode === 'own' && facilityMode === 'none') {
      err(
        ['fleet', 'mode'],
        'site.facility.mode is none, which goes only with fleet.mode rent; an owned fleet needs a facility (own or lease), got "own"',
        'mode_mismatch',
      );
    }
  }

  if (fleet !== undefined) {
    const acc = fleet['accelerator'];
    const row = catalogRow(catalog, acc);
    const ids = catalog.accelerators.map((a) => a.id);
    if (typeof acc === 'string' && row === undefined) {
      err(
        ['fleet', 'accelerator'],
        `unknown accelerator "${acc}"${didYouMeanSuffix(acc, ids)}; the catalog has ${ids.join(', ')}`,
        'unknown_accelerator',
      );
    }
    // With an unknown accelerator the catalog values are missing for that reason alone; one issue says so.
    const catalogKnown = typeof acc !== 'string' || row !== undefined;
    const needs = (key: string, why: string, fromCatalog: boolean): void => {
      if (fleet[key] !== undefined) return;
      if (fromCatalog && row !== undefined) return;
      if (fromCatalog && !catalogKnown) return;
      const orCatalog = fromCatalog ? ' (give it, or name a catalog accelerator in fleet.accelerator)' : '';
      err(['fleet', key], `missing, required ${why}${orCatalog}`, 'required');
    };
    needs('kWPerAccelerator', 'in every fleet', true);
    needs('tokensPerSecond', 'in every fleet', true);
    if (mode === 'own') {
      needs('capexPerAccelerator', 'when fleet.mode is own', true);
      needs('usefulLifeYears', 'when fleet.mode is own', false);
      if (site !== undefined && site['power'] === undefined) {
        err(['site', 'power'], 'missing, required when fleet.mode is own (an owned fleet pays for its power): give at least pricePerMWh', 'required');
      }
      for (const [key, dflt] of Object.entries(RENT_ONLY_DEFAULTS)) {
        if (fleet[key] !== undefined && fleet[key] !== dflt) {
          warn(['fleet', key], 'ignored: a rent-mode field, and fleet.mode is own', 'ignored_field');
        }
      }
    }
    if (mode === 'rent') {
      needs('rentPerAcceleratorHour', 'when fleet.mode is rent', false);
      needs('rentTermYears', 'when fleet.mode is rent', false);
      for (const [key, dflt] of Object.entries(OWN_ONLY_DEFAULTS)) {
        if (fleet[key] !== undefined && fleet[key] !== dflt) {
          warn(['fleet', key], 'ignored: an own-mode field, and fleet.mode is rent', 'ignored_field');
        }
      }
      const tech = fleet['technology'];
      if (isRecord(tech) && ((tech['perfGainPerYear'] ?? 1) !== 1 || (tech['capexChangePerYear'] ?? 1) !== 1)) {
        warn(['fleet', 'technology'], 'ignored: a rented fleet buys no hardware (fleet.mode is rent)', 'ignored_field');
      }
      if (site !== undefined && site['power'] !== undefined) {
        warn(['site', 'power'], 'ignored: fleet.mode is rent, so power comes with the rented capacity', 'ignored_field');
      }
    }
  }

  // --- demand
  const demand = isRecord(raw['demand']) ? raw['demand'] : undefined;
  if (demand !== undefined) {
    const hasU = demand['utilization'] !== undefined;
    const hasT = demand['tokensPerYear'] !== undefined;
    // A misspelt `utilisation:` is already an unknown key; saying "neither" as well would be noise.
    const misspelt = Object.keys(demand).some(
      (k) => k !== 'utilization' && k !== 'tokensPerYear' && didYouMean(k, ['utilization', 'tokensPerYear']) !== undefined,
    );
    if (!hasU && !hasT && !misspelt) {
      err(['demand'], 'give exactly one of utilization (utilization mode) or tokensPerYear (tokens mode), got neither', 'demand_mode');
    }
    if (hasU && hasT) {
      err(['demand', 'tokensPerYear'], 'give exactly one of demand.utilization or demand.tokensPerYear, got both', 'demand_mode');
    }
    if (!hasT) {
      for (const key of ['growthPerYear', 'maxUtilization']) {
        if (demand[key] !== undefined) {
          err(['demand', key], 'only allowed in tokens mode (with demand.tokensPerYear), and demand has no tokensPerYear', 'demand_mode');
        }
      }
    }
    const seriesTooLong = (path: PropertyKey[], s: unknown): void => {
      if (T !== undefined && Array.isArray(s) && s.length > T) {
        const extra = s.length - T;
        warn(
          path,
          `has ${s.length} values for a ${T}-year horizon; the last ${extra === 1 ? 'one is' : `${extra} are`} ignored`,
          'series_too_long',
        );
      }
    };
    seriesTooLong(['demand', 'utilization'], demand['utilization']);

    const segments = Array.isArray(demand['segments']) ? (demand['segments'] as unknown[]) : [];
    const firstIndex = new Map<string, number>();
    segments.forEach((seg, i) => {
      if (!isRecord(seg)) return;
      const id = seg['id'];
      if (typeof id === 'string') {
        const first = firstIndex.get(id);
        if (first === undefined) firstIndex.set(id, i);
        else err(['demand', 'segments', i, 'id'], `duplicate segment id "${id}" (also demand.segments[${first}])`, 'duplicate_id');
      }
      const pricing = seg['pricing'];
      if (seg['kind'] === 'capacity-contract' && (pricing === undefined || isRecord(pricing)) && !(isRecord(pricing) && 'perAcceleratorHour' in pricing)) {
        const got = isRecord(pricing) ? (PRICING_KEYS.find((k) => k in pricing) ?? 'other keys') : 'no pricing';
        err(
          ['demand', 'segments', i, 'pricing'],
          `a capacity-contract segment prices per accelerator hour: expected pricing { perAcceleratorHour: … }, got ${got}`,
          'pricing_kind',
        );
      }
      seriesTooLong(['demand', 'segments', i, 'tokenShare'], seg['tokenShare']);
    });

    // Shares sum to 1 in every operating year; checked only when every share is readable.
    const shares = segments.map((seg) => (isRecord(seg) ? seg['tokenShare'] : undefined));
    if (shares.length > 0 && shares.every((s) => seriesValue(s, 1) !== undefined && (!Array.isArray(s) || s.every(isFiniteNumber)))) {
      const lastYear = T ?? Math.max(1, ...shares.map((s) => (Array.isArray(s) ? s.length : 1)));
      const bad: { t: number; sum: number }[] = [];
      for (let t = 1; t <= lastYear; t++) {
        const sum = shares.reduce<number>((acc, s) => acc + (seriesValue(s, t) ?? 0), 0);
        if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) bad.push({ t, sum });
      }
      const first = bad[0];
      if (first !== undefined) {
        // Runs of consecutive years with the same sum, so a constant mix gives one phrase.
        const runs: { from: number; to: number; sum: number }[] = [];
        for (const b of bad) {
          const last = runs.at(-1);
          if (last !== undefined && last.to === b.t - 1 && Math.abs(last.sum - b.sum) < 1e-12) last.to = b.t;
          else runs.push({ from: b.t, to: b.t, sum: b.sum });
        }
        const phrases = runs.slice(0, 3).map((r) => `${showSum(r.sum)} in ${yearsName(r.from, r.to)}`);
        if (runs.length > 3) phrases.push(`other sums in ${runs.length - 3} more periods`);
        const t0 = first.t;
        // Point at the share that was set for that year, else at the last segment's share.
        let at: PropertyKey[] = ['demand', 'segments', segments.length - 1, 'tokenShare'];
        for (let i = shares.length - 1; i >= 0; i--) {
          const s = shares[i];
          if (Array.isArray(s) && s.length >= t0 && (t0 === 1 || s[t0 - 1] !== s[t0 - 2])) {
            at = ['demand', 'segments', i, 'tokenShare', t0 - 1];
            break;
          }
        }
        err(
          at,
          `shares of all segments sum to ${phrases.join(' and ')}, expected 1 (±${SHARE_SUM_TOLERANCE.toExponential()})`,
          'share_sum',
        );
      }
    }
  }

  // --- the capital stack (MODEL.md §9)
  const capital = capitalRules(raw, catalogRow(catalog, fleet?.['accelerator']) ?? {});
  errors.push(...capital.errors);
  warnings.push(...capital.warnings);

  return { errors, warnings };
}
