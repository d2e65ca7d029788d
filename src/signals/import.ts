/**
 * Observation files → rows, or every problem at once. CSV (a header row,
 * RFC 4180 quoting) or JSON/YAML (a list of objects, or `{ observations: [...] }`).
 * Each problem names the line and the field: `obs.csv:7 value: expected a
 * number, got "abc"`. Pure: the text comes in as a string.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { didYouMeanSuffix, type Issue, showValue } from '../model/issues.ts';
import { isIsoDate } from './dates.ts';
import { type SignalDefinition, unitFit } from './definitions.ts';
import { BASES, type Basis, OPERATOR_CLASSES, type ObservationInput, type OperatorClass } from './observation.ts';

/** A row read from a file, with the line it starts on. */
export type ImportedRow = ObservationInput & { line: number };

export interface ImportResult {
  rows: ImportedRow[];
  /** Every problem, in file order; the file is good only when this is empty. */
  issues: Issue[];
}

export const REQUIRED_COLUMNS = ['signal', 'scope', 'date', 'value', 'unit', 'source'] as const;
export const OPTIONAL_COLUMNS = ['url', 'note', 'supersedes', 'operator', 'accelerator', 'basis', 'facilityShare'] as const;
const COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
/** A CSV header names columns without regard to case (`facilityshare`, `FacilityShare`). */
const columnOf = (name: string): string | undefined => COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());

