/**
 * What `/api/health` says of the store: up (with its schema version) or down
 * (with why), without ever making the health check wait on it. A probe that
 * does not answer within `probeMs` reports what was last known, and its answer,
 * when it comes, is remembered for the next check; a request that met the
 * store down (`failed`) counts too.
 */
import { environmentFailure } from '../io/environment.ts';
import type { ObservationStore } from '../store/types.ts';

export interface StoreHealth {
  kind: 'sqlite' | 'postgres';
  /** up: the last probe answered; down: it failed (or a request found the store down since) */
  state: 'up' | 'down';
  /** the schema version, as of the last probe that answered; null before one has */
  schemaVersion: number | null;
  /** why it is down */
  error: string | null;
  /** when this was learnt, ISO 8601 */
  checkedAt: string;
}

export class StoreMonitor {
  private last: StoreHealth;
  private probing: Promise<StoreHealth> | null = null;
  private lasting: StoreHealth | null = null;

  constructor(
    private readonly store: ObservationStore,
    private readonly clock: () => Date,
    /** how long a health check waits for the store, ms */
    private readonly probeMs = 50,
  ) {
    this.last = { kind: store.kind, state: 'up', schemaVersion: null, error: null, checkedAt: clock().toISOString() };
  }

  /** The store's state: a fresh probe when it answers within `probeMs`, else the last known. */
  async check(): Promise<StoreHealth> {
    if (this.lasting !== null) return this.lasting;
    this.probing ??= this.probe().finally(() => {
      this.probing = null;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<StoreHealth>((resolve) => {
      timer = setTimeout(() => resolve(this.last), this.probeMs);
    });
    try {
      return await Promise.race([this.probing, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A request met the store down: say so until a probe finds it up again. A
   * damaged file stays down (a probe that reads one intact page proves
   * nothing of the rest); it takes a restart to clear.
   */
  failed(message: string, lasting = false): void {
    this.last = { ...this.last, state: 'down', error: message, checkedAt: this.clock().toISOString() };
    if (lasting) this.lasting = this.last;
  }

  private async probe(): Promise<StoreHealth> {
    try {
      const schemaVersion = await this.store.schemaVersion();
      this.last = { kind: this.store.kind, state: 'up', schemaVersion, error: null, checkedAt: this.clock().toISOString() };
    } catch (e) {
      // never a rejection: a probe nobody waits for any more must not become an unhandled one
      const failure = environmentFailure(e, { store: this.store.location });
      this.failed(failure?.message ?? `the store failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.last;
  }
}
