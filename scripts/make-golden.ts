/**
 * Builds the golden fixtures test/fixtures/golden/{nb201,nb101}.json that pin the TypeScript arch2vec
 * model to the PyTorch reference (bench/reference/arch2vec_torch.py, written from docs/reference-notes.md §2).
 *
 *   bash bench/reference/setup.sh                 # once: Debian's python3-torch + python3-numpy
 *   node --import tsx scripts/make-golden.ts
 *
 * For each space it builds the TS model (seeded), exports its weights (logical names from
 * `model.named()`, exact float32 as base64) and a batch of 32 real cells, runs the Python reference on
 * them and stores what the reference computed (floats rounded to 7 significant digits):
 *   evalInit   eval-mode outputs (mu, logSigma, ops/adj probabilities) and loss parts at the weights
 *   train      train mode with batch-statistic batch norm, dropout off and reparameterisation noise 0
 *              (z = mu): outputs, loss parts of the reference (nn.BCELoss on sigmoid probabilities) and
 *              `lossLogits` (the same loss with BCE from logits, as the TS engine computes it), the count
 *              of entries where float32 sigmoid saturates to exactly 0/1 against the opposite target
 *              (the only place the two differ), every parameter's gradient of the logit-form loss (and
 *              per-tensor norms of the reference loss's gradient), global grad norm, clip scale
 *   after      clip_grad_norm_(5) + one Adam step (lr 1e-3, eps 1e-8) on the logit-form gradients:
 *              parameter deltas, BN running stats
 *   evalAfter  eval-mode outputs and loss with the updated parameters and running statistics
 *   evalStep   from the initial weights, a fresh optimiser, one full eval-mode step (the reference's
 *              epochs 2..N): loss, grad norm, parameter deltas (what `Stepper.step(..., 'eval')` does)
 * Small tensors (≤ 2,048 values) are stored in full; bigger ones as norm, sum and 128 sampled entries.
 * Python is /usr/bin/python3 (Debian's torch) unless PYTHON is set.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeNb101, prune } from '../server/src/core/spaces/nasbench101';
import { selectBackend } from '../server/src/engine/backend';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { Arch2vecModel } from '../server/src/engine/model/arch2vecModel';
import { modelConfigFor } from '../server/src/engine/model/config';

const REPO = resolve(__dirname, '..');
const SHARED = resolve(process.env.ARCH2VEC_SHARED ?? join(REPO, '..', 'shared'));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const B = 32;
const SMALL = 2048;
const SAMPLES = 128;
const OPT = { lr: 1e-3, adamEps: 1e-8, clip: 5 };

const b64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const r7 = (x: number): number => (x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(7)));
const r7s = (a: number[]): number[] => a.map(r7);

/** Sampled entry indices of a tensor of `size` values (spread over the whole tensor). */
function sampleIndices(size: number): number[] {
  return Array.from({ length: SAMPLES }, (_, k) => Math.floor((k * size) / SAMPLES) + ((k * 37) % Math.max(1, Math.floor(size / SAMPLES))));
}

interface Summary { norm: number; sum: number; maxAbs: number; size: number; values?: number[]; idx?: number[]; sampled?: number[] }

