import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { Arch2vecModel, Mode } from '../model/arch2vecModel';
import { upperMask, vaeLoss } from '../model/loss';

/** Where each variable sits in a flat Float32Array: trainables first, then batch-norm running stats. */
export interface FlatLayout {
  slots: { name: string; shape: number[]; offset: number; size: number; trainable: boolean }[];
  trainableSize: number;
  total: number;
}

export function flatLayout(model: Arch2vecModel): FlatLayout {
  const named = [...model.named()];
  const ordered = [...named.filter(([, v]) => v.trainable), ...named.filter(([, v]) => !v.trainable)];
  let offset = 0;
  let trainableSize = 0;
  const slots = ordered.map(([name, v]) => {
    const slot = { name, shape: v.shape, offset, size: v.size, trainable: v.trainable };
    offset += v.size;
    if (v.trainable) trainableSize = offset;
    return slot;
  });
  return { slots, trainableSize, total: offset };
}

/**
 * Computes one shard's gradients on the host-visible flat layout. Used by the main thread and by each
 * worker thread of the data-parallel trainer, so both run literally the same code.
 */
export class ShardComputer {
  private readonly mask: tf.Tensor2D;
  private readonly vars: Map<string, tf.Variable>;
  readonly muSum: Float64Array;
  readonly muSqSum: Float64Array;
  muCount = 0;

  constructor(readonly model: Arch2vecModel, readonly layout: FlatLayout) {
    this.mask = upperMask(model.config.nodes);
    this.vars = model.named();
    this.muSum = new Float64Array(model.config.nodes * model.config.latent);
    this.muSqSum = new Float64Array(model.config.nodes * model.config.latent);
  }

  /** Loads all variables (trainables and running stats) from a flat array. */
  setParams(flat: Float32Array) {
    for (const s of this.layout.slots) {
      const t = tf.tensor(flat.subarray(s.offset, s.offset + s.size), s.shape);
      this.vars.get(s.name)!.assign(t);
      t.dispose();
    }
  }

  /** Writes the current running statistics (the non-trainable tail of the layout) into `out`. */
  readRunningStats(out: Float32Array) {
    for (const s of this.layout.slots) if (!s.trainable) out.set(this.vars.get(s.name)!.dataSync() as Float32Array, s.offset - this.layout.trainableSize);
  }

  /**
   * Forward + backward on this shard with losses normalised by the global batch, gradients written
   * (flat, trainable part) into `gradOut`; returns [total, ops, adj, kl] of this shard's share.
   */
  compute(adjBuf: Float32Array, opsBuf: Float32Array, b: number, globalBatch: number, mode: Mode, seed: number, gradOut: Float32Array): Float32Array {
    const { nodes: n, opColumns: d, latent } = this.model.config;
    const updates: (() => void)[] = [];
    const trainables = this.layout.slots.filter((s) => s.trainable);
    const vars = trainables.map((s) => this.vars.get(s.name)!);
    const byVar = new Map(vars.map((v, i) => [v.name, trainables[i]]));
    let parts: Float32Array = new Float32Array(4);
    tf.tidy(() => {
      const adj = tf.tensor3d(adjBuf.subarray(0, b * n * n), [b, n, n]);
      const ops = tf.tensor3d(opsBuf.subarray(0, b * n * d), [b, n, d]);
      let partsT: tf.Tensor | undefined;
      let muT: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = this.model.forward(ops, adj, mode, updates, seed);
        const l = vaeLoss(out.opsLogits, out.adjLogits, ops, adj, out.mu, out.logSigma, this.mask, globalBatch);
        partsT = tf.keep(tf.stack([l.total, l.ops, l.adj, l.kl]));
        muT = tf.keep(out.mu);
        return l.total;
      }, vars);
      for (const [k, g] of Object.entries(grads)) {
        const s = byVar.get(k)!;
        gradOut.set(g.dataSync() as Float32Array, s.offset);
      }
      parts = partsT!.dataSync() as Float32Array;
      const mu = muT!.dataSync() as Float32Array;
      for (let i = 0; i < b; i++) {
        for (let k = 0; k < n * latent; k++) {
          const x = mu[i * n * latent + k];
          this.muSum[k] += x;
          this.muSqSum[k] += x * x;
        }
      }
      tf.dispose([partsT!, muT!]);
      for (const u of updates) u();
    });
    this.muCount += b;
    return parts;
  }

  resetEpochStats() {
    this.muSum.fill(0);
    this.muSqSum.fill(0);
    this.muCount = 0;
  }

  dispose() {
    this.mask.dispose();
  }
}
