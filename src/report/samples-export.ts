/**
 * Every Monte Carlo sample, its inputs and its metrics, as Parquet
 * (hyparquet-writer) or CSV, one row per sample in sample order, streamed: a
 * block of rows at a time (a row group for Parquet), never the whole file in
 * memory. A metric without a value is null (an empty CSV cell). A file is
 * written atomically; `-` streams CSV to standard output.
 *
 * Column names suit pandas and SQL (`utilization_multiplier`, `npv`,
 * `payback_years`): the input's path in snake case, as short as keeps it
 * unique, `_multiplier` when the sample scales the base value. The Parquet
 * file carries the run in its key-value metadata (seed, n, sampling, the
 * distributions, the engine version) and the units table (`columns`: name,
 * input path, unit, meaning).
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { MC_METRICS, type McMetric } from '../analysis/columnar.ts';
import type { McSamples, McSummary } from '../analysis/monte-carlo.ts';
import { openAtomic } from '../io/files.ts';
import { VERSION } from '../version.ts';
import { csvCell } from './csv.ts';

/** What the files say about the run: the summary's description of it. */
export type SamplesRun = Pick<McSummary, 'scenario' | 'n' | 'seed' | 'sampling' | 'chunkSize' | 'drivers' | 'correlation'>;

/** One column of the samples' table. */
export interface SampleColumn {
  name: string;
  /** the input's path (inputs only) */
  path?: string;
  unit: string;
  description: string;
  /** the values in sample order; absent for `sample`, whose value is the row's position */
  values?: ArrayLike<number>;
  nullable: boolean;
  integer: boolean;
}

/** The metric columns: their names, units and meanings (the units table of README's "Monte Carlo"). */
export const METRIC_COLUMNS: Record<McMetric, { name: string; unit: string; description: string }> = {
  npv: { name: 'npv', unit: 'USD', description: 'net present value of the free cash flows at the wacc (clean: cash only)' },
  irr: { name: 'irr', unit: 'fraction per year (0.12 = 12 %)', description: 'internal rate of return of the free cash flows; empty when there is none' },
  equityIrr: { name: 'equity_irr', unit: 'fraction per year (0.12 = 12 %)', description: 'internal rate of return of the equity cash flows; empty when there is none' },
  paybackYears: { name: 'payback_years', unit: 'years', description: 'years from the build until the cumulative free cash flow turns non-negative; empty when never' },
  grossProfitPerMW: { name: 'gross_profit_per_mw', unit: 'USD per MW-year', description: 'gross profit per MW of IT load, averaged over the years in service' },
  revenuePerMW: { name: 'revenue_per_mw', unit: 'USD per MW-year', description: 'cash revenue per MW of IT load, averaged over the years in service' },
  profitableShare: { name: 'profitable_share', unit: 'fraction of tokens', description: 'share of the tokens whose segment covers its allocated cost with the minimum margin' },
  strategicNpv: { name: 'strategic_npv', unit: 'USD', description: 'NPV plus the after-tax present value of the imputed (strategic) value of internal use' },
};

/** Unit words written together in a path (`pricePerMWh`, `perMTok`, `kWPerAccelerator`) kept as one word. */
const UNIT_WORDS: [RegExp, string][] = [
  [/MWh/g, 'Mwh'],
  [/MTok/g, 'Mtok'],
  [/KW/g, 'Kw'],
  [/kW/g, 'Kw'],
  [/MW/g, 'Mw'],
];

/** A path segment in snake case: `pricePerMWh` → `price_per_mwh`, `cloud-api` → `cloud_api`. */
export function snakeCase(segment: string): string {
  let s = segment;
  for (const [re, to] of UNIT_WORDS) s = s.replace(re, to);
  const words = s.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  return words.map((w) => w.toLowerCase()).join('_');
}

/** The segments of an input path: `demand.segments[cloud-api].pricing.perMTok` → demand, segments, cloud-api, pricing, perMTok. */
const pathSegments = (path: string): string[] => path.split(/[.[\]]+/).filter((x) => x !== '');

/**
 * The column names of sampled inputs: each path in snake case from its last
 * segment back, as many segments as keep it unique (and apart from `sample`
 * and the metrics), `_multiplier` when the sample scales the base value.
 *
 * @example
 * inputColumnNames([{ path: 'demand.utilization', mode: 'scale' }, { path: 'finance.debt.rate', mode: 'set' }]);
 * // ['utilization_multiplier', 'rate']
 */
