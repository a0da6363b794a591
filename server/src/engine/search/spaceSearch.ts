/**
 * What a search needs from its space (issue 12), for every space alike: the pool (with the table
 * when the objective is a user table), the reference's per-space strategy settings, the cell JSON an
 * evaluator command gets, the found-cell record, and the file objective's observations.
 *
 * Per-space settings (arch2vec notes §5): BO proposes the top-5 by EI per fit on NB101 and DARTS
 * (`--topk 5` / `--batch_size 5`), the top-1 on NB201; the reference EI's fixed target τ is 0.95 on
 * NB101 and DARTS, 1.0 on NB201; DARTS searches 100 queries. RL's baseline stays the scale-free EMA
 * (the reference's constant 0.95 / 0.4 is `baseline` in the strategy options).
 */
import { computeFacts, encodeCell, type CellSpec } from '../../core/cellSpec';
import { cellText } from '../../core/render';
import type { SpaceId } from '../../core/spaces';
import { argmaxRows } from '../../core/spaces/graph';
import { DARTS_ONEHOT_OPS, dartsHash, formatGenotype } from '../../core/spaces/darts';
import { NB101_ONEHOT_OPS } from '../../core/spaces/nasbench101';
import { formatArch, NB201_ONEHOT_OPS } from '../../core/spaces/nasbench201';
import type { ProgressFn } from '../data/dataset';
import { cacheDir } from '../paths';
import { measuredObservations, type FileObservations } from './objectives/file';
import type { Objective, SearchEvaluation } from './objectives/types';
import { DartsPool, dartsPool } from './pools/darts';
import type { Nb101Pool } from './pools/nasbench101';
import { ENGINE_SPACES } from '../spaces';
import { TablePool } from './pools/table';
import type { SpacePool } from './pools/types';
import { isUserTableFile, readUserTable, TableError, type UserTable } from './userTable';

/** BO's batch per surrogate fit and the reference EI's fixed target, per space. */
export const BO_SETTINGS: Record<SpaceId, { topK: number; eiTarget: number }> = {
  nasbench101: { topK: 5, eiTarget: 0.95 },
  nasbench201: { topK: 1, eiTarget: 1.0 },
  darts: { topK: 5, eiTarget: 0.95 },
};

/** Evaluations a search runs when given no bound (DARTS: the paper's 100 queries; a table without costs: 100). */
export const DEFAULT_MAX_EVALS: Partial<Record<SpaceId, number>> = { darts: 100 };
export const TABLE_DEFAULT_MAX_EVALS = 100;

export interface PoolRequest {
  space: SpaceId;
  /** A user table (JSONL / CSV): its rows are the pool. A binary NB201 table keeps the NB201 pool. */
  table?: string;
  /** DARTS pool size and seed (defaults 600,000 and 3). */
  dartsPoolSize?: number;
  dartsPoolSeed?: number;
  onProgress?: ProgressFn;
}

export interface OpenedPool {
  pool: SpacePool;
  /** The user table, when the pool is its rows. */
  table?: UserTable;
}

let nb101: Nb101Pool | undefined;
let nb101Dir: string | undefined;

/** The NB101 pool (the enumeration cache under $ARCH2VEC_HOME/cache), shared within a process. */
export function sharedNb101Pool(onProgress?: ProgressFn): Nb101Pool {
  const dir = cacheDir();
  if (!nb101 || nb101Dir !== dir) {
    nb101 = ENGINE_SPACES.nasbench101.searchPool({ cacheDir: dir, onProgress }) as Nb101Pool;
    nb101Dir = dir;
  }
  return nb101;
}

/**
 * A user table (JSONL / CSV) read for `req.space` (or the space its rows name), its canonical ids
 * resolved against the space's cells: NB101 hashes by the enumeration, DARTS hashes by the pool of
 * `req`. Problems are TableErrors located at file:line. Shared by search and the map.
 */
export function readSpaceTable(req: PoolRequest & { table: string }, opts: { space?: SpaceId; defaultSpace?: SpaceId } = { space: req.space }): UserTable {
  let darts: DartsPool | undefined;
  return readUserTable(req.table, {
    ...opts,
    ids: {
      nb101Hash: (h) => {
        const p = sharedNb101Pool(req.onProgress);
        const i = p.indexOfHash(h);
        return i >= 0 ? p.spec(i) : undefined;
      },
      dartsHash: (h) => {
        darts ??= dartsPool({ count: req.dartsPoolSize, seed: req.dartsPoolSeed, cacheDir: cacheDir(), onProgress: req.onProgress });
        for (let i = 0; i < darts.count; i++) if (darts.cellId(i) === h) return darts.spec(i);
        return undefined;
      },
    },
  });
}

/** The pool of a search request; a table's problems are TableErrors located at file:line. */
export function openSearchPool(req: PoolRequest): OpenedPool {
  if (req.table && isUserTableFile(req.table)) {
    const table = readSpaceTable({ ...req, table: req.table });
    return { pool: new TablePool(table), table };
  }
  if (req.space === 'nasbench101') return { pool: sharedNb101Pool(req.onProgress) };
  return { pool: ENGINE_SPACES[req.space].searchPool({ cacheDir: cacheDir(), dartsPoolSize: req.dartsPoolSize, dartsPoolSeed: req.dartsPoolSeed, onProgress: req.onProgress }) };
}

/**
 * `--objective benchmark --table FILE` with a user table: a lookup of the row's reward (told),
 * accuracy (reported) and cost (charged; 0 when the table has none).
 */
export class TableObjective implements Objective {
  readonly kind = 'benchmark' as const;
  readonly parallel = 1;
  readonly costUnit = 'simulated seconds' as const;
  readonly defaultBudget = undefined;

