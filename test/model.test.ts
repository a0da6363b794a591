/**
 * The arch2vec model against the PyTorch reference (bench/reference/arch2vec_torch.py, written from the model notes,
 * docs/reference-notes.md §2), on the cpu backend.
 *
 * Golden fixtures (test/fixtures/golden/{nb201,nb101}.json, regenerate with
 * `bash bench/reference/setup.sh && node --import tsx scripts/make-golden.ts`) hold exact float32
 * weights + a batch of 32 real cells and what PyTorch 1.13 computed from them. The weights are loaded
 * into the TS model by logical name and compared:
 *   evalInit   eval mode (BN running stats, z = mu, no dropout): mu, logSigma, sigmoid(ops logits),
 *              sigmoid(adj logits) (full N×N; the loss masks the triangle), the 4 loss parts.
 *   train      `encode(.., 'train')` (batch-statistic BN) + `decode(mu, 'eval')` (no dropout) + `vaeLoss`
 *              = the reference's train mode with dropout off and reparameterisation noise 0 (the TS
 *              `forward` always samples noise, so it is not used here): outputs, loss parts, the gradient
 *              of every trainable variable (tensors ≤ 2,048 values in full, bigger ones as norm and 128
 *              sampled entries), the global grad norm and clip scale, all of the reference's own
 *              nn.BCELoss on float32 sigmoids (log clamped at -100 where the sigmoid saturates; the TS loss
 *              reproduces that). The logit-form BCE's loss and gradient norms are kept for comparison.
 *              Then clip_grad_norm_(5) + the first Adam step (replicated in this file): parameter deltas
 *              and the BN running statistics after the step.
 *   evalAfter  eval mode with the updated parameters and running statistics.
 *   evalStep   the engine's own `Stepper.step(.., 'eval')` (deterministic; its Adam and clipping) from the
 *              initial weights: loss parts and parameter deltas against one reference eval-mode step.
 * Biases of the Linear layers right before a batch norm (gin*.mlp.0.b, gin*.mlp.1.b) have a true gradient
 * of exactly 0; both sides give float noise (≲1e-7), and Adam turns that noise into steps of up to ~lr
 * in either direction. Their gradients are only checked to be ~0, their deltas are not compared, and
 * the reference values are put in for them before the evalAfter comparison.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../server/src/engine/backend';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { Arch2vecModel } from '../server/src/engine/model/arch2vecModel';
import { DEFAULT_TRAIN, modelConfigFor } from '../server/src/engine/model/config';
import { upperMask, vaeLoss } from '../server/src/engine/model/loss';
import { Stepper } from '../server/src/engine/train/step';
import { HostArch2vec, jsMatMul, type HostProducts } from '../server/src/engine/model/hostModel';
import { tfMatMul } from '../server/src/engine/model/tfMatMul';
import { HostKernels } from '../server/src/engine/model/hostKernels';
import { flatLayout, readParams } from '../server/src/engine/train/shard';
import { ParallelStepper } from '../server/src/engine/train/parallel';

const GOLDEN = join(__dirname, 'fixtures', 'golden');
/** |ts − ref| ≤ ATOL·scale + RTOL·|ref|, scale = 1 for outputs, max(|ref|) of the tensor for gradients. */
const RTOL = 1e-4;
const ATOL = 1e-5;
/**
 * Adam's first step is −lr·g/(|g| + eps) ≈ −lr·sign(g): for |g| near 1e-8 a 1e-4 relative gradient
 * difference moves it by ~1e-4·lr, so parameter deltas get an absolute tolerance of lr/1000 (still far
 * below a sign flip, 2·lr, or the effect of eps 1e-7 instead of 1e-8 on |g| ≲ 1e-5).
 */
const DELTA_ATOL = 1e-6;
/** Train-mode batch norm over B·N rows (incl. NB101 padding rows) amplifies float32 rounding ~10x. */
const TRAIN_ATOL = 3e-5;

