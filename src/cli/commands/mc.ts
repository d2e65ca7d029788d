import { readFileSync, statSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { parseCorrArgument, withCorrelationOverrides } from '../../analysis/correlation.ts';
import { DIST_SYNTAX_HELP, type DistributionSpec, parseDistArgument } from '../../analysis/distributions.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED, MAX_SAMPLES } from '../../analysis/monte-carlo.ts';
import { AnalysisInputError } from '../../analysis/paths.ts';
import { defaultWorkers, runMonteCarloParallel } from '../../io/mc-workers.ts';
import type { Issue } from '../../model/issues.ts';
import { parseScenarioText } from '../../model/load.ts';
import { mcSummaryTables } from '../../report/mc-tables.ts';
import { samplesFormat, writeSamples } from '../../report/samples-export.ts';
import { type CliIO, InputError, json, loadScenarioOrFail, printWarnings } from '../context.ts';

interface McOptions {
  n: number;
  seed: number;
  workers?: number;
  lhs?: boolean;
  dist?: string[];
  corr?: string[];
  json?: boolean;
  samples?: string;
}

const wholeNumber =
  (what: string, min: number, max: number) =>
  (text: string): number => {
    const v = /^\d[\d_]*$/.test(text.trim()) ? Number(text.trim().replace(/_/g, '')) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${what} must be a whole number in [${min.toLocaleString('en-US')}, ${max.toLocaleString('en-US')}], got "${text}"`);
    return v;
  };
const collect = (v: string, acc: string[] | undefined): string[] => [...(acc ?? []), v];

/** Where the issues of the scenario's own uncertainty and correlation blocks are in its file. */
function placeIssues(issues: Issue[], file: string, fromCli: ReadonlySet<string>): Issue[] {
  let locate: ((path: readonly PropertyKey[]) => { line: number; column: number } | undefined) | undefined;
  try {
    if (statSync(file).isFile()) locate = parseScenarioText(readFileSync(file, 'utf8')).locate;
  } catch {
    locate = undefined;
  }
  return issues.map((issue) => {
    const u = /^uncertainty\["((?:[^"\\]|\\.)*)"\](?:\.(\w+))?/.exec(issue.path);
    if (u !== null) {
      const key = JSON.parse(`"${u[1]}"`) as string;
      if (fromCli.has(key)) return { ...issue, file: '--dist' };
      const pos = locate?.(u[2] === undefined ? ['uncertainty', key] : ['uncertainty', key, u[2]]);
      return { ...issue, file, ...(pos ?? {}) };
    }
    const c = /^correlation(?:\.(paths|matrix))?(?:\[(\d+)\])?(?:\[(\d+)\])?/.exec(issue.path);
    if (c !== null && issue.code !== 'invalid_corr_argument') {
      const segs: PropertyKey[] = ['correlation'];
      if (c[1] !== undefined) segs.push(c[1]);
      if (c[2] !== undefined) segs.push(Number(c[2]));
      if (c[3] !== undefined) segs.push(Number(c[3]));
      const pos = locate?.(segs);
      return { ...issue, file, ...(pos ?? {}) };
    }
    return issue;
  });
}

export function mcCommand(program: Command, io: CliIO): void {
  program
    .command('mc')
    .description("Monte Carlo over the scenario's uncertainty block: statistics of the metrics, P(npv ≥ 0), P(irr ≥ wacc), P(payback ≤ life), what drives them")
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('-n, --n <count>', 'samples', wholeNumber('-n', 1, MAX_SAMPLES), DEFAULT_SAMPLES)
    .option('--seed <seed>', 'random seed: same seed and n, same result on any machine with any --workers', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), DEFAULT_SEED)
    .option('--workers <count>', 'worker threads (default: the number of cores)', wholeNumber('--workers', 1, 256))
    .option('--lhs', 'Latin hypercube sampling instead of plain Monte Carlo')
    .option('--dist <PATH=DIST:PARAMS>', "a distribution for an input, added to or replacing the scenario's uncertainty block (repeatable); see below", collect)
    .option('--corr <PATH_A,PATH_B=RHO>', 'a rank correlation between two uncertain inputs, induced by Iman–Conover (repeatable)', collect)
    .option('--json', 'print the summary as JSON (the same bytes for the same seed and n, whatever --workers)')
    .option('--samples <file>', "write every sample's inputs and metrics to a .parquet or .csv file")
    .addHelpText(
      'after',
      `\n${DIST_SYNTAX_HELP}\n\nExamples:\n  payback mc neocloud-base --dist 'demand.utilization*=pert:0.8,1,1.1' --dist 'finance.debt.rate=triangular:0.08,0.1,0.15'\n  payback mc my-factory.yaml -n 200000 --lhs --corr 'site.power.pricePerMWh,finance.wacc=0.4' --samples out.parquet\n\nTimings and progress go to stderr; Ctrl-C stops the run (exit 130) and writes nothing.`,
    )
    .action(async (file: string, opts: McOptions) => {
      const { scenario, warnings } = loadScenarioOrFail(file);
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
      if (opts.samples !== undefined && samplesFormat(opts.samples) === null) {
        issues.push({ path: '', message: `--samples: "${opts.samples}" should end in .parquet or .csv`, code: 'invalid_option' });
      }
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

      const workers = opts.workers ?? defaultWorkers();
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
      try {
        outcome = await runMonteCarloParallel(scenario, options, {
          workers,
          signal: controller.signal,
          onStart: (run) => {
            if (bar === null) io.err(`payback mc: ${run.n.toLocaleString('en-US')} samples, seed ${opts.seed}, ${run.workers === 1 ? 'one thread' : `${run.workers} workers`}…`);
            else bar.start(run.n, 0);
          },
          onProgress: (done) => bar?.update(done),
        });
      } catch (e) {
        if (e instanceof AnalysisInputError) throw new InputError(placeIssues(e.issues, file, new Set(Object.keys(distributions))));
        throw e;
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSigint);
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (outcome.status === 'interrupted') {
        io.err(`payback mc: interrupted after ${outcome.done.toLocaleString('en-US')} of ${outcome.total.toLocaleString('en-US')} samples; no result`);
        // end the way an interrupted program should, so the shell sees 130 (128 + SIGINT)
        process.kill(process.pid, 'SIGINT');
        return;
      }
      const { summary, samples } = outcome.result;
      io.err(`payback mc: ${summary.n.toLocaleString('en-US')} samples in ${seconds.toFixed(2)} s (${Math.round(summary.n / seconds).toLocaleString('en-US')} samples/s, ${outcome.workers} worker${outcome.workers === 1 ? '' : 's'})`);
      if (opts.samples !== undefined && samples !== undefined) {
        writeSamples(opts.samples, samples);
        io.err(`payback mc: wrote ${summary.n.toLocaleString('en-US')} samples to ${opts.samples}`);
      }
      if (opts.json) {
        io.out(json(summary));
        return;
      }
      printWarnings(io, warnings);
      io.out(mcSummaryTables(summary));
      printWarnings(io, summary.warnings);
    });
}
