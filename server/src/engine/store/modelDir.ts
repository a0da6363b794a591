import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomicWrite';
import { decodeTensorFile, encodeTensorFile, type NamedTensor } from './tensorFile';

/**
 * A model directory: everything a trained model is, each file replaced atomically.
 *   config.json      space, hyper-parameters, seed, backend, versions, data identity
 *   checkpoint.a2v   weights + Adam state + position (epoch, batch): resumes exactly
 *   model.a2v        final weights only (what inference loads)
 *   metrics.json     per-epoch loss, reconstruction, validity, uniqueness, throughput
 *   embeddings.f32   count × 16 float32, row i = dataset entry i (node-mean of μ)
 *   embeddings.json  {count, dim, space, order, dataId}
 */
export const FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.a2v',
  model: 'model.a2v',
  metrics: 'metrics.json',
  embeddings: 'embeddings.f32',
  embeddingsIndex: 'embeddings.json',
} as const;

export function writeJson(dir: string, name: string, value: unknown) {
  writeFileAtomic(join(dir, name), [Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')]);
}

export function readJson<T>(dir: string, name: string): T | undefined {
  const p = join(dir, name);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${p}: not valid JSON (${(e as Error).message})`);
  }
}

export function writeTensors(dir: string, name: string, meta: unknown, tensors: NamedTensor[]) {
  writeFileAtomic(join(dir, name), [encodeTensorFile(meta, tensors)]);
}

export function readTensors<M>(dir: string, name: string): { meta: M; tensors: Map<string, NamedTensor> } | undefined {
  const p = join(dir, name);
  if (!existsSync(p)) return undefined;
  return decodeTensorFile<M>(readFileSync(p), p);
}

export interface EmbeddingIndex {
  count: number;
  dim: number;
  space: string;
  /** Row i is dataset entry i; for NB201 that is the benchmark index. */
  order: string;
  dataId: string;
}

export function writeEmbeddings(dir: string, emb: Float32Array, index: EmbeddingIndex) {
  writeFileAtomic(join(dir, FILES.embeddings), [new Uint8Array(emb.buffer, emb.byteOffset, emb.byteLength)]);
  writeJson(dir, FILES.embeddingsIndex, index);
}

export function readEmbeddings(dir: string): { index: EmbeddingIndex; data: Float32Array } | undefined {
  const index = readJson<EmbeddingIndex>(dir, FILES.embeddingsIndex);
  const p = join(dir, FILES.embeddings);
  if (!index || !existsSync(p)) return undefined;
  const buf = readFileSync(p);
  if (buf.length !== index.count * index.dim * 4) throw new Error(`${p}: expected ${index.count}×${index.dim} float32 values, found ${buf.length} bytes`);
  const data = new Float32Array(index.count * index.dim);
  new Uint8Array(data.buffer).set(buf);
  return { index, data };
}
