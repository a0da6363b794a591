import { createHash } from 'node:crypto';

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/**
 * NAS-Bench-101's `graph_util.hash_module`: an iterated, md5-based Weisfeiler-Lehman fingerprint.
 * Strings are built exactly as the Python does (`str((out, in, label))`, `str(sorted(list))`) so the
 * result is byte-identical to the benchmark's keys. Isomorphic labelled DAGs get the same hash.
 */
export function hashModule(matrix: readonly (readonly number[])[], labeling: readonly number[]): string {
  const n = matrix.length;
  let hashes: string[] = new Array(n);
  for (let v = 0; v < n; v++) {
    let out = 0;
    let inn = 0;
    for (let w = 0; w < n; w++) {
      out += matrix[v][w];
      inn += matrix[w][v];
    }
    hashes[v] = md5(`(${out}, ${inn}, ${labeling[v]})`);
  }
  for (let round = 0; round < n; round++) {
    const next: string[] = new Array(n);
    for (let v = 0; v < n; v++) {
      const ins: string[] = [];
      const outs: string[] = [];
      for (let w = 0; w < n; w++) {
        if (matrix[w][v]) ins.push(hashes[w]);
        if (matrix[v][w]) outs.push(hashes[w]);
      }
      ins.sort();
      outs.sort();
      next[v] = md5(ins.join('') + '|' + outs.join('') + '|' + hashes[v]);
    }
    hashes = next;
  }
  const sorted = hashes.slice().sort();
  return md5('[' + sorted.map((h) => `'${h}'`).join(', ') + ']');
}