export function inputColumnNames(inputs: readonly { path: string; mode: 'set' | 'scale' }[]): string[] {
  const reserved = new Set(['sample', ...MC_METRICS.map((m) => METRIC_COLUMNS[m].name)]);
  const segs = inputs.map((x) => pathSegments(x.path));
  const take = inputs.map(() => 1);
  const nameOf = (j: number): string => {
    const parts = (segs[j] as string[]).slice(-(take[j] as number));
    const base = parts.map(snakeCase).filter((p) => p !== '').join('_') || 'input';
    return (inputs[j] as { mode: string }).mode === 'scale' ? `${base}_multiplier` : base;
  };
  for (;;) {
    const names = inputs.map((_, j) => nameOf(j));
    const clash = names.map((n, j) => reserved.has(n) || names.some((m, k) => k !== j && m === n));
    const grow = clash.flatMap((c, j) => (c && (take[j] as number) < (segs[j] as string[]).length ? [j] : []));
    if (grow.length === 0) {
      // two paths the same to the last segment cannot be: a path is unique; a name still taken gets its position
      const seen = new Set(reserved);
      return names.map((n, j) => {
        const name = seen.has(n) ? `${n}_${j + 1}` : n;
        seen.add(name);
        return name;
      });
    }
    for (const j of grow) take[j] = (take[j] as number) + 1;
  }
}

/** The columns in order: `sample`, the inputs, the metrics. */
export function sampleColumns(s: McSamples, run?: Pick<SamplesRun, 'drivers'>): SampleColumn[] {
  const names = inputColumnNames(s.inputs);
  const driver = (path: string): SamplesRun['drivers'][number] | undefined => run?.drivers.find((d) => d.path === path);
  return [
    { name: 'sample', unit: 'index', description: 'the sample, from 0 in sample order (the same seed and n give the same samples)', nullable: false, integer: true },
    ...s.inputs.map((x, j) => {
      const d = driver(x.path);
      const unit = x.mode === 'scale' ? 'multiplier of the base value (1 = as in the scenario)' : (d?.unit ?? '');
      const description = `${x.mode === 'scale' ? 'the multiplier of' : 'the sampled value of'} ${x.path}${d === undefined ? '' : `: ${d.description}`}`;
      return { name: names[j] as string, path: x.path, unit, description, values: x.values, nullable: false, integer: false };
    }),
    ...MC_METRICS.map((m) => ({ name: METRIC_COLUMNS[m].name, unit: METRIC_COLUMNS[m].unit, description: METRIC_COLUMNS[m].description, values: s.metrics[m], nullable: true, integer: false })),
  ];
}

/** The units table: each column's name, input path, unit and meaning. */
export const unitsTable = (cols: readonly SampleColumn[]): { name: string; path: string | null; unit: string; description: string }[] =>
  cols.map((c) => ({ name: c.name, path: c.path ?? null, unit: c.unit, description: c.description }));

/** Rows of CSV per block: a few MB of text at a time. */
const CSV_BLOCK = 4096;

/**
 * The CSV text a block of rows at a time: the header, then one row per
 * sample; numbers in full precision (shortest round-trip form), an empty
 * cell for a metric without a value.
 */
export function* samplesCsvBlocks(s: McSamples, run?: Pick<SamplesRun, 'drivers'>): Generator<string> {
  const cols = sampleColumns(s, run);
  const n = s.metrics.npv.length;
  yield `${cols.map((c) => csvCell(c.name)).join(',')}\n`;
  const values = cols.slice(1).map((c) => c.values as ArrayLike<number>);
  const parts: string[] = [];
  for (let start = 0; start < n; start += CSV_BLOCK) {
    const end = Math.min(n, start + CSV_BLOCK);
    parts.length = 0;
    for (let i = start; i < end; i++) {
      let line = String(i);
      for (const col of values) {
        const v = col[i] as number;
        line += Number.isNaN(v) ? ',' : `,${v}`;
      }
      parts.push(line);
    }
    yield `${parts.join('\n')}\n`;
  }
}

