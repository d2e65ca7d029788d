/**
 * `inference-payback/node`: what needs Node — the shipped data and scenario
 * files, atomic writes, the spreadsheet (exceljs), Monte Carlo over worker
 * threads or over machines (a PostgreSQL queue) and the samples' Parquet/CSV files. The pure library is the root
 * entry (`inference-payback`); the HTTP server is `inference-payback/server`.
 */
export { dataDir, loadCatalog, builtinScenarioIds, builtinsInArchetypeOrder, readScenarioFile, readScenarioText, writeFileAtomic } from './io/files.ts';
export { loadSignalDefinitions, loadContext, readObservationsFile } from './io/signal-files.ts';
export { runMonteCarloParallel, defaultWorkers, SCENARIO_YEARS_PER_WORKER, type ParallelOptions, type ParallelOutcome } from './io/mc-workers.ts';
export { runMonteCarloOnQueue, DEFAULT_CHUNK_TIMEOUT_SECONDS, type QueueRunOptions, type QueueOutcome } from './queue/submit.ts';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions, type QueueWorkerEvent, type QueueWorkerStats } from './queue/worker.ts';
export { buildWorkbook, writeXlsx, type WorkbookOptions } from './report/xlsx.ts';
export { writeSamples, samplesFormat } from './report/samples-export.ts';
