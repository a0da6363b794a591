import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';

/**
 * Adam as PyTorch computes it (bias-corrected moments, eps added after the square root), with its
 * state keyed by the model's logical variable names so checkpoints resume exactly.
 */
export class Adam {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(readonly lr: number, readonly eps: number, readonly beta1 = 0.9, readonly beta2 = 0.999) {}

  apply(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    this.step++;
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const p = vars.get(name)!;
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(p), false);
          v = tf.variable(tf.zerosLike(p), false);
          this.m.set(name, m);
          this.v.set(name, v);
        }
        const m1 = m.mul(this.beta1).add(g.mul(1 - this.beta1));
        const v1 = v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        p.assign(p.sub(m1.div(c1).div(v1.div(c2).sqrt().add(this.eps)).mul(this.lr)));
      }
    });
  }

  dispose() {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
