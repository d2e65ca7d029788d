/**
 * Failures of the machine, met for real: a full disk and a read-only file
 * system (small tmpfs mounts), a damaged SQLite page, a file that is not a
 * database, a host name that does not resolve, the SQLite driver built for
 * another Node (a copy of it whose module version is patched, as a stale
 * `node_modules` would have it). Each gets its own message: exit 1 for the
 * environment, exit 2 when the input named the wrong thing, HTTP 503/507 for a
 * store that cannot serve; never "internal error … please report it".
 *
 * Mounting needs root (CAP_SYS_ADMIN); without it those cases are skipped,
 * loudly.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, closeSync, writeFileSync, writeSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.ts';
import { environmentFailure } from '../src/io/environment.ts';
import { openStore } from '../src/store/open.ts';
import { generated, generatedCsv } from './fixtures/generated-observations.ts';
import { getJson, testApp } from './server-helpers.ts';
import { ROOT } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'payback-env-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

/** A tmpfs of `size` at a new directory, or the reason it cannot be had. */
function tmpfs(name: string, size: string): string | { skip: string } {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}): needs root` };
  mounts.push(at);
  return at;
}
const canMount = (() => {
  const probe = tmpfs('probe', '64k');
  if (typeof probe === 'string') return true;
  console.warn(`\n!! SKIPPING the full-disk and read-only cases: ${probe.skip}\n`);
  return false;
})();

interface Proc {
  code: number | null;
  out: string;
  err: string;
}
/** The real CLI in a child process. */
function cli(args: string[], opts: { bin?: string; env?: Record<string, string> } = {}): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
    delete env['DATABASE_URL'];
    delete env['PAYBACK_DB'];
    delete env['PAYBACK_DEBUG'];
    const p = spawn(process.execPath, [opts.bin ?? join(ROOT, 'bin', 'payback.js'), ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** No "internal error", no "please report", no stack frame. */
function expectOwnWords(p: Proc): void {
  expect(p.err).not.toMatch(/internal error|please report|\n\s+at \S/);
}

describe.runIf(canMount)('a full disk', () => {
  it('the CLI import says the disk is full (exit 1), and leaves the store as it was; after space is freed it goes through', async () => {
    const at = tmpfs('full', '320k') as string;
    const db = join(at, 'store.db');
    const small = join(dir, 'small.csv');
    writeFileSync(small, generatedCsv(20, 'before'));
    expect((await cli(['signals', 'import', small, '--db', db])).code).toBe(0);
    const big = join(dir, 'big.csv');
    writeFileSync(big, generatedCsv(20_000, 'too-many'));
    const p = await cli(['signals', 'import', big, '--db', db]);
    expect(p.code, p.err).toBe(1);
    expect(p.err).toMatch(/^payback: the disk is full: SQLite could not write the store .*store\.db/m);
    expectOwnWords(p);
    // nothing half-written: the 20 rows of before, none of the big file
    const list = await cli(['signals', 'list', '--db', db, '--json']);
    expect(list.code, list.err).toBe(0);
    expect((JSON.parse(list.out) as unknown[]).length).toBe(20);
    execFileSync('mount', ['-o', 'remount,size=16m', at]);
    const again = await cli(['signals', 'import', big, '--db', db, '--json']);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ added: 20_000 });
  }, 120_000);

  it('the API answers 507 with the reason, and the server keeps answering', async () => {
    const at = tmpfs('full-api', '320k') as string;
    const store = await openStore({ db: join(at, 'api.db') });
    await store.close();
    const t = await testApp({ store: await openStore({ db: join(at, 'api.db') }), limits: { bodyBytes: 3_000_000, mcSamples: 10, mcMillis: 5_000 } });
    try {
      const res = await t.app.request('/api/observations/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: generatedCsv(20_000, 'api') });
      expect(res.status).toBe(507);
      expect(((await res.json()) as { error: string }).error).toMatch(/the disk is full/);
      expect((await getJson(t.app, '/api/health')).status).toBe(200);
      expect((await getJson(t.app, '/api/observations')).body.observations).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('a report written to a full disk says so (exit 1) and leaves no temporary file', async () => {
    const at = tmpfs('full-report', '64k') as string;
    const p = await cli(['report', 'neocloud-base', '--out', join(at, 'report.html')]);
    expect(p.code, p.err).toBe(1);
    expect(p.err).toContain(`payback: the disk is full: cannot write ${join(at, 'report.html')} (ENOSPC)`);
    expectOwnWords(p);
    expect(readdirSync(at)).toEqual([]);
  }, 60_000);
});

describe.runIf(canMount)('a read-only file system', () => {
  it('a store on it cannot open its WAL: the CLI and serve say why (exit 1)', async () => {
    const at = tmpfs('ro', '4m') as string;
    const db = join(at, 'store.db');
    const s = await openStore({ db });
    await s.addObservations(generated(5, 'ro'));
    await s.close();
    execFileSync('mount', ['-o', 'remount,ro', at]);
    for (const args of [['signals', 'list', '--db', db], ['signals', 'import', join(dir, 'x.csv'), '--db', db], ['serve', '--port', '0', '--db', db]]) {
      if (args[2] === join(dir, 'x.csv')) writeFileSync(args[2], generatedCsv(3, 'x'));
      const p = await cli(args);
      expect(p.code, `${args.join(' ')}\n${p.err}`).toBe(1);
      expect(p.err).toMatch(/cannot write the store .*store\.db .*read-only/);
      expectOwnWords(p);
    }
    // a report cannot be written there either
    const r = await cli(['report', 'neocloud-base', '--out', join(at, 'report.html')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${join(at, 'report.html')}: the file system is read-only (EROFS)`);
    expectOwnWords(r);
  }, 60_000);
});

