/**
 * The design point in a Web Worker: the search and the Monte Carlo beside it
 * take a few seconds, so the page stays responsive; the page cancels a run by
 * terminating the worker. Same scenario, target, n and seed, same numbers as
 * `payback designpoint` and POST /api/designpoint.
 */
import { designPoint, type DesignPointOptions, type DesignPointReport } from '../../src/analysis/design-point.ts';
import type { Issue } from '../../src/model/issues.ts';
import type { Scenario } from '../../src/model/schema.ts';

export interface DesignPointRequest {
  scenario: Scenario;
  options: DesignPointOptions;
}

export type DesignPointMessage = { type: 'done'; report: DesignPointReport; ms: number } | { type: 'error'; message: string; issues: Issue[] };

const post = (m: DesignPointMessage): void => (self as unknown as { postMessage: (m: DesignPointMessage) => void }).postMessage(m);

self.onmessage = (e: MessageEvent<DesignPointRequest>) => {
  const t0 = performance.now();
  try {
    post({ type: 'done', report: designPoint(e.data.scenario, e.data.options), ms: performance.now() - t0 });
  } catch (err) {
    const issues = err !== null && typeof err === 'object' && 'issues' in err ? ((err as { issues?: Issue[] }).issues ?? []) : [];
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), issues });
  }
};
