/**
 * The host training path's matrix products on this project's own WebAssembly SIMD kernel
 * (`kernels/gemmText.ts`): 4×8 register tiles, fused multiply-add through relaxed SIMD where the engine
 * has it. Against tfjs-wasm's XNNPACK product the same [256,128]·[128,128] product took ~300 µs
 * instead of ~500 µs here (operand copies included), and xᵀ·dy needs no transposed copy: the kernel
 * reads A through strides.
 *
 * One instance per thread (module state); its memory grows to the largest product seen and holds the
 * operands only for the duration of a call.
 */
import { setFlagsFromString } from 'node:v8';
import { GEMM_FMA_WASM, GEMM_PLAIN_WASM } from './kernels/gemmWasm';
import { jsMatMul, type MatMul } from './hostModel';

interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmInstance { readonly exports: Record<string, unknown> }
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
};

type Gemm = (a: number, b: number, c: number, m: number, k: number, n: number, sai: number, sap: number) => void;

export interface WasmProducts {
  /** A[m,k]·B[k,n]. */
  mm: MatMul;
  /** Xᵀ·B for a row-major X[rows,m]: C[m,n] = Σ_r X[r,:]ᵀ·B[r,:]. */
  mmTA: (x: Float32Array, rows: number, m: number, b: Float32Array, n: number) => Float32Array;
  /** What runs, for the backend line: "WebAssembly SIMD, relaxed FMA" or "WebAssembly SIMD". */
  kind: string;
}

let cached: WasmProducts | null | undefined;

/** This thread's kernel instance, or undefined where the engine has no WebAssembly SIMD. */
export function wasmProducts(): WasmProducts | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = load() ?? null;
  return cached ?? undefined;
}

function load(): WasmProducts | undefined {
  return instantiateProducts('fma') ?? instantiateProducts('plain');
}

/** A fresh instance of one variant of the kernel, or undefined where this engine cannot run it. */
export function instantiateProducts(variant: 'fma' | 'plain'): WasmProducts | undefined {
  if (typeof WebAssembly === 'undefined') return undefined;
  // Relaxed SIMD ships on by default from V8 11.4 (Node 22, current Electron); Node 20 has it behind a flag.
  if (variant === 'fma') {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch { /* not Node's V8: keep what the engine has */ }
  }
  const bytes = Buffer.from(variant === 'fma' ? GEMM_FMA_WASM : GEMM_PLAIN_WASM, 'base64');
  if (!WebAssembly.validate(bytes)) return undefined;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  const mem = inst.exports.mem as WasmMemory;
  const gemm = inst.exports.gemm as Gemm;
  const ensure = (bytesNeeded: number) => {
    const have = mem.buffer.byteLength;
    if (bytesNeeded > have) mem.grow(Math.ceil((bytesNeeded - have) / 65536));
  };
  // Operands at [0, aBytes), [aBytes, +bBytes); the product after them.
  const run = (a: Float32Array, aLen: number, b: Float32Array, bLen: number, m: number, k: number, n: number, sai: number, sap: number) => {
    const aOff = 0;
    const bOff = aLen * 4;
    const cOff = bOff + bLen * 4;
    ensure(cOff + m * n * 4);
    const heap = new Float32Array(mem.buffer);
    heap.set(a.subarray(0, aLen), aOff / 4);
    heap.set(b.subarray(0, bLen), bOff / 4);
    gemm(aOff, bOff, cOff, m, k, n, sai, sap);
    return heap.slice(cOff / 4, cOff / 4 + m * n);
  };
  return {
    mm: (a, m, k, b, n) => (n % 8 !== 0 ? jsMatMul(a, m, k, b, n) : run(a, m * k, b, k * n, m, k, n, k, 1)),
    mmTA: (x, rows, m, b, n) => {
      if (n % 8 !== 0) throw new Error(`mmTA: n = ${n} is not a multiple of 8`);
      return run(x, rows * m, b, rows * n, m, rows, n, 1, m);
    },
    kind: variant === 'fma' ? 'WebAssembly SIMD, relaxed FMA' : 'WebAssembly SIMD',
  };
}
