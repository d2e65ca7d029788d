// `npm run build`: the library and the CLI compiled into dist/ (ESM + .d.ts, `tsc -p
// tsconfig.build.json`); the CLI and its worker threads bundled into dist/bundle/ (what
// bin/payback.js runs); the shipped YAML parsed into dist/shipped-data.json; stamped so
// bin/payback.js knows the build is as new as the source; then the dashboard into web/dist.
// `--lib` builds dist/ only.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleCli } from './bundle-cli.mjs';
import { writeShippedData } from './shipped-data.mjs';

const root = join(import.meta.dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = new Date();

/** Every directory and file under `dir`, relative to the root, directories first. */
function tree(dir) {
  const out = [relative(root, dir)];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) out.push(...tree(join(dir, e.name)));
    else out.push(relative(root, join(dir, e.name)));
  }
  return out;
}
// the source as the compiler reads it: listed before the build, so a file added during it counts as newer
const sources = tree(join(root, 'src'));

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
await bundleCli(root);
await writeShippedData(root);
// The stamp: the time the compiler read the source (an edit during the build counts as newer), and
// the files and directories it read, which bin/payback.js compares that time with (a file added or
// removed changes its directory's time), without walking src/ at every start.
const stamp = join(root, 'dist', '.built');
writeFileSync(stamp, `${started.toISOString()}\n${sources.join('\n')}\n`);
utimesSync(stamp, started, started);
if (!process.argv.includes('--lib')) run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
