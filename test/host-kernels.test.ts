/**
 * The host training path's WebAssembly SIMD kernels (server/src/engine/model/hostKernels.ts): the
 * checked-in binaries are what scripts/gen-kernels.ts makes of their text; the products match a float64
 * product to float32 accuracy for the model's shapes and every tile remainder; the elementwise kernels
 * are bit-identical to the JS loops they replace (hostModel.ts), on real activations' ranges and on
 * the awkward values (zeros, negative zeros, saturated ReLUs, odd widths for the aggregation).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { GENERATED, kernelBinaries, kernelModuleSource } from '../scripts/gen-kernels';
import { Rng } from '../server/src/engine/data/random';
import { adamHostUpdate } from '../server/src/engine/model/adam';
import { HostKernels } from '../server/src/engine/model/hostKernels';
import { transpose, aggregate, bnInputGrad, bnReluNormalise, columnSums2, reluGradSums, type Edges } from '../server/src/engine/model/hostModel';

function fill<T extends Float32Array | Float64Array>(v: T, rng: Rng, scale = 1, zeros = 0): T {
  for (let i = 0; i < v.length; i++) v[i] = rng.float() < zeros ? (i % 2 ? -0 : 0) : (rng.float() * 2 - 1) * scale;
  return v;
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

/** Same bits, entry by entry (so -0 ≠ 0 and NaN = NaN). */
function assertIdentical(got: Float32Array | Float64Array, want: Float32Array | Float64Array, label: string) {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: entry ${i} is ${got[i]}, the JS loop gives ${want[i]}`);
  }
}

test('the checked-in kernel binaries are what gen-kernels makes of hostKernelsText.ts (npm run kernels)', async () => {
  assert.equal(readFileSync(GENERATED, 'utf8'), kernelModuleSource(await kernelBinaries()));
});

test('this Node runs the fused (relaxed SIMD) variant', () => {
  assert.equal(HostKernels.create()?.kind, 'WebAssembly SIMD, relaxed FMA');
});

/** An instance with room for every buffer of a test, so no view is detached by a growth mid-test. */
function kernels(variant: 'fma' | 'plain'): HostKernels {
  const k = HostKernels.create(variant)!;
  k.reserve(8 << 20);
  return k;
}

for (const variant of ['fma', 'plain'] as const) {
  describe(`host kernels, ${variant}`, () => {
    const shapes: [number, number, number][] = [
      [256, 128, 128], [256, 5, 128], [88, 11, 128], [256, 128, 32], [256, 32, 128],
      [1, 1, 8], [2, 3, 8], [3, 7, 16], [5, 2, 24], [6, 9, 8], [7, 1, 40],
    ];

    test('gemm: A·B for the model\'s shapes and every row remainder; accumulate adds into C', () => {
      const k = kernels(variant);
      const rng = new Rng(1);
      for (const [m, kk, n] of shapes) {
        k.reset();
        const a = fill(k.f32(m * kk), rng);
        const b = fill(k.f32(kk * n), rng);
        const c = k.f32(m * n);
        assertClose(k.gemm(a, m, kk, b, n, c), reference(a, m, kk, b, n, false), kk, `${m}x${kk}·${kk}x${n}`);
        const twice = Float64Array.from(reference(a, m, kk, b, n, false), (x) => 2 * x);
        assertClose(k.gemm(a, m, kk, b, n, c, true), twice, 2 * kk, `C += ${m}x${kk}·${kk}x${n}`);
      }
    });

    test('gemmTA: Xᵀ·B read through strides, without a transposed copy', () => {
      const k = kernels(variant);
      const rng = new Rng(2);
      for (const [m, kk, n] of shapes) {
        k.reset();
        const x = fill(k.f32(kk * m), rng); // X [kk rows, m columns]
        const b = fill(k.f32(kk * n), rng);
        assertClose(k.gemmTA(x, kk, m, b, n, k.f32(m * n)), reference(x, m, kk, b, n, true), kk, `(${kk}x${m})ᵀ·${kk}x${n}`);
      }
    });

    test('kernels refuse a buffer outside their memory and a width that is not a multiple of 8', () => {
      const k = kernels(variant);
      const a = k.f32(16);
      assert.throws(() => k.gemm(new Float32Array(16), 4, 4, a, 4, k.f32(16)), /multiple of 8/);
      assert.throws(() => k.gemm(new Float32Array(32), 4, 4, k.f32(32), 8, k.f32(32)), /outside the kernel memory/);
    });

    test('memory growth: views taken before are detached and counted in generation', () => {
      const k = HostKernels.create(variant)!;
      const before = k.f32(4);
      const g = k.generation;
      k.f32(1 << 20);
      assert.ok(k.generation > g);
      assert.equal(before.length, 0, 'the old view is detached');
      assert.equal(k.owns(before), false);
    });

    for (const [rows, H] of [[256, 128], [88, 128], [1, 4], [3, 8]] as const) {
      test(`batch norm, ReLU and their gradients are bit-identical to the JS loops (${rows} rows x ${H})`, () => {
        const k = kernels(variant);
        const rng = new Rng(rows * 7 + H);
        const u = fill(k.f32(rows * H), rng, 3, 0.05);
        // colStats
        const s1 = k.f64(H), s2 = k.f64(H), r1 = new Float64Array(H), r2 = new Float64Array(H);
        k.colStats(u, rows, H, s1, s2);
        columnSums2(u, rows, H, r1, r2);
        assertIdentical(s1, r1, 'Σu');
        assertIdentical(s2, r2, 'Σu²');
        // normalise + affine + ReLU (about half the outputs clipped)
        const mean = fill(k.f64(H), rng, 0.5), invstd = fill(k.f64(H), rng, 2), gam = fill(k.f64(H), rng, 1.5), bet = fill(k.f64(H), rng, 0.5);
        const xhat = k.f32(rows * H), a = k.f32(rows * H), rx = new Float32Array(rows * H), ra = new Float32Array(rows * H);
        k.bnRelu(u, rows, H, mean, invstd, gam, bet, xhat, a);
        bnReluNormalise(u, rows, H, mean, invstd, gam, bet, rx, ra);
        assertIdentical(xhat, rx, 'x̂');
        assertIdentical(a, ra, 'ReLU output');
        // ReLU gradient with its column sums
        const da = fill(k.f32(rows * H), rng, 1, 0.05);
        const out = k.f32(rows * H), dbeta = k.f64(H), dgamma = k.f64(H);
        const rout = new Float32Array(rows * H), rdb = new Float64Array(H), rdg = new Float64Array(H);
        k.reluGradSums(da, a, xhat, rows, H, out, dbeta, dgamma);
        reluGradSums(da, a, xhat, rows, H, rout, rdb, rdg);
        assertIdentical(out, rout, 'dU before batch norm');
        assertIdentical(dbeta, rdb, 'dβ');
        assertIdentical(dgamma, rdg, 'dγ');
        // batch-norm input gradient, in place
        const scale = fill(k.f64(H), rng, 2), mb = fill(k.f64(H), rng, 0.1), mg = fill(k.f64(H), rng, 0.1), db = k.f64(H), rdb2 = new Float64Array(H);
        const g = k.f32(rows * H);
        g.set(out);
        const rg = Float32Array.from(out);
        k.bnInputGrad(g, xhat, rows, H, scale, mb, mg, db);
        bnInputGrad(rg, xhat, rows, H, scale, mb, mg, rdb2);
        assertIdentical(g, rg, 'dU');
        assertIdentical(db, rdb2, 'Σ dU');
      });
    }

    for (const c of [128, 5, 7, 11, 1]) {
      test(`GIN aggregation (1+ε)·h + Ã·h is bit-identical to the JS loop (width ${c})`, () => {
        const k = kernels(variant);
        const rng = new Rng(c);
        const graphs = 5, n = 7, rowsN = graphs * n;
        const h = fill(k.f32(rowsN * c), rng, 2, 0.1);
        // Random DAG adjacencies (upper triangle), made symmetric with weights 1 or 2 as A + Aᵀ gives.
        const tr: [number, number, number][] = [];
        for (let g = 0; g < graphs; g++) {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) if (i !== j && rng.float() < 0.3) tr.push([g * n + i, g * n + j, rng.float() < 0.2 ? 2 : 1]);
          }
        }
        const e: Edges = { rows: k.i32(tr.length), cols: k.i32(tr.length), w: k.f32(tr.length) };
        tr.forEach(([r, col, w], t) => { e.rows[t] = r; e.cols[t] = col; e.w[t] = w; });
        const out = k.f32(rowsN * c), ref = new Float32Array(rowsN * c);
        const eps1 = 1 + 0.1234567891234; // not a float32: the scaling is in float64 on both sides
        k.aggregate(h, c, eps1, e, out);
        aggregate(h, c, eps1, e, ref);
        assertIdentical(out, ref, `aggregation, width ${c}`);
      });
    }

    test('transpose is exact for every shape the model uses, odd ones included', () => {
      const k = kernels(variant);
      const rng = new Rng(11);
      for (const [m, n] of [[128, 128], [128, 32], [16, 5], [16, 11], [1, 7], [5, 1], [3, 3]] as const) {
        k.reset();
        const a = fill(k.f32(m * n), rng);
        assertIdentical(k.transpose(a, m, n, k.f32(m * n)), transpose(a, m, n), `${m}x${n}ᵀ`);
      }
    });

    for (const [n, clip] of [[170_001, 5], [4_096, Infinity], [3, 1e-3]] as const) {
      test(`Adam with global-norm clipping is bit-identical to adamHostUpdate (${n} parameters, clip ${clip})`, () => {
        const k = kernels(variant);
        const rng = new Rng(n);
        const p = fill(k.f32(n), rng), g = fill(k.f32(n), rng, 0.01, 0.02), m = k.f32(n), v = k.f32(n);
        const rp = Float32Array.from(p), rm = new Float32Array(n), rv = new Float32Array(n);
        for (let step = 1; step <= 3; step++) {
          const norm = k.adam(p, g, m, v, step, 1e-3, 1e-8, clip);
          const rnorm = adamHostUpdate(rp, g, rm, rv, step, 1e-3, 1e-8, clip);
          assert.equal(norm, rnorm, 'gradient norm');
          assertIdentical(p, rp, `parameters after step ${step}`);
          assertIdentical(m, rm, `first moments after step ${step}`);
          assertIdentical(v, rv, `second moments after step ${step}`);
        }
      });
    }
  });
}
