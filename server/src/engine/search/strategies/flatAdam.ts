/**
 * Adam over one flat float64 parameter vector, exactly PyTorch's defaults (β = 0.9, 0.999, ε = 1e-8
 * added after the square root, bias-corrected), for the two small networks the strategies train
 * (DNGO's MLP, the RL policy). Pure host arithmetic: deterministic and no tfjs.
 */
export class FlatAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(readonly size: number, readonly lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(params: Float64Array, grad: Float64Array): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = Math.sqrt(1 - Math.pow(b2, this.t));
    const a = this.lr / c1;
    for (let i = 0; i < this.size; i++) {
      const g = grad[i];
      const mi = (this.m[i] = b1 * this.m[i] + (1 - b1) * g);
      const vi = (this.v[i] = b2 * this.v[i] + (1 - b2) * g * g);
      params[i] -= (a * mi) / (Math.sqrt(vi) / c2 + this.eps);
    }
  }
}
