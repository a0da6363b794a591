/**
 * Query-side benchmark: embedding all 15,625 NB201 cells (node-mean of μ, eval mode) with a model, and
 * exact k-NN (k = 10) over a 423,624 × 16 table (the NB101 space's size).
 * Usage: node --import tsx bench/embed.ts [--model DIR] [--backend B] [--table DIR-with-embeddings] [--quick]
 * --quick: chunk 500 only (the default), and 100 k-NN queries (short runs to interleave with bench_torch.py).
 * Without --model a randomly initialised NB201 model is used (same cost as a trained one); without
 * --table the table is random normal values. Targets: < 2 s and < 20 ms.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { selectBackend, type BackendName } from '../server/src/engine/backend';
import { Arch2vecModel } from '../server/src/engine/model/arch2vecModel';
import { modelConfigFor } from '../server/src/engine/model/config';
import { readEmbeddings } from '../server/src/engine/store/modelDir';
import { embedDataset, loadModel } from '../server/src/engine/train/trainer';
import { knn } from '../server/src/engine/query/knn';
import { FoldedEncoder } from '../server/src/engine/query/foldedEncoder';
import type { Dataset } from '../server/src/engine/data/dataset';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms, p90 ${q(0.9).toFixed(2)} ms, min ${s[0].toFixed(2)} ms`;
}

/** Embeds every cell of `ds` in chunks through `embed` (the folded encoder, or the training model as the reference). */
async function embedAll(embed: (ops: tf.Tensor3D, adj: tf.Tensor3D) => tf.Tensor, ds: Dataset, chunk: number): Promise<Float32Array> {
  const n = ds.nodes;
  const d = ds.opColumns;
  const out = new Float32Array(ds.count * 16);
  const adj = new Float32Array(chunk * n * n);
  const ops = new Float32Array(chunk * n * d);
  for (let start = 0; start < ds.count; start += chunk) {
    const b = Math.min(chunk, ds.count - start);
    for (let s = 0; s < b; s++) ds.fillEncoding(start + s, adj, ops, s);
    const e = tf.tidy(() => embed(tf.tensor3d(ops.subarray(0, b * n * d), [b, n, d]), tf.tensor3d(adj.subarray(0, b * n * n), [b, n, n])));
    out.set((await e.data()) as Float32Array, start * 16);
    e.dispose();
  }
  return out;
}

async function main() {
  const backend = await selectBackend((arg('--backend') as BackendName | undefined) ?? 'auto');
  console.log(`backend: ${backend.backend} (${backend.device})`);
  const ds = loadNb201();
  const dir = arg('--model');
  const model = dir ? loadModel(dir).model : new Arch2vecModel(modelConfigFor(ds.nodes, ds.opColumns), new Rng(0));
  console.log(`model: ${dir ?? 'randomly initialised NB201 model'}`);

  const quick = process.argv.includes('--quick');
  const chunks = quick ? [500] : [500, 1000, 2000];
  // Warm-up (kernel compilation, wasm page growth), then measure.
  await embedDataset(model, ds, undefined, 1000).catch(() => undefined);
  for (const chunk of chunks) {
    const times: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await embedDataset(model, ds, undefined, chunk);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpus.push((c.user + c.system) / 1e6);
    }
    const best = Math.min(...times);
    console.log(`embed all ${ds.count} NB201 cells, chunk ${chunk}: best ${(best / 1000).toFixed(3)} s (${Math.round(ds.count / (best / 1000))} cells/s) [target < 2 s], cpu ${Math.min(...cpus).toFixed(3)} s`);
  }
  const folded = new FoldedEncoder(model);
  // embedDataset runs the folded encoder too; the unfolded model.embed is the reference here.
  const reference = await embedAll((o, a) => model.embed(o, a), ds, 1000);
  for (const chunk of quick ? [] : chunks) {
    const times: number[] = [];
    let out: Float32Array = new Float32Array(0);
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      out = await embedAll((o, a) => folded.embed(o, a), ds, chunk);
      times.push(performance.now() - t0);
    }
    let maxDiff = 0;
    for (let i = 0; i < out.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out[i] - reference[i]));
    const best = Math.min(...times);
    console.log(`embed all ${ds.count} NB201 cells, folded encoder (query path), chunk ${chunk}: best ${(best / 1000).toFixed(3)} s (${Math.round(ds.count / (best / 1000))} cells/s), max |Δ| vs model.embed ${maxDiff.toExponential(2)} [target < 2 s]`);
  }
  folded.dispose();
  model.dispose();

  const tableDir = arg('--table');
  let table: Float32Array;
  const count = 423_624;
  const dim = 16;
  if (tableDir) {
    table = readEmbeddings(tableDir)!.data;
    console.log(`table: ${tableDir} (${table.length / dim} × ${dim})`);
  } else {
    const rng = new Rng(1);
    table = new Float32Array(count * dim);
    for (let i = 0; i < table.length; i++) table[i] = rng.normal();
    console.log(`table: random normal ${count} × ${dim}`);
  }
  const rows = table.length / dim;
  const rng = new Rng(2);
  for (let w = 0; w < 20; w++) knn(table, dim, table.subarray(w * dim, (w + 1) * dim), 10);
  const fromTable: number[] = [];
  const random: number[] = [];
  let randomCpu = 0;
  for (let r = 0; r < (quick ? 100 : 200); r++) {
    const i = Math.floor(rng.float() * rows);
    let t0 = performance.now();
    const hits = knn(table, dim, table.subarray(i * dim, (i + 1) * dim), 10, { prefer: i });
    fromTable.push(performance.now() - t0);
    if (hits[0].index !== i || hits[0].distance !== 0) throw new Error(`row ${i} is not its own nearest neighbour`);
    const q = Float32Array.from({ length: dim }, () => rng.normal());
    t0 = performance.now();
    const c0 = process.cpuUsage();
    knn(table, dim, q, 10);
    random.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    randomCpu += (c.user + c.system) / 1000;
  }
  console.log(`k-NN (k=10) over ${rows} × ${dim}, query = a table row: ${stats(fromTable)} [target < 20 ms]`);
  console.log(`k-NN (k=10) over ${rows} × ${dim}, random query:        ${stats(random)}, mean cpu ${(randomCpu / random.length).toFixed(2)} ms`);
  const t0 = performance.now();
  knn(table, dim, table.subarray(0, dim), 1000);
  console.log(`k-NN (k=1000), one query: ${(performance.now() - t0).toFixed(2)} ms`);
  console.log(`tf memory: ${tf.memory().numTensors} tensors`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
