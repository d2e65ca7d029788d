/**
 * The store as the CLI opens it (`--db PATH`, else `PAYBACK_DB`, else a
 * PostgreSQL `DATABASE_URL`, else `./.payback/payback.db`), and the as-of
 * day: shared by `payback signals …` and `payback report --signals`. The
 * store's modules load only when a command opens it.
 */
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

/** Open the store the options and the environment name; a bad request to it is bad input (exit 2). */
export async function withStore<T>(db: string | undefined, fn: (store: ObservationStore) => Promise<T>): Promise<T> {
  const [{ openStore, storeOptionsFrom }, { redactUrl }] = await Promise.all([import('../store/open.ts'), import('../store/postgres.ts')]);
  const where = storeOptionsFrom(db, process.env);
  let store: ObservationStore;
  try {
    store = await openStore(where);
  } catch (e) {
    // where the store is, is the user's input: a wrong path, a server that is down, a newer schema
    const name = where.databaseUrl !== undefined ? redactUrl(where.databaseUrl) : (where.db ?? '');
    throw new InputError([{ path: '--db', message: `cannot open the store ${name}: ${e instanceof Error ? e.message : String(e)}`, code: 'store' }]);
  }
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof StoreInputError) throw new InputError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

