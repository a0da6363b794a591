/**
 * An embedding worker (a role of the engine's worker bundle, train/trainWorker.ts): its own encoder (wasm
 * is single-threaded in Node, so one per core) folded from the weights it was last sent. Embeds the
 * chunks the main thread fills. On host backends the encoder runs on the host kernels, so the worker's
 * tfjs (which only holds the weights) uses its plain JS backend and grows no second tfjs-wasm heap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackendName } from '../backend';
import { Rng } from '../data/random';
import { Arch2vecModel } from '../model/arch2vecModel';
import type { ModelConfig } from '../model/config';
import { HostKernels } from '../model/hostKernels';
import { foldedEncoder, type CellEncoder } from './foldedEncoder';

export interface EmbedWorkerInit {
  role: 'embed';
  backend: BackendName;
  model: ModelConfig;
}

export type EmbedRequest =
  /** The model's variables by logical name (`Arch2vecModel.named()`), values in the variables' shapes. */
  | { type: 'weights'; id: number; version: number; tensors: [string, Float32Array][] }
  | { type: 'embed'; id: number; version: number; ops: Float32Array; adj: Float32Array; b: number; n: number; d: number };

export type EmbedReply =
  | { type: 'ready' }
  | { type: 'loaded'; id: number; version: number }
  | { type: 'embedded'; id: number; data: Float32Array }
  | { type: 'error'; id?: number; message: string };

export async function runEmbedWorker(): Promise<void> {
  const init = workerData as EmbedWorkerInit;
  const onHost = (init.backend === 'wasm' || init.backend === 'cpu') && HostKernels.available();
  await selectBackend(onHost ? 'cpu' : init.backend);
  const model = new Arch2vecModel(init.model, new Rng(0));
  let encoder: CellEncoder | undefined;
  let version = -1;
  const port = parentPort!;
  port.on('message', (msg: EmbedRequest) => {
    try {
      if (msg.type === 'weights') {
        const vars = model.named();
        for (const [name, data] of msg.tensors) {
          const v = vars.get(name);
          if (!v || v.size !== data.length) throw new Error(`no variable '${name}' of ${data.length} values`);
          tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
        }
        encoder?.dispose();
        encoder = foldedEncoder(model);
        version = msg.version;
        port.postMessage({ type: 'loaded', id: msg.id, version } satisfies EmbedReply);
      } else if (msg.type === 'embed') {
        if (!encoder || msg.version !== version) throw new Error(`weights version ${msg.version} not loaded (have ${version})`);
        const data = encoder.embedArrays(msg.ops, msg.adj, msg.b); // its own buffer, to transfer
        port.postMessage({ type: 'embedded', id: msg.id, data } satisfies EmbedReply, [data.buffer as ArrayBuffer]);
      }
    } catch (e) {
      port.postMessage({ type: 'error', id: msg.id, message: (e as Error).stack ?? String(e) } satisfies EmbedReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies EmbedReply);
}
