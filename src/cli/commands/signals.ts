/**
 * `payback signals …`: the signal monitor (MODEL.md §6). Observations live in
 * the store (`--db PATH`, else `PAYBACK_DB`, else a PostgreSQL `DATABASE_URL`,
 * else `./.payback/payback.db`). "Today" is read here, never in `signals/`.
 */
import type { Command } from 'commander';
import { evaluate } from '../../model/engine.ts';
import { readScenarioText } from '../../io/files.ts';
import { scenarioHash } from '../../io/scenario-hash.ts';
import { loadContext, loadSignalDefinitions, readObservationsFile, seedObservationsPath } from '../../io/signal-files.ts';
import { calendarTable, contextLines, definitionsTable, observationsTable, runsTable, statusTable } from '../../report/signals.ts';
import { evidenceCalendar } from '../../signals/calendar.ts';
import { isIsoDate } from '../../signals/dates.ts';
import { readObservationFields } from '../../signals/import.ts';
import type { ObservationInput } from '../../signals/observation.ts';
import { statusFromStore } from '../../store/evidence.ts';
import { openStore, storeOptionsFrom } from '../../store/open.ts';
import { redactUrl } from '../../store/postgres.ts';
import { type ObservationStore, StoreInputError } from '../../store/types.ts';
import { VERSION } from '../../version.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

const DB_HELP = 'the store: a SQLite file or a postgres:// URL (default: $PAYBACK_DB, else a postgres $DATABASE_URL, else ./.payback/payback.db)';

/** Today, UTC, as the default as-of date. */
const today = (): string => new Date().toISOString().slice(0, 10);

function asOfOrFail(text: string | undefined): string {
  if (text === undefined) return today();
  if (!isIsoDate(text)) throw new InputError([{ path: '--as-of', message: `expected a date YYYY-MM-DD, got ${JSON.stringify(text)}`, code: 'bad_date' }]);
  return text;
}

