import { readModelFile } from '../../io/portfolio-files.ts';
import { formatIssue } from '../../model/issues.ts';
import { type CliIO, Exit, json } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';
import { plural } from '../../model/format.ts';

export function validateAction(io: CliIO, file: string, opts: { json?: boolean } = {}): void {
  if (!opts.json) {
    const l = loadSubjectOrFail(file);
    for (const w of l.warnings) io.err(formatIssue(w));
    if (l.kind === 'portfolio') {
      const p = l.subject;
      io.out(`ok: ${file} is a valid portfolio (${p.id}, ${plural(p.vintages.length, 'vintage')}, ${p.startYear}–${p.startYear + p.years - 1}${p.demand !== undefined ? ', one shared market' : ''})`);
      return;
    }
    const scenario = l.subject;
    io.out(`ok: ${file} is a valid scenario (${scenario.id}, ${plural(scenario.horizon.years, 'year')}, ${plural(scenario.demand.segments.length, 'segment')})`);
    return;
  }
  // the verdict, good or bad, is the output: JSON on stdout, exit 2 when there are problems
  const f = readModelFile(file);
  if (f.kind === 'portfolio') {
    const r = f.result;
    if (r.ok) {
      const p = r.portfolio;
      io.out(json({ ok: true, file, portfolio: { id: p.id, name: p.name ?? null, vintages: p.vintages.length, startYear: p.startYear, years: p.years }, issues: [], warnings: r.warnings }));
      return;
    }
    io.out(json({ ok: false, file, portfolio: null, issues: r.issues, warnings: r.warnings }));
    throw new Exit(2);
  }
  const r = f.result;
  if (r.ok) {
    const s = r.scenario;
    io.out(json({ ok: true, file, scenario: { id: s.id, name: s.name ?? null, operator: s.operator, years: s.horizon.years, segments: s.demand.segments.length }, issues: [], warnings: r.warnings }));
    return;
  }
  io.out(json({ ok: false, file, scenario: null, issues: r.issues, warnings: r.warnings }));
  throw new Exit(2);
}
