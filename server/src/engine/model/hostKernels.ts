/**
 * The host training path's WebAssembly SIMD kernels (`kernels/hostKernelsText.ts`) and the memory they
 * work in. A `HostKernels` is one instance of the module: its memory is an arena from which
 * `HostArch2vec` takes every buffer of a step, so activations, parameters and gradients pass from kernel
 * to kernel without copies, and JS reads and writes the same buffers through typed-array views.
 *
 * Why not tfjs-wasm's kernels: its XNNPACK product took ~500 µs for a [256,128]·[128,128] product
 * here against ~300 µs for this 4×8-tile kernel (fused multiply-add through relaxed SIMD), each call
 * copied its operands in and out, and the elementwise work (batch norm, ReLU, the GIN aggregation) ran
 * in JS loops at several ns per value.
 *
 * Growing the memory detaches every view taken before: `generation` counts growths, and a caller that
 * sees it change drops its views and starts over (`HostArch2vec.step` reruns the step; that happens on
 * the first step at a new batch size only).
 */
import { setFlagsFromString } from 'node:v8';
import { HOST_KERNELS_FMA_WASM, HOST_KERNELS_PLAIN_WASM } from './kernels/hostKernelsWasm';
import { adamCoefficients, adamUpdateRange } from './adam';

interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmInstance { readonly exports: Record<string, unknown> }
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
};

type Variant = 'fma' | 'plain';
interface Exports {
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, sai: number, sap: number, acc: number): void;
  gemmBias(a: number, b: number, c: number, m: number, k: number, n: number, bias: number, relu: number): void;
  colStats(u: number, rows: number, H: number, s1: number, s2: number): void;
  bnRelu(u: number, rows: number, H: number, mean: number, invstd: number, gam: number, bet: number, xhat: number, a: number): void;
  reluGradSums(da: number, a: number, xhat: number, rows: number, H: number, out: number, dbeta: number, dgamma: number): void;
  bnInputGrad(g: number, xhat: number, rows: number, H: number, scale: number, mb: number, mg: number, db: number): void;
  aggregate(h: number, c: number, count: number, eps1: number, er: number, ec: number, ew: number, nnz: number, out: number): void;
  transpose(a: number, rows: number, cols: number, out: number): void;
  sumSquares(g: number, n: number): number;
  adam(p: number, g: number, m: number, v: number, n: number, scale: number, a: number, c2: number, eps: number, b1: number, b2: number, o1: number, o2: number): void;
}

const compiled = new Map<Variant, object | null>();

