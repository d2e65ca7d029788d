/** The Monte Carlo's public surface in one place (re-exported by `src/index.ts`). */
export {
  monteCarlo,
  prepareMonteCarlo,
  runChunk,
  summarizeMonteCarlo,
  chunkBounds,
  type MonteCarloOptions,
  type MonteCarloPlan,
  type McSummary,
  type McResult,
  type McSamples,
  type McDriverSummary,
  type Importance,
  type ChunkResult,
} from './monte-carlo.ts';
export { MC_METRICS, type McMetric } from './columnar.ts';
export { createRng, stream, type Rng } from './rng.ts';
export { parseDistArgument, validateDistribution, compileDistribution, DIST_SYNTAX_HELP, type DistributionSpec, type Sampler, type ValueRange } from './distributions.ts';
export { validateCorrelation, imanConover, prepareImanConover, type CorrelationSpec } from './correlation.ts';
export { defaultUncertainty, effectiveUncertainty, withEffectiveUncertainty, uncertaintyOriginText, type UncertaintyOrigin } from './default-uncertainty.ts';
export { uncertaintySwing, SWING_PERCENTILES, type UncertaintySwing } from './uncertainty-swing.ts';
