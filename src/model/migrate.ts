/**
 * MODEL.md v1 → v2. A v1 file states the hardware a refresh buys per
 * generation (`fleet.nextGeneration { perfGain, capexChange }`) and the
 * premium of a newer generation's hour per generation
 * (`pricing.generationStep`); v2 states them per calendar year
 * (`fleet.technology { perfGainPerYear, capexChangePerYear }`,
 * `pricing.techPremiumPerYear`). The conversion takes the `1/L`-th power of
 * each (`L = fleet.usefulLifeYears`), which keeps every v1 result at the
 * file's own useful life. The loader refuses a v1 file with the v2 form
 * spelled out (`v1Findings`); `migrateScenarioText` rewrites one, comments and
 * sources kept.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, parseDocument, type YAMLMap } from 'yaml';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A v1 form in a raw scenario, and what v2 says instead. */
export interface V1Finding {
  path: PropertyKey[];
  message: string;
}

/** The v1 fields of a raw scenario, each with its v2 form and converted numbers. */
export function v1Findings(raw: unknown): V1Finding[] {
  const out: V1Finding[] = [];
  if (!isRecord(raw)) return out;
  const fleet = isRecord(raw['fleet']) ? raw['fleet'] : undefined;
  const L = lifeOf(raw);
  const rent = fleet?.['mode'] === 'rent';
  const cmd = 'run `payback migrate FILE` to rewrite the file';
  if (fleet !== undefined && 'nextGeneration' in fleet) {
    const next = isRecord(fleet['nextGeneration']) ? fleet['nextGeneration'] : {};
    const perf = isNum(next['perfGain']) ? next['perfGain'] : 1;
    const capex = isNum(next['capexChange']) ? next['capexChange'] : 1;
    let message: string;
    if (rent) message = `fleet.nextGeneration is MODEL.md v1 and never acted on a rented fleet: delete it (${cmd})`;
    else if (L === undefined)
      message =
        `fleet.nextGeneration is MODEL.md v1: v2 states the hardware on sale per year, fleet.technology { perfGainPerYear: perfGain^(1/usefulLifeYears), ` +
        `capexChangePerYear: capexChange^(1/usefulLifeYears) }; give fleet.usefulLifeYears, then ${cmd}`;
    else
      message =
        `fleet.nextGeneration is MODEL.md v1 (the hardware a refresh buys per generation); v2 states the hardware on sale per year: ` +
        `technology: { perfGainPerYear: ${perYear(perf, L)}, capexChangePerYear: ${perYear(capex, L)} } ` +
        `(${perf}^(1/${L}) and ${capex}^(1/${L}) over usefulLifeYears ${L}: the same results at that life); ${cmd}`;
    out.push({ path: ['fleet', 'nextGeneration'], message });
  }
  const demand = isRecord(raw['demand']) ? raw['demand'] : undefined;
  const segments = Array.isArray(demand?.['segments']) ? (demand['segments'] as unknown[]) : [];
  segments.forEach((seg, i) => {
    const pricing = isRecord(seg) && isRecord(seg['pricing']) ? seg['pricing'] : undefined;
    if (pricing === undefined || !('generationStep' in pricing)) return;
    const step = isNum(pricing['generationStep']) ? pricing['generationStep'] : 1;
    let message: string;
    if (rent) message = `pricing.generationStep is MODEL.md v1 and never acted on a rented fleet (one generation): delete it (${cmd})`;
    else if (L === undefined)
      message = `pricing.generationStep is MODEL.md v1: v2 states the premium per year of technology, techPremiumPerYear: generationStep^(1/usefulLifeYears); give fleet.usefulLifeYears, then ${cmd}`;
    else
      message =
        `pricing.generationStep is MODEL.md v1 (an hour of the next generation rents for more per refresh); v2 prices it per year of technology: ` +
        `techPremiumPerYear: ${perYear(step, L)} (${step}^(1/${L})); ${cmd}`;
    out.push({ path: ['demand', 'segments', i, 'pricing', 'generationStep'], message });
  });
  const unc = isRecord(raw['uncertainty']) ? raw['uncertainty'] : undefined;
  for (const key of Object.keys(unc ?? {})) {
    const to = v2PathOf(key);
    if (to !== undefined) out.push({ path: ['uncertainty', key], message: `a MODEL.md v1 path: v2 names it ${to === '' ? '(nothing: it never acted on a rented fleet)' : to}; ${cmd}` });
  }
  return out;
}

function lifeOf(raw: Record<string, unknown>): number | undefined {
  const fleet = isRecord(raw['fleet']) ? raw['fleet'] : undefined;
  const L = fleet?.['usefulLifeYears'];
  return typeof L === 'number' && Number.isInteger(L) && L >= 1 && L <= 50 ? L : undefined;
}

