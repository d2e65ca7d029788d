import { conditions } from '../../analysis/conditions.ts';
import { AnalysisInputError } from '../../analysis/paths.ts';
import { conditionsTable } from '../../report/conditions-tables.ts';
import { uncertaintyFor } from '../../analysis/default-uncertainty.ts';
import type { ConditionsCliOptions } from '../commands/conditions.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';
import { placeIssues } from '../uncertainty-issues.ts';

export function conditionsAction(io: CliIO, file: string, opts: ConditionsCliOptions): void {
  const { scenario, warnings } = loadScenarioOrFail(file);
  const { distributions, origin } = uncertaintyFor(scenario);
  let report;
  try {
    report = conditions(scenario, { n: opts.n, seed: opts.seed, distributions });
  } catch (e) {
    if (e instanceof AnalysisInputError) throw new InputError(placeIssues(e.issues, file, new Set()));
    throw e;
  }
  if (opts.json) {
    io.out(json(report));
    return;
  }
  printWarnings(io, warnings);
  io.out(conditionsTable(report, origin));
  printWarnings(io, report.warnings);
}
