import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts an engine worker thread: training shards (train/trainWorker.ts) or, with
 * `role: 'embed'`, embedding chunks (query/embedWorker.ts) — one bundle for both, so tfjs ships once.
 * Bundled: dist/trainWorker.js beside the bundle that calls this. From sources (tests, tsx): the .ts
 * file, with tsx registered inside the worker (workers do not inherit the parent's loaders).
 */
export function startWorker(workerData: { role: 'train' | 'embed'; [k: string]: unknown }): Worker {
  const js = join(__dirname, 'trainWorker.js');
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = join(__dirname, '..', 'train', 'trainWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true, workerData });
}
