import { readScenarioFile } from '../../io/files.ts';
import { formatIssue } from '../../model/issues.ts';
import { type CliIO, Exit, json } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';
import { plural } from '../../model/format.ts';

export function validateAction(io: CliIO, file: string, opts: { json?: boolean } = {}): void {
  if (!opts.json) {
    const { scenario, warnings } = loadScenarioOrFail(file);
    for (const w of warnings) io.err(formatIssue(w));
    io.out(`ok: ${file} is a valid scenario (${scenario.id}, ${plural(scenario.horizon.years, 'year')}, ${plural(scenario.demand.segments.length, 'segment')})`);
    return;
  }
  // the verdict, good or bad, is the output: JSON on stdout, exit 2 when there are problems
  const r = readScenarioFile(file);
  if (r.ok) {
    const s = r.scenario;
    io.out(json({ ok: true, file, scenario: { id: s.id, name: s.name ?? null, operator: s.operator, years: s.horizon.years, segments: s.demand.segments.length }, issues: [], warnings: r.warnings }));
    return;
  }
  io.out(json({ ok: false, file, scenario: null, issues: r.issues, warnings: r.warnings }));
  throw new Exit(2);
}