interface Summary { norm: number; sum: number; maxAbs: number; size: number; values?: number[]; idx?: number[]; sampled?: number[] }
interface Outputs { mu: number[]; logSigma: number[]; opsRecon: number[]; adjRecon: number[]; loss: Record<'total' | 'ops' | 'adj' | 'kl', number> }
interface Golden {
  space: string; seed: number; nodes: number; opColumns: number; batch: number; lr: number; adamEps: number; clip: number; torch: string;
  input: { ops: string; adj: string; weights: Record<string, string>; shapes: Record<string, number[]> };
  evalInit: Outputs;
  train: Outputs & {
    /** The same loss with BCE from logits: differs from nn.BCELoss only on saturated entries. */
    lossLogits: Outputs['loss'];
    /** Entries where float32 sigmoid is exactly 0/1 against the opposite target (nn.BCELoss clamps log at -100 there). */
    saturated: { ops: number; adj: number };
    gradNorm: number; clipScale: number; grads: Record<string, Summary>;
    gradsLogitFormNorm: Record<string, number>; gradLogitFormNorm: number;
    after: { deltas: Record<string, Summary>; runningStats: Record<string, number[]> };
  };
  evalAfter: Outputs;
  evalStep: { loss: Outputs['loss']; gradNorm: number; after: Record<string, Summary> };
}

const f32 = (s: string): Float32Array => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Worst errors seen per check, printed at the end. */
const report: string[] = [];

function close(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, opts: { rtol?: number; atol?: number; skip?: (i: number) => boolean } = {}) {
  const rtol = opts.rtol ?? RTOL;
  const atol = opts.atol ?? ATOL;
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstExcess = 0;
  let skipped = 0;
  for (let i = 0; i < expected.length; i++) {
    if (opts.skip?.(i)) {
      skipped++;
      continue;
    }
    const d = Math.abs(actual[i] - expected[i]);
    maxAbs = Math.max(maxAbs, d);
    if (Math.abs(expected[i]) > 1e-3) maxRel = Math.max(maxRel, d / Math.abs(expected[i]));
    const excess = d - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worstExcess)) {
      worstExcess = excess;
      worst = i;
    }
  }
  report.push(`${what}: max abs ${maxAbs.toExponential(2)}, max rel (|ref|>1e-3) ${maxRel.toExponential(2)}${skipped ? `, ${skipped} skipped` : ''}`);
  assert.ok(worst < 0, `${what}[${worst}]: ts ${actual[worst]} vs torch ${expected[worst]} (|diff| ${Math.abs(actual[worst] - expected[worst])}, tol ${atol} + ${rtol}·|ref|)`);
  return maxAbs;
}

function closeSummary(what: string, actual: Float32Array, ref: Summary, skip?: (i: number) => boolean, atol?: number) {
  const scale = Math.max(ref.maxAbs, 1e-3);
  const opts = { atol: atol ?? ATOL * scale, skip };
  if (ref.values) close(what, actual, ref.values, opts);
  else close(`${what} (sampled)`, ref.idx!.map((i) => actual[i]), ref.sampled!, { ...opts, skip: skip && ((k: number) => skip(ref.idx![k])) });
  let sq = 0;
  for (let i = 0; i < actual.length; i++) if (!skip?.(i)) sq += actual[i] * actual[i];
  if (!skip) close(`${what} norm`, [Math.sqrt(sq)], [ref.norm], { atol: ATOL * scale });
}

function loadGolden(space: string): Golden | undefined {
  const p = join(GOLDEN, `${space}.json`);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Golden) : undefined;
}

function modelFrom(g: Golden): Arch2vecModel {
  const model = new Arch2vecModel(modelConfigFor(g.nodes, g.opColumns), new Rng(g.seed));
  for (const [k, v] of model.named()) {
    const w = g.input.weights[k];
    assert.ok(w, `fixture has no weights for ${k}`);
    v.assign(tf.tensor(f32(w), v.shape));
  }
  return model;
}

/**
 * clip_grad_norm_(clip) + the first torch.optim.Adam step, replicated here in plain JS (float64 math on
 * float32 data) so the train-mode check does not depend on the engine's optimiser API; the engine's own
 * Adam + clipping are checked through `Stepper` below.
 */
