/**
 * Exports real cell encodings for the PyTorch benchmark (bench/reference/bench_torch.py), so both
 * sides train on identical inputs:
 *   nb201: all 15,625 cells in benchmark index order, the fixed 8×8 adjacency and, per cell, the
 *          arch2vec one-hot column of each of the 8 nodes (a string of 8 digits);
 *   nb101: the 500 cells of ../shared/data/nasbench101/nb101_naslib_zc_subset.jsonl, pruned and padded
 *          to 7×7 (`encodeNb101(prune(...))`): adjacency rows and one-hot columns (-1 = padding node);
 *   darts: the 1,225 NB301 genotypes of ../shared/data/darts/nb301_naslib_zc_subset.jsonl, the normal
 *          cell as arch2vec encodes it (11 nodes, 11 op columns; `encodeCell`), in the same layout.
 *
 *   node --import tsx bench/reference/export-cells.ts   # writes bench/reference/cells.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeCell } from '../../server/src/core/cellSpec';
import { encodeNb101, prune } from '../../server/src/core/spaces/nasbench101';
import { loadNb201 } from '../../server/src/engine/data/nasbench201Data';

const REPO = resolve(__dirname, '..', '..');
const SHARED = resolve(process.env.ARCH2VEC_SHARED ?? join(REPO, '..', 'shared'));

const argmax = (row: ArrayLike<number>): number => {
  for (let j = 0; j < row.length; j++) if (row[j] === 1) return j;
  return -1;
};

function nb201() {
  const ds = loadNb201();
  const [n, d] = [ds.nodes, ds.opColumns];
  const adj = new Float32Array(n * n);
  const ops = new Float32Array(n * d);
  const columns: string[] = [];
  for (let i = 0; i < ds.count; i++) {
    ds.fillEncoding(i, adj, ops);
    columns.push(Array.from({ length: n }, (_, r) => argmax(ops.subarray(r * d, r * d + d))).join(''));
  }
  const adjacency = Array.from({ length: n }, (_, r) => Array.from(adj.subarray(r * n, r * n + n)));
  return { nodes: n, opColumns: d, adjacency, columns };
}

function nb101() {
  const rows = readFileSync(join(SHARED, 'data', 'nasbench101', 'nb101_naslib_zc_subset.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { matrix_raw: number[][]; ops_raw: string[] });
  const cells = rows.map((r) => {
    const e = encodeNb101(prune({ matrix: r.matrix_raw, ops: r.ops_raw }));
    return { adjacency: e.adjacency, columns: e.ops.map(argmax) };
  });
  return { nodes: 7, opColumns: 5, cells };
}

function darts() {
  const rows = readFileSync(join(SHARED, 'data', 'darts', 'nb301_naslib_zc_subset.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { normal: [string, number][]; reduce: [string, number][] });
  const cells = rows.map((r) => {
    const e = encodeCell({ space: 'darts', normal: r.normal, reduce: r.reduce, reduceGiven: true });
    return { adjacency: e.adjacency, columns: e.ops.map(argmax) };
  });
  return { nodes: cells[0].adjacency.length, opColumns: encodeCell({ space: 'darts', normal: rows[0].normal, reduce: rows[0].reduce, reduceGiven: true }).ops[0].length, cells };
}

const out = join(__dirname, 'cells.json');
writeFileSync(out, JSON.stringify({ about: 'Real cell encodings for bench_torch.py, from bench/reference/export-cells.ts', nb201: nb201(), nb101: nb101(), darts: darts() }) + '\n');
console.log(`wrote ${out}`);
