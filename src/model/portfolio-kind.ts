/**
 * Telling a portfolio (MODEL.md §8) from a scenario, without loading the
 * parser or the schemas: what the analyses and the engine ask of every subject
 * they are handed (`payback --help` loads them, and must not load zod).
 */
import type { Portfolio } from './portfolio-load.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a parsed value says it is a portfolio (`kind: portfolio`). */
export const isPortfolioValue = (v: unknown): boolean => isRecord(v) && v['kind'] === 'portfolio';

/** Is `x` a resolved portfolio (as opposed to a scenario)? */
export const isPortfolio = (x: unknown): x is Portfolio => isRecord(x) && x['kind'] === 'portfolio' && Array.isArray(x['vintages']);
