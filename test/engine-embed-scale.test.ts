/**
 * Issue 9.7 (engine) and 9.8 (invalid specs): embedding many cells in the engine is linear, sliced
 * (the event loop keeps turning: other requests are answered), and cancellable; a spec from the wire
 * is validated like a cell of a file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatArch, NB201_SIZE, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { EngineError } from '../server/src/engine/errors';
import { EngineService } from '../server/src/engine/service';

const text = (n: number) => 'space nasbench201\n' + Array.from({ length: n }, (_, i) => `cell c${i}\n  arch: ${formatArch(nb201OpsAt(i % NB201_SIZE))}\n`).join('');

describe('engine embed at scale (issue 9.7)', () => {
  const service = new EngineService('auto');

  test('12,000 cells: ticks keep coming while it runs, and a cancel stops it within a slice', async () => {
    const big = text(12_000);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    const t0 = performance.now();
    await assert.rejects(service.embed({ text: big, defaultSpace: 'nasbench201' }, ctl.signal), (e: Error) => e instanceof EngineError && e.kind === 'cancelled' && /embedding cancelled after \d+ of 12000 cells/.test(e.message));
    clearInterval(ticker);
    const ms = performance.now() - t0;
    assert.ok(ticks >= 3, `the event loop was blocked: ${ticks} ticks in ${ms.toFixed(0)} ms`);
  });

  test('all 16,000 are embedded when not cancelled; names picked by a map', async () => {
    const r = await service.embed({ text: text(16_000), defaultSpace: 'nasbench201' });
    assert.equal(r.cells.length, 16_000);
    assert.ok(r.cells.every((c) => c.embedding?.length === 16));
    // Row i and row i + 15625 are the same architecture: the same embedding.
    assert.deepEqual(r.cells[15_625 + 7].embedding, r.cells[7].embedding);
    const picked = await service.embed({ text: text(4_000), defaultSpace: 'nasbench201', cells: Array.from({ length: 4_000 }, (_, i) => `c${3_999 - i}`) });
    assert.equal(picked.cells[0].name, 'c3999');
  });

  test('an invalid spec is rejected, not embedded (issue 9.8)', async () => {
    for (const spec of [{ space: 'nasbench201', ops: [null, 'x', 3] }, { space: 'nasbench201', ops: 'nor_conv_3x3' }, { space: 'nasbench101', ops: ['input', 'output'], matrix: 'x' }, null]) {
      await assert.rejects(service.embed({ specs: [spec as never] }), (e: Error) => e instanceof EngineError && e.kind === 'badInput' && /specs\[0\]/.test(e.message), JSON.stringify(spec));
    }
    const ok = await service.embed({ specs: [{ space: 'nasbench201', ops: nb201OpsAt(6111) }] });
    assert.equal(ok.cells[0].embedding!.length, 16);
  });
});
