import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { Arch2vecModel, Mode } from '../model/arch2vecModel';
import type { TrainConfig } from '../model/config';
import { Adam } from '../model/adam';
import { upperMask, vaeLoss } from '../model/loss';

/**
 * One optimiser step: forward, loss, gradients, global-norm clipping and Adam, all on the device with
 * no read-back (syncing every step costs more than the step on small graphs). Loss parts are summed
 * into device-side accumulators the caller reads when it reports progress.
 */
export class Stepper {
  readonly optimizer: Adam;
  private readonly trainableNames: string[];
  private readonly mask: tf.Tensor2D;
  /** [total, ops, adj, kl] summed since the last `drainLoss`. */
  private lossSum: tf.Variable;
  private lossCount = 0;
  /** Σμ and Σμ² per (node, dim) over the epoch's training graphs: the validity sampler's N(mean, std). */
  readonly muSum: tf.Variable;
  readonly muSqSum: tf.Variable;
  muCount = 0;

  constructor(readonly model: Arch2vecModel, readonly config: TrainConfig) {
    const named = model.named();
    this.trainableNames = [...named].filter(([, v]) => v.trainable).map(([k]) => k);
    this.optimizer = new Adam(new Map(this.trainableNames.map((k) => [k, named.get(k)!])), config.learningRate, config.adamEpsilon, config.clipNorm);
    this.mask = upperMask(model.config.nodes);
    this.lossSum = tf.variable(tf.zeros([4]), false);
    this.muSum = tf.variable(tf.zeros([model.config.nodes, model.config.latent]), false);
    this.muSqSum = tf.variable(tf.zeros([model.config.nodes, model.config.latent]), false);
  }

  step(ops: tf.Tensor3D, adj: tf.Tensor3D, mode: Mode, seed: number): void {
    const updates: (() => void)[] = [];
    const named = this.model.named();
    const names = this.trainableNames;
    const vars = names.map((k) => named.get(k)!);
    tf.tidy(() => {
      let parts: tf.Tensor1D | undefined;
      let mu: tf.Tensor3D | undefined;
      const { grads } = tf.variableGrads(() => {
        const out = this.model.forward(ops, adj, mode, updates, seed);
        const l = vaeLoss(out.opsLogits, out.adjLogits, ops, adj, out.mu, out.logSigma, this.mask);
        parts = tf.keep(tf.stack([l.total, l.ops, l.adj, l.kl]) as tf.Tensor1D);
        mu = tf.keep(out.mu);
        return l.total;
      }, vars);
      // variableGrads keys gradients by the tfjs variable name; map them back to logical names.
      const byVar = new Map(vars.map((v, i) => [v.name, names[i]]));
      const byName = new Map<string, tf.Tensor>();
      for (const [k, g] of Object.entries(grads)) byName.set(byVar.get(k)!, g);
      this.optimizer.apply(named, byName);
      this.lossSum.assign(this.lossSum.add(parts!));
      this.muSum.assign(this.muSum.add(mu!.sum(0)));
      this.muSqSum.assign(this.muSqSum.add(mu!.square().sum(0)));
      tf.dispose([parts!, mu!]);
      for (const u of updates) u();
    });
    this.lossCount++;
    this.muCount += ops.shape[0];
  }

  /** Mean loss parts since the last call (one read-back). */
  async drainLoss(): Promise<{ total: number; ops: number; adj: number; kl: number } | undefined> {
    if (this.lossCount === 0) return undefined;
    const v = await this.lossSum.data();
    const n = this.lossCount;
    this.lossSum.assign(tf.zeros([4]));
    this.lossCount = 0;
    return { total: v[0] / n, ops: v[1] / n, adj: v[2] / n, kl: v[3] / n };
  }

  resetEpochStats() {
    this.muSum.assign(tf.zerosLike(this.muSum));
    this.muSqSum.assign(tf.zerosLike(this.muSqSum));
    this.muCount = 0;
  }

  dispose() {
    tf.dispose([this.mask, this.lossSum, this.muSum, this.muSqSum]);
    this.optimizer.dispose();
  }
}
