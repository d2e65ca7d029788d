import { designPoint, unreachableIssue } from '../../analysis/design-point.ts';
import { AnalysisInputError } from '../../analysis/paths.ts';
import { designPointTable } from '../../report/conditions-tables.ts';
import { uncertaintyFor } from '../../analysis/default-uncertainty.ts';
import type { DesignPointCliOptions } from '../commands/designpoint.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';
import { placeIssues } from '../uncertainty-issues.ts';

export function designPointAction(io: CliIO, file: string, opts: DesignPointCliOptions): void {
  const { scenario, warnings } = loadScenarioOrFail(file);
  const { distributions, origin } = uncertaintyFor(scenario);
  let report;
  try {
    report = designPoint(scenario, { target: opts.target, n: opts.n, seed: opts.seed, distributions });
  } catch (e) {
    if (e instanceof AnalysisInputError) throw new InputError(placeIssues(e.issues, file, new Set()));
    throw e;
  }
  // a target no values of the inputs can cross is bad input: said with the closest point
  if (report.status === 'unreachable') throw new InputError([unreachableIssue(report)]);
  if (opts.json) {
    io.out(json(report));
    return;
  }
  printWarnings(io, warnings);
  io.out(designPointTable(report, origin));
  printWarnings(io, report.warnings);
}
