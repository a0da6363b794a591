/**
 * Dawn's two harmless "maxDynamic…BuffersPerPipelineLayout artificially reduced" warnings (printed from
 * native code while it enumerates a Vulkan device such as llvmpipe) must not reach the stderr of
 * `arch2vec embed`/`neighbours` when the `auto` backend probes WebGPU; real errors must.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { filterDawnStderr } from '../server/src/engine/backend';

const NOISE = [
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
];

test('filterDawnStderr drops exactly the two known warnings and keeps everything else', () => {
  const real = [
    'Error: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
    'Warning: maxDynamicUniformBuffersPerPipelineLayout is too small',
    'MESA: error: ZINK: failed to choose pdev',
  ];
  const out = filterDawnStderr([NOISE[0], real[0], NOISE[1], real[1], real[2]].join('\n'));
  assert.deepEqual(out.split('\n'), real);
  assert.equal(filterDawnStderr(NOISE.join('\n')).trim(), '');
});

test('auto backend selection prints no Dawn limit warnings on stderr', () => {
  const script = "require('./server/src/engine/backend.ts').selectBackend('auto').then((r) => console.log(JSON.stringify(r)))";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir() },
  });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; skipped: { backend: string; reason: string }[] };
  assert.doesNotMatch(r.stderr, /maxDynamic\w+BuffersPerPipelineLayout artificially reduced/);
  const webgpu = report.skipped.find((s) => s.backend === 'webgpu');
  // Wherever auto passed over WebGPU it says why (the probe still judged the adapter).
  if (report.backend !== 'webgpu') assert.ok(webgpu?.reason, 'auto records why it skipped webgpu');
});
