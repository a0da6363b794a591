import * as tf from '@tensorflow/tfjs-core';
// A named import: esbuild drops a bare `import '@tensorflow/tfjs-backend-cpu'` (the package declares
// its node bundle side-effect free), which left the bundled CLI/server with no cpu backend.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backendsDir } from './paths';

import type { BackendReport } from '../protocol/backend';
import { BACKEND_NAMES, type BackendName } from '../protocol/values';

export type { BackendName, BackendReport };
/** The order `auto` tries the backends in. */
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES;

/** One row of `listBackends()` (the CLI's `arch2vec backends`). */
export interface BackendProbe {
  backend: BackendName;
  available: boolean;
  /** Where available: the device it runs on. */
  device?: string;
  /** Where not available: why. Where available but 'auto' passes it over: why (see `auto`). */
  reason?: string;
  /** Whether 'auto' would accept it (a software WebGPU adapter is available but not auto-picked). */
  auto: boolean;
}

/**
 * Optional packages are loaded with a non-literal specifier so the esbuild bundle neither inlines them
 * nor fails to build where they are not installed; they resolve from node_modules at run time.
 */
function optionalRequire<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    // `arch2vec install-backend` puts native packages under $ARCH2VEC_HOME/backends.
    return createRequire(join(backendsDir(), 'package.json'))(name) as T;
  }
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

/** tfjs engine internals we read (not in the public typings). */
interface EngineInternals {
  backendName: string | null;
  registry: Record<string, unknown>;
}
const engine = (): EngineInternals => tf.engine() as unknown as EngineInternals;

/** The backend tfjs currently runs on, or undefined where none was set yet (no implicit initialisation). */
function activeBackend(): string | undefined {
  const e = engine();
  return e.backendName != null && e.registry[e.backendName] != null ? e.backendName : undefined;
}

/**
 * After a failed `tf.setBackend(name)` tfjs keeps `name` as the selected backend with no instance, and
 * a registered-but-broken factory would be picked again by tfjs' own default selection (webgpu and
 * tensorflow register with priority 3, above wasm and cpu). Drop a factory that failed to initialise;
 * the webgpu one is kept aside so a later explicit attempt can register it again.
 */
function forgetFailedBackend(name: string): void {
  if (tf.findBackendFactory(name) == null || engine().registry[name] != null) return;
  if (name === 'webgpu') webgpuFactory ??= tf.findBackendFactory(name) ?? undefined;
  tf.removeBackend(name);
}

// ---------------------------------------------------------------------------------------------------
// WebGPU through Dawn (npm "webgpu"): Vulkan on Linux, Metal on macOS, D3D12 on Windows.

interface GpuAdapterInfo { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface GpuAdapter { info?: GpuAdapterInfo; isFallbackAdapter?: boolean }
interface Gpu { requestAdapter(o?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapter | null> }

let dawn: { gpu: Gpu } | undefined;
let webgpuFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/**
 * Loads Dawn once per process and exposes it as `navigator.gpu` — which must exist before
 * @tensorflow/tfjs-backend-webgpu is loaded, or that module silently registers nothing.
 */
async function loadDawn(): Promise<Gpu> {
  if (dawn) return dawn.gpu;
  let mod: { create: (o: string[]) => Gpu; globals: object };
  try {
    // ES module: import(), which works on every Node 20 (require(esm) only from 20.19).
    const spec = 'webgpu';
    mod = (await import(spec)) as typeof mod;
  } catch (e) {
    throw new Error(`the npm package "webgpu" (Dawn) is not installed or does not load (${firstLine(e)})`);
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator == null) g.navigator = { gpu };
  else if (g.navigator.gpu == null) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true }); // Node ≥ 21 has a navigator
  dawn = { gpu };
  return gpu;
}

/** Directories the Vulkan loader reads ICD manifests from (Linux), in its order. */
function vulkanIcdDirs(env: NodeJS.ProcessEnv): string[] {
  const home = homedir();
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  return [
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'vulkan/icd.d'),
    ...configDirs.map((d) => join(d, 'vulkan/icd.d')),
    '/etc/vulkan/icd.d',
    join(env.XDG_DATA_HOME || join(home, '.local/share'), 'vulkan/icd.d'),
    ...dataDirs.map((d) => join(d, 'vulkan/icd.d')),
  ].filter((d) => d !== '/vulkan/icd.d');
}

/** Whether the dynamic linker can find `name` (LD_LIBRARY_PATH, ld.so.cache, default dirs). */
function findSharedLibrary(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [...(env.LD_LIBRARY_PATH || '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib'];
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const out = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 });
      const hit = out.split('\n').find((l) => l.trim().startsWith(name + ' '));
      if (hit) return hit.split('=>').pop()!.trim();
    } catch {
      // no ldconfig here: the directory scan above is all we have
    }
  }
  return undefined;
}

