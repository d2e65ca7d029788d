/**
 * The Explore page's sliders: the main drivers of a scenario as the analyses
 * define them (`src/analysis/drivers.ts`: a Series given year by year moves by
 * scaling, so a ramp keeps its shape; the paid share rescales the segments'
 * token shares), with a range a hand can use, a short URL key and a format.
 */
import { isSeq, parseDocument } from 'yaml';
import { defaultDriverPaths, makeDriver, type Driver } from '../../src/analysis/drivers.ts';
import { checkInputPath, PAID_SHARE } from '../../src/analysis/paths.ts';
import type { Scenario } from '../../src/model/schema.ts';
import { pct, price } from '../../src/report/format.ts';
import { isSliderKey, SHORT_KEYS } from './slider-keys.ts';

export interface Slider {
  /** the URL key */
  key: string;
  label: string;
  group: 'Demand' | 'Pricing' | 'Fleet' | 'Power' | 'Finance';
  /** the MODEL.md path it sets (the analyses' driver path) */
  path: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  base: number;
  format: (v: number) => string;
  /** the scenario with this slider at `v` (a new object; the input is not changed) */
  apply: <S extends Scenario>(s: S, v: number) => S;
  /** where it writes in the scenario file, by index (for writing slider values into the YAML) */
  writes: (s: Scenario) => PropertyKey[][];
  hint?: string;
  driver: Driver;
}

/** The extra sliders beyond the analyses' default drivers (MODEL.md §5 plus the brief's list). */
const EXTRA_PATHS = ['fleet.depreciationYears', 'finance.debt.share'];

const SHORT = SHORT_KEYS;
/** A tranche's rate or spread (MODEL.md §9): `finance.debt[ddtl-2].spread` → URL key `spread.ddtl-2`. */
const TRANCHE_PATH = /^finance\.debt\[([^\]]+)\]\.(rate|spread)$/;
const isDebtRate = (path: string): boolean => path === 'finance.baseRate' || TRANCHE_PATH.test(path);
const SEGMENT_PATH = /^demand\.segments\[([^\]]+)\]\.pricing\.(.+)$/;
const CHANGE_FIELDS = ['changePerYear', 'subscription.arpuChangePerYear'];

function keyOf(path: string): string {
  const short = SHORT[path];
  if (short !== undefined) return short;
  const tr = TRANCHE_PATH.exec(path);
  if (tr !== null) return `${tr[2]}.${tr[1]}`;
  const m = SEGMENT_PATH.exec(path);
  if (m !== null) return `${CHANGE_FIELDS.includes(m[2] as string) ? 'decline' : 'price'}.${m[1]}`;
  return path;
}

function groupOf(path: string): Slider['group'] {
  if (path.startsWith('demand.segments')) return 'Pricing';
  if (path.startsWith('demand') || path === PAID_SHARE) return 'Demand';
  if (path.startsWith('site.power')) return 'Power';
  if (path.startsWith('finance')) return 'Finance';
  return 'Fleet';
}

