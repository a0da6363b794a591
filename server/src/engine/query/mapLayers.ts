/**
 * Structural colourings of the latent-space map (issue 12: a space without a benchmark table is
 * coloured by a property the user picks): the parameters and FLOPs of every point's CIFAR-10 network,
 * by the cost model of `arch2vec info` (core/export/cost.ts).
 *
 * Costing every row one by one through `cellCost` takes ~40 s for NAS-Bench-101's 423,624 cells and
 * more for a 600,000-genotype DARTS sample, so two exact shortcuts are used where they apply:
 *   - DARTS: a network's cost is a constant plus one term per (op, input) pair of each cell type
 *     (every op is costed on its own, at a size and stride that depend only on whether its input is a
 *     cell input), so a table of those terms, measured with `cellCost` itself, gives every genotype;
 *   - NAS-Bench-101: the rows come straight from the enumeration's columns (no spec objects), costed
 *     with the same channel rule (`nb101VertexChannels`) and layer list as the cost model.
 * Both are checked against `cellCost` on sample rows before use (and by test/map-layers.test.ts on
 * thousands); a mismatch falls back to `cellCost` for every row. Results are cached per table.
 */
import type { CellSpec, MapColorLayer } from '../../protocol';
import { cellCost } from '../../core/export/cost';
import { resolveNetwork } from '../../core/export/network';
import type { Genotype } from '../../core/spaces/darts';
import { NB101_CANONICAL_OPS } from '../../core/spaces/nasbench101';
import { PAIR_BIT, type Nb101Columns } from '../data/nasbench101Enumerate';
import type { Nb101Dataset } from '../data/nasbench101Data';
import type { QueryModel } from './model';
import { appendF32, f32Base64 as b64 } from './mapTable';
import { specAt } from './neighbours';

export interface CostColumns {
  params: Float32Array;
  flops: Float32Array;
  /** How they were computed: 'exact per row' or the shortcut's name (for logs and the bench). */
  method: 'cellCost' | 'darts-terms' | 'nb101-columns';
}

/** Rows costed between two yields to the event loop (the engine keeps answering pings). */
const SLICE = 20_000;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

// ------------------------------------------------------------------------------------------------
// DARTS: constant + Σ per-pair terms

const DARTS_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];

interface DartsTerms {
  base: [number, number];
  /** [cell type (0 normal, 1 reduce)][op][input kind (0: a cell input, 1: a node)] → [params, flops]. */
  term: Map<string, [number, number]>;
}

function dartsTerms(): DartsTerms {
  const none: Genotype = Array.from({ length: 8 }, () => ['none', 0] as [string, number]);
  const cost = (normal: Genotype, reduce: Genotype): [number, number] => {
    const c = cellCost({ space: 'darts', normal, reduce, reduceGiven: true });
    return [c.params, c.flops];
  };
  const base = cost(none, none);
  const term = new Map<string, [number, number]>();
  for (const type of [0, 1]) {
    for (const op of DARTS_OPS) {
      for (const kind of [0, 1]) {
        // One pair of node 1 (inputs 0..2) carries the op; input 0 = a cell input, 2 = node 0.
        const g = none.map((p) => [...p] as [string, number]);
        g[2] = [op, kind === 0 ? 0 : 2];
        const c = type === 0 ? cost(g, none) : cost(none, g);
        term.set(`${type}|${op}|${kind}`, [c[0] - base[0], c[1] - base[1]]);
      }
    }
  }
  return { base, term };
}

function dartsShortcut(): (spec: CellSpec) => [number, number] | undefined {
  const t = dartsTerms();
  return (spec) => {
    if (spec.space !== 'darts') return undefined;
    let p = t.base[0];
    let f = t.base[1];
    for (const [type, g] of [[0, spec.normal], [1, spec.reduce]] as const) {
      for (const [op, input] of g) {
        const x = t.term.get(`${type}|${op}|${input < 2 ? 0 : 1}`);
        if (!x) return undefined;
        p += x[0];
        f += x[1];
      }
    }
    return [p, f];
  };
}

// ------------------------------------------------------------------------------------------------
// NAS-Bench-101: straight from the enumeration's columns

const NB101_KERNEL: Record<string, number> = { 'conv3x3-bn-relu': 3, 'conv1x1-bn-relu': 1 };

/** Scratch for nb101RowCost (one row at a time): adjacency, kernel per vertex, channels per vertex. */
const ADJ = new Uint8Array(49);
const KERNEL = new Uint8Array(7);
const VC = new Float64Array(7);

/**
 * Params and FLOPs of row i of the enumeration (already pruned), CIFAR-10 network, as core/export/cost.ts
 * counts them (nb101VertexChannels' rule, inlined on typed arrays: this runs 423,624 times).
 */