function summarise(a: number[]): Summary {
  let sq = 0;
  let sum = 0;
  let maxAbs = 0;
  for (const x of a) {
    sq += x * x;
    sum += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const s: Summary = { norm: r7(Math.sqrt(sq)), sum: r7(sum), maxAbs: r7(maxAbs), size: a.length };
  if (a.length <= SMALL) s.values = r7s(a);
  else {
    s.idx = sampleIndices(a.length);
    s.sampled = s.idx.map((i) => r7(a[i]));
  }
  return s;
}

interface RefOutputs { mu: number[]; logSigma: number[]; opsRecon: number[]; adjRecon: number[]; loss: Record<string, number>; saturated?: { ops: number; adj: number }; lossLogits?: Record<string, number> }
interface RefResult {
  torch: string;
  evalInit: RefOutputs;
  train: RefOutputs;
  grads: Record<string, number[]>;
  gradsLogitForm: Record<string, number[]>;
  gradNorm: number;
  clipScale: number;
  after: Record<string, number[]>;
  evalAfter: RefOutputs;
  evalStep: { loss: Record<string, number>; gradNorm: number; saturated: { ops: number; adj: number }; after: Record<string, number[]> };
}

const roundLoss = (l: Record<string, number>) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, r7(v)]));
const roundOut = (o: RefOutputs) => ({
  saturated: o.saturated,
  mu: r7s(o.mu), logSigma: r7s(o.logSigma), opsRecon: r7s(o.opsRecon), adjRecon: r7s(o.adjRecon),
  loss: roundLoss(o.loss),
  ...(o.lossLogits ? { lossLogits: roundLoss(o.lossLogits) } : {}),
});

/** Parameter deltas (after − before) summarised; BN running statistics stored in full as values. */
function deltas(after: Record<string, number[]>, before: Map<string, Float32Array>) {
  const out: Record<string, Summary> = {};
  const stats: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(after)) {
    if (k.endsWith('running_mean') || k.endsWith('running_var')) stats[k] = r7s(v);
    else {
      const b = before.get(k)!;
      out[k] = summarise(v.map((x, i) => x - b[i]));
    }
  }
  return { deltas: out, runningStats: stats };
}

function nb201Batch(): { ops: Float32Array; adj: Float32Array; cells: string[] } {
  const ds = loadNb201();
  const rng = new Rng(201);
  const idx = Array.from(rng.permutation(ds.count).subarray(0, B));
  const ops = new Float32Array(B * ds.nodes * ds.opColumns);
  const adj = new Float32Array(B * ds.nodes * ds.nodes);
  idx.forEach((i, s) => ds.fillEncoding(i, adj, ops, s));
  return { ops, adj, cells: idx.map((i) => `nb201 index ${i}: ${ds.arch(i)}`) };
}

