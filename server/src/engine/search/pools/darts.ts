/**
 * The DARTS pool: `count` unique normal cells (reduce = normal, as arch2vec) sampled with `seed`
 * exactly as the pretraining set is (engine/data/dartsSample.ts: the reference's sampling, isomorphic
 * duplicates removed by the graph hash). Defaults 600,000 cells (the reference's pool) and seed 3
 * (`arch2vec pretrain`'s default seed), so a DARTS model pretrained with the defaults has the pool's
 * embeddings already: its `embeddings.f32` rows are these cells in this order.
 *
 * The sample is integer-only PRNG and hashing, so it is identical on every machine; it is built once
 * (~15 s for 600,000 cells on one core) and cached in $ARCH2VEC_HOME/cache:
 *   header, 64 bytes: magic "A2VDARTS" | u32 version | u32 count | u32 seed | sha256 of the body (32) | 16 zero bytes
 *   body: 8 bytes per cell, one per (op, input) pair: op | input << 3 (dartsSample's gene layout)
 * A cache that fails any check is rebuilt, never used.
 *
 * The space has billions of cells, so a mutation (regularised evolution) or a measured cell (the file
 * objective) usually is not in the sample: it is appended as a new index (`add`). Appended cells are
 * per-search (never written to the cache), and deterministic for a seed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellSpec } from '../../../core/cellSpec';
import { dartsHash, DARTS_NODES, type Genotype } from '../../../core/spaces/darts';
import { mutateDarts } from '../../../core/spaces/mutation';
import { writeFileAtomic } from '../../data/atomicWrite';
import { DartsDataset, dartsMasks, DARTS_REFERENCE_POOL, geneToGenotype, genotypeToGene, sampleDarts } from '../../data/dartsSample';
import type { ProgressFn } from '../../data/dataset';
import { Key64Map } from '../../data/hashTable';
import { wl64, wl64Key } from '../../data/wlHash';
import type { SearchRng } from '../types';
import type { SpacePool } from './types';

export const DARTS_POOL_SEED = 3;
export const DARTS_POOL_MAGIC = 'A2VDARTS';
export const DARTS_POOL_VERSION = 1;
const HEADER = 64;
const PAIRS = 8;

export const dartsPoolFile = (count: number, seed: number) => `darts-pool-v${DARTS_POOL_VERSION}-n${count}-s${seed}.bin`;

export class DartsPoolCacheError extends Error {}

export function encodeDartsPool(genes: Uint8Array, count: number, seed: number): Buffer[] {
  const body = Buffer.from(genes.buffer, genes.byteOffset, count * PAIRS);
  const header = Buffer.alloc(HEADER);
  header.write(DARTS_POOL_MAGIC, 0, 'latin1');
  header.writeUInt32LE(DARTS_POOL_VERSION, 8);
  header.writeUInt32LE(count, 12);
  header.writeUInt32LE(seed >>> 0, 16);
  createHash('sha256').update(body).digest().copy(header, 20);
  return [header, body];
}

export function decodeDartsPool(buf: Buffer, path: string, count: number, seed: number): Uint8Array {
  const fail = (why: string): never => {
    throw new DartsPoolCacheError(`DARTS pool cache ${path} is unusable: ${why}`);
  };
  if (buf.length < HEADER) fail(`truncated (${buf.length} bytes)`);
  if (buf.toString('latin1', 0, 8) !== DARTS_POOL_MAGIC) fail('bad magic');
  if (buf.readUInt32LE(8) !== DARTS_POOL_VERSION) fail(`format version ${buf.readUInt32LE(8)}`);
  if (buf.readUInt32LE(12) !== count || buf.readUInt32LE(16) !== seed >>> 0) fail(`holds ${buf.readUInt32LE(12)} cells of seed ${buf.readUInt32LE(16)}`);
  if (buf.length !== HEADER + count * PAIRS) fail(`${buf.length} bytes, expected ${HEADER + count * PAIRS}`);
  const body = buf.subarray(HEADER);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(20, 52))) fail('checksum mismatch (file corrupted)');
  return new Uint8Array(body);
}

export class DartsPool implements SpacePool {
  readonly space = 'darts' as const;
  readonly embeddingParts = 1 as const;
  readonly id: string;
  readonly description: string;
  /** Cells of the seeded sample; indices ≥ baseCount were appended by this search. */
  readonly baseCount: number;
  embeddings = new Float32Array(0);
  dim = 0;
  /** Encodes the sampled cells (as the pretraining set): fast batch embedding. */
  readonly dataset: DartsDataset;
  private genes: Uint8Array;
  private n: number;
  private keys?: Key64Map;
  private readonly scratch = { inMask: new Int32Array(DARTS_NODES), outMask: new Int32Array(DARTS_NODES), labels: new Int32Array(DARTS_NODES) };

  constructor(genes: Uint8Array, readonly seed: number, readonly source: string) {
    this.baseCount = genes.length / PAIRS;
    this.n = this.baseCount;
    this.genes = genes;
    this.id = `darts:${this.baseCount}:seed${seed}`;
    this.description = `DARTS: ${this.baseCount.toLocaleString('en-US')} unique sampled normal cells (seed ${seed}; reduce = normal)`;
    // The dataset only encodes by index; its lookup map is unused (the pool keeps its own, lazily).
    this.dataset = new DartsDataset(genes, new Key64Map(16), seed);
  }

  get count(): number {
    return this.n;
  }

  genotype(i: number): Genotype {
    if (!(Number.isInteger(i) && i >= 0 && i < this.n)) throw new RangeError(`darts pool: index ${i} out of range 0..${this.n - 1}`);
    return geneToGenotype(this.genes, i * PAIRS);
  }

  spec(i: number): CellSpec {
    const g = this.genotype(i);
    return { space: 'darts', normal: g, reduce: g, reduceGiven: false };
  }

  cellId(i: number): string {
    return dartsHash(this.genotype(i));
  }

  name(i: number): string {
    return `darts_${this.cellId(i).slice(0, 8)}`;
  }

  private keyOf(g: Uint8Array, off: number): [number, number] {
    const { inMask, outMask, labels } = this.scratch;
    dartsMasks(g, off, inMask, outMask, labels);
    wl64(DARTS_NODES, inMask, outMask, labels);
    return [wl64Key[0], wl64Key[1]];
  }

  /** The lookup map (built on first use: ~5 s for 600,000 cells). */
  private lookup(): Key64Map {
    if (!this.keys) {
      const keys = new Key64Map(Math.max(16, this.n * 2));
      for (let i = 0; i < this.n; i++) {
        const [a, b] = this.keyOf(this.genes, i * PAIRS);
        keys.setIfAbsent(a, b, i);
      }
      this.keys = keys;
    }
    return this.keys;
  }

  /** Index of a cell isomorphic to `g` (normal cell; reduce = normal), or -1. */
  indexOfGenotype(g: Genotype): number {
    const gene = new Uint8Array(PAIRS);
    genotypeToGene(g, gene, 0);
    const [a, b] = this.keyOf(gene, 0);
    return this.lookup().get(a, b);
  }

  indexOf(spec: CellSpec): number {
    if (spec.space !== 'darts') return -1;
    if (spec.reduceGiven && dartsHash(spec.reduce) !== dartsHash(spec.normal)) return -1;
    try {
      return this.indexOfGenotype(spec.normal);
    } catch {
      return -1;
    }
  }

  /** The index of `g`, appending it when the pool lacks it (mutations, measured cells). */
  add(g: Genotype): number {
    const found = this.indexOfGenotype(g);
    if (found >= 0) return found;
    if ((this.n + 1) * PAIRS > this.genes.length) {
      const grown = new Uint8Array(Math.max((this.n + 1) * PAIRS, this.genes.length + 1024 * PAIRS));
      grown.set(this.genes.subarray(0, this.n * PAIRS));
      this.genes = grown;
    }
    genotypeToGene(g, this.genes, this.n * PAIRS);
    const [a, b] = this.keyOf(this.genes, this.n * PAIRS);
    this.lookup().setIfAbsent(a, b, this.n);
    return this.n++;
  }

  mutate(index: number, rng: SearchRng): number {
    return this.add(mutateDarts(this.genotype(index), rng));
  }
}