/** What a file's rows are checked against besides the signal definitions. */
export interface ImportOptions {
  file?: string | undefined;
  /** The accelerator ids an observation may name (the catalog's); any id-like word when absent. */
  accelerators?: readonly string[] | undefined;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A number as an observation file writes it: plain decimal or exponent
 * (`2.35`, `480e12`); undefined for anything else (`abc`, `1,300`, `12%`).
 */
export function parseObservationNumber(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** One CSV record: its cells and the line it starts on. */
interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * RFC 4180: fields separated by commas, quoted with `"` (a quote inside is
 * `""`), a quoted field may span lines. Blank lines and lines starting with
 * `#` are skipped. An unterminated quote is an issue.
 */
export function parseCsv(text: string, file?: string): { records: CsvRecord[]; issues: Issue[] } {
  const records: CsvRecord[] = [];
  const issues: Issue[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  const n = src.length;
  let nextQuote = src.indexOf('"');
  while (i < n) {
    // start of a record
    const startLine = line;
    if (src[i] === '#') {
      while (i < n && src[i] !== '\n') i++;
      i++;
      line++;
      continue;
    }
    // the common case: a line with no quote is its cells split on commas
    let eol = src.indexOf('\n', i);
    if (eol < 0) eol = n;
    if (nextQuote !== -1 && nextQuote < i) nextQuote = src.indexOf('"', i);
    if (nextQuote < 0 || nextQuote > eol) {
      const end = eol > i && src[eol - 1] === '\r' ? eol - 1 : eol;
      const text = src.slice(i, end);
      i = eol + 1;
      line++;
      if (text.trim() !== '') records.push({ line: startLine, cells: text.split(',') });
      continue;
    }
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let endOfRecord = false;
    while (i < n && !endOfRecord) {
      const c = src[i] as string;
      if (quoted) {
        if (c === '"') {
          if (src[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          cell += c;
          i++;
        }
      } else if (c === '"' && cell.trim() === '') {
        quoted = true;
        cell = '';
        i++;
      } else if (c === ',') {
        cells.push(cell);
        cell = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && src[i + 1] === '\n') i++;
        i++;
        line++;
        endOfRecord = true;
      } else {
        cell += c;
        i++;
      }
    }
    if (quoted) {
      issues.push({ path: '', message: 'a quoted field is never closed (a missing ")', line: startLine, ...(file !== undefined && { file }), code: 'csv' });
      break;
    }
    cells.push(cell);
    if (cells.length === 1 && (cells[0] as string).trim() === '') continue;
    records.push({ line: startLine, cells });
  }
  return { records, issues };
}

interface Ctx {
  file: string | undefined;
  defs: ReadonlyMap<string, SignalDefinition>;
  accelerators: readonly string[] | undefined;
  issues: Issue[];
}

const ctxOf = (definitions: readonly SignalDefinition[], opts: ImportOptions): Ctx => ({
  file: opts.file,
  defs: new Map(definitions.map((d) => [d.id, d])),
  accelerators: opts.accelerators,
  issues: [],
});

const at = (ctx: Ctx, line: number | undefined, path: string, message: string, code = 'invalid'): void => {
  ctx.issues.push({ path, message, ...(line !== undefined && { line }), ...(ctx.file !== undefined && { file: ctx.file }), code });
};

/** Check one row's fields (as read: text, or JSON values); the row when all are good. */
const noLine = (): undefined => undefined;

/** A text field: trimmed, or undefined (an issue when it is required or not text). */
function textField(ctx: Ctx, v: unknown, field: string, required: boolean, line: number | undefined): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t !== '') return t;
  } else if (v !== undefined && v !== null) {
    at(ctx, line, field, `expected text, got ${showValue(v)}`, 'invalid_type');
    return undefined;
  }
  if (required) at(ctx, line, field, `missing ${field}`, 'missing');
  return undefined;
}

function checkRow(ctx: Ctx, get: (field: string) => unknown, line: number | undefined, lineOf: (field: string) => number | undefined): ImportedRow | undefined {
  const before = ctx.issues.length;
  const text = (field: string, required: boolean): string | undefined => textField(ctx, get(field), field, required, lineOf(field) ?? line);
  const signal = text('signal', true);
  let def: SignalDefinition | undefined;
  if (signal !== undefined) {
    def = ctx.defs.get(signal);
    if (def === undefined) {
      at(ctx, lineOf('signal') ?? line, 'signal', `unknown signal "${signal}"${didYouMeanSuffix(signal, ctx.defs.keys())} (signals: ${[...ctx.defs.keys()].join(', ')})`, 'unknown_signal');
    }
  }
  const scope = text('scope', true);
  const dateRaw = get('date');
  let date: string | undefined;
  if (dateRaw === undefined || dateRaw === null || (typeof dateRaw === 'string' && dateRaw.trim() === '')) at(ctx, lineOf('date') ?? line, 'date', 'missing date', 'missing');
  else if (typeof dateRaw !== 'string' || !isIsoDate(dateRaw.trim())) {
    at(ctx, lineOf('date') ?? line, 'date', `expected a date YYYY-MM-DD, got ${showValue(dateRaw)}`, 'bad_date');
  } else date = dateRaw.trim();
  const valueRaw = get('value');
  let value: number | undefined;
  if (valueRaw === undefined || valueRaw === null || (typeof valueRaw === 'string' && valueRaw.trim() === '')) at(ctx, lineOf('value') ?? line, 'value', 'missing value', 'missing');
  else {
    value = typeof valueRaw === 'number' ? (Number.isFinite(valueRaw) ? valueRaw : undefined) : typeof valueRaw === 'string' ? parseObservationNumber(valueRaw) : undefined;
    if (value === undefined) at(ctx, lineOf('value') ?? line, 'value', `expected a number, got ${showValue(valueRaw)}`, 'invalid_type');
  }
  const unit = text('unit', true);
  if (unit !== undefined && def !== undefined && unitFit(def, unit) === undefined) {
    const also = def.proxyUnits.length > 0 ? ` (or, as a proxy, ${def.proxyUnits.map((u) => `"${u}"`).join(', ')})` : '';
    at(ctx, lineOf('unit') ?? line, 'unit', `expected "${def.unit}"${also} for ${def.id}, got "${unit}"`, 'bad_unit');
  }
  const source = text('source', true);
  const url = text('url', false);
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) at(ctx, lineOf('url') ?? line, 'url', `expected an http(s) URL, got ${showValue(url)}`, 'bad_url');
  const note = text('note', false);
  const supRaw = get('supersedes');
  let supersedes: number | undefined;
  if (supRaw !== undefined && supRaw !== null && !(typeof supRaw === 'string' && supRaw.trim() === '')) {
    const v = typeof supRaw === 'number' ? supRaw : typeof supRaw === 'string' ? parseObservationNumber(supRaw) : undefined;
    if (v === undefined || !Number.isSafeInteger(v) || v < 1) at(ctx, lineOf('supersedes') ?? line, 'supersedes', `expected the id of an observation (a whole number ≥ 1), got ${showValue(supRaw)}`, 'invalid_type');
    else supersedes = v;
  }
  const sc = scopeFields(ctx, text, get, def, line, lineOf);
  if (ctx.issues.length > before) return undefined;
  return {
    line: line ?? 0,
    signal: signal as string,
    scope: scope as string,
    date: date as string,
    value: value as number,
    unit: unit as string,
    source: source as string,
    ...(url !== undefined && { url }),
    ...(note !== undefined && { note }),
    ...(supersedes !== undefined && { supersedes }),
    ...(sc.operator !== undefined && { operator: sc.operator }),
    ...(sc.accelerator !== undefined && { accelerator: sc.accelerator }),
    ...(sc.basis !== undefined && { basis: sc.basis }),
    ...(sc.facilityShare !== undefined && { facilityShare: sc.facilityShare }),
  };
}

