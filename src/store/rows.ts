/**
 * What both backends do to a row before writing it: check it (defensively: the
 * importer has already reported every problem with its line), normalize it and
 * compute its idempotency key.
 */
import { createHash } from 'node:crypto';
import { isIsoDate } from '../signals/dates.ts';
import { BASES, OPERATOR_CLASSES, type Basis, type OperatorClass } from '../signals/observation.ts';
import type { Observation, ObservationInput } from './types.ts';
import { StoreInputError } from './types.ts';

/** A row ready to insert: every field filled, the key computed. */
export interface NormalizedRow {
  signal: string;
  scope: string;
  date: string;
  value: number;
  unit: string;
  source: string;
  url: string | null;
  note: string | null;
  supersedes: number | null;
  operator: OperatorClass | null;
  accelerator: string | null;
  basis: Basis | null;
  facilityShare: number | null;
  key: string;
}

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');
function optional(s: string | null | undefined): string | null {
  if (s === undefined || s === null) return null;
  const t = squash(s);
  return t === '' ? null : t;
}

/**
 * The idempotency key: sha256 of the row's content, normalized (whitespace
 * squashed; scope and unit compared without case; the number in its shortest
 * form). The same observation imported twice has the same key.
 */
export function observationKey(r: Omit<NormalizedRow, 'key'>): string {
  const content = [
    r.signal,
    r.scope.toLowerCase(),
    r.date,
    String(r.value === 0 ? 0 : r.value),
    r.unit.toLowerCase(),
    r.source,
    r.url ?? '',
    r.note ?? '',
    r.supersedes === null ? '' : String(r.supersedes),
  ];
  // the scope joins the key only when it is given, so that a row written before scopes existed keeps its key
  if (r.operator !== null || r.accelerator !== null || r.basis !== null || r.facilityShare !== null) {
    content.push(r.operator ?? '', (r.accelerator ?? '').toLowerCase(), r.basis ?? '', r.facilityShare === null ? '' : String(r.facilityShare));
  }
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

const WS = /\s/;
const WS_RUN = /\s{2,}|[\t\n\r\f\v]/;
/** Trimmed, inner whitespace squashed to one space; the common clean case allocates nothing. */
function squashFast(v: string): string {
  const t = WS.test(v[0] ?? '') || WS.test(v[v.length - 1] ?? '') ? v.trim() : v;
  return WS_RUN.test(t) ? t.replace(/\s+/g, ' ') : t;
}

function requiredText(v: unknown, name: string, index: number): string {
  const t = typeof v === 'string' ? squashFast(v) : '';
  if (t === '') throw new StoreInputError(`observation ${index + 1}: ${name} is required`);
  return t;
}

/** Check and normalize one row; throws a StoreInputError naming the row. */
export function normalizeRow(r: ObservationInput, index: number): NormalizedRow {
  const signal = requiredText(r.signal, 'signal', index);
  const scope = requiredText(r.scope, 'scope', index);
  const date = requiredText(r.date, 'date', index);
  if (!isIsoDate(date)) throw new StoreInputError(`observation ${index + 1}: date must be a day written YYYY-MM-DD, got "${date}"`);
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw new StoreInputError(`observation ${index + 1}: value must be a finite number`);
  const unit = requiredText(r.unit, 'unit', index);
  const source = requiredText(r.source, 'source', index);
  const supersedes = r.supersedes ?? null;
  if (supersedes !== null && (!Number.isSafeInteger(supersedes) || supersedes < 1)) {
    throw new StoreInputError(`observation ${index + 1}: supersedes must be the id of an observation`);
  }
  const operator = r.operator ?? null;
  if (operator !== null && !(OPERATOR_CLASSES as readonly string[]).includes(operator)) {
    throw new StoreInputError(`observation ${index + 1}: operator must be one of ${OPERATOR_CLASSES.join(', ')}, got "${String(operator)}"`);
  }
  const basis = r.basis ?? null;
  if (basis !== null && !(BASES as readonly string[]).includes(basis)) throw new StoreInputError(`observation ${index + 1}: basis must be it-only or all-in, got "${String(basis)}"`);
  const facilityShare = r.facilityShare ?? null;
  if (facilityShare !== null && !(typeof facilityShare === 'number' && facilityShare >= 0 && facilityShare < 1)) {
    throw new StoreInputError(`observation ${index + 1}: facilityShare must be a share in [0, 1)`);
  }
  const accelerator = optional(r.accelerator);
  const row: NormalizedRow = {
    signal,
    scope,
    date,
    value: r.value === 0 ? 0 : r.value,
    unit,
    source,
    url: optional(r.url),
    note: optional(r.note),
    supersedes,
    operator,
    accelerator: accelerator === null ? null : accelerator.toLowerCase(),
    basis,
    facilityShare,
    key: '',
  };
  row.key = observationKey(row);
  return row;
}

/** Normalize every row and drop repeats inside the batch (the first one stays). */
export function prepareRows(rows: readonly ObservationInput[]): { unique: NormalizedRow[] } {
  const seen = new Set<string>();
  const unique: NormalizedRow[] = [];
  for (let i = 0; i < rows.length; i++) {
    const n = normalizeRow(rows[i] as ObservationInput, i);
    if (seen.has(n.key)) continue;
    seen.add(n.key);
    unique.push(n);
  }
  return { unique };
}

/** A database row (snake_case, ids maybe strings from PostgreSQL's bigint) → an Observation. */
export function toObservation(r: Record<string, unknown>): Observation {
  const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r['id']),
    signal: String(r['signal']),
    scope: String(r['scope']),
    date: String(r['date']),
    value: Number(r['value']),
    unit: String(r['unit']),
    source: String(r['source']),
    url: (r['url'] as string | null) ?? null,
    note: (r['note'] as string | null) ?? null,
    recordedAt: String(r['recorded_at']),
    supersedes: num(r['supersedes']),
    supersededBy: num(r['superseded_by']),
    key: String(r['key']),
    operator: (r['operator_class'] as OperatorClass | null | undefined) ?? null,
    accelerator: (r['accelerator'] as string | null | undefined) ?? null,
    basis: (r['basis'] as Basis | null | undefined) ?? null,
    facilityShare: num(r['facility_share']),
  };
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The message when a row tries to correct one that is already corrected. */
export const alreadyCorrected = (target: number, by: number | string): string =>
  `observation ${target} is already corrected by observation ${by}: supersede ${by} instead (history stays visible with --history)`;
