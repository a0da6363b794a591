/**
 * Layout of a cell's DAG for the small drawings on the neighbour cards. Pure (no DOM): a CellSpec in,
 * nodes with positions and edges with a curve and a label point out; ui/dagSvg.ts only draws it.
 *
 * The drawing is the space's usual picture, not arch2vec's op-on-node encoding:
 * - NAS-Bench-201: the 4 feature-map nodes, each of the 6 edges labelled with its op.
 * - NAS-Bench-101: one node per op, edges from the adjacency matrix.
 * - DARTS (normal cell): inputs c_{k-2}, c_{k-1}, intermediate nodes 0..3, the output that concatenates
 *   the intermediates; each genotype pair is an op-labelled edge.
 * Nodes are placed in layers by longest path from the inputs (left to right); an edge that skips a
 * layer is drawn as an arc so it does not run through the nodes it skips.
 */
import type { CellSpec } from '../../server/src/protocol';

export type DagNodeKind = 'input' | 'op' | 'output';

export interface DagNode {
  label: string;
  /** Full name for a tooltip (the op, or the node's role). */
  title: string;
  kind: DagNodeKind;
  x: number;
  y: number;
}

export interface DagEdge {
  from: number;
  to: number;
  /** Short op label (NB201, DARTS); absent for plain connections. */
  label?: string;
  /** Full op name. */
  op?: string;
  /** A `none` op: the edge exists in the genotype but carries nothing (drawn faint). */
  muted: boolean;
  /** Quadratic Bézier control point (the midpoint for a straight edge) and the label's anchor on the curve. */
  cx: number;
  cy: number;
  lx: number;
  ly: number;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
  /** Node radius used for the bounds (the drawing uses the same). */
  radius: number;
}

const SHORT_OPS: Record<string, string> = {
  none: 'none',
  skip_connect: 'skip',
  nor_conv_1x1: 'conv1×1',
  nor_conv_3x3: 'conv3×3',
  avg_pool_3x3: 'avg3×3',
  max_pool_3x3: 'max3×3',
  sep_conv_3x3: 'sep3×3',
  sep_conv_5x5: 'sep5×5',
  dil_conv_3x3: 'dil3×3',
  dil_conv_5x5: 'dil5×5',
  'conv3x3-bn-relu': '3×3',
  'conv1x1-bn-relu': '1×1',
  maxpool3x3: 'max',
  input: 'in',
  output: 'out',
};

/** A label short enough for a node or an edge of the small drawing. */
export const shortOp = (op: string): string => SHORT_OPS[op] ?? (op.length > 8 ? op.slice(0, 7) + '…' : op);

/** Sources of NB201's 6 edges in arch-string order, and their targets. */
const NB201_EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];

interface Graph {
  nodes: Omit<DagNode, 'x' | 'y'>[];
  edges: { from: number; to: number; op?: string }[];
}

function nb201Graph(ops: readonly string[]): Graph {
  return {
    nodes: [0, 1, 2, 3].map((i) => ({
      label: String(i),
      title: i === 0 ? 'node 0 (cell input)' : i === 3 ? 'node 3 (cell output)' : `node ${i}`,
      kind: i === 0 ? 'input' : i === 3 ? 'output' : 'op',
    })),
    edges: NB201_EDGES.map(([from, to], i) => ({ from, to, op: ops[i] ?? '?' })),
  };
}

function nb101Graph(matrix: readonly (readonly number[])[], ops: readonly string[]): Graph {
  const n = Math.min(matrix.length, ops.length);
  const nodes = ops.slice(0, n).map((op, i): Graph['nodes'][number] => ({
    label: shortOp(op),
    title: op,
    kind: i === 0 ? 'input' : i === n - 1 ? 'output' : 'op',
  }));
  const edges: Graph['edges'] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && matrix[i]?.[j]) edges.push({ from: i, to: j });
  return { nodes, edges };
}