/**
 * The scope fields of a row (MODEL.md §6): an operator class of the list, an
 * accelerator of the catalog, and for money per MW the basis (required there,
 * and only there), with an all-in figure's facility share.
 */
function scopeFields(
  ctx: Ctx,
  text: (field: string, required: boolean) => string | undefined,
  get: (field: string) => unknown,
  def: SignalDefinition | undefined,
  line: number | undefined,
  lineOf: (field: string) => number | undefined,
): { operator?: OperatorClass; accelerator?: string; basis?: Basis; facilityShare?: number } {
  const out: { operator?: OperatorClass; accelerator?: string; basis?: Basis; facilityShare?: number } = {};
  const where = (f: string): number | undefined => lineOf(f) ?? line;
  const operator = text('operator', false);
  if (operator !== undefined) {
    const o = operator.toLowerCase();
    if ((OPERATOR_CLASSES as readonly string[]).includes(o)) out.operator = o as OperatorClass;
    else at(ctx, where('operator'), 'operator', `unknown operator class "${operator}"${didYouMeanSuffix(o, OPERATOR_CLASSES)} (operator classes: ${OPERATOR_CLASSES.join(', ')})`, 'unknown_scope');
  }
  const accelerator = text('accelerator', false);
  if (accelerator !== undefined) {
    const a = accelerator.toLowerCase();
    const known = ctx.accelerators === undefined ? /^[a-z0-9][a-z0-9.-]*$/.test(a) : ctx.accelerators.includes(a);
    if (known) out.accelerator = a;
    else {
      const list = ctx.accelerators === undefined ? 'an id such as gb200' : `the catalog's: ${ctx.accelerators.join(', ')}`;
      at(ctx, where('accelerator'), 'accelerator', `unknown accelerator "${accelerator}"${didYouMeanSuffix(a, ctx.accelerators ?? [])} (${list})`, 'unknown_scope');
    }
  }
  const basis = text('basis', false);
  const perMW = def?.scope.basis === true;
  if (basis !== undefined) {
    const b = basis.toLowerCase();
    if (!(BASES as readonly string[]).includes(b)) at(ctx, where('basis'), 'basis', `unknown basis "${basis}"${didYouMeanSuffix(b, BASES)} (it-only, or all-in: the facility included)`, 'unknown_scope');
    else if (def !== undefined && !perMW) at(ctx, where('basis'), 'basis', `a basis is said only of money per MW (capex-per-mw, gp-per-mw), not of ${def.id}`, 'unknown_scope');
    else out.basis = b as Basis;
  } else if (perMW && def !== undefined) {
    at(ctx, where('basis'), 'basis', `${def.id} is money per MW: say whether it is it-only or all-in (the facility included)`, 'missing');
  }
  const fsRaw = get('facilityShare');
  if (fsRaw !== undefined && fsRaw !== null && !(typeof fsRaw === 'string' && fsRaw.trim() === '')) {
    const v = typeof fsRaw === 'number' ? fsRaw : typeof fsRaw === 'string' ? parseObservationNumber(fsRaw) : undefined;
    if (v === undefined || !(v >= 0 && v < 1)) at(ctx, where('facilityShare'), 'facilityShare', `expected the facility's share of the all-in figure, in [0, 1), got ${showValue(fsRaw)}`, 'invalid_type');
    else if (out.basis !== 'all-in' && basis !== undefined) at(ctx, where('facilityShare'), 'facilityShare', 'a facility share converts an all-in figure to IT-only: it goes with basis all-in', 'unknown_scope');
    else if (basis === undefined) at(ctx, where('facilityShare'), 'facilityShare', 'a facility share goes with basis all-in', 'unknown_scope');
    else out.facilityShare = v;
  }
  return out;
}

