/**
 * Compile-time checks that the response schemas of the OpenAPI document say
 * what the library returns: each line fails to type-check when a result type
 * gains, loses or retypes a field its schema does not follow. Nothing runs.
 */
import type { z } from 'zod';
import type { Advantages } from '../analysis/advantages.ts';
import type { BreakevenReport } from '../analysis/breakeven.ts';
import type { ConditionsReport } from '../analysis/conditions.ts';
import type { DesignPointReport } from '../analysis/design-point.ts';
import type { GridReport } from '../analysis/grid.ts';
import type { InternalSweep } from '../analysis/internal.ts';
import type { McSummary } from '../analysis/monte-carlo.ts';
import type { PaybackStack } from '../analysis/payback-stack.ts';
import type { TornadoReport } from '../analysis/tornado.ts';
import type { ModelResult } from '../model/result.ts';
import type { Calendar } from '../signals/calendar.ts';
import type { Nowcast } from '../signals/nowcast.ts';
import type { Observation } from '../signals/observation.ts';
import type { StatusReport } from '../signals/status.ts';
import type {
  advantagesResponseSchema,
  breakevenResponseSchema,
  calendarResponseSchema,
  nowcastResponseSchema,
  observationSchema,
  statusResponseSchema,
  gridResponseSchema,
  tornadoResponseSchema,
  mcSummarySchema,
  internalResponseSchema,
  modelResultSchema,
  stackResponseSchema,
  conditionsResponseSchema,
  designPointResponseSchema,
} from './schemas.ts';

/**
 * true when what the library returns (L) fits the schema's type (S) and they
 * name the same fields. (The other way round differs only in `field?: T` vs
 * `field?: T | undefined`, which zod cannot say.)
 */
type Same<S, L> = [L] extends [S] ? ([keyof S] extends [keyof L] ? ([keyof L] extends [keyof S] ? true : false) : false) : false;
type Check<T extends true> = T;

export type Checks = [
  Check<Same<z.output<typeof stackResponseSchema>, PaybackStack>>,
  Check<Same<z.output<typeof conditionsResponseSchema>, ConditionsReport>>,
  Check<Same<z.output<typeof designPointResponseSchema>, DesignPointReport>>,
  Check<Same<z.output<typeof internalResponseSchema>, InternalSweep>>,
  Check<Same<z.output<typeof advantagesResponseSchema>, Advantages>>,
  Check<Same<z.output<typeof breakevenResponseSchema>, BreakevenReport>>,
  Check<Same<z.output<typeof mcSummarySchema>, McSummary>>,
  Check<Same<z.output<typeof tornadoResponseSchema>, TornadoReport>>,
  Check<Same<z.output<typeof gridResponseSchema>, GridReport>>,
  Check<Same<z.output<typeof observationSchema>, Observation>>,
  Check<Same<z.output<typeof statusResponseSchema>, StatusReport>>,
  Check<Same<z.output<typeof calendarResponseSchema>, Calendar>>,
  Check<Same<z.output<typeof nowcastResponseSchema>, Nowcast>>,
  Check<Same<Omit<z.output<typeof modelResultSchema>, 'scenario'>, Omit<ModelResult, 'scenario'>>>,
];
