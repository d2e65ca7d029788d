/** The signal monitor's pure API (MODEL.md §6): definitions, import checks, like-for-like scope, expected paths, tripwires, status, the ranked watch list, the nowcast. */
export { parseSignalDefinitions, normalizeUnit, unitFit, SIGNAL_IDS, GOOD_DIRECTIONS, type SignalDefinition, type LinkDefinition, type TripwireDefinition } from './definitions.ts';
export { readObservations, readObservationsCsv, readObservationsJson, readObservationFields, parseObservationNumber, type ImportedRow, type ImportResult } from './import.ts';
export { linkSignal, signalDriver, expectedInYear, levelInYear, tripwireOf, tripwireInYear, yearAt, type LinkedSignal, type Tripwire, type YearAt } from './link.ts';
export { signalStatus, evidencePlan, seriesKey, trendOf, verdictOf, type SignalStatus, type StatusReport, type SignalState, type Trend, type EvidencePick, type StatusInput, type Verdict } from './status.ts';
export { scopeFit, scenarioBasis, type ScopeFit } from './scope.ts';
export { evidenceCalendar, type Calendar, type CalendarLine, type CalendarCell, type WatchValue } from './calendar.ts';
export { nowcast, shapley, NOWCAST_MAX_PLAYERS, type Nowcast, type NowcastPlacement, type NowcastAttribution } from './nowcast.ts';
export { parseContext, type ContextItem } from './context.ts';
export { addMonths, isIsoDate, quartersAhead, yearsBetween, type Quarter } from './dates.ts';
export { OPERATOR_CLASSES, BASES, type Observation, type ObservationInput, type ObservationScope, type OperatorClass, type Basis } from './observation.ts';
