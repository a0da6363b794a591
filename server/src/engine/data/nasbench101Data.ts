/**
 * The NB101 training set: all 423,624 unique cells (see nasbench101Enumerate for the order), backed by
 * the compact columns, loaded from the disk cache or enumerated and cached on first use.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { NB101_CANONICAL_OPS, type Nb101Cell } from '../../core/spaces/nasbench101';
import { checkIndex, type Dataset, type ProgressFn } from './dataset';
import { DigestIndex } from './hashTable';
import { digestToHex, hexToDigest } from './md5';
import { NB101_CACHE_FILE, readNb101Cache, writeNb101Cache } from './nasbench101Cache';
import { enumerateNb101, NB101_UNIQUE_CELLS, PAIR_BIT, type Nb101Columns } from './nasbench101Enumerate';

/** Cell (row·7 + column) of each adjacency-code bit. */
const BIT_CELL: Int8Array = (() => {
  const t = new Int8Array(21);
  PAIR_BIT.forEach((bit, cell) => {
    if (bit >= 0) t[bit] = cell;
  });
  return t;
})();
/** arch2vec one-hot column of each canonical label (conv3x3 → 2, conv1x1 → 1, maxpool → 3). */
const LABEL_COLUMN = [2, 1, 3];

export class Nb101Dataset implements Dataset {
  readonly space = 'nasbench101' as const;
  readonly nodes = 7;
  readonly opColumns = 5;
  readonly count: number;
  private index?: DigestIndex;

  constructor(
    readonly columns: Nb101Columns,
    /** Where the data came from, for logs: the cache file, or 'enumerated'. */
    readonly source: string,
  ) {
    this.count = columns.count;
  }

  vertexCount(i: number): number {
    checkIndex(i, this.count, this.space);
    return this.columns.vertices[i];
  }

  /** The pruned V×V adjacency. */
  matrix(i: number): number[][] {
    const v = this.vertexCount(i);
    const code = this.columns.adjacency[i];
    return Array.from({ length: v }, (_, r) => Array.from({ length: v }, (_, c) => (c > r && (code >>> PAIR_BIT[r * 7 + c]) & 1 ? 1 : 0)));
  }

  /** Op names, `input` … `output`. */
  ops(i: number): string[] {
    const v = this.vertexCount(i);
    let code = this.columns.ops[i];
    const ops = ['input'];
    for (let k = 1; k < v - 1; k++) {
      ops.push(NB101_CANONICAL_OPS[code % 3]);
      code = (code / 3) | 0;
    }
    ops.push('output');
    return ops;
  }

  cell(i: number): Nb101Cell {
    return { matrix: this.matrix(i), ops: this.ops(i) };
  }

  /** NAS-Bench-101 hash (hex md5, the benchmark's key). */
  hash(i: number): string {
    checkIndex(i, this.count, this.space);
    return digestToHex(this.columns.hashes, i * 16);
  }

  /** Entry with this NB101 hash, or -1. The lookup table (~2 MB) is built on first call. */
  indexOfHash(hex: string): number {
    const d = hexToDigest(hex);
    if (!d) return -1;
    this.index ??= new DigestIndex(this.columns.hashes, this.count);
    return this.index.find(d);
  }

  fillEncoding(i: number, adj: Float32Array, ops: Float32Array, slot = 0): void {
    checkIndex(i, this.count, this.space);
    const a = slot * 49;
    const o = slot * 35;
    adj.fill(0, a, a + 49);
    ops.fill(0, o, o + 35);
    for (let m = this.columns.adjacency[i]; m !== 0; m &= m - 1) adj[a + BIT_CELL[31 - Math.clz32(m & -m)]] = 1;
    const v = this.columns.vertices[i];
    let code = this.columns.ops[i];
    ops[o] = 1; // input, column 0
    for (let k = 1; k < v - 1; k++) {
      ops[o + k * 5 + LABEL_COLUMN[code % 3]] = 1;
      code = (code / 3) | 0;
    }
    ops[o + (v - 1) * 5 + 4] = 1; // output stays at V-1, column 4
  }

  describe(i: number): string {
    return [`ops: ${this.ops(i).join(' ')}`, 'matrix:', ...this.matrix(i).map((r) => `  ${r.join(' ')}`), `# nb101 hash ${this.hash(i)}`].join('\n');
  }
}

export interface LoadNb101Options {
  /** Skip the cache and always enumerate (the result is still written). */
  rebuild?: boolean;
}

/**
 * Loads `<cacheDir>/nasbench101-cells-v1.bin`, or enumerates the space (~20 s) and writes the cache
 * atomically. An unreadable, truncated or corrupted cache is reported through `onProgress`
 * (phase 'cache-invalid' with the reason) and rebuilt; it never yields wrong data.
 */
export function loadOrBuildNb101(cacheDir: string, onProgress?: ProgressFn, options: LoadNb101Options = {}): Nb101Dataset {
  const path = join(cacheDir, NB101_CACHE_FILE);
  if (!options.rebuild && existsSync(path)) {
    try {
      onProgress?.({ phase: 'load', done: 0, total: 1 });
      const cols = readNb101Cache(path);
      if (cols.count !== NB101_UNIQUE_CELLS) throw new Error(`holds ${cols.count} cells, expected ${NB101_UNIQUE_CELLS}`);
      onProgress?.({ phase: 'load', done: 1, total: 1 });
      return new Nb101Dataset(cols, path);
    } catch (e) {
      onProgress?.({ phase: 'cache-invalid', done: 0, total: 0, message: `${(e as Error).message}; rebuilding` });
    }
  }
  const cols = enumerateNb101(onProgress);
  if (cols.count !== NB101_UNIQUE_CELLS) throw new Error(`NB101 enumeration produced ${cols.count} cells, expected ${NB101_UNIQUE_CELLS}`);
  onProgress?.({ phase: 'write', done: 0, total: 1 });
  writeNb101Cache(path, cols);
  onProgress?.({ phase: 'write', done: 1, total: 1 });
  return new Nb101Dataset(cols, 'enumerated');
}
