/**
 * "Choose Compute Backend…" tries the backend in a throw-away engine before saving it
 * (client/src/engine/probeBackend.ts): the real engine bundle, real backends. One that loads reports
 * itself; one that cannot load here says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeBackend } from '../client/src/engine/probeBackend';
import { REPO } from './helpers/shared';

const enginePath = path.join(REPO, 'dist', 'engine.js');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-probe-'));
const env = { ...process.env, ARCH2VEC_HOME: home };
const loads = (pkg: string) => {
  try {
    createRequire(enginePath).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

test('a backend that loads is reported with its device', { timeout: 120_000 }, async () => {
  const r = await probeBackend('cpu', { enginePath, env });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.equal(r.report.backend, 'cpu');
  assert.ok(r.report.device.length > 0);
});

test('a backend that cannot load here is refused with the engine\'s reason', { timeout: 120_000, skip: loads('@tensorflow/tfjs-node') && '@tensorflow/tfjs-node is installed here' }, async () => {
  const r = await probeBackend('tensorflow', { enginePath, env });
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /tfjs-node|tensorflow/i);
  assert.doesNotMatch((r as { reason: string }).reason, /\n/, 'one line, for a notification');
});

test('auto always finds one (it falls back to wasm or cpu)', { timeout: 120_000 }, async () => {
  const r = await probeBackend('auto', { enginePath, env });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  fs.rmSync(home, { recursive: true, force: true });
});
