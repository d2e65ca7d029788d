import { type Command, InvalidArgumentError } from 'commander';
import { DIST_SYNTAX_HELP } from '../../analysis/distributions.ts';
import { DEFAULT_SAMPLES, DEFAULT_SEED, MAX_SAMPLES } from '../../analysis/monte-carlo.ts';
import type { CliIO } from '../context.ts';

export interface McOptions {
  n: number;
  seed: number;
  workers?: number;
  lhs?: boolean;
  dist?: string[];
  corr?: string[];
  json?: boolean;
  samples?: string;
  queue?: string;
  chunkTimeout?: number;
}

/** A whole-number option in [min, max] (`_` separators allowed), or a usage error naming it. */
export const wholeNumber =
  (what: string, min: number, max: number) =>
  (text: string): number => {
    const v = /^\d[\d_]*$/.test(text.trim()) ? Number(text.trim().replace(/_/g, '')) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${what} must be a whole number in [${min.toLocaleString('en-US')}, ${max.toLocaleString('en-US')}], got "${text}"`);
    return v;
  };
const collect = (v: string, acc: string[] | undefined): string[] => [...(acc ?? []), v];

export function mcCommand(program: Command, io: CliIO): void {
  program
    .command('mc')
    .description("Monte Carlo over the scenario's uncertainty block: statistics of the metrics, P(npv ≥ 0), P(irr ≥ wacc), P(payback ≤ life), what drives them")
    .argument('<scenario>', 'a scenario file (YAML or JSON) or a built-in id such as neocloud-base')
    .option('-n, --n <count>', 'samples', wholeNumber('-n', 1, MAX_SAMPLES), DEFAULT_SAMPLES)
    .option('--seed <seed>', 'random seed: same seed and n, same result on any machine with any --workers', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), DEFAULT_SEED)
    .option('--workers <count>', 'worker threads (default: one per 2,000,000 scenario-years of the run — n × horizon — up to the cores; a smaller run stays in one thread, where it is faster than starting workers; with --queue: chunks this process evaluates too, default none)', wholeNumber('--workers', 1, 256))
    .option('--lhs', 'Latin hypercube sampling instead of plain Monte Carlo')
    .option('--dist <PATH=DIST:PARAMS>', "a distribution for an input, added to or replacing the scenario's uncertainty block (repeatable); see below", collect)
    .option('--corr <PATH_A,PATH_B=RHO>', 'a rank correlation between two uncertain inputs, induced by Iman–Conover (repeatable)', collect)
    .option('--json', 'print the summary as JSON (the same bytes for the same seed and n, whatever --workers)')
    .option('--samples <file>', "write every sample's inputs and metrics to a .parquet or .csv file, streamed (- : CSV on standard output, the summary then on standard error)")
    .option('--queue <url>', 'spread the chunks over `payback worker`s, on any machines, through this PostgreSQL database (postgres://user@host:port/database); with --workers this process evaluates chunks too; the same bytes as --workers 1')
    .option('--chunk-timeout <seconds>', 'with --queue: seconds a worker may hold a chunk before it is taken for dead and the chunk goes to another (default 30)', wholeNumber('--chunk-timeout', 1, 86_399))
    .addHelpText(
      'after',
      `\n${DIST_SYNTAX_HELP}\n\nExamples:\n  payback mc neocloud-base --dist 'demand.utilization*=pert:0.8,1,1.1' --dist 'finance.debt.rate=triangular:0.08,0.1,0.15'\n  payback mc my-factory.yaml -n 200000 --lhs --corr 'site.power.pricePerMWh,finance.wacc=0.4' --samples out.parquet\n  payback mc my-factory.yaml -n 2000000 --queue postgres://payback@db.internal/payback   # with \`payback worker --queue …\` on each machine\n\nTimings and progress go to stderr; Ctrl-C stops the run (exit 130) and writes nothing.`,
    )
    .action(async (file: string, opts: McOptions) => (await import('../actions/mc.ts')).mcAction(io, file, opts));
}
