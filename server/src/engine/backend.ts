import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendReport {
  backend: BackendName;
  /** Adapter or device name where the backend tells us one. */
  device: string;
  /** Why each backend before the chosen one was not used. */
  skipped: { backend: BackendName; reason: string }[];
}

/** Where the wasm binaries are: next to the bundle (dist/) or in node_modules during development. */
function wasmDir(): string | undefined {
  for (const d of [join(__dirname, 'wasm'), join(__dirname, '..', 'dist', 'wasm')]) if (existsSync(join(d, 'tfjs-backend-wasm-simd.wasm'))) return d + '/';
  try {
    return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + '/';
  } catch {
    return undefined;
  }
}

async function tryBackend(name: BackendName, mode: 'auto' | 'explicit'): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      try {
        // Optional dependency: its install script downloads libtensorflow, which fails offline.
        require(pkg);
      } catch (e) {
        throw new Error(`${pkg} is not installed (${(e as Error).message.split('\n')[0]}); run "arch2vec install-backend ${name}" where network is available`);
      }
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the backend did not initialise`);
      return name === 'tensorflow-gpu' ? 'CUDA (libtensorflow)' : 'CPU (libtensorflow)';
    }
    case 'webgpu': {
      let webgpu: { create: (o: string[]) => unknown; globals: object };
      try {
        webgpu = require('webgpu');
      } catch (e) {
        throw new Error(`npm package "webgpu" is not installed (${(e as Error).message.split('\n')[0]})`);
      }
      Object.assign(globalThis, webgpu.globals);
      const gpu = webgpu.create([]) as { requestAdapter: () => Promise<{ info?: { architecture?: string; description?: string; device?: string; vendor?: string } } | null> };
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new Error('no WebGPU adapter (is a Vulkan driver installed? libvulkan1 + mesa-vulkan-drivers or the GPU vendor\'s ICD)');
      const info = adapter.info ?? {};
      const software = info.architecture === 'software' || /llvmpipe|swiftshader/i.test(`${info.description} ${info.device}`);
      if (software && mode === 'auto') throw new Error(`only a software adapter (${info.description || info.device || 'llvmpipe'}), slower than wasm`);
      (globalThis as { navigator?: unknown }).navigator = { gpu };
      require('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) throw new Error('the tfjs WebGPU backend did not initialise');
      return [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ') || 'WebGPU adapter';
    }
    case 'wasm': {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      const dir = wasmDir();
      if (!dir) throw new Error('tfjs-backend-wasm binaries not found');
      wasm.setWasmPaths(dir);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return `WebAssembly${simd ? ' SIMD' : ''}, 1 thread`;
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return 'JavaScript (no acceleration)';
  }
}

/**
 * Picks the compute backend: the one asked for, or the first that loads in BACKEND_ORDER. Every skip
 * is recorded with its reason so the user sees why (status bar, CLI header, model config).
 */
export async function selectBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendReport> {
  const order = requested === 'auto' ? BACKEND_ORDER : [requested];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    try {
      const device = await tryBackend(name, requested === 'auto' ? 'auto' : 'explicit');
      await tf.ready();
      return { backend: name, device, skipped };
    } catch (e) {
      skipped.push({ backend: name, reason: (e as Error).message });
    }
  }
  throw new Error(`no compute backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
