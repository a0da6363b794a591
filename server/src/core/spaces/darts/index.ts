/** DARTS as a space module: normal and reduction genotypes, de-duplicated by arch2vec's graph hash. */
import { edgeCount } from '../graph';
import { countOps, type SpaceModule } from '../space';
import { checkDarts } from './check';
import { DARTS_OPS, dartsGraph, dartsHash, encodeDarts } from './encoding';
import { dartsCellLines, formatGenotype } from './notation';

export const darts: SpaceModule<'darts'> = {
  id: 'darts',
  title: 'DARTS',
  ops: DARTS_OPS,
  opsKeyOps: DARTS_OPS,
  keys: ['normal', 'reduce'],
  summary: 'Normal and reduction cells of 4 intermediate nodes, each summing 2 (op, input) edges.',
  rowPrefix: 'darts',
  check: (ctx) => {
    const c = checkDarts(ctx);
    return c ? { space: 'darts', ...c } : undefined;
  },
  specKey: (spec) => `darts|${JSON.stringify(spec.normal)}|${spec.reduceGiven ? JSON.stringify(spec.reduce) : '='}`,
  facts: (spec) => {
    const g = dartsGraph(spec.normal);
    const e = edgeCount(g.matrix);
    const n = dartsHash(spec.normal);
    const r = spec.reduceGiven ? dartsHash(spec.reduce) : n;
    const normalOps = spec.normal.map(([op]) => op);
    const summary = spec.reduceGiven && r !== n
      ? `normal: ${countOps(normalOps)}; reduce: ${countOps(spec.reduce.map(([op]) => op))}`
      : `${countOps(normalOps)} (reduce = normal)`;
    return { space: spec.space, vertices: 11, edges: e, prunedVertices: 11, prunedEdges: e, id: r === n ? n : `${n}/${r}`, idKind: 'darts-hash', summary };
  },
  describe: (f) => [`${f.vertices}-node graph per cell, ${f.edges} edges`, '', `DARTS graph hash \`${f.id}\``],
  // arch2vec encodes the normal cell (as the reference).
  encode: (spec) => encodeDarts(spec.normal),
  cellLines: dartsCellLines,
  arch: (spec) => formatGenotype(spec.normal),
};

export * from './encoding';
export * from './notation';
