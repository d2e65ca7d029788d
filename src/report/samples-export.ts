/**
 * Every Monte Carlo sample, its inputs and its metrics, as Parquet
 * (hyparquet-writer) or CSV, one row per sample in sample order. A metric
 * without a value is null (an empty CSV cell). Written atomically.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { MC_METRICS } from '../analysis/columnar.ts';
import type { McSamples } from '../analysis/monte-carlo.ts';
import { writeFileAtomic } from '../io/files.ts';

/** The column of a sampled input: its path, with ` (multiplier)` when the sample scales the base value. */
export const inputColumnName = (path: string, mode: 'set' | 'scale'): string => (mode === 'scale' ? `${path} (multiplier)` : path);

/** The columns in order: `sample`, the inputs, the metrics. */
export function sampleColumns(s: McSamples): { name: string; values: ArrayLike<number>; nullable: boolean; integer: boolean }[] {
  const n = s.metrics.npv.length;
  const index = new Float64Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return [
    { name: 'sample', values: index, nullable: false, integer: true },
    ...s.inputs.map((x) => ({ name: inputColumnName(x.path, x.mode), values: x.values, nullable: false, integer: false })),
    ...MC_METRICS.map((m) => ({ name: m, values: s.metrics[m], nullable: true, integer: false })),
  ];
}

const csvCell = (name: string): string => (/[",\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name);

/** CSV text: a header row, then one row per sample; numbers in full precision (shortest round-trip form). */
export function samplesToCsv(s: McSamples): string {
  const cols = sampleColumns(s);
  const n = s.metrics.npv.length;
  const lines: string[] = [cols.map((c) => csvCell(c.name)).join(',')];
  const row: string[] = new Array<string>(cols.length);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cols.length; c++) {
      const v = (cols[c] as { values: ArrayLike<number> }).values[i] as number;
      row[c] = Number.isNaN(v) ? '' : String(v);
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A Parquet file: `sample` as INT32, every other column DOUBLE (the metrics nullable). */
export function samplesToParquet(s: McSamples): Uint8Array {
  const columnData = sampleColumns(s).map((c) => {
    if (c.integer) return { name: c.name, data: Int32Array.from(c.values as Float64Array), type: 'INT32' as const, nullable: false };
    if (!c.nullable) return { name: c.name, data: Float64Array.from(c.values as Float64Array), type: 'DOUBLE' as const, nullable: false };
    const data: (number | null)[] = new Array<number | null>(c.values.length);
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i] as number;
      data[i] = Number.isNaN(v) ? null : v;
    }
    return { name: c.name, data, type: 'DOUBLE' as const, nullable: true };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** The format a file name asks for. */
export function samplesFormat(path: string): 'parquet' | 'csv' | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

/** Write the samples to `path` (`.parquet` or `.csv`), atomically. */
export function writeSamples(path: string, s: McSamples): void {
  const format = samplesFormat(path);
  if (format === null) throw new RangeError(`--samples: "${path}" should end in .parquet or .csv`);
  writeFileAtomic(path, format === 'parquet' ? samplesToParquet(s) : samplesToCsv(s));
}
