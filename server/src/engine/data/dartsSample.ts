/**
 * The DARTS training set: a seeded pool of unique normal cells sampled as arch2vec's
 * `preprocessing/gen_isomorphism_graphs.py` does (docs/reference-notes.md §1.4):
 *   for each block i = 0..3: 2 distinct inputs uniformly from {0..i+1} (0 = c_{k-2}, 1 = c_{k-1},
 *   2+j = block j) and 2 ops uniformly, with replacement, from the 8 DARTS primitives;
 *   keep a cell only if its 11-node graph's NB101 hash (`dartsHash`) is new; reduce cell = normal.
 * Deliberate deviation: the reference also drops cells whose ImageNet-mobile network has ≥ 600M MACs.
 * We skip that filter (it needs a network profiler), so the pool also holds some heavier cells.
 * The draw order within a block (first input, second input, then the two ops) is ours; with a different
 * PRNG the reference's exact pool cannot be reproduced anyway.
 *
 * De-duplication uses `wl64` (same partition as the md5 hash, see wlHash.ts); the md5 `hash(i)` is
 * computed on demand.
 */
import { DARTS_NODES, DARTS_OPS, formatGenotype, type Genotype } from '../../core/spaces/darts';
import { checkIndex, type Dataset, type ProgressFn } from './dataset';
import { Key64Map } from './hashTable';
import { digestToHex } from './md5';
import { Rng } from './random';
import { Md5Wl, wl64, wl64Key } from './wlHash';

/** arch2vec's pool size (`data_darts_counter600000.json`). */
export const DARTS_REFERENCE_POOL = 600000;
const N = DARTS_NODES;
const PAIRS = 8;

/** Draws one genotype into `gene[off..off+8)`, one byte per (op, input) pair: op | input << 3. */
export function drawDartsGene(rng: Rng, gene: Uint8Array, off: number): void {
  for (let b = 0; b < 4; b++) {
    const first = rng.int(b + 2);
    let second = rng.int(b + 1);
    if (second >= first) second++; // uniform over the other b+1 inputs
    const op0 = rng.int(DARTS_OPS.length);
    const op1 = rng.int(DARTS_OPS.length);
    gene[off + 2 * b] = op0 | (first << 3);
    gene[off + 2 * b + 1] = op1 | (second << 3);
  }
}

/** The 11-node graph of a gene (as `dartsGraph`): masks and labels for the WL hashes. */
export function dartsMasks(gene: Uint8Array, off: number, inMask: Int32Array, outMask: Int32Array, labels: Int32Array): void {
  inMask.fill(0);
  outMask.fill(0);
  labels[0] = 0;
  labels[1] = 1;
  labels[N - 1] = N - 1;
  for (let p = 0; p < PAIRS; p++) {
    const node = 2 + p;
    const g = gene[off + p];
    const input = g >>> 3;
    labels[node] = (g & 7) + 2;
    if (input < 2) {
      outMask[input] |= 1 << node;
      inMask[node] |= 1 << input;
    } else {
      const a = 2 + 2 * (input - 2);
      outMask[a] |= 1 << node;
      outMask[a + 1] |= 1 << node;
      inMask[node] |= (1 << a) | (1 << (a + 1));
    }
    outMask[node] |= 1 << (N - 1);
    inMask[N - 1] |= 1 << node;
  }
}

export function geneToGenotype(gene: Uint8Array, off: number): Genotype {
  return Array.from({ length: PAIRS }, (_, p) => [DARTS_OPS[gene[off + p] & 7], gene[off + p] >>> 3] as [string, number]);
}

export function genotypeToGene(g: Genotype, gene: Uint8Array, off: number): void {
  if (g.length !== PAIRS) throw new Error(`DARTS genotype needs ${PAIRS} pairs, got ${g.length}`);
  g.forEach(([op, input], p) => {
    const o = (DARTS_OPS as readonly string[]).indexOf(op);
    if (o < 0 || !(input >= 0 && input < 2 + (p >> 1))) throw new Error(`DARTS pair ${p}: bad (${op}, ${input})`);
    gene[off + p] = o | (input << 3);
  });
}

export class DartsDataset implements Dataset {
  readonly space = 'darts' as const;
  readonly nodes = N;
  readonly opColumns = N;
  readonly count: number;
  private readonly scratch = { inMask: new Int32Array(N), outMask: new Int32Array(N), labels: new Int32Array(N) };
  private md5?: Md5Wl;

