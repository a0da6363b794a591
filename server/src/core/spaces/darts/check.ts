import type { Token } from '../../ast';
import { DARTS_OPS, DARTS_PAIRS, type Genotype } from './encoding';
import { words } from '../../values';
import type { CellContext } from '../../check/context';

export interface DartsSpec {
  normal: Genotype;
  reduce: Genotype;
  /** False when `reduce:` was omitted and the normal cell stands in for it (arch2vec's convention). */
  reduceGiven: boolean;
}

export function checkDarts(ctx: CellContext): DartsSpec | undefined {
  const normalProp = ctx.props.get('normal');
  const reduceProp = ctx.props.get('reduce');
  if (!normalProp) {
    ctx.missing('normal', 'A DARTS cell needs `normal:` (8 `op input` pairs, two per intermediate node).');
    return undefined;
  }
  const normal = checkGenotype(ctx, 'normal');
  const reduce = reduceProp ? checkGenotype(ctx, 'reduce') : normal;
  if (!normal || !reduce) return undefined;
  return { normal, reduce, reduceGiven: !!reduceProp };
}

/** Reads `op i, op i, ...`; also accepts DARTS' Python form `('sep_conv_3x3', 0), ...`. */
function checkGenotype(ctx: CellContext, key: 'normal' | 'reduce'): Genotype | undefined {
  const prop = ctx.props.get(key)!;
  const toks = words(prop.segments, ",()[]'\"");
  const pairs: [Token, Token][] = [];
  let ok = true;
  for (let i = 0; i < toks.length; i += 2) {
    const op = toks[i];
    const input = toks[i + 1];
    if (/^\d+$/.test(op.text)) {
      ctx.report('genotype-syntax', 'error', op.range, `Expected an op name before the input index, found '${op.text}'. Pairs are written \`op input\`.`);
      return undefined;
    }
    if (!input || !/^\d+$/.test(input.text)) {
      ctx.report('genotype-syntax', 'error', (input ?? op).range, `'${op.text}' needs an input index (0, 1 or an earlier node) after it.`);
      return undefined;
    }
    pairs.push([op, input]);
  }
  if (pairs.length !== DARTS_PAIRS) {
    ctx.report('genotype-length', 'error', ctx.valueRange(prop), `A DARTS ${key} cell has ${DARTS_PAIRS} (op, input) pairs, two per intermediate node; found ${pairs.length}.`);
    ok = false;
  }
  pairs.forEach(([op, input], i) => {
    const block = Math.floor(i / 2);
    if (!(DARTS_OPS as readonly string[]).includes(op.text)) {
      ctx.unknownOp(op, DARTS_OPS);
      ok = false;
    } else if (op.text === 'none') {
      ctx.report('genotype-none', 'information', op.range, '`none` drops this edge: DARTS never derives it (arch2vec samples it).');
    }
    const src = Number(input.text);
    if (i < DARTS_PAIRS && src >= 2 + block) {
      ctx.report('genotype-input', 'error', input.range,
        `Pair ${i + 1} feeds node ${2 + block}; its input must be < ${2 + block} (0 and 1 are the previous cells, 2+ earlier nodes), found ${src}.`);
      ok = false;
    }
    if (i % 2 === 1 && pairs[i - 1][1].text === input.text) {
      ctx.report('genotype-duplicate-input', 'warning', input.range, `Both edges of node ${2 + block} come from input ${src}; DARTS picks two distinct inputs.`);
    }
  });
  return ok ? pairs.map(([op, input]) => [op.text, Number(input.text)] as [string, number]) : undefined;
}
