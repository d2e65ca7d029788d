/**
 * Every input of a resolved scenario as a row — path, value, unit, source —
 * for the report's Assumptions section (and any export that lists inputs).
 *
 * Pure: the scenario file's text and the catalog row come in as values. The
 * source of an input is, in order: the comment on its line in the scenario
 * file (the built-ins cite their sources there), the catalog row it was
 * merged from, "default" when the file does not set it, else "scenario file".
 */
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { CatalogRow, Distribution, Scenario } from '../model/schema.ts';

export type InputOrigin = 'file' | 'catalog' | 'default' | 'scenario';

export interface InputRow {
  /** MODEL.md path: `site.power.pricePerMWh`, `demand.segments[cloud-api].pricing.perMTok` */
  path: string;
  /** the value as written for people: numbers in full, series as lists */
  value: string;
  unit: string;
  origin: InputOrigin;
  /** the comment or citation behind the value; empty when there is none */
  source: string;
}

export interface InputRowOptions {
  /** the scenario file's text (YAML or JSON); tells given from default and carries line comments */
  text?: string | undefined;
  /** the catalog row `fleet.accelerator` names, when there is one */
  catalogRow?: CatalogRow | undefined;
}

/** The keys that describe the scenario rather than feed the model. */
const META_KEYS = new Set(['id', 'name', 'description', 'sources', 'uncertainty', 'correlation']);
/** Fleet fields the catalog supplies. */
const CATALOG_FIELDS = new Set(['kWPerAccelerator', 'tokensPerSecond', 'capexPerAccelerator']);

/** Units by the path's last key (and a few by their parent). */
const UNITS: Record<string, string> = {
  startYear: 'calendar year',
  years: 'years',
  itMW: 'MW of IT load',
  pue: 'ratio',
  pricePerMWh: '$ per MWh',
  escalationPerYear: 'rate per year',
  idleFraction: 'share of peak draw',
  mode: '',
  capexPerMW: '$ per MW',
  lifeYears: 'years',
  leasePerKWMonth: '$ per kW-month',
  termYears: 'years',
  accelerator: 'catalog id',
  kWPerAccelerator: 'kW per accelerator',
  tokensPerSecond: 'tokens/s per accelerator',
  capexPerAccelerator: '$ per accelerator',
  usefulLifeYears: 'years',
  depreciationYears: 'years',
  residualValue: 'share of capex',
  refresh: 'yes/no',
  perfGainPerYear: '× per year of technology',
  capexChangePerYear: '× per year of technology',
  maintenancePctPerYear: 'share of capex per year',
  rentPerAcceleratorHour: '$ per accelerator-hour',
  rentChangePerYear: 'rate per year',
  rentTermYears: 'years',
  softwareGainPerYear: 'rate per year',
  utilization: 'share of capacity',
  tokensPerYear: 'tokens per year',
  growthPerYear: 'rate per year',
  maxUtilization: 'share of capacity',
  label: '',
  kind: '',
  payer: '',
  tokenShare: 'share of tokens',
  computeIntensity: 'compute units per token',
  hiddenReasoningShare: 'share of tokens',
  reasoningBilled: 'yes/no',
  perMTok: '$ per M billed tokens',
  changePerYear: 'rate per year',
  discount: 'share of list price',
  arpuPerMonth: '$ per user-month',
  tokensPerUserMonth: 'tokens per user-month',
  arpuChangePerYear: 'rate per year',
  usageGrowthPerYear: 'rate per year',
  perAcceleratorHour: '$ per accelerator-hour',
  techPremiumPerYear: '× per year of technology',
  imputedPerMTok: '$ per M billed tokens (imputed)',
  none: '',
  wacc: 'rate per year',
  taxRate: 'rate',
  terminalValue: '',
  share: 'share of capex',
  rate: 'rate per year',
  amortization: '',
  fixedPerMWYear: '$ per MW-year',
  otherCostPerMTok: '$ per M tokens',
  minMargin: 'gross margin',
};

/** A number in full, grouped: `12,000,000`, `0.055`. */
export function fullNumber(x: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: 12, useGrouping: Math.abs(x) >= 10_000 });
}

