/**
 * A pool's embedding table for bo / rl (issue 12), per (model, pool):
 *  1. the model's own `embeddings.f32` when its rows are exactly the pool's cells (same data id: a
 *     model pretrained on the pool — NB101's enumeration, NB201, the default DARTS pool);
 *  2. else a cache (`pool-embeddings/<pool id>.a2ve` in the model directory, or under $ARCH2VEC_HOME
 *     for a shipped model), checked against the pool id, the model's weights (sha256 of model.a2v)
 *     and the body's sha256;
 *  3. else computed (eval-mode node-mean of μ, the folded encoder) with progress, and cached
 *     atomically. A cache that fails a check is recomputed, never used.
 * Cells appended to a DARTS pool during a search (measured cells) are embedded on the fly.
 * DARTS tables whose reduction cells differ get two columns blocks per cell: [normal | reduce].
 *
 * Cache format: store/embeddingCache.ts.
 */
import { join, resolve } from 'node:path';
import { encodeCell } from '../../../core/cellSpec';
import { encodeDarts } from '../../../core/spaces/darts';
import type { QueryModel } from '../../query/model';
import { modelWeightsSha, readCachedTable, writeCachedTable } from '../../store/embeddingCache';
import { cacheDir, shippedModelDir } from '../../paths';
import { dataId, embedDataset } from '../../train/trainer';
import type { EncodedRows } from '../../data/dataset';
import type { SpacePool } from './types';

export interface PoolEmbeddings {
  data: Float32Array;
  dim: number;
  /** Where the table came from. */
  source: 'model' | 'cache' | 'computed';
  /** The cache file (source cache / computed). */
  file?: string;
  seconds: number;
}

export interface PoolEmbeddingOptions {
  /** Cells embedded so far of `total` (computing only). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  chunk?: number;
}

/**
 * Where a pool's table is cached: beside the model for the user's own models; under $ARCH2VEC_HOME
 * for the shipped ones (the installed package is read-only in spirit and checksummed).
 */
export function poolEmbeddingFile(qm: Pick<QueryModel, 'dir' | 'source' | 'space'>, poolId: string, modelSha256: string): string {
  const name = `${poolId.replace(/[^A-Za-z0-9._-]/g, '_')}.a2ve`;
  // The shipped directory also when named explicitly (`--model <extension>/models/nasbench101`).
  const shipped = qm.source === 'shipped' || resolve(qm.dir) === (shippedModelDir(qm.space) && resolve(shippedModelDir(qm.space)!));
  if (shipped) return join(cacheDir(), 'pool-embeddings', `${qm.space}-${modelSha256.slice(0, 16)}`, name);
  return join(qm.dir, 'pool-embeddings', name);
}

/** Embeds pool cells [from, to) (both cell parts when the pool has two), on every core for a large range (embedDataset). */
export async function embedPoolCells(qm: QueryModel, pool: SpacePool, from: number, to: number, opts: PoolEmbeddingOptions = {}): Promise<Float32Array> {
  const { nodes: n, opColumns: d, latent } = qm.config.model;
  const parts = pool.embeddingParts;
  const dim = latent * parts;
  const count = to - from;
  const out = new Float32Array(count * dim);
  const ds = pool.dataset;
  for (let part = 0; part < parts; part++) {
    // Row s of this part: pool cell from + s (its reduction cell for DARTS's second part), as the model encodes it.
    const rows: EncodedRows = {
      count, nodes: n, opColumns: d,
      fillEncoding(s, adj, ops, slot = 0) {
        const i = from + s;
        if (part === 0 && ds && i < ds.count && ds.nodes === n && ds.opColumns === d) {
          ds.fillEncoding(i, adj, ops, slot);
          return;
        }
        const spec = pool.spec(i);
        const e = part === 1 && spec.space === 'darts' ? encodeDarts(spec.reduce) : encodeCell(spec);
        if (e.adjacency.length !== n || e.ops[0]?.length !== d) throw new Error(`${qm.dir}: the model expects ${n}×${d} encodings, pool cell ${i} is ${e.adjacency.length}×${e.ops[0]?.length}`);
        adj.fill(0, slot * n * n, (slot + 1) * n * n);
        ops.fill(0, slot * n * d, (slot + 1) * n * d);
        e.adjacency.forEach((row, r) => row.forEach((x, c) => (adj[slot * n * n + r * n + c] = x)));
        e.ops.forEach((row, r) => row.forEach((x, c) => (ops[slot * n * d + r * d + c] = x)));
      },
    };
    const v = await embedDataset(qm.model, rows, (done) => opts.onProgress?.(part * count + done, parts * count), opts.chunk, opts.signal);
    for (let s = 0; s < count; s++) out.set(v.subarray(s * latent, (s + 1) * latent), s * dim + part * latent);
  }
  return out;
}

/** The embedding table of `pool` under model `qm` (see the file comment for where it comes from). */
export async function poolEmbeddings(qm: QueryModel, pool: SpacePool, opts: PoolEmbeddingOptions = {}): Promise<PoolEmbeddings> {
  const t0 = performance.now();
  if (qm.space !== pool.space) throw new Error(`a ${qm.space} model (${qm.dir}) cannot embed the ${pool.space} pool`);
  const latent = qm.config.model.latent;
  const dim = latent * pool.embeddingParts;
  const base = 'baseCount' in pool ? (pool as unknown as { baseCount: number }).baseCount : pool.count;
  const finish = async (data: Float32Array, source: PoolEmbeddings['source'], file?: string): Promise<PoolEmbeddings> => {
    if (pool.count > base) {
      const extra = await embedPoolCells(qm, pool, base, pool.count, { signal: opts.signal });
      const all = new Float32Array(pool.count * dim);
      all.set(data);
      all.set(extra, base * dim);
      data = all;
    }
    return { data, dim, source, file, seconds: (performance.now() - t0) / 1000 };
  };

  // 1. The model's own table (read, or computed once for a model shipped without it), when it was
  //    pretrained on exactly these cells.
  if (pool.dataset && pool.embeddingParts === 1 && qm.config.data.count === base && qm.config.data.id === dataId(pool.dataset)) {
    const own = await qm.loadEmbeddings({ signal: opts.signal, onProgress: opts.onProgress ? (q) => opts.onProgress!(q.done, q.total) : undefined });
    if (own.index.count === base && own.index.dim === latent) return finish(own.data, 'model');
  }
  // 2. The cache.
  const sha = modelWeightsSha(qm.dir);
  const file = poolEmbeddingFile(qm, pool.id, sha);
  const cached = readCachedTable(file, { poolId: pool.id, count: base, dim, modelSha256: sha });
  if (cached) return finish(cached, 'cache', file);
  // 3. Compute and cache.
  const data = await embedPoolCells(qm, pool, 0, base, opts);
  writeCachedTable(file, { poolId: pool.id, dim, modelSha256: sha }, data);
  return finish(data, 'computed', file);
}
