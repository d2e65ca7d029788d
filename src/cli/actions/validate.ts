import { formatIssue } from '../../model/issues.ts';
import type { CliIO } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';

export function validateAction(io: CliIO, file: string): void {
  const { scenario, warnings } = loadScenarioOrFail(file);
  for (const w of warnings) io.err(formatIssue(w));
  io.out(`ok: ${file} is a valid scenario (${scenario.id}, ${scenario.horizon.years} years, ${scenario.demand.segments.length} segments)`);
}