/** Rows per Parquet row group: a few MB each, encoded and written before the next. */
const ROW_GROUP = 65_536;

/** The Parquet file's key-value metadata: the run, the engine version and the units table. */
export function parquetMetadata(run: SamplesRun, cols: readonly SampleColumn[]): { key: string; value: string }[] {
  const distributions = Object.fromEntries(run.drivers.map((d) => [d.path, { distribution: d.distribution, mode: d.mode, range: d.range, unit: d.unit }]));
  return [
    { key: 'engine_version', value: VERSION },
    { key: 'scenario', value: JSON.stringify(run.scenario) },
    { key: 'seed', value: String(run.seed) },
    { key: 'n', value: String(run.n) },
    { key: 'sampling', value: run.sampling },
    { key: 'chunk_size', value: String(run.chunkSize) },
    { key: 'distributions', value: JSON.stringify(distributions) },
    { key: 'correlation', value: JSON.stringify(run.correlation === null ? null : { paths: run.correlation.paths, target: run.correlation.target }) },
    { key: 'columns', value: JSON.stringify(unitsTable(cols)) },
  ];
}

/** A Parquet schema element, as the writer takes it. */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** A ByteWriter that hands each row group's bytes on as it is done, so a file never sits in memory whole. */
class StreamingWriter extends ByteWriter {
  constructor(private readonly sink: (bytes: Uint8Array) => void) {
    super(1 << 20);
  }
  flush(): void {
    if (this.index > 0) this.sink(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
}

/** Write the samples as Parquet to `sink`, a row group at a time: `sample` INT32, every other column DOUBLE (the metrics nullable). */
export function writeSamplesParquet(sink: (bytes: Uint8Array) => void, s: McSamples, run: SamplesRun): void {
  const cols = sampleColumns(s, run);
  const n = s.metrics.npv.length;
  const schema: SchemaElement[] = [
    { name: 'root', num_children: cols.length },
    ...cols.map((c): SchemaElement => ({ name: c.name, type: c.integer ? 'INT32' : 'DOUBLE', repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED' })),
  ];
  const writer = new ParquetWriter({ writer: new StreamingWriter(sink), schema, kvMetadata: parquetMetadata(run, cols), createdBy: `inference-payback ${VERSION} (hyparquet-writer)` });
  for (let start = 0; start < n; start += ROW_GROUP) {
    const size = Math.min(ROW_GROUP, n - start);
    const columnData = cols.map((c) => {
      if (c.integer) {
        const data = new Int32Array(size);
        for (let i = 0; i < size; i++) data[i] = start + i;
        return { name: c.name, data, type: 'INT32' as const, nullable: false };
      }
      const values = c.values as Float64Array;
      if (!c.nullable) return { name: c.name, data: values.slice(start, start + size), type: 'DOUBLE' as const, nullable: false };
      const data = new Array<number | null>(size);
      for (let i = 0; i < size; i++) {
        const v = values[start + i] as number;
        data[i] = Number.isNaN(v) ? null : v;
      }
      return { name: c.name, data, type: 'DOUBLE' as const, nullable: true };
    });
    void writer.write({ columnData, rowGroupSize: size });
  }
  void writer.finish();
}

/** The format a file name asks for (`-`, standard output, is CSV). */
export function samplesFormat(path: string): 'parquet' | 'csv' | null {
  if (path === '-') return 'csv';
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

/**
 * Write the samples to `path` (`.parquet` or `.csv`), streamed into a
 * temporary file that replaces `path` only when complete.
 *
 * @example
 * const out = await runMonteCarloParallel(scenario, { n: 100_000, keepSamples: true });
 * if (out.status === 'done') writeSamples('samples.parquet', out.result.samples!, out.result.summary);
 */
export function writeSamples(path: string, s: McSamples, run: SamplesRun): void {
  const format = samplesFormat(path);
  if (format === null || path === '-') throw new RangeError(`--samples: "${path}" should end in .parquet or .csv`);
  const file = openAtomic(path);
  try {
    if (format === 'parquet') writeSamplesParquet((bytes) => file.write(bytes), s, run);
    else for (const block of samplesCsvBlocks(s, run)) file.write(block);
  } catch (e) {
    file.abort();
    throw e;
  }
  file.commit();
}
