import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_SAMPLES } from '../../analysis/monte-carlo.ts';
import type { Issue } from '../../model/issues.ts';
import type { ModelResult } from '../../model/result.ts';
import { loadCatalog, readScenarioText, STDIO, writeFileAtomic } from '../../io/files.ts';
import { canonicalJson, scenarioHash } from '../../io/scenario-hash.ts';
import { loadSignalDefinitions } from '../../io/signal-files.ts';
import { attempt, REPORT_MC_SAMPLES, REPORT_MC_SEED, reportAnalyses, reportMonteCarlo, reportSignals } from '../../report/contents.ts';
import type { ScenarioAnalyses, ScenarioMeta, SignalsSection } from '../../report/html.ts';
import type { PortfolioAnalyses } from '../../report/portfolio-html.ts';
import { evidenceFromStore, noEvidence } from '../../store/evidence.ts';
import { inputRows } from '../../report/inputs.ts';
import { compareTable } from '../../report/terminal.ts';
import { portfolioVerdict, reportVerdicts, verdictLines } from '../../report/verdict.ts';
import { VERSION } from '../../version.ts';
import { DEFAULT_REFERENCE, DEFAULT_REPORT_OUT, type ReportOptions } from '../commands/report.ts';
import { type CliIO, InputError, json, printWarnings, writeStdout } from '../context.ts';
import { archetypeBaseCases, type LoadedScenario, type LoadedSubject, loadScenarioOrFail, loadSubjectOrFail, evaluateOrFail, evaluatePortfolioOrFail } from '../scenarios.ts';
import { asOfOrFail, withStore } from '../store.ts';

function intOption(name: string, raw: string | undefined, min: number, max: number, issues: Issue[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    issues.push({ path: name, message: `expected an integer from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${raw}"` });
    return undefined;
  }
  return n;
}