/**
 * Why Dawn found no adapter, as far as the file system tells (Linux/Vulkan only; Dawn prints its own
 * reason on stderr, which we cannot capture in-process). Exported for tests.
 */
export function diagnoseNoAdapter(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform,
  find: (name: string) => string | undefined = (n) => findSharedLibrary(n, env), icdDirs: string[] = vulkanIcdDirs(env)): string {
  const fix = 'run scripts/setup-vulkan.sh for a software driver, or install your GPU vendor\'s Vulkan driver';
  if (platform !== 'linux') return 'no WebGPU adapter (Dawn found no usable Metal/D3D12/Vulkan device)';
  if (!find('libvulkan.so.1')) return `no Vulkan driver (libvulkan.so.1 not found: install libvulkan1; ${fix})`;
  const explicit = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  const icds = explicit
    ? explicit.split(':').filter((f) => f && existsSync(f))
    : icdDirs.flatMap((d) => {
      try {
        return readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => join(d, f));
      } catch {
        return [];
      }
    });
  if (icds.length === 0) {
    return `no Vulkan driver (libvulkan.so.1 is installed but no ICD manifest ${explicit ? `in VK_DRIVER_FILES/VK_ICD_FILENAMES=${explicit}` : 'in */vulkan/icd.d'}; ${fix})`;
  }
  return `no usable WebGPU adapter: Dawn rejected the Vulkan driver(s) ${icds.map((f) => f.split('/').pop()).join(', ')} `
    + `(its reason is printed above; Debian 12's own Mesa 22 lavapipe is too old for Dawn: ${fix})`;
}

function describeAdapter(info: GpuAdapterInfo): string {
  const name = info.description || info.device || 'WebGPU adapter';
  const extra = [info.vendor, info.architecture].filter(Boolean).join(', ');
  return extra ? `${name} (${extra})` : name;
}

