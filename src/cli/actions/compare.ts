import { didYouMeanSuffix, type Issue } from '../../model/issues.ts';
import type { ModelResult } from '../../model/result.ts';
import { COMPARE_METRICS, METRIC_INFO, type Metric, metricByKey } from '../../report/metrics.ts';
import { compareTable, toCsv } from '../../report/terminal.ts';
import { type CompareOptions, validKeys } from '../commands/compare.ts';
import { type CliIO, InputError, json, printWarnings } from '../context.ts';
import { archetypeBaseCases, type LoadedScenario, loadScenarioOrFail, evaluateOrFail } from '../scenarios.ts';

/** Metric keys (each may be a comma-separated list) → metrics, or one issue per unknown key naming the valid ones. */
export function parseMetricKeys(keys: readonly string[], option = '--metric'): { metrics: Metric[]; issues: Issue[] } {
  const metrics: Metric[] = [];
  const issues: Issue[] = [];
  for (const key of keys.flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '')) {
    const m = metricByKey(key);
    if (m === undefined) {
      issues.push({
        path: option,
        message: `unknown metric "${key}"${didYouMeanSuffix(key, Object.keys(METRIC_INFO))}; valid metrics: ${validKeys()}`,
        code: 'unknown_metric',
      });
    } else if (!metrics.includes(m)) metrics.push(m);
  }
  if (issues.length === 0 && metrics.length === 0) issues.push({ path: option, message: `expected at least one metric; valid metrics: ${validKeys()}`, code: 'unknown_metric' });
  return { metrics, issues };
}

/**
 * Rank of each result by one metric, best first as the metric's `better` says;
 * equal values share a rank (1, 2, 2, 4) and a missing value (none, never) ranks last.
 * Returns the indices in rank order and the rank of each index.
 */
export function rankBy(results: readonly ModelResult[], metric: Metric): { order: number[]; rank: number[] } {
  const values = results.map((r) => metric.get(r));
  const sign = metric.better === 'higher' ? -1 : 1;
  const order = results
    .map((_, i) => i)
    .sort((a, b) => {
      const x = values[a] ?? null;
      const y = values[b] ?? null;
      if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
      return sign * (x - y) || a - b;
    });
  const rank = new Array<number>(results.length).fill(0);
  order.forEach((idx, pos) => {
    const prev = pos > 0 ? order[pos - 1] : undefined;
    rank[idx] = prev !== undefined && (values[prev] ?? null) === (values[idx] ?? null) ? (rank[prev] as number) : pos + 1;
  });
  return { order, rank };
}

export function compareAction(io: CliIO, files: string[], opts: CompareOptions): void {
  const ids = files.length > 0 ? files : archetypeBaseCases();
  const issues: Issue[] = [];
  const selection = opts.metric === undefined ? { metrics: [...COMPARE_METRICS], issues: [] } : parseMetricKeys(opts.metric);
  issues.push(...selection.issues);
  let rankMetric: Metric | undefined;
  if (opts.rank !== undefined) {
    const r = parseMetricKeys([opts.rank], '--rank');
    if (r.metrics.length > 1) issues.push({ path: '--rank', message: `expected one metric, got ${r.metrics.length}` });
    issues.push(...r.issues);
    rankMetric = r.metrics[0];
  }
  // load every scenario first so that all bad inputs are reported together
  const loaded: LoadedScenario[] = [];
  for (const f of ids) {
    try {
      loaded.push(loadScenarioOrFail(f));
    } catch (e) {
      if (e instanceof InputError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  let results: ModelResult[] = loaded.map((l) => evaluateOrFail(l.scenario));
  const metrics = selection.metrics;
  let ranks: number[] | undefined;
  if (rankMetric !== undefined) {
    if (!metrics.includes(rankMetric)) metrics.unshift(rankMetric);
    const { order, rank } = rankBy(results, rankMetric);
    results = order.map((i) => results[i] as ModelResult);
    ranks = order.map((i) => rank[i] as number);
  }
  const rankOf = (i: number): number | null => ranks?.[i] ?? null;
  if (opts.json) {
    io.out(
      json(
        results.map((r, i) => ({
          id: r.scenario.id,
          name: r.scenario.name ?? r.scenario.id,
          operator: r.scenario.operator,
          ...(ranks === undefined ? {} : { rank: rankOf(i), rankedBy: rankMetric?.key }),
          ...(opts.metric === undefined && ranks === undefined ? {} : { metrics: Object.fromEntries(metrics.map((m) => [m.key, m.get(r)])) }),
          summary: r.summary,
          warnings: r.warnings,
        })),
      ),
    );
    return;
  }
  if (opts.csv) {
    const header = ['id', 'operator', ...(ranks === undefined ? [] : ['rank']), ...metrics.map((m) => m.key)];
    io.out(toCsv(header, results.map((r, i) => [r.scenario.id, r.scenario.operator, ...(ranks === undefined ? [] : [rankOf(i)]), ...metrics.map((m) => m.get(r))])).trimEnd());
    return;
  }
  for (const l of loaded) printWarnings(io, l.warnings, `warning (${l.source}): `);
  const shown: Metric[] = [...metrics];
  if (rankMetric !== undefined) {
    const position = new Map(results.map((r, i) => [r, rankOf(i)]));
    const format = (x: number | null): string => (x === null ? '—' : String(x));
    shown.unshift({
      key: 'rank',
      label: `Rank (by ${rankMetric.label}, ${rankMetric.better} is better)`,
      unit: 'rank',
      better: 'lower',
      get: (r) => position.get(r) ?? null,
      format,
      text: (r) => format(position.get(r) ?? null),
    });
  }
  io.out(compareTable(results, shown));
}
