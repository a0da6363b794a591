/**
 * Compute backends: selection order and skip reasons, and numerical agreement of the arch2vec model
 * (eval embedding, train-mode forward + loss, gradients) on every backend that loads here with the cpu
 * backend. WebGPU runs wherever Dawn finds an adapter — in CI on Mesa's software Vulkan driver
 * (scripts/setup-vulkan.sh); set ARCH2VEC_REQUIRE_WEBGPU=1 to make a missing WebGPU a failure instead
 * of a skip. Also prints one-step training throughput per backend (graphs/s, NB201 batch 32; with
 * ARCH2VEC_BACKEND_BENCH=1 also batch 256 on webgpu).
 *
 * tfjs has one active backend per process and tensors belong to the backend that made them, so each
 * backend builds its own model from the same seed. Backends run cpu first and webgpu last: switching
 * away from webgpu would have tfjs read GPU tensors synchronously, which needs OffscreenCanvas (absent
 * in Node).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, diagnoseNoAdapter, listBackends, selectBackend, takeGpuErrors, type BackendName } from '../server/src/engine/backend';
import { compare, modelOutputs, nb201Batch, trainThroughput } from './helpers/backendProbe';

process.env.XDG_RUNTIME_DIR ??= tmpdir(); // keeps Mesa's Vulkan driver quiet on headless machines
const REQUIRE_WEBGPU = process.env.ARCH2VEC_REQUIRE_WEBGPU === '1';
/** Float32 agreement: |a − b| ≤ ATOL·(largest |cpu value| of that output group) + RTOL·|b|. */
const ATOL = 5e-5;
const RTOL = 1e-3;
const BATCH = 16;

const fmt = (x: number) => x.toExponential(2);

