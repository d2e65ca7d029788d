import { advantages } from '../../analysis/advantages.ts';
import type { Issue } from '../../model/issues.ts';
import { advantagesTable } from '../../report/stack-tables.ts';
import { DEFAULT_REFERENCE } from '../commands/advantages.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { type LoadedScenario, type LoadedSubject, loadScenarioOrFail, loadSubjectOrFail } from '../scenarios.ts';

export function advantagesAction(io: CliIO, file: string, opts: { vs?: string; json?: boolean }): void {
  // load both first so that every bad input is reported together
  const issues: Issue[] = [];
  const load = (f: string): LoadedScenario | undefined => {
    try {
      return loadScenarioOrFail(f);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues.map((i) => (i.file === undefined && i.path === '' ? { ...i, path: f === file ? '<scenario>' : '--vs' } : i)));
      return undefined;
    }
  };
  let op: LoadedSubject | undefined;
  try {
    op = loadSubjectOrFail(file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    issues.push(...e.issues.map((i) => (i.file === undefined && i.path === '' ? { ...i, path: '<scenario>' } : i)));
  }
  const ref = load(opts.vs ?? DEFAULT_REFERENCE);
  if (op === undefined || ref === undefined) throw new InputError(issues);
  const a = advantages(op.subject, ref.scenario);
  if (opts.json) {
    io.out(json(a));
    return;
  }
  printWarnings(io, op.warnings, `warning (${op.source}): `);
  printWarnings(io, ref.warnings, `warning (${ref.source}): `);
  io.out(advantagesTable(a));
}
