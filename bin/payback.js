#!/usr/bin/env node
// The `payback` command. An installed package runs the bundled CLI (dist/bundle/, with a
// V8 code cache: src/cli/bundle-loader.ts). In a checkout, where src/ sits beside it, the
// bundle runs only while it is at least as new as every source file (`npm run build`
// stamps it); otherwise tsx runs the source, so an edit is never hidden behind a stale build.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

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
  const { codeCacheDir, runBundle } = await import('../dist/cli/bundle-loader.js');
  runBundle(`${root}dist/bundle/payback.cjs`, codeCacheDir());
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
