/**
 * Embedding a whole table on every core. wasm runs one thread per Node thread, so the folded
 * encoder's chunks are shared between the main thread and `threads - 1` embedding workers
 * (embedWorker.ts, in the training worker's bundle): the main thread fills each worker's inputs, keeps two chunks queued at every
 * worker (so a worker never waits while the main thread computes), and embeds chunks itself in
 * between. Every row goes through the same kernels on the same backend, so the table equals the
 * one a single thread computes, bit for bit (test/embed-parallel.test.ts).
 *
 * The workers are started once per process, backend and model shape, and kept: unref'd while idle
 * (they never keep a process alive and die with it), ref'd while they owe a reply.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendName } from '../backend';
import type { EncodedRows } from '../data/dataset';
import type { Arch2vecModel } from '../model/arch2vecModel';
import { startWorker } from '../process/startWorker';
import type { EmbedReply, EmbedRequest } from './embedWorker';
import { foldedEncoder } from './foldedEncoder';

type Pending = { resolve: (r: EmbedReply) => void; reject: (e: Error) => void };

class EmbedWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead: Error | undefined;
  readonly ready: Promise<void>;

  constructor(backend: BackendName, model: Arch2vecModel['config'], onDead: () => void) {
    this.worker = startWorker({ role: 'embed', backend, model });
    const started = this.expect(-1);
    this.worker.on('message', (r: EmbedReply) => {
      const id = r.type === 'ready' ? -1 : r.id ?? -1;
      const p = this.pending.get(id);
      this.pending.delete(id);
      this.idleCheck();
      if (r.type === 'error') p?.reject(new Error(`embedding worker: ${r.message}`));
      else p?.resolve(r);
    });
    const fail = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      onDead();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`embedding worker exited (${code})`)));
    this.ready = started.then((r) => {
      if (r.type !== 'ready') throw new Error('embedding worker: unexpected first reply');
    });
  }

  readonly worker: Worker;

  private expect(id: number): Promise<EmbedReply> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
    });
  }

  /** Unref'd when it owes nothing: an idle worker never holds the process. */
  private idleCheck() {
    if (!this.pending.size) this.worker.unref();
  }

  request(msg: DistributiveOmit<EmbedRequest, 'id'>, transfer: ArrayBuffer[] = []): Promise<EmbedReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const reply = this.expect(id);
    this.worker.postMessage({ ...msg, id }, transfer);
    return reply;
  }

  terminate() {
    return this.worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let pool: { key: string; workers: EmbedWorker[] } | undefined;
let weightsVersion = 0;

/** The process's embedding workers for models of this shape on this backend, started on first use. */
async function workersFor(model: Arch2vecModel, backend: BackendName, count: number): Promise<EmbedWorker[]> {
  const key = JSON.stringify({ backend, count, model: model.config });
  if (pool?.key !== key) {
    const old = pool;
    pool = undefined;
    if (old) await Promise.all(old.workers.map((w) => w.terminate()));
    const mine: { key: string; workers: EmbedWorker[] } = { key, workers: [] };
    // A worker that dies takes the pool with it: the next call starts afresh.
    const onDead = () => {
      if (pool === mine) pool = undefined;
    };
    for (let i = 0; i < count; i++) mine.workers.push(new EmbedWorker(backend, model.config, onDead));
    pool = mine;
  }
  const current = pool;
  try {
    await Promise.all(current.workers.map((w) => w.ready));
  } catch (e) {
    if (pool === current) pool = undefined;
    await Promise.all(current.workers.map((w) => w.terminate()));
    throw e;
  }
  return current.workers;
}

export interface ParallelEmbedOptions {
  backend: BackendName;
  /** Threads in all, the main thread included (≥ 2). */
  threads: number;
  chunk: number;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

/** Every row of `ds` embedded (node-mean of μ), [count × latent], on `threads` threads. */
export async function embedDatasetParallel(model: Arch2vecModel, ds: EncodedRows, o: ParallelEmbedOptions): Promise<Float32Array> {
  const workers = await workersFor(model, o.backend, o.threads - 1);
  const version = ++weightsVersion;
  const tensors: [string, Float32Array][] = [];
  for (const [name, v] of model.named()) tensors.push([name, (await v.data()) as Float32Array]);
  for (const r of await Promise.all(workers.map((w) => w.request({ type: 'weights', version, tensors })))) {
    if (r.type !== 'loaded' || r.version !== version) throw new Error('embedding worker: unexpected reply to the weights');
  }

  const { nodes: n, opColumns: d } = ds;
  const dim = model.config.latent;
  const out = new Float32Array(ds.count * dim);
  let next = 0;
  let done = 0;
  let failed: unknown;
  const take = (): [number, number] | undefined => {
    if (failed !== undefined || o.signal?.aborted || next >= ds.count) return undefined;
    const start = next;
    next = Math.min(ds.count, next + o.chunk);
    return [start, next - start];
  };
  const fill = (start: number, b: number) => {
    const adj = new Float32Array(b * n * n);
    const ops = new Float32Array(b * n * d);
    for (let s = 0; s < b; s++) ds.fillEncoding(start + s, adj, ops, s);
    return { adj, ops };
  };
  const finished = (start: number, data: Float32Array, b: number) => {
    out.set(data, start * dim);
    done += b;
    o.onProgress?.(done);
  };
  // One lane per queued chunk: two lanes per worker keep it busy while the main thread computes.
  const onWorker = async (w: EmbedWorker) => {
    for (let job = take(); job; job = take()) {
      const [start, b] = job;
      const { adj, ops } = fill(start, b);
      const r = await w.request({ type: 'embed', version, adj, ops, b, n, d }, [adj.buffer, ops.buffer]);
      if (r.type !== 'embedded') throw new Error('embedding worker: unexpected reply');
      finished(start, r.data, b);
    }
  };
  const onMain = async () => {
    const encoder = foldedEncoder(model);
    try {
      await new Promise((r) => setImmediate(r)); // the workers' first chunks go out first
      for (let job = take(); job; job = take()) {
        const [start, b] = job;
        const { adj, ops } = fill(start, b);
        finished(start, encoder.embedArrays(ops, adj, b), b);
        await new Promise((r) => setImmediate(r)); // the workers' replies and cancellation get through
      }
    } finally {
      encoder.dispose();
    }
  };
  const guard = (p: Promise<void>) => p.catch((e) => {
    failed ??= e;
  });
  await Promise.all([...workers.flatMap((w) => [guard(onWorker(w)), guard(onWorker(w))]), guard(onMain())]);
  if (failed !== undefined) throw failed;
  if (o.signal?.aborted) throw o.signal.reason ?? new Error('cancelled');
  return out;
}
