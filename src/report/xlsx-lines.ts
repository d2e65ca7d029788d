/**
 * The pieces every sheet of the spreadsheet export is made of: units and
 * number formats, defined names, and lines (a key, a unit, a note and a cell
 * per year) laid out into rows once they are all declared. `xlsx.ts` builds
 * Inputs, Model and Summary from them, `xlsx-debt.ts` the Debt sheet.
 */
// ---------------------------------------------------------------------------
// Units and formats

export type Unit =
  | 'usd'
  | 'usdPerMW'
  | 'usdPerMTok'
  | 'usdPerUnit'
  | 'tokens'
  | 'computeUnits'
  | 'share'
  | 'count'
  | 'number'
  | 'index'
  | 'flag'
  | 'years'
  | 'ratio'
  | 'tps'
  | 'mwh'
  | 'hours'
  | 'users';

export const UNIT: Record<Unit, { label: string; fmt: string }> = {
  usd: { label: '$', fmt: '$#,##0;[Red]-$#,##0' },
  usdPerMW: { label: '$ per MW', fmt: '$#,##0;[Red]-$#,##0' },
  usdPerMTok: { label: '$ per M tokens', fmt: '$#,##0.0000;[Red]-$#,##0.0000' },
  usdPerUnit: { label: '$ per compute unit', fmt: '0.000E+00' },
  tokens: { label: 'tokens', fmt: '0.000E+00' },
  computeUnits: { label: 'compute units', fmt: '0.000E+00' },
  share: { label: 'share', fmt: '0.0%' },
  count: { label: 'accelerators', fmt: '#,##0' },
  number: { label: 'count', fmt: '0' },
  index: { label: 'index', fmt: '0' },
  flag: { label: '1 = yes', fmt: '0' },
  years: { label: 'years', fmt: '0.00' },
  ratio: { label: '×', fmt: '0.000' },
  tps: { label: 'tokens/s', fmt: '#,##0.0' },
  mwh: { label: 'MWh', fmt: '#,##0' },
  hours: { label: 'accelerator-hours', fmt: '#,##0' },
  users: { label: 'users', fmt: '#,##0' },
};

/** Column letters of a 1-based column number. */
export function colName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------
// Inputs

export type InputValue = number | boolean | string;

export interface InputSpec {
  path: string;
  /** the defined name formulas use */
  name?: string;
  unit: string;
  fmt?: string;
  /** a scalar, or one value per operating year (a Series) */
  value: InputValue | number[];
  source: string;
  note?: string;
  /** text values a cell may take (a drop-down) */
  choices?: string[];
}

export const FMT_MONEY = '$#,##0.00';
export const FMT_RATE = '0.0%';
export const FMT_NUM = '#,##0.####';
export const FMT_INT = '0';

/** A segment's id as a piece of a defined name: `cloud-api` → `cloud_api`. */
export const segName = (id: string): string => `seg_${id.replace(/-/g, '_')}`;

/** A defined name must not read as a cell (A1 or R1C1) and must start with a letter. */
export function checkName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) || /^[A-Za-z]{1,3}[0-9]+$/.test(name) || /^[Rr]([0-9]*)[Cc]?([0-9]*)$/.test(name) || /^[Cc][0-9]*$/.test(name)) {
    throw new Error(`not a usable defined name: ${name}`);
  }
  return name;
}

// ---------------------------------------------------------------------------
// Lines: a key, a unit, a note, a cell per column; rows are assigned after all are declared

/** A cell: a formula (without `=`), a constant, or nothing. */
export type CellSpec = { f: string } | number | null;
export type Cached = number | boolean | null | undefined;

export interface Line {
  key: string;
  unit: Unit;
  note: string;
  at: (t: number) => CellSpec;
  /** the engine's value for the cell (null = no value); undefined when the result does not hold the line */
  cached?: (t: number) => Cached;
  bold?: boolean;
}
export type Item = Line | { section: string };

export class Rows {
  readonly items: Item[] = [];
  private readonly row = new Map<string, number>();
  constructor(private readonly sheet: string) {}
  section(title: string): void {
    this.items.push({ section: title });
  }
  line(l: Line): void {
    if (this.items.some((i) => 'key' in i && i.key === l.key)) throw new Error(`duplicate line ${l.key}`);
    this.items.push(l);
  }
  layout(first: number): void {
    let r = first;
    for (const it of this.items) {
      if ('key' in it) this.row.set(it.key, r);
      r++;
    }
  }
  r(key: string): number {
    const n = this.row.get(key);
    if (n === undefined) throw new Error(`${this.sheet}: no line ${key}`);
    return n;
  }
  has(key: string): boolean {
    return this.items.some((i) => 'key' in i && i.key === key);
  }
}

export const F = (f: string): CellSpec => ({ f });
/** MODEL.md's `g(r, t) = (1 + r)^(t−1)` as a formula on the `t` cell. */
export const g = (rate: string, t: string): string => `(1+${rate})^(${t}-1)`;
/** A Series input's value in the year of the `t` cell. */
export const yearOf = (name: string, t: string): string => `INDEX(${name},1,${t})`;

export const asCached = (v: number | boolean | null | undefined): Cached => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
