// `npm run build`: the library and the CLI compiled into dist/ (ESM + .d.ts, `tsc -p
// tsconfig.build.json`), stamped so bin/payback.js knows the build is as new as the
// source, then the dashboard into web/dist. `--lib` builds dist/ only.
import { execFileSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const started = new Date();

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
// the stamp carries the time the compiler read the source: an edit during the build counts as newer
writeFileSync(join(root, 'dist', '.built'), `${started.toISOString()}\n`);
utimesSync(join(root, 'dist', '.built'), started, started);
if (!process.argv.includes('--lib')) run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
