/**
 * Issue 12: the latent-space map coloured by the user's own table (arch2vec.search.benchmarkTable).
 * Real data: 1,225 NB301 genotypes from ../shared (outside any DARTS pool sample: they become points
 * of their own), rows of a tiny DARTS model's pool (they colour the model's points), the shipped
 * NB201 model with a table of NB201 cells. A broken table never fails the map.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CellSpec } from '../server/src/protocol';
import { cellText } from '../server/src/core/notation';
import { cellCost } from '../server/src/core/export/cost';
import { formatArch, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { selectBackend } from '../server/src/engine/backend';
import { EngineService } from '../server/src/engine/service';
import { pretrain } from '../server/src/engine/train/trainer';
import { base64ToFloat32, parseHostMessage } from '../webview/src/messages';
import { REPO, sharedJsonl } from './helpers/shared';

const nb301 = sharedJsonl<{ normal: [string, number][]; reduce: [string, number][]; val_acc: number }>('darts/nb301_naslib_zc_subset.jsonl');
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('map: coloured by the user\'s table', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-map-table-'));
  const HOME = join(REPO, '.cache', 'test-home');
  let dartsModel = '';
  const service = new EngineService('wasm');
  before(async () => {
    dartsModel = join(tmp, 'darts-model');
    await pretrain({ space: 'darts', modelDir: dartsModel, cacheDir: join(HOME, 'cache'), backend: await selectBackend('wasm'), dartsPool: 2000, train: { epochs: 1, seed: 3 }, validitySamples: 0, maxStepsPerEpoch: 10, threads: 1 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('DARTS: pool rows colour their points, NB301 genotypes outside the pool are added where the file\'s cells would be', async () => {
    const pool = [await service.cellAt({ modelDir: dartsModel, index: 5 }), await service.cellAt({ modelDir: dartsModel, index: 1234 })];
    const real = nb301.slice(0, 40);
    const file = join(tmp, 'mine.jsonl');
    writeFileSync(file, jsonl([
      { format: 'arch2vec-table', version: 1, space: 'darts' },
      ...pool.map((p, k) => ({ normal: (p.spec as { normal: unknown }).normal, reduce: (p.spec as { reduce: unknown }).reduce, reward: 90 + k })),
      ...real.map((g) => ({ normal: g.normal, reduce: g.reduce, reward: g.val_acc, accuracy: g.val_acc - 0.5 })),
    ]));
    const specs = real.map((g) => ({ space: 'darts', normal: g.normal, reduce: g.reduce, reduceGiven: true }) as CellSpec);
    // The same genotypes as the file's cells: the map places them through its highlight path, independently.
    const text = ['space darts', ...specs.map((s, i) => cellText(`g${i}`, s))].join('\n');
    const r = await service.map({ modelDir: dartsModel, table: file, text });
    assert.equal(r.tableError, undefined);
    const t = r.table!;
    assert.equal(t.poolCount, 2000);
    assert.equal(t.inPool, 2);
    assert.equal(t.cells.length, real.length, 'every NB301 genotype outside the 2,000-cell pool is a point');
    assert.equal(r.count, 2000 + real.length);
    assert.match(t.label, /mine\.jsonl/);

    const values = base64ToFloat32(t.values);
    assert.equal(values.length, r.count);
    assert.equal(values[5], 90);
    assert.equal(values[1234], 91);
    assert.equal(values.subarray(0, 2000).filter(Number.isFinite).length, 2, 'no other pool point has a value');
    real.forEach((g, k) => {
      assert.equal(t.cells[k].line, k + 4, 'named after its line in the table');
      assert.equal(Math.fround(g.val_acc), values[2000 + k]);
      assert.equal(t.cells[k].accuracy, g.val_acc - 0.5);
      assert.deepEqual(t.cells[k].spec.space, 'darts');
    });

    const xy = base64ToFloat32(r.coords);
    assert.equal(xy.length, 2 * r.count);
    r.highlights.forEach((h, k) => {
      assert.equal(h.index, null);
      assert.ok(Math.abs(xy[2 * (2000 + k)] - h.x) < 1e-4 && Math.abs(xy[2 * (2000 + k) + 1] - h.y) < 1e-4, `${h.name} placed where the file's cell is`);
    });

    const params = base64ToFloat32(r.colorLayers![0].values);
    assert.equal(params.length, r.count, 'the cost layers cover the added points too');
    specs.forEach((s, k) => assert.equal(params[2000 + k], Math.fround(cellCost(s).params)));

    // What the page accepts: the state the editor builds from this result.
    const state = { kind: 'map', space: r.space, model: r.model, count: r.count, coords: r.coords, explained: r.explained, projection: 'pca', highlights: r.highlights, colorLayers: r.colorLayers, table: r.table };
    assert.ok(parseHostMessage({ type: 'state', state }));
    assert.equal(parseHostMessage({ type: 'state', state: { ...state, count: r.count - 1 } }), undefined, 'points and table cells must agree');
  });

  test('a bad row is a located error and the map still opens; another space\'s table is skipped', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, jsonl([{ space: 'darts', normal: nb301[0].normal, reduce: nb301[0].reduce, reward: 93 }, { space: 'darts', normal: 'sep_conv_3x3 0', reward: 92 }]));
    const r = await service.map({ modelDir: dartsModel, table: bad });
    assert.equal(r.table, undefined);
    assert.match(r.tableError!, /bad\.jsonl:2: /);
    assert.equal(r.count, 2000);

    const missing = await service.map({ modelDir: dartsModel, table: join(tmp, 'nope.csv') });
    assert.match(missing.tableError!, /cannot read table .*nope\.csv/);

    const other = join(tmp, 'nb201.csv');
    writeFileSync(other, 'arch,reward\n"' + formatArch(nb201OpsAt(10)) + '",71.5\n');
    const o = await service.map({ modelDir: dartsModel, table: other });
    assert.deepEqual([o.table, o.tableError, o.tableSpace], [undefined, undefined, 'nasbench201']);
  });

  test('NB201 (shipped model): every table cell is a benchmark point; rows with ids only take the map\'s space', async () => {
    const file = join(tmp, 'ids.csv');
    writeFileSync(file, 'index,reward\n7,80\n15624,81.25\n7,82\n');
    const r = await service.map({ space: 'nasbench201', table: file });
    const t = r.table!;
    assert.deepEqual([t.poolCount, t.inPool, t.cells.length, r.count], [15625, 2, 0, 15625]);
    const values = base64ToFloat32(t.values);
    assert.deepEqual([values[7], values[15624]], [81, 81.25], 'repeats of a cell are one cell with the mean');
    assert.equal(base64ToFloat32(r.color!).length, 15625);
    // The shipped binary NB201 table (also accepted by the setting) is the benchmark colouring already: no overlay, no error.
    const binary = await service.map({ space: 'nasbench201', table: join(REPO, 'data', 'nasbench201.table') });
    assert.deepEqual([binary.table, binary.tableError, binary.tableSpace], [undefined, undefined, undefined]);
  });
});
