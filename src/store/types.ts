/**
 * The observation store: one interface, two backends (SQLite by default,
 * PostgreSQL for a team). Every method is async so both backends fit it; one
 * shared test suite (`test/store.case.ts`) runs against each.
 */

import type { Observation, ObservationInput } from '../signals/observation.ts';

export type { Observation, ObservationInput };

export interface ObservationQuery {
  signal?: string | readonly string[] | undefined;
  scope?: string | undefined;
  /** Dates from (inclusive), `YYYY-MM-DD`. */
  from?: string | undefined;
  /** Dates up to (inclusive), `YYYY-MM-DD`. */
  to?: string | undefined;
  /** Only these rows (by id). */
  ids?: readonly number[] | undefined;
  /** Every row, corrected ones included; default: only the current row of each correction chain. */
  history?: boolean | undefined;
  limit?: number | undefined;
}

export interface AddOptions {
  /**
   * Called inside the write transaction after each batch, with the rows written
   * so far (for progress bars). Nothing is visible to others until it commits.
   */
  onProgress?: ((rowsWritten: number, total: number) => void) | undefined;
}

export interface AddResult {
  /** Rows written. */
  added: number;
  /** Rows already in the store (same idempotency key), skipped. */
  duplicates: number;
  /** The ids of the rows written, in input order. */
  ids: number[];
}

/** One version of a saved scenario. */
export interface SavedScenario {
  id: string;
  version: number;
  yaml: string;
  /** sha256 of the text, hex. */
  hash: string;
  savedAt: string;
}

/** One logged model run. */
export interface RunLogEntry {
  scenarioId: string;
  scenarioHash: string;
  engineVersion: string;
  ranAt: string;
  summary: Record<string, unknown>;
}

export type RunLogInput = Omit<RunLogEntry, 'ranAt'>;

/** A bad request to the store (a correction of a row that does not exist…): the CLI shows it as bad input. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

/** Where the time comes from; tests inject a fixed one. */
export type Clock = () => Date;

export interface ObservationStore {
  readonly kind: 'sqlite' | 'postgres';
  /** The file path, or the URL without its password. */
  readonly location: string;
  /** The schema version the database is at (the last applied migration). */
  schemaVersion(): Promise<number>;

  /**
   * Append observations, all or nothing, in one transaction. Rows whose
   * idempotency key is already stored are skipped, so a re-import adds nothing.
   */
  addObservations(rows: readonly ObservationInput[], opts?: AddOptions): Promise<AddResult>;
  /** Observations ordered by signal, scope, date, id. */
  listObservations(query?: ObservationQuery): Promise<Observation[]>;
  /** One observation by id (current or not). */
  getObservation(id: number): Promise<Observation | undefined>;
  /**
   * The latest current observation of each (signal, scope) series with a date
   * up to `asOf` (by date, then by id).
   */
  latestBySeries(query?: { asOf?: string | undefined; signals?: readonly string[] | undefined }): Promise<Observation[]>;
  /** How many rows the store holds (`history`: every row; default: only the current ones). */
  countObservations(query?: { history?: boolean | undefined }): Promise<number>;

  /** Save a scenario's text; a new version only when the text changed. */
  saveScenario(id: string, yaml: string): Promise<SavedScenario>;
  /** A saved scenario: the latest version, or the given one. */
  getScenario(id: string, version?: number): Promise<SavedScenario | undefined>;
  /** Every version of a saved scenario, oldest first. */
  scenarioVersions(id: string): Promise<SavedScenario[]>;
  /** The latest version of every saved scenario, by id. */
  listScenarios(): Promise<SavedScenario[]>;

  /** Append a model run to the log. */
  logRun(entry: RunLogInput): Promise<RunLogEntry>;
  /** The run log, oldest first (of one scenario, or all). */
  listRuns(scenarioId?: string): Promise<RunLogEntry[]>;

  close(): Promise<void>;
}
