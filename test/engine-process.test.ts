/**
 * The bundled engine process (dist/engine.js, run `npm run build` first) through its client wrapper
 * (node IPC, as the extension uses it) and once over stdio: status, a tiny NB201 pretraining with
 * progress notifications, cancelled mid-run and resumed, loadModel, embed, neighbours, structured
 * errors, and recovery after the process dies. Waits are event-driven (progress notifications).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { BACKEND_ORDER } from '../server/src/engine/backend';
import { EngineClient, EngineExitedError, EngineRequestError } from '../client/src/engine/engineClient';
import { EngineRequests } from '../server/src/protocol';
import { nb201Index, nb201Table, parseArch } from '../server/src/core/spaces/nasbench201';
import { ENGINE_ERRORS, type EnginePretrainParams, type PretrainProgress } from '../server/src/protocol';
import { REPO } from './helpers/shared';

const ENGINE = join(REPO, 'dist', 'engine.js');
const home = mkdtempSync(join(tmpdir(), 'arch2vec-engine-'));
const env = { ARCH2VEC_HOME: home, ARCH2VEC_MODELS_DIR: join(home, 'no-shipped-models') };
const modelDir = join(home, 'tiny201');
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
const BEST_OPS = parseArch(BEST).edges.map((e) => e.op);
const CELLS = `cell best\n  arch: ${BEST}\ncell broken\n  arch: |nor_conv_3x3~0|+|conv9~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n`;
/** Tiny settings: ~2 s of training on 2 slow cores, then metrics and the 15,625-cell table. */
const TINY: EnginePretrainParams = { space: 'nasbench201', epochs: 1, maxSteps: 20, validitySamples: 200, outDir: modelDir };

let client: EngineClient;
const log: string[] = [];

async function expectError(p: Promise<unknown>, kind: string): Promise<EngineRequestError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EngineRequestError, `expected an EngineRequestError, got ${(e as Error).stack}`);
    assert.equal(e.kind, kind, e.message);
    assert.equal(e.code, ENGINE_ERRORS[kind as keyof typeof ENGINE_ERRORS]);
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

before(() => {
  assert.ok(existsSync(ENGINE), `${ENGINE} is missing: run npm run build`);
  client = new EngineClient({ enginePath: ENGINE, env, log: (l) => log.push(l), baseDelayMs: 50 });
});

