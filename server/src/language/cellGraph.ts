/**
 * The cell's graph as a few lines of text for the hover: each node with the nodes (and ops) that feed
 * it, in the space's own terms. NB101 puts ops on nodes (the matrix's edges carry nothing), NB201 and
 * DARTS put ops on edges; `none` edges (NB201's zero op) carry nothing and are left out.
 */
import type { CellSpec, Genotype } from '../protocol/cells';

/** NB201's arch string lists the 6 edges as (to ← from): 1←0 | 2←0 2←1 | 3←0 3←1 3←2. */
const NB201_EDGES: [number, number][] = [[1, 0], [2, 0], [2, 1], [3, 0], [3, 1], [3, 2]];

export function graphLines(spec: CellSpec): string[] {
  switch (spec.space) {
    case 'nasbench101': {
      const width = Math.max(...spec.ops.map((o) => o.length));
      return spec.ops.map((op, j) => {
        const from = spec.matrix.map((row, i) => (row[j] ? i : -1)).filter((i) => i >= 0);
        return `${String(j).padStart(2)} ${op.padEnd(width)}${from.length ? `  ← ${from.join(', ')}` : ''}`.trimEnd();
      });
    }
    case 'nasbench201':
      return [1, 2, 3].map((to) => {
        const ins = NB201_EDGES.map(([t, f], e) => ({ t, f, op: spec.ops[e] })).filter((x) => x.t === to && x.op !== 'none');
        return `node ${to} ← ${ins.length ? ins.map((x) => `${x.f} ${x.op}`).join(' + ') : 'nothing (every edge none)'}`;
      });
    case 'darts': {
      const cell = (name: string, g: Genotype) => [
        `${name}: inputs c_{k-2}, c_{k-1}; output = concat(node 2..${1 + g.length / 2})`,
        ...Array.from({ length: g.length / 2 }, (_, k) => {
          const ins = g.slice(2 * k, 2 * k + 2).map(([op, from]) => `${from === 0 ? 'c_{k-2}' : from === 1 ? 'c_{k-1}' : `node ${from}`} ${op}`);
          return `node ${k + 2} ← ${ins.join(' + ')}`;
        }),
      ];
      const same = JSON.stringify(spec.normal) === JSON.stringify(spec.reduce);
      return same ? cell(spec.reduceGiven ? 'normal = reduce' : 'normal (reduce = normal)', spec.normal) : [...cell('normal', spec.normal), ...cell('reduce', spec.reduce)];
    }
  }
}

/** The graph as a fenced block for Markdown. */
export function graphMarkdown(spec: CellSpec): string {
  return ['```text', ...graphLines(spec), '```'].join('\n');
}
