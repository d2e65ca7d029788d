/**
 * inference-payback: the library. Everything here is pure (no files, no clock),
 * so it runs the same in Node, a worker and the browser.
 */
export { evaluate, generationSchedule, pricingKind, isCashPricing, type Generation } from './model/engine.ts';
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
export { VERSION } from './version.ts';