describe('backend selection', () => {
  test('auto picks the first backend that loads and says why each earlier one was skipped', async (t) => {
    const r = await selectBackend('auto');
    assert.equal(tf.getBackend(), r.backend === 'tensorflow-gpu' ? 'tensorflow' : r.backend);
    const idx = BACKEND_ORDER.indexOf(r.backend);
    assert.deepEqual(r.skipped.map((s) => s.backend), BACKEND_ORDER.slice(0, idx), 'skips are exactly the backends before the chosen one, in order');
    for (const s of r.skipped) assert.ok(s.reason.length > 10 && !/^\s*$/.test(s.reason), `${s.backend} has a readable reason`);
    const reason = (b: BackendName) => r.skipped.find((s) => s.backend === b)?.reason;
    const tfjsNode = (pkg: string) => {
      try {
        require.resolve(pkg);
        return true;
      } catch {
        return false;
      }
    };
    if (!tfjsNode('@tensorflow/tfjs-node-gpu')) assert.match(reason('tensorflow-gpu')!, /tfjs-node-gpu is not installed/);
    if (!tfjsNode('@tensorflow/tfjs-node')) assert.match(reason('tensorflow')!, /tfjs-node is not installed/);
    if (idx > BACKEND_ORDER.indexOf('webgpu')) {
      assert.match(reason('webgpu')!, /only a software adapter|no Vulkan driver|no (usable )?WebGPU adapter|"webgpu" \(Dawn\) is not installed|tfjs-backend-webgpu is not installed/);
    }
    // This machine kind: no libtensorflow, no hardware GPU → wasm.
    if (!tfjsNode('@tensorflow/tfjs-node') && !tfjsNode('@tensorflow/tfjs-node-gpu') && r.backend !== 'webgpu') {
      assert.equal(r.backend, 'wasm');
      assert.deepEqual(r.skipped.map((s) => s.backend), ['tensorflow-gpu', 'webgpu', 'tensorflow']);
    }
    t.diagnostic(`auto → ${r.backend} (${r.device})`);
    for (const s of r.skipped) t.diagnostic(`  skipped ${s.backend}: ${s.reason}`);
  });

  test('a failed explicit backend leaves tfjs able to load the next one', async () => {
    for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
      const ok = await selectBackend(name).then(() => true, () => false);
      if (ok) continue; // installed here: nothing to check
      await assert.rejects(selectBackend(name), /no compute backend could be loaded: tensorflow(-gpu)?: /);
      const r = await selectBackend('cpu');
      assert.equal(r.backend, 'cpu');
      assert.equal(tf.getBackend(), 'cpu');
      assert.deepEqual(await tf.add(tf.tensor1d([1, 2]), 1).data(), new Float32Array([2, 3]));
    }
  });

  test('no-adapter diagnosis names the missing piece', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icd-'));
    try {
      const env = {};
      assert.match(diagnoseNoAdapter(env, 'linux', () => undefined, [dir]), /^no Vulkan driver \(libvulkan\.so\.1 not found/);
      assert.match(diagnoseNoAdapter(env, 'linux', () => '/usr/lib/libvulkan.so.1', [dir]), /^no Vulkan driver \(libvulkan\.so\.1 is installed but no ICD manifest/);
      assert.match(diagnoseNoAdapter({ VK_ICD_FILENAMES: '/nope.json' }, 'linux', () => '/usr/lib/libvulkan.so.1', [dir]), /no ICD manifest in VK_DRIVER_FILES\/VK_ICD_FILENAMES=\/nope\.json/);
      writeFileSync(join(dir, 'lvp_icd.x86_64.json'), '{}');
      assert.match(diagnoseNoAdapter(env, 'linux', () => '/usr/lib/libvulkan.so.1', [dir]), /Dawn rejected the Vulkan driver\(s\) lvp_icd\.x86_64\.json/);
      assert.match(diagnoseNoAdapter(env, 'darwin'), /no WebGPU adapter/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backends agree with cpu on the arch2vec model', () => {
  const batch = nb201Batch(BATCH);
  let reference: Map<string, Float32Array> | undefined;
  const throughput: string[] = [];

  async function measure(name: string, sizes: number[]) {
    for (const size of sizes) {
      const r = await trainThroughput(nb201Batch(size), { warmup: 1, minSteps: 2, minMs: 400 });
      throughput.push(`${name} batch ${size}: ${r.graphsPerSec.toFixed(0)} graphs/s (${r.msPerStep.toFixed(0)} ms/step over ${r.steps} steps)`);
    }
  }

  test('cpu (reference)', async () => {
    await selectBackend('cpu');
    reference = await modelOutputs(batch);
    for (const [k, v] of reference) assert.ok(v.every(Number.isFinite), `${k} is finite`);
    await measure('cpu', [32]);
  });

  // webgpu last (see the header comment).
  for (const name of ['wasm', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const) {
    test(name, async (t) => {
      assert.ok(reference, 'cpu reference computed');
      let device: string;
      try {
        device = (await selectBackend(name)).device;
      } catch (e) {
        const reason = (e as Error).message.replace(/^no compute backend could be loaded: /, '');
        if (name === 'webgpu' && REQUIRE_WEBGPU) assert.fail(`ARCH2VEC_REQUIRE_WEBGPU=1 but WebGPU is unavailable: ${reason}`);
        if (name === 'wasm') assert.fail(`wasm must load everywhere: ${reason}`);
        t.skip(reason);
        return;
      }
      const t0 = performance.now();
      const out = await modelOutputs(batch);
      const ms = performance.now() - t0;
      const d = compare(out, reference, ATOL, RTOL);
      t.diagnostic(`${name} on ${device}: max |Δ| ${fmt(d.maxAbs)} at ${d.worst}; max rel ${fmt(d.maxRel)} at ${d.worstRel} (${ms.toFixed(0)} ms)`);
      assert.deepEqual(d.failures, [], `${name} differs from cpu beyond atol ${ATOL}·scale + rtol ${RTOL}`);
      // Batch 256 on the software GPU costs ~3 s a step: opt in with ARCH2VEC_BACKEND_BENCH=1.
      await measure(name, name === 'webgpu' && process.env.ARCH2VEC_BACKEND_BENCH === '1' ? [32, 256] : [32]);
      if (name === 'webgpu') {
        // Invalid pipelines (a device limit broken) give wrong numbers with no exception: fail on them.
        await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(takeGpuErrors(), [], 'no WebGPU validation errors');
      }
    });
  }

  test('training throughput (one optimiser step, NB201)', (t) => {
    for (const line of throughput) t.diagnostic(line);
  });
});

test('listBackends probes every backend and restores the active one', async (t) => {
  await selectBackend('cpu');
  const x = tf.tensor1d([1, 2, 3]);
  const rows = await listBackends();
  assert.equal(tf.getBackend(), 'cpu', 'the active backend is restored');
  assert.deepEqual(await x.data(), new Float32Array([1, 2, 3]));
  x.dispose();
  assert.deepEqual(rows.map((r) => r.backend), BACKEND_ORDER);
  for (const r of rows) {
    if (r.available) assert.ok(r.device, `${r.backend} names its device`);
    else assert.ok(r.reason && !r.auto, `${r.backend} says why it is unavailable`);
  }
  assert.ok(rows.find((r) => r.backend === 'wasm')!.available);
  assert.ok(rows.find((r) => r.backend === 'cpu')!.available);
  const webgpu = rows.find((r) => r.backend === 'webgpu')!;
  if (REQUIRE_WEBGPU) assert.ok(webgpu.available, `webgpu required: ${webgpu.reason}`);
  if (webgpu.available && /software/.test(webgpu.device!)) assert.equal(webgpu.auto, false, 'auto passes over a software adapter');
  for (const r of rows) t.diagnostic(`${r.backend}: ${r.available ? `available on ${r.device}${r.reason ? ` (${r.reason})` : ''}` : `unavailable: ${r.reason}`}`);
});
