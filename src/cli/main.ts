/** The only place that exits the process. */
import { runCli } from './run-cli.ts';

const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
