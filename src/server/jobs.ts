/**
 * The heavy computations of the API as jobs: plain data in, plain data out,
 * so a worker thread can run them (`job-worker.ts`) while the main thread
 * keeps answering. Each job is the analysis function of its kind; nothing is
 * computed here that the analyses and renderers do not compute.
 */
import { advantages } from '../analysis/advantages.ts';
import { breakeven, type BreakevenOptions } from '../analysis/breakeven.ts';
import { conditions, type ConditionsOptions } from '../analysis/conditions.ts';
import { designPoint, type DesignPointOptions } from '../analysis/design-point.ts';
import { grid, type GridOptions } from '../analysis/grid.ts';
import { internalSweep } from '../analysis/internal.ts';
import { monteCarlo, type MonteCarloOptions } from '../analysis/monte-carlo.ts';
import { paybackStack, type StackGrouping } from '../analysis/payback-stack.ts';
import { tornado, type TornadoOptions } from '../analysis/tornado.ts';
import { canonicalJson, scenarioHash } from '../io/scenario-hash.ts';
import { evaluate } from '../model/engine.ts';
import { loadCheckedScenarioText, resolveCheckedScenario } from '../analysis/scenario-checks.ts';
import type { ResolvedScenario, ResolveResult } from '../model/load.ts';
import type { Issue } from '../model/issues.ts';
import type { ModelResult } from '../model/result.ts';
import type { Catalog, Scenario } from '../model/schema.ts';
import type { Subject } from '../analysis/paths.ts';
import { evaluatePortfolio, type PortfolioResult } from '../model/portfolio.ts';
import type { Portfolio } from '../model/portfolio-load.ts';
import type { ScenarioAnalyses } from '../report/html.ts';
import { evidenceCalendar, type Calendar } from '../signals/calendar.ts';
import type { SignalDefinition } from '../signals/definitions.ts';
import type { Observation } from '../signals/observation.ts';
import { type Nowcast, nowcast } from '../signals/nowcast.ts';
import { signalStatus, type StatusReport } from '../signals/status.ts';
import { VERSION } from '../version.ts';
import { scenarioTooLarge } from './budget.ts';

/** One scenario of a report or workbook, with what the report prints about it. */
export interface JobScenario {
  scenario: ResolvedScenario;
  /** where it came from, as the report prints it */
  source: string;
  /** the text it was read from (for the inputs table's sources), if any */
  text: string | null;
}

export interface ReportJob {
  scenarios: JobScenario[];
  reference: ResolvedScenario | null;
  catalog: Catalog;
  generatedAt: string;
  command: string;
  /** the Monte Carlo of each scenario from this many samples (none when absent: the Verdict then has no probability) */
  mc?: { n: number; seed: number };
  /** what the Verdict's watch list needs: the signal definitions and the day it starts from */
  watch?: { definitions: SignalDefinition[]; asOf: string };
}

/** A scenario to load: its text (YAML or JSON) or its parsed value, and the catalog to resolve it with. */
export interface LoadJob {
  text?: string;
  value?: unknown;
  file?: string;
  catalog: Catalog;
  /** a scenario of more segment-years comes back as `tooLarge` alone, not sent across (it can be megabytes) */
  maxCells?: number;
}

/** What loading gives: the result, or only that the scenario is too large for the server. */
export type LoadJobResult = ResolveResult | { ok: false; issues: []; warnings: []; tooLarge: Issue };

