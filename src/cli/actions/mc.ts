import cliProgress from 'cli-progress';
import { parseCorrArgument, withCorrelationOverrides } from '../../analysis/correlation.ts';
import { type DistributionSpec, parseDistArgument } from '../../analysis/distributions.ts';
import { effectiveUncertainty, uncertaintyOriginText, withEffectiveUncertainty } from '../../analysis/default-uncertainty.ts';
import { AnalysisInputError } from '../../analysis/paths.ts';
import { runMonteCarloParallel } from '../../io/mc-workers.ts';
import { grouped } from '../../model/format.ts';
import type { Issue } from '../../model/issues.ts';
import { mcSummaryTables } from '../../report/mc-tables.ts';
import type { McOptions } from '../commands/mc.ts';
import { type CliIO, InputError, json, printWarnings, writeStdout } from '../context.ts';
import { loadSubjectOrFail } from '../scenarios.ts';
import { placeIssues } from '../uncertainty-issues.ts';

export async function mcAction(io: CliIO, file: string, opts: McOptions): Promise<void> {
  const loaded = loadSubjectOrFail(file);
  const { warnings } = loaded;
  // its own uncertainty block (a portfolio's: its own or its templates'), else the default every surface uses (--dist adds to it or replaces entries)
  const { origin } = effectiveUncertainty(loaded.subject);
  const scenario = withEffectiveUncertainty(loaded.subject);
  const issues: Issue[] = [];
  const distributions: Record<string, DistributionSpec> = {};
  for (const text of opts.dist ?? []) {
    const r = parseDistArgument(text);
    if (r.ok) distributions[r.path] = r.spec;
    else issues.push(r.issue);
  }
  const pairs: { a: string; b: string; rho: number }[] = [];
  for (const text of opts.corr ?? []) {
    const r = parseCorrArgument(text);
    if (r.ok) pairs.push(r);
    else issues.push(r.issue);
  }
  // the Parquet writer loads only when samples are to be written
  const samplesExport = opts.samples === undefined ? undefined : await import('../../report/samples-export.ts');
  if (opts.samples !== undefined && samplesExport?.samplesFormat(opts.samples) === null) {
    issues.push({ path: '', message: `--samples: "${opts.samples}" should end in .parquet or .csv (or be - for CSV on standard output)`, code: 'invalid_option' });
  }
  const samplesToStdout = opts.samples === '-';
  if (samplesToStdout && opts.json) issues.push({ path: '--samples', message: '--samples - and --json both want standard output: write the samples to a file, or drop --json', code: 'invalid_option' });
  // --queue: the run goes through PostgreSQL (pg and pg-boss load only then)
  const queue = opts.queue === undefined ? undefined : await import('../../queue/pg-queue.ts');
  const queueProblem = opts.queue === undefined ? null : (queue?.queueUrlProblem(opts.queue) ?? null);
  if (queueProblem !== null) issues.push({ path: '--queue', message: queueProblem, code: 'invalid_option' });
  if (opts.chunkTimeout !== undefined && opts.queue === undefined) issues.push({ path: '--chunk-timeout', message: '--chunk-timeout goes with --queue', code: 'invalid_option' });
  if (issues.length > 0) throw new InputError(issues);
  const correlation = withCorrelationOverrides(scenario.correlation, pairs);
  const options = {
    n: opts.n,
    seed: opts.seed,
    lhs: opts.lhs === true,
    distributions,
    ...(correlation !== undefined && { correlation }),
    keepSamples: opts.samples !== undefined,
  };

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'mc |{bar}| {percentage}% · {value}/{total} samples · {eta_formatted} left', hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const started = process.hrtime.bigint();
  let outcome: Awaited<ReturnType<typeof runMonteCarloParallel>>;
  let note = '';
  try {
    const progress = {
      signal: controller.signal,
      onStart: (run: { n: number; workers: number }) => {
        const where = opts.queue !== undefined ? `on the queue${run.workers > 0 ? ` and ${run.workers} workers here` : ''}` : run.workers === 1 ? 'one thread' : `${run.workers} workers`;
        if (bar === null) io.err(`payback mc: ${grouped(run.n)} samples, seed ${opts.seed}, ${where}…`);
        else bar.start(run.n, 0);
      },
      onProgress: (done: number) => bar?.update(done),
    };
    if (opts.queue !== undefined) ({ outcome, note } = await (await import('./mc-queue.ts')).mcOnQueue(io, { ...opts, queue: opts.queue }, scenario, options, progress));
    else {
      outcome = await runMonteCarloParallel(scenario, options, {
        ...(opts.workers !== undefined && { workers: opts.workers }),
        // the samples are only streamed to their file: no copy of every column
        sharedSamples: true,
        ...progress,
      });
    }
  } catch (e) {
    if (e instanceof AnalysisInputError) throw new InputError(placeIssues(e.issues, file, new Set(Object.keys(distributions))));
    throw e;
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (outcome.status === 'interrupted') {
    io.err(`payback mc: interrupted after ${grouped(outcome.done)} of ${grouped(outcome.total)} samples; no result`);
    // end the way an interrupted program should, so the shell sees 130 (128 + SIGINT)
    process.kill(process.pid, 'SIGINT');
    return;
  }
  const { summary, samples } = outcome.result;
  io.err(`payback mc: ${grouped(summary.n)} samples in ${seconds.toFixed(2)} s (${grouped(Math.round(summary.n / seconds))} samples/s, ${note !== '' ? note : `${outcome.workers} worker${outcome.workers === 1 ? '' : 's'}`})`);
  if (opts.samples !== undefined && samples !== undefined && samplesExport !== undefined) {
    if (samplesToStdout) {
      for (const block of samplesExport.samplesCsvBlocks(samples, summary)) await writeStdout(io, block);
    } else {
      samplesExport.writeSamples(opts.samples, samples, summary);
      io.err(`payback mc: wrote ${grouped(summary.n)} samples to ${opts.samples}`);
    }
  }
  if (opts.json) {
    io.out(json(summary));
    return;
  }
  // with the samples on standard output, the summary goes beside the progress, to standard error
  const show = samplesToStdout ? io.err : io.out;
  printWarnings(io, warnings);
  show(uncertaintyOriginText(origin));
  show(mcSummaryTables(summary));
  printWarnings(io, summary.warnings);
}
