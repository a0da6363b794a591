import * as tf from '@tensorflow/tfjs-core';
import './tfSetup';

/**
 * One clipped Adam update on flat host arrays (params, m, v updated in place): the same arithmetic as
 * the device path, shared by the single-process and the data-parallel trainers.
 */
export function adamHostUpdate(params: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: number, lr: number, eps: number, clipNorm: number, beta1 = 0.9, beta2 = 0.999): number {
  let sq = 0;
  for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  adamUpdateRange(params, g, m, v, 0, g.length, adamCoefficients(norm, step, lr, clipNorm, beta1, beta2), eps, beta1, beta2);
  return norm;
}

export interface AdamCoefficients {
  /** Global-norm clipping factor of the gradient. */
  scale: number;
  /** Bias-corrected step size lr / (1 − β1^t). */
  a: number;
  /** Second-moment bias correction 1 − β2^t. */
  c2: number;
}

export function adamCoefficients(norm: number, step: number, lr: number, clipNorm: number, beta1: number, beta2: number): AdamCoefficients {
  return {
    scale: Number.isFinite(clipNorm) ? Math.min(1, clipNorm / (norm + 1e-6)) : 1,
    a: lr / (1 - Math.pow(beta1, step)),
    c2: 1 - Math.pow(beta2, step),
  };
}

/** The clipped Adam update of elements [from, to) (HostKernels.adam runs the same arithmetic in SIMD lanes). */
export function adamUpdateRange(params: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, from: number, to: number, c: AdamCoefficients, eps: number, beta1: number, beta2: number): void {
  const { scale, a, c2 } = c;
  for (let i = from; i < to; i++) {
    const gi = g[i] * scale;
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    params[i] -= (a * m[i]) / (Math.sqrt(v[i] / c2) + eps);
  }
}

export interface ParamSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/**
 * Adam as PyTorch computes it (bias-corrected moments, eps added after the square root) with global
 * gradient-norm clipping, over ONE flat vector of all parameters: per-variable updates cost ~10
 * kernels per variable (≈700 per step), which dominated small-graph steps on wasm. The moments are
 * exported per logical variable name so checkpoints stay readable and resume exactly.
 */
export class Adam {
  step = 0;
  readonly layout: ParamSlot[];
  readonly total: number;
  private m: tf.Variable;
  private v: tf.Variable;

  constructor(vars: Map<string, tf.Variable>, readonly lr: number, readonly eps: number, readonly clipNorm = Infinity, readonly beta1 = 0.9, readonly beta2 = 0.999) {
    let offset = 0;
    this.layout = [...vars].map(([name, v]) => {
      const slot = { name, shape: v.shape, offset, size: v.size };
      offset += v.size;
      return slot;
    });
    this.total = offset;
    this.m = tf.variable(tf.zeros([offset]), false);
    this.v = tf.variable(tf.zeros([offset]), false);
  }

  /**
   * Host-side update for backends whose memory is ours (wasm, cpu, tfjs-node CPU): reading gradients
   * back is a memcpy, and one JS loop over 123k floats replaces ~800 tiny kernels per step. GPU
   * backends keep everything on the device.
   */
  readonly onHost = ['wasm', 'cpu', 'tensorflow'].includes(tf.getBackend());
  private hostM?: Float32Array;
  private hostV?: Float32Array;

  /** Clips the gradients by their global norm (clip_grad_norm_) and applies one Adam update. */
  apply(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    this.step++;
    if (this.onHost) this.applyOnHost(vars, grads);
    else this.applyOnDevice(vars, grads);
  }

  private applyOnHost(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    if (!this.hostM || !this.hostV) {
      this.hostM = this.m.dataSync() as Float32Array;
      this.hostV = this.v.dataSync() as Float32Array;
    }
    const g = new Float32Array(this.total);
    const params = new Float32Array(this.total);
    for (const s of this.layout) {
      g.set(grads.get(s.name)!.dataSync() as Float32Array, s.offset);
      params.set(vars.get(s.name)!.dataSync() as Float32Array, s.offset);
    }
    adamHostUpdate(params, g, this.hostM, this.hostV, this.step, this.lr, this.eps, this.clipNorm, this.beta1, this.beta2);
    for (const s of this.layout) {
      const t = tf.tensor(params.subarray(s.offset, s.offset + s.size), s.shape);
      vars.get(s.name)!.assign(t);
      t.dispose();
    }
  }

  private applyOnDevice(vars: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): void {
    const c1 = 1 - Math.pow(this.beta1, this.step);
    const c2 = 1 - Math.pow(this.beta2, this.step);
    tf.tidy(() => {
      const flat = tf.concat(this.layout.map((s) => grads.get(s.name)!.reshape([s.size])));
      let g: tf.Tensor = flat;
      if (Number.isFinite(this.clipNorm)) {
        const norm = tf.sqrt(tf.sum(tf.square(flat)));
        g = flat.mul(tf.minimum(tf.scalar(1), tf.scalar(this.clipNorm).div(norm.add(1e-6))));
      }
      const m1 = this.m.mul(this.beta1).add(g.mul(1 - this.beta1));
      const v1 = this.v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
      this.m.assign(m1);
      this.v.assign(v1);
      const delta = m1.mul(this.lr / c1).div(v1.div(c2).sqrt().add(this.eps));
      for (const s of this.layout) {
        const p = vars.get(s.name)!;
        p.assign(p.sub(tf.slice(delta, [s.offset], [s.size]).reshape(s.shape)));
      }
    });
  }

  /** Moments per variable name (for checkpoints). */
  async exportState(): Promise<{ m: Map<string, Float32Array>; v: Map<string, Float32Array> }> {
    // data(), not dataSync(): the WebGPU backend in Node cannot read back synchronously.
    const md = this.hostM ?? ((await this.m.data()) as Float32Array);
    const vd = this.hostV ?? ((await this.v.data()) as Float32Array);
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const s of this.layout) {
      m.set(s.name, md.slice(s.offset, s.offset + s.size));
      v.set(s.name, vd.slice(s.offset, s.offset + s.size));
    }
    return { m, v };
  }

  importState(m: Map<string, Float32Array>, v: Map<string, Float32Array>, step: number): void {
    const md = new Float32Array(this.total);
    const vd = new Float32Array(this.total);
    for (const s of this.layout) {
      const a = m.get(s.name);
      const b = v.get(s.name);
      if (!a || !b || a.length !== s.size || b.length !== s.size) throw new Error(`checkpoint has no optimizer state for '${s.name}'`);
      md.set(a, s.offset);
      vd.set(b, s.offset);
    }
    this.m.assign(tf.tensor1d(md));
    this.v.assign(tf.tensor1d(vd));
    this.hostM = this.onHost ? md : undefined;
    this.hostV = this.onHost ? vd : undefined;
    this.step = step;
  }

  dispose() {
    this.m.dispose();
    this.v.dispose();
  }
}