function isSoftwareAdapter(a: GpuAdapter): boolean {
  const info = a.info ?? {};
  return info.architecture === 'software' || info.isFallbackAdapter === true || a.isFallbackAdapter === true
    || /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.description} ${info.device}`);
}

/**
 * Dawn prints these on stderr, from native code, while it enumerates a Vulkan device that reports
 * huge dynamic-buffer limits (llvmpipe's 1,000,000): harmless, and nothing in-process can intercept them.
 */
const DAWN_NOISE = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\s*$/;

/** Dawn's stderr without its known harmless warnings; every other line (errors included) is kept. */
export function filterDawnStderr(text: string): string {
  return text.split('\n').filter((l) => !DAWN_NOISE.test(l)).join('\n');
}

/** Where the npm "webgpu" package is, or undefined where it is not installed. */
function resolveDawn(): string | undefined {
  const spec = 'webgpu'; // non-literal, as in optionalRequire: the bundle must not try to inline it
  for (const resolve of [() => require.resolve(spec), () => createRequire(join(backendsDir(), 'package.json')).resolve(spec)]) {
    try {
      return resolve();
    } catch {
      // not here: try the next place
    }
  }
  return undefined;
}

interface AdapterProbe { found: boolean; info?: GpuAdapterInfo; fallback?: boolean; error?: string }

/**
 * `auto` asks Dawn for an adapter in a short-lived child process first: there Dawn's stderr can be
 * read, its known warnings dropped and anything else passed on. Only when that finds a hardware
 * adapter is Dawn loaded here. So `arch2vec embed`/`neighbours` on a machine with only a software
 * driver print nothing about WebGPU, and real Dawn errors still reach stderr.
 */
async function probeAdapterOutOfProcess(dawnPath: string): Promise<AdapterProbe> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(dawnPath).href)});
Object.assign(globalThis, m.globals);
const a = await m.create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = a?.info ?? {};
process.stdout.write(JSON.stringify({ found: !!a, fallback: a?.isFallbackAdapter, info: a ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter } : undefined }));
process.exit(0);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const rest = filterDawnStderr(stderr).trim();
      if (rest) process.stderr.write(rest + '\n');
      try {
        resolve(JSON.parse(stdout) as AdapterProbe);
      } catch {
        resolve({ found: false, error: err ? firstLine(err) : 'no answer' });
      }
    });
  });
}

async function tryWebgpu(mode: 'auto' | 'explicit'): Promise<{ device: string; software: boolean }> {
  if (mode === 'auto' && !dawn) {
    const path = resolveDawn();
    if (!path) throw new Error('the npm package "webgpu" (Dawn) is not installed');
    const probe = await probeAdapterOutOfProcess(path);
    // No answer from the child (e.g. a runtime that cannot run it): judge in-process as before.
    if (!probe.error) {
      if (!probe.found) throw new Error(diagnoseNoAdapter());
      const adapter: GpuAdapter = { info: probe.info, isFallbackAdapter: probe.fallback };
      if (isSoftwareAdapter(adapter)) {
        throw new Error(`only a software adapter (${describeAdapter(adapter.info ?? {})}): the CPU emulating a GPU is slower than wasm; ask for --backend webgpu to use it anyway`);
      }
    }
  }
  const gpu = await loadDawn();
  // Same preference as the tfjs backend's own request, so we judge the adapter it will get.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error(diagnoseNoAdapter());
  const device = describeAdapter(adapter.info ?? {});
  const software = isSoftwareAdapter(adapter);
  if (software && mode === 'auto') {
    throw new Error(`only a software adapter (${device}): the CPU emulating a GPU is slower than wasm; ask for --backend webgpu to use it anyway`);
  }
  if (tf.findBackendFactory('webgpu') == null) {
    if (webgpuFactory) tf.registerBackend('webgpu', webgpuFactory, 3);
    else {
      try {
        // A literal require, so the bundle carries it and it shares the bundle's tfjs-core (pure JS;
        // esbuild wraps it lazily, so it still runs only now, after navigator.gpu exists).
        require('@tensorflow/tfjs-backend-webgpu');
      } catch (e) {
        throw new Error(`@tensorflow/tfjs-backend-webgpu is not installed (${firstLine(e)})`);
      }
      if (tf.findBackendFactory('webgpu') == null) throw new Error('@tensorflow/tfjs-backend-webgpu loaded but registered no backend (was navigator.gpu missing when it loaded?)');
    }
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error(`the tfjs WebGPU backend did not initialise on ${device} (see the tfjs warning above)`);
  patchWebgpuAddN();
  watchGpuErrors();
  return { device, software };
}

interface WebgpuBackendInternals {
  device: { limits: { maxStorageBuffersPerShaderStage: number }; onuncapturederror: ((ev: { error?: { message?: string } }) => void) | null };
  disposeData(dataId: object): boolean;
}

/**
 * tfjs-backend-webgpu 4.22's AddN binds every input as a storage buffer in one shader; above the
 * device's maxStorageBuffersPerShaderStage (8 on llvmpipe and many GPUs) the pipeline is invalid, Dawn
 * prints a validation error and the result is silently wrong (tf.addN over 43 squared gradients gave a
 * global norm of 1.29 instead of 6.26). Concat splits its inputs; AddN does not — so sum in chunks.
 */
let addNPatched = false;
function patchWebgpuAddN(): void {
  if (addNPatched) return;
  const kernel = tf.getKernel(tf.AddN, 'webgpu');
  if (!kernel) return;
  const original = kernel.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = args.backend as unknown as WebgpuBackendInternals;
    const max = Math.max(2, (backend.device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
    if (inputs.length <= max) return original(args);
    const temps: tf.TensorInfo[] = [];
    let level = [...inputs];
    while (level.length > max) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += max) {
        const chunk = level.slice(i, i + max);
        if (chunk.length === 1) next.push(chunk[0]);
        else {
          const r = original({ ...args, inputs: chunk as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
          temps.push(r);
          next.push(r);
        }
      }
      level = next;
    }
    const out = original({ ...args, inputs: level as unknown as tf.NamedTensorInfoMap });
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel(tf.AddN, 'webgpu');
  tf.registerKernel({ ...kernel, kernelFunc });
  addNPatched = true;
}

/**
 * WebGPU reports invalid pipelines and out-of-memory asynchronously as "uncaptured errors" and the
 * tfjs backend never checks, so a kernel that breaks a device limit yields wrong numbers without an
 * exception. They are collected here (and still printed): callers check `takeGpuErrors()` after work.
 */
const gpuErrors: string[] = [];
let watchedDevice: unknown;
function watchGpuErrors(): void {
  const device = (tf.backend() as unknown as WebgpuBackendInternals).device;
  if (!device || device === watchedDevice) return;
  watchedDevice = device;
  device.onuncapturederror = (ev) => {
    const msg = ev?.error?.message ?? String(ev);
    if (gpuErrors.length < 100) gpuErrors.push(msg);
    if (gpuErrors.length <= 3) process.emitWarning(`WebGPU error: ${msg.split('\n')[0]}`);
  };
}

/** WebGPU validation/out-of-memory errors since the last call (empty when all went well). */
export function takeGpuErrors(): string[] {
  return gpuErrors.splice(0);
}

// ---------------------------------------------------------------------------------------------------

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

async function tryBackend(name: BackendName, mode: 'auto' | 'explicit'): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      // Both packages register the same 'tensorflow' backend; a second native binding must not load.
      const preloaded = tf.findBackendFactory('tensorflow') != null;
      if (!preloaded) {
        try {
          // Optional dependency: its install script downloads libtensorflow, which fails offline.
          optionalRequire(pkg);
        } catch (e) {
          throw new Error(`${pkg} is not installed (${firstLine(e)}); run "arch2vec install-backend ${name}" where network is available`);
        }
      }
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the backend did not initialise`);
      const onGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
      if (name === 'tensorflow-gpu' && !onGpu) throw new Error('libtensorflow sees no CUDA GPU (tfjs-node-gpu 4.22 needs CUDA 11.2 + cuDNN 8.1)');
      return onGpu ? 'CUDA (libtensorflow)' : 'CPU (libtensorflow)';
    }
    case 'webgpu':
      return (await tryWebgpu(mode)).device;
    case 'wasm': {
      if (engine().registry.wasm == null) {
        const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        const dir = wasmDir();
        if (!dir) throw new Error('tfjs-backend-wasm binaries not found');
        wasm.setWasmPaths(dir);
      }
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return `WebAssembly${simd ? ' SIMD' : ''}, 1 thread`;
    }
    case 'cpu':
      if (tf.findBackendFactory('cpu') == null) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return 'JavaScript (no acceleration)';
  }
}

