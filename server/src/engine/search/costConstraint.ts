/**
 * `--max-params` / `--max-flops` for `arch2vec search`: only cells whose benchmark network fits the
 * limits (core/export/cost.ts, on the search's dataset) are proposed. The pool is cut to those cells
 * and the strategy searches the cut pool; a thin wrapper translates its indices back to benchmark
 * indices, so objectives, traces and results never see the difference.
 */
import { cellCost } from '../../core/export/cost';
import type { ExportDataset } from '../../core/export/network';
import { NB201_SIZE, opsFromCode, nb201Table } from '../../core/spaces/nasbench201';
import type { SearchPool, SearchRng, SearchStrategy } from './types';

export interface CostConstraint {
  maxParams?: number;
  maxFlops?: number;
  /** The network the limits apply to (NB201: cifar10, cifar100 or imagenet16-120). */
  dataset: ExportDataset;
}

/** NB201 benchmark indices (ascending) whose network is within the limits. */
export function nb201WithinCost(c: CostConstraint): Int32Array {
  const codes = nb201Table().columns.get('code')!;
  const out: number[] = [];
  for (let i = 0; i < NB201_SIZE; i++) {
    const k = cellCost({ space: 'nasbench201', ops: opsFromCode(codes[i]) }, { dataset: c.dataset });
    if ((c.maxParams === undefined || k.params <= c.maxParams) && (c.maxFlops === undefined || k.flops <= c.maxFlops)) out.push(i);
  }
  return Int32Array.from(out);
}

/** "1.5M", "800k", "2e6", "1,000,000" → a count; NaN when it is not one. */
export function parseCount(s: string): number {
  const m = /^\s*([0-9][0-9_,]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kKmMgG]?)\s*$/.exec(s);
  if (!m) return NaN;
  const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1].replace(/[_,]/g, '')) * scale;
}

/** The pool cut to `allowed` benchmark indices (local index i = benchmark index allowed[i]). */
export function restrictPool(pool: SearchPool, allowed: Int32Array): SearchPool {
  const local = new Map<number, number>();
  allowed.forEach((g, i) => local.set(g, i));
  const dim = pool.dim;
  const embeddings = new Float32Array(allowed.length * dim);
  if (dim) allowed.forEach((g, i) => embeddings.set(pool.embeddings.subarray(g * dim, (g + 1) * dim), i * dim));
  return {
    count: allowed.length,
    embeddings,
    dim,
    // Mutate in the full space until the child fits (a few tries), else jump to a random fitting cell.
    mutate(index: number, rng: SearchRng): number {
      for (let t = 0; t < 32; t++) {
        const child = local.get(pool.mutate(allowed[index], rng));
        if (child !== undefined) return child;
      }
      return rng.int(allowed.length);
    },
  };
}

/** A strategy over the cut pool, speaking benchmark indices; observations of cells outside it are dropped. */
export function constrainStrategy(inner: SearchStrategy, allowed: Int32Array): SearchStrategy {
  const local = new Map<number, number>();
  allowed.forEach((g, i) => local.set(g, i));
  return {
    name: inner.name,
    ask: (n) => inner.ask(n).map((i) => allowed[i]),
    tell: (obs) => inner.tell(obs.filter((o) => local.has(o.index)).map((o) => ({ ...o, index: local.get(o.index)! }))),
  };
}
