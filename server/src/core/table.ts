import { readFileSync } from 'node:fs';

/**
 * A compact column table: `A2VTBL1\n`, u32 LE header length, a JSON header, then each column's raw
 * little-endian values, 4-byte aligned. Loads with one read and no parsing of the values.
 */
export interface ColumnSpec {
  name: string;
  dtype: 'u16' | 'u32' | 'f32';
  description: string;
}

export interface TableHeader {
  rows: number;
  columns: ColumnSpec[];
  provenance: Record<string, unknown>;
}

export type Column = Uint16Array | Uint32Array | Float32Array;

export interface Table {
  header: TableHeader;
  columns: Map<string, Column>;
}

const MAGIC = 'A2VTBL1\n';
const BYTES = { u16: 2, u32: 4, f32: 4 } as const;
const align4 = (n: number) => (n + 3) & ~3;

export function encodeTable(header: TableHeader, data: Record<string, ArrayLike<number>>): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1')];
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  parts.push(len, json, Buffer.alloc(align4(12 + json.length) - (12 + json.length)));
  for (const col of header.columns) {
    const values = data[col.name];
    if (!values || values.length !== header.rows) throw new Error(`column ${col.name}: expected ${header.rows} values`);
    const typed = col.dtype === 'u16' ? Uint16Array.from(values) : col.dtype === 'u32' ? Uint32Array.from(values) : Float32Array.from(values);
    const buf = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
    parts.push(buf, Buffer.alloc(align4(buf.length) - buf.length));
  }
  return Buffer.concat(parts);
}

export function decodeTable(bytes: Buffer): Table {
  if (bytes.subarray(0, 8).toString('latin1') !== MAGIC) throw new Error('not an arch2vec table (bad magic)');
  const hlen = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + hlen).toString('utf8')) as TableHeader;
  // Copy into a fresh, aligned buffer so typed views are valid whatever Node's pooling did.
  const body = new Uint8Array(bytes.length - align4(12 + hlen));
  body.set(bytes.subarray(align4(12 + hlen)));
  let off = 0;
  const columns = new Map<string, Column>();
  for (const col of header.columns) {
    const n = header.rows * BYTES[col.dtype];
    if (off + n > body.length) throw new Error(`table truncated in column ${col.name}`);
    const view = col.dtype === 'u16' ? new Uint16Array(body.buffer, off, header.rows) : col.dtype === 'u32' ? new Uint32Array(body.buffer, off, header.rows) : new Float32Array(body.buffer, off, header.rows);
    columns.set(col.name, view);
    off += align4(n);
  }
  return { header, columns };
}

export function readTable(path: string): Table {
  return decodeTable(readFileSync(path));
}
