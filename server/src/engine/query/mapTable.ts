/**
 * The user's own table on the latent-space map (issue 12: "DARTS map coloured where a table exists").
 *
 * A table row whose cell is a row of the model's table colours that point; a row outside it (most
 * of a DARTS table: the 600,000-genotype pool is a sample of a space of ~10^18 cells) is embedded
 * and projected like the file's cells and appended after the model's points, so every measured
 * cell is on the map in its place and coloured by what the user measured. Nothing is dropped.
 */
import type { MapTable, MapTableCell } from '../../protocol';
import { cellCost } from '../../core/export/cost';
import type { UserTable } from '../search/userTable';
import type { QueryModel } from './model';
import { archOf, tableIndexOf } from './neighbours';
import { project, type Projection2 } from './projection';

/** `a` then `b` (a itself when b is empty). */
export function appendF32(a: Float32Array, b?: Float32Array): Float32Array {
  if (!b?.length) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export const f32Base64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export interface MapTableOverlay {
  /** Reward per point: the model's `poolCount` points, then the table's cells outside them; NaN = not in the table. */
  values: Float32Array;
  /** x,y of the appended cells, interleaved. */
  extraCoords: Float32Array;
  /** Parameters and FLOPs of the appended cells' CIFAR-10 networks (NaN where the cost model has none). */
  extraParams: Float32Array;
  extraFlops: Float32Array;
  info: Omit<MapTable, 'values'>;
}

export async function mapTableOverlay(qm: QueryModel, table: UserTable, proj: Projection2, poolCount: number): Promise<MapTableOverlay> {
  const outside: MapTableCell[] = [];
  const inPool: { row: number; reward: number }[] = [];
  for (const r of table.rows) {
    const i = tableIndexOf(qm, r.spec);
    if (i !== null && i < poolCount) inPool.push({ row: i, reward: r.reward });
    else outside.push({ name: `row ${r.lines[0]}`, line: r.lines[0], arch: archOf(r.spec), spec: r.spec, reward: r.reward, accuracy: r.accuracy });
  }
  const values = new Float32Array(poolCount + outside.length).fill(NaN);
  for (const p of inPool) values[p.row] = p.reward;
  outside.forEach((c, k) => (values[poolCount + k] = c.reward));

  const dim = qm.embeddings().index.dim;
  const emb = outside.length ? await qm.embedSpecs(outside.map((c) => c.spec)) : new Float32Array(0);
  const extraCoords = project(proj, emb, dim);
  const extraParams = new Float32Array(outside.length).fill(NaN);
  const extraFlops = new Float32Array(outside.length).fill(NaN);
  outside.forEach((c, k) => {
    try {
      const cost = cellCost(c.spec);
      extraParams[k] = cost.params;
      extraFlops[k] = cost.flops;
    } catch {
      // A cell the cost model cannot build stays uncoloured on the cost layers.
    }
  });
  const base = table.file.split(/[\\/]/).pop();
  return {
    values, extraCoords, extraParams, extraFlops,
    info: {
      file: table.file, label: `Reward (your table ${base})`, poolCount, inPool: inPool.length, cells: outside,
    },
  };
}
