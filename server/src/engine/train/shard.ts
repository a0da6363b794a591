import { getBackend, tensor as tensorOf } from '@tensorflow/tfjs-core';
import type { Arch2vecModel, Mode } from '../model/arch2vecModel';
import { HostArch2vec, type HostProducts } from '../model/hostModel';
import { HostKernels } from '../model/hostKernels';
import { tfMatMul } from '../model/tfMatMul';

/**
 * What computes the host path: this project's WebAssembly SIMD kernels (products 1.6x tfjs-wasm's XNNPACK
 * here, and the elementwise work beside them) unless tfjs runs on native TensorFlow, whose BLAS products
 * are faster still; without WebAssembly SIMD, tfjs's products and the JS loops.
 */
export function hostProducts(backend = getBackend()): HostProducts {
  const kernels = HostKernels.forBackend(backend);
  return kernels ? { kernels } : { mm: tfMatMul() };
}

/** What `products` are, for logs and model directories. */
export function productsKind(products: HostProducts): string {
  return products.kernels ? products.kernels.kind : `tfjs ${getBackend()} matMul and JS loops`;
}

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

/** Copies the model's variables into a flat array of `layout`. */
export function readParams(model: Arch2vecModel, layout: FlatLayout, out: Float32Array<ArrayBufferLike> = new Float32Array(layout.total)): Float32Array<ArrayBufferLike> {
  const named = model.named();
  for (const s of layout.slots) out.set(named.get(s.name)!.dataSync() as Float32Array, s.offset);
  return out;
}

/** Writes a flat array of `layout` back into the model's variables. */
export function writeParams(model: Arch2vecModel, layout: FlatLayout, flat: Float32Array): void {
  const named = model.named();
  for (const s of layout.slots) {
    const v = named.get(s.name)!;
    // assign() wants a tensor of the variable's backend; tensor() copies the slice.
    const t = tensorOf(flat.subarray(s.offset, s.offset + s.size), s.shape);
    v.assign(t);
    t.dispose();
  }
}

/**
 * Computes one shard's loss and gradients on the flat layout with the hand-derived host pass
 * (`HostArch2vec`). Used by the main thread and by each worker thread of the data-parallel trainer, so
 * both run literally the same code. Also accumulates the μ statistics the validity metric samples from.
 */
export class ShardComputer {
  readonly host: HostArch2vec;
  readonly muSum: Float64Array;
  readonly muSqSum: Float64Array;
  muCount = 0;

  constructor(readonly model: Arch2vecModel, readonly layout: FlatLayout, readonly products: HostProducts = hostProducts()) {
    this.host = new HostArch2vec(model.config, layout, products);
    this.muSum = new Float64Array(model.config.nodes * model.config.latent);
    this.muSqSum = new Float64Array(model.config.nodes * model.config.latent);
  }

  /**
   * Forward + backward on this shard with losses normalised by the global batch: gradients (flat,
   * trainable part) written into `gradOut`, running statistics after this shard's batch into `statsOut`
   * (the non-trainable part); returns [total, ops, adj, kl] of this shard's share.
   */
  compute(params: Float32Array, adjBuf: Float32Array, opsBuf: Float32Array, b: number, globalBatch: number, mode: Mode, seed: number, gradOut: Float32Array, statsOut: Float32Array): Float64Array {
    const { nodes: n, latent } = this.model.config;
    const { parts, mu } = this.host.step(params, adjBuf, opsBuf, b, { mode, seed, globalBatch, overwriteGrad: true }, gradOut, statsOut);
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < n * latent; k++) {
        const x = mu[i * n * latent + k];
        this.muSum[k] += x;
        this.muSqSum[k] += x * x;
      }
    }
    this.muCount += b;
    return parts;
  }

  resetEpochStats() {
    this.muSum.fill(0);
    this.muSqSum.fill(0);
    this.muCount = 0;
  }
}
