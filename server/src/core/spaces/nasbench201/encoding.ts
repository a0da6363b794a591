/** NAS-Bench-201's encoding and arch strings: pure (the benchmark table is read by ./table.ts). */
import { argmaxRows, oneHot, type Matrix } from '../graph';
import { NB201_EDGES } from './notation';

export { formatArch, NB201_EDGES } from './notation';

/** NAS-Bench-201's own op order; an arch's code is its 6 edge ops as base-5 digits in this order. */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
/** arch2vec's one-hot column order (docs/reference-notes.md §1.3). */
export const NB201_ONEHOT_OPS = ['input', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'skip_connect', 'none', 'output'] as const;
export const NB201_SIZE = 15625;

/** The fixed op-on-node adjacency arch2vec uses for every cell: input, 6 edge-nodes, output. */
export const NB201_ADJACENCY: Matrix = (() => {
  const m = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  for (const [a, b] of [[0, 1], [0, 2], [0, 4], [1, 3], [1, 5], [2, 6], [3, 6], [4, 7], [5, 7], [6, 7]]) m[a][b] = 1;
  return m;
})();

export type Nb201Ops = string[];

export interface ArchEdgeSyntax {
  op: string;
  source: string;
  /** Offsets into the arch string. */
  opStart: number;
  sourceStart: number;
  end: number;
}

export interface ArchProblem {
  message: string;
  start: number;
  end: number;
  code: 'arch-syntax' | 'arch-source';
}

/** Reads `|op~j|+|op~j|op~j|+|...|` keeping offsets so each problem can be placed exactly. */
export function parseArch(s: string): { edges: ArchEdgeSyntax[]; problems: ArchProblem[] } {
  const edges: ArchEdgeSyntax[] = [];
  const problems: ArchProblem[] = [];
  const groups: { start: number; text: string }[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s[i] === '+') {
      groups.push({ start, text: s.slice(start, i) });
      start = i + 1;
    }
  }
  if (groups.length !== 3) {
    problems.push({ code: 'arch-syntax', start: 0, end: s.length, message: `An NAS-Bench-201 arch has 3 '+'-separated groups (one per cell node), found ${groups.length}.` });
  }
  groups.forEach((g, k) => {
    let pos = 0;
    const parts: { start: number; text: string }[] = [];
    for (let i = 0; i <= g.text.length; i++) {
      if (i === g.text.length || g.text[i] === '|') {
        const t = g.text.slice(pos, i);
        if (t.trim() !== '') parts.push({ start: g.start + pos, text: t });
        pos = i + 1;
      }
    }
    if (groups.length === 3 && parts.length !== k + 1) {
      problems.push({
        code: 'arch-syntax', start: g.start, end: g.start + g.text.length,
        message: `Group ${k + 1} lists the edges into node ${k + 1}: expected ${k + 1} edge${k ? 's' : ''} (op~source), found ${parts.length}.`,
      });
    }
    parts.forEach((p, j) => {
      const tilde = p.text.indexOf('~');
      if (tilde < 0) {
        problems.push({ code: 'arch-syntax', start: p.start, end: p.start + p.text.length, message: `Expected op~source, e.g. 'nor_conv_3x3~${j}', found '${p.text}'.` });
        return;
      }
      const edge = { op: p.text.slice(0, tilde), source: p.text.slice(tilde + 1), opStart: p.start, sourceStart: p.start + tilde + 1, end: p.start + p.text.length };
      if (groups.length === 3 && parts.length === k + 1 && edge.source !== String(j)) {
        problems.push({ code: 'arch-source', start: edge.sourceStart, end: edge.end, message: `Edge ${j + 1} into node ${k + 1} must come from node ${j} (edges are listed by source, 0 to ${k}); found '~${edge.source}'.` });
      }
      edges.push(edge);
    });
  });
  return { edges, problems };
}

export function archCode(ops: readonly string[]): number {
  let code = 0;
  for (let i = ops.length - 1; i >= 0; i--) code = code * 5 + (NB201_OPS as readonly string[]).indexOf(ops[i]);
  return code;
}

export function opsFromCode(code: number): Nb201Ops {
  const ops: string[] = [];
  for (let i = 0; i < 6; i++) {
    ops.push(NB201_OPS[code % 5]);
    code = Math.floor(code / 5);
  }
  return ops;
}

/** Op labels of the 8-node op-on-node form: input, the 6 edges in string order, output. */
export function nb201NodeOps(ops: readonly string[]): string[] {
  return ['input', ...ops, 'output'];
}

export function encodeNb201(ops: readonly string[]): { adjacency: Matrix; ops: number[][] } {
  const labels = nb201NodeOps(ops).map((o) => (NB201_ONEHOT_OPS as readonly string[]).indexOf(o));
  return { adjacency: NB201_ADJACENCY.map((r) => r.slice()), ops: oneHot(labels, NB201_ONEHOT_OPS.length) };
}

export function decodeNb201(opsOneHot: number[][]): Nb201Ops {
  return argmaxRows(opsOneHot).slice(1, 7).map((l) => NB201_ONEHOT_OPS[l]);
}

/** Whether some input→output path avoids every `none` edge (otherwise the cell outputs zeros). */
export function nb201HasPath(ops: readonly string[]): boolean {
  const reach = [true, false, false, false];
  NB201_EDGES.forEach(([a, b], i) => {
    if (reach[a] && ops[i] !== 'none') reach[b] = true;
  });
  return reach[3];
}
