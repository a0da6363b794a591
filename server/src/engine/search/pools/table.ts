/**
 * A user table's rows as the pool (issue 12): when the benchmark objective is a table, only its
 * cells can be evaluated, so they are what every strategy ranges over (row order = index).
 *
 * Mutation (regularised evolution) uses the space's own mutation; a table holds a tiny part of the
 * NB101 and DARTS spaces, so a mutated cell is rarely a row: after a few tries the child is a random
 * row among the 16 nearest to the parent in the discrete encoding (NB101: the padded adjacency and op
 * one-hots; NB201: edge ops; DARTS: (op, input) fields of both cells), i.e. the smallest edits that
 * stay in the table.
 */
import type { CellSpec } from '../../../core/cellSpec';
import { encodeCell } from '../../../core/cellSpec';
import { spaceOf } from '../../../core/spaces';
import { dartsHash, DARTS_OPS } from '../../../core/spaces/darts';
import { NB201_OPS } from '../../../core/spaces/nasbench201';
import type { SearchRng } from '../types';
import type { TableRow, UserTable } from '../userTable';
import { computeFacts } from '../../../core/cellSpec';
import type { SpacePool } from './types';

/** Tries of the space's mutation before falling back to the nearest rows. */
const MUTATION_TRIES = 4;
/** How many nearest rows the fallback picks from. */
const NEAREST_ROWS = 16;

export class TablePool implements SpacePool {
  readonly space: UserTable['space'];
  readonly id: string;
  readonly description: string;
  readonly embeddingParts: 1 | 2;
  readonly count: number;
  embeddings = new Float32Array(0);
  dim = 0;
  private readonly byId = new Map<string, number>();
  private codes?: Uint8Array[];
  private readonly near = new Map<number, number[]>();

  constructor(readonly table: UserTable) {
    this.space = table.space;
    this.count = table.rows.length;
    this.id = `table:${table.space}:${table.sha256.slice(0, 16)}`;
    this.description = `${table.file}: ${table.rows.length} ${table.space} cells`;
    table.rows.forEach((r, i) => this.byId.set(r.cellId, i));
    this.embeddingParts = table.space === 'darts' && table.rows.some((r) => r.spec.space === 'darts' && r.spec.reduceGiven && dartsHash(r.spec.reduce) !== dartsHash(r.spec.normal)) ? 2 : 1;
  }

  row(i: number): TableRow {
    const r = this.table.rows[i];
    if (!r) throw new RangeError(`table pool: index ${i} out of range 0..${this.count - 1}`);
    return r;
  }

  spec(i: number): CellSpec {
    return this.row(i).spec;
  }

  cellId(i: number): string {
    return this.row(i).cellId;
  }

  name(i: number): string {
    const prefix = this.space === 'nasbench101' ? 'nb101' : this.space === 'nasbench201' ? 'nb201' : 'darts';
    return `${prefix}_${this.row(i).cellId.replace('/', '_').slice(0, 8)}`;
  }

  indexOf(spec: CellSpec): number {
    if (spec.space !== this.space) return -1;
    try {
      return this.byId.get(computeFacts(spec).id) ?? -1;
    } catch {
      return -1;
    }
  }

  mutate(index: number, rng: SearchRng): number {
    const spec = this.spec(index);
    for (let t = 0; t < MUTATION_TRIES; t++) {
      const j = this.indexOf(mutateSpec(spec, rng));
      if (j >= 0 && j !== index) return j;
    }
    return this.nearest(index, rng);
  }

  /** The discrete encoding of every row (built on first fallback). */
  private encodings(): Uint8Array[] {
    if (!this.codes) this.codes = this.table.rows.map((r) => discreteCode(r.spec));
    return this.codes;
  }

  /**
   * A uniformly random row among the NEAREST_ROWS rows nearest to row `index` (Hamming distance of
   * the discrete encodings, ties by row order), cached per row: evolution re-mutates the same parents.
   */
  private nearest(index: number, rng: SearchRng): number {
    let near = this.near.get(index);
    if (!near) {
      const codes = this.encodings();
      const a = codes[index];
      const d: { j: number; d: number }[] = [];
      for (let j = 0; j < codes.length; j++) {
        if (j === index) continue;
        const b = codes[j];
        let x = 0;
        for (let k = 0; k < a.length; k++) x += a[k] === b[k] ? 0 : 1;
        d.push({ j, d: x });
      }
      d.sort((u, v) => u.d - v.d || u.j - v.j);
      near = d.slice(0, NEAREST_ROWS).map((x) => x.j);
      this.near.set(index, near);
    }
    return near.length ? near[rng.int(near.length)] : index;
  }
}

function mutateSpec(spec: CellSpec, rng: SearchRng): CellSpec {
  return (spaceOf(spec) as unknown as { mutate: (s: CellSpec, r: SearchRng) => CellSpec }).mutate(spec, rng);
}

/** One symbol per discrete field (see the file comment). */
export function discreteCode(spec: CellSpec): Uint8Array {
  switch (spec.space) {
    case 'nasbench101': {
      const e = encodeCell(spec);
      const out: number[] = [];
      for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) out.push(e.adjacency[i][j]);
      for (const row of e.ops) out.push(row.indexOf(1) + 1);
      return Uint8Array.from(out);
    }
    case 'nasbench201': return Uint8Array.from(spec.ops.map((o) => (NB201_OPS as readonly string[]).indexOf(o)));
    case 'darts': {
      const out: number[] = [];
      for (const g of [spec.normal, spec.reduce]) for (const [op, input] of g) out.push((DARTS_OPS as readonly string[]).indexOf(op), input);
      return Uint8Array.from(out);
    }
  }
}
