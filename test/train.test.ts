import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { selectBackend, type BackendReport } from '../server/src/engine/backend';
import { readEmbeddings, readJson, readTensors } from '../server/src/engine/store/modelDir';
import { CancelledError, loadModel, pretrain, type EpochMetrics, type ModelDirConfig } from '../server/src/engine/train/trainer';

let backend: BackendReport;
const tmp = () => mkdtempSync(join(tmpdir(), 'arch2vec-train-'));
const quick = { space: 'nasbench201' as const, cacheDir: tmpdir(), train: { epochs: 2, seed: 7 }, maxStepsPerEpoch: 12, validitySamples: 200 };

describe('pretraining (NAS-Bench-201, wasm)', () => {
  before(async () => {
    backend = await selectBackend('wasm');
  });

  test('writes a complete model directory with metrics and the embedding table', async () => {
    const dir = tmp();
    const progress: string[] = [];
    const r = await pretrain({ ...quick, modelDir: dir, backend, threads: 1, onProgress: (p) => progress.push(p.phase) });
    assert.ok(progress.includes('train') && progress.includes('metrics') && progress.at(-1) === 'done');
    const config = readJson<ModelDirConfig>(dir, 'config.json')!;
    assert.equal(config.complete, true);
    assert.equal(config.space, 'nasbench201');
    assert.equal(config.backend.backend, 'wasm');
    assert.match(config.data.id, /^nasbench201:15625:[0-9a-f]{16}$/);
    assert.deepEqual([config.data.train, config.data.heldOut], [14062, 1563]);
    const metrics = readJson<EpochMetrics[]>(dir, 'metrics.json')!;
    assert.equal(metrics.length, 2);
    for (const m of metrics) {
      assert.ok(m.reconstruction.accOps > 0 && m.reconstruction.accOps <= 1);
      assert.ok(m.generative && m.generative.samples === 200 && m.generative.validityStrict <= m.generative.validity);
    }
    assert.ok(metrics[1].loss.total < metrics[0].loss.total, 'loss falls');
    assert.equal(r.metrics.length, 2);
    const emb = readEmbeddings(dir)!;
    assert.equal(emb.index.count, 15625);
    assert.equal(emb.data.length, 15625 * 16);
    assert.ok(emb.data.every(Number.isFinite));
  });

  test('a cancelled run resumes to exactly the weights of an uninterrupted one', async () => {
    const a = tmp();
    await pretrain({ ...quick, modelDir: a, backend, threads: 1 });
    const b = tmp();
    const ctl = new AbortController();
    await assert.rejects(
      pretrain({ ...quick, modelDir: b, backend, threads: 1, progressEverySteps: 1, onProgress: (p) => { if (p.phase === 'train' && p.epoch === 2 && p.step === 5) ctl.abort(); }, signal: ctl.signal }),
      CancelledError,
    );
    const mid = readTensors<{ epoch: number; batch: number }>(b, 'checkpoint.a2v')!;
    assert.deepEqual([mid.meta.epoch, mid.meta.batch], [1, 5], 'cancelled after step 5 of the second epoch');
    await pretrain({ ...quick, modelDir: b, backend, threads: 1, resume: true });
    const wa = readTensors(a, 'model.a2v')!.tensors;
    const wb = readTensors(b, 'model.a2v')!.tensors;
    for (const [name, t] of wa) {
      const u = wb.get(name)!;
      let max = 0;
      for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(t.data[i] - u.data[i]));
      assert.ok(max < 1e-6, `${name} differs by ${max}`);
    }
    assert.deepEqual(readFileSync(join(a, 'embeddings.f32')), readFileSync(join(b, 'embeddings.f32')));
  });

  test('two training threads give the full-batch gradient: eval-mode steps match one thread', async () => {
    const one = tmp();
    const two = tmp();
    const opts = { ...quick, train: { epochs: 2, seed: 11, referenceEvalModeQuirk: true }, maxStepsPerEpoch: 6, validitySamples: 0 };
    await pretrain({ ...opts, modelDir: one, backend, threads: 1 });
    await pretrain({ ...opts, modelDir: two, backend, threads: 2 });
    // Epoch 1 trains in train mode (per-shard batch norm differs by design); epoch 2 in eval mode,
    // where sharding is exact, so compare the epoch-2 loss against a tight tolerance relative to epoch 1's drift.
    const m1 = readJson<EpochMetrics[]>(one, 'metrics.json')!;
    const m2 = readJson<EpochMetrics[]>(two, 'metrics.json')!;
    assert.equal(m2.length, 2);
    assert.ok(Math.abs(m1[1].loss.total - m2[1].loss.total) < 0.02, `${m1[1].loss.total} vs ${m2[1].loss.total}`);
  });

  test('a model directory loads for inference; bad directories give clear errors', () => {
    assert.throws(() => loadModel(tmp()), /not a model directory/);
  });
});