export async function reportAction(io: CliIO, files: string[], opts: ReportOptions): Promise<void> {
  const ids = files.length > 0 ? files : archetypeBaseCases();
  const issues: Issue[] = [];
  const mc = opts.mc === false ? undefined : intOption('--mc', opts.mc ?? String(REPORT_MC_SAMPLES), 1, MAX_SAMPLES, issues);
  const seed = intOption('--seed', opts.seed, 0, Number.MAX_SAFE_INTEGER, issues) ?? REPORT_MC_SEED;
  let asOf: string | undefined;
  try {
    asOf = asOfOrFail(opts.asOf);
  } catch (e) {
    if (e instanceof InputError) issues.push(...e.issues);
    else throw e;
  }
  if (!opts.signals && opts.db !== undefined) issues.push({ path: '--db', message: 'goes with --signals', code: 'invalid_option' });
  const out = opts.out ?? DEFAULT_REPORT_OUT;
  if (out === STDIO && opts.json) issues.push({ path: '--out', message: '--out - and --json both want standard output: write the report to a file, or drop --json' });
  // load every scenario first so that all bad inputs are reported together
  const loaded: LoadedScenario[] = [];
  // portfolios (MODEL.md §8) get sections of their own, after the scenarios
  const portfolios: Extract<LoadedSubject, { kind: 'portfolio' }>[] = [];
  const load = (f: string): LoadedScenario | undefined => {
    try {
      return loadScenarioOrFail(f);
    } catch (e) {
      if (e instanceof InputError) issues.push(...e.issues);
      else throw e;
      return undefined;
    }
  };
  for (const f of ids) {
    try {
      const l = loadSubjectOrFail(f);
      if (l.kind === 'portfolio') portfolios.push(l);
      else loaded.push({ scenario: l.subject, warnings: l.warnings, source: l.source });
    } catch (e) {
      if (e instanceof InputError) issues.push(...e.issues);
      else throw e;
    }
  }
  const refId = opts.reference ?? DEFAULT_REFERENCE;
  const reference = loaded.find((l) => l.scenario.id === refId || l.source === refId) ?? load(refId);
  if (issues.length > 0) throw new InputError(issues);
  for (const l of [...loaded, ...portfolios]) printWarnings(io, l.warnings, `warning (${l.source}): `);

  const results: ModelResult[] = loaded.map((l) => evaluateOrFail(l.scenario));
  const definitions = loadSignalDefinitions();
  const watch = asOf === undefined ? undefined : { definitions, asOf };
  const analyses = loaded.map((l) => reportAnalyses(l.scenario, reference?.scenario, io, watch));
  const catalog = loadCatalog();
  const metas: ScenarioMeta[] = loaded.map((l) => {
    const row = catalog.accelerators.find((a) => a.id === l.scenario.fleet.accelerator);
    return {
      source: l.source,
      hash: scenarioHash(l.scenario),
      canonicalJson: canonicalJson(l.scenario),
      inputs: inputRows(l.scenario, { text: readScenarioText(l.source), catalogRow: row }),
    };
  });
  const mcRuns = loaded.map((l, i) => {
    const notes = ((analyses[i] as ScenarioAnalyses).notes ??= {});
    if (mc === undefined) {
      notes.monteCarlo = 'left out (--no-mc)';
      return undefined;
    }
    return attempt('monteCarlo', l.scenario.id, notes, io, () => reportMonteCarlo(l.scenario, mc, seed));
  });
  const signals = opts.signals && asOf !== undefined ? await reportSignalsFromStore(io, loaded, analyses, opts.db, asOf, definitions) : undefined;
  const command = [
    'payback report',
    ...files,
    ...(mc !== undefined ? [`--mc ${mc}`, `--seed ${seed}`] : ['--no-mc']),
    ...(refId !== DEFAULT_REFERENCE ? [`--reference ${refId}`] : []),
    ...(opts.signals ? ['--signals'] : []),
    ...(asOf !== undefined ? [`--as-of ${asOf}`] : []),
  ].join(' ');
  // echarts loads only when a report is drawn, not on every command
  const { renderReport } = await import('../../report/html.ts');
  const { portfolioSection } = await import('../../report/portfolio-html.ts');
  const { reportPortfolioAnalyses } = await import('../../report/contents.ts');
  const portfolioResults = portfolios.map((l) => evaluatePortfolioOrFail(l.subject));
  const portfolioAnalyses = portfolios.map((l) => reportPortfolioAnalyses(l.subject, io, mc === undefined ? undefined : { n: mc, seed }));
  const sections = portfolios.map((_, i) => portfolioSection(portfolioResults[i] as NonNullable<(typeof portfolioResults)[number]>, portfolioAnalyses[i] as PortfolioAnalyses, i + 1, mc !== undefined));
  // the Verdict: the scenarios', then the portfolios' (each from its consolidated result, breakevens and Monte Carlo)
  const verdicts = [
    ...reportVerdicts({ results, analyses, mc: mcRuns, ...(signals !== undefined && { signals }) }),
    ...portfolioAnalyses.map((an, i) =>
      portfolioVerdict(portfolioResults[i] as NonNullable<(typeof portfolioResults)[number]>, {
        breakeven: an.breakeven,
        monteCarlo: an.monteCarlo === undefined ? undefined : { summary: an.monteCarlo.summary, from: an.monteCarlo.from },
        notes: { breakeven: an.notes?.breakeven, monteCarlo: mc === undefined ? 'left out (--no-mc)' : an.notes?.monteCarlo },
      }),
    ),
  ];
  const html = renderReport({
    results,
    analyses,
    mc: mcRuns,
    verdicts,
    ...(sections.length > 0 && { portfolios: sections }),
    ...(signals !== undefined && { signals }),
    meta: {
      version: VERSION,
      generatedAt: new Date().toISOString(),
      command,
      scenarios: metas,
      ...(reference !== undefined && { reference: reference.scenario.id }),
    },
  });
  const bytes = Buffer.byteLength(html, 'utf8');
  if (out === STDIO) {
    await writeStdout(io, html);
    io.err(compareTable(results));
    io.err(verdictLines(verdicts));
    return;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(out, html);
  if (opts.json) {
    io.out(
      json({
        out,
        bytes,
        monteCarlo: mc === undefined ? null : { n: mc, seed },
        scenarios: results.map((r, i) => ({ id: r.scenario.id, name: r.scenario.name ?? r.scenario.id, operator: r.scenario.operator, summary: r.summary, verdict: verdicts[i] })),
        ...(portfolioResults.length > 0 && { portfolios: portfolioResults.map((r, i) => ({ id: r.portfolio.id, name: r.portfolio.name ?? r.portfolio.id, summary: r.summary, verdict: verdicts[results.length + i] })) }),
      }),
    );
    return;
  }
  io.out(compareTable(results));
  io.out(verdictLines(verdicts));
  io.out(`report: ${out} (${(bytes / 1e6).toFixed(2)} MB)`);
}

/** Each scenario's watch list, and its nowcast from the store's evidence up to `asOf` (a failure is a note, never a lost report). */
async function reportSignalsFromStore(
  io: CliIO,
  loaded: readonly LoadedScenario[],
  analyses: ScenarioAnalyses[],
  db: string | undefined,
  asOf: string,
  definitions: ReturnType<typeof loadSignalDefinitions>,
): Promise<(SignalsSection | undefined)[]> {
  return withStore(db, async (store) => {
    const missing = await noEvidence(store, definitions, asOf);
    const out: (SignalsSection | undefined)[] = [];
    for (const [i, l] of loaded.entries()) {
      const notes = ((analyses[i] as ScenarioAnalyses).notes ??= {});
      const evidence = missing !== null ? { none: missing } : await evidenceFromStore(store, l.scenario, definitions, asOf);
      out.push(attempt('signals', l.scenario.id, notes, io, () => reportSignals(l.scenario, definitions, asOf, evidence)));
    }
    return out;
  });
}
