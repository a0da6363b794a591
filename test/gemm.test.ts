/**
 * The host training path's own WebAssembly SIMD product kernel (server/src/engine/model/wasmMatMul.ts):
 * the checked-in binaries are what scripts/gen-kernels.ts makes of their text, and both variants (fused
 * multiply-add and plain) compute A·B and Xᵀ·B to float32 accuracy against a float64 product, for the
 * shapes the model uses and for every remainder of the 4-row tiles.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { GENERATED, kernelBinaries, kernelModuleSource } from '../scripts/gen-kernels';
import { Rng } from '../server/src/engine/data/random';
import { instantiateProducts, wasmProducts } from '../server/src/engine/model/wasmMatMul';

function random(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.float() * 2 - 1);
}

/** float64 C = op(A)·B, A as [m,k] (or, transposed, X[k,m]). */
function reference(a: Float32Array, m: number, k: number, b: Float32Array, n: number, transposedA: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = transposedA ? a[p * m + i] : a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += x * b[p * n + j];
    }
  }
  return c;
}

function assertClose(got: Float32Array, want: Float64Array, k: number, label: string) {
  assert.equal(got.length, want.length, `${label}: length`);
  // Inputs in [-1, 1]: a float32 sum of k products is off by at most ~k·2⁻²⁴ per unit of magnitude.
  const tol = k * 2 ** -22;
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol, `${label}: entry ${i} is ${got[i]}, want ${want[i]} (±${tol.toExponential(1)})`);
  }
}

test('the checked-in kernel binaries are what gen-kernels makes of gemmText.ts (npm run kernels)', async () => {
  assert.equal(readFileSync(GENERATED, 'utf8'), kernelModuleSource(await kernelBinaries()));
});

test('this Node runs the fused (relaxed SIMD) variant', () => {
  assert.equal(wasmProducts()?.kind, 'WebAssembly SIMD, relaxed FMA');
});

for (const variant of ['fma', 'plain'] as const) {
  describe(`product kernel, ${variant}`, () => {
    const w = instantiateProducts(variant);
    test('loads', () => assert.ok(w));
    const shapes: [number, number, number][] = [
      [256, 128, 128], [256, 5, 128], [88, 11, 128], [256, 128, 32], [256, 32, 128],
      [1, 1, 8], [2, 3, 8], [3, 7, 16], [5, 2, 24], [6, 9, 8], [7, 1, 40],
    ];
    test('A·B for the model\'s shapes and every row remainder', () => {
      const rng = new Rng(1);
      for (const [m, k, n] of shapes) {
        const a = random(m * k, rng);
        const b = random(k * n, rng);
        assertClose(w!.mm(a, m, k, b, n), reference(a, m, k, b, n, false), k, `${m}x${k}·${k}x${n}`);
      }
    });
    test('Xᵀ·B reads X through strides', () => {
      const rng = new Rng(2);
      for (const [m, k, n] of shapes) {
        const x = random(k * m, rng); // X [k rows, m columns]
        const b = random(k * n, rng);
        assertClose(w!.mmTA(x, k, m, b, n), reference(x, m, k, b, n, true), k, `(${k}x${m})ᵀ·${k}x${n}`);
      }
    });
    test('products of different sizes in a row reuse the memory correctly (large after small after large)', () => {
      const rng = new Rng(3);
      for (const [m, k, n] of [[512, 128, 128], [3, 2, 8], [1024, 64, 64]] as const) {
        const a = random(m * k, rng);
        const b = random(k * n, rng);
        assertClose(w!.mm(a, m, k, b, n), reference(a, m, k, b, n, false), k, `${m}x${k}·${k}x${n}`);
      }
    });
    test('a width not divisible by 8 falls back to the JS product (same values)', () => {
      const rng = new Rng(4);
      const a = random(12 * 16, rng);
      const b = random(16 * 5, rng);
      assertClose(w!.mm(a, 12, 16, b, 5), reference(a, 12, 16, b, 5, false), 16, '12x16·16x5');
      assert.throws(() => w!.mmTA(a, 16, 12, b.subarray(0, 16 * 5), 5), /multiple of 8/);
    });
  });
}
