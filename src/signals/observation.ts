/** What an observation is (MODEL.md §6): the shape the importer makes, the store keeps and the status reads. */

/** One observation as it is written: what was seen, where, when, from which source. */
export interface ObservationInput {
  /** A signal id of `data/signals.yaml` (`gpu-hour-price`). */
  signal: string;
  /** What the number is about (`h100 1-yr contract`, `term-contracts`). */
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
}

/** An observation as the store keeps it. */
export interface Observation {
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
