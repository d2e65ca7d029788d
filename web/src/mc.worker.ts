/**
 * Monte Carlo in a Web Worker: plan the run, evaluate it chunk by chunk with
 * progress after each, then summarize. The page cancels a run by terminating
 * the worker. Same seed, same numbers as the CLI and the server.
 */
import { type ChunkResult, type McSummary, type MonteCarloOptions, prepareMonteCarlo, runChunk, summarizeMonteCarlo } from '../../src/analysis/monte-carlo.ts';
import type { Issue } from '../../src/model/issues.ts';
import type { Scenario } from '../../src/model/schema.ts';

export interface McRequest {
  scenario: Scenario;
  options: MonteCarloOptions;
}

export type McMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; summary: McSummary; ms: number }
  | { type: 'error'; message: string; issues: Issue[] };

const post = (m: McMessage): void => (self as unknown as { postMessage: (m: McMessage) => void }).postMessage(m);

self.onmessage = (e: MessageEvent<McRequest>) => {
  const t0 = performance.now();
  try {
    const prepared = prepareMonteCarlo(e.data.scenario, e.data.options);
    if (!prepared.ok) {
      post({ type: 'error', message: 'the run is ill-posed', issues: prepared.issues });
      return;
    }
    const { plan } = prepared;
    const chunks: ChunkResult[] = [];
    let done = 0;
    let last = 0;
    post({ type: 'progress', done: 0, total: plan.n });
    for (let k = 0; k < plan.chunks.length; k++) {
      const r = runChunk(plan, k);
      chunks.push(r);
      done += r.size;
      const now = performance.now();
      if (now - last > 50 || done === plan.n) {
        last = now;
        post({ type: 'progress', done, total: plan.n });
      }
    }
    const { summary } = summarizeMonteCarlo(plan, chunks, false);
    post({ type: 'done', summary, ms: performance.now() - t0 });
  } catch (err) {
    const issues = err !== null && typeof err === 'object' && 'issues' in err ? ((err as { issues?: Issue[] }).issues ?? []) : [];
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), issues });
  }
};
