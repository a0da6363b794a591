import { createHash } from 'node:crypto';

/**
 * A named-tensor container: `A2VTNS1\n`, u32 header length, JSON header {meta, tensors:[{name, shape,
 * offset, length}], sha256}, then float32 little-endian data. The sha256 of the data catches truncation.
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const MAGIC = 'A2VTNS1\n';

export function encodeTensorFile(meta: unknown, tensors: NamedTensor[]): Buffer {
  let offset = 0;
  const index = tensors.map((t) => {
    const e = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length;
    return e;
  });
  const body = Buffer.alloc(offset * 4);
  tensors.forEach((t, i) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(body, index[i].offset * 4));
  const header = Buffer.from(JSON.stringify({ meta, tensors: index, sha256: createHash('sha256').update(body).digest('hex') }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, header, body]);
}

export function decodeTensorFile<M = unknown>(buf: Buffer, what = 'tensor file'): { meta: M; tensors: Map<string, NamedTensor> } {
  if (buf.length < 12 || buf.subarray(0, 8).toString('latin1') !== MAGIC) throw new Error(`${what}: not an arch2vec tensor file`);
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw new Error(`${what}: truncated header`);
  const header = JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8')) as { meta: M; tensors: { name: string; shape: number[]; offset: number; length: number }[]; sha256: string };
  const body = buf.subarray(12 + hlen);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) throw new Error(`${what}: data does not match its checksum (truncated or corrupt)`);
  const aligned = new Float32Array(body.length / 4);
  new Uint8Array(aligned.buffer).set(body);
  const tensors = new Map<string, NamedTensor>();
  for (const t of header.tensors) tensors.set(t.name, { name: t.name, shape: t.shape, data: aligned.subarray(t.offset, t.offset + t.length) });
  return { meta: header.meta, tensors };
}
