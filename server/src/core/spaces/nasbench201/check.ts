import { matricesEqual } from '../graph';
import { NB201_ADJACENCY, NB201_OPS, nb201HasPath, parseArch } from './encoding';
import { rangeOf } from '../../text';
import { words } from '../../values';
import type { CellContext } from '../../check/context';
import { checkMatrix, checkNodeOps } from '../nasbench101/check';

export interface Nb201Spec {
  ops: string[];
  form: 'arch' | 'nodes';
}

export function checkNasbench201(ctx: CellContext): Nb201Spec | undefined {
  const arch = ctx.props.get('arch');
  const opsProp = ctx.props.get('ops');
  const matrixProp = ctx.props.get('matrix');
  if (arch && (opsProp || matrixProp)) {
    ctx.report('conflicting-keys', 'error', (opsProp ?? matrixProp)!.key.range,
      'Give a NAS-Bench-201 cell either as `arch:` or as `ops:` + `matrix:` (8-node form), not both.');
  }
  let spec: Nb201Spec | undefined;
  if (arch) spec = checkArch(ctx);
  else if (opsProp || matrixProp) spec = checkNodeForm(ctx);
  else ctx.missing('arch', 'A NAS-Bench-201 cell needs `arch:` (e.g. `|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|`).');
  if (spec && !nb201HasPath(spec.ops)) {
    const at = (arch ?? opsProp)!;
    ctx.report('disconnected', 'warning', ctx.valueRange(at),
      'Every input→output path crosses a `none` edge: the cell\'s output does not depend on its input.');
  }
  return spec;
}

function checkArch(ctx: CellContext): Nb201Spec | undefined {
  const prop = ctx.props.get('arch')!;
  if (prop.segments.length === 0) {
    ctx.report('arch-syntax', 'error', prop.key.range, 'The arch string is empty.');
    return undefined;
  }
  if (prop.segments.length > 1) {
    const extra = prop.segments[1];
    ctx.report('arch-syntax', 'error', rangeOf(extra.line, extra.start, extra.start + extra.text.length), 'Write the arch string on one line.');
    return undefined;
  }
  const seg = prop.segments[0];
  const at = (a: number, b: number) => rangeOf(seg.line, seg.start + Math.min(a, seg.text.length), seg.start + Math.min(Math.max(b, a + 1), seg.text.length));
  const { edges, problems } = parseArch(seg.text);
  for (const p of problems) ctx.report(p.code, 'error', at(p.start, p.end), p.message);
  let ok = problems.length === 0;
  for (const e of edges) {
    if (!(NB201_OPS as readonly string[]).includes(e.op)) {
      ctx.unknownOp({ text: e.op, range: at(e.opStart, e.sourceStart - 1) }, NB201_OPS);
      ok = false;
    }
  }
  return ok && edges.length === 6 ? { ops: edges.map((e) => e.op), form: 'arch' } : undefined;
}

function checkNodeForm(ctx: CellContext): Nb201Spec | undefined {
  const opsProp = ctx.props.get('ops');
  const matrixProp = ctx.props.get('matrix');
  if (!opsProp) ctx.missing('ops', 'The 8-node form needs `ops:` (input, the 6 edge ops in arch-string order, output).');
  if (!matrixProp) ctx.missing('matrix', 'The 8-node form needs `matrix:` (the fixed NAS-Bench-201 adjacency). Or use `arch:`.');
  const ops = opsProp ? words(opsProp.segments) : [];
  const opsOk = ops.length > 0 && checkNodeOps(ctx, ops, NB201_OPS);
  if (opsProp && ops.length !== 8) {
    ctx.report('ops-matrix-mismatch', 'error', ctx.valueRange(opsProp), `The NAS-Bench-201 node form has 8 ops (input, 6 edges, output); found ${ops.length}.`);
    return undefined;
  }
  const m = checkMatrix(ctx);
  if (!m || !opsOk) return undefined;
  if (!matricesEqual(m.matrix, NB201_ADJACENCY)) {
    ctx.report('fixed-topology', 'error', ctx.valueRange(matrixProp!),
      'NAS-Bench-201 cells all share one 8-node topology (edges 0→1, 0→2, 0→4, 1→3, 1→5, 2→6, 3→6, 4→7, 5→7, 6→7); only the ops vary.');
    return undefined;
  }
  return { ops: ops.slice(1, 7).map((t) => t.text), form: 'nodes' };
}
