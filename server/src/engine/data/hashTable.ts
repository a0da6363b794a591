/**
 * Small open-addressing hash sets for de-duplication without JS strings or BigInts (a Map keyed by
 * hex strings for ~1M entries costs ~100 MB and several times the time).
 */

/** Set of 64-bit keys (two u32 lanes) mapping to a non-negative int value. Grows at load 1/2. */
export class Key64Map {
  private capacity: number;
  private ka: Uint32Array;
  private kb: Uint32Array;
  private vals: Int32Array;
  size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.ka = new Uint32Array(this.capacity);
    this.kb = new Uint32Array(this.capacity);
    this.vals = new Int32Array(this.capacity).fill(-1);
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.capacity - 1;
    for (let s = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; s = (s + 1) & mask) {
      const v = this.vals[s];
      if (v < 0) return -1;
      if (this.ka[s] === a >>> 0 && this.kb[s] === b >>> 0) return v;
    }
  }

  /** Inserts (a, b) → value unless present; returns the existing value, or -1 when it was inserted. */
  setIfAbsent(a: number, b: number, value: number): number {
    if (value < 0) throw new RangeError('Key64Map: values must be ≥ 0');
    if ((this.size + 1) * 2 > this.capacity) this.grow();
    const mask = this.capacity - 1;
    a >>>= 0;
    b >>>= 0;
    for (let s = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; s = (s + 1) & mask) {
      const v = this.vals[s];
      if (v < 0) {
        this.ka[s] = a;
        this.kb[s] = b;
        this.vals[s] = value;
        this.size++;
        return -1;
      }
      if (this.ka[s] === a && this.kb[s] === b) return v;
    }
  }

  private grow(): void {
    const { ka, kb, vals } = this;
    this.capacity *= 2;
    this.ka = new Uint32Array(this.capacity);
    this.kb = new Uint32Array(this.capacity);
    this.vals = new Int32Array(this.capacity).fill(-1);
    this.size = 0;
    for (let s = 0; s < vals.length; s++) if (vals[s] >= 0) this.setIfAbsent(ka[s], kb[s], vals[s]);
  }
}

/**
 * Index over `count` 16-byte digests stored back to back in `digests`: digest → entry number.
 * md5 bytes are uniform, so the first 4 bytes are the slot hash; equality compares all 16.
 */
export class DigestIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Number of entries whose digest already appeared earlier (0 for a set of unique hashes). */
  readonly duplicates: number;

  constructor(private readonly digests: Uint8Array, count: number) {
    const capacity = 1 << Math.ceil(Math.log2(Math.max(16, count * 2)));
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity).fill(-1);
    let duplicates = 0;
    for (let i = 0; i < count; i++) if (this.insert(i) !== i) duplicates++;
    this.duplicates = duplicates;
  }

  /** Entry number of the digest at `d[off..off+16)`, or -1. */
  find(d: Uint8Array, off = 0): number {
    for (let s = readU32(d, off) & this.mask; ; s = (s + 1) & this.mask) {
      const i = this.slots[s];
      if (i < 0) return -1;
      if (equal16(this.digests, i * 16, d, off)) return i;
    }
  }

  private insert(i: number): number {
    for (let s = readU32(this.digests, i * 16) & this.mask; ; s = (s + 1) & this.mask) {
      const j = this.slots[s];
      if (j < 0) {
        this.slots[s] = i;
        return i;
      }
      if (equal16(this.digests, j * 16, this.digests, i * 16)) return j;
    }
  }
}

function readU32(d: Uint8Array, off: number): number {
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
}

function equal16(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let k = 0; k < 16; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}
