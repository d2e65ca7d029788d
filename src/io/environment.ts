/**
 * Failures of the machine, not of the input and not of the program: a full
 * disk, a read-only, damaged or foreign file, a database server that went
 * away, a host name that does not resolve, a native module built for another
 * Node. Each is told in its own words, with what to do, and how to answer it:
 * the CLI's exit code (1: the environment; 2: the input named the wrong
 * thing) and the HTTP status (503: the store cannot serve now).
 *
 * The drivers say what happened in their error codes (better-sqlite3's
 * `SQLITE_*`, node's `errno` codes, PostgreSQL's SQLSTATE); this is the one
 * place that reads them.
 */

export type FailureKind =
  | 'disk-full'
  | 'read-only'
  | 'corrupt'
  | 'not-a-database'
  | 'store-down'
  | 'store-busy'
  | 'io'
  | 'permission'
  | 'host-unknown'
  | 'native-module';

export interface EnvironmentFailure {
  kind: FailureKind;
  /** what happened and what to do, in one sentence or two */
  message: string;
  /** the CLI's exit code: 1 the environment, 2 the input named the wrong thing */
  exitCode: 1 | 2;
  /** the HTTP status when a request meets it */
  status: number;
  /** the option that named the thing at fault (`--db`, `--host`), when it is the input's */
  path?: string;
  /** worth trying again later (a server restarting, a lock held) */
  retryable: boolean;
}

/** Where the failure happened, to name it: the store's location, a file written. */
export interface FailureContext {
  store?: string | undefined;
  file?: string | undefined;
  host?: string | undefined;
}

/** A failure of the environment, carried to the CLI or the HTTP layer with its message. */
export class EnvironmentError extends Error {
  readonly failure: EnvironmentFailure;
  constructor(failure: EnvironmentFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = 'EnvironmentError';
    this.failure = failure;
  }
}

const SYSTEM_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EPIPE', 'ECONNABORTED']);
const NAME_UNKNOWN = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
/** What pg says, without a code, when the connection is gone. */
const PG_GONE = /Connection terminated|connection error and is not queryable|not queryable|timeout exceeded when trying to connect|Client was closed|server closed the connection/i;

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? s).trim();
}

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The failure of the environment an error stands for, or undefined when it is
 * something else (bad input, a bug).
 *
 * @example
 * environmentFailure(sqliteErrorWithCode('SQLITE_FULL'), { store: '/var/payback.db' })?.message
 * // 'the disk is full: SQLite could not write the store /var/payback.db …'
 */
