/**
 * On-disk cache of the NB101 enumeration (the enumeration takes ~20 s; loading takes ~50 ms).
 *
 * Layout, all little-endian (explicit byte order, so a cache copied between machines stays valid):
 *   header, 64 bytes: magic "A2VNB101" (8) | u32 version | u32 count | u32 body length |
 *                     sha256 of the body (32) | 12 reserved zero bytes
 *   body, 23 bytes per cell, column by column (so each column loads as one typed array):
 *     u32 adjacency code × count   (21-bit upper triangle of the 7×7 grid, see nasbench101Enumerate)
 *     u16 ops code × count         (5 interior labels, base 3, canonical NB101 op order)
 *     u8  vertex count × count
 *     16-byte md5 NB101 hash × count
 * The whole file for 423,624 cells is 9,743,416 bytes. Any mismatch (size, magic, version, count, hash)
 * raises `Nb101CacheError` with the reason; `loadOrBuildNb101` then rebuilds.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicWrite';
import type { Nb101Columns } from './nasbench101Enumerate';

export const NB101_CACHE_MAGIC = 'A2VNB101';
export const NB101_CACHE_VERSION = 1;
export const NB101_CACHE_HEADER = 64;
export const NB101_CACHE_FILE = `nasbench101-cells-v${NB101_CACHE_VERSION}.bin`;
const BYTES_PER_CELL = 4 + 2 + 1 + 16;

export class Nb101CacheError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`NB101 cache ${path} is unusable: ${reason}`);
    this.name = 'Nb101CacheError';
  }
}

export function encodeNb101Cache(cols: Nb101Columns): Buffer[] {
  const n = cols.count;
  const body = Buffer.alloc(n * BYTES_PER_CELL);
  let off = 0;
  for (let i = 0; i < n; i++, off += 4) body.writeUInt32LE(cols.adjacency[i], off);
  for (let i = 0; i < n; i++, off += 2) body.writeUInt16LE(cols.ops[i], off);
  body.set(cols.vertices.subarray(0, n), off);
  off += n;
  body.set(cols.hashes.subarray(0, 16 * n), off);
  const header = Buffer.alloc(NB101_CACHE_HEADER);
  header.write(NB101_CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(NB101_CACHE_VERSION, 8);
  header.writeUInt32LE(n, 12);
  header.writeUInt32LE(body.length, 16);
  createHash('sha256').update(body).digest().copy(header, 20);
  return [header, body];
}

export function writeNb101Cache(path: string, cols: Nb101Columns): number {
  const chunks = encodeNb101Cache(cols);
  writeFileAtomic(path, chunks);
  return chunks.reduce((s, c) => s + c.length, 0);
}

/** Reads and validates a cache file; throws `Nb101CacheError` (or the fs error if it cannot be read). */
export function readNb101Cache(path: string): Nb101Columns {
  const buf = readFileSync(path);
  return decodeNb101Cache(buf, path);
}

export function decodeNb101Cache(buf: Buffer, path = '<buffer>'): Nb101Columns {
  const fail = (reason: string): never => {
    throw new Nb101CacheError(path, reason);
  };
  if (buf.length < NB101_CACHE_HEADER) fail(`truncated: ${buf.length} bytes, header alone is ${NB101_CACHE_HEADER}`);
  if (buf.toString('latin1', 0, 8) !== NB101_CACHE_MAGIC) fail('not an arch2vec NB101 cache (bad magic)');
  const version = buf.readUInt32LE(8);
  if (version !== NB101_CACHE_VERSION) fail(`format version ${version}, this build reads ${NB101_CACHE_VERSION}`);
  const n = buf.readUInt32LE(12);
  const bodyLen = buf.readUInt32LE(16);
  if (bodyLen !== n * BYTES_PER_CELL) fail(`header says ${n} cells but a ${bodyLen}-byte body`);
  if (buf.length !== NB101_CACHE_HEADER + bodyLen) {
    fail(`${buf.length < NB101_CACHE_HEADER + bodyLen ? 'truncated' : 'trailing bytes'}: ${buf.length} bytes, expected ${NB101_CACHE_HEADER + bodyLen}`);
  }
  const body = buf.subarray(NB101_CACHE_HEADER);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(20, 52))) fail('checksum mismatch (file corrupted)');

  // Copy into fresh, aligned typed arrays (the Buffer may sit at any offset in a shared pool).
  const cols: Nb101Columns = {
    count: n,
    adjacency: new Uint32Array(n),
    ops: new Uint16Array(n),
    vertices: new Uint8Array(n),
    hashes: new Uint8Array(16 * n),
  };
  let off = 0;
  for (let i = 0; i < n; i++, off += 4) cols.adjacency[i] = body.readUInt32LE(off);
  for (let i = 0; i < n; i++, off += 2) cols.ops[i] = body.readUInt16LE(off);
  cols.vertices.set(body.subarray(off, off + n));
  off += n;
  cols.hashes.set(body.subarray(off, off + 16 * n));
  return cols;
}