function nb101Batch(): { ops: Float32Array; adj: Float32Array; cells: string[] } {
  const rows = readFileSync(join(SHARED, 'data', 'nasbench101', 'nb101_naslib_zc_subset.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { matrix_raw: number[][]; ops_raw: string[] });
  // The subset is mostly cells that prune to 2-6 vertices (one 7-vertex cell): take the first rows of
  // each pruned size by quota, so that both unpadded and padded graphs are in the batch.
  const quota: Record<number, number> = { 7: 1, 6: 10, 5: 9, 4: 6, 3: 4, 2: 2 };
  const picked: number[] = [];
  rows.forEach((r, i) => {
    const v = prune({ matrix: r.matrix_raw, ops: r.ops_raw }).ops.length;
    if ((quota[v] ?? 0) > 0) {
      quota[v]--;
      picked.push(i);
    }
  });
  if (picked.length !== B) throw new Error(`nb101: picked ${picked.length} cells, want ${B}`);
  const n = 7;
  const d = 5;
  const ops = new Float32Array(B * n * d);
  const adj = new Float32Array(B * n * n);
  const cells: string[] = [];
  picked.forEach((r, s) => {
    const p = prune({ matrix: rows[r].matrix_raw, ops: rows[r].ops_raw });
    if (!p.valid) throw new Error(`nb101 row ${r} is not a valid cell`);
    const e = encodeNb101(p);
    e.adjacency.forEach((row, i) => row.forEach((x, j) => (adj[s * n * n + i * n + j] = x)));
    e.ops.forEach((row, i) => row.forEach((x, j) => (ops[s * n * d + i * d + j] = x)));
    cells.push(`nb101_naslib_zc_subset.jsonl row ${r}: ${p.ops.length} vertices, ops ${p.ops.join(',')}`);
  });
  return { ops, adj, cells };
}

async function build(space: 'nb201' | 'nb101', seed: number, tmp: string): Promise<void> {
  const [nodes, opColumns] = space === 'nb201' ? [8, 7] : [7, 5];
  const model = new Arch2vecModel(modelConfigFor(nodes, opColumns), new Rng(seed));
  const weights = new Map<string, Float32Array>();
  const shapes: Record<string, number[]> = {};
  for (const [k, v] of model.named()) {
    weights.set(k, v.dataSync() as Float32Array);
    shapes[k] = v.shape;
  }
  model.dispose();
  const batch = space === 'nb201' ? nb201Batch() : nb101Batch();
  const input = {
    nodes, opColumns, batch: B, ...OPT,
    ops: b64(batch.ops), adj: b64(batch.adj),
    weights: Object.fromEntries([...weights].map(([k, v]) => [k, b64(v)])),
  };
  const inPath = join(tmp, `${space}-in.json`);
  const outPath = join(tmp, `${space}-out.json`);
  writeFileSync(inPath, JSON.stringify(input));
  const py = spawnSync(PYTHON, [join(REPO, 'bench', 'reference', 'arch2vec_torch.py'), 'golden', inPath, outPath], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`${PYTHON} failed (${py.status}): ${py.stderr}\n(run bash bench/reference/setup.sh first)`);
  const ref = JSON.parse(readFileSync(outPath, 'utf8')) as RefResult;

  const fixture = {
    about: 'Golden outputs of the PyTorch reference (bench/reference/arch2vec_torch.py) for the weights and batch below; generated by scripts/make-golden.ts. Linear weights are [in, out] (TS layout). Floats rounded to 7 significant digits; weights and batch are exact float32, little-endian, base64.',
    generated: new Date().toISOString().slice(0, 10),
    torch: ref.torch,
    space, seed, nodes, opColumns, batch: B, ...OPT,
    cells: batch.cells,
    input: { ops: input.ops, adj: input.adj, weights: input.weights, shapes },
    evalInit: roundOut(ref.evalInit),
    train: {
      ...roundOut(ref.train),
      gradNorm: r7(ref.gradNorm),
      clipScale: r7(ref.clipScale),
      grads: Object.fromEntries(Object.entries(ref.grads).map(([k, v]) => [k, summarise(v)])),
      // Gradient norms of the reference loss itself (BCELoss on probabilities; differs where saturated).
      gradsLogitFormNorm: Object.fromEntries(Object.entries(ref.gradsLogitForm).map(([k, v]) => [k, summarise(v).norm])),
      gradLogitFormNorm: r7(Math.sqrt(Object.values(ref.gradsLogitForm).flat().reduce((s, x) => s + x * x, 0))),
      after: deltas(ref.after, weights),
    },
    evalAfter: roundOut(ref.evalAfter),
    evalStep: {
      loss: roundLoss(ref.evalStep.loss),
      gradNorm: r7(ref.evalStep.gradNorm),
      saturated: ref.evalStep.saturated,
      after: deltas(ref.evalStep.after, weights).deltas,
    },
  };
  const file = join(REPO, 'test', 'fixtures', 'golden', `${space}.json`);
  writeFileSync(file, JSON.stringify(fixture) + '\n');
  console.log(`${file}: ${(JSON.stringify(fixture).length / 1024).toFixed(0)} KiB, train loss ${ref.train.loss.total.toFixed(6)} (logit-form BCE ${ref.train.lossLogits!.total.toFixed(6)}, saturated ${JSON.stringify(ref.train.saturated)}), grad norm ${ref.gradNorm.toFixed(4)}`);
}

async function main() {
  await selectBackend('cpu');
  const tmp = mkdtempSync(join(tmpdir(), 'golden-'));
  try {
    await build('nb201', 3, tmp);
    await build('nb101', 1, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  tf.disposeVariables();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
