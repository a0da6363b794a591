/**
 * A data-parallel training worker: its own model replica and product kernel (wasm is single-threaded in
 * Node, so one per core). Each step it loads the shared parameters, computes its shard's gradients
 * into its slice of shared memory, and reports the loss parts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackendName } from '../backend';
import { Rng } from '../data/random';
import { Arch2vecModel } from '../model/arch2vecModel';
import type { ModelConfig } from '../model/config';
import { flatLayout, hostProducts, ShardComputer } from './shard';
import { runEmbedWorker } from '../query/embedWorker';

export interface WorkerInit {
  role: 'train';
  backend: BackendName;
  model: ModelConfig;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  index: number;
}

export type WorkerRequest =
  | { type: 'step'; adj: Float32Array; ops: Float32Array; b: number; globalBatch: number; mode: 'train' | 'eval'; seed: number }
  | { type: 'mu' }
  | { type: 'reset' };

export type WorkerReply =
  | { type: 'ready'; device: string }
  | { type: 'done'; parts: Float64Array }
  | { type: 'mu'; sum: Float64Array; sq: Float64Array; count: number }
  | { type: 'error'; message: string };

async function main() {
  const init = workerData as WorkerInit;
  // With the project's wasm kernels the shard never calls tfjs: the replica (which only gives the
  // parameter layout) lives on tfjs's plain JS backend, and the worker does not grow a second tfjs-wasm heap.
  const products = hostProducts(init.backend);
  const report = await selectBackend(products.kernels ? 'cpu' : init.backend);
  const model = new Arch2vecModel(init.model, new Rng(0));
  const layout = flatLayout(model);
  const shard = new ShardComputer(model, layout, products);
  const params = new Float32Array(init.params);
  const grads = new Float32Array(init.grads, init.index * layout.trainableSize * 4, layout.trainableSize);
  const statsSize = layout.total - layout.trainableSize;
  const stats = new Float32Array(init.stats, init.index * statsSize * 4, statsSize);
  const port = parentPort!;
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'step') {
        const parts = shard.compute(params, msg.adj, msg.ops, msg.b, msg.globalBatch, msg.mode, msg.seed, grads, stats);
        port.postMessage({ type: 'done', parts } satisfies WorkerReply);
      } else if (msg.type === 'mu') {
        port.postMessage({ type: 'mu', sum: shard.muSum, sq: shard.muSqSum, count: shard.muCount } satisfies WorkerReply);
      } else if (msg.type === 'reset') {
        shard.resetEpochStats();
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready', device: report.device } satisfies WorkerReply);
}

// The same bundle runs the embedding workers (query/embedPool.ts), so tfjs ships once.
((workerData as { role?: string }).role === 'embed' ? runEmbedWorker() : main())
  .catch((e) => parentPort?.postMessage({ type: 'error', message: (e as Error).stack ?? String(e) }));