  constructor(readonly pool: TablePool) {}

  evaluate(index: number): SearchEvaluation {
    if (!(Number.isInteger(index) && index >= 0 && index < this.pool.count)) return { index, reward: NaN, cost: 0, error: `index ${index} is outside the table (0..${this.pool.count - 1})` };
    const r = this.pool.row(index);
    return { index, reward: r.reward, val: r.reward, report: r.accuracy, cost: r.cost };
  }

  metadata(): Record<string, unknown> {
    const t = this.pool.table;
    return {
      objective: 'benchmark', benchmark: 'table', table: t.file, format: t.format, space: t.space, cells: t.rows.length, rows: t.sourceRows,
      hasCost: t.hasCost, costUnit: this.costUnit, columns: { reward: t.header.reward ?? 'reward', val: t.header.reward ?? 'reward', test: t.header.accuracy ?? 'accuracy', cost: t.header.cost ?? 'cost' },
      sha256: t.sha256,
    };
  }
}

/** Op names per node of the cell's arch2vec encoding (padding rows: null). */
function nodeOpsOf(spec: CellSpec): { nodeOps: (string | null)[]; adjacency: number[][] } {
  const e = encodeCell(spec);
  const names: readonly string[] = spec.space === 'nasbench101' ? NB101_ONEHOT_OPS : spec.space === 'nasbench201' ? NB201_ONEHOT_OPS : DARTS_ONEHOT_OPS;
  const labels = argmaxRows(e.ops);
  const real = spec.space === 'nasbench101' ? spec.matrix.length : labels.length;
  return { nodeOps: labels.slice(0, real).map((l) => (l >= 0 ? names[l] : null)), adjacency: e.adjacency.slice(0, real).map((r) => r.slice(0, real)) };
}

/**
 * The cell JSON an evaluator gets ({json}): name, pool index, space, canonical id, the space's own
 * fields (NB101 matrix/ops, NB201 arch/ops, DARTS normal/reduce and DARTS' Python `genotype`), and the
 * op-on-node graph (nodeOps, adjacency) every space shares.
 */
export function cellJson(pool: SpacePool, index: number): Record<string, unknown> {
  const spec = pool.spec(index);
  const base = { name: pool.name(index), index, space: spec.space, id: pool.cellId(index) };
  const graph = nodeOpsOf(spec);
  switch (spec.space) {
    case 'nasbench101': return { ...base, matrix: spec.matrix, ops: spec.ops, ...graph };
    case 'nasbench201': return { name: base.name, index, space: spec.space, arch: formatArch(spec.ops), ops: spec.ops, ...graph, id: base.id };
    case 'darts': {
      const py = (g: [string, number][]) => `[${g.map(([op, i]) => `('${op}', ${i})`).join(', ')}]`;
      return {
        ...base, normal: spec.normal, reduce: spec.reduce,
        genotype: `Genotype(normal=${py(spec.normal)}, normal_concat=[2, 3, 4, 5], reduce=${py(spec.reduce)}, reduce_concat=[2, 3, 4, 5])`,
        ...graph,
      };
    }
  }
}

/** The key a results log stores a cell under: the NB201 arch string (as before), else the canonical id. */
export function logKeyOf(pool: SpacePool, index: number): string {
  const spec = pool.spec(index);
  return spec.space === 'nasbench201' ? formatArch(spec.ops) : pool.cellId(index);
}

/** A one-line description of a cell (NB201 arch, DARTS genotype, NB101 hash). */
export function describeCell(pool: SpacePool, index: number): string {
  const spec = pool.spec(index);
  if (spec.space === 'nasbench201') return formatArch(spec.ops);
  if (spec.space === 'darts') return spec.reduceGiven && dartsHash(spec.reduce) !== dartsHash(spec.normal) ? `normal: ${formatGenotype(spec.normal)}; reduce: ${formatGenotype(spec.reduce)}` : formatGenotype(spec.normal);
  return pool.cellId(index);
}

export class FileObservationError extends Error {}

export type SpaceFileObservations = FileObservations;

/**
 * `--objective file` in any space: the cells of the file with `accuracy:` are placed in the pool
 * (a DARTS cell the sample lacks is appended to it; a cell of a table pool must be one of its rows);
 * a cell of another space, an invalid cell or a DARTS cell whose reduce differs (the pool's cells
 * have reduce = normal) is an error naming file:line.
 */
export function spaceFileObservations(pool: SpacePool, text: string, file: string): SpaceFileObservations {
  return measuredObservations(text, file, pool.space, pool.space, (spec, name) => {
    if (spec.space !== pool.space) return `cell '${name}' is a ${spec.space} cell; this search is over ${pool.space} (use --space ${spec.space})`;
    let index = pool.indexOf(spec);
    if (index < 0 && pool instanceof DartsPool) {
      const s = spec as Extract<CellSpec, { space: 'darts' }>;
      if (s.reduceGiven && dartsHash(s.reduce) !== dartsHash(s.normal)) {
        return `cell '${name}' has a reduction cell different from its normal cell; the DARTS pool's cells use reduce = normal (arch2vec's convention): search a table of such cells with --objective benchmark --table`;
      }
      index = pool.add(s.normal);
    }
    return index < 0 ? `cell '${name}' (${computeFacts(spec).id}) is not in the search pool (${pool.description})` : index;
  }, (m) => new FileObservationError(m));
}

/** The `.cells` text of a pool cell with the given metrics. */
export function poolCellText(pool: SpacePool, index: number, metrics: Record<string, number> = {}): string {
  return cellText(pool.name(index), pool.spec(index), metrics);
}

export { TableError };