export function environmentFailure(e: unknown, where: FailureContext = {}): EnvironmentFailure | undefined {
  if (e instanceof EnvironmentError) return e.failure;
  const code = codeOf(e);
  const msg = messageOf(e);
  const store = where.store ?? 'the store';
  const file = where.file ?? (e as { path?: unknown } | null)?.path;
  const fileName = typeof file === 'string' ? file : 'the file';
  const fail = (kind: FailureKind, message: string, more: Partial<EnvironmentFailure> = {}): EnvironmentFailure => ({
    kind,
    message,
    exitCode: 1,
    status: 503,
    retryable: false,
    ...more,
  });

  if (code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|cannot open shared object/.test(msg)) {
    const what = /better[-_]sqlite3/.test(msg) || where.store !== undefined ? 'the SQLite driver (better-sqlite3)' : 'a native module';
    const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(msg);
    const why = abi !== null ? `it was built for another Node (module version ${abi[1]}; this Node, ${process.version}, needs ${abi[2]})` : firstLine(msg);
    return fail('native-module', `${what} cannot load in this Node: ${why}. Rebuild it for this Node: npm rebuild better-sqlite3`);
  }

  if (code !== undefined && code.startsWith('SQLITE_')) {
    const detail = `(SQLite: ${firstLine(msg)})`;
    if (code === 'SQLITE_FULL') return fail('disk-full', `the disk is full: SQLite could not write the store ${store} ${detail}; nothing was half-written. Free some space and try again`, { status: 507 });
    if (code.startsWith('SQLITE_CORRUPT')) {
      return fail('corrupt', `the store ${store} is damaged ${detail}: restore it from a backup, or save what it holds with: sqlite3 ${store} .recover`);
    }
    if (code === 'SQLITE_NOTADB') {
      return fail('not-a-database', `${store} is not a SQLite database ${detail}: point --db at a payback store, or at a new file`, { exitCode: 2, path: '--db' });
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
      return fail(
        'read-only',
        `cannot write the store ${store} ${detail}: the file or its folder is read-only (a read-only file system?). ` +
          'SQLite also writes a -wal and a -shm file beside it, so the folder must be writable; or give --db a writable place',
      );
    }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return fail('store-busy', `the store ${store} is locked by another process ${detail}; try again when it is done`, { retryable: true });
    }
    if (code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return fail('permission', `the store ${store} may not be written ${detail}`);
    if (code.startsWith('SQLITE_IOERR')) {
      return fail('io', `the disk failed while SQLite read or wrote the store ${store} ${detail} (a full or read-only disk, or a failing one); nothing was half-written`);
    }
    return undefined;
  }

  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return fail('disk-full', `the disk is full: cannot write ${where.store !== undefined ? `the store ${store}` : fileName} (${code}); nothing was half-written. Free some space and try again`, { status: 507 });
  }
  if (code === 'EROFS') return fail('read-only', `cannot write ${where.store !== undefined ? `the store ${store}` : fileName}: the file system is read-only (EROFS)`);
  if (code === 'EACCES' || code === 'EPERM') {
    if ((e as { syscall?: unknown }).syscall === 'listen' || (e as { syscall?: unknown }).syscall === 'bind') return undefined;
    return fail('permission', `cannot write ${where.store !== undefined ? `the store ${store}` : fileName}: permission denied (${code})`);
  }
  if (code === 'EIO') return fail('io', `the disk failed while reading or writing ${where.store !== undefined ? `the store ${store}` : fileName} (EIO)`);

  if (code !== undefined && NAME_UNKNOWN.has(code)) {
    const host = where.host ?? (e as { hostname?: unknown }).hostname;
    const name = typeof host === 'string' ? `"${host}"` : 'the host';
    if (where.store !== undefined) {
      return fail('store-down', `cannot reach the store ${store}: the host name ${name} does not resolve (${code})`, { retryable: code === 'EAI_AGAIN' });
    }
    return fail('host-unknown', `the host name ${name} does not resolve (getaddrinfo ${code}): use 127.0.0.1, localhost or an address of this machine`, {
      exitCode: 2,
      path: '--host',
      status: 400,
    });
  }

  // PostgreSQL: SQLSTATE class 08 (connection), 57P0x (shut down, starting up), 53xxx (out of resources)
  const pgState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if ((code !== undefined && SYSTEM_DOWN.has(code)) || (pgState !== undefined && (pgState.startsWith('08') || /^57P0[1-4]$/.test(pgState) || pgState === '53300')) || PG_GONE.test(msg)) {
    return fail('store-down', `the store ${store} is not answering (${firstLine(msg) || code}); try again once it is back`, { retryable: true });
  }
  if (pgState === '53100') return fail('disk-full', `the database server's disk is full (PostgreSQL: ${firstLine(msg)}); nothing was half-written`, { status: 507 });
  if (pgState !== undefined && pgState.startsWith('28')) {
    return fail('permission', `the store ${store} refused the login (PostgreSQL: ${firstLine(msg)}): check the user and password of the URL`, { exitCode: 2, path: '--db' });
  }
  if (pgState === '3D000') return fail('store-down', `the store ${store} names a database that does not exist (PostgreSQL: ${firstLine(msg)})`, { exitCode: 2, path: '--db' });
  return undefined;
}