function show(v: unknown): string {
  if (typeof v === 'number') return fullNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

/** A distribution as one line: `triangular (min 50,000, mode 60,000, max 75,000)`. */
export function showDistribution(d: Distribution): string {
  const parts = Object.entries(d)
    .filter(([k, v]) => k !== 'dist' && v !== undefined)
    .map(([k, v]) => `${k} ${show(v)}`);
  return `${d.dist}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

interface Leaf {
  path: string;
  /** the path in the raw document: list elements by index */
  raw: (string | number)[];
  key: string;
  value: unknown;
}

function leaves(value: unknown, path: string, raw: (string | number)[], key: string, out: Leaf[]): void {
  if (Array.isArray(value) && value.some((x) => x !== null && typeof x === 'object')) {
    value.forEach((item, i) => {
      const id = (item as { id?: unknown }).id;
      const p = `${path}[${typeof id === 'string' ? id : i}]`;
      leaves(item, p, [...raw, i], key, out);
    });
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (path === '' && META_KEYS.has(k)) continue;
      if (k === 'id' && path !== '') continue;
      leaves(v, path === '' ? k : `${path}.${k}`, [...raw, k], k, out);
    }
    return;
  }
  out.push({ path, raw, key, value });
}

interface Located {
  present: boolean;
  comment: string;
}

/** Find a raw path in the document; its comment is its own or the nearest enclosing one-line (flow) collection's. */
function locator(text: string | undefined): ((raw: (string | number)[]) => Located) | undefined {
  if (text === undefined) return undefined;
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return undefined;
  return (raw) => {
    let node: unknown = doc.contents;
    let comment = '';
    for (const seg of raw) {
      let next: unknown;
      if (isMap(node)) next = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.value;
      else if (isSeq(node) && typeof seg === 'number') next = node.items[seg];
      if (next === undefined || next === null) return { present: false, comment: '' };
      const n = next as YamlNode & { flow?: boolean };
      if (typeof n.comment === 'string' && n.comment.trim() !== '' && (isScalar(n) || n.flow === true)) comment = n.comment.trim();
      else if (!(isScalar(n) || n.flow === true)) comment = '';
      node = next;
    }
    return { present: true, comment };
  };
}

/**
 * Every input of the scenario, in file order, with its value, unit and source.
 * The uncertainty distributions (used by Monte Carlo) follow as `uncertainty["path"]` rows.
 *
 * @example
 * inputRows(scenario, { text: readFileSync(file, 'utf8'), catalogRow })
 * // [{ path: 'site.itMW', value: '100', unit: 'MW of IT load', origin: 'file', source: '' }, …]
 */
export function inputRows(scenario: Scenario, opts: InputRowOptions = {}): InputRow[] {
  const found: Leaf[] = [];
  leaves(scenario, '', [], '', found);
  const locate = locator(opts.text);
  const row = opts.catalogRow;
  const rows = found.map((l): InputRow => {
    const unit = UNITS[l.key] ?? '';
    const loc = locate?.(l.raw);
    const fromCatalog = row !== undefined && l.raw[0] === 'fleet' && CATALOG_FIELDS.has(l.key) && l.raw.length === 2;
    const catalogText = row !== undefined ? `catalog ${row.id} (${row.name}${row.confidence ? `, confidence ${row.confidence}` : ''}): ${row.source}` : '';
    let origin: InputOrigin;
    let source: string;
    if (loc === undefined) {
      origin = 'scenario';
      source = fromCatalog && row !== undefined && (row as Record<string, unknown>)[l.key] === l.value ? catalogText : '';
    } else if (loc.present) {
      origin = 'file';
      source = loc.comment;
    } else if (fromCatalog) {
      origin = 'catalog';
      source = catalogText;
    } else {
      origin = 'default';
      source = 'not set in the file: the default of the scenario format (MODEL.md §2)';
    }
    return { path: l.path, value: show(l.value), unit, origin, source };
  });
  for (const [path, d] of Object.entries(scenario.uncertainty ?? {})) {
    const loc = locate?.(['uncertainty', path]);
    rows.push({ path: `uncertainty["${path}"]`, value: showDistribution(d), unit: UNITS[path.split('.').pop() ?? ''] ?? '', origin: loc === undefined ? 'scenario' : 'file', source: loc?.comment ?? '' });
  }
  return rows;
}