function dartsGraph(genotype: readonly (readonly [string, number])[]): Graph {
  const intermediates = Math.ceil(genotype.length / 2);
  const nodes: Graph['nodes'] = [
    { label: 'k-2', title: 'c_{k-2}: output of the cell before the previous one', kind: 'input' },
    { label: 'k-1', title: 'c_{k-1}: output of the previous cell', kind: 'input' },
    ...Array.from({ length: intermediates }, (_, b): Graph['nodes'][number] => ({ label: String(b), title: `intermediate node ${b}`, kind: 'op' })),
    { label: 'out', title: 'output: concatenation of the intermediate nodes', kind: 'output' },
  ];
  const out = nodes.length - 1;
  const edges: Graph['edges'] = genotype.map(([op, input], i) => ({ from: Math.min(input, out - 1), to: 2 + Math.floor(i / 2), op }));
  for (let b = 0; b < intermediates; b++) edges.push({ from: 2 + b, to: out });
  return { nodes, edges };
}

export function cellGraph(spec: CellSpec): Graph {
  switch (spec.space) {
    case 'nasbench201': return nb201Graph(spec.ops);
    case 'nasbench101': return nb101Graph(spec.matrix, spec.ops);
    case 'darts': return dartsGraph(spec.normal);
  }
}

/** Longest-path layer of every node (inputs at 0). Edges that would close a cycle are ignored. */
export function layers(count: number, edges: readonly { from: number; to: number }[]): number[] {
  const layer = new Array<number>(count).fill(0);
  // Bellman-Ford style relaxation, bounded by `count` rounds so malformed (cyclic) input still ends.
  for (let round = 0; round < count; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.from === e.to || layer[e.to] >= layer[e.from] + 1 || layer[e.from] + 1 >= count) continue;
      layer[e.to] = layer[e.from] + 1;
      changed = true;
    }
    if (!changed) break;
  }
  return layer;
}

type Point = { x: number; y: number };

/** The point at t of the quadratic Bézier a → (control c) → b, as the label anchor {lx, ly}. */
function curvePoint(a: Point, c: Point, b: Point, t: number): { lx: number; ly: number } {
  const u = 1 - t;
  return { lx: u * u * a.x + 2 * u * t * c.x + t * t * b.x, ly: u * u * a.y + 2 * u * t * c.y + t * t * b.y };
}

/** Approximate label box at the drawing's 11px font (the layout has no text metrics). */
const labelWidth = (text: string) => 6 * text.length + 4;

/**
 * Label anchors, placed greedily in edge order: each label takes the first position along its curve
 * (midpoint first, then alternately towards either end) whose box overlaps no node and no label
 * placed before it, else the midpoint. NB201's labels all fit at their midpoints; DARTS' eight edges
 * from two inputs into four nodes need the spreading.
 */
function placeLabels(labels: ({ text: string; a: Point; b: Point; c: Point } | null)[], nodes: Point[]): ({ lx: number; ly: number } | null)[] {
  const boxes: { x0: number; y0: number; x1: number; y1: number }[] = nodes.map((p) => ({ x0: p.x - R, y0: p.y - R, x1: p.x + R, y1: p.y + R }));
  const free = (b: (typeof boxes)[number]) => boxes.every((o) => b.x1 <= o.x0 || o.x1 <= b.x0 || b.y1 <= o.y0 || o.y1 <= b.y0);
  return labels.map((l) => {
    if (!l) return null;
    const w = labelWidth(l.text);
    const boxAt = (p: { lx: number; ly: number }) => ({ x0: p.lx - w / 2, y0: p.ly - LABEL_H / 2, x1: p.lx + w / 2, y1: p.ly + LABEL_H / 2 });
    for (const t of [0.5, 0.62, 0.38, 0.72, 0.28, 0.8, 0.2]) {
      const p = curvePoint(l.a, l.c, l.b, t);
      if (free(boxAt(p))) {
        boxes.push(boxAt(p));
        return p;
      }
    }
    const mid = curvePoint(l.a, l.c, l.b, 0.5);
    boxes.push(boxAt(mid));
    return mid;
  });
}

/** Spacing between layers and between nodes of a layer (abstract units; the SVG scales via viewBox). */
const DX = 88;
const DY = 40;
const R = 11;
const PAD = 8;
const LABEL_H = 12;

