import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../data/atomicWrite';
import { decodeTensorFile, encodeTensorFile, type NamedTensor } from './tensorFile';

import { FILES, type EmbeddingIndex } from '../../protocol/modelDir';

/** Reads and writes a model directory (format and file names: protocol/modelDir), each file replaced atomically. */
export { FILES, type EmbeddingIndex };

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
