#!/usr/bin/env node
// The `payback` command. An installed package runs the compiled CLI (dist/). In a
// checkout, where src/ sits beside it, the compiled CLI runs only while it is at
// least as new as every source file (`npm run build` stamps it); otherwise tsx runs
// the source, so an edit is never hidden behind a stale build.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const mtime = (url) => {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
};

/** The newest modification time of a file under `dir` (a URL ending in /). */
function newest(dir) {
  let t = -1;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const u = new URL(e.isDirectory() ? `${e.name}/` : e.name, dir);
    t = Math.max(t, e.isDirectory() ? newest(u) : mtime(u));
  }
  return t;
}

const src = new URL('src/', root);
if (mtime(src) < 0 || mtime(new URL('dist/.built', root)) >= newest(src)) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