export function layoutCell(spec: CellSpec): DagLayout {
  const g = cellGraph(spec);
  const layer = layers(g.nodes.length, g.edges);
  const byLayer = new Map<number, number[]>();
  layer.forEach((l, i) => byLayer.set(l, [...(byLayer.get(l) ?? []), i]));
  const pos = g.nodes.map(() => ({ x: 0, y: 0 }));
  // Every layer spans the height of the tallest one, so edges between layers of different sizes
  // fan out (DARTS: c_{k-2} on top and c_{k-1} at the bottom of the 4 intermediate nodes).
  const tallest = Math.max(...[...byLayer.values()].map((m) => m.length));
  for (const [l, members] of byLayer) {
    const gap = members.length > 1 ? ((tallest - 1) * DY) / (members.length - 1) : 0;
    members.forEach((v, k) => (pos[v] = { x: l * DX, y: (k - (members.length - 1) / 2) * gap }));
  }

  // An edge that skips layers (or doubles another) is an arc, so it does not run through the nodes
  // it skips. Arcs are placed shortest first, each on the side (above / below) where fewer arcs
  // already cover the same layers, stacking outwards: NB201's 0→2 and 1→3 go to opposite sides and
  // 0→3 nests outside 0→2.
  const span = (e: Graph['edges'][number]) => ({ lo: Math.min(layer[e.from], layer[e.to]), hi: Math.max(layer[e.from], layer[e.to], Math.min(layer[e.from], layer[e.to]) + 1) });
  const seen = new Set<string>();
  const isArc = g.edges.map((e) => {
    const key = `${e.from}>${e.to}`;
    const parallel = seen.has(key);
    seen.add(key);
    return parallel || Math.abs(layer[e.to] - layer[e.from]) !== 1;
  });
  const placed: { side: number; lo: number; hi: number; level: number }[] = [];
  const bendOf = new Map<number, number>();
  const arcOrder = g.edges.map((e, i) => ({ i, ...span(e) })).filter(({ i }) => isArc[i]).sort((a, b) => a.hi - a.lo - (b.hi - b.lo) || a.i - b.i);
  for (const { i, lo, hi } of arcOrder) {
    const levelOn = (side: number) => 1 + Math.max(-1, ...placed.filter((o) => o.side === side && o.lo < hi && lo < o.hi).map((o) => o.level));
    const up = levelOn(-1);
    const down = levelOn(1);
    const side = up <= down ? -1 : 1;
    const level = Math.min(up, down);
    placed.push({ side, lo, hi, level });
    // The label sits at half the control point's offset: clear the node radius at level 0, then
    // one label height further per level.
    bendOf.set(i, side * (2 * (R + LABEL_H) + level * 3 * LABEL_H));
  }
  const curves = g.edges.map((e, i) => {
    const a = pos[e.from];
    const b = pos[e.to];
    const bend = bendOf.get(i) ?? 0;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    // The normal of a left-to-right edge points down (+y); a negative bend goes up.
    return { a, b, c: { x: (a.x + b.x) / 2 - ((b.y - a.y) / len) * bend, y: (a.y + b.y) / 2 + ((b.x - a.x) / len) * bend } };
  });
  const labelAt = placeLabels(g.edges.map((e, i) => (e.op === undefined ? null : { text: shortOp(e.op), ...curves[i] })), pos);
  const edges = g.edges.map((e, i): DagEdge => ({
    from: e.from, to: e.to, ...(e.op !== undefined ? { label: shortOp(e.op), op: e.op } : {}),
    muted: e.op === 'none', cx: curves[i].c.x, cy: curves[i].c.y,
    ...(labelAt[i] ?? curvePoint(curves[i].a, curves[i].c, curves[i].b, 0.5)),
  }));

  // Shift everything into a box with its top-left at (0, 0), including arcs and labels.
  const xs = [...pos.map((p) => p.x - R), ...pos.map((p) => p.x + R), ...edges.map((e) => e.lx - (e.label ? labelWidth(e.label) / 2 : 0)), ...edges.map((e) => e.lx + (e.label ? labelWidth(e.label) / 2 : 0))];
  const ys = [...pos.map((p) => p.y - R), ...pos.map((p) => p.y + R), ...edges.map((e) => e.ly - LABEL_H), ...edges.map((e) => e.ly + LABEL_H)];
  const x0 = Math.min(...xs) - PAD;
  const y0 = Math.min(...ys) - PAD;
  const nodes = g.nodes.map((n, i) => ({ ...n, x: pos[i].x - x0, y: pos[i].y - y0 }));
  for (const e of edges) {
    e.cx -= x0;
    e.cy -= y0;
    e.lx -= x0;
    e.ly -= y0;
  }
  return { nodes, edges, width: Math.max(...xs) + PAD - x0, height: Math.max(...ys) + PAD - y0, radius: R };
}
