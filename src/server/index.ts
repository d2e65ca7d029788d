/** The HTTP server: the app, its socket, and the worker pool of heavy jobs. */
export { createApp, DEFAULT_LIMITS, type AppDeps, type ServerLimits } from './app.ts';
export { listen, type RunningServer } from './listen.ts';
export { WorkerPool, JobStopped, JobFailed, PoolBusy, type PoolOptions } from './pool.ts';
export { isLoopbackHost } from './security.ts';
export { openApiDocument } from './openapi.ts';
