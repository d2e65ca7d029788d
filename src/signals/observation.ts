/** What an observation is (MODEL.md §6): the shape the importer makes, the store keeps and the status reads. */

/**
 * Who an observation is about: one of the operator archetypes of MODEL.md §1,
 * or `market` for evidence about the market as a whole (a rental index, a
 * wholesale power price, a regional lease rate).
 */
export const OPERATOR_CLASSES = ['hyperscaler', 'frontier-lab', 'neocloud', 'private-ai-factory', 'market'] as const;
export type OperatorClass = (typeof OPERATOR_CLASSES)[number];

/**
 * For money per MW: `it-only` (the accelerators with their servers, network
 * and storage) or `all-in` (the facility included: building, power and
 * cooling plant).
 */
export const BASES = ['it-only', 'all-in'] as const;
export type Basis = (typeof BASES)[number];

/**
 * What an observation measures, so that only like is scored against like
 * (MODEL.md §6). Every field may be null in rows written before scopes
 * existed: such a row is "unclassified" and is never a direct match.
 */
export interface ObservationScope {
  /** Whose number it is. */
  operator: OperatorClass | null;
  /** The accelerator it is about (a catalog id), where it matters (GPU-hour prices, capex per MW). */
  accelerator: string | null;
  /** Money per MW: IT only, or all-in (facility included). */
  basis: Basis | null;
  /** For an all-in figure: the share of it that is the facility, as stated by the source; what converts it to IT-only. */
  facilityShare: number | null;
}

/** One observation as it is written: what was seen, where, when, from which source. */
export interface ObservationInput {
  /** A signal id of `data/signals.yaml` (`gpu-hour-price`). */
  signal: string;
  /** What the number is about, in words: the series it belongs to (`h100 1-yr contract`, `term-contracts`). */
  scope: string;
  /** The day the value was true of the world, `YYYY-MM-DD`. */
  date: string;
  value: number;
  unit: string;
  source: string;
  url?: string | null | undefined;
  note?: string | null | undefined;
  /** The id of the observation this one corrects. */
  supersedes?: number | null | undefined;
  operator?: OperatorClass | null | undefined;
  accelerator?: string | null | undefined;
  basis?: Basis | null | undefined;
  facilityShare?: number | null | undefined;
}

/** An observation as the store keeps it. */
export interface Observation extends ObservationScope {
  id: number;
  signal: string;
  scope: string;
  date: string;
  value: number;
  unit: string;
  source: string;
  url: string | null;
  note: string | null;
  /** When it was written (ISO 8601, UTC), from the store's clock. */
  recordedAt: string;
  supersedes: number | null;
  /** The id of the observation that corrects this one, if any (history queries show both). */
  supersededBy: number | null;
  /** The idempotency key: a hash of the normalized content. */
  key: string;
}
