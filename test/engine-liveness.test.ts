/**
 * The client's liveness check on the engine (issue 9, item 7): a hung engine (event loop blocked) is
 * detected within the bound, killed, and its pending request rejected with a clear error; a slow but
 * alive engine is never timed out for being slow. Real child processes, no mocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineClient, EngineUnresponsiveError } from '../client/src/engine/engineClient';
import { EngineRequests } from '../server/src/protocol';

const STUB = join(__dirname, 'fixtures', 'engines', 'stub-engine.cjs');

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a hung engine: the pending request rejects within the liveness bound and the process is gone', async () => {
  const client = new EngineClient({ enginePath: STUB, env: { STUB_MODE: 'hang' }, liveness: { intervalMs: 100, timeoutMs: 1500 } });
  try {
    const t0 = Date.now();
    const pending = client.request(EngineRequests.embed, { cells: [] } as never);
    const pid = await waitForPid(client);
    const err = await pending.then(() => undefined, (e: unknown) => e);
    const took = Date.now() - t0;
    assert.ok(err instanceof EngineUnresponsiveError, `expected EngineUnresponsiveError, got ${String(err)}`);
    assert.match(err.message, /arch2vec engine \(pid \d+\) stopped answering for \d+ s while handling engine\/embed/);
    assert.match(err.message, /Restart Engine/);
    assert.ok(took < 6000, `rejected after ${took} ms (bound 1.5 s + one ping interval)`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(pid), false, 'the hung engine process was killed');
  } finally {
    await client.dispose();
  }
});

test('a slow but responsive engine is not timed out, however long the job', async () => {
  const client = new EngineClient({ enginePath: STUB, env: { STUB_MODE: 'slow', STUB_SLOW_MS: '3000' }, liveness: { intervalMs: 100, timeoutMs: 800 } });
  try {
    const r = await client.request(EngineRequests.embed, { cells: [] } as never);
    assert.deepEqual(r, { embeddings: [[1, 2]] });
  } finally {
    await client.dispose();
  }
});

test('without the liveness check the hung engine would leave the request waiting (the check is what bounds it)', async () => {
  const client = new EngineClient({ enginePath: STUB, env: { STUB_MODE: 'hang' }, liveness: false });
  try {
    const pending = client.request(EngineRequests.embed, { cells: [] } as never).then(() => 'answered', () => 'rejected');
    const outcome = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still waiting'), 2500))]);
    assert.equal(outcome, 'still waiting');
  } finally {
    await client.dispose();
  }
});

async function waitForPid(client: EngineClient): Promise<number | undefined> {
  for (let i = 0; i < 100 && client.pid === undefined; i++) await new Promise((r) => setTimeout(r, 20));
  return client.pid;
}

test('the real engine (dist/engine.js) answers engine/ping without selecting a backend', async () => {
  const client = new EngineClient({ enginePath: join(__dirname, '..', 'dist', 'engine.js'), args: ['--backend', 'cpu'] });
  try {
    const r = await client.request(EngineRequests.ping, {});
    assert.equal(r.pid, client.pid);
  } finally {
    await client.dispose();
  }
});