/** Every job, by kind: its input and its output. */
export interface Jobs {
  load: { in: LoadJob; out: LoadJobResult };
  run: { in: { scenario: Scenario }; out: ModelResult };
  stack: { in: { scenario: Subject; by?: StackGrouping }; out: ReturnType<typeof paybackStack> };
  advantages: { in: { scenario: Subject; reference: Scenario }; out: ReturnType<typeof advantages> };
  mc: { in: { scenario: Subject; options: MonteCarloOptions }; out: { summary: ReturnType<typeof monteCarlo>['summary'] } };
  grid: { in: { scenario: Subject; options: GridOptions }; out: ReturnType<typeof grid> };
  breakeven: { in: { scenario: Subject; options: BreakevenOptions }; out: ReturnType<typeof breakeven> };
  tornado: { in: { scenario: Subject; options: TornadoOptions }; out: ReturnType<typeof tornado> };
  /** a portfolio's run (MODEL.md §8): `payback run PORTFOLIO --json` */
  portfolio: { in: { portfolio: Portfolio }; out: PortfolioResult };
  /** a portfolio's workbook with its charts */
  portfolioXlsx: { in: { portfolio: Portfolio }; out: Uint8Array };
  internal: { in: { scenario: Scenario; steps?: number }; out: ReturnType<typeof internalSweep> };
  conditions: { in: { scenario: Scenario; options: ConditionsOptions }; out: ReturnType<typeof conditions> };
  designpoint: { in: { scenario: Scenario; options: DesignPointOptions }; out: ReturnType<typeof designPoint> };
  report: { in: ReportJob; out: string };
  xlsx: { in: { scenario: JobScenario; catalog: Catalog }; out: Uint8Array };
  status: {
    in: { scenario: Scenario; definitions: SignalDefinition[]; asOf: string; latest: Observation[]; windows: [string, Observation[]][] };
    out: StatusReport;
  };
  calendar: { in: { scenario: Scenario; definitions: SignalDefinition[]; asOf: string; months?: number }; out: Calendar };
  nowcast: {
    in: { scenario: Scenario; definitions: SignalDefinition[]; asOf: string; latest: Observation[]; windows: [string, Observation[]][]; includeProxies: boolean };
    out: Nowcast;
  };
}

export type JobKind = keyof Jobs;

const catalogRow = (catalog: Catalog, s: Scenario) => catalog.accelerators.find((a) => a.id === s.fleet.accelerator);

// The renderers are loaded on first use: a worker that only runs analyses starts faster without them.
async function report(job: ReportJob): Promise<string> {
  const [{ renderReport }, { inputRows }, contents] = await Promise.all([
    import('../report/html.ts'),
    import('../report/inputs.ts'),
    // What the report holds is decided once, in report/contents.ts, as for `payback report`: the same analyses, the same default uncertainty.
    import('../report/contents.ts'),
  ]);
  const quiet = { out: () => {}, err: () => {}, isTTY: false };
  const analyses = job.scenarios.map((s) => contents.reportAnalyses(s.scenario, job.reference ?? undefined, quiet, job.watch));
  const mc = job.scenarios.map((s, i) => {
    const notes = ((analyses[i] as ScenarioAnalyses).notes ??= {});
    if (job.mc === undefined) {
      notes.monteCarlo = 'left out (mc: 0)';
      return undefined;
    }
    return contents.attempt('monteCarlo', s.scenario.id, notes, quiet, () => contents.reportMonteCarlo(s.scenario, (job.mc as { n: number }).n, (job.mc as { seed: number }).seed));
  });
  return renderReport({
    results: job.scenarios.map((s) => evaluate(s.scenario)),
    analyses,
    mc,
    meta: {
      version: VERSION,
      generatedAt: job.generatedAt,
      command: job.command,
      scenarios: job.scenarios.map((s) => ({
        source: s.source,
        hash: scenarioHash(s.scenario),
        canonicalJson: canonicalJson(s.scenario),
        inputs: inputRows(s.scenario, { ...(s.text !== null && { text: s.text }), catalogRow: catalogRow(job.catalog, s.scenario) }),
      })),
      ...(job.reference !== null && { reference: job.reference.id }),
    },
  });
}

