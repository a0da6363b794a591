/** NAS-Bench-201 as a space module: 6 edge ops over a fixed 4-node cell, indexed by the benchmark. */
import { edgeCount } from '../graph';
import { countOps, type SpaceModule } from '../space';
import { checkNasbench201 } from './check';
import { encodeNb201, NB201_ADJACENCY, NB201_OPS } from './encoding';
import { formatArch, nb201CellLines } from './notation';
import { nb201Index, nb201Table } from './table';

/** Benchmark columns the hover shows for a cell of the table. */
const NB201_HOVER_COLUMNS: [string, string][] = [
  ['cifar10_valid_valid_acc', 'CIFAR-10 valid'],
  ['cifar10_test_acc', 'CIFAR-10 test'],
  ['cifar100_test_acc', 'CIFAR-100 test'],
  ['imagenet16_120_test_acc', 'ImageNet16-120 test'],
];

export const nasbench201: SpaceModule<'nasbench201'> = {
  id: 'nasbench201',
  title: 'NAS-Bench-201',
  ops: NB201_OPS,
  opsKeyOps: ['input', ...NB201_OPS, 'output'],
  keys: ['arch', 'ops', 'matrix'],
  summary: '15,625 cells: 6 edges over 4 nodes, each none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3.',
  rowPrefix: 'nb201',
  check: (ctx) => {
    const c = checkNasbench201(ctx);
    return c ? { space: 'nasbench201', ops: c.ops } : undefined;
  },
  specKey: (spec) => `201|${spec.ops.join(' ')}`,
  facts: (spec) => {
    const e = edgeCount(NB201_ADJACENCY);
    return { space: spec.space, vertices: 8, edges: e, prunedVertices: 8, prunedEdges: e, id: String(nb201Index(spec.ops)), idKind: 'nb201-index', summary: countOps(spec.ops) };
  },
  describe: (f, spec) => {
    const out = [`${f.vertices} nodes, ${f.edges} edges (fixed topology)`, '', `NAS-Bench-201 index **${f.id}**`];
    if (spec) out.push('', `\`${formatArch(spec.ops)}\``);
    const row = Number(f.id);
    if (row >= 0) {
      const t = nb201Table();
      const cells = NB201_HOVER_COLUMNS.map(([col, label]) => `${label} ${t.columns.get(col)![row].toFixed(2)}%`);
      out.push('', `Benchmark (200 epochs, mean of seeds): ${cells.join(' · ')}`);
    }
    return out;
  },
  encode: (spec) => encodeNb201(spec.ops),
  cellLines: nb201CellLines,
  arch: (spec) => formatArch(spec.ops),
};

export * from './encoding';
export * from './notation';
export * from './table';
