import * as tf from '@tensorflow/tfjs-core';
import '../model/tfSetup';
import type { Arch2vecModel, Mode } from '../model/arch2vecModel';
import type { TrainConfig } from '../model/config';
import { Adam } from '../model/adam';
import { upperMask, vaeLoss } from '../model/loss';
import { statsCombine, type TrainingStepper } from './parallel';

/**
 * Training steps kept entirely on the device (GPU backends): forward, loss, gradients, clipping and
 * Adam with no read-back per step — a sync per step would cost more than the step on small graphs.
 * Loss parts and the μ statistics accumulate in device tensors, read when progress is reported.
 */
export class DeviceStepper implements TrainingStepper {
  readonly threads = 1;
  readonly optimizer: Adam;
  private readonly trainableNames: string[];
  private readonly mask: tf.Tensor2D;
  private lossSum: tf.Variable;
  private lossCount = 0;
  private readonly muSum: tf.Variable;
  private readonly muSqSum: tf.Variable;
  private muCount = 0;

  constructor(readonly model: Arch2vecModel, readonly config: TrainConfig) {
    const named = model.named();
    this.trainableNames = [...named].filter(([, v]) => v.trainable).map(([k]) => k);
    this.optimizer = new Adam(new Map(this.trainableNames.map((k) => [k, named.get(k)!])), config.learningRate, config.adamEpsilon, config.clipNorm);
    this.mask = upperMask(model.config.nodes);
    this.lossSum = tf.variable(tf.zeros([4]), false);
    this.muSum = tf.variable(tf.zeros([model.config.nodes, model.config.latent]), false);
    this.muSqSum = tf.variable(tf.zeros([model.config.nodes, model.config.latent]), false);
  }

  get adamStep() {
    return this.optimizer.step;
  }
  set adamStep(s: number) {
    this.optimizer.step = s;
  }

  async step(adjBuf: Float32Array, opsBuf: Float32Array, b: number, mode: Mode, seed: number): Promise<void> {
    const { nodes: n, opColumns: d } = this.model.config;
    tf.tidy(() => this.stepTensors(tf.tensor3d(opsBuf.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adjBuf.subarray(0, b * n * n), [b, n, n]), mode, seed));
  }

  /** One step on tensors already on the device. */
  stepTensors(ops: tf.Tensor3D, adj: tf.Tensor3D, mode: Mode, seed: number): void {
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

  async drainLoss() {
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

  async latentStats() {
    const sum = Float64Array.from((await this.muSum.data()) as Float32Array);
    const sq = Float64Array.from((await this.muSqSum.data()) as Float32Array);
    return { ...statsCombine(sum, sq, this.muCount), count: this.muCount };
  }

  exportOptimizer() {
    return this.optimizer.exportState();
  }

  importOptimizer(m: Map<string, Float32Array>, v: Map<string, Float32Array>, step: number) {
    this.optimizer.importState(m, v, step);
  }

  reloadParams() {
    /* the variables are the state */
  }

  syncModel() {
    /* the variables are the state */
  }

  async dispose() {
    tf.dispose([this.mask, this.lossSum, this.muSum, this.muSqSum]);
    this.optimizer.dispose();
  }
}

/** Tensor-input facade over DeviceStepper, for tests and probes that already hold device tensors. */
export class Stepper {
  private readonly inner: DeviceStepper;
  constructor(model: Arch2vecModel, config: TrainConfig) {
    this.inner = new DeviceStepper(model, config);
  }
  step(ops: tf.Tensor3D, adj: tf.Tensor3D, mode: Mode, seed: number): void {
    this.inner.stepTensors(ops, adj, mode, seed);
  }
  drainLoss() {
    return this.inner.drainLoss();
  }
  dispose() {
    void this.inner.dispose();
  }
}
