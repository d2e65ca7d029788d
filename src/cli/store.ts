/**
 * The store as the CLI opens it (`--db PATH`, else `PAYBACK_DB`, else a
 * PostgreSQL `DATABASE_URL`, else `./.payback/payback.db`), and the as-of
 * day: shared by `payback signals …` and `payback report --signals`. The
 * store's modules load only when a command opens it.
 */
import { resolve } from 'node:path';
import { EnvironmentError, environmentFailure } from '../io/environment.ts';
import { isIsoDate } from '../signals/dates.ts';
import { type ObservationStore, StoreInputError } from '../store/types.ts';
import { InputError } from './context.ts';

/** Today, UTC, as the default as-of date. */
export const today = (): string => new Date().toISOString().slice(0, 10);

export function asOfOrFail(text: string | undefined, flag = '--as-of'): string {
  if (text === undefined) return today();
  if (!isIsoDate(text)) throw new InputError([{ path: flag, message: `expected a date YYYY-MM-DD, got ${JSON.stringify(text)}`, code: 'bad_date' }]);
  return text;
}

/**
 * Open the store the options and the environment name, and run `fn` on it. A
 * bad request to it is bad input (exit 2); a failure of the machine (a server
 * that is down, a full disk, a damaged file) is an EnvironmentError in its own
 * words (exit 1, or 2 when --db names something that is not a store).
 */
export async function withStore<T>(db: string | undefined, fn: (store: ObservationStore) => Promise<T>): Promise<T> {
  const [{ openStore, storeOptionsFrom }, { redactUrl }] = await Promise.all([import('../store/open.ts'), import('../store/postgres.ts')]);
  const where = storeOptionsFrom(db, process.env);
  const name = where.databaseUrl !== undefined ? redactUrl(where.databaseUrl) : resolve(where.db ?? '');
  let store: ObservationStore;
  try {
    store = await openStore(where);
  } catch (e) {
    const env = environmentFailure(e, { store: name });
    if (env !== undefined) throw new EnvironmentError(env, { cause: e });
    // else where the store is, is the user's input: a wrong path, a newer schema
    throw new InputError([{ path: '--db', message: `cannot open the store ${name}: ${e instanceof Error ? e.message : String(e)}`, code: 'store' }]);
  }
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof StoreInputError) throw new InputError(e.message);
    const env = environmentFailure(e, { store: name });
    if (env !== undefined) throw new EnvironmentError(env, { cause: e });
    throw e;
  } finally {
    // closing a store whose server went away must not hide why it failed
    await store.close().catch(() => {});
  }
}