/**
 * Read an observations CSV: a header row naming the columns (`signal, scope,
 * date, value, unit, source`, optionally `url, note, supersedes` and the scope
 * `operator, accelerator, basis, facilityShare`, any order), then one
 * observation a row.
 *
 * @example
 * const r = readObservationsCsv('signal,scope,date,value,unit,source\npower-price,eia,2024-12-31,abc,$/MWh,EIA\n', defs, { file: 'obs.csv' });
 * formatIssue(r.issues[0]!); // 'obs.csv:2 value: expected a number, got "abc"'
 */
export function readObservationsCsv(text: string, definitions: readonly SignalDefinition[], opts: ImportOptions = {}): ImportResult {
  const ctx = ctxOf(definitions, opts);
  const { records, issues } = parseCsv(text, opts.file);
  ctx.issues.push(...issues);
  const header = records[0];
  if (header === undefined) {
    if (ctx.issues.length === 0) at(ctx, 1, '', `no header row: expected the columns ${REQUIRED_COLUMNS.join(', ')} (and optionally ${OPTIONAL_COLUMNS.join(', ')})`, 'csv');
    return { rows: [], issues: ctx.issues };
  }
  const names = header.cells.map((c) => columnOf(c.trim()) ?? c.trim().toLowerCase());
  let headerOk = true;
  names.forEach((name) => {
    if (!COLUMNS.includes(name)) {
      at(ctx, header.line, name, `unknown column "${name}"${didYouMeanSuffix(name, COLUMNS)} (columns: ${COLUMNS.join(', ')})`, 'unknown_column');
      headerOk = false;
    }
  });
  for (const dup of new Set(names.filter((n, i) => names.indexOf(n) !== i))) {
    at(ctx, header.line, dup, `column "${dup}" appears twice`, 'csv');
    headerOk = false;
  }
  for (const req of REQUIRED_COLUMNS) {
    if (!names.includes(req)) {
      at(ctx, header.line, req, `missing column "${req}" (the header must name ${REQUIRED_COLUMNS.join(', ')})`, 'missing_column');
      headerOk = false;
    }
  }
  if (!headerOk) return { rows: [], issues: ctx.issues };
  const rows: ImportedRow[] = [];
  for (const rec of records.slice(1)) {
    if (rec.cells.length !== names.length) {
      at(ctx, rec.line, '', `expected ${names.length} fields (${names.join(', ')}), got ${rec.cells.length}`, 'csv');
      continue;
    }
    const row = checkRow(
      ctx,
      (f) => {
        const i = names.indexOf(f);
        return i < 0 ? undefined : rec.cells[i];
      },
      rec.line,
      noLine,
    );
    if (row !== undefined) rows.push(row);
  }
  if (records.length === 1 && ctx.issues.length === 0) at(ctx, header.line, '', 'the file has a header but no observations', 'empty');
  return { rows, issues: ctx.issues };
}