async function workbook({ scenario: s, catalog }: Jobs['xlsx']['in']): Promise<Uint8Array> {
  const [{ buildWorkbook }, { inputRows }] = await Promise.all([import('../report/xlsx.ts'), import('../report/inputs.ts')]);
  const rows = inputRows(s.scenario, { ...(s.text !== null && { text: s.text }), catalogRow: catalogRow(catalog, s.scenario) });
  const sources = new Map(rows.map((r) => [r.path, r.source]));
  const wb = buildWorkbook(evaluate(s.scenario), { catalog, sourceOf: (p) => sources.get(p) || undefined });
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * Run one job. Bad input surfaces as the analyses throw it (an
 * `AnalysisInputError` with every issue, or a RangeError).
 *
 * @example
 * const t = await runJob('tornado', { scenario, options: { metric: 'npv' } });
 */
export async function runJob<K extends JobKind>(kind: K, input: Jobs[K]['in']): Promise<Jobs[K]['out']> {
  type Out = Jobs[K]['out'];
  switch (kind) {
    case 'load': {
      // a large text is parsed here, in a worker: YAML runs at a few MB a second
      const i = input as LoadJob;
      const r = i.text !== undefined ? loadCheckedScenarioText(i.text, i.catalog, i.file === undefined ? {} : { file: i.file }) : resolveCheckedScenario(i.value, i.catalog);
      const tooLarge = r.ok && i.maxCells !== undefined ? scenarioTooLarge(r.scenario, i.maxCells) : null;
      return (tooLarge === null ? r : { ok: false, issues: [], warnings: [], tooLarge }) as Out;
    }
    case 'run':
      return evaluate((input as Jobs['run']['in']).scenario) as Out;
    case 'stack': {
      const i = input as Jobs['stack']['in'];
      return paybackStack(i.scenario, i.by === undefined ? {} : { by: i.by }) as Out;
    }
    case 'advantages': {
      const i = input as Jobs['advantages']['in'];
      return advantages(i.scenario, i.reference) as Out;
    }
    case 'mc': {
      const i = input as Jobs['mc']['in'];
      // Only the summary travels back: every sample's columns would be megabytes of JSON.
      return { summary: monteCarlo(i.scenario, { ...i.options, keepSamples: false }).summary } as Out;
    }
    case 'grid': {
      const i = input as Jobs['grid']['in'];
      return grid(i.scenario, i.options) as Out;
    }
    case 'breakeven': {
      const i = input as Jobs['breakeven']['in'];
      return breakeven(i.scenario, i.options) as Out;
    }
    case 'tornado': {
      const i = input as Jobs['tornado']['in'];
      return tornado(i.scenario, i.options) as Out;
    }
    case 'internal': {
      const i = input as Jobs['internal']['in'];
      return internalSweep(i.scenario, i.steps === undefined ? {} : { steps: i.steps }) as Out;
    }
    case 'conditions': {
      const i = input as Jobs['conditions']['in'];
      return conditions(i.scenario, i.options) as Out;
    }
    case 'designpoint': {
      const i = input as Jobs['designpoint']['in'];
      return designPoint(i.scenario, i.options) as Out;
    }
    case 'portfolio':
      return evaluatePortfolio((input as Jobs['portfolio']['in']).portfolio) as Out;
    case 'portfolioXlsx': {
      const { portfolioXlsx } = await import('../report/portfolio-xlsx.ts');
      return (await portfolioXlsx(evaluatePortfolio((input as Jobs['portfolioXlsx']['in']).portfolio))) as Out;
    }
    case 'report':
      return (await report(input as ReportJob)) as Out;
    case 'xlsx':
      return (await workbook(input as Jobs['xlsx']['in'])) as Out;
    case 'status': {
      const i = input as Jobs['status']['in'];
      return signalStatus({ scenario: i.scenario, definitions: i.definitions, asOf: i.asOf, latest: i.latest, windows: new Map(i.windows) }) as Out;
    }
    case 'calendar': {
      const i = input as Jobs['calendar']['in'];
      return evidenceCalendar(i.scenario, i.definitions, i.asOf, i.months === undefined ? {} : { months: i.months }) as Out;
    }
    case 'nowcast': {
      const i = input as Jobs['nowcast']['in'];
      return nowcast({ scenario: i.scenario, definitions: i.definitions, asOf: i.asOf, latest: i.latest, windows: new Map(i.windows), includeProxies: i.includeProxies }) as Out;
    }
    default:
      throw new Error(`unknown job kind "${String(kind)}"`);
  }
}
