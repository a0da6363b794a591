import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../data/atomicWrite';
import { decodeTensorFile, encodeTensorFile, type NamedTensor } from './tensorFile';

import { FILES, type EmbeddingIndex } from '../../protocol/modelDir';

/**
 * Reads and writes a model directory (format and file names: protocol/modelDir), each file replaced
 * atomically. checksums.json holds the sha256 of every other file, updated with each write and verified
 * on every read: one flipped bit anywhere (tensor headers, JSON, the embedding table) is an error naming
 * the file and the fix, never a silently wrong answer. A directory without it (written before it
 * existed) is read unverified, with the embedding table still checked for plausible values.
 */
export { FILES, type EmbeddingIndex };

/** A model file that does not match its checksum (or is not covered by one). */
export class ModelFileError extends Error {}

const sha256 = (buf: Uint8Array) => createHash('sha256').update(buf).digest('hex');

function readManifest(dir: string): Record<string, string> | undefined {
  const p = join(dir, FILES.checksums);
  if (!existsSync(p)) return undefined;
  if (!statSync(p).isFile()) throw new ModelFileError(`${p} is not a regular file: a model directory holds plain files`);
  let m: { files?: Record<string, string> };
  try {
    m = JSON.parse(readFileSync(p, 'utf8')) as { files?: Record<string, string> };
  } catch (e) {
    throw new ModelFileError(`${p}: not valid JSON (${(e as Error).message}): the model directory's checksums are corrupt; ${fixFor(dir, FILES.model)}`);
  }
  if (!m || typeof m.files !== 'object' || m.files === null) throw new ModelFileError(`${p}: no "files" map: the model directory's checksums are corrupt; ${fixFor(dir, FILES.model)}`);
  return m.files;
}

/** What to do about a corrupt file. */
function fixFor(dir: string, name: string): string {
  const shipped = 'or use the shipped model (drop --model / clear the arch2vec.engine.modelDirectory setting)';
  let space = 'SPACE';
  try {
    if (statSync(join(dir, FILES.config)).isFile()) space = (JSON.parse(readFileSync(join(dir, FILES.config), 'utf8')) as { space?: string }).space ?? space;
  } catch {
    /* config.json itself may be the broken one */
  }
  if (name === FILES.embeddings || name === FILES.embeddingsIndex || name === FILES.model) {
    return `re-embed it: \`arch2vec pretrain --space ${space} --resume --out ${dir}\` (a finished training only re-embeds from checkpoint.a2v), retrain, ${shipped}`;
  }
  return `retrain: \`arch2vec pretrain --space ${space} --out NEW_DIR\`, ${shipped}`;
}

/**
 * Checks `buf` (the content of dir/name) against checksums.json. Re-reads once on a mismatch: a
 * training may have replaced the file and not yet its checksum (two atomic renames apart).
 */
function verify(dir: string, name: string, buf: Buffer): Buffer {
  let manifest = readManifest(dir);
  if (!manifest) return buf;
  if (manifest[name] === sha256(buf)) return buf;
  const again = readFileSync(join(dir, name));
  manifest = readManifest(dir)!;
  if (manifest[name] === sha256(again)) return again;
  const p = join(dir, name);
  if (!manifest[name]) throw new ModelFileError(`${p}: not covered by ${FILES.checksums} (an unknown file put here by hand?); ${fixFor(dir, name)}`);
  throw new ModelFileError(`${p}: does not match its sha256 in ${FILES.checksums} (corrupt: a flipped bit, a partial copy, an edit); ${fixFor(dir, name)}`);
}

/** Records the checksum of a file just written (checksums.json itself is replaced atomically). */
function recordChecksum(dir: string, name: string, bytes: Uint8Array[]) {
  const h = createHash('sha256');
  for (const b of bytes) h.update(b);
  let files: Record<string, string> = {};
  try {
    files = readManifest(dir) ?? {};
  } catch {
    /* a corrupt manifest is rebuilt from what is written now */
  }
  files[basename(name)] = h.digest('hex');
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  writeFileAtomic(join(dir, FILES.checksums), [Buffer.from(JSON.stringify({ algorithm: 'sha256', files: sorted }, null, 2) + '\n', 'utf8')]);
}

/** Reads a model file, verified (undefined when it does not exist). */
export function readModelFile(dir: string, name: string): Buffer | undefined {
  const p = join(dir, name);
  if (!existsSync(p)) return undefined;
  // A FIFO or device would block the engine forever in readFileSync.
  if (!statSync(p).isFile()) throw new ModelFileError(`${p} is not a regular file (a FIFO, a device or a directory): a model directory holds plain files; ${fixFor(dir, name)}`);
  return verify(dir, name, readFileSync(p));
}

function writeModelFile(dir: string, name: string, bytes: Uint8Array[]) {
  writeFileAtomic(join(dir, name), bytes);
  recordChecksum(dir, name, bytes);
}

/** Writes checksums.json for every model file present (the shipped model; `npm run` scripts). */
export function writeChecksums(dir: string) {
  for (const name of Object.values(FILES)) {
    if (name === FILES.checksums || !existsSync(join(dir, name))) continue;
    recordChecksum(dir, name, [readFileSync(join(dir, name))]);
  }
}

export function writeJson(dir: string, name: string, value: unknown) {
  writeModelFile(dir, name, [Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')]);
}

export function readJson<T>(dir: string, name: string): T | undefined {
  const p = join(dir, name);
  const buf = readModelFile(dir, name);
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (e) {
    throw new Error(`${p}: not valid JSON (${(e as Error).message})`);
  }
}

export function writeTensors(dir: string, name: string, meta: unknown, tensors: NamedTensor[]) {
  writeModelFile(dir, name, [encodeTensorFile(meta, tensors)]);
}

export function readTensors<M>(dir: string, name: string): { meta: M; tensors: Map<string, NamedTensor> } | undefined {
  const buf = readModelFile(dir, name);
  return buf && decodeTensorFile<M>(buf, join(dir, name));
}

/** Larger than any latent mean a trained arch2vec model produces (they are O(1)). */
const MAX_EMBEDDING = 1e6;

export function writeEmbeddings(dir: string, emb: Float32Array, index: EmbeddingIndex) {
  writeModelFile(dir, FILES.embeddings, [new Uint8Array(emb.buffer, emb.byteOffset, emb.byteLength)]);
  writeJson(dir, FILES.embeddingsIndex, index);
}

export function readEmbeddings(dir: string): { index: EmbeddingIndex; data: Float32Array } | undefined {
  const index = readJson<EmbeddingIndex>(dir, FILES.embeddingsIndex);
  const p = join(dir, FILES.embeddings);
  if (!index) return undefined;
  const buf = readModelFile(dir, FILES.embeddings);
  if (!buf) return undefined;
  if (buf.length !== index.count * index.dim * 4) throw new Error(`${p}: expected ${index.count}×${index.dim} float32 values, found ${buf.length} bytes`);
  const data = new Float32Array(index.count * index.dim);
  new Uint8Array(data.buffer).set(buf);
  // Even unverified (an old directory): a non-finite coordinate gives non-finite distances, and a flipped
  // exponent bit gives values like 4.8e37 where a VAE mean is O(1).
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]) || Math.abs(data[i]) > MAX_EMBEDDING) {
      const what = Number.isFinite(data[i]) ? 'an implausible value' : 'a non-finite value';
      throw new ModelFileError(`${p}: row ${Math.floor(i / index.dim)} holds ${what} (${data[i]}): the embedding table is corrupt; ${fixFor(dir, FILES.embeddings)}`);
    }
  }
  return { index, data };
}
