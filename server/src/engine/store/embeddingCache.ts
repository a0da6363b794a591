/**
 * Embedding tables computed from a model rather than written by its training: a shipped model carries
 * weights only (the NB101 table alone is 27 MB), and a search pool that is not the model's training
 * data (a user table, a DARTS pool of another size) needs its own rows. Each is computed once, cached
 * atomically, and reused only while it still belongs to the same weights and the same cells.
 *
 * File layout: magic "A2VPEMB1" | u32 LE JSON length | JSON {poolId, count, dim, modelSha256, bodySha256}
 * | body (count × dim float32 LE). `poolId` names the rows (a pool id, or a dataset's data id).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomicWrite';
import { FILES } from './modelDir';

const MAGIC = 'A2VPEMB1';

export interface CachedTableKey {
  poolId: string;
  count: number;
  dim: number;
  modelSha256: string;
}

/** sha256 of a model directory's weights (model.a2v): what a cached table was computed from. */
export function modelWeightsSha(dir: string): string {
  return createHash('sha256').update(readFileSync(join(dir, FILES.model))).digest('hex');
}

export function encodeEmbeddingTable(poolId: string, modelSha256: string, data: Float32Array, dim: number): Buffer[] {
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const json = Buffer.from(JSON.stringify({ poolId, count: data.length / dim, dim, modelSha256, bodySha256: createHash('sha256').update(body).digest('hex') }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return [Buffer.from(MAGIC, 'latin1'), len, json, body];
}

/** The cached table, or why it cannot be used. */
export function decodeEmbeddingTable(buf: Buffer, expect: CachedTableKey): Float32Array | string {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return 'not an embedding table file';
  const n = buf.readUInt32LE(8);
  let h: CachedTableKey & { bodySha256: string };
  try {
    h = JSON.parse(buf.subarray(12, 12 + n).toString('utf8'));
  } catch {
    return 'unreadable header';
  }
  if (h.poolId !== expect.poolId) return `it is for ${h.poolId}`;
  if (h.count !== expect.count || h.dim !== expect.dim) return `it holds ${h.count} × ${h.dim}, expected ${expect.count} × ${expect.dim}`;
  if (h.modelSha256 !== expect.modelSha256) return 'the model was retrained since';
  const body = buf.subarray(12 + n);
  if (body.length !== h.count * h.dim * 4) return 'truncated';
  if (createHash('sha256').update(body).digest('hex') !== h.bodySha256) return 'checksum mismatch (file corrupted)';
  const out = new Float32Array(h.count * h.dim);
  new Uint8Array(out.buffer).set(body);
  return out;
}

/** Reads `file` when it exists and matches `expect`; undefined otherwise (a stale or broken cache is recomputed, never used). */
export function readCachedTable(file: string, expect: CachedTableKey): Float32Array | undefined {
  if (!existsSync(file)) return undefined;
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  const got = decodeEmbeddingTable(buf, expect);
  return typeof got === 'string' ? undefined : got;
}

export function writeCachedTable(file: string, key: Omit<CachedTableKey, 'count'>, data: Float32Array) {
  writeFileAtomic(file, encodeEmbeddingTable(key.poolId, key.modelSha256, data, key.dim));
}
