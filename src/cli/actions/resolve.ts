import { stringify } from 'yaml';
import { type CliIO, json, printWarnings } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';

export function resolveAction(io: CliIO, file: string, opts: { json?: boolean }): void {
  const { scenario, warnings } = loadScenarioOrFail(file);
  printWarnings(io, warnings);
  io.out(opts.json ? json(scenario) : stringify(scenario, { lineWidth: 0 }).trimEnd());
}
