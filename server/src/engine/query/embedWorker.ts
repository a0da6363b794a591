/**
 * An embedding worker (a role of the engine's worker bundle, train/trainWorker.ts): its own tfjs backend (wasm is single-threaded in Node, so one per core) and
 * a folded encoder of the weights it was last sent. Embeds the chunks the main thread fills.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend, type BackendName } from '../backend';
import { Rng } from '../data/random';
import { Arch2vecModel } from '../model/arch2vecModel';
import type { ModelConfig } from '../model/config';
import { FoldedEncoder } from './foldedEncoder';

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
  await selectBackend(init.backend);
  const model = new Arch2vecModel(init.model, new Rng(0));
  let encoder: FoldedEncoder | undefined;
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
        encoder = new FoldedEncoder(model);
        version = msg.version;
        port.postMessage({ type: 'loaded', id: msg.id, version } satisfies EmbedReply);
      } else if (msg.type === 'embed') {
        if (!encoder || msg.version !== version) throw new Error(`weights version ${msg.version} not loaded (have ${version})`);
        const e = tf.tidy(() => encoder!.embed(tf.tensor3d(msg.ops, [msg.b, msg.n, msg.d]), tf.tensor3d(msg.adj, [msg.b, msg.n, msg.n])));
        const data = new Float32Array(e.dataSync() as Float32Array); // its own buffer, to transfer
        e.dispose();
        port.postMessage({ type: 'embedded', id: msg.id, data } satisfies EmbedReply, [data.buffer as ArrayBuffer]);
      }
    } catch (e) {
      port.postMessage({ type: 'error', id: msg.id, message: (e as Error).stack ?? String(e) } satisfies EmbedReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies EmbedReply);
}
