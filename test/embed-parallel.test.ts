/**
 * Issue 11: a whole embedding table on every core (engine/query/embedPool.ts). The table must be the
 * one a single thread computes, bit for bit; progress and cancellation must behave as on one
 * thread; and the workers must never keep a process alive.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { selectBackend } from '../server/src/engine/backend';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { embedDataset, loadModel } from '../server/src/engine/train/trainer';
import { REPO } from './helpers/shared';

describe('embedding on every core', () => {
  const ds = loadNb201();
  const MODEL = join(REPO, 'models', 'nasbench201');
  before(async () => {
    await selectBackend('wasm');
  });

  test('two threads give the single thread\'s table bit for bit, with progress to the end', async () => {
    const { model } = loadModel(MODEL);
    const one = await embedDataset(model, ds, undefined, 1000, undefined, 1);
    const seen: number[] = [];
    const two = await embedDataset(model, ds, (d) => seen.push(d), 1000, undefined, 2);
    assert.equal(two.length, ds.count * 16);
    let unequal = 0;
    for (let i = 0; i < one.length; i++) if (one[i] !== two[i]) unequal++;
    assert.equal(unequal, 0);
    assert.equal(seen.length, Math.ceil(ds.count / 1000));
    assert.ok(seen.every((d, i) => i === 0 || d > seen[i - 1]), 'progress only grows');
    assert.equal(seen.at(-1), ds.count);
    // The same workers serve another model (new weights, same shape): still the single-thread table.
    const other = loadModel(MODEL).model;
    for (const v of other.named().values()) if (v.name.endsWith('fc_mu.b')) v.assign(v.add(0.5));
    const a = await embedDataset(other, ds, undefined, 1000, undefined, 1);
    const b = await embedDataset(other, ds, undefined, 1000, undefined, 2);
    assert.deepEqual(b, a);
    assert.notDeepEqual(b.subarray(0, 16), two.subarray(0, 16));
  });

  test('cancelling stops between chunks and the workers serve the next call', async () => {
    const { model } = loadModel(MODEL);
    const ac = new AbortController();
    let calls = 0;
    await assert.rejects(embedDataset(model, ds, () => {
      if (++calls === 2) ac.abort(new Error('stop here'));
    }, 500, ac.signal, 2), /stop here/);
    assert.ok(calls < Math.ceil(ds.count / 500) - 2, `stopped early (${calls} chunks)`);
    const again = await embedDataset(model, ds, undefined, 1000, undefined, 2);
    assert.deepEqual(again, await embedDataset(model, ds, undefined, 1000, undefined, 1));
  });

  test('the workers never keep a process alive', () => {
    const script = `
      const { selectBackend } = require('./server/src/engine/backend');
      const { loadNb201 } = require('./server/src/engine/data/nasbench201Data');
      const { embedDataset, loadModel } = require('./server/src/engine/train/trainer');
      (async () => {
        await selectBackend('wasm');
        const e = await embedDataset(loadModel('models/nasbench201').model, loadNb201(), undefined, 1000, undefined, 2);
        console.log('rows', e.length / 16);
      })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /rows 15625/);
  });
});
