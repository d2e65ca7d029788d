/**
 * Context items (`data/observations/context.yaml`): public facts that bear on
 * the scenarios but are not linked to a signal. Shown beside the status,
 * never scored.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import type { Issue } from '../model/issues.ts';

export const contextItemSchema = z.strictObject({
  topic: z.string().min(1),
  period: z.string().min(1),
  value: z.union([z.string().min(1), z.number()]).transform(String),
  source: z.string().min(1),
  url: z.string().regex(/^https?:\/\//, 'an http(s) URL').optional(),
  note: z.string().optional(),
});
export type ContextItem = z.output<typeof contextItemSchema>;

const contextFileSchema = z.strictObject({ context: z.array(contextItemSchema) });

/**
 * Parse the context file (YAML text).
 *
 * @example
 * const r = parseContext('context:\n  - { topic: CDS, period: 2025, value: 643 bp, source: reports }\n');
 * r.ok && r.items[0]?.topic; // 'CDS'
 */
export function parseContext(text: string, opts: { file?: string | undefined } = {}): { ok: true; items: ContextItem[] } | { ok: false; issues: Issue[] } {
  const file = opts.file === undefined ? {} : { file: opts.file };
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `not valid YAML: ${e instanceof Error ? e.message : String(e)}`, ...file }] };
  }
  const r = contextFileSchema.safeParse(raw);
  if (!r.success) return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, ...file })) };
  return { ok: true, items: r.data.context };
}
