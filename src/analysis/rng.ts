/**
 * A seeded random number generator that gives the same numbers on every
 * platform: xoshiro128** (Blackman & Vigna) in 32-bit integer arithmetic,
 * seeded by SplitMix64. `stream(seed, k)` derives an independent generator for
 * chunk `k` of a Monte Carlo run, so a sample's numbers depend on the seed and
 * its chunk only, never on how many workers share the chunks.
 */

/** A source of uniform random numbers, passed in wherever randomness is needed (never `Math.random`). */
export interface Rng {
  /** A uniform double in the open interval (0, 1), 53 bits. */
  next(): number;
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform integer in [0, n), n ≥ 1. */
  nextInt(n: number): number;
}

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64's output function of a 64-bit state (as a BigInt; only used for seeding). */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const GOLDEN = 0x9e3779b97f4a7c15n;

/** The largest seed accepted: seeds are whole numbers in [0, 2^53). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Is `seed` a valid seed (a whole number in [0, 2^53))? */
export const isValidSeed = (seed: number): boolean => Number.isSafeInteger(seed) && seed >= 0;

class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    // the all-zero state is the one state xoshiro cannot leave
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    // the centre of one of 2^53 equal cells: never 0, never 1
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  }

  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * A generator for `seed` (a whole number in [0, 2^53)).
 *
 * @example
 * const rng = createRng(42);
 * rng.next(); // 0.…, the same on every machine
 */
export function createRng(seed: number): Rng {
  return stream(seed, 0);
}

/**
 * The generator of chunk `chunkIndex` of a run seeded with `seed`: the seed and
 * the chunk index are hashed (SplitMix64) into a fresh 128-bit state, so
 * streams for different chunks are independent and each can be made on its own.
 *
 * @example
 * const a = stream(42, 0), b = stream(42, 1); // two independent streams
 */
export function stream(seed: number, chunkIndex: number): Rng {
  if (!isValidSeed(seed)) throw new RangeError(`seed must be a whole number in [0, 2^53), got ${seed}`);
  if (!Number.isSafeInteger(chunkIndex) || chunkIndex < 0) throw new RangeError(`chunk index must be a whole number ≥ 0, got ${chunkIndex}`);
  const s = mix64((BigInt(seed) + GOLDEN) & MASK64);
  let state = mix64((s ^ ((BigInt(chunkIndex) * GOLDEN) & MASK64)) + GOLDEN) & MASK64;
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    state = (state + GOLDEN) & MASK64;
    const z = mix64(state);
    words.push(Number(z & 0xffffffffn), Number(z >> 32n));
  }
  return new Xoshiro128(words[0] as number, words[1] as number, words[2] as number, words[3] as number);
}
