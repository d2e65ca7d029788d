// The entry of a Monte Carlo worker thread: a worker does not inherit the
// TypeScript loader of the thread that starts it, so it registers tsx itself
// and then loads the worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./mc-worker.ts');