describe('a damaged store, and a file that is not one', () => {
  const damaged = async (): Promise<string> => {
    const db = join(mkdtempSync(join(dir, 'corrupt-')), 'store.db');
    const s = await openStore({ db });
    await s.addObservations(generated(20_000, 'corrupt'));
    await s.close();
    const raw = new Database(db);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    // overwrite pages 4–23 (inside the table and its indexes) with junk, as a bad disk or a torn copy would
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 20, 0x5a), 0, 4096 * 20, 4096 * 3);
    closeSync(fd);
    return db;
  };

  it('a damaged page: exit 1 saying so and how to recover; the API answers 503 and health says the store is down', async () => {
    const db = await damaged();
    const p = await cli(['signals', 'list', '--db', db]);
    expect(p.code, p.err).toBe(1);
    expect(p.err).toContain(`payback: the store ${db} is damaged (SQLite: database disk image is malformed)`);
    expect(p.err).toContain('.recover');
    expectOwnWords(p);
    const t = await testApp({ store: await openStore({ db }) });
    try {
      const list = await getJson(t.app, '/api/observations');
      expect(list.status).toBe(503);
      expect(list.body.error).toMatch(/is damaged/);
      const health = await getJson(t.app, '/api/health');
      expect(health.status).toBe(200);
      expect(health.body.store).toMatchObject({ state: 'down' });
      expect(health.body.store.error).toMatch(/is damaged/);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('a file that is not a SQLite database is bad input on --db (exit 2)', async () => {
    const db = join(dir, 'notes.db');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    const p = await cli(['signals', 'list', '--db', db]);
    expect(p.code, p.err).toBe(2);
    expect(p.err).toContain(`--db: ${db} is not a SQLite database (SQLite: file is not a database)`);
    expectOwnWords(p);
    // and the file is left as it was
    expect(readFileSync(db, 'utf8')).toBe('these are my notes, not a database\n'.repeat(200));
  }, 30_000);
});

describe('a host name that does not resolve', () => {
  it('`serve --host` with a name that does not resolve is bad input on --host (exit 2)', async () => {
    const names = ['payback-test.invalid'];
    // *.localhost is loopback by name; where the resolver does not answer for it (glibc), it is the case of the report
    if (await lookup('foo.localhost').then(() => false, () => true)) names.push('foo.localhost');
    for (const host of names) {
      const err: string[] = [];
      const saved = process.env['PAYBACK_TOKEN'];
      process.env['PAYBACK_TOKEN'] = 'a-token-long-enough-for-the-test';
      try {
        const code = await runCli(['serve', '--host', host, '--port', '0', '--db', join(dir, 'host.db')], { out: () => {}, err: (s) => err.push(s), isTTY: false });
        expect(code, err.join('\n')).toBe(2);
      } finally {
        if (saved === undefined) delete process.env['PAYBACK_TOKEN'];
        else process.env['PAYBACK_TOKEN'] = saved;
      }
      expect(err.join('\n')).toContain(`--host: cannot listen on ${host}: the host name "${host}" does not resolve (getaddrinfo ENOTFOUND)`);
      expect(err.join('\n')).not.toMatch(/internal error|please report/);
    }
  }, 30_000);
});

/**
 * A copy of better-sqlite3's compiled driver as a build for another Node
 * would be: its module version 108 (Node 18) and its registration symbol
 * renamed to match. Undefined when the file is not the ELF this expects.
 */
function patchAbi(src: string, dst: string): boolean {
  const b = readFileSync(src);
  const from = Buffer.from(`node_register_module_v${process.versions.modules}`);
  const to = Buffer.from('node_register_module_v108');
  if (from.length !== to.length || b.readUInt32BE(0) !== 0x7f454c46) return false;
  for (let i = b.indexOf(from); i >= 0; i = b.indexOf(from, i + 1)) to.copy(b, i);
  // the static `node_module` record in .data: { nm_version, nm_flags = 0, nm_dso_handle = NULL, … }
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const strtab = Number(b.readBigUInt64LE(shoff + b.readUInt16LE(0x3e) * shentsize + 0x18));
  const version = Number(process.versions.modules);
  const pattern = Buffer.concat([Buffer.from(Uint32Array.of(version).buffer), Buffer.alloc(12)]);
  let patched = 0;
  for (let s = 0; s < shnum; s++) {
    const h = shoff + s * shentsize;
    const nameAt = strtab + b.readUInt32LE(h);
    const name = b.toString('latin1', nameAt, b.indexOf(0, nameAt));
    if (name !== '.data') continue;
    const off = Number(b.readBigUInt64LE(h + 0x18));
    const size = Number(b.readBigUInt64LE(h + 0x20));
    for (let i = b.indexOf(pattern, off); i >= 0 && i < off + size; i = b.indexOf(pattern, i + 1)) {
      b.writeUInt32LE(108, i);
      patched++;
    }
  }
  if (patched !== 1) return false;
  writeFileSync(dst, b);
  return true;
}

describe('the SQLite driver built for another Node', () => {
  it('says so and how to rebuild it (exit 1), for the CLI and for serve', async () => {
    // the package as installed, with a stale driver: src, bin and data copied, the other packages linked
    const app = join(dir, 'stale-install');
    for (const d of ['bin', 'src', 'data']) cpSync(join(ROOT, d), join(app, d), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    mkdirSync(join(app, 'node_modules'));
    for (const name of readdirSync(join(ROOT, 'node_modules'))) {
      if (name !== 'better-sqlite3' && name !== '.bin') symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name));
    }
    const pkg = join(app, 'node_modules', 'better-sqlite3');
    for (const f of ['package.json', 'lib']) cpSync(join(ROOT, 'node_modules', 'better-sqlite3', f), join(pkg, f), { recursive: true });
    mkdirSync(join(pkg, 'build', 'Release'), { recursive: true });
    const driver = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(driver) || !patchAbi(driver, join(pkg, 'build', 'Release', 'better_sqlite3.node'))) {
      console.warn('!! SKIPPING the stale-driver case: the compiled driver is not the ELF file it expects');
      return;
    }
    expect(statSync(join(pkg, 'build', 'Release', 'better_sqlite3.node')).size).toBeGreaterThan(0);
    const bin = join(app, 'bin', 'payback.js');
    for (const args of [['signals', 'list', '--db', join(dir, 'abi.db')], ['serve', '--port', '0', '--db', join(dir, 'abi.db')]]) {
      const p = await cli(args, { bin });
      expect(p.code, `${args[0]}: ${p.err}`).toBe(1);
      expect(p.err).toContain('payback: the SQLite driver (better-sqlite3) cannot load in this Node: it was built for another Node (module version 108');
      expect(p.err).toContain('npm rebuild better-sqlite3');
      expectOwnWords(p);
    }
    // what does not open the store still works with the stale driver
    expect((await cli(['run', 'neocloud-base'], { bin })).code).toBe(0);
  }, 120_000);

  it('the error of a real dlopen of it is what the message reads', () => {
    const copy = join(dir, 'abi-check.node');
    const driver = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (!patchAbi(driver, copy)) return;
    let error: unknown;
    try {
      process.dlopen({ exports: {} }, copy);
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('ERR_DLOPEN_FAILED');
    expect(environmentFailure(error, { store: 'x.db' })).toMatchObject({ kind: 'native-module', exitCode: 1 });
  });
});

describe('writing to a pipe', () => {
  it('a report to a FIFO is written to it, never renamed over it', async () => {
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolve) => {
      const r = spawn('cat', [fifo]);
      let text = '';
      r.stdout.on('data', (d: Buffer) => (text += d.toString()));
      r.on('close', () => resolve(text));
    });
    const p = await cli(['report', 'neocloud-base', '--out', fifo]);
    expect(p.code, p.err).toBe(0);
    expect(await reader).toMatch(/^<!doctype html>/i);
    expect(statSync(fifo).isFIFO()).toBe(true);
  }, 60_000);
});