after(async () => {
  await client?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('engine process (dist/engine.js)', () => {
  test('status: the backend in use with the reasons for skipping the ones before it', async () => {
    const s = await client.status();
    assert.ok(BACKEND_ORDER.includes(s.backend.backend), s.backend.backend);
    assert.ok(s.backend.device.length > 0);
    const before = BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(s.backend.backend));
    assert.deepEqual(s.backend.skipped.map((x) => x.backend), before);
    for (const x of s.backend.skipped) assert.ok(x.reason.length > 0);
    assert.deepEqual(s.models, []);
    assert.equal(s.running, null);
    assert.equal(s.home, home);
  });

  test('clear errors: bad model directory, unknown space, unknown cell, no model', async () => {
    let e = await expectError(client.loadModel({ modelDir: join(home, 'nope') }), 'badModelDir');
    assert.match(e.message, /does not exist/);
    const empty = join(home, 'empty');
    mkdirSync(empty);
    e = await expectError(client.loadModel({ modelDir: empty }), 'badModelDir');
    assert.match(e.message, /not a model directory: no config\.json/);
    const corrupt = join(home, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'config.json'), '{"format": "arch2vec-model/1", "space": "nasbench201", ');
    e = await expectError(client.neighbours({ text: CELLS, cell: 'best', modelDir: corrupt }), 'badModelDir');
    assert.match(e.message, /not valid JSON/);
    e = await expectError(client.pretrain({ ...TINY, space: 'nasbench2O1' }), 'unknownSpace');
    assert.equal(e.data?.suggestion, 'nasbench201');
    assert.match(e.message, /unknown space 'nasbench2O1'.*did you mean 'nasbench201'/);
    await expectError(client.loadModel({ space: 'imagenet' }), 'unknownSpace');
    await expectError(client.pretrain({ ...TINY, epochs: 0 }), 'badInput');
    await expectError(client.neighbours({ text: CELLS, cell: 'missing', modelDir }), 'badInput');
    e = await expectError(client.neighbours({ text: CELLS, cell: 'best' }), 'noModel');
    assert.match(e.message, /no nasbench201 model/);
    // The process survived all of it.
    assert.equal((await client.status()).running, null);
  });

  test('pretrain: progress notifications, cancellation mid-run (checkpoint), resume to completion', async () => {
    const seen: PretrainProgress[] = [];
    const ctl = new AbortController();
    let statusDuringRun: Promise<unknown> | undefined;
    const first = client.pretrain(TINY, {
      signal: ctl.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'train' && !ctl.signal.aborted) {
          statusDuringRun = client.status();
          ctl.abort();
        }
      },
    });
    const e = await expectError(first, 'cancelled');
    assert.equal(e.data?.modelDir, modelDir);
    assert.match(e.data?.resume ?? '', /^arch2vec pretrain --space nasbench201 --epochs 1 --max-steps 20 --validity-samples 200 --resume --out /);
    assert.deepEqual([...new Set(seen.map((p) => p.phase))], ['data', 'train']);
    const train = seen.find((p) => p.phase === 'train')!;
    assert.ok(train.step >= 1 && train.step < 20 && train.steps === 20, JSON.stringify(train));
    assert.ok(train.loss! > 0 && train.graphsPerSec! > 0, JSON.stringify(train));
    // The engine answered a status request while it trained.
    const s = (await statusDuringRun) as { running: { modelDir: string } | null };
    assert.equal(s.running?.modelDir, modelDir);
    assert.ok(existsSync(join(modelDir, 'checkpoint.a2v')));
    assert.equal(JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')).complete, false);

    const resumed: PretrainProgress[] = [];
    const r = await client.pretrain({ ...TINY, resume: true }, { onProgress: (p) => resumed.push(p) });
    assert.equal(r.modelDir, modelDir);
    assert.equal(r.config.complete, true);
    assert.equal(r.config.epochsDone, 1);
    assert.equal(r.metrics.length, 1);
    assert.ok(r.metrics[0].reconstruction.accOps > 0);
    assert.equal(r.metrics[0].generative?.samples, 200);
    assert.deepEqual(r.backend, (await client.status()).backend);
    const phases = [...new Set(resumed.map((p) => p.phase))];
    assert.deepEqual(phases, ['data', 'train', 'metrics', 'embed', 'done']);
    // Resumed where it stopped, not from step 1.
    assert.ok(resumed.find((p) => p.phase === 'train')!.step > train.step - 1);
  });

  test('loadModel, then status lists it', async () => {
    const info = await client.loadModel({ modelDir });
    assert.deepEqual({ ...info, lastEpoch: undefined }, {
      dir: modelDir, source: 'explicit', space: 'nasbench201', epochsDone: 1, epochs: 1, complete: true, embeddings: 15625, dim: 16,
      trainedWith: info.trainedWith, lastEpoch: undefined,
    });
    assert.equal(info.lastEpoch?.epoch, 1);
    assert.deepEqual((await client.status()).models.map((m) => m.dir), [modelDir]);
  });

  test('neighbours: a cell is its own nearest neighbour at distance 0 (NB201: its benchmark index)', async () => {
    const r = await client.neighbours({ text: CELLS, cell: 'best', k: 5, modelDir });
    const index = nb201Index(BEST_OPS);
    assert.equal(r.query.index, index);
    assert.equal(r.neighbours.length, 5);
    assert.equal(r.neighbours[0].index, index);
    assert.equal(r.neighbours[0].distance, 0);
    assert.equal(r.neighbours[0].arch, BEST);
    assert.deepEqual(r.neighbours.map((n) => n.rank), [1, 2, 3, 4, 5]);
    for (let i = 1; i < 5; i++) assert.ok(r.neighbours[i].distance >= r.neighbours[i - 1].distance);
    const acc = nb201Table().columns.get('cifar10_test_acc')![index];
    assert.ok(Math.abs(r.neighbours[0].accuracies!.cifar10_test_acc - acc) < 1e-3);
    assert.equal(r.query.embedding.length, 16);
    // Any NB201 cell given as a spec: the same.
    const other = await client.neighbours({ spec: { space: 'nasbench201', ops: r.neighbours[3].spec.space === 'nasbench201' ? r.neighbours[3].spec.ops : [] }, k: 1, modelDir });
    assert.equal(other.neighbours[0].index, r.neighbours[3].index);
    assert.equal(other.neighbours[0].distance, 0);
  });

  test('embed: 16-d vectors (matching the model\'s table), per-cell errors for invalid cells', async () => {
    const r = await client.embed({ text: CELLS, modelDir });
    assert.deepEqual(r.cells.map((c) => [c.name, c.space, c.embedding?.length ?? null, !!c.error]), [['best', 'nasbench201', 16, false], ['broken', 'nasbench201', null, true]]);
    assert.match(r.cells[1].error!, /unknown-op/);
    const n = await client.neighbours({ text: CELLS, cell: 'best', k: 1, modelDir });
    const diff = Math.max(...r.cells[0].embedding!.map((x, i) => Math.abs(x - n.query.embedding[i])));
    assert.ok(diff < 1e-4, `embedding differs from the table row by ${diff}`);
    const bySpec = await client.embed({ specs: [{ space: 'nasbench201', ops: BEST_OPS }], modelDir });
    assert.deepEqual(bySpec.cells[0].embedding, r.cells[0].embedding);
  });

  test('a dead engine: in-flight requests fail clearly, the next request restarts it', async () => {
    const pid = client.pid!;
    const pending = client.pretrain({ ...TINY, outDir: join(home, 'killed'), maxSteps: 5000 }, {
      onProgress: (p) => {
        if (p.phase === 'train') process.kill(pid, 'SIGKILL');
      },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof EngineExitedError && /exited \(signal SIGKILL\) while handling engine\/pretrain/.test(e.message));
    const s = await client.status();
    assert.notEqual(s.pid, pid);
    assert.ok(log.some((l) => /exited unexpectedly/.test(l)), log.join('\n'));
  });

  test('stdio transport: the same protocol over stdin/stdout', async () => {
    const child = spawn(process.execPath, [ENGINE, '--backend', 'cpu'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.listen();
    try {
      const s = await conn.sendRequest(EngineRequests.status, {});
      assert.equal(s.backend.backend, 'cpu');
      const r = await conn.sendRequest(EngineRequests.neighbours, { spec: { space: 'nasbench201', ops: BEST_OPS }, k: 2, modelDir });
      assert.equal(r.neighbours[0].distance, 0);
      await assert.rejects(conn.sendRequest(EngineRequests.loadModel, { modelDir: join(home, 'nope') }), (e: { code: number; data: { kind: string } }) => e.code === ENGINE_ERRORS.badModelDir && e.data.kind === 'badModelDir');
    } finally {
      conn.dispose();
      child.kill();
    }
  });
});