/** Open the store the options and the environment name; a bad request to it is bad input (exit 2). */
async function withStore<T>(db: string | undefined, fn: (store: ObservationStore) => Promise<T>): Promise<T> {
  const where = storeOptionsFrom(db, process.env);
  let store: ObservationStore;
  try {
    store = await openStore(where);
  } catch (e) {
    // where the store is, is the user's input: a wrong path, a server that is down, a newer schema
    const name = where.databaseUrl !== undefined ? redactUrl(where.databaseUrl) : (where.db ?? '');
    throw new InputError([{ path: '--db', message: `cannot open the store ${name}: ${e instanceof Error ? e.message : String(e)}`, code: 'store' }]);
  }
  try {
    return await fn(store);
  } catch (e) {
    if (e instanceof StoreInputError) throw new InputError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

/** Import checked rows, all or nothing, and say what happened. */
async function importRows(io: CliIO, db: string | undefined, rows: readonly ObservationInput[], what: string, asJson: boolean): Promise<void> {
  await withStore(db, async (store) => {
    const r = await store.addObservations(rows);
    if (asJson) io.out(json({ file: what, added: r.added, duplicates: r.duplicates, ids: r.ids, store: store.location }));
    else io.out(`${what}: ${r.added} new observation${r.added === 1 ? '' : 's'}, ${r.duplicates} already in the store (${store.location})`);
  });
}


export function signalsCommand(program: Command, io: CliIO): void {
  const signals = program.command('signals').description('the signal monitor: observations of the world against what a scenario expects (MODEL.md §6)');

  signals
    .command('import')
    .description('import observations from a .csv, .json or .yaml file: every row checked, all or nothing, idempotent')
    .argument('<file>', 'CSV with a header (signal,scope,date,value,unit,source[,url,note,supersedes]) or a JSON/YAML list')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was imported as JSON')
    .action(async (file: string, opts: { db?: string; json?: boolean }) => {
      const r = readObservationsFile(file);
      if (r.issues.length > 0) throw new InputError(r.issues);
      await importRows(io, opts.db, r.rows, file, Boolean(opts.json));
    });

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
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was added as JSON')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const field = (k: string): string | undefined => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
      const fields = Object.fromEntries(['signal', 'scope', 'date', 'value', 'unit', 'source', 'url', 'note', 'supersedes'].map((k) => [k, field(k)]));
      const r = readObservationFields(fields, loadSignalDefinitions());
      if (r.issues.length > 0) throw new InputError(r.issues.map((i) => ({ ...i, path: `--${i.path}` })));
      await importRows(io, field('db'), r.rows, 'added', opts['json'] === true);
    });

  signals
    .command('list')
    .description('list the observations in the store (the current row of each correction chain, or --history for all)')
    .option('--signal <id>', 'only this signal')
    .option('--scope <text>', 'only this scope')
    .option('--history', 'every row, corrected ones included, with what corrects what')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the rows as JSON')
    .action(async (opts: { signal?: string; scope?: string; history?: boolean; db?: string; json?: boolean }) => {
      await withStore(opts.db, async (store) => {
        const rows = await store.listObservations({ signal: opts.signal, scope: opts.scope, history: Boolean(opts.history) });
        if (opts.json) io.out(json(rows));
        else if (rows.length === 0) io.out(`no observations${opts.signal ? ` of ${opts.signal}` : ''}${opts.scope ? ` in scope "${opts.scope}"` : ''} (${store.location}); try \`payback signals seed\``);
        else io.out(observationsTable(rows, Boolean(opts.history)));
      });
    });

  signals
    .command('seed')
    .description('load the public observations of DATA.md §4, with their sources (idempotent)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print what was imported as JSON')
    .action(async (opts: { db?: string; json?: boolean }) => {
      const r = readObservationsFile(seedObservationsPath());
      if (r.issues.length > 0) throw new Error(`the shipped seed observations are broken:\n${r.issues.map((i) => i.message).join('\n')}`);
      await importRows(io, opts.db, r.rows, 'seed', Boolean(opts.json));
      if (!opts.json) io.out(contextLines(loadContext()));
    });

  signals
    .command('status')
    .description('for each signal with observations: expected value, tripwire, latest observation, status (on track / watch / breach), 12-month trend')
    .argument('<scenario>', 'a scenario file or built-in id')
    .option('--as-of <date>', 'ignore observations after this day, YYYY-MM-DD (default: today)')
    .option('--record', 'also save this scenario\'s version and log the run, so its estimate can be followed over time')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the status as JSON')
    .action(async (file: string, opts: { asOf?: string; record?: boolean; db?: string; json?: boolean }) => {
      const asOf = asOfOrFail(opts.asOf);
      const { scenario, warnings } = loadScenarioOrFail(file);
      const definitions = loadSignalDefinitions();
      await withStore(opts.db, async (store) => {
        const report = await statusFromStore(store, scenario, definitions, asOf);
        if (opts.record) {
          const text = readScenarioText(file);
          if (text !== undefined) await store.saveScenario(scenario.id, text);
          await store.logRun({ scenarioId: scenario.id, scenarioHash: scenarioHash(scenario), engineVersion: VERSION, summary: evaluate(scenario).summary });
        }
        if (opts.json) {
          io.out(json({ ...report, context: loadContext() }));
          return;
        }
        printWarnings(io, warnings);
        io.out(statusTable(report, `${scenario.id} (${scenario.name ?? scenario.operator})`));
        if (report.rows.length === 0) io.out(`no observations up to ${asOf} in ${store.location}; try \`payback signals seed\``);
        io.out(contextLines(loadContext()));
        if (opts.record) io.out(`recorded: scenario ${scenario.id} saved and the run logged (payback signals runs ${scenario.id})`);
      });
    });

  signals
    .command('calendar')
    .description('quarter by quarter over the next 24 months: the value each signal should show if the scenario holds, and its tripwire')
    .argument('<scenario>', 'a scenario file or built-in id')
    .option('--as-of <date>', 'start from this day, YYYY-MM-DD (default: today)')
    .option('--json', 'print the calendar as JSON')
    .action((file: string, opts: { asOf?: string; json?: boolean }) => {
      const asOf = asOfOrFail(opts.asOf);
      const { scenario, warnings } = loadScenarioOrFail(file);
      const cal = evidenceCalendar(scenario, loadSignalDefinitions(), asOf);
      if (opts.json) {
        io.out(json(cal));
        return;
      }
      printWarnings(io, warnings);
      io.out(calendarTable(cal, `${scenario.id} (${scenario.name ?? scenario.operator})`));
    });

  signals
    .command('definitions')
    .description('the monitored signals: unit, good direction, link into the model, scope')
    .option('--json', 'print the definitions as JSON')
    .action((opts: { json?: boolean }) => {
      const defs = loadSignalDefinitions();
      io.out(opts.json ? json(defs) : definitionsTable(defs));
    });

  signals
    .command('runs')
    .description('the run log: how a scenario\'s estimate moved over time (runs recorded with `signals status --record`)')
    .argument('[scenario-id]', 'only this scenario')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the log as JSON')
    .action(async (id: string | undefined, opts: { db?: string; json?: boolean }) => {
      await withStore(opts.db, async (store) => {
        const runs = await store.listRuns(id);
        if (opts.json) io.out(json(runs));
        else if (runs.length === 0) io.out(`no runs logged${id ? ` for ${id}` : ''} (${store.location}); record one with \`payback signals status <scenario> --record\``);
        else io.out(runsTable(runs));
      });
    });

  for (const c of signals.commands) c.exitOverride().showSuggestionAfterError(true).configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
}
