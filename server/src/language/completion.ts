import type { Analysis } from '../core/analyze';
import { KEY_DOCS, METRIC_KEYS, SPACE_IDS, SPACES, type SpaceId } from '../core/spaces';
import type { Position } from '../core/text';
import { cellAt } from './cellAt';

export interface CompletionEntry {
  label: string;
  kind: 'keyword' | 'key' | 'op' | 'space' | 'snippet' | 'value';
  detail?: string;
  documentation?: string;
  /** Snippet syntax (`$1`, `${1:name}`) when kind is 'snippet' or the insert differs from the label. */
  insertSnippet?: string;
}

export const CELL_SNIPPETS: Record<SpaceId, string> = {
  nasbench101: [
    'cell ${1:name}',
    '  space: nasbench101',
    '  ops: input ${2:conv3x3-bn-relu} ${3:conv1x1-bn-relu} ${4:maxpool3x3} output',
    '  matrix:',
    '    0 1 1 0 0',
    '    0 0 0 1 0',
    '    0 0 0 1 0',
    '    0 0 0 0 1',
    '    0 0 0 0 0',
    '$0',
  ].join('\n'),
  nasbench201: [
    'cell ${1:name}',
    '  space: nasbench201',
    '  arch: |${2:nor_conv_3x3}~0|+|${3:nor_conv_3x3}~0|${4:nor_conv_3x3}~1|+|${5:skip_connect}~0|${6:nor_conv_3x3}~1|${7:nor_conv_1x1}~2|',
    '$0',
  ].join('\n'),
  darts: [
    'cell ${1:name}',
    '  space: darts',
    '  normal: ${2:sep_conv_3x3} 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 1, sep_conv_3x3 1, skip_connect 0, skip_connect 0, dil_conv_3x3 2',
    '  reduce: ${3:max_pool_3x3} 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, skip_connect 2, skip_connect 2, max_pool_3x3 1',
    '$0',
  ].join('\n'),
};

const OP_DOCS: Record<string, string> = {
  'conv3x3-bn-relu': '3×3 convolution, batch norm, ReLU', 'conv1x1-bn-relu': '1×1 convolution, batch norm, ReLU', maxpool3x3: '3×3 max pooling',
  input: 'the cell input (first vertex)', output: 'the cell output (last vertex)',
  nor_conv_3x3: 'ReLU-Conv3×3-BN', nor_conv_1x1: 'ReLU-Conv1×1-BN', avg_pool_3x3: '3×3 average pooling', skip_connect: 'identity', none: 'zero: drops the edge',
  max_pool_3x3: '3×3 max pooling', sep_conv_3x3: 'separable 3×3 convolution (twice)', sep_conv_5x5: 'separable 5×5 convolution (twice)',
  dil_conv_3x3: 'dilated 3×3 convolution', dil_conv_5x5: 'dilated 5×5 convolution',
};

function opEntries(ops: readonly string[], space: SpaceId): CompletionEntry[] {
  return ops.map((op) => ({ label: op, kind: 'op', detail: `${SPACES[space].title} op`, documentation: OP_DOCS[op] }));
}

function spaceEntries(): CompletionEntry[] {
  return SPACE_IDS.map((id) => ({ label: id, kind: 'space', detail: SPACES[id].title, documentation: SPACES[id].summary }));
}

/**
 * Completions from the text before the cursor and the space of the enclosing cell: `cell`/`space` and
 * cell snippets at the start of a line, space names after `space`, keys at the start of an indented
 * line, ops after `ops:`/`arch:`/`normal:`/`reduce:`. Nothing for a cell name, a value or a matrix row:
 * an empty answer there (with word-based suggestions off for the language) keeps Enter a line break.
 */
export function complete(a: Analysis, pos: Position): CompletionEntry[] {
  const line = a.doc.lines[pos.line] ?? '';
  const before = line.slice(0, pos.character);
  if (before.includes('#')) return [];
  const indented = /^\s/.test(before);

  if (!indented) {
    if (/^space[\s:]+\S*$/.test(before)) return spaceEntries();
    if (/^\S*$/.test(before)) {
      return [
        { label: 'cell', kind: 'keyword', detail: 'start a cell', insertSnippet: 'cell ${1:name}\n  ' },
        { label: 'space', kind: 'keyword', detail: 'default space for the cells below', insertSnippet: 'space ${1|nasbench101,nasbench201,darts|}' },
        ...SPACE_IDS.map((id): CompletionEntry => ({ label: `cell (${id})`, kind: 'snippet', detail: `new ${SPACES[id].title} cell`, insertSnippet: CELL_SNIPPETS[id] })),
      ];
    }
    return [];
  }

  const cell = cellAt(a, pos) ?? (pos.line > 0 ? cellAt(a, { line: pos.line - 1, character: 0 }) : undefined);
  const space: SpaceId = cell?.space ?? 'nasbench101';
  const keyMatch = /^\s*([A-Za-z_][\w-]*)\s*:(.*)$/.exec(before);
  if (!keyMatch) {
    // A key being typed: offer the keys this cell can still take. Not in a matrix row (digits) or
    // where a `cell` header is being typed at the wrong indentation (the parser flags that).
    if (!/^\s*[A-Za-z_][\w-]*$|^\s*$/.test(before) || /^\s*cell$/.test(before)) return [];
    const present = new Set(cell?.node.properties.filter((p) => p.key.range.start.line !== pos.line).map((p) => p.key.text) ?? []);
    const keys = ['space', ...SPACES[space].keys, ...Object.keys(METRIC_KEYS)].filter((k) => !present.has(k));
    return keys.map((k) => ({ label: k, kind: 'key', documentation: KEY_DOCS[k], insertSnippet: `${k}: ` }));
  }
  const [, key, value] = keyMatch;
  switch (key) {
    case 'space':
      return spaceEntries();
    case 'ops': {
      const ops = SPACES[space].opsKeyOps;
      return opEntries(ops, space);
    }
    case 'arch':
      return archOpExpected(value) ? opEntries(SPACES.nasbench201.ops, 'nasbench201') : [];
    case 'normal':
    case 'reduce':
      // An op goes at the start or after a comma; an input index after an op.
      if (/(^|,)\s*[\w]*$/.test(value)) return opEntries(SPACES.darts.ops, 'darts');
      return [];
    default:
      return [];
  }
}

/**
 * Whether an op goes at the end of this arch-string prefix (`|op~0|+|op~0|op~1|+|…|`): right after
 * a `|` that opens an edge of a node still short of edges. After the last edge of a node (`~0|` in
 * the first group, `~2|` at the very end) the next thing is `+` or the line break, so Enter stays one.
 */
export function archOpExpected(value: string): boolean {
  const prefix = value.replace(/[A-Za-z_][\w]*$/, '').trimStart();
  if (!prefix.endsWith('|')) return false;
  const groups = prefix.split('+');
  const edges = (groups.at(-1)!.match(/~/g) ?? []).length;
  return groups.length <= 3 && edges < groups.length;
}

/** The edit that moves a `cell` keyword typed on an indented line to column 0 (on-type formatting at its space). */
export function outdentCellKeyword(before: string, line: number): { range: { start: Position; end: Position }; newText: string }[] {
  const m = /^([ \t]+)cell $/.exec(before);
  return m ? [{ range: { start: { line, character: 0 }, end: { line, character: m[1].length } }, newText: '' }] : [];
}