/** `m^(1/L)`: a multiplier per generation of L years as a multiplier per year. */
export const perYear = (m: number, L: number): number => (m === 1 ? 1 : Math.pow(m, 1 / L));

/** The v2 path of a v1 uncertainty path ('' when it is dropped), undefined when the path is not v1. */
function v2PathOf(path: string): string | undefined {
  if (path === 'fleet.nextGeneration.perfGain') return 'fleet.technology.perfGainPerYear';
  if (path === 'fleet.nextGeneration.capexChange') return 'fleet.technology.capexChangePerYear';
  const m = /^(demand\.segments\[[^\]]+\]\.pricing)\.generationStep$/.exec(path);
  if (m !== null) return `${m[1]}.techPremiumPerYear`;
  return undefined;
}

/** What `migrateScenarioText` gives. */
export type MigrateResult = { ok: true; text: string; changed: boolean; notes: string[] } | { ok: false; message: string };

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Rewrite a v1 scenario text as v2, as a few edits of the text itself, so
 * that comments, sources, layout and quoting stay as they were (JSON stays
 * JSON). `fleet.nextGeneration` becomes `fleet.technology`, `generationStep`
 * becomes `techPremiumPerYear` (dropped on a rented fleet, where it never
 * acted), each to the power `1/usefulLifeYears`; uncertainty entries on those
 * fields are renamed and mapped the same way (value, min, mode, max, p5, p95,
 * mean and discrete values each to that power; sd by the delta method), with
 * a note that the Monte Carlo's shape changes; correlation paths are renamed.
 *
 * @example
 * const r = migrateScenarioText(readFileSync('old.yaml', 'utf8'));
 * if (r.ok) process.stdout.write(r.text);
 */
export function migrateScenarioText(text: string): MigrateResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { ok: false, message: `the file does not parse: ${doc.errors[0]?.message ?? 'syntax error'}` };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return { ok: false, message: `the file cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!isRecord(raw)) return { ok: false, message: 'the file is not a scenario (expected a map at the top level)' };
  const findings = v1Findings(raw);
  if (findings.length === 0) return { ok: true, text, changed: false, notes: ['already MODEL.md v2: nothing to change'] };
  const rent = isRecord(raw['fleet']) && raw['fleet']['mode'] === 'rent';
  const L = lifeOf(raw);
  if (L === undefined && !rent) return { ok: false, message: 'fleet.usefulLifeYears (a whole number of years from 1 to 50) is needed to convert the per-generation fields to per-year ones' };
  const life = L ?? 1;
  const edits: Edit[] = [];
  const notes: string[] = [];
  const rename = (key: unknown, name: string): void => {
    const r = rangeOf(key);
    if (r === undefined) return;
    const old = text.slice(r[0], r[1]);
    const q = old.startsWith('"') ? '"' : old.startsWith("'") ? "'" : '';
    edits.push({ start: r[0], end: r[1], text: `${q}${name}${q}` });
  };
  const setNumber = (node: unknown, x: number): void => {
    const r = rangeOf(node);
    if (r !== undefined) edits.push({ start: r[0], end: r[1], text: String(x) });
  };

  // fleet.nextGeneration → fleet.technology
  const fleet = doc.get('fleet', true) as Node | undefined;
  if (isMap(fleet)) {
    const pair = findPair(fleet, 'nextGeneration');
    if (pair !== undefined) {
      if (rent) {
        edits.push(removal(text, fleet, pair));
        notes.push('fleet.nextGeneration dropped: it never acted on a rented fleet');
      } else {
        rename(pair.key, 'technology');
        const parts: string[] = [];
        if (isMap(pair.value)) {
          for (const [from, to] of [
            ['perfGain', 'perfGainPerYear'],
            ['capexChange', 'capexChangePerYear'],
          ] as const) {
            const inner = findPair(pair.value, from);
            if (inner === undefined) continue;
            const v = isScalar(inner.value) && isNum(inner.value.value) ? inner.value.value : 1;
            rename(inner.key, to);
            setNumber(inner.value, perYear(v, life));
            parts.push(`${from} ${v} → ${to} ${perYear(v, life)}`);
          }
        }
        notes.push(`fleet.nextGeneration → fleet.technology: ${parts.length === 0 ? 'defaults (1)' : parts.join(', ')} (to the power 1/${life}, usefulLifeYears ${life})`);
      }
    }
  }

  // pricing.generationStep → pricing.techPremiumPerYear
  const segs = doc.getIn(['demand', 'segments'], true) as Node | undefined;
  if (isSeq(segs)) {
    segs.items.forEach((seg, i) => {
      if (!isMap(seg)) return;
      const pricing = seg.get('pricing', true) as Node | undefined;
      if (!isMap(pricing)) return;
      const pair = findPair(pricing, 'generationStep');
      if (pair === undefined) return;
      const id = String(seg.get('id') ?? i);
      if (rent) {
        edits.push(removal(text, pricing, pair));
        notes.push(`demand.segments[${id}].pricing.generationStep dropped: it never acted on a rented fleet`);
        return;
      }
      const step = isScalar(pair.value) && isNum(pair.value.value) ? pair.value.value : 1;
      rename(pair.key, 'techPremiumPerYear');
      setNumber(pair.value, perYear(step, life));
      notes.push(`demand.segments[${id}].pricing.generationStep ${step} → techPremiumPerYear ${perYear(step, life)} (to the power 1/${life})`);
    });
  }

  // uncertainty entries and correlation paths
  const unc = doc.get('uncertainty', true) as Node | undefined;
  if (isMap(unc)) {
    for (const pair of unc.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const to = v2PathOf(key);
      if (to === undefined) continue;
      if (rent) {
        edits.push(removal(text, unc, pair as Pair));
        notes.push(`uncertainty["${key}"] dropped: it never acted on a rented fleet`);
        continue;
      }
      rename(pair.key, to);
      if (isMap(pair.value)) mapDistribution(pair.value, life, setNumber);
      notes.push(`uncertainty["${key}"] → uncertainty["${to}"], its values to the power 1/${life}: the Monte Carlo's distribution changes shape (a spread per generation becomes one per year)`);
    }
  }
  const corrPaths = doc.getIn(['correlation', 'paths'], true) as Node | undefined;
  if (isSeq(corrPaths)) {
    for (const item of corrPaths.items) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const to = v2PathOf(item.value);
      if (to !== undefined && !rent) rename(item, to);
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { ok: true, text: out, changed: true, notes };
}

