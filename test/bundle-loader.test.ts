/**
 * The bundled CLI's loader (src/cli/bundle-loader.ts): its code cache is a hint,
 * never a condition. A missing, stale, damaged or unwritable cache gives the
 * same output as a good one, and is written again; an edited chunk is run as
 * it is now. Each case is a fresh process, as a user's command is.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheDir } from '../src/cli/bundle-loader.ts';
import { ensureBuilt, ROOT } from './build.ts';

const dir = mkdtempSync(join(tmpdir(), 'payback-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `payback …` from this checkout's bundle, with the code cache in `cache`. */
function payback(cache: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'payback.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PAYBACK_CODE_CACHE: cache } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cacheFiles = (cache: string): string[] => readdirSync(cache).sort();
/** A cache file whose header's SHA-1 is that of the cache after it. */
function whole(bytes: Buffer): boolean {
  const nl = bytes.indexOf(10);
  const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as { sha1: string };
  return nl > 0 && header.sha1 === createHash('sha1').update(bytes.subarray(nl + 1)).digest('hex') && bytes.length > nl + 1000;
}

describe('the code cache of the bundled CLI', () => {
  beforeAll(() => ensureBuilt(), 600_000);
  const args = ['validate', 'hyperscaler-base'];

  it('is written by a first run, used by the next, and changes no output', () => {
    const cache = join(dir, 'good');
    const first = payback(cache, args);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('is a valid scenario');
    const files = cacheFiles(cache);
    expect(files.length).toBeGreaterThan(2);
    const times = files.map((f) => statSync(join(cache, f)).mtimeMs);
    expect(payback(cache, args)).toEqual(first);
    // a usable cache is not written again
    expect(files.map((f) => statSync(join(cache, f)).mtimeMs)).toEqual(times);
  });

  it('damaged, truncated, emptied or foreign: ignored, the output the same, and written again', () => {
    const cache = join(dir, 'damaged');
    const good = payback(cache, args);
    const files = cacheFiles(cache);
    const damage: ((b: Buffer) => Buffer)[] = [
      (b) => Buffer.from(b.map((x, i) => (i > b.indexOf(10) + 100 && i % 7 === 0 ? x ^ 0xff : x))),
      (b) => b.subarray(0, Math.floor(b.length / 2)),
      () => Buffer.alloc(0),
      (b) => Buffer.concat([Buffer.from('{"file":"/elsewhere","size":1,"mtimeMs":1,"node":"v0","arch":"x","sha1":"0"}\n'), b.subarray(b.indexOf(10) + 1)]),
      (b) => Buffer.from(b.map(() => 0x41)),
    ];
    for (const d of damage) {
      for (const f of files) writeFileSync(join(cache, f), d(readFileSync(join(cache, f))));
      expect(payback(cache, args)).toEqual(good);
      // written again, whole
      for (const f of files) expect(whole(readFileSync(join(cache, f))), f).toBe(true);
      expect(payback(cache, args)).toEqual(good);
    }
  });

  it('where it cannot be kept (a file where its directory should be), or when off: the same output, no cache', () => {
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'not a directory');
    const good = payback(join(dir, 'fresh'), args);
    expect(payback(blocked, args)).toEqual(good);
    expect(payback('off', args)).toEqual(good);
    expect(codeCacheDir({ PAYBACK_CODE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'inference-payback', 'code-cache'));
  });
});

describe('the loader', () => {
  beforeAll(() => ensureBuilt(), 600_000);
  const chunks = join(dir, 'chunks');
  const cache = join(dir, 'chunks-cache');
  /** Run `chunks/main.cjs` through the bundled loader, as bin/payback.js runs the bundle. */
  const run = (): string =>
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(join(ROOT, 'dist', 'bundle', 'loader.cjs'))}).runBundle(${JSON.stringify(join(chunks, 'main.cjs'))}, ${JSON.stringify(cache)});`], { encoding: 'utf8' });

  it('runs an edited chunk as it is now, not as its cache has it (same length, newer time)', () => {
    rmSync(chunks, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', chunks]);
    writeFileSync(join(chunks, 'main.cjs'), "const { v } = require('./b.cjs'); const { join } = require('node:path'); console.log(v, typeof join, __filename.endsWith('main.cjs'), this === module.exports);\n");
    writeFileSync(join(chunks, 'b.cjs'), "'use strict'; exports.v = 'one';\n");
    expect(run()).toBe('one function true true\n');
    expect(run()).toBe('one function true true\n');
    const before = statSync(join(chunks, 'b.cjs')).mtimeMs;
    while (Date.now() <= before + 5) {
      // a newer time than the cache's
    }
    writeFileSync(join(chunks, 'b.cjs'), "'use strict'; exports.v = 'two';\n");
    expect(run()).toBe('two function true true\n');
    expect(run()).toBe('two function true true\n');
  });

  it('drops the caches of chunks that are gone when it writes one', () => {
    const kept = readdirSync(cache).length;
    expect(kept).toBe(2);
    writeFileSync(join(cache, 'ffffffffffffffffffff.bin'), '{"file":"/no/such/chunk.cjs"}\nxx');
    writeFileSync(join(cache, '00000000000000000000.bin'), 'damaged');
    writeFileSync(join(chunks, 'main.cjs'), "console.log('three');\n");
    expect(run()).toBe('three\n');
    expect(readdirSync(cache).length).toBe(kept);
  });
});
