/**
 * What a search space is to the product: one module per space (spaces/<id>/index.ts) implements this,
 * and the registry (spaces/index.ts) maps the space id to it. Adding a space = one folder + one
 * registry line (+ its pure writer in core/notation.ts, which the webview bundles without the registry).
 */
import type { CellSpec, Matrix } from '../../protocol/cells';
import type { SpaceId } from '../../protocol/values';
import type { CellContext } from '../check/context';

export type SpecOf<K extends SpaceId> = Extract<CellSpec, { space: K }>;

export interface CellFacts {
  space: SpaceId;
  vertices: number;
  edges: number;
  prunedVertices: number;
  prunedEdges: number;
  /** Canonical id: NB101 hash, NB201 index, DARTS graph hash (normal, or normal/reduce when they differ). */
  id: string;
  idKind: 'nb101-hash' | 'nb201-index' | 'darts-hash';
  /** One line: the op counts. */
  summary: string;
}

/** A random mutation in the discrete encoding (regularised evolution): the mutated spec. */
export type MutateFn<S extends CellSpec> = (spec: S, random: () => number) => S;

export interface SpaceModule<K extends SpaceId = SpaceId> {
  id: K;
  title: string;
  /** Ops a user may write in this space's op positions (for completion and suggestions). */
  ops: readonly string[];
  /** Ops offered when completing an `ops:` line (NB201: its 8-node op-on-node form). */
  opsKeyOps: readonly string[];
  /** Keys that describe the architecture in this space (documented in core/keys.ts). */
  keys: readonly string[];
  summary: string;
  /** Prefix of cell names made from rows of the space's table or dataset (nb201_1234). */
  rowPrefix: string;
  /** Reads and checks the cell's architecture properties, reporting into ctx; the spec when valid. */
  check(ctx: CellContext): SpecOf<K> | undefined;
  /** A stable text key of the spec, for caching facts across validations. */
  specKey(spec: SpecOf<K>): string;
  /** Size, canonical id and op summary (hover, symbols, duplicate detection). */
  facts(spec: SpecOf<K>): CellFacts;
  /** Hover lines describing the facts (after the title line, before the op summary). */
  describe(facts: CellFacts, spec: SpecOf<K> | undefined): string[];
  /** arch2vec's fixed-size (adjacency, one-hot ops) pair. */
  encode(spec: SpecOf<K>): { adjacency: Matrix; ops: number[][] };
  /** The architecture property lines in `.cells` syntax. */
  cellLines(spec: SpecOf<K>): string[];
  /** One-line id shown for rows and results: NB201 arch string, NB101 hash, DARTS normal genotype. */
  arch(spec: SpecOf<K>): string;
  /** Next issues: mutation for evolution, search pool. Optional until a space provides them. */
  mutate?: MutateFn<SpecOf<K>>;
  pool?: unknown;
}

export function countOps(ops: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) if (op !== 'input' && op !== 'output') counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([op, n]) => `${n}× ${op}`).join(', ') || 'no operations';
}