function clippedAdamFirstStep(params: Map<string, tf.Variable>, grads: Map<string, Float32Array>, lr: number, eps: number, clip: number) {
  let sq = 0;
  for (const g of grads.values()) for (const x of g) sq += x * x;
  const norm = Math.sqrt(sq);
  const scale = Math.min(1, clip / (norm + 1e-6));
  const [b1, b2] = [0.9, 0.999];
  for (const [k, g] of grads) {
    const p = params.get(k)!;
    const w = (p.dataSync() as Float32Array).slice();
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      const m = (1 - b1) * gi;
      const v = (1 - b2) * gi * gi;
      w[i] -= ((lr / (1 - b1)) * m) / (Math.sqrt(v / (1 - b2)) + eps);
    }
    p.assign(tf.tensor(w, p.shape));
  }
  return { norm, scale };
}

const probs = (t: tf.Tensor) => tf.tidy(() => tf.sigmoid(t).dataSync());

const LOSS_KEYS = ['total', 'ops', 'adj', 'kl'] as const;

function compareOutputs(tag: string, got: { mu: tf.Tensor; logSigma: tf.Tensor; opsLogits: tf.Tensor; adjLogits: tf.Tensor; loss: Record<string, tf.Scalar> }, ref: Outputs, refLoss = ref.loss, atol = ATOL) {
  close(`${tag} mu`, got.mu.dataSync(), ref.mu, { atol });
  close(`${tag} logSigma`, got.logSigma.dataSync(), ref.logSigma, { atol });
  close(`${tag} ops probabilities`, probs(got.opsLogits), ref.opsRecon, { atol });
  close(`${tag} adj probabilities`, probs(got.adjLogits), ref.adjRecon, { atol });
  for (const k of LOSS_KEYS) close(`${tag} loss.${k}`, [got.loss[k].dataSync()[0]], [refLoss[k]], { atol: 1e-7 });
}

before(async () => {
  await selectBackend('cpu');
});

