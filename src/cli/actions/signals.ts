/**
 * The actions of `payback signals …`. The store (SQLite, PostgreSQL) loads
 * only when a subcommand opens it: `definitions` never does, `calendar` only with --db.
 */
import { evaluate } from '../../model/engine.ts';
import { readScenarioText } from '../../io/files.ts';
import { scenarioHash } from '../../io/scenario-hash.ts';
import { catalogAcceleratorIds, loadContext, loadSignalDefinitions, readObservationsFile, seedObservationsPath } from '../../io/signal-files.ts';
import { calendarTable, contextLines, definitionsTable, nowcastTable, observationsTable, runsTable, statusTable } from '../../report/signals.ts';
import { evidenceCalendar } from '../../signals/calendar.ts';
import { readObservationFields } from '../../signals/import.ts';
import type { ObservationInput } from '../../signals/observation.ts';
import { noEvidence, nowcastFromStore, statusFromStore } from '../../store/evidence.ts';
import { VERSION } from '../../version.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { loadScenarioOrFail } from '../scenarios.ts';
import { asOfOrFail, withStore } from '../store.ts';

/** Import checked rows, all or nothing, and say what happened. */
async function importRows(io: CliIO, db: string | undefined, rows: readonly ObservationInput[], what: string, asJson: boolean): Promise<void> {
  await withStore(db, async (store) => {
    const r = await store.addObservations(rows);
    if (asJson) io.out(json({ file: what, added: r.added, duplicates: r.duplicates, ids: r.ids, store: store.location }));
    else io.out(`${what}: ${r.added} new observation${r.added === 1 ? '' : 's'}, ${r.duplicates} already in the store (${store.location})`);
  });
}

export async function signalsImport(io: CliIO, file: string, opts: { format?: 'csv' | 'json' | 'yaml'; db?: string; json?: boolean }): Promise<void> {
  const r = readObservationsFile(file, undefined, opts.format);
  if (r.issues.length > 0) throw new InputError(r.issues);
  await importRows(io, opts.db, r.rows, file === '-' ? '<stdin>' : file, Boolean(opts.json));
}

export async function signalsAdd(io: CliIO, opts: Record<string, string | boolean | undefined>): Promise<void> {
  const field = (k: string): string | undefined => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
  const fields = Object.fromEntries(['signal', 'scope', 'date', 'value', 'unit', 'source', 'url', 'note', 'supersedes', 'operator', 'accelerator', 'basis', 'facilityShare'].map((k) => [k, field(k)]));
  const r = readObservationFields(fields, loadSignalDefinitions(), { accelerators: catalogAcceleratorIds() });
  const flag = (path: string): string => `--${path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (r.issues.length > 0) throw new InputError(r.issues.map((i) => ({ ...i, path: flag(i.path) })));
  await importRows(io, field('db'), r.rows, 'added', opts['json'] === true);
}

export async function signalsList(io: CliIO, opts: { signal?: string; scope?: string; history?: boolean; db?: string; json?: boolean }): Promise<void> {
  await withStore(opts.db, async (store) => {
    const rows = await store.listObservations({ signal: opts.signal, scope: opts.scope, history: Boolean(opts.history) });
    if (opts.json) io.out(json(rows));
    else if (rows.length === 0) io.out(`no observations${opts.signal ? ` of ${opts.signal}` : ''}${opts.scope ? ` in scope "${opts.scope}"` : ''} (${store.location}); try \`payback signals seed\``);
    else io.out(observationsTable(rows, Boolean(opts.history)));
  });
}

export async function signalsSeed(io: CliIO, opts: { db?: string; json?: boolean }): Promise<void> {
  const r = readObservationsFile(seedObservationsPath());
  if (r.issues.length > 0) throw new Error(`the shipped seed observations are broken:\n${r.issues.map((i) => i.message).join('\n')}`);
  await importRows(io, opts.db, r.rows, 'seed', Boolean(opts.json));
  if (!opts.json) io.out(contextLines(loadContext()));
}

export async function signalsStatus(io: CliIO, file: string, opts: { asOf?: string; record?: boolean; db?: string; json?: boolean }): Promise<void> {
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
}

export async function signalsNowcast(io: CliIO, file: string, opts: { asOf?: string; withProxies?: boolean; db?: string; json?: boolean }): Promise<void> {
  const asOf = asOfOrFail(opts.asOf);
  const { scenario, warnings } = loadScenarioOrFail(file);
  const definitions = loadSignalDefinitions();
  await withStore(opts.db, async (store) => {
    // a nowcast needs evidence: an as-of day before every observation is bad input
    const missing = await noEvidence(store, definitions, asOf);
    if (missing !== null) throw new InputError([{ path: '--as-of', message: missing, code: 'no_evidence' }]);
    const n = await nowcastFromStore(store, scenario, definitions, asOf, { includeProxies: opts.withProxies === true });
    if (opts.json) {
      io.out(json(n));
      return;
    }
    printWarnings(io, warnings);
    io.out(nowcastTable(n, `${scenario.id} (${scenario.name ?? scenario.operator})`));
  });
}

export async function signalsCalendar(io: CliIO, file: string, opts: { asOf?: string; db?: string; json?: boolean }): Promise<void> {
  const asOf = asOfOrFail(opts.asOf);
  const { scenario, warnings } = loadScenarioOrFail(file);
  const definitions = loadSignalDefinitions();
  const cal = evidenceCalendar(scenario, definitions, asOf);
  // the store opens only when asked (--db): the watch list itself needs none; with one, each line shows its latest evidence
  const status = opts.db === undefined ? undefined : await withStore(opts.db, (store) => statusFromStore(store, scenario, definitions, asOf));
  if (opts.json) {
    io.out(json(status === undefined ? cal : { ...cal, status }));
    return;
  }
  printWarnings(io, warnings);
  io.out(calendarTable(cal, `${scenario.id} (${scenario.name ?? scenario.operator})`, status));
  if (status !== undefined && status.rows.length === 0) io.out(`no observations up to ${asOf} in the store; try \`payback signals seed\``);
}

export function signalsDefinitions(io: CliIO, opts: { json?: boolean }): void {
  const defs = loadSignalDefinitions();
  io.out(opts.json ? json(defs) : definitionsTable(defs));
}

export async function signalsRuns(io: CliIO, id: string | undefined, opts: { db?: string; json?: boolean }): Promise<void> {
  await withStore(opts.db, async (store) => {
    const runs = await store.listRuns(id);
    if (opts.json) io.out(json(runs));
    else if (runs.length === 0) io.out(`no runs logged${id ? ` for ${id}` : ''} (${store.location}); record one with \`payback signals status <scenario> --record\``);
    else io.out(runsTable(runs));
  });
}
