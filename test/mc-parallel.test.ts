/**
 * The Monte Carlo across workers and through the command line: the same seed
 * and n give byte-identical `--json` with 1, 2 and 4 workers (through the
 * runner, and through the real CLI process); exported samples read back with
 * the same values (Parquet through hyparquet, and CSV); bad input is reported
 * with its place; Ctrl-C stops a run cleanly with exit 130.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { MC_METRICS } from '../src/analysis/columnar.ts';
import type { DistributionSpec } from '../src/analysis/distributions.ts';
import { monteCarlo, type MonteCarloOptions } from '../src/analysis/monte-carlo.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { defaultWorkers, runMonteCarloParallel, SCENARIO_YEARS_PER_WORKER } from '../src/io/mc-workers.ts';
import { inputColumnNames, METRIC_COLUMNS, snakeCase } from '../src/report/samples-export.ts';
import { VERSION } from '../src/version.ts';
import { base, readYaml, ROOT, scenario } from './helpers.ts';

const SETS = readYaml('test/fixtures/mc-uncertainty.yaml') as Record<string, Record<string, DistributionSpec>>;
const TOKENS = join(ROOT, 'test/fixtures/mc-tokens.yaml');
const BIN = join(ROOT, 'bin/payback.js');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('same seed and n, same bytes, whatever the number of workers', () => {
  it('through the runner: 1, 2 and 4 workers and the single-threaded library agree to the byte', async () => {
    const s = scenario(base('neocloud-base'));
    const options: MonteCarloOptions = {
      n: 9000,
      seed: 77,
      lhs: true,
      chunkSize: 1024,
      distributions: SETS['neocloud-base'] as Record<string, DistributionSpec>,
      correlation: { paths: ['finance.debt.rate', 'finance.wacc'], matrix: [[1, 0.6], [0.6, 1]] },
    };
    const texts: string[] = [];
    for (const workers of [1, 2, 4]) {
      const r = await runMonteCarloParallel(s, options, { workers });
      expect(r.status).toBe('done');
      if (r.status === 'done') {
        expect(r.workers).toBe(workers);
        texts.push(JSON.stringify(r.result.summary, null, 2));
      }
    }
    texts.push(JSON.stringify(monteCarlo(s, options).summary, null, 2));
    expect(new Set(texts).size).toBe(1);
    // and another seed gives another result
    const other = monteCarlo(s, { ...options, seed: 78 }).summary;
    expect(JSON.stringify(other, null, 2)).not.toBe(texts[0]);
  });

  it('through the real CLI process: --json is the library’s summary, byte for byte', () => {
    const o = spawnSync(process.execPath, [BIN, 'mc', TOKENS, '-n', '6000', '--seed', '5', '--workers', '2', '--json'], { encoding: 'utf8', cwd: ROOT });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stderr).toMatch(/6,000 samples, seed 5, 2 workers/);
    expect(o.stderr).toMatch(/samples in [\d.]+ s/); // timings go to stderr…
    expect(o.stdout).not.toMatch(/samples\/s/); // …never into the JSON
    const library = monteCarlo(scenario(readYaml('test/fixtures/mc-tokens.yaml')), { n: 6000, seed: 5 }).summary;
    expect(o.stdout).toBe(`${JSON.stringify(library, null, 2)}\n`);
    expect(library.drivers).toHaveLength(18);
    expect(library.correlation).not.toBeNull();
  }, 120_000);
});

describe('how many workers a run gets unless told', () => {
  it('one per SCENARIO_YEARS_PER_WORKER of the run, at least one, at most the cores', () => {
    const cores = availableParallelism();
    expect(defaultWorkers(0)).toBe(1);
    expect(defaultWorkers(100_000 * 10)).toBe(1); // the default hyperscaler run stays in this thread
    expect(defaultWorkers(2 * SCENARIO_YEARS_PER_WORKER)).toBe(Math.min(2, cores));
    expect(defaultWorkers(1e12)).toBe(cores);
  });
});

describe('exported samples', () => {
  const dir = mkdtempSync(join(tmpdir(), 'payback-mc-'));
  const args = ['mc', TOKENS, '-n', '3000', '--seed', '9', '--workers', '1', '--lhs', '--dist', 'finance.taxRate=uniform:0.1,0.3'];
  const expected = monteCarlo(scenario(readYaml('test/fixtures/mc-tokens.yaml')), {
    n: 3000,
    seed: 9,
    lhs: true,
    keepSamples: true,
    distributions: { 'finance.taxRate': { dist: 'uniform', min: 0.1, max: 0.3 } },
  }).samples!;
  const inputNames = inputColumnNames(expected.inputs);
  const metricNames = MC_METRICS.map((m) => METRIC_COLUMNS[m].name);

  it('column names suit pandas: snake case, as short as stays unique, _multiplier for a scaled input', () => {
    expect(snakeCase('pricePerMWh')).toBe('price_per_mwh');
    expect(snakeCase('perMTok')).toBe('per_mtok');
    expect(snakeCase('kWPerAccelerator')).toBe('kw_per_accelerator');
    expect(snakeCase('leasePerKWMonth')).toBe('lease_per_kw_month');
    expect(snakeCase('cloud-api')).toBe('cloud_api');
    expect(
      inputColumnNames([
        { path: 'demand.utilization', mode: 'scale' },
        { path: 'finance.debt.rate', mode: 'set' },
        { path: 'site.power.pricePerMWh', mode: 'set' },
        { path: 'demand.segments[cloud-api].pricing.perMTok', mode: 'set' },
        { path: 'demand.segments[batch].pricing.perMTok', mode: 'set' },
        { path: 'finance.npv', mode: 'set' },
      ]),
    ).toEqual(['utilization_multiplier', 'rate', 'price_per_mwh', 'cloud_api_pricing_per_mtok', 'batch_pricing_per_mtok', 'finance_npv']);
    for (const name of [...inputNames, ...metricNames]) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set([...inputNames, ...metricNames, 'sample']).size).toBe(inputNames.length + metricNames.length + 1);
  });

  it('Parquet reads back (hyparquet) with the same values, null where a metric has none', async () => {
    const file = join(dir, 'samples.parquet');
    const r = await cli(...args, '--samples', file);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`wrote 3,000 samples to ${file}`);
    const bytes = readFileSync(file);
    const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })) as Record<string, number | null>[];
    expect(rows).toHaveLength(3000);
    expect(Object.keys(rows[0]!)).toEqual(['sample', ...inputNames, ...metricNames]);
    let nulls = 0;
    for (let i = 0; i < 3000; i++) {
      const row = rows[i]!;
      expect(row['sample']).toBe(i);
      expected.inputs.forEach((x, j) => expect(row[inputNames[j]!]).toBe(x.values[i]));
      for (const m of MC_METRICS) {
        const v = expected.metrics[m][i] as number;
        if (Number.isNaN(v)) nulls++;
        expect(row[METRIC_COLUMNS[m].name]).toBe(Number.isNaN(v) ? null : v);
      }
    }
    expect(nulls).toBeGreaterThan(0); // the fixture has samples without an equity IRR
    // the run and the units table travel in the file's key-value metadata
    const meta = Object.fromEntries((parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).key_value_metadata ?? []).map((kv) => [kv.key, kv.value]));
    expect(meta['seed']).toBe('9');
    expect(meta['n']).toBe('3000');
    expect(meta['sampling']).toBe('latin-hypercube');
    expect(meta['engine_version']).toBe(VERSION);
    expect(JSON.parse(meta['scenario']!)).toMatchObject({ id: 'mc-tokens' });
    const distributions = JSON.parse(meta['distributions']!) as Record<string, { distribution: DistributionSpec; mode: string; unit: string }>;
    expect(distributions['finance.taxRate']).toMatchObject({ distribution: { dist: 'uniform', min: 0.1, max: 0.3 }, mode: 'set' });
    expect(Object.keys(distributions)).toHaveLength(expected.inputs.length);
    const columns = JSON.parse(meta['columns']!) as { name: string; path: string | null; unit: string }[];
    expect(columns.map((c) => c.name)).toEqual(['sample', ...inputNames, ...metricNames]);
    expect(columns.find((c) => c.name === 'npv')).toMatchObject({ path: null, unit: 'USD' });
    expect(columns.find((c) => c.path === 'finance.taxRate')?.unit).not.toBe('');
  });

  it('CSV has the same columns and values', async () => {
    const file = join(dir, 'samples.csv');
    const r = await cli(...args, '--samples', file);
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3001);
    const head = lines[0]!.split(',');
    expect(head[0]).toBe('sample');
    const row = lines[1234 + 1]!.split(',');
    const col = (name: string): string => row[head.indexOf(name)] as string;
    const tax = expected.inputs.findIndex((x) => x.path === 'finance.taxRate');
    expect(Number(col(inputNames[tax]!))).toBe(expected.inputs[tax]!.values[1234]);
    expect(Number(col('npv'))).toBe(expected.metrics.npv[1234]);
  });

  it('refuses a file that is neither .parquet nor .csv', async () => {
    const r = await cli(...args, '--samples', join(dir, 'samples.xlsx'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/should end in \.parquet or \.csv/);
  });

  it('- streams the CSV to standard output (the summary goes to standard error); with --json it is refused', () => {
    const o = spawnSync(process.execPath, [BIN, ...args, '--samples', '-'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(readFileSync(join(dir, 'samples.csv'), 'utf8'));
    expect(o.stderr).toContain('P(NPV ≥ 0)');
    const both = spawnSync(process.execPath, [BIN, ...args, '--samples', '-', '--json'], { encoding: 'utf8', cwd: ROOT });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--samples - and --json both want standard output');
    expect(both.stdout).toBe('');
  });
});

describe('the mc command', () => {
  it('prints the statistics, the probabilities and what drives the NPV', async () => {
    const r = await cli('mc', 'hyperscaler-base', '-n', '3000', '--workers', '1', '--dist', 'demand.utilization=pert:0.5,0.75,0.9', '--dist', 'finance.wacc=normal:0.08,0.01');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Monte Carlo — Hyperscaler — base case');
    // the built-in's own uncertainty block, with --dist replacing two of its entries
    expect(r.out).toContain("Distributions: the scenario's uncertainty block.");
    expect(r.out).toContain('3,000 samples (plain Monte Carlo), seed 42, 11 uncertain inputs');
    expect(r.out).toMatch(/P\(NPV ≥ 0\)\s+│\s+[\d.]+ %/);
    expect(r.out).toMatch(/P\(payback ≤ useful life\)/);
    expect(r.out).toMatch(/demand\.utilization\s+│\s+pert\(0\.5, 0\.75, 0\.9\)\s+│\s+\+0\.\d\d/);
  });

  it('reports bad input with its place: --dist text, and the scenario file line and column', async () => {
    const bad = await cli('mc', 'neocloud-base', '-n', '100', '--dist', 'demand.utilization=pert:0.5,0.95,0.9', '--dist', 'finance.wacc=zeta:1');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--dist 'finance.wacc=zeta:1': unknown distribution \"zeta\"");
    const dir = mkdtempSync(join(tmpdir(), 'payback-mc-'));
    const file = join(dir, 'bad.yaml');
    const text = readFileSync(TOKENS, 'utf8').replace('demand.maxUtilization: { dist: uniform, min: 0.7, max: 0.95 }', 'demand.maxUtilization: { dist: uniform, min: 0.95, max: 0.7 }');
    writeFileSync(file, text);
    const r = await cli('mc', file, '-n', '100');
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('demand.maxUtilization: { dist')) + 1;
    expect(r.err).toContain(`${file}:${line}:`);
    expect(r.err).toContain('uncertainty["demand.maxUtilization"].max: max 0.7 must be greater than min 0.95');
    const pert = await cli('mc', 'neocloud-base', '-n', '100', '--dist', 'demand.utilization=pert:0.5,0.95,0.9');
    expect(pert.err).toContain('--dist uncertainty["demand.utilization"].mode: mode 0.95 must lie in [min, max] = [0.5, 0.9]');
    expect(pert.err).not.toContain('samples, seed'); // checked before it starts
  });

  it('stops cleanly on Ctrl-C: exit 130 (by SIGINT), a message, no stack trace, nothing on stdout', async () => {
    const child = spawn(process.execPath, [BIN, 'mc', 'hyperscaler-base', '-n', '2000000', '--workers', '2', '--dist', 'finance.wacc=uniform:0.06,0.1'], { cwd: ROOT });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('samples, seed')) resolve();
      });
    });
    await started;
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    expect(signal === 'SIGINT' || code === 130, `exit ${code} ${signal}\n${stderr}`).toBe(true);
    expect(stderr).toMatch(/interrupted after [\d,]+ of 2,000,000 samples; no result/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  }, 60_000);
});