  constructor(
    /** 8 bytes per cell, see `drawDartsGene`. */
    readonly genes: Uint8Array,
    private readonly keys: Key64Map,
    readonly seed: number,
  ) {
    this.count = genes.length / PAIRS;
  }

  genotype(i: number): Genotype {
    checkIndex(i, this.count, this.space);
    return geneToGenotype(this.genes, i * PAIRS);
  }

  /** `dartsHash` of entry i (NB101 md5 hash of the 11-node graph), computed on demand. */
  hash(i: number): string {
    checkIndex(i, this.count, this.space);
    const { inMask, outMask, labels } = this.scratch;
    dartsMasks(this.genes, i * PAIRS, inMask, outMask, labels);
    const out = new Uint8Array(16);
    (this.md5 ??= new Md5Wl()).hash(N, inMask, outMask, labels, out, 0);
    return digestToHex(out);
  }

  /** Entry whose graph is isomorphic to `g`'s (equal `dartsHash`), or -1. */
  indexOf(g: Genotype): number {
    const gene = new Uint8Array(PAIRS);
    genotypeToGene(g, gene, 0);
    const { inMask, outMask, labels } = this.scratch;
    dartsMasks(gene, 0, inMask, outMask, labels);
    wl64(N, inMask, outMask, labels);
    return this.keys.get(wl64Key[0], wl64Key[1]);
  }

  fillEncoding(i: number, adj: Float32Array, ops: Float32Array, slot = 0): void {
    checkIndex(i, this.count, this.space);
    const a = slot * N * N;
    const o = slot * N * N;
    adj.fill(0, a, a + N * N);
    ops.fill(0, o, o + N * N);
    ops[o] = 1; // c_{k-2}
    ops[o + N + 1] = 1; // c_{k-1}
    for (let p = 0; p < PAIRS; p++) {
      const node = 2 + p;
      const g = this.genes[i * PAIRS + p];
      const input = g >>> 3;
      if (input < 2) adj[a + input * N + node] = 1;
      else {
        adj[a + (2 + 2 * (input - 2)) * N + node] = 1; // a block's output is the sum of its 2 op-nodes
        adj[a + (3 + 2 * (input - 2)) * N + node] = 1;
      }
      adj[a + node * N + N - 1] = 1;
      ops[o + node * N + (g & 7) + 2] = 1;
    }
    ops[o + (N - 1) * N + N - 1] = 1; // output
  }

  describe(i: number): string {
    return `normal: ${formatGenotype(this.genotype(i))}\n# darts pool entry ${i} (reduce = normal)`;
  }
}

export interface DartsSampleOptions {
  /** Unique cells to draw (default 600,000 as the reference). */
  count?: number;
  /** PRNG seed (default 0; the reference sets none). */
  seed?: number;
  onProgress?: ProgressFn;
}

/** Samples the pool; same seed and count → the same cells in the same order. */
export function sampleDarts(options: DartsSampleOptions = {}): DartsDataset {
  const count = options.count ?? DARTS_REFERENCE_POOL;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`sampleDarts: bad count ${count}`);
  const rng = new Rng(seed);
  const genes = new Uint8Array(count * PAIRS);
  const keys = new Key64Map(Math.max(16, count * 2));
  const inMask = new Int32Array(N);
  const outMask = new Int32Array(N);
  const labels = new Int32Array(N);
  // The space has ~3·10^9 labelled cells, so duplicates are rare; the cap only guards against a bug.
  const maxDraws = count * 4 + 1000;
  let n = 0;
  for (let draws = 0; n < count; draws++) {
    if (draws >= maxDraws) throw new Error(`sampleDarts: only ${n} unique cells after ${draws} draws`);
    drawDartsGene(rng, genes, n * PAIRS);
    dartsMasks(genes, n * PAIRS, inMask, outMask, labels);
    wl64(N, inMask, outMask, labels);
    if (keys.setIfAbsent(wl64Key[0], wl64Key[1], n) < 0) {
      n++;
      if (options.onProgress && (n & 0xffff) === 0) options.onProgress({ phase: 'sample', done: n, total: count });
    }
  }
  options.onProgress?.({ phase: 'sample', done: count, total: count });
  return new DartsDataset(genes, keys, seed);
}