after(() => {
  // Printed so the worst errors are visible in the test log (node:test shows stdout of the file).
  console.log(`# golden comparison (cpu backend, rtol ${RTOL}, atol ${ATOL}·scale):\n${report.map((l) => `#   ${l}`).join('\n')}`);
});

describe('arch2vec model structure', () => {
  // docs/reference-notes.md §2.1: the counts include the 4 GIN ε scalars and exclude the BN running statistics (buffers).
  for (const [space, nodes, cols, expected] of [['NB101', 7, 5, 122_617], ['NB201', 8, 7, 122_907], ['DARTS', 11, 11, 123_487]] as const) {
    test(`${space} has ${expected.toLocaleString('en')} trainable parameters`, () => {
      const model = new Arch2vecModel(modelConfigFor(nodes, cols), new Rng(0));
      try {
        const count = (vs: tf.Variable[]) => vs.reduce((s, v) => s + v.size, 0);
        assert.equal(count(model.trainable()), expected);
        const eps = model.trainable().filter((v) => v.name.endsWith('.eps'));
        assert.equal(count(eps), 4);
        // Running mean/var of the 8 batch norms are state, not parameters: 8 × 2 × 128.
        assert.equal(count(model.all()) - count(model.trainable()), 2048);
        assert.ok(model.all().filter((v) => !v.trainable).every((v) => /running_(mean|var)$/.test(v.name)));
      } finally {
        model.dispose();
      }
    });
  }

  test('init is PyTorch nn.Linear default (U(±1/√fan_in) for weights and biases), ε = 0, BN γ=1 β=0', () => {
    const model = new Arch2vecModel(modelConfigFor(8, 7), new Rng(5));
    try {
      for (const [k, v] of model.named()) {
        const a = v.dataSync();
        if (k.endsWith('.eps') || k.endsWith('.beta') || k.endsWith('running_mean')) assert.ok(a.every((x) => x === 0), k);
        else if (k.endsWith('.gamma') || k.endsWith('running_var')) assert.ok(a.every((x) => x === 1), k);
        else {
          const w = model.named().get(k.replace(/\.b$/, '.w'))!;
          const bound = 1 / Math.sqrt(w.shape[0]);
          let sq = 0;
          for (const x of a) {
            assert.ok(Math.abs(x) <= bound, `${k}: ${x} outside ±${bound}`);
            sq += x * x;
          }
          if (a.length >= 1000) assert.ok(Math.abs(sq / a.length / (bound * bound / 3) - 1) < 0.1, `${k}: variance is not that of U(±${bound})`);
        }
      }
    } finally {
      model.dispose();
    }
  });

  test('output shapes (train and eval) and embeddings', () => {
    const [n, d, b] = [8, 7, 4];
    const model = new Arch2vecModel(modelConfigFor(n, d), new Rng(1));
    const ds = loadNb201();
    const opsBuf = new Float32Array(b * n * d);
    const adjBuf = new Float32Array(b * n * n);
    for (let s = 0; s < b; s++) ds.fillEncoding(s * 1000, adjBuf, opsBuf, s);
    const ops = tf.tensor3d(opsBuf, [b, n, d]);
    const adj = tf.tensor3d(adjBuf, [b, n, n]);
    try {
      for (const mode of ['train', 'eval'] as const) {
        const updates: (() => void)[] = [];
        const out = model.forward(ops, adj, mode, updates, 7);
        assert.deepEqual(out.opsLogits.shape, [b, n, d]);
        assert.deepEqual(out.adjLogits.shape, [b, n, n]);
        assert.deepEqual(out.mu.shape, [b, n, 16]);
        assert.deepEqual(out.logSigma.shape, [b, n, 16]);
        assert.equal(updates.length, mode === 'train' ? 8 : 0, 'one running-stat update per batch norm in train mode');
        updates.forEach((u) => u());
        tf.dispose(Object.values(out));
      }
      const e = model.embed(ops, adj);
      assert.deepEqual(e.shape, [b, 16]);
      e.dispose();
    } finally {
      tf.dispose([ops, adj]);
      model.dispose();
    }
  });
});

for (const space of ['nb201', 'nb101']) {
  describe(`golden ${space} vs PyTorch`, () => {
    const g = loadGolden(space);
    if (!g) {
      test('fixture', { skip: `test/fixtures/golden/${space}.json missing (node --import tsx scripts/make-golden.ts)` }, () => {});
      return;
    }
    let ops: tf.Tensor3D;
    let adj: tf.Tensor3D;
    let mask: tf.Tensor2D;
    before(() => {
      ops = tf.tensor3d(f32(g.input.ops), [g.batch, g.nodes, g.opColumns]);
      adj = tf.tensor3d(f32(g.input.adj), [g.batch, g.nodes, g.nodes]);
      mask = upperMask(g.nodes);
    });
    after(() => tf.dispose([ops, adj, mask]));

    let trainLoss: Outputs['loss'] | undefined;

    test('the seeded init reproduces the fixture weights', () => {
      const model = new Arch2vecModel(modelConfigFor(g.nodes, g.opColumns), new Rng(g.seed));
      try {
        for (const [k, v] of model.named()) assert.deepEqual(v.dataSync(), f32(g.input.weights[k]), `${k} (init or Rng changed? regenerate: node --import tsx scripts/make-golden.ts)`);
      } finally {
        model.dispose();
      }
    });

    test('eval mode, train mode (noise 0, no dropout) with gradients, one clipped Adam step, eval after', () => {
      const model = modelFrom(g);
      const named = model.named();
      const names = [...named].filter(([, v]) => v.trainable).map(([k]) => k);
      const vars = names.map((k) => named.get(k)!);
      const before = new Map(names.map((k) => [k, named.get(k)!.dataSync().slice() as Float32Array]));
      try {
        const evalOut = (tag: string, ref: Outputs) => tf.tidy(() => {
          const { mu, logSigma } = model.encode(ops, adj, 'eval');
          const dec = model.decode(mu, 'eval');
          const loss = vaeLoss(dec.opsLogits, dec.adjLogits, ops, adj, mu, logSigma, mask);
          compareOutputs(tag, { mu, logSigma, ...dec, loss: { ...loss } }, ref);
        });
        evalOut(`${space} evalInit`, g.evalInit);

        const updates: (() => void)[] = [];
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const { mu, logSigma } = model.encode(ops, adj, 'train', updates);
            const dec = model.decode(mu, 'eval');
            const loss = vaeLoss(dec.opsLogits, dec.adjLogits, ops, adj, mu, logSigma, mask);
            compareOutputs(`${space} train`, { mu, logSigma, ...dec, loss: { ...loss } }, g.train, g.train.loss, TRAIN_ATOL);
            trainLoss = Object.fromEntries(LOSS_KEYS.map((k) => [k, loss[k].dataSync()[0]])) as Outputs['loss'];
            return loss.total;
          }, vars);
          const byVar = new Map(vars.map((v, i) => [v.name, names[i]]));
          const logical = new Map(Object.entries(grads).map(([k, t]) => [byVar.get(k)!, t]));
          const host = new Map([...logical].map(([k, t]) => [k, t.dataSync() as Float32Array]));
          for (const [k, t] of host) {
            if (/mlp\.[01]\.b$/.test(k)) {
              // Biases right before a batch norm: the true gradient is exactly 0; both sides are float noise.
              const bound = 1e-5 * g.train.gradNorm;
              assert.ok(t.every((x) => Math.abs(x) < bound) && g.train.grads[k].maxAbs < bound, `${k}: gradient should be ~0`);
              report.push(`${space} grad ${k}: ~0 on both sides (ts max ${Math.max(...t.map(Math.abs)).toExponential(1)}, torch ${g.train.grads[k].maxAbs.toExponential(1)})`);
            } else closeSummary(`${space} grad ${k}`, t, g.train.grads[k]);
          }
          const { norm, scale } = clippedAdamFirstStep(named, host, g.lr, g.adamEps, g.clip);
          close(`${space} grad norm`, [norm], [g.train.gradNorm]);
          close(`${space} clip scale`, [scale], [g.train.clipScale]);
          updates.forEach((u) => u());
        });
        const deltas = g.train.after.deltas;
        for (const k of names) {
          const now = named.get(k)!.dataSync();
          const b = before.get(k)!;
          const d = Float32Array.from(now, (x, i) => x - b[i]);
          // Adam's first step is −lr·g/(|g| + eps): where the reference gradient is ~0 (biases right
          // before a batch norm, whose true gradient is exactly 0) the sign is float noise: skip those.
          const gref = g.train.grads[k];
          const tiny = (i: number) => {
            const v = gref.values ? gref.values[i] : undefined;
            return v !== undefined && Math.abs(v) < 1e-6 * Math.max(gref.maxAbs, 1e-3);
          };
          const skipNoise = /mlp\.[01]\.b$/.test(k) ? () => true : gref.values ? tiny : undefined;
          closeSummary(`${space} Adam delta ${k}`, d, deltas[k], skipNoise, DELTA_ATOL);
        }
        for (const [k, ref] of Object.entries(g.train.after.runningStats)) close(`${space} ${k} after step`, named.get(k)!.dataSync(), ref);
        // Those noise-driven pre-BN bias steps (up to ~lr either way) no longer cancel in eval mode, where
        // BN subtracts the running mean: take the reference's values for them before comparing.
        for (const k of names.filter((n) => /mlp\.[01]\.b$/.test(n))) {
          const b = before.get(k)!;
          const v = named.get(k)!;
          v.assign(tf.tensor(Float32Array.from(deltas[k].values!, (x, i) => b[i] + x), v.shape));
        }
        evalOut(`${space} evalAfter`, g.evalAfter);
      } finally {
        model.dispose();
      }
    });

    // nn.BCELoss on float32 sigmoid outputs: where sigmoid rounds to exactly 1 (logit > 24·ln 2) against
    // a 0 target, log(0) is clamped to -100 (loss 100 per entry, gradient exactly 0); the TS loss does the same.
    const sat = g.train.saturated.ops + g.train.saturated.adj;
    test(`train-mode loss = the reference nn.BCELoss value (${sat} saturated entries in this batch)`, () => {
      assert.ok(trainLoss, 'the train-mode test ran');
      const diff = LOSS_KEYS.map((k) => `${k} ${trainLoss![k].toPrecision(7)} vs ${g.train.loss[k]}`).join(', ');
      report.push(`${space} train loss vs reference nn.BCELoss (${JSON.stringify(g.train.saturated)} saturated): ${diff}; reference grad norm ${g.train.gradNorm} vs logit-form ${g.train.gradLogitFormNorm}`);
      for (const k of LOSS_KEYS) close(`${space} train loss.${k} vs nn.BCELoss`, [trainLoss![k]], [g.train.loss[k]], { atol: 1e-7 });
    });

    test('Stepper.step in eval mode = one reference eval-mode step (clip + Adam)', async () => {
      const model = modelFrom(g);
      const stepper = new Stepper(model, { ...DEFAULT_TRAIN, learningRate: g.lr, adamEpsilon: g.adamEps, clipNorm: g.clip });
      try {
        const named = model.named();
        const before = new Map([...named].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
        stepper.step(ops, adj, 'eval', 0);
        const loss = (await stepper.drainLoss())!;
        for (const k of ['total', 'ops', 'adj', 'kl'] as const) close(`${space} evalStep loss.${k}`, [loss[k]], [g.evalStep.loss[k]], { atol: 1e-7 });
        for (const [k, ref] of Object.entries(g.evalStep.after)) {
          const now = named.get(k)!.dataSync();
          const b = before.get(k)!;
          // Pre-BN biases have a ~0 true gradient, so their first Adam step is noise-driven: skip them.
          closeSummary(`${space} evalStep delta ${k}`, Float32Array.from(now, (x, i) => x - b[i]), ref, /mlp\.[01]\.b$/.test(k) ? () => true : undefined, DELTA_ATOL);
        }
      } finally {
        stepper.dispose();
        model.dispose();
      }
    });
  });
}

