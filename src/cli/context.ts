/**
 * What every command gets: where to write, and the shared way to fail with bad
 * input. Commands never exit the process; `main.ts` does. Light on purpose:
 * the program and every command's definition load it (see `commands/`).
 */
import type { Issue } from '../model/issues.ts';
import { formatIssues } from '../model/issues.ts';

export interface CliIO {
  /** a line to standard output */
  out: (text: string) => void;
  /** a line to standard error */
  err: (text: string) => void;
  /** true when stdout is a terminal (progress bars, colours) */
  isTTY: boolean;
  /**
   * Bytes or text to standard output as they are (no newline added), resolving
   * when the stream can take more: what `-` as an output file writes to
   * (a workbook, every Monte Carlo sample). Without it, text goes to `out`.
   */
  write?: (chunk: string | Uint8Array) => Promise<void>;
}

/** Write to standard output as a file would be written (`-`): raw bytes through `io.write`, else text through `io.out`. */
export async function writeStdout(io: CliIO, chunk: string | Uint8Array): Promise<void> {
  if (io.write !== undefined) return io.write(chunk);
  if (typeof chunk !== 'string') throw new Error('this output cannot take binary data');
  io.out(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
}

/** Refuse binary output to a terminal: it would garble the screen. */
export function binaryToStdoutOrFail(io: CliIO, option: string, what: string): void {
  if (io.isTTY) throw new InputError([{ path: option, message: `refusing to write ${what} (binary) to the terminal; redirect it (> file) or pipe it` }]);
}

/** Bad input: every issue at once; the CLI prints them and exits 2. */
export class InputError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[] | string) {
    const list: Issue[] = typeof issues === 'string' ? [{ path: '', message: issues }] : issues;
    super(formatIssues(list));
    this.name = 'InputError';
    this.issues = list;
  }
}

/** End the command with this exit code, its output already printed (`validate --json` on a bad file). */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'Exit';
  }
}

/** Warnings go to stderr, one line each, so stdout stays clean for `--json` and `--csv`. */
export function printWarnings(io: CliIO, warnings: readonly { message: string }[], prefix = 'warning: '): void {
  for (const w of warnings) io.err(`${prefix}${w.message}`);
}

export const json = (x: unknown): string => JSON.stringify(x, null, 2);
