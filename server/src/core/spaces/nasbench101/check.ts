import type { Token } from '../../ast';
import { edgeCount } from '../graph';
import { NB101_CANONICAL_OPS, NB101_MAX_EDGES, NB101_MAX_VERTICES, prune, type Nb101Cell } from './encoding';
import { readMatrix, words } from '../../values';
import type { CellContext } from '../../check/context';

export interface MatrixResult {
  matrix: number[][];
  rows: Token[][];
}

/** Reads and shape-checks a 0/1 upper-triangular square matrix; undefined if unusable. */
export function checkMatrix(ctx: CellContext): MatrixResult | undefined {
  const prop = ctx.props.get('matrix');
  if (!prop) return undefined;
  if (prop.segments.length === 0) {
    ctx.report('matrix-syntax', 'error', prop.key.range, 'The matrix is empty: put one row per line under `matrix:`.');
    return undefined;
  }
  const syntax = readMatrix(prop.segments, ctx.diagnostics);
  if (!syntax) return undefined;
  const { rows } = syntax;
  let ok = true;
  const n = rows.length;
  const width = rows[0]?.length ?? 0;
  for (const row of rows) {
    if (row.length !== width) {
      const r = row.length ? { start: row[0].range.start, end: row[row.length - 1].range.end } : prop.key.range;
      ctx.report('matrix-ragged', 'error', r, `This row has ${row.length} entries; the first row has ${width}.`);
      ok = false;
    }
  }
  const matrix = rows.map((row) => row.map((tok) => {
    if (tok.text === '0' || tok.text === '1') return Number(tok.text);
    ctx.report('matrix-entry', 'error', tok.range, `Matrix entries are 0 or 1, found '${tok.text.length > 20 ? tok.text.slice(0, 17) + '...' : tok.text}'.`);
    ok = false;
    return 0;
  }));
  if (ok && n !== width) {
    ctx.report('matrix-not-square', 'error', ctx.valueRange(prop), `The matrix has ${n} row${n === 1 ? '' : 's'} of ${width}; it must be square.`);
    ok = false;
  }
  if (!ok) return undefined;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (matrix[i][j]) {
        ctx.report('matrix-not-upper-triangular', 'error', rows[i][j].range,
          i === j ? `Self-loop at vertex ${i}: the diagonal must be 0.` : `Edge ${i}→${j} goes backwards: cells are DAGs with edges from lower to higher vertices (upper triangle).`);
        ok = false;
      }
    }
  }
  return ok ? { matrix, rows } : undefined;
}

/** Checks op names and the input-first/output-last rule for an op-on-node list. */
export function checkNodeOps(ctx: CellContext, ops: Token[], interior: readonly string[]): boolean {
  let ok = true;
  ops.forEach((tok, i) => {
    const last = i === ops.length - 1;
    if (tok.text === 'input') {
      if (i !== 0) {
        ctx.report('input-placement', 'error', tok.range, '`input` may only be the first op.');
        ok = false;
      }
    } else if (tok.text === 'output') {
      if (!last) {
        ctx.report('output-placement', 'error', tok.range, '`output` may only be the last op.');
        ok = false;
      }
    } else if (!interior.includes(tok.text)) {
      ctx.unknownOp(tok, interior);
      ok = false;
    } else if (i === 0) {
      ctx.report('input-placement', 'error', tok.range, `The first op must be \`input\`, found '${tok.text}'.`);
      ok = false;
    } else if (last) {
      ctx.report('output-placement', 'error', tok.range, `The last op must be \`output\`, found '${tok.text}'.`);
      ok = false;
    }
  });
  return ok;
}

export function checkNasbench101(ctx: CellContext): Nb101Cell | undefined {
  const opsProp = ctx.props.get('ops');
  const matrixProp = ctx.props.get('matrix');
  if (!opsProp) ctx.missing('ops', 'A NAS-Bench-101 cell needs `ops:` (one op per vertex, input first, output last).');
  if (!matrixProp) ctx.missing('matrix', 'A NAS-Bench-101 cell needs `matrix:` (its adjacency matrix).');
  const ops = opsProp ? words(opsProp.segments) : [];
  if (opsProp && ops.length === 0) ctx.report('missing-key', 'error', opsProp.key.range, '`ops:` is empty.');
  const opsOk = ops.length > 0 && checkNodeOps(ctx, ops, NB101_CANONICAL_OPS);
  if (ops.length === 1) ctx.report('too-few-vertices', 'error', ctx.valueRange(opsProp!), 'A cell needs at least an input and an output.');
  const m = checkMatrix(ctx);
  if (!m || !opsProp) return undefined;
  if (m.matrix.length !== ops.length) {
    ctx.report('ops-matrix-mismatch', 'error', ctx.valueRange(opsProp),
      `${ops.length} op${ops.length === 1 ? '' : 's'} for a ${m.matrix.length}×${m.matrix.length} matrix: give one op per matrix row.`);
    return undefined;
  }
  if (!opsOk || ops.length < 2) return undefined;
  const cell: Nb101Cell = { matrix: m.matrix, ops: ops.map((t) => t.text) };
  const pruned = prune(cell);
  if (!pruned.valid) {
    ctx.report('disconnected', 'error', ctx.valueRange(matrixProp!), 'No path leads from input to output: the cell computes nothing (NAS-Bench-101 rejects it).');
    return cell;
  }
  for (const v of pruned.removed) {
    ctx.report('extraneous-vertex', 'warning', ops[v].range,
      `Vertex ${v} (${ops[v].text}) is not on any input→output path and will be pruned.`, { fix: { kind: 'prune' } });
  }
  const v = pruned.matrix.length;
  if (v > NB101_MAX_VERTICES) {
    ctx.report('too-many-vertices', 'error', ctx.valueRange(opsProp),
      `${v} vertices${pruned.removed.length ? ' after pruning' : ''}; NAS-Bench-101 allows at most ${NB101_MAX_VERTICES}.`);
  }
  const e = edgeCount(pruned.matrix);
  if (e > NB101_MAX_EDGES) {
    ctx.report('too-many-edges', 'error', ctx.valueRange(matrixProp!),
      `${e} edges${pruned.removed.length ? ' after pruning' : ''}; NAS-Bench-101 allows at most ${NB101_MAX_EDGES}.`);
  }
  return cell;
}

