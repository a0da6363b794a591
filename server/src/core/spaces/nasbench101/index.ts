/** NAS-Bench-101 as a space module: 7-vertex cells, pruned, hashed as the benchmark does. */
import { edgeCount } from '../graph';
import { countOps, type CellFacts, type SpaceModule, type SpecOf } from '../space';
import { checkNasbench101 } from './check';
import { encodeNb101, NB101_OPS, nb101Hash, prune } from './encoding';
import { nb101CellLines } from './notation';

/** Larger (invalid) NB101 cells get no hash; the validator reports their size instead. */
export const MAX_HASHED_VERTICES = 12;

type Spec = SpecOf<'nasbench101'>;

function facts(spec: Spec): CellFacts {
  const p = prune(spec);
  const pm = p.valid ? p.matrix : [];
  // The hash is O(V³) md5 work; beyond the space's size it identifies nothing, so skip it there.
  const hashable = p.valid && pm.length <= MAX_HASHED_VERTICES;
  return {
    space: spec.space, vertices: spec.matrix.length, edges: edgeCount(spec.matrix),
    prunedVertices: pm.length, prunedEdges: edgeCount(pm),
    id: hashable ? nb101Hash({ matrix: p.matrix, ops: p.ops }) : '',
    idKind: 'nb101-hash', summary: countOps(p.valid ? p.ops : spec.ops),
  };
}

export const nasbench101: SpaceModule<'nasbench101'> = {
  id: 'nasbench101',
  title: 'NAS-Bench-101',
  ops: NB101_OPS,
  opsKeyOps: NB101_OPS,
  keys: ['ops', 'matrix'],
  summary: 'Up to 7 vertices and 9 edges (after pruning); ops conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3 between input and output.',
  rowPrefix: 'nb101',
  check: (ctx) => {
    const c = checkNasbench101(ctx);
    return c ? { space: 'nasbench101', ...c } : undefined;
  },
  specKey: (spec) => `101|${spec.ops.join(' ')}|${spec.matrix.map((r) => r.join('')).join('/')}`,
  facts,
  describe: (f) => {
    const pruned = f.prunedVertices !== f.vertices || f.prunedEdges !== f.edges;
    return [
      `${f.vertices} vertices, ${f.edges} edges${pruned ? ` → after pruning ${f.prunedVertices} vertices, ${f.prunedEdges} edges` : ' (nothing to prune)'}`, '',
      f.id ? `NAS-Bench-101 hash \`${f.id}\`` : f.prunedVertices > MAX_HASHED_VERTICES ? 'No NAS-Bench-101 hash: far larger than the space allows.' : 'No NAS-Bench-101 hash: input and output are not connected.',
    ];
  },
  encode: (spec) => {
    const p = prune(spec);
    if (!p.valid) throw new Error('cannot encode a cell whose input is not connected to its output');
    return encodeNb101(p);
  },
  cellLines: nb101CellLines,
  arch: (spec) => facts(spec).id || '(invalid)',
};

export * from './encoding';
export * from './notation';
