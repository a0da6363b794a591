/**
 * The expected pretraining time the editor states before a pretraining starts and in the CodeLens of
 * a space without a model (client/src/pretrainEstimate.ts): computed from the training rate a model
 * directory recorded (the shipped NB201 model's metrics.json, a model "trained here"), never a constant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatDuration, measuredRates, measuredThroughput, noModelLens, pretrainEstimate } from '../client/src/pretrainEstimate';
import { REPO } from './helpers/shared';

const SHIPPED = path.join(REPO, 'models', 'nasbench201');
const metrics = JSON.parse(fs.readFileSync(path.join(SHIPPED, 'metrics.json'), 'utf8')) as { mode: string; graphsPerSec: number; seconds: number }[];

test('the rate is what the shipped model recorded for its train-mode epochs', () => {
  const t = measuredThroughput(SHIPPED, 'shipped');
  assert.ok(t);
  const train = metrics.filter((m) => m.mode === 'train');
  assert.ok(train.length > 0);
  const expected = train.reduce((s, m) => s + m.graphsPerSec * m.seconds, 0) / train.reduce((s, m) => s + m.seconds, 0);
  assert.ok(Math.abs(t.graphsPerSec - expected) < 1e-9);
  assert.equal(t.nodes, 8);
  assert.equal(t.space, 'nasbench201');
});

test('NB101 and DARTS: the reference schedule over the space\'s training cells, at the rate scaled to their graph size', () => {
  const t = measuredThroughput(SHIPPED, 'shipped')!;
  const nb101 = pretrainEstimate('nasbench101', [t])!;
  assert.equal(nb101.epochs, 8);
  assert.equal(nb101.cells, 381_261); // 90 % of the 423,624 cells
  assert.ok(Math.abs(nb101.seconds - (8 * 381_261) / (t.graphsPerSec * 8 / 7)) < 1e-6);
  const darts = pretrainEstimate('darts', [t])!;
  assert.equal(darts.epochs, 10);
  assert.equal(darts.cells, 540_000);
  assert.ok(darts.seconds > nb101.seconds, 'more, larger graphs take longer');
  assert.equal(pretrainEstimate('darts', [t], { epochs: 1, dartsPool: 10_000 })!.cells, 9_000);
  assert.equal(pretrainEstimate('nasbench101', []), undefined, 'nothing measured: no number');
});

test('a model trained on this machine wins over the shipped record, and the lens says "here"', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-rate-'));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(SHIPPED, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, space: 'nasbench101', model: { ...config.model, nodes: 7 } }));
    fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify([{ ...metrics[0], mode: 'train', graphsPerSec: 100, seconds: 50 }]));
    const here = measuredThroughput(dir, 'here')!;
    const shipped = measuredThroughput(SHIPPED, 'shipped')!;
    const e = pretrainEstimate('nasbench101', [shipped, here])!;
    assert.equal(e.from.where, 'here');
    assert.equal(e.graphsPerSec, 100, 'same graph size: the measured rate as it is');
    assert.equal(e.seconds, (8 * 381_261) / 100);
    const lens = noModelLens('nasbench101', e);
    assert.equal(lens.title, `no NB101 model · pretrain (${formatDuration(e.seconds)} here)`);
    assert.match(lens.tooltip, /8 epochs of 381,261 cells at 100 cells\/s/);
    assert.match(lens.tooltip, /trained on this machine/);
    assert.equal(measuredThroughput(path.join(dir, 'missing'), 'here'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without any measurement the lens still offers pretraining and says the time is unknown', () => {
  const lens = noModelLens('darts', undefined);
  assert.equal(lens.title, 'no DARTS model · pretrain');
  assert.match(lens.tooltip, /time is unknown/);
  assert.equal(formatDuration(45), '≈45 s');
  assert.equal(formatDuration(4082), '≈68 min');
  assert.equal(formatDuration(5 * 3600), '≈5.0 h');
});

test('the rates the editor uses: models trained under $ARCH2VEC_HOME first, then the shipped ones', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-home-'));
  try {
    assert.ok(measuredRates(home).some((t) => t.where === 'shipped' && t.space === 'nasbench201'));
    assert.ok(!measuredRates(home).some((t) => t.where === 'here'));
    const dir = path.join(home, 'models', 'nasbench201', 'run1');
    fs.mkdirSync(dir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(SHIPPED, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, updatedAt: new Date().toISOString() }));
    fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify([{ ...metrics[0], mode: 'train', graphsPerSec: 321, seconds: 10 }]));
    const [first] = measuredRates(home);
    assert.equal(first.where, 'here');
    assert.equal(first.graphsPerSec, 321);
    assert.equal(pretrainEstimate('nasbench101', measuredRates(home))!.from.dir, dir);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('among shipped records, the space\'s own rate is used (no scaling between graph sizes)', () => {
  const nb201 = measuredThroughput(SHIPPED, 'shipped')!;
  const nb101 = measuredThroughput(path.join(REPO, 'models', 'nasbench101'), 'shipped');
  assert.ok(nb101, 'the NB101 model ships with its metrics');
  assert.equal(nb101.space, 'nasbench101');
  const e = pretrainEstimate('nasbench101', [nb201, nb101])!;
  assert.equal(e.from.space, 'nasbench101');
  assert.ok(Math.abs(e.graphsPerSec - nb101.graphsPerSec) < 1e-9);
  // A space without its own record still gets the first one, scaled.
  assert.equal(pretrainEstimate('darts', [nb201])!.from.space, 'nasbench201');
});