/** One attempt; on failure tfjs is left able to initialise the next backend. */
async function attempt(name: BackendName, mode: 'auto' | 'explicit'): Promise<string> {
  try {
    const device = await tryBackend(name, mode);
    await tf.ready();
    return device;
  } catch (e) {
    forgetFailedBackend(name === 'tensorflow-gpu' ? 'tensorflow' : name);
    throw e;
  }
}

/**
 * Picks the compute backend: the one asked for, or the first that loads in BACKEND_ORDER. Every skip
 * is recorded with its reason so the user sees why (status bar, CLI header, model config). In 'auto'
 * mode a software WebGPU adapter (llvmpipe) is skipped; asked for explicitly, it is used.
 */
export async function selectBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendReport> {
  const order = requested === 'auto' ? BACKEND_ORDER : [requested];
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    try {
      const device = await attempt(name, requested === 'auto' ? 'auto' : 'explicit');
      return { backend: name, device, skipped };
    } catch (e) {
      skipped.push({ backend: name, reason: (e as Error).message });
    }
  }
  throw new Error(`no compute backend could be loaded: ${formatSkips(skipped)}`);
}

/** `webgpu: reason; wasm: reason` — for logs and error messages. */
export function formatSkips(skipped: BackendReport['skipped']): string {
  return skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
}

/**
 * Probes every backend (for `arch2vec backends`). tfjs has one active backend per process, so each
 * probe initialises its backend and switches to it; afterwards the backend that was active before is
 * selected again (tensors made on it stay valid). Where none was active, tfjs is left on the backend
 * 'auto' would pick. Backends initialised by the probe stay initialised (switching back is free).
 */
export async function listBackends(): Promise<BackendProbe[]> {
  const before = activeBackend();
  const out: BackendProbe[] = [];
  let autoPick: BackendName | undefined;
  for (const name of BACKEND_ORDER) {
    try {
      let device: string;
      let reason: string | undefined;
      if (name === 'webgpu') {
        const r = await tryWebgpu('explicit');
        await tf.ready();
        device = r.device;
        if (r.software) reason = 'software adapter: "auto" passes it over (slower than wasm); use --backend webgpu to run on it';
      } else {
        device = await attempt(name, 'explicit');
      }
      // tensorflow-gpu and tensorflow share one tfjs backend: count it under the one that really applies.
      if (name === 'tensorflow-gpu' && !/CUDA/.test(device)) throw new Error('libtensorflow sees no CUDA GPU');
      const auto = reason === undefined;
      if (auto) autoPick ??= name;
      out.push({ backend: name, available: true, device, ...(reason ? { reason } : {}), auto });
    } catch (e) {
      forgetFailedBackend(name === 'tensorflow-gpu' ? 'tensorflow' : name);
      out.push({ backend: name, available: false, reason: (e as Error).message, auto: false });
    }
  }
  const restore = before ?? (autoPick === 'tensorflow-gpu' ? 'tensorflow' : autoPick);
  if (restore && tf.getBackend() !== restore) await tf.setBackend(restore);
  return out;
}
