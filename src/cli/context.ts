/**
 * What every command gets: where to write, and the shared way to fail with bad
 * input. Commands never exit the process; `main.ts` does. Light on purpose:
 * the program and every command's definition load it (see `commands/`).
 */
import type { Issue } from '../model/issues.ts';
import { formatIssues } from '../model/issues.ts';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** true when stdout is a terminal (progress bars, colours) */
  isTTY: boolean;
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

/** Warnings go to stderr, one line each, so stdout stays clean for `--json` and `--csv`. */
export function printWarnings(io: CliIO, warnings: readonly { message: string }[], prefix = 'warning: '): void {
  for (const w of warnings) io.err(`${prefix}${w.message}`);
}

export const json = (x: unknown): string => JSON.stringify(x, null, 2);
