/**
 * Who pays for a segment's tokens (issue 19): enterprise budgets, consumers,
 * developers, platforms, or the operator itself (internal value). A segment
 * says so with `payer:`; without it the payer follows from its kind. A file of
 * its own, free of zod, so the analyses and the dashboard can read it without
 * the schema.
 */
import type { Segment } from './schema.ts';

type SegmentKindName = Segment['kind'];
export const PAYERS = ['enterprise', 'consumer', 'developer', 'platform', 'internal'] as const;
export type Payer = (typeof PAYERS)[number];

/** For people: the bar of the payback stack by payer (its cash; internal value imputed is strategic value, beside the stack). */
export const PAYER_LABELS: Record<Payer, string> = {
  enterprise: 'Enterprise budgets',
  consumer: 'Consumers',
  developer: 'Developers',
  platform: 'Platforms',
  internal: 'Internal (charged in cash)',
};

/**
 * The payer of a segment that does not name one, by its kind: a paid API,
 * batch work and other cash are enterprise budgets; subscriptions and the
 * free tier are consumers; capacity contracts are sold to platforms (labs,
 * clouds, SaaS built on rented accelerators); internal evaluation and internal
 * products are the operator's own.
 */
export const DEFAULT_PAYER: Record<SegmentKindName, Payer> = {
  'paid-api': 'enterprise',
  subscription: 'consumer',
  free: 'consumer',
  batch: 'enterprise',
  'internal-eval': 'internal',
  'internal-product': 'internal',
  'capacity-contract': 'platform',
  other: 'enterprise',
};

/**
 * A segment's payer: its own `payer`, else the default of its kind. The
 * loader fills `payer` in every resolved scenario; this also reads a
 * scenario built in code.
 *
 * @example
 * payerOf({ kind: 'subscription' });                       // 'consumer'
 * payerOf({ kind: 'paid-api', payer: 'developer' });       // 'developer'
 */
export function payerOf(segment: { kind: SegmentKindName; payer?: Payer | undefined }): Payer {
  return segment.payer ?? DEFAULT_PAYER[segment.kind];
}
