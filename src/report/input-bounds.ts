/**
 * The bounds of a numeric input (MODEL.md §2) as the loader checks them, read
 * from the scenario's JSON Schema (the zod schema the loader validates with),
 * so a spreadsheet's data validation cannot drift from the loader: same
 * minimum and maximum, open or closed, whole number or not.
 */
import { scenarioJsonSchema } from '../model/load.ts';

export interface InputBounds {
  /** null: no bound on that side */
  min: number | null;
  max: number | null;
  minExclusive: boolean;
  maxExclusive: boolean;
  integer: boolean;
}

type Node = Record<string, unknown>;

/** A bound this large is the schema's way of saying "any safe integer": no bound for a person. */
const NO_BOUND = 1e15;

const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The branches of a union (anyOf / oneOf), or the node itself. */
const branches = (n: Node): Node[] => {
  const list = (n['anyOf'] ?? n['oneOf']) as unknown;
  return Array.isArray(list) ? list.filter(isNode).flatMap(branches) : [n];
};

/** `demand.segments[cloud-api].pricing.perMTok` → ['demand', 'segments', '[]', 'pricing', 'perMTok']. */
const steps = (path: string): string[] => path.replace(/\[[^\]]*\]/g, '.[]').split('.').filter((s) => s !== '');

function child(n: Node, step: string): Node[] {
  return branches(n).flatMap((b) => {
    if (step === '[]') return isNode(b['items']) ? [b['items']] : [];
    const props = b['properties'];
    return isNode(props) && isNode(props[step]) ? [props[step]] : [];
  });
}

function boundsOf(leaf: Node): InputBounds | undefined {
  // a Series is a number or a list of them: the number's bounds are the list items' too
  const num = branches(leaf).find((b) => b['type'] === 'number' || b['type'] === 'integer');
  if (num === undefined) return undefined;
  const value = (k: string): number | null => {
    const v = num[k];
    return typeof v === 'number' && Math.abs(v) < NO_BOUND ? v : null;
  };
  const exMin = value('exclusiveMinimum');
  const exMax = value('exclusiveMaximum');
  return {
    min: exMin ?? value('minimum'),
    max: exMax ?? value('maximum'),
    minExclusive: exMin !== null,
    maxExclusive: exMax !== null,
    integer: num['type'] === 'integer',
  };
}

let schema: Node | undefined;

/**
 * The bounds of the numeric input at `path`, as the loader checks them;
 * undefined for a path the schema has no number at (a mode, a flag, a derived value).
 *
 * @example
 * inputBounds('site.pue'); // { min: 1, max: 3, minExclusive: false, maxExclusive: false, integer: false }
 */
export function inputBounds(path: string): InputBounds | undefined {
  schema ??= scenarioJsonSchema() as Node;
  let nodes: Node[] = [schema];
  for (const step of steps(path)) nodes = nodes.flatMap((n) => child(n, step));
  for (const n of nodes) {
    const b = boundsOf(n);
    if (b !== undefined) return b;
  }
  return undefined;
}

/** The bounds in words: `a number in [1, 3]`, `a whole number ≥ 1`, `a number > −1`. */
export function describeBounds(b: InputBounds): string {
  const what = b.integer ? 'a whole number' : 'a number';
  if (b.min !== null && b.max !== null) return `${what} in ${b.minExclusive ? '(' : '['}${b.min}, ${b.max}${b.maxExclusive ? ')' : ']'}`;
  if (b.min !== null) return `${what} ${b.minExclusive ? '>' : '≥'} ${b.min}`;
  if (b.max !== null) return `${what} ${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  return what;
}
