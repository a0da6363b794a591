/**
 * Runs the arch2vec model's deterministic pieces on whichever tfjs backend is active, returning plain
 * Float32Arrays so results from different backends (one active per process) can be compared.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Arch2vecModel } from '../../server/src/engine/model/arch2vecModel';
import { modelConfigFor, DEFAULT_TRAIN } from '../../server/src/engine/model/config';
import { upperMask, vaeLoss } from '../../server/src/engine/model/loss';
import { loadNb201 } from '../../server/src/engine/data/nasbench201Data';
import { Rng } from '../../server/src/engine/data/random';

export interface NbBatch { ops: Float32Array; adj: Float32Array; size: number; nodes: number; opColumns: number }

/** `size` NB201 cells drawn with a fixed seed (the same batch on every backend). */
export function nb201Batch(size: number, seed = 11): NbBatch {
  const ds = loadNb201();
  const idx = new Rng(seed).permutation(ds.count).subarray(0, size);
  const adj = new Float32Array(size * ds.nodes * ds.nodes);
  const ops = new Float32Array(size * ds.nodes * ds.opColumns);
  idx.forEach((i, s) => ds.fillEncoding(i, adj, ops, s));
  return { ops, adj, size, nodes: ds.nodes, opColumns: ds.opColumns };
}

function tensors(b: NbBatch): { ops: tf.Tensor3D; adj: tf.Tensor3D } {
  return { ops: tf.tensor3d(b.ops, [b.size, b.nodes, b.opColumns]), adj: tf.tensor3d(b.adj, [b.size, b.nodes, b.nodes]) };
}

/**
 * On the active backend: a fresh model from `seed`, then
 * - embed: eval-mode embeddings (model.embed);
 * - mu, logSigma, opsLogits, adjLogits, loss.{total,ops,adj,kl}: train-mode encode (batch statistics),
 *   eval-mode decode of z = mu (no sampling, no dropout), the reference loss;
 * - running.*: batch-norm running statistics after that train-mode pass;
 * - grad.*: d loss / d every trainable variable (tf.variableGrads), by logical name, and grad.norm,
 *   their global norm.
 */
export async function modelOutputs(batch: NbBatch, seed = 3): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const model = new Arch2vecModel(modelConfigFor(batch.nodes, batch.opColumns), new Rng(seed));
  const { ops, adj } = tensors(batch);
  const mask = upperMask(batch.nodes);
  const read = async (name: string, t: tf.Tensor) => out.set(name, (await t.data()) as Float32Array);
  try {
    const emb = model.embed(ops, adj);
    await read('embed', emb);
    emb.dispose();

    const forward = (updates: (() => void)[]) => {
      const { mu, logSigma } = model.encode(ops, adj, 'train', updates);
      const { opsLogits, adjLogits } = model.decode(mu, 'eval');
      const loss = vaeLoss(opsLogits, adjLogits, ops, adj, mu, logSigma, mask);
      return { mu, logSigma, opsLogits, adjLogits, loss };
    };
    const updates: (() => void)[] = [];
    const parts = tf.tidy(() => {
      const f = forward(updates);
      return [f.mu, f.logSigma, f.opsLogits, f.adjLogits, f.loss.total, f.loss.ops, f.loss.adj, f.loss.kl];
    });
    const names = ['mu', 'logSigma', 'opsLogits', 'adjLogits', 'loss.total', 'loss.ops', 'loss.adj', 'loss.kl'];
    for (let i = 0; i < parts.length; i++) await read(names[i], parts[i]);
    tf.dispose(parts);
    tf.tidy(() => updates.forEach((u) => u()));
    for (const [name, v] of model.named()) if (!v.trainable) await read(`running.${name}`, v);

    const named = [...model.named()].filter(([, v]) => v.trainable);
    const byVar = new Map(named.map(([k, v]) => [v.name, k]));
    const gradUpdates: (() => void)[] = [];
    const { value, grads } = tf.variableGrads(() => forward(gradUpdates).loss.total, named.map(([, v]) => v));
    // Release the running-stat closures without applying them a second time.
    tf.tidy(() => gradUpdates.forEach((u) => u()));
    await read('grad.loss', value);
    // The global gradient norm as trainers clip it: tf.addN over every variable (43 inputs; WebGPU
    // has a per-shader limit of storage buffers, 8 on many adapters).
    const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum()))));
    await read('grad.norm', norm);
    norm.dispose();
    for (const [k, g] of Object.entries(grads)) await read(`grad.${byVar.get(k)}`, g);
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose([ops, adj, mask]);
    model.dispose();
  }
  return out;
}

export interface Diff { maxAbs: number; maxRel: number; worst: string; worstRel: string; failures: string[] }