/**
 * Read observations from JSON or YAML: a list of objects with the fields of
 * the CSV columns, or `{ observations: [...] }`. Issues carry the line of the
 * field (or of the object).
 */
export function readObservationsJson(text: string, definitions: readonly SignalDefinition[], opts: ImportOptions = {}): ImportResult {
  const ctx = ctxOf(definitions, opts);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    at(ctx, pos?.line, '', `not valid JSON/YAML: ${e.message.split('\n')[0] ?? e.message}`, 'syntax');
  }
  if (ctx.issues.length > 0) return { rows: [], issues: ctx.issues };
  let seq: unknown = doc.contents;
  if (isMap(seq)) {
    const top = seq;
    const keys = top.items.map((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key));
    for (const k of keys) if (k !== 'observations') at(ctx, lineOfNode(lc, top), k, `unknown key "${k}": expected a list of observations, or { observations: [...] }`, 'unknown_key');
    seq = top.get('observations', true);
  }
  if (!isSeq(seq)) {
    at(ctx, 1, '', 'expected a list of observations, or { observations: [...] }', 'invalid_type');
    return { rows: [], issues: ctx.issues };
  }
  const rows: ImportedRow[] = [];
  seq.items.forEach((item, index) => {
    const line = lineOfNode(lc, item);
    if (!isMap(item)) {
      at(ctx, line, `[${index}]`, `expected an object with ${REQUIRED_COLUMNS.join(', ')}, got ${showValue((item as { toJSON?: () => unknown } | null)?.toJSON?.() ?? item)}`, 'invalid_type');
      return;
    }
    const fields = new Map<string, { value: unknown; line: number | undefined }>();
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      const node = pair.value as { toJSON?: () => unknown } | null;
      const value = node !== null && typeof node === 'object' && typeof node.toJSON === 'function' ? node.toJSON() : node;
      fields.set(key, { value, line: lineOfNode(lc, pair.key) });
      if (!COLUMNS.includes(key)) at(ctx, lineOfNode(lc, pair.key), key, `unknown field "${key}"${didYouMeanSuffix(key, COLUMNS)} (fields: ${COLUMNS.join(', ')})`, 'unknown_key');
    }
    const row = checkRow(ctx, (f) => fields.get(f)?.value, line, (f) => fields.get(f)?.line);
    if (row !== undefined) rows.push(row);
  });
  if (seq.items.length === 0) at(ctx, 1, '', 'the file holds no observations', 'empty');
  return { rows, issues: ctx.issues };
}

function lineOfNode(lc: LineCounter, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range === undefined ? undefined : lc.linePos(range[0]).line;
}

/**
 * Read an observations file by its name's extension: `.csv` as CSV, `.json`,
 * `.yaml`, `.yml` as a list of objects.
 */
export function readObservations(text: string, definitions: readonly SignalDefinition[], opts: ImportOptions & { file: string }): ImportResult {
  const lower = opts.file.toLowerCase();
  if (lower.endsWith('.csv')) return readObservationsCsv(text, definitions, opts);
  if (lower.endsWith('.json') || lower.endsWith('.yaml') || lower.endsWith('.yml')) return readObservationsJson(text, definitions, opts);
  return {
    rows: [],
    issues: [{ path: '', message: 'an observations file is .csv, .json or .yaml', file: opts.file, code: 'bad_file' }],
  };
}

/**
 * Check one observation given field by field (`payback signals add`): the
 * same rules as a file's rows, issues named by field.
 *
 * @example
 * readObservationFields({ signal: 'power-price', scope: 'eia', date: '2024-12-31', value: '83', unit: '$/MWh', source: 'EIA' }, defs).rows[0]?.value; // 83
 */
export function readObservationFields(fields: Readonly<Record<string, string | undefined>>, definitions: readonly SignalDefinition[], opts: Omit<ImportOptions, 'file'> = {}): ImportResult {
  const ctx = ctxOf(definitions, opts);
  const row = checkRow(ctx, (f) => fields[f], undefined, noLine);
  return { rows: row === undefined ? [] : [row], issues: ctx.issues };
}
