/**
 * inference-payback: the library. Everything here is pure (no files, no clock,
 * no `node:` module reachable from it; a test walks the compiled import graph),
 * so it runs the same in Node, a worker and the browser. What needs Node is in
 * `inference-payback/node` (files, workbooks, worker threads) and
 * `inference-payback/server` (the HTTP API).
 */
export { migrateScenarioText, v1Findings, type MigrateResult, type V1Finding } from './model/migrate.ts';
export { evaluate, evaluateSummary, type SummaryResult, generationSchedule, pricingKind, isCashPricing, type Generation } from './model/engine.ts';
/** Portfolios of factories built over the years (MODEL.md §8): load, evaluate on the calendar, the revenue gap. */
export { evaluatePortfolio, evaluatePortfolioSummary, portfolioNonFinite, type PortfolioResult, type PortfolioSummaryResult, type PortfolioYearRow, type PortfolioSummary, type VintageResult, type VintageCapital, type VintageDebt, type VintageBreach, VINTAGE_DEBT_FIELDS, type RevenueGapRow } from './model/portfolio.ts';
export { resolvePortfolio, loadPortfolioText, isPortfolio, type Portfolio, type PortfolioVintage, type PortfolioResolveResult, type TemplateLoader, type TemplateResult } from './model/portfolio-load.ts';
export { portfolioSchema, portfolioJsonSchema, MAX_VINTAGES, type PortfolioInput, type PortfolioFile } from './model/portfolio-schema.ts';
export { rebaseScenario } from './model/rebase.ts';
export { resolveCheckedPortfolio, loadCheckedPortfolioText, portfolioUncertainty } from './analysis/portfolio-checks.ts';
export { portfolioYearsCsv, vintagesCsv, vintageTranchesCsv, revenueGapCsv, portfolioJson, portfolioHasCapital } from './report/portfolio-export.ts';
export {
  npv,
  irr,
  irrFast,
  irrRoots,
  mirr,
  pv,
  fv,
  pmt,
  nper,
  rate,
  ipmt,
  ppmt,
  xnpv,
  xirr,
  type When,
  type DateLike,
  type IrrWindow,
} from './model/finance.ts';
export { brent, findRoots, bracketScan, type RootResult } from './model/root.ts';
export {
  parseScenarioText,
  resolveScenario,
  loadScenarioText,
  parseCatalogText,
  scenarioJsonSchema,
  type ResolvedScenario,
  type ResolveResult,
  type CatalogResult,
} from './model/load.ts';
export { formatIssue, formatIssues, formatPath, type Issue } from './model/issues.ts';
export {
  scenarioSchema,
  catalogSchema,
  type Scenario,
  type ScenarioInput,
  type Segment,
  type Pricing,
  type Catalog,
  type CatalogRow,
} from './model/schema.ts';
export {
  YEAR_FIELDS,
  SEGMENT_YEAR_FIELDS,
  SUMMARY_FIELDS,
  type ModelResult,
  type YearRow,
  type SegmentResult,
  type SegmentYearRow,
  type Summary,
  type ModelWarning,
} from './model/result.ts';
export { paybackStack, scaleCashRevenue, stackSourceOf, STACK_SOURCES, STACK_PAYER_SOURCES, STACK_GROUPINGS, type PaybackStack, type PaybackStackOptions, type StackGrouping, type StackSource, type StackSourceKey, type StackKindKey } from './analysis/payback-stack.ts';
export { PAYERS, PAYER_LABELS, DEFAULT_PAYER, payerOf, type Payer } from './model/payers.ts';
export { conditions, conditionPaths, CONDITIONS, type ConditionsOptions, type ConditionsReport, type ConditionRow, type ConditionInput, type ConditionKey, type ConditionDef } from './analysis/conditions.ts';
export { designPoint, unreachableIssue, type DesignPointOptions, type DesignPointReport, type DesignPointInput, type DesignPointBranch } from './analysis/design-point.ts';
export { uncertaintyFor } from './analysis/default-uncertainty.ts';
export { internalSweep, withInternalShare, INTERNAL_KINDS, type InternalSweep, type InternalPoint } from './analysis/internal.ts';
export { advantages, advantageCoalition, ADVANTAGE_GROUPS, type Advantages, type AdvantagePart, type AdvantageGroup } from './analysis/advantages.ts';
export { parseInputPath, getInput, setInput, inputInfo, checkInputPath, listInputPaths, AnalysisInputError, PAID_SHARE, type InputInfo, type InputKind, type SetMode, type ParsedInputPath, type PathStep } from './analysis/paths.ts';
export { parseTarget, checkTarget, targetMargin, meetsTarget, defaultTargetFor, parseNumberText, TARGET_FORMS, DEFAULT_TARGET, type Target, type TargetMetric, type TargetOp, type TargetRef } from './analysis/targets.ts';
export { makeDriver, makeDrivers, defaultDriverPaths, type Driver, type DriverSetting } from './analysis/drivers.ts';
export { breakeven, type BreakevenOptions, type BreakevenReport, type BreakevenRow, type BreakevenStatus } from './analysis/breakeven.ts';
export { tornado, swingRange, DEFAULT_SWING, type TornadoOptions, type TornadoReport, type TornadoRow, type DriverRange } from './analysis/tornado.ts';
export { grid, contourOf, axisValues, type GridOptions, type GridAxis, type GridReport, type GridAxisResult } from './analysis/grid.ts';
export { yearsCsv, segmentsCsv, resultJson } from './report/export.ts';
export { renderReport, type ReportInput, type ReportMeta, type ScenarioMeta, type ScenarioAnalyses, type MonteCarloSection } from './report/html.ts';
/** The Verdict that opens the report (a scenario's; a portfolio's has the same shape). */
export { scenarioVerdict, portfolioVerdict, reportVerdicts, verdictConditions, verdictRisk, verdictLines, likelihood, VERDICT_CONDITIONS, type Verdict as ReportVerdict, type VerdictSubject, type VerdictCondition, type VerdictProbability, type VerdictRisk, type VerdictInput } from './report/verdict.ts';
/** Numbers for people: the one formatter and every summary field's label and format. */
export { millions, money, price, pct, yearsFmt, ratio, tokens, count, plural, signedMillions, NONE, TOKEN_SCALE_NOTE } from './model/format.ts';
export { METRIC_INFO, COMPARE_METRICS, SUMMARY_METRICS, formatMetric, formatMetricDelta, metricText, metricLabel, RENTED_PAYBACK, type Metric, type MetricInfo, type MetricKind } from './report/metrics.ts';
export { stackRows, stackSentences, SURPLUS_LABEL, type StackRow } from './report/stack-format.ts';
export { revenuePerComputeUnit, sameSegmentLists, type AdvantagePricing } from './analysis/advantages.ts';
export { parseSignalDefinitions, normalizeUnit, unitFit, SIGNAL_IDS, readObservations, readObservationsCsv, readObservationsJson, readObservationFields, linkSignal, expectedInYear, tripwireOf, tripwireInYear, yearAt, signalStatus, evidencePlan, seriesKey, trendOf, scopeFit, verdictOf, evidenceCalendar, nowcast, shapley, OPERATOR_CLASSES, BASES, parseContext, type SignalDefinition, type LinkedSignal, type Tripwire, type SignalStatus, type StatusReport, type SignalState, type Trend, type Calendar, type CalendarLine, type WatchValue, type Nowcast, type NowcastPlacement, type NowcastAttribution, type ScopeFit, type Verdict, type OperatorClass, type Basis, type ImportedRow, type Observation, type ObservationInput, type ContextItem } from './signals/index.ts';
export { monteCarlo, prepareMonteCarlo, defaultUncertainty, effectiveUncertainty, withEffectiveUncertainty, uncertaintySwing, runChunk, summarizeMonteCarlo, chunkBounds, MC_METRICS, createRng, stream, parseDistArgument, validateDistribution, compileDistribution, DIST_SYNTAX_HELP, validateCorrelation, imanConover, prepareImanConover, type MonteCarloOptions, type MonteCarloPlan, type McSummary, type McResult, type McSamples, type McDriverSummary, type Importance, type ChunkResult, type McMetric, type Rng, type DistributionSpec, type Sampler, type ValueRange, type CorrelationSpec, type UncertaintyOrigin, type UncertaintySwing } from './analysis/mc.ts';
export { VERSION } from './version.ts';
