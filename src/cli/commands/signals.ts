/**
 * `payback signals …`: the signal monitor (MODEL.md §6). Observations live in
 * the store (`--db PATH`, else `PAYBACK_DB`, else a PostgreSQL `DATABASE_URL`,
 * else `./.payback/payback.db`). "Today" is read in the actions, never in `signals/`.
 */
import { type Command, Option } from 'commander';
import type { CliIO } from '../context.ts';

const DB_HELP = 'the store: a SQLite file or a postgres:// URL (default: $PAYBACK_DB, else a postgres $DATABASE_URL, else ./.payback/payback.db)';

const actions = (): Promise<typeof import('../actions/signals.ts')> => import('../actions/signals.ts');

export function signalsCommand(program: Command, io: CliIO): void {
  const signals = program.command('signals').description('the signal monitor: observations of the world against what a scenario expects (MODEL.md §6)');

  signals
    .command('import')
    .description('import observations from a .csv, .json or .yaml file: every row checked, all or nothing, idempotent')
    .argument('<file>', 'CSV with a header (signal,scope,date,value,unit,source[,url,note,supersedes,operator,accelerator,basis,facilityShare]) or a JSON/YAML list; - reads standard input')
    .addOption(new Option('--format <format>', 'the format, when the file name does not say it (default for -: CSV if the first line is a CSV header, else JSON/YAML)').choices(['csv', 'json', 'yaml']))
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was imported as JSON')
    .action(async (file: string, opts: { format?: 'csv' | 'json' | 'yaml'; db?: string; json?: boolean }) => (await actions()).signalsImport(io, file, opts));

  signals
    .command('add')
    .description('add one observation (a correction: --supersedes ID)')
    .requiredOption('--signal <id>', 'a signal id (payback signals definitions)')
    .requiredOption('--scope <text>', 'what the number is about, e.g. "h100 1-yr contract" or a segment id')
    .requiredOption('--date <YYYY-MM-DD>', 'the day the value was true of the world')
    .requiredOption('--value <number>', 'the value, in the signal\'s unit')
    .requiredOption('--unit <unit>', 'the unit (must be the signal\'s)')
    .requiredOption('--source <text>', 'where it comes from')
    .option('--url <url>', 'a link to the source')
    .option('--note <text>', 'a note')
    .option('--supersedes <id>', 'the id of the observation this one corrects')
    .option('--operator <class>', 'whose number it is: hyperscaler, frontier-lab, neocloud, private-ai-factory, or market')
    .option('--accelerator <id>', 'the accelerator it is about, a catalog id (gb200, h100…), where it matters')
    .option('--basis <basis>', 'money per MW (capex-per-mw, gp-per-mw): it-only, or all-in (the facility included)')
    .option('--facility-share <share>', "an all-in figure's facility share as its source states it, in [0, 1): converts it to IT-only")
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was added as JSON')
    .action(async (opts: Record<string, string | boolean | undefined>) => (await actions()).signalsAdd(io, opts));

  signals
    .command('list')
    .description('list the observations in the store (the current row of each correction chain, or --history for all)')
    .option('--signal <id>', 'only this signal')
    .option('--scope <text>', 'only this scope')
    .option('--history', 'every row, corrected ones included, with what corrects what')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the rows as JSON')
    .action(async (opts: { signal?: string; scope?: string; history?: boolean; db?: string; json?: boolean }) => (await actions()).signalsList(io, opts));

  signals
    .command('seed')
    .description('load the public observations of DATA.md §4, with their sources (idempotent)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was imported as JSON')
    .action(async (opts: { db?: string; json?: boolean }) => (await actions()).signalsSeed(io, opts));

  signals
    .command('status')
    .description('for each signal with observations: expected value, tripwire, latest observation, status (on track / watch / breach), 12-month trend')
    .argument('<scenario>', 'a scenario file, a built-in id, or - for standard input')
    .option('--as-of <date>', 'ignore observations after this day, YYYY-MM-DD (default: today)')
    .option('--record', 'also save this scenario\'s version and log the run, so its estimate can be followed over time')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the status as JSON')
    .action(async (file: string, opts: { asOf?: string; record?: boolean; db?: string; json?: boolean }) => (await actions()).signalsStatus(io, file, opts));

  signals
    .command('calendar')
    .description('the watch list: the signals ranked by value of information (how much npv swings across each one\'s uncertainty), with reasons, and quarter by quarter over the next 24 months the value each should show and its tripwire')
    .argument('<scenario>', 'a scenario file, a built-in id, or - for standard input')
    .option('--as-of <date>', 'start from this day, YYYY-MM-DD (default: today)')
    .option('--db <path>', `${DB_HELP}; given, each line shows its latest like-for-like evidence (the watch list itself needs no store)`)
    .option('--json', 'print the calendar as JSON (with --db, its status report under "status")')
    .action(async (file: string, opts: { asOf?: string; db?: string; json?: boolean }) => (await actions()).signalsCalendar(io, file, opts));

  signals
    .command('nowcast')
    .description("the scenario re-run with each signal's latest like-for-like observation in place of its assumption: npv then and now, and the change attributed to each signal (Shapley)")
    .argument('<scenario>', 'a scenario file or built-in id')
    .option('--as-of <date>', 'the evidence up to this day, YYYY-MM-DD (default: today)')
    .option('--with-proxies', 'also place the closest proxies (market evidence, another operator class or accelerator), labelled')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the nowcast as JSON')
    .action(async (file: string, opts: { asOf?: string; withProxies?: boolean; db?: string; json?: boolean }) => (await actions()).signalsNowcast(io, file, opts));

  signals
    .command('definitions')
    .description('the monitored signals: unit, good direction, link into the model, scope')
    .option('--json', 'print the definitions as JSON')
    .action(async (opts: { json?: boolean }) => (await actions()).signalsDefinitions(io, opts));

  signals
    .command('runs')
    .description('the run log: how a scenario\'s estimate moved over time (runs recorded with `signals status --record`)')
    .argument('[scenario-id]', 'only this scenario')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the log as JSON')
    .action(async (id: string | undefined, opts: { db?: string; json?: boolean }) => (await actions()).signalsRuns(io, id, opts));

  for (const c of signals.commands) c.exitOverride().showSuggestionAfterError(true).configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
}