export function nb101RowCost(cols: Nb101Columns, i: number): [number, number] {
  const net = resolveNetworkCached();
  const v = cols.vertices[i];
  const code = cols.adjacency[i];
  for (let r = 0; r < v; r++) for (let c = 0; c < v; c++) ADJ[r * 7 + c] = c > r && (code >>> PAIR_BIT[r * 7 + c]) & 1 ? 1 : 0;
  for (let k = 1, opc = cols.ops[i]; k < v - 1; k++, opc = (opc / 3) | 0) KERNEL[k] = NB101_KERNEL[NB101_CANONICAL_OPS[opc % 3]] ?? 0;
  const out = v - 1;
  let inDegree = 0;
  for (let u = 1; u < out; u++) inDegree += ADJ[u * 7 + out];
  let p = 0;
  let f = 0;
  let size = net.inputSize;
  // Stem: 3×3 convolution + BatchNorm.
  p += 9 * 3 * net.channels + 2 * net.channels;
  f += 9 * 3 * net.channels * size * size;
  let cin = net.channels;
  let c = net.channels;
  for (let stack = 0; stack < 3; stack++) {
    if (stack > 0) {
      size = Math.ceil(size / 2);
      c *= 2;
    }
    // Interior channels depend on the cell's output channels only (nb101VertexChannels).
    if (v > 2) {
      const share = Math.floor(c / inDegree);
      let extra = c % inDegree;
      for (let u = 1; u < out; u++) {
        VC[u] = 0;
        if (!ADJ[u * 7 + out]) continue;
        VC[u] = share + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
      }
      for (let u = v - 3; u > 0; u--) {
        if (ADJ[u * 7 + out]) continue;
        for (let d = u + 1; d < out; d++) if (ADJ[u * 7 + d]) VC[u] = Math.max(VC[u], VC[d]);
      }
    }
    const area = size * size;
    for (let m = 0; m < net.cells; m++) {
      if (v === 2) {
        p += cin * c + 2 * c;
        f += cin * c * area;
      } else {
        for (let u = 1; u < out; u++) {
          const w = VC[u];
          if (ADJ[u]) {
            p += cin * w + 2 * w;
            f += cin * w * area;
          }
          const k = KERNEL[u];
          if (k) {
            p += k * k * w * w + 2 * w;
            f += k * k * w * w * area;
          }
        }
        if (ADJ[out]) {
          p += cin * c + 2 * c;
          f += cin * c * area;
        }
      }
      cin = c;
    }
  }
  p += c * net.classes + net.classes;
  f += c * net.classes + net.classes;
  return [p, f];
}

let nb101Net: ReturnType<typeof resolveNetwork> | undefined;
const resolveNetworkCached = () => (nb101Net ??= resolveNetwork('nasbench101', { dataset: 'cifar10' }));

// ------------------------------------------------------------------------------------------------

const cache = new Map<string, Promise<CostColumns>>();

/**
 * Params and FLOPs of rows 0..count-1 of a table whose row i is `specAt(i)` (CIFAR-10 networks; NaN where
 * a row has none). `key` names the table for the cache (the model directory and its row count).
 * `nb101` gives the enumeration's columns when the table is NAS-Bench-101's.
 */
export function costColumns(key: string, count: number, specAt: (i: number) => CellSpec, nb101?: Nb101Columns): Promise<CostColumns> {
  let p = cache.get(key);
  if (!p) {
    p = computeCostColumns(count, specAt, nb101);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function computeCostColumns(count: number, specAt: (i: number) => CellSpec, nb101?: Nb101Columns): Promise<CostColumns> {
  const exact = (i: number): [number, number] => {
    try {
      const c = cellCost(specAt(i));
      return [c.params, c.flops];
    } catch {
      return [NaN, NaN];
    }
  };
  let fast: ((i: number) => [number, number] | undefined) | undefined;
  let method: CostColumns['method'] = 'cellCost';
  if (count > 0 && specAt(0).space === 'darts') {
    const d = dartsShortcut();
    fast = (i) => d(specAt(i));
    method = 'darts-terms';
  } else if (nb101 && count <= nb101.count) {
    fast = (i) => nb101RowCost(nb101, i);
    method = 'nb101-columns';
  }
  // A shortcut is used only when it agrees with the cost model on sample rows (first, last, spread).
  if (fast) {
    const probe = [...new Set([0, 1, 2, count - 1, ...Array.from({ length: 24 }, (_, k) => Math.floor(((k + 0.5) * count) / 24))])].filter((i) => i >= 0 && i < count);
    if (!probe.every((i) => {
      const a = fast!(i);
      const b = exact(i);
      return a !== undefined && a[0] === b[0] && a[1] === b[1];
    })) {
      fast = undefined;
      method = 'cellCost';
    }
  }
  const params = new Float32Array(count);
  const flops = new Float32Array(count);
  for (let s = 0; s < count; s += SLICE) {
    for (let i = s; i < Math.min(count, s + SLICE); i++) {
      const c = fast?.(i) ?? exact(i);
      params[i] = c[0];
      flops[i] = c[1];
    }
    if (s + SLICE < count) await yieldToLoop();
  }
  return { params, flops, method };
}


/** Extra points appended after a table's rows (the user's table cells outside it), with their costs. */
export interface ExtraCosts {
  params: Float32Array;
  flops: Float32Array;
}

/** The map's structural colour layers for a table (and the extra points after it). */
export async function structuralLayers(key: string, count: number, specAt: (i: number) => CellSpec, nb101?: Nb101Columns, extra?: ExtraCosts): Promise<MapColorLayer[]> {
  const c = await costColumns(key, count, specAt, nb101);
  return [
    { key: 'params', label: 'Parameters (CIFAR-10 network)', values: b64(appendF32(c.params, extra?.params)) },
    { key: 'flops', label: 'FLOPs (multiply-adds, CIFAR-10 network)', values: b64(appendF32(c.flops, extra?.flops)) },
  ];
}

/** The structural layers of a model's map (every row of its embedding table). */
export function modelLayers(qm: QueryModel, count: number, extra?: ExtraCosts): Promise<MapColorLayer[]> {
  const ds = qm.dataset();
  const nb101 = qm.space === 'nasbench101' ? (ds as Nb101Dataset).columns : undefined;
  return structuralLayers(`${qm.dir}|${qm.space}|${count}`, count, (i) => specAt(qm, i), nb101, extra);
}
