import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts the engine's worker thread `name` from the caller's directory `dir` (its `__dirname`).
 * Bundled: dist/<name>.js beside the bundle. From sources (tests, tsx): <name>.ts, with tsx
 * registered inside the worker (workers do not inherit the parent's loaders).
 */
export function startWorker(dir: string, name: string, workerData: unknown): Worker {
  const js = join(dir, `${name}.js`);
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = join(dir, `${name}.ts`);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, { eval: true, workerData });
}
