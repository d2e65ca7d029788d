import { readFileSync } from 'node:fs';
import { STDIN_NAME, STDIO, stdinText, writeFileAtomic } from '../../io/files.ts';
import { migrateScenarioText } from '../../model/migrate.ts';
import type { MigrateOptions } from '../commands/migrate.ts';
import { type CliIO, InputError, json } from '../context.ts';

/** Print (or write) the v2 form of a v1 scenario file; what changed goes to stderr. */
export function migrateAction(io: CliIO, file: string, opts: MigrateOptions): void {
  if (file === STDIO && opts.write === true) throw new InputError([{ path: '--write', message: 'standard input (-) cannot be rewritten in place: drop --write and redirect the output' }]);
  const shown = file === STDIO ? STDIN_NAME : file;
  let text: string;
  try {
    text = file === STDIO ? stdinText() : readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError([{ path: '', file: shown, message: `cannot read the file: ${err instanceof Error ? err.message : String(err)}`, code: 'unreadable' }]);
  }
  const r = migrateScenarioText(text);
  if (!r.ok) throw new InputError([{ path: '', file: shown, message: r.message, code: 'not_migratable' }]);
  if (opts.json === true) {
    if (opts.write === true && r.changed) writeFileAtomic(file, r.text);
    io.out(json({ file, changed: r.changed, notes: r.notes, ...(opts.write === true ? { written: r.changed } : { text: r.text }) }));
    return;
  }
  for (const n of r.notes) io.err(`migrate: ${n}`);
  if (opts.write === true) {
    if (r.changed) writeFileAtomic(file, r.text);
    io.err(r.changed ? `migrate: ${file} rewritten as MODEL.md v2` : `migrate: ${file} left as it is`);
    return;
  }
  io.out(r.text.endsWith('\n') ? r.text.slice(0, -1) : r.text);
}
