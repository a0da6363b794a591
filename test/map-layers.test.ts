/**
 * The map's structural colourings (issue 12: spaces without a table are coloured by parameters or
 * FLOPs): engine/query/mapLayers.ts computes them for every row of a model's table with two shortcuts
 * (DARTS per-pair terms, NB101 straight from the enumeration's columns); both must equal the cost model
 * (`cellCost`, what `arch2vec info` prints and PyTorch counts) exactly, on real rows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CellSpec } from '../server/src/protocol';
import { cellCost } from '../server/src/core/export/cost';
import { nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { loadOrBuildNb101 } from '../server/src/engine/data/nasbench101Data';
import { sampleDarts } from '../server/src/engine/data/dartsSample';
import { costColumns } from '../server/src/engine/query/mapLayers';
import { EngineService } from '../server/src/engine/service';
import { REPO, sharedJsonl } from './helpers/shared';

const same = (a: Float32Array, i: number, v: number) => a[i] === Math.fround(v);

describe('map colour layers: parameters and FLOPs of every row', () => {
  test('DARTS: the per-pair shortcut equals cellCost on 3,000 sampled genotypes and on the 1,225 real NB301 ones (normal ≠ reduce)', async () => {
    const ds = sampleDarts({ count: 3000, seed: 11 });
    const sampled = (i: number): CellSpec => ({ space: 'darts', normal: ds.genotype(i), reduce: ds.genotype(i), reduceGiven: false });
    const a = await costColumns('test:darts-sample', ds.count, sampled);
    assert.equal(a.method, 'darts-terms');
    const nb301 = sharedJsonl<{ normal: [string, number][]; reduce: [string, number][] }>('darts/nb301_naslib_zc_subset.jsonl');
    const real = (i: number): CellSpec => ({ space: 'darts', normal: nb301[i].normal, reduce: nb301[i].reduce, reduceGiven: true });
    const b = await costColumns('test:nb301', nb301.length, real);
    assert.equal(b.method, 'darts-terms');
    for (const [cols, spec, n] of [[a, sampled, ds.count], [b, real, nb301.length]] as const) {
      for (let i = 0; i < n; i++) {
        const c = cellCost(spec(i));
        assert.ok(same(cols.params, i, c.params) && same(cols.flops, i, c.flops), `row ${i}: ${cols.params[i]} / ${cols.flops[i]} vs ${c.params} / ${c.flops}`);
      }
    }
  });

  test('NAS-Bench-101: the columns shortcut equals cellCost on every 40th of the 423,624 enumerated cells', async () => {
    const ds = loadOrBuildNb101(join(REPO, '.cache', 'test-home', 'cache'));
    assert.equal(ds.count, 423_624);
    const spec = (i: number): CellSpec => ({ space: 'nasbench101', ...ds.cell(i) });
    const t0 = performance.now();
    const cols = await costColumns('test:nb101', ds.count, spec, ds.columns);
    const ms = performance.now() - t0;
    assert.equal(cols.method, 'nb101-columns');
    for (let i = 0; i < ds.count; i += 40) {
      const c = cellCost(spec(i));
      assert.ok(same(cols.params, i, c.params) && same(cols.flops, i, c.flops), `row ${i}`);
    }
    console.log(`# NB101: params and FLOPs of 423,624 cells in ${ms.toFixed(0)} ms`);
  });

  test('a shortcut that disagrees with the cost model is not used (every row through cellCost instead)', async () => {
    const rows = 200;
    const spec = (i: number): CellSpec => ({ space: 'nasbench201', ops: nb201OpsAt(i * 7) });
    // NB201 has no shortcut; columns of another table passed by mistake must not be trusted either.
    const fake = { count: rows, vertices: new Uint8Array(rows).fill(2), adjacency: new Uint32Array(rows).fill(1), ops: new Uint16Array(rows), hashes: new Uint8Array(16 * rows) };
    const cols = await costColumns('test:mismatch', rows, spec, fake);
    assert.equal(cols.method, 'cellCost');
    for (let i = 0; i < rows; i++) assert.ok(same(cols.params, i, cellCost(spec(i)).params));
  });

  test('engine/map sends both layers for every point of the shipped NB201 model, in the order of the coordinates', async () => {
    const r = await new EngineService('wasm').map({ space: 'nasbench201' });
    assert.deepEqual(r.colorLayers!.map((l) => l.key), ['params', 'flops']);
    const params = new Float32Array(Buffer.from(r.colorLayers![0].values, 'base64').buffer.slice(0));
    const flops = new Float32Array(Buffer.from(r.colorLayers![1].values, 'base64').buffer.slice(0));
    assert.equal(params.length, r.count);
    assert.equal(flops.length, r.count);
    for (const i of [0, 1, 777, 9930, r.count - 1]) {
      const c = cellCost({ space: 'nasbench201', ops: nb201OpsAt(i) });
      assert.ok(same(params, i, c.params) && same(flops, i, c.flops), `row ${i}`);
    }
    assert.ok(r.color, 'the benchmark colouring stays the default where there is a table');
  });
});