function rangeOf(node: unknown): [number, number] | undefined {
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  return [node.range[0], node.range[1]];
}

/** The text to cut to remove a pair from its map: its whole lines in a block map; the item and a comma in a flow map. */
function removal(text: string, map: YAMLMap, pair: Pair): Edit {
  const keyStart = (pair.key as Node | null)?.range?.[0] ?? 0;
  const valueEnd = ((pair.value as Node | null)?.range?.[1] ?? keyStart) as number;
  if (map.flow === true) {
    const i = map.items.indexOf(pair);
    const prev = map.items[i - 1];
    const next = map.items[i + 1];
    if (prev !== undefined) {
      const prevEnd = ((prev.value as Node | null)?.range?.[1] ?? (prev.key as Node | null)?.range?.[1] ?? keyStart) as number;
      return { start: prevEnd, end: valueEnd, text: '' };
    }
    if (next !== undefined) return { start: keyStart, end: (next.key as Node | null)?.range?.[0] ?? valueEnd, text: '' };
    return { start: keyStart, end: valueEnd, text: '' };
  }
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const valueNodeEnd = ((pair.value as Node | null)?.range?.[2] ?? valueEnd) as number;
  const nl = text.indexOf('\n', Math.max(valueNodeEnd - 1, valueEnd));
  return { start: lineStart, end: nl < 0 ? text.length : nl + 1, text: '' };
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => (isScalar(p.key) ? p.key.value === key : p.key === key)) as Pair | undefined;
}

/** A distribution's values to the power 1/L (sd by the delta method around the mean). */
function mapDistribution(map: YAMLMap, L: number, setNumber: (node: unknown, x: number) => void): void {
  const p = (x: number): number => Math.pow(x, 1 / L);
  const numberAt = (k: string): { node: unknown; v: number } | undefined => {
    const node = map.get(k, true);
    return isScalar(node) && isNum(node.value) ? { node, v: node.value } : undefined;
  };
  const mean = numberAt('mean');
  for (const k of ['value', 'min', 'mode', 'max', 'p5', 'p95', 'mean']) {
    const n = numberAt(k);
    if (n !== undefined && n.v > 0) setNumber(n.node, p(n.v));
  }
  const sd = numberAt('sd');
  if (sd !== undefined && mean !== undefined && mean.v > 0) setNumber(sd.node, (sd.v / L) * Math.pow(mean.v, 1 / L - 1));
  const values = map.get('values', true) as Node | undefined;
  if (isSeq(values)) {
    for (const item of values.items) if (isScalar(item) && isNum(item.value) && item.value > 0) setNumber(item, p(item.value));
  }
}

/** The v1 keys the loader reports as v1 forms (so the schema's "unknown key" does not repeat them). */
export const V1_KEYS: ReadonlySet<string> = new Set(['nextGeneration', 'generationStep']);