/*
 * The host training path (HostArch2vec: hand-derived backward, fused typed-array loops, the large
 * products on a tfjs kernel), which the trainer uses on wasm/cpu, against the same PyTorch fixtures:
 * forward outputs and loss parts in eval and train mode, every gradient, the running statistics after
 * the step, and one full eval-mode optimiser step through the trainer's own ParallelStepper.
 */
for (const space of ['nb201', 'nb101']) {
  describe(`golden ${space} vs PyTorch, host training path`, () => {
    const g = loadGolden(space);
    if (!g) {
      test('fixture', { skip: `test/fixtures/golden/${space}.json missing` }, () => {});
      return;
    }
    const opsIn = f32(g.input.ops);
    const adjIn = f32(g.input.adj);
    const wasm = HostKernels.create();
    const products: [string, () => HostProducts][] = [['tfjs matMul, JS loops', () => ({ mm: tfMatMul() })], ['JS matMul, JS loops', () => ({ mm: jsMatMul })]];
    if (wasm) products.unshift([`the project's kernels: ${wasm.kind}`, () => ({ kernels: HostKernels.create() })]);
    test('the WebAssembly SIMD kernels load here', () => assert.ok(wasm, 'no WebAssembly SIMD in this Node'));
    for (const [label, makeProducts] of products) {
      test(`eval and train-mode forward, loss, every gradient and the running statistics (${label})`, () => {
        const model = modelFrom(g);
        try {
          const layout = flatLayout(model);
          const params = readParams(model, layout);
          const host = new HostArch2vec(model.config, layout, makeProducts());
          const T = layout.trainableSize;
          const S = layout.total - T;
          const tag = `${space} host(${label})`;
          const ev = host.step(params, adjIn, opsIn, g.batch, { mode: 'eval', seed: 0, globalBatch: g.batch }, new Float32Array(T), new Float32Array(S));
          close(`${tag} evalInit mu`, ev.mu, g.evalInit.mu);
          LOSS_KEYS.forEach((k, i) => close(`${tag} evalInit loss.${k}`, [ev.parts[i]], [g.evalInit.loss[k]], { atol: 1e-7 }));

          const grad = new Float32Array(T);
          const stats = new Float32Array(S);
          const tr = host.step(params, adjIn, opsIn, g.batch, { mode: 'train', seed: 0, globalBatch: g.batch, deterministic: true }, grad, stats);
          close(`${tag} train mu`, tr.mu, g.train.mu, { atol: TRAIN_ATOL });
          LOSS_KEYS.forEach((k, i) => close(`${tag} train loss.${k}`, [tr.parts[i]], [g.train.loss[k]], { atol: 1e-7 }));
          let sq = 0;
          for (const x of grad) sq += x * x;
          close(`${tag} grad norm`, [Math.sqrt(sq)], [g.train.gradNorm]);
          for (const s of layout.slots.filter((x) => x.trainable)) {
            const t = grad.subarray(s.offset, s.offset + s.size);
            if (/mlp\.[01]\.b$/.test(s.name)) {
              const bound = 1e-5 * g.train.gradNorm;
              assert.ok(t.every((x) => Math.abs(x) < bound), `${s.name}: gradient should be ~0`);
            } else closeSummary(`${tag} grad ${s.name}`, t, g.train.grads[s.name]);
          }
          for (const [k, ref] of Object.entries(g.train.after.runningStats)) {
            const s = layout.slots.find((x) => x.name === k)!;
            close(`${tag} ${k} after step`, stats.subarray(s.offset - T, s.offset - T + s.size), ref);
          }
          // Embeddings: node-mean of eval μ, as model.embed computes them.
          const e = host.embed(params, adjIn, opsIn, g.batch);
          const ref = tf.tidy(() => model.embed(tf.tensor3d(opsIn, [g.batch, g.nodes, g.opColumns]), tf.tensor3d(adjIn, [g.batch, g.nodes, g.nodes])).dataSync());
          close(`${tag} embed`, e, ref);
        } finally {
          model.dispose();
        }
      });
    }

    test('ParallelStepper (1 thread) eval-mode step = one reference eval-mode step (clip + Adam)', async () => {
      const model = modelFrom(g);
      const stepper = await ParallelStepper.create(model, { ...DEFAULT_TRAIN, learningRate: g.lr, adamEpsilon: g.adamEps, clipNorm: g.clip }, 'cpu', 1);
      try {
        const named = model.named();
        const before = new Map([...named].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
        await stepper.step(adjIn.slice(), opsIn.slice(), g.batch, 'eval', 0);
        stepper.syncModel();
        const loss = (await stepper.drainLoss())!;
        for (const k of LOSS_KEYS) close(`${space} host evalStep loss.${k}`, [loss[k]], [g.evalStep.loss[k]], { atol: 1e-7 });
        for (const [k, ref] of Object.entries(g.evalStep.after)) {
          const now = named.get(k)!.dataSync();
          const b = before.get(k)!;
          closeSummary(`${space} host evalStep delta ${k}`, Float32Array.from(now, (x, i) => x - b[i]), ref, /mlp\.[01]\.b$/.test(k) ? () => true : undefined, DELTA_ATOL);
        }
      } finally {
        await stepper.dispose();
        model.dispose();
      }
    });
  });
}

describe('training on real data', () => {
  // The pure-JS cpu backend needs ~0.8 s per step here; wasm (when it loads) ~10x less.
  let steps = 60;
  before(async () => {
    try {
      await selectBackend('wasm');
    } catch {
      await selectBackend('cpu');
      steps = 30;
    }
  });
  after(async () => {
    await selectBackend('cpu');
  });
  test('60 NB201 steps (30 without wasm; batch 32, train mode) lower the loss', async () => {
    const ds = loadNb201();
    const model = new Arch2vecModel(modelConfigFor(ds.nodes, ds.opColumns), new Rng(3));
    const stepper = new Stepper(model, DEFAULT_TRAIN);
    const perm = new Rng(3).permutation(ds.count);
    const b = 32;
    const opsBuf = new Float32Array(b * ds.nodes * ds.opColumns);
    const adjBuf = new Float32Array(b * ds.nodes * ds.nodes);
    const losses: number[] = [];
    try {
      for (let s = 0; s < steps; s++) {
        for (let i = 0; i < b; i++) ds.fillEncoding(perm[s * b + i], adjBuf, opsBuf, i);
        const ops = tf.tensor3d(opsBuf, [b, ds.nodes, ds.opColumns]);
        const adj = tf.tensor3d(adjBuf, [b, ds.nodes, ds.nodes]);
        stepper.step(ops, adj, 'train', 1000 + s);
        tf.dispose([ops, adj]);
        if (s % 10 === 9) losses.push((await stepper.drainLoss())!.total);
      }
    } finally {
      stepper.dispose();
      model.dispose();
    }
    report.push(`training (${tf.getBackend()}, ${steps} steps): mean loss per 10 steps ${losses.map((l) => l.toFixed(4)).join(' → ')}`);
    assert.ok(losses.every(Number.isFinite));
    assert.ok(losses[losses.length - 1] < 0.7 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  });
});
