/**
 * The engine methods the editor's views use, through the real engine process (dist/engine.js) and
 * the shipped NAS-Bench-201 model: the latent-space map (PCA of all 15,625 embeddings, the file's
 * cells placed on it), single table rows for hover/click, search with progress, "suggest similar".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rankSimilar } from '../client/src/similar';
import { analyze } from '../server/src/core/analyze';
import { cellCost } from '../server/src/core/export/cost';
import { nb201Index, nb201Table } from '../server/src/core/spaces/nasbench201';
import { EngineClient, EngineRequestError } from '../client/src/engine/engineClient';
import { pca2, project } from '../server/src/engine/query/projection';
import { readEmbeddings } from '../server/src/engine/store/modelDir';
import type { EngineSearchProgress } from '../server/src/protocol';
import { base64ToFloat32 } from '../webview/src/messages';

const ROOT = join(__dirname, '..');
const ENGINE = join(ROOT, 'dist', 'engine.js');
const SHIPPED = join(ROOT, 'models', 'nasbench201');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'getting-started.cells'), 'utf8');
const home = mkdtempSync(join(tmpdir(), 'arch2vec-editor-'));
let client: EngineClient;

before(() => {
  assert.ok(existsSync(ENGINE), `${ENGINE} is missing: run npm run build`);
  client = new EngineClient({ enginePath: ENGINE, args: ['--backend', 'cpu'], env: { ARCH2VEC_HOME: home } });
});

after(async () => {
  await client?.dispose();
  rmSync(home, { recursive: true, force: true });
});

test('pca2: orthonormal axes, explained variance equal to the projected variance', () => {
  const { data, index } = readEmbeddings(SHIPPED)!;
  const p = pca2(data, index.dim);
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  assert.ok(Math.abs(dot(p.axes[0], p.axes[0]) - 1) < 1e-9);
  assert.ok(Math.abs(dot(p.axes[1], p.axes[1]) - 1) < 1e-9);
  assert.ok(Math.abs(dot(p.axes[0], p.axes[1])) < 1e-9);
  const xy = project(p, data, index.dim);
  const n = index.count;
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < index.dim; j++) total += (data[i * index.dim + j] - p.mean[j]) ** 2;
  for (const k of [0, 1]) {
    let v = 0;
    for (let i = 0; i < n; i++) v += xy[2 * i + k] ** 2;
    assert.ok(Math.abs(v / total - p.explained[k]) < 1e-4, `axis ${k}: ${v / total} vs ${p.explained[k]}`);
  }
  assert.ok(p.explained[0] >= p.explained[1] && p.explained[0] + p.explained[1] < 1);
});

describe('engine/map', () => {
  test('all 15,625 NB201 cells, coloured by the benchmark, with the file\'s cells placed on their own rows', async () => {
    const r = await client.map({ text: EXAMPLE, defaultSpace: 'nasbench101', space: 'nasbench201' });
    assert.equal(r.space, 'nasbench201');
    assert.equal(r.count, 15_625);
    const xy = base64ToFloat32(r.coords);
    assert.equal(xy.length, 2 * 15_625);
    assert.ok(xy.every(Number.isFinite));
    const color = base64ToFloat32(r.color!);
    assert.equal(r.colorLabel, 'cifar10_valid_valid_acc');
    assert.deepEqual(Array.from(color.subarray(0, 100)), Array.from(nb201Table().columns.get('cifar10_valid_valid_acc')!.subarray(0, 100)));
    assert.ok(r.colorColumns.includes('cifar100_test_acc'));
    // nb201_best is a benchmark cell: it sits exactly on its row; the NB101 / DARTS cells are skipped with the reason.
    const best = r.highlights.find((h) => h.name === 'nb201_best')!;
    const text = analyze(EXAMPLE).cells.find((c) => c.name === 'nb201_best')!;
    const idx = nb201Index((text.spec as { ops: string[] }).ops);
    assert.equal(best.index, idx);
    assert.deepEqual([best.x, best.y], [xy[2 * idx], xy[2 * idx + 1]]);
    assert.equal(best.line, 13);
    assert.deepEqual(r.skipped.map((s) => s.name).sort(), ['darts_like', 'resnet_like']);
    assert.match(r.skipped.find((s) => s.name === 'resnet_like')!.error, /nasbench101 cell; the map shows nasbench201/);
    // The structural colourings travel with it: params / FLOPs of every row, as `arch2vec info` counts them.
    assert.deepEqual(r.colorLayers!.map((l) => l.key), ['params', 'flops']);
    const params = base64ToFloat32(r.colorLayers![0].values);
    const flops = base64ToFloat32(r.colorLayers![1].values);
    assert.equal(params.length, 15_625);
    const cost = cellCost(text.spec!);
    assert.deepEqual([params[idx], flops[idx]], [Math.fround(cost.params), Math.fround(cost.flops)]);
  });

  test('bad requests are located errors, not crashes', async () => {
    await assert.rejects(client.map({ space: 'nasbench201', color: 'cifar10_loss' }), (e: unknown) => e instanceof EngineRequestError && e.kind === 'badInput' && /no colour column 'cifar10_loss'/.test(e.message));
    await assert.rejects(client.map({ text: '# nothing\n' }), (e: unknown) => e instanceof EngineRequestError && e.kind === 'badInput');
    // (Every space ships a model now; the engine-process test covers a space without one.)
    await assert.rejects(client.map({ space: 'darts', modelDir: join(home, 'no-such-model') }), (e: unknown) => e instanceof EngineRequestError && e.kind === 'badModelDir' && /does not exist/.test(e.message));
  });
});

test('engine/cellAt: a table row as a valid cell with its accuracies; out of range is badInput', async () => {
  const r = await client.cellAt({ space: 'nasbench201', index: 6111 });
  assert.equal(r.index, 6111);
  assert.match(r.cell, /^cell nb201_6111\n  space: nasbench201\n  arch: \|/);
  const a = analyze(r.cell);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(nb201Index((a.cells[0].spec as { ops: string[] }).ops), 6111);
  assert.equal(r.accuracies!.cifar10_test_acc, Math.round(nb201Table().columns.get('cifar10_test_acc')![6111] * 1e4) / 1e4);
  for (const index of [-1, 15_625, 1.5]) {
    await assert.rejects(client.cellAt({ space: 'nasbench201', index }), (e: unknown) => e instanceof EngineRequestError && e.kind === 'badInput', String(index));
  }
});

test('engine/search through the client: a progress notification per evaluation, best so far monotone', async () => {
  const seen: EngineSearchProgress[] = [];
  const r = await client.search({ space: 'nasbench201', objective: 'benchmark', strategy: 're', dataset: 'cifar10', maxEvals: 40, seeds: [3], traces: true }, { onProgress: (p) => seen.push(p) });
  assert.equal(r.runs[0].evaluations, 40);
  assert.deepEqual(seen.map((p) => p.evaluations), Array.from({ length: 40 }, (_, i) => i + 1));
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i].best.bestReward ?? -1) >= (seen[i - 1].best.bestReward ?? -1));
  assert.equal(seen.at(-1)!.best.bestIndex, r.runs[0].best!.index);
  assert.deepEqual(r.runs[0].trace!.map((t) => t.bestReward), seen.map((p) => p.best.bestReward));
});

test('suggest similar: nearby cells that beat the query on the chosen dataset, best first, none from the file', async () => {
  const ops = ['nor_conv_1x1', 'skip_connect', 'nor_conv_1x1', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1'];
  const r = await client.neighbours({ spec: { space: 'nasbench201', ops }, k: 50 });
  const col = 'cifar10_valid_valid_acc';
  const base = r.neighbours.find((n) => n.index === r.query.index)!.accuracies![col];
  const inFile = new Set([r.neighbours[1].index, r.neighbours[2].index]);
  const s = rankSimilar(r, 'cifar10', 10, (n) => inFile.has(n.index));
  assert.ok(s.neighbours.length > 0 && s.neighbours.length <= 10);
  for (const n of s.neighbours) {
    assert.ok(n.accuracies![col] > base, `${n.index}: ${n.accuracies![col]} ≤ ${base}`);
    assert.ok(!inFile.has(n.index) && n.index !== r.query.index);
  }
  for (let i = 1; i < s.neighbours.length; i++) assert.ok(s.neighbours[i - 1].accuracies![col] >= s.neighbours[i].accuracies![col]);
  assert.deepEqual(s.neighbours.map((n) => n.rank), s.neighbours.map((_, i) => i + 1));
  assert.equal(s.queryAccuracies![col], base);
});
