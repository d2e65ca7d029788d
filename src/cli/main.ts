/** The only place that exits the process. */
import { config } from 'zod/v4/core';
import { runCli } from './run-cli.ts';

// A command parses a scenario or a few: zod's compiled fast path of an object schema (a
// `new Function` for each shape, made at its first parse, that no code cache keeps) costs
// more than it saves. `payback serve` parses request after request and keeps it. Set here,
// before a schema is built: each reads it then.
if (process.argv[2] !== 'serve') config({ jitless: true });

// A reader that stops early (`payback run x | head -1`) closes the pipe: stop
// quietly and successfully, as a Unix filter does, instead of an EPIPE trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

// no top-level await: the bundled CLI (dist/bundle/) is CommonJS, to be compiled with a code cache
void runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  isTTY: Boolean(process.stdout.isTTY),
  write: (chunk) => new Promise<void>((resolve) => (process.stdout.write(chunk) ? resolve() : process.stdout.once('drain', resolve))),
}).then((code) => {
  process.exitCode = code;
});
