/**
 * A pool's embedding table for bo / rl (issue 12), per (model, pool):
 *  1. the model's own `embeddings.f32` when its rows are exactly the pool's cells (same data id: a
 *     model pretrained on the pool — NB101's enumeration, NB201, the default DARTS pool);
 *  2. else a cache in the model directory, `pool-embeddings/<pool id>.a2ve`, checked against the
 *     pool id, the model's weights (sha256 of model.a2v) and the body's sha256;
 *  3. else computed (eval-mode node-mean of μ, the folded encoder) with progress, and cached
 *     atomically. A cache that fails a check is recomputed, never used.
 * Cells appended to a DARTS pool during a search (measured cells) are embedded on the fly.
 * DARTS tables whose reduction cells differ get two columns blocks per cell: [normal | reduce].
 *
 * Cache layout: magic "A2VPEMB1" | u32 LE JSON length | JSON {poolId, count, dim, modelSha256, bodySha256} | body (count × dim f32 LE).
 */
import * as tf from '@tensorflow/tfjs-core';
import '../../model/tfSetup';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCell } from '../../../core/cellSpec';
import { encodeDarts } from '../../../core/spaces/darts';
import { writeFileAtomic } from '../../data/atomicWrite';
import { FoldedEncoder } from '../../query/foldedEncoder';
import type { QueryModel } from '../../query/model';
import { FILES, readEmbeddings } from '../../store/modelDir';
import { dataId } from '../../train/trainer';
import type { SpacePool } from './types';

const MAGIC = 'A2VPEMB1';

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

export const poolEmbeddingFile = (modelDir: string, poolId: string) => join(modelDir, 'pool-embeddings', `${poolId.replace(/[^A-Za-z0-9._-]/g, '_')}.a2ve`);

function modelSha(dir: string): string {
  return createHash('sha256').update(readFileSync(join(dir, FILES.model))).digest('hex');
}

export function encodePoolEmbeddings(poolId: string, modelSha256: string, data: Float32Array, dim: number): Buffer[] {
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const json = Buffer.from(JSON.stringify({ poolId, count: data.length / dim, dim, modelSha256, bodySha256: createHash('sha256').update(body).digest('hex') }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return [Buffer.from(MAGIC, 'latin1'), len, json, body];
}

/** The cached table, or why it cannot be used. */
export function decodePoolEmbeddings(buf: Buffer, expect: { poolId: string; count: number; dim: number; modelSha256: string }): Float32Array | string {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return 'not a pool embedding file';
  const n = buf.readUInt32LE(8);
  let h: { poolId: string; count: number; dim: number; modelSha256: string; bodySha256: string };
  try {
    h = JSON.parse(buf.subarray(12, 12 + n).toString('utf8'));
  } catch {
    return 'unreadable header';
  }
  if (h.poolId !== expect.poolId) return `it is for pool ${h.poolId}`;
  if (h.count !== expect.count || h.dim !== expect.dim) return `it holds ${h.count} × ${h.dim}, expected ${expect.count} × ${expect.dim}`;
  if (h.modelSha256 !== expect.modelSha256) return 'the model was retrained since';
  const body = buf.subarray(12 + n);
  if (body.length !== h.count * h.dim * 4) return 'truncated';
  if (createHash('sha256').update(body).digest('hex') !== h.bodySha256) return 'checksum mismatch (file corrupted)';
  const out = new Float32Array(h.count * h.dim);
  new Uint8Array(out.buffer).set(body);
  return out;
}

/** Embeds pool cells [from, to) (both cell parts when the pool has two). */
export async function embedPoolCells(qm: QueryModel, pool: SpacePool, from: number, to: number, opts: PoolEmbeddingOptions = {}): Promise<Float32Array> {
  const { nodes: n, opColumns: d, latent } = qm.config.model;
  const parts = pool.embeddingParts;
  const dim = latent * parts;
  const count = to - from;
  const chunk = opts.chunk ?? 1000;
  const out = new Float32Array(count * dim);
  const adj = new Float32Array(Math.min(chunk, Math.max(1, count)) * n * n);
  const ops = new Float32Array(Math.min(chunk, Math.max(1, count)) * n * d);
  const enc = new FoldedEncoder(qm.model);
  const ds = pool.dataset;
  try {
    for (let part = 0; part < parts; part++) {
      for (let start = 0; start < count; start += chunk) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('cancelled');
        const b = Math.min(chunk, count - start);
        for (let s = 0; s < b; s++) {
          const i = from + start + s;
          if (part === 0 && ds && i < ds.count && ds.nodes === n && ds.opColumns === d) {
            ds.fillEncoding(i, adj, ops, s);
            continue;
          }
          const spec = pool.spec(i);
          const e = part === 1 && spec.space === 'darts' ? encodeDarts(spec.reduce) : encodeCell(spec);
          if (e.adjacency.length !== n || e.ops[0]?.length !== d) throw new Error(`${qm.dir}: the model expects ${n}×${d} encodings, pool cell ${i} is ${e.adjacency.length}×${e.ops[0]?.length}`);
          adj.fill(0, s * n * n, (s + 1) * n * n);
          ops.fill(0, s * n * d, (s + 1) * n * d);
          e.adjacency.forEach((row, r) => row.forEach((x, c) => (adj[s * n * n + r * n + c] = x)));
          e.ops.forEach((row, r) => row.forEach((x, c) => (ops[s * n * d + r * d + c] = x)));
        }
        const t = tf.tidy(() => enc.embed(tf.tensor3d(ops.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adj.subarray(0, b * n * n), [b, n, n])));
        const v = (await t.data()) as Float32Array;
        t.dispose();
        for (let s = 0; s < b; s++) out.set(v.subarray(s * latent, (s + 1) * latent), (start + s) * dim + part * latent);
        opts.onProgress?.(part * count + start + b, parts * count);
        await new Promise((r) => setImmediate(r)); // let cancellation and progress through
      }
    }
  } finally {
    enc.dispose();
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

  // 1. The model's own table, when it was pretrained on exactly these cells.
  if (pool.dataset && pool.embeddingParts === 1) {
    const own = readEmbeddings(qm.dir);
    if (own && own.index.count === base && own.index.dim === latent && own.index.dataId === dataId(pool.dataset)) return finish(own.data, 'model');
  }
  // 2. The cache.
  const file = poolEmbeddingFile(qm.dir, pool.id);
  const sha = modelSha(qm.dir);
  const expect = { poolId: pool.id, count: base, dim, modelSha256: sha };
  if (existsSync(file)) {
    const got = decodePoolEmbeddings(readFileSync(file), expect);
    if (typeof got !== 'string') return finish(got, 'cache', file);
  }
  // 3. Compute and cache.
  const data = await embedPoolCells(qm, pool, 0, base, opts);
  writeFileAtomic(file, encodePoolEmbeddings(pool.id, sha, data, dim));
  return finish(data, 'computed', file);
}
