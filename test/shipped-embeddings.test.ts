/**
 * A model shipped with weights only (NB101 and DARTS ship no 27–38 MB tables): the engine embeds the
 * space on first use, with progress, caches the table under $ARCH2VEC_HOME keyed by the weights, and
 * answers exactly as the same model with its table. Run through the real engine process, on a copy of
 * the shipped NB201 model without embeddings.f32 / embeddings.json (the one space whose table is small
 * enough to compare against here).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../client/src/engine/engineClient';
import { FILES } from '../server/src/engine/store/modelDir';
import type { PrepareProgress } from '../server/src/protocol';

const ROOT = join(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'engine.js');
const SHIPPED = join(ROOT, 'models', 'nasbench201');
const CELL = 'cell probe\n  space: nasbench201\n  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|\n';

const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-shipped-'));
const models = join(tmp, 'models');
const home = join(tmp, 'home');
const clients: EngineClient[] = [];

function engine(env: Record<string, string>) {
  const c = new EngineClient({ enginePath: ENGINE, args: ['--backend', 'wasm'], env });
  clients.push(c);
  return c;
}

before(() => {
  assert.ok(existsSync(ENGINE), `${ENGINE} is missing: run npm run build`);
  // The shipped model's files minus its table; its checksums still cover what is left.
  mkdirSync(join(models, 'nasbench201'), { recursive: true });
  for (const f of readdirSync(SHIPPED)) if (f !== FILES.embeddings && f !== FILES.embeddingsIndex) copyFileSync(join(SHIPPED, f), join(models, 'nasbench201', f));
});

after(async () => {
  for (const c of clients) await c.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

const cacheFiles = () => {
  const d = join(home, 'cache', 'embeddings');
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.a2ve')).map((f) => join(d, f)) : [];
};

test('weights-only model: the table is computed once with progress, cached, and gives the same neighbours as the full model', async () => {
  const reference = await engine({ ARCH2VEC_HOME: join(tmp, 'home-ref') }).neighbours({ text: CELL, cell: 'probe', k: 8 });
  assert.equal(reference.model, SHIPPED);

  const progress: PrepareProgress[] = [];
  const first = await engine({ ARCH2VEC_HOME: home, ARCH2VEC_MODELS_DIR: models }).neighbours({ text: CELL, cell: 'probe', k: 8 }, { onPrepare: (p) => progress.push(p) });
  assert.equal(first.model, join(models, 'nasbench201'));
  assert.ok(progress.length >= 2, `progress: ${JSON.stringify(progress)}`);
  const last = progress.at(-1)!;
  assert.equal(last.total, 15_625);
  assert.equal(last.done, 15_625);
  assert.match(last.what, /embedding the 15,625 nasbench201 cells/);
  assert.deepEqual(first.neighbours.map((n) => n.index), reference.neighbours.map((n) => n.index));
  first.neighbours.forEach((n, i) => assert.ok(Math.abs(n.distance - reference.neighbours[i].distance) < 1e-4, `${n.distance} vs ${reference.neighbours[i].distance}`));
  assert.equal(first.query.index, reference.query.index);
  // Nothing was written into the model directory: the table lives in the cache.
  assert.deepEqual(readdirSync(join(models, 'nasbench201')).sort(), readdirSync(SHIPPED).filter((f) => !f.startsWith('embeddings')).sort());
  const files = cacheFiles();
  assert.equal(files.length, 1);
  assert.equal(statSync(files[0]).size > 15_625 * 16 * 4, true);

  // A fresh engine reads the cache: no embedding progress, same answer.
  const again: PrepareProgress[] = [];
  const second = await engine({ ARCH2VEC_HOME: home, ARCH2VEC_MODELS_DIR: models }).neighbours({ text: CELL, cell: 'probe', k: 8 }, { onPrepare: (p) => again.push(p) });
  assert.equal(again.filter((p) => /embedding/.test(p.what)).length, 0, JSON.stringify(again));
  assert.deepEqual(second.neighbours, first.neighbours);
});

test('a corrupted cache is recomputed, never used', async () => {
  const [file] = cacheFiles();
  assert.ok(file, 'the first test leaves a cache');
  const buf = readFileSync(file);
  buf[buf.length - 7] ^= 0x40; // one flipped bit in the last row
  writeFileSync(file, buf);
  const progress: PrepareProgress[] = [];
  const c = engine({ ARCH2VEC_HOME: home, ARCH2VEC_MODELS_DIR: models });
  const r = await c.neighbours({ text: CELL, cell: 'probe', k: 8 }, { onPrepare: (p) => progress.push(p) });
  assert.ok(progress.some((p) => /embedding/.test(p.what) && p.done === p.total), 'recomputed');
  const reference = await engine({ ARCH2VEC_HOME: join(tmp, 'home-ref') }).neighbours({ text: CELL, cell: 'probe', k: 8 });
  assert.deepEqual(r.neighbours.map((n) => n.index), reference.neighbours.map((n) => n.index));
  assert.notDeepEqual(readFileSync(file), buf, 'the broken file was replaced');
  // The map's table is the same one: every row of the space.
  const map = await c.map({ space: 'nasbench201' });
  assert.equal(map.count, 15_625);
});
