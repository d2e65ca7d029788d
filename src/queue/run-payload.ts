/**
 * What a Monte Carlo run sends its workers once, through the queue's
 * database: the resolved scenario and the run's options, serialized as a
 * worker thread receives them (V8's structured clone: every number exactly,
 * −0 and all), with a content hash that names the plan. A worker builds the
 * plan from it (`prepareMonteCarlo`, the same as the submitter's) once per
 * hash and keeps the last few.
 */
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { type MonteCarloOptions, type MonteCarloPlan, prepareMonteCarlo, runChunk } from '../analysis/monte-carlo.ts';
import type { Scenario } from '../model/schema.ts';
import { encodeChunk } from './chunk-codec.ts';

export interface RunPayload {
  scenario: Scenario;
  options: MonteCarloOptions;
}

/** The bytes a run's workers build its plan from, and their SHA-256 (hex). */
export function encodeRunPayload(scenario: Scenario, options: MonteCarloOptions): { bytes: Uint8Array; hash: string } {
  // the workers never keep samples: the submitter gathers the chunks
  const bytes = new Uint8Array(serialize({ scenario, options: { ...options, keepSamples: false } } satisfies RunPayload));
  return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

export function decodeRunPayload(bytes: Uint8Array): RunPayload {
  return deserialize(bytes) as RunPayload;
}

/** Plans by payload hash, the last `size` used. */
export class PlanCache {
  private readonly plans = new Map<string, MonteCarloPlan>();
  constructor(private readonly size = 4) {}

  /** The plan of a payload (built on first use); throws when the run does not plan (it did on the submitter). */
  get(hash: string, payload: Uint8Array): MonteCarloPlan {
    let plan = this.plans.get(hash);
    if (plan === undefined) {
      const { scenario, options } = decodeRunPayload(payload);
      const prepared = prepareMonteCarlo(scenario, options);
      if (!prepared.ok) throw new Error(`the run does not plan here: ${prepared.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      plan = prepared.plan;
      if (this.plans.size >= this.size) this.plans.delete(this.plans.keys().next().value as string);
    } else this.plans.delete(hash);
    this.plans.set(hash, plan);
    return plan;
  }

  /** Evaluate chunk `index` of the run, as the bytes of its result. */
  evaluate(hash: string, payload: Uint8Array, index: number): Uint8Array {
    return encodeChunk(runChunk(this.get(hash, payload), index));
  }
}