function compiledModule(variant: Variant): object | undefined {
  if (!compiled.has(variant)) {
    let mod: object | null = null;
    if (typeof WebAssembly !== 'undefined') {
      const bytes = Buffer.from(variant === 'fma' ? HOST_KERNELS_FMA_WASM : HOST_KERNELS_PLAIN_WASM, 'base64');
      // Relaxed SIMD is on by default from V8 11.4 (Node 22, current Electron); Node 20 has it behind a
      // flag, which is set only where the module would not validate otherwise.
      if (variant === 'fma' && !WebAssembly.validate(bytes)) {
        try {
          setFlagsFromString('--experimental-wasm-relaxed-simd');
        } catch { /* not Node's V8: keep what the engine has */ }
      }
      if (WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
    }
    compiled.set(variant, mod);
  }
  return compiled.get(variant) ?? undefined;
}

type View = Float32Array | Float64Array | Int32Array;

export class HostKernels {
  private readonly mem: WasmMemory;
  private readonly x: Exports;
  private top = 16; // offset 0 stays unused: a detached view's byteOffset is 0
  /** Memory growths so far: views taken before the last one are detached. */
  generation = 0;

  private constructor(mod: object, readonly variant: Variant) {
    const inst = new WebAssembly.Instance(mod, {});
    this.mem = inst.exports.mem as WasmMemory;
    this.x = inst.exports as unknown as Exports;
  }

  /**
   * A fresh instance for work on tfjs backend `backend`: on the host-memory backends whose arithmetic runs
   * in JS or wasm (wasm, cpu); not on native TensorFlow (its BLAS is faster) or on GPUs.
   */
  static forBackend(backend: string): HostKernels | undefined {
    return backend === 'wasm' || backend === 'cpu' ? HostKernels.create() : undefined;
  }

  /** Whether this engine can run the kernels at all (without instantiating them). */
  static available(): boolean {
    return !!compiledModule('fma') || !!compiledModule('plain');
  }

  /** A fresh instance (its own memory), the fused variant where the engine runs it; undefined without WebAssembly SIMD. */
  static create(variant?: Variant): HostKernels | undefined {
    for (const v of variant ? [variant] : (['fma', 'plain'] as const)) {
      const mod = compiledModule(v);
      if (mod) return new HostKernels(mod, v);
    }
    return undefined;
  }

  /** What runs, for logs and model directories. */
  get kind(): string {
    return this.variant === 'fma' ? 'WebAssembly SIMD, relaxed FMA' : 'WebAssembly SIMD';
  }

  private alloc(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 15) & ~15;
    const have = this.mem.buffer.byteLength;
    if (this.top > have) {
      // At least double: a step's first run at a new size then reruns once or twice, not once per buffer.
      this.mem.grow(Math.max(Math.ceil((this.top - have) / 65536), have / 65536));
      this.generation++;
    }
    return at;
  }

  /** Grows the memory to at least `bytes` now (views taken before are detached if it grows). */
  reserve(bytes: number): void {
    const have = this.mem.buffer.byteLength;
    if (bytes > have) {
      this.mem.grow(Math.ceil((bytes - have) / 65536));
      this.generation++;
    }
  }

  /** Frees every buffer at once (the owner has dropped all its views); the memory keeps its size. */
  reset(): void {
    this.top = 16;
  }

  /** Where the next buffer goes: `release(mark())` later frees everything allocated in between. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  f32(n: number): Float32Array {
    const at = this.alloc(n * 4);
    return new Float32Array(this.mem.buffer, at, n);
  }

  f64(n: number): Float64Array {
    const at = this.alloc(n * 8);
    return new Float64Array(this.mem.buffer, at, n);
  }

  i32(n: number): Int32Array {
    const at = this.alloc(n * 4);
    return new Int32Array(this.mem.buffer, at, n);
  }

  /** Whether `v` is a live view of this instance's memory (kernels take nothing else). */
  owns(v: View): boolean {
    return v.buffer === this.mem.buffer;
  }

  private at(v: View): number {
    if (v.buffer !== this.mem.buffer) throw new Error('host kernels: a buffer outside the kernel memory (or taken before it grew)');
    return v.byteOffset;
  }

  /** c (+)= a[m,k]·b[k,n]; n % 8 == 0. */
  gemm(a: Float32Array, m: number, k: number, b: Float32Array, n: number, c: Float32Array, accumulate = false): Float32Array {
    if (n % 8 !== 0) throw new Error(`gemm: n = ${n} is not a multiple of 8`);
    this.x.gemm(this.at(a), this.at(b), this.at(c), m, k, n, k, 1, accumulate ? 1 : 0);
    return c;
  }

  /** c = a[m,k]·b[k,n] + bias[n], then ReLU when `relu`; n % 8 == 0. */
  gemmBias(a: Float32Array, m: number, k: number, b: Float32Array, n: number, bias: Float32Array, relu: boolean, c: Float32Array): Float32Array {
    if (n % 8 !== 0) throw new Error(`gemmBias: n = ${n} is not a multiple of 8`);
    this.x.gemmBias(this.at(a), this.at(b), this.at(c), m, k, n, this.at(bias), relu ? 1 : 0);
    return c;
  }

  /** c (+)= xᵀ·b for x [rows, m], b [rows, n]: c is [m, n]; n % 8 == 0. */
  gemmTA(x: Float32Array, rows: number, m: number, b: Float32Array, n: number, c: Float32Array, accumulate = false): Float32Array {
    if (n % 8 !== 0) throw new Error(`gemmTA: n = ${n} is not a multiple of 8`);
    this.x.gemm(this.at(x), this.at(b), this.at(c), m, rows, n, 1, m, accumulate ? 1 : 0);
    return c;
  }

  /** out [cols, rows] = aᵀ for a [rows, cols]. */
  transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
    this.x.transpose(this.at(a), rows, cols, this.at(out));
    return out;
  }

  colStats(u: Float32Array, rows: number, H: number, s1: Float64Array, s2: Float64Array): void {
    this.x.colStats(this.at(u), rows, H, this.at(s1), this.at(s2));
  }

  bnRelu(u: Float32Array, rows: number, H: number, mean: Float64Array, invstd: Float64Array, gam: Float64Array, bet: Float64Array, xhat: Float32Array, a: Float32Array): void {
    this.x.bnRelu(this.at(u), rows, H, this.at(mean), this.at(invstd), this.at(gam), this.at(bet), this.at(xhat), this.at(a));
  }

  reluGradSums(da: Float32Array, a: Float32Array, xhat: Float32Array, rows: number, H: number, out: Float32Array, dbeta: Float64Array, dgamma: Float64Array): void {
    this.x.reluGradSums(this.at(da), this.at(a), this.at(xhat), rows, H, this.at(out), this.at(dbeta), this.at(dgamma));
  }

  bnInputGrad(g: Float32Array, xhat: Float32Array, rows: number, H: number, scale: Float64Array, mb: Float64Array, mg: Float64Array, db: Float64Array): void {
    this.x.bnInputGrad(this.at(g), this.at(xhat), rows, H, this.at(scale), this.at(mb), this.at(mg), this.at(db));
  }

  aggregate(h: Float32Array, c: number, onePlusEps: number, e: { rows: Int32Array; cols: Int32Array; w: Float32Array }, out: Float32Array): void {
    this.x.aggregate(this.at(h), c, h.length, onePlusEps, this.at(e.rows), this.at(e.cols), this.at(e.w), e.rows.length, this.at(out));
  }

  /**
   * `adamHostUpdate` (global-norm clipping, then PyTorch's Adam) on buffers of this memory, bit-identical
   * to it (~4x faster here: the float64 square root and division run two lanes at a time). Returns the
   * gradient's norm before clipping.
   */
  adam(params: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, step: number, lr: number, eps: number, clipNorm: number, beta1 = 0.9, beta2 = 0.999): number {
    const n = g.length;
    const norm = Math.sqrt(this.x.sumSquares(this.at(g), n));
    const c = adamCoefficients(norm, step, lr, clipNorm, beta1, beta2);
    const even = n & ~1; // the kernel updates pairs; an odd last element goes through the JS loop
    this.x.adam(this.at(params), this.at(g), this.at(m), this.at(v), even, c.scale, c.a, c.c2, eps, beta1, beta2, 1 - beta1, 1 - beta2);
    adamUpdateRange(params, g, m, v, even, n, c, eps, beta1, beta2);
    return norm;
  }
}