export interface DartsPoolOptions {
  count?: number;
  seed?: number;
  /** Where the cache lives ($ARCH2VEC_HOME/cache); none: build in memory only. */
  cacheDir?: string;
  onProgress?: ProgressFn;
}

/** Loads the cached pool or samples it (and caches it atomically). */
export function dartsPool(options: DartsPoolOptions = {}): DartsPool {
  const count = options.count ?? DARTS_REFERENCE_POOL;
  const seed = options.seed ?? DARTS_POOL_SEED;
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`DARTS pool size must be a positive integer, got ${count}`);
  if (!(Number.isInteger(seed) && seed >= 0)) throw new RangeError(`DARTS pool seed must be a non-negative integer, got ${seed}`);
  const path = options.cacheDir ? join(options.cacheDir, dartsPoolFile(count, seed)) : undefined;
  if (path && existsSync(path)) {
    try {
      options.onProgress?.({ phase: 'load', done: 0, total: 1 });
      const genes = decodeDartsPool(readFileSync(path), path, count, seed);
      options.onProgress?.({ phase: 'load', done: 1, total: 1 });
      return new DartsPool(genes, seed, path);
    } catch (e) {
      options.onProgress?.({ phase: 'cache-invalid', done: 0, total: 0, message: `${(e as Error).message}; rebuilding` });
    }
  }
  const ds = sampleDarts({ count, seed, onProgress: options.onProgress });
  if (path) {
    options.onProgress?.({ phase: 'write', done: 0, total: 1 });
    writeFileAtomic(path, encodeDartsPool(ds.genes, count, seed));
    options.onProgress?.({ phase: 'write', done: 1, total: 1 });
  }
  return new DartsPool(ds.genes.slice(), seed, 'sampled');
}
