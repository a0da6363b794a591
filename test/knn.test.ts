/**
 * Exact k-NN (server/src/engine/query/knn.ts) against a brute-force sort, on both paths: the
 * WebAssembly SIMD distance kernel (tables of ≥ 20,000 rows, width divisible by 4) and the JS loop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../server/src/engine/data/random';
import { knn } from '../server/src/engine/query/knn';
import { SimdTable } from '../server/src/engine/query/simdDistances';

function table(count: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const t = new Float32Array(count * dim);
  for (let i = 0; i < t.length; i++) t[i] = rng.normal();
  return t;
}

/** Indices of the k nearest rows by float64 distance, ties by index. */
function bruteForce(t: Float32Array, dim: number, q: ArrayLike<number>, k: number): number[] {
  const count = t.length / dim;
  const d = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (t[i * dim + j] - q[j]) ** 2;
    d[i] = s;
  }
  return Array.from({ length: count }, (_, i) => i).sort((a, b) => d[a] - d[b] || a - b).slice(0, k);
}

test('the SIMD kernel computes the same squared distances as a float64 loop (to float32 rounding), for every row width', () => {
  // One unrolled kernel per width (dim / 4 lanes): check 1, 2, 4, 5 and 16 lanes.
  for (const dim of [4, 8, 16, 20, 64]) {
    const t = table(1000, dim, 4 + dim);
    const simd = SimdTable.create(t, dim);
    assert.ok(simd, 'WebAssembly SIMD is available in Node 20');
    const q = t.slice(5 * dim, 6 * dim);
    const d = simd.distances(q);
    assert.equal(d.length, 1000);
    assert.equal(d[5], 0, 'a row is at distance exactly 0 from itself');
    for (let i = 0; i < 1000; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (t[i * dim + j] - q[j]) ** 2;
      assert.ok(Math.abs(d[i] - s) <= 1e-5 * s + 1e-6, `dim ${dim}, row ${i}: ${d[i]} vs ${s}`);
    }
  }
  assert.equal(SimdTable.create(table(10, 5, 1), 5), null, 'rows not a multiple of 4 wide: JS path');
});

for (const [count, dim, path] of [[60_000, 16, 'SIMD'], [60_000, 8, 'SIMD'], [5_000, 16, 'JS'], [30_000, 5, 'JS']] as const) {
  test(`${count} × ${dim} (${path} path): the exact 10 nearest, in order; a row finds itself first`, () => {
    const t = table(count, dim, count + dim);
    const rng = new Rng(9);
    for (let r = 0; r < 4; r++) {
      const i = rng.int(count);
      const self = knn(t, dim, t.subarray(i * dim, (i + 1) * dim), 10, { prefer: i });
      assert.equal(self[0].index, i);
      assert.equal(self[0].distance, 0);
      const q = Float32Array.from({ length: dim }, () => rng.normal());
      const hits = knn(t, dim, q, 10);
      assert.deepEqual(hits.map((h) => h.index), bruteForce(t, dim, q, 10));
      for (let j = 1; j < hits.length; j++) assert.ok(hits[j].distance >= hits[j - 1].distance && Number.isFinite(hits[j].distance));
    }
  });
}

test('a table changed after it was queried is re-read, not answered from the stale copy', () => {
  const dim = 16;
  const t = table(40_000, dim, 2);
  const q = new Float32Array(dim).fill(0.25);
  knn(t, dim, q, 5);
  // Move row 123 onto the query, and change every value so the sampled check must notice.
  for (let i = 0; i < t.length; i++) t[i] += 1;
  t.set(q, 123 * dim);
  const hits = knn(t, dim, q, 5);
  assert.equal(hits[0].index, 123);
  assert.equal(hits[0].distance, 0);
  assert.deepEqual(hits.map((h) => h.index), bruteForce(t, dim, q, 5));
});

test('k larger than the table and k = 0', () => {
  const t = table(30_000, 16, 3);
  assert.equal(knn(t, 16, t.subarray(0, 16), 0).length, 0);
  assert.equal(knn(t.subarray(0, 16 * 7), 16, t.subarray(0, 16), 50).length, 7);
  assert.throws(() => knn(t, 16, [1, 2, 3], 3), /query has 3 values/);
});
