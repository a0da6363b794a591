/**
 * How far the host training path's three ways of computing a step drift apart when trained side by side
 * from the same initialisation on the same batches (NB201, batch 32, 200 train-mode then 200 eval-mode
 * steps, clipped Adam): the WebAssembly SIMD kernels, tfjs's matMul with the JS loops (the path before
 * the kernels), and plain JS with float64 product sums. Prints the relative parameter difference
 * ‖a − b‖/‖b‖ of each pair at a few steps. Equal-sized pairwise drift = float rounding amplified by
 * training (chaos), not a systematic error in one path.
 *
 *   node --import tsx bench/path-divergence.ts
 */
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { Arch2vecModel } from '../server/src/engine/model/arch2vecModel';
import { modelConfigFor } from '../server/src/engine/model/config';
import { HostArch2vec, jsMatMul, type HostProducts } from '../server/src/engine/model/hostModel';
import { HostKernels } from '../server/src/engine/model/hostKernels';
import { tfMatMul } from '../server/src/engine/model/tfMatMul';
import { adamHostUpdate } from '../server/src/engine/model/adam';
import { flatLayout, readParams } from '../server/src/engine/train/shard';
import { selectBackend } from '../server/src/engine/backend';
(async () => {
  await selectBackend('wasm');
  const ds = loadNb201();
  const cfg = modelConfigFor(ds.nodes, ds.opColumns);
  const model = new Arch2vecModel(cfg, new Rng(3));
  const layout = flatLayout(model);
  const init = readParams(model, layout);
  const T = layout.trainableSize, S = layout.total - T;
  const variants: [string, () => HostProducts][] = [['kernels', () => ({ kernels: HostKernels.create()! })], ['tfjs', () => ({ mm: tfMatMul() })], ['js', () => ({ mm: jsMatMul })]];
  const runs = variants.map(([name, mk]) => ({ name, host: new HostArch2vec(cfg, layout, mk()), p: init.slice(), m: new Float32Array(T), v: new Float32Array(T) }));
  const b = 32, n = ds.nodes, d = ds.opColumns;
  const adj = new Float32Array(b * n * n), ops = new Float32Array(b * n * d);
  const rng = new Rng(7);
  for (let step = 1; step <= 400; step++) {
    for (let s = 0; s < b; s++) ds.fillEncoding(Math.floor(rng.float() * ds.count), adj, ops, s);
    for (const r of runs) {
      const g = new Float32Array(T), st = new Float32Array(S);
      r.host.step(r.p, adj, ops, b, { mode: step <= 200 ? 'train' : 'eval', seed: step, globalBatch: b }, g, st);
      adamHostUpdate(r.p.subarray(0, T), g, r.m, r.v, step, 1e-3, 1e-8, 5);
      r.p.set(st, T);
    }
    if ([1, 2, 5, 10, 50, 100, 200, 300, 400].includes(step)) {
      const diff = (a: Float32Array, c: Float32Array) => { let num = 0, den = 0; for (let i = 0; i < T; i++) { num += (a[i] - c[i]) ** 2; den += a[i] ** 2; } return Math.sqrt(num / den); };
      console.log(step, 'kernels vs js', diff(runs[0].p, runs[2].p).toExponential(2), ' tfjs vs js', diff(runs[1].p, runs[2].p).toExponential(2), ' kernels vs tfjs', diff(runs[0].p, runs[1].p).toExponential(2));
    }
  }
})();