const niceStep = (x: number): number => {
  if (!(x > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  const m = x / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
};
const perYear = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${pct(Math.abs(v), Math.abs(v) < 0.1 && v !== 0 ? 1 : 0).replace(' %', ' %/yr')}`;

/** A hand-sized range around the base: [lo, hi] of the UI, inside the driver's valid range. */
function uiRange(path: string, d: Driver): { min: number; max: number; step: number } {
  const b = d.base;
  const unit = d.info.unit;
  let min: number;
  let max: number;
  let step: number;
  if (d.integer) {
    min = 1;
    max = Math.max(10, Math.ceil(b));
    step = 1;
  } else if (d.info.kind === 'share') {
    min = 0;
    max = 1;
    step = 0.01;
  } else if (d.info.kind === 'rate' && isDebtRate(path)) {
    // the base rate and a tranche's rate or spread: 0 … 30 %, in steps of a quarter point
    min = 0;
    max = 0.3;
    step = 0.0025;
  } else if (d.info.kind === 'rate') {
    const wacc = path === 'finance.wacc';
    min = wacc ? 0 : unit === 'per year' && path.includes('softwareGain') ? -0.1 : -0.6;
    max = wacc ? 0.3 : path.includes('softwareGain') ? 0.6 : 0.3;
    step = wacc ? 0.005 : 0.01;
  } else if (path === 'fleet.capexPerAccelerator') {
    step = 500;
    min = Math.floor((b * 0.3) / step) * step;
    max = Math.ceil((b * 2) / step) * step;
  } else if (path === 'site.power.pricePerMWh') {
    min = 0;
    max = Math.max(250, Math.ceil(b * 3));
    step = 1;
  } else {
    min = 0;
    max = b > 0 ? b * 3 : 1;
    step = niceStep(max / 300);
    max = Math.ceil(max / step) * step;
  }
  min = Math.min(Math.max(min, d.lo), b);
  max = Math.max(Math.min(max, d.hi), b);
  return { min, max, step };
}

const whole = new Intl.NumberFormat('en-US');
const upTo1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const upTo3 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

function formatFor(d: Driver, step: number): (v: number) => string {
  const { kind, unit } = d.info;
  if (d.integer) return (v) => `${v} y`;
  if (kind === 'share') return (v) => pct(v, 0);
  if (kind === 'rate' && isDebtRate(d.path)) return (v) => pct(v, 2);
  if (kind === 'rate') return unit === 'per year' && d.path !== 'finance.wacc' ? perYear : (v) => pct(v, 1);
  if (d.path === 'site.power.pricePerMWh') return (v) => `$${Math.round(v)}/MWh`;
  if (d.path === 'fleet.capexPerAccelerator') return (v) => `$${whole.format(Math.round(v))}`;
  if (d.path === 'demand.tokensPerYear') return (v) => `${upTo1.format(v / 1e12)}T`;
  if (kind === 'money') return (v) => price(v, step < 0.01 ? 3 : 2);
  return (v) => upTo3.format(v);
}

/** The scenario-file places a driver path writes to, by index. */
function writesOf(path: string): (s: Scenario) => PropertyKey[][] {
  if (path === PAID_SHARE) return (s) => s.demand.segments.map((_, i) => ['demand', 'segments', i, 'tokenShare']);
  const m = SEGMENT_PATH.exec(path);
  if (m !== null) {
    const id = m[1] as string;
    const rest = (m[2] as string).split('.');
    return (s) => {
      const i = s.demand.segments.findIndex((seg) => seg.id === id);
      return i < 0 ? [] : [['demand', 'segments', i, 'pricing', ...rest]];
    };
  }
  const tr = TRANCHE_PATH.exec(path);
  if (tr !== null) {
    return (s) => {
      const list = Array.isArray(s.finance.debt) ? s.finance.debt : [];
      const i = list.findIndex((x, k) => (x.id ?? `debt-${k + 1}`) === tr[1]);
      return i < 0 ? [] : [['finance', 'debt', i, tr[2] as string]];
    };
  }
  const keys = path.split('.');
  return () => [keys];
}

/** The sliders for a scenario, in the order they are shown. */
export function slidersFor(s: Scenario): Slider[] {
  const paths = [...defaultDriverPaths(s), ...EXTRA_PATHS.filter((p) => checkInputPath(s, p) === null)];
  const out: Slider[] = [];
  for (const path of paths) {
    let d: Driver;
    try {
      d = makeDriver(s, path);
    } catch {
      continue;
    }
    const { min, max, step } = uiRange(path, d);
    const label = d.mode === 'scale' ? `${d.info.label} (average)` : d.info.label;
    out.push({
      key: keyOf(path),
      label,
      group: groupOf(path),
      path: d.path,
      unit: d.info.unit,
      min,
      max,
      step,
      base: d.base,
      format: formatFor(d, step),
      apply: (sc, v) => d.apply(sc, v),
      writes: writesOf(path),
      driver: d,
      ...(d.mode === 'scale' && { hint: 'scales the yearly path so that its average over the horizon is this value' }),
      ...(path === PAID_SHARE && { hint: 'the cash segments together; the proportions inside each group stay' }),
    });
  }
  const order: Slider['group'][] = ['Demand', 'Pricing', 'Fleet', 'Power', 'Finance'];
  return out.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

/** The slider values the URL sets that differ from the base, clamped to each slider's range. */
export function overridesFrom(sliders: readonly Slider[], params: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const sl of sliders) {
    const raw = params[sl.key];
    if (raw === undefined) continue;
    const v = Number(raw);
    if (!Number.isFinite(v)) continue;
    const c = Math.min(sl.max, Math.max(sl.min, v));
    if (c !== sl.base) out.set(sl.key, c);
  }
  return out;
}

/** The scenario with the slider values set. */
export function applyOverrides<S extends Scenario>(base: S, sliders: readonly Slider[], values: ReadonlyMap<string, number>): S {
  let s = base;
  for (const sl of sliders) {
    const v = values.get(sl.key);
    if (v !== undefined) s = sl.apply(s, v);
  }
  return s;
}

export { isSliderKey };

function getIn(obj: unknown, path: readonly PropertyKey[]): unknown {
  let o = obj;
  for (const k of path) {
    if (o === null || typeof o !== 'object') return undefined;
    o = (o as Record<PropertyKey, unknown>)[k];
  }
  return o;
}

/**
 * The scenario text with the slider values written in (comments and layout
 * kept): what is saved, downloaded or reported is what the sliders show.
 */
export function yamlWithOverrides(text: string, overridden: Scenario, sliders: readonly Slider[], values: ReadonlyMap<string, number>): string {
  if (values.size === 0) return text;
  const doc = parseDocument(text);
  for (const sl of sliders) {
    if (!values.has(sl.key)) continue;
    for (const path of sl.writes(overridden)) {
      const raw = getIn(overridden, path);
      if (raw === undefined) continue;
      // a scaled ramp is written with ten significant digits, not binary noise
      const tidy = (x: unknown): unknown => (typeof x === 'number' ? Number(x.toPrecision(10)) : Array.isArray(x) ? x.map(tidy) : x);
      const v = tidy(raw);
      const node = doc.createNode(v, { flow: true });
      if (isSeq(node)) node.flow = true;
      doc.setIn(path, node);
    }
  }
  return doc.toString({ lineWidth: 0 });
}
