/**
 * A scenario's fingerprint: the SHA-256 of the canonical JSON of the resolved
 * scenario (keys sorted, no whitespace). Two runs with the same hash and the
 * same engine version give the same numbers; reports print both.
 */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and `undefined` fields dropped,
 * so equal scenarios give equal text whatever the key order of their files.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The hex SHA-256 of `canonicalJson(scenario)`. */
export function scenarioHash(scenario: unknown): string {
  return createHash('sha256').update(canonicalJson(scenario), 'utf8').digest('hex');
}