/**
 * Compares every entry of every output with the reference. Each output belongs to a group (the name up to
 * the first '.': all gradients form one group) whose scale is its largest |reference|; an entry passes
 * when |a - b| ≤ atol·scale + rtol·|b|. Gradients are judged against the scale of all gradients, so
 * ones that are exactly zero in theory (a linear bias before batch norm) and ~1e-9 on another backend
 * pass. maxRel is |a - b| / (|b| + 1e-3·scale) at its worst entry.
 */
export function compare(a: Map<string, Float32Array>, ref: Map<string, Float32Array>, atol: number, rtol: number): Diff {
  const group = (name: string) => name.split('.')[0];
  const scales = new Map<string, number>();
  for (const [name, r] of ref) {
    let m = scales.get(group(name)) ?? 0;
    for (const v of r) m = Math.max(m, Math.abs(v));
    scales.set(group(name), m);
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worst = '';
  let worstRel = '';
  const failures: string[] = [];
  for (const [name, r] of ref) {
    const x = a.get(name);
    if (!x || x.length !== r.length) {
      failures.push(`${name}: missing or wrong length`);
      continue;
    }
    const scale = scales.get(group(name))!;
    let bad = 0;
    for (let i = 0; i < r.length; i++) {
      const d = Math.abs(x[i] - r[i]);
      if (!(d <= atol * scale + rtol * Math.abs(r[i]))) bad++;
      if (!(d <= maxAbs)) {
        maxAbs = Number.isNaN(d) ? Infinity : d;
        worst = `${name}[${i}] ${x[i]} vs ${r[i]}`;
      }
      const rel = d / (Math.abs(r[i]) + scale * 1e-3 + 1e-30);
      if (!(rel <= maxRel)) {
        maxRel = Number.isNaN(rel) ? Infinity : rel;
        worstRel = `${name}[${i}] ${x[i]} vs ${r[i]}`;
      }
    }
    if (bad) failures.push(`${name}: ${bad}/${r.length} entries off (e.g. worst overall ${worst})`);
  }
  return { maxAbs, maxRel, worst, worstRel, failures };
}

/**
 * Training throughput on the active backend: full optimiser steps as the trainer takes them on a GPU
 * backend — train-mode forward (sampling, dropout), loss, tf.variableGrads, global-norm clipping and
 * Adam, all on the device — graphs/s over the steps after `warmup`, timed to a read-back of the loss.
 * Self-contained (not the trainer's stepper classes, whose host-side variants are backend-specific).
 */
export async function trainThroughput(batch: NbBatch, opts: { warmup?: number; minSteps?: number; minMs?: number } = {}): Promise<{ graphsPerSec: number; steps: number; msPerStep: number }> {
  const { warmup = 2, minSteps = 3, minMs = 500 } = opts;
  const { learningRate: lr, adamEpsilon: eps, clipNorm } = DEFAULT_TRAIN;
  const model = new Arch2vecModel(modelConfigFor(batch.nodes, batch.opColumns), new Rng(3));
  const vars = model.trainable();
  const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const v2 = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const lossSum = tf.variable(tf.zeros([]), false);
  const { ops, adj } = tensors(batch);
  const mask = upperMask(batch.nodes);
  let t = 0;
  const step = (seed: number) => {
    t++;
    const updates: (() => void)[] = [];
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const out = model.forward(ops, adj, 'train', updates, seed);
        return vaeLoss(out.opsLogits, out.adjLogits, ops, adj, out.mu, out.logSigma, mask).total;
      }, vars);
      const g = vars.map((x) => grads[x.name]);
      const norm = tf.sqrt(tf.addN(g.map((x) => x.square().sum())));
      const scale = tf.minimum(1, tf.scalar(clipNorm).div(norm.add(1e-6)));
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      vars.forEach((x, i) => {
        const gi = g[i].mul(scale);
        const m1 = m[i].mul(0.9).add(gi.mul(0.1));
        const v1 = v2[i].mul(0.999).add(gi.square().mul(0.001));
        m[i].assign(m1);
        v2[i].assign(v1);
        x.assign(x.sub(m1.div(c1).div(v1.div(c2).sqrt().add(eps)).mul(lr)));
      });
      lossSum.assign(lossSum.add(value));
      updates.forEach((u) => u());
    });
  };
  try {
    for (let i = 0; i < warmup; i++) step(i);
    await lossSum.data();
    const t0 = performance.now();
    let steps = 0;
    while (steps < minSteps || performance.now() - t0 < minMs) {
      step(100 + steps);
      steps++;
      if (steps % 4 === 0 || steps >= minSteps) await lossSum.data(); // sync so the clock measures work done
    }
    const loss = (await lossSum.data())[0];
    if (!Number.isFinite(loss)) throw new Error(`training diverged: summed loss ${loss}`);
    const ms = performance.now() - t0;
    return { graphsPerSec: (steps * batch.size * 1000) / ms, steps, msPerStep: ms / steps };
  } finally {
    tf.dispose([ops, adj, mask, lossSum, ...m, ...v2]);
    model.dispose();
  }
}
