/**
 * Bookkeeping every strategy shares: which pool indices were already proposed (never propose one
 * twice), uniform sampling among the rest, and validation of what callers tell back.
 */
import type { Observation, SearchPool, SearchRng } from '../types';

export class Visited {
  private readonly flags: Uint8Array;
  private n = 0;

  constructor(readonly count: number) {
    this.flags = new Uint8Array(count);
  }

  has(i: number): boolean {
    return this.flags[i] === 1;
  }

  /** Marks `i`; returns false when it was already marked. */
  add(i: number): boolean {
    if (this.flags[i]) return false;
    this.flags[i] = 1;
    this.n++;
    return true;
  }

  get size(): number {
    return this.n;
  }

  get remaining(): number {
    return this.count - this.n;
  }

  /**
   * A uniformly random unmarked index (not marked here: the caller decides), or -1 when none is
   * left. Rejection sampling is O(1) while most of the pool is free; after a few misses a scan picks
   * the j-th free index, still uniform, so a nearly exhausted pool cannot stall.
   */
  randomFree(rng: SearchRng): number {
    if (this.n >= this.count) return -1;
    for (let t = 0; t < 32; t++) {
      const i = rng.int(this.count);
      if (!this.flags[i]) return i;
    }
    let j = rng.int(this.count - this.n);
    for (let i = 0; i < this.count; i++) {
      if (!this.flags[i] && j-- === 0) return i;
    }
    return -1; // unreachable
  }
}

/** Validates ask's `n`: a non-negative integer count (fractions floor, NaN/negative → 0). */
export function askCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function checkIndex(pool: SearchPool, index: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= pool.count) {
    throw new RangeError(`${what}: index ${index} is outside the pool (0..${pool.count - 1})`);
  }
}

/**
 * Normalises a tell batch: checks indices, drops repeats of an index already told (the first result
 * wins: a cell is evaluated once). Non-finite rewards mean a failed evaluation and are passed on as NaN.
 */
export function* freshObservations(pool: SearchPool, told: Visited, observations: readonly Observation[], what: string): Generator<Observation> {
  for (const o of observations) {
    checkIndex(pool, o.index, what);
    if (!told.add(o.index)) continue;
    yield { index: o.index, reward: Number.isFinite(o.reward) ? o.reward : NaN };
  }
}

/** Derives an independent sub-stream seed, so e.g. BO's design and its network init never share draws. */
export function subSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d) >>> 0;
  return (z ^ (z >>> 12)) >>> 0;
}

/** bo and rl work in the embedding space: refuse a pool without (or with a malformed) table. */
export function requireEmbeddings(pool: SearchPool, who: string): void {
  if (!(pool.dim > 0) || pool.embeddings.length !== pool.count * pool.dim) {
    throw new Error(`${who}: the pool has no arch2vec embeddings (${pool.embeddings.length} values for ${pool.count} × ${pool.dim}); latent-space strategies need a model's embeddings`);
  }
}
