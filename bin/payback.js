#!/usr/bin/env node
// The `payback` command (CommonJS, as bin/package.json says: an ES module here would cost
// Node's ES module loader and a facade for each built-in it imports, some 5 ms of a start).
// An installed package runs the bundled CLI, dist/bundle/, through its loader, which keeps
// a V8 code cache (src/cli/bundle-loader.ts). In a checkout, where src/ sits beside it, the
// bundle runs only while it is at least as new as every source file (`npm run build` stamps
// it); otherwise tsx runs the source, so an edit is never hidden behind a stale build.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '/');

/**
 * True when the build is as new as the source. The stamp (dist/.built) holds the time the
 * build read the source and the directories and files it read: none may be newer, and
 * each must still be there. A file added or removed since changes its directory's time,
 * so listing what was there is enough, without walking src/ at every start.
 */
function built() {
  let stamp;
  try {
    stamp = readFileSync(`${root}dist/.built`, 'utf8').split('\n');
  } catch {
    return false;
  }
  const at = Date.parse(stamp[0] ?? '');
  if (!Number.isFinite(at) || stamp.length < 3) return false;
  for (let i = 1; i < stamp.length; i++) {
    if (stamp[i] === '') continue;
    const s = statSync(root + stamp[i], { throwIfNoEntry: false });
    if (s === undefined || s.mtimeMs > at) return false;
  }
  return true;
}

if (statSync(`${root}src`, { throwIfNoEntry: false }) === undefined || built()) {
  const { codeCacheDir, runBundle } = require('../dist/bundle/loader.cjs');
  runBundle(`${root}dist/bundle/payback.cjs`, codeCacheDir());
} else {
  import('tsx/esm/api').then(({ register }) => {
    register();
    return import('../src/cli/main.ts');
  });
}
