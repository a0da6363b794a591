/**
 * Seeded generators, mutators and invariant checks for fuzzing the `.cells` core
 * (parser, analyzer, formatter). Shared by `test/fuzz.test.ts` (fixed seeds, a few thousand cases)
 * and `scripts/fuzz.ts` (the long, time-boxed run).
 *
 * Everything is a pure function of the seed: `inputForSeed(seed)` regenerates a failing input.
 */
import { Worker, parentPort } from 'node:worker_threads';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from '../../server/src/core/analyze';
import { specKey } from '../../server/src/core/cellSpec';
import { DIAGNOSTIC_CODES, type CellDiagnostic } from '../../server/src/core/diagnostics';
import { formatEdits, formatText, type TextEdit } from '../../server/src/core/format';
import { parseDocument } from '../../server/src/core/parser';
import type { SpaceId } from '../../server/src/core/spaces';
import { splitLines, type Range } from '../../server/src/core/text';

// ---------------------------------------------------------------------------------------------
// PRNG

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for fuzzing; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi], inclusive. */
export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** Picks by weight: `[[w, value], ...]`. */
export function weighted<T>(rng: Rng, table: readonly (readonly [number, T])[]): T {
  const total = table.reduce((s, [w]) => s + w, 0);
  let r = rng() * total;
  for (const [w, v] of table) {
    r -= w;
    if (r < 0) return v;
  }
  return table[table.length - 1][1];
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const SPACES: readonly SpaceId[] = ['nasbench101', 'nasbench201', 'darts'];
const NB101_INTERIOR = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'];
const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
const DARTS_OPS = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];
const KEYS = ['space', 'ops', 'matrix', 'arch', 'normal', 'reduce', 'accuracy', 'val_accuracy', 'test_accuracy', 'train_seconds', 'params', 'flops'];
const METRICS = ['accuracy', 'val_accuracy', 'test_accuracy', 'train_seconds', 'params', 'flops'];
const NB201_NODE_MATRIX = [
  [0, 1, 1, 0, 1, 0, 0, 0],
  [0, 0, 0, 1, 0, 1, 0, 0],
  [0, 0, 0, 0, 0, 0, 1, 0],
  [0, 0, 0, 0, 0, 0, 1, 0],
  [0, 0, 0, 0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0, 0, 0, 1],
  [0, 0, 0, 0, 0, 0, 0, 0],
];

const HUGE_NUMBERS = [
  '1e309', '-1e309', '99999999999999999999', '1e-400', '0x10', 'NaN', 'Infinity', '-0', '+.5', '5.', '.', '1e', '1e+',
  '100%', '0.5%', '101', '-1', '1.7976931348623157e308', '4.9e-324', '00000000000000000001', '１２', '٣', '1_000', '1,5',
];

const WEIRD = [
  '\u0000', '\t', '\u000b', '\f', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\u200b', '\u0301', '\u202e',
  '\ud83d\ude00', '\ud83d', '\ude00', '\udfff\ud800', 'é', 'ß', 'İ', '𝟘', '\u{10ffff}', '\r', '\n', '\r\n', '\\', '"', "'",
  '#', ':', '|', '~', '+', '[', ']', ',', '(', ')', '%', '-', '.', 'e', 'E',
];

function ident(rng: Rng): string {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
  const rest = first + '0123456789_.-';
  let s = pick(rng, [...first]);
  const n = int(rng, 0, 12);
  for (let i = 0; i < n; i++) s += pick(rng, [...rest]);
  return s;
}

function comment(rng: Rng): string {
  return pick(rng, ['#', '# note', '#### banner ####', '# ops: input output', '# é 😀 \u00a0', '#matrix: [[0,1],[0,0]]', '# cell x', `# ${ident(rng)}`]);
}

function maybeComment(rng: Rng, p = 0.1): string {
  return chance(rng, p) ? ' '.repeat(int(rng, 1, 6)) + comment(rng) : '';
}

// ---------------------------------------------------------------------------------------------
// Valid cells

export interface CellOptions {
  /** Write `space: X` in the cell (otherwise rely on inference / file space). */
  explicitSpace?: boolean;
  comments?: number;
  /** NB101 only: largest vertex count (default 7, the space's limit). */
  maxVertices?: number;
}

/** A random NAS-Bench-101 DAG with 2..7 vertices, in one of the supported matrix layouts. */
export function genNb101Cell(rng: Rng, name: string, o: CellOptions = {}): string[] {
  const n = int(rng, 2, o.maxVertices ?? 7);
  const ops = ['input', ...Array.from({ length: n - 2 }, () => pick(rng, NB101_INTERIOR)), 'output'];
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  // A path input -> output through a random subset, then random extra forward edges.
  let prev = 0;
  for (let v = 1; v < n; v++) {
    if (v === n - 1 || chance(rng, 0.7)) {
      m[prev][v] = 1;
      prev = v;
    }
  }
  const extra = int(rng, 0, 4);
  for (let k = 0; k < extra; k++) {
    const a = int(rng, 0, n - 2);
    const b = int(rng, a + 1, n - 1);
    m[a][b] = 1;
  }
  const c = (p?: number) => maybeComment(rng, p ?? o.comments ?? 0.1);
  const lines = [`cell ${name}${c()}`];
  if (o.explicitSpace) lines.push(`  space: nasbench101${c()}`);
  const opsSep = chance(rng, 0.2) ? ', ' : ' ';
  const opsLine = `  ops: ${ops.join(opsSep)}${c()}`;
  const layout = weighted(rng, [[5, 'rows'], [2, 'bracket-rows'], [2, 'inline'], [1, 'multi-bracket']] as const);
  const matrixLines: string[] = [];
  if (layout === 'rows') {
    matrixLines.push(`  matrix:${c()}`, ...m.map((r) => `    ${r.join(' ')}${c()}`));
  } else if (layout === 'bracket-rows') {
    matrixLines.push(`  matrix:${c()}`, ...m.map((r) => `    [${r.join(', ')}]${c()}`));
  } else if (layout === 'inline') {
    matrixLines.push(`  matrix: [${m.map((r) => `[${r.join(',')}]`).join(', ')}]${c()}`);
  } else {
    matrixLines.push('  matrix: [', ...m.map((r, i) => `    [${r.join(', ')}]${i < n - 1 ? ',' : ''}`), '  ]');
    // A closing bracket at key indentation is not a continuation: make it one.
    matrixLines[matrixLines.length - 1] = '    ]';
  }
  if (chance(rng, 0.5)) lines.push(opsLine, ...matrixLines);
  else lines.push(...matrixLines, opsLine);
  lines.push(...metrics(rng, c));
  return lines;
}

function metrics(rng: Rng, c: () => string): string[] {
  const out: string[] = [];
  for (const k of METRICS) {
    if (!chance(rng, 0.2)) continue;
    const pct = k.endsWith('accuracy');
    const v = pct ? (rng() * 100).toFixed(int(rng, 0, 4)) + (chance(rng, 0.1) ? '%' : '') : (rng() * 1e6).toFixed(int(rng, 0, 2));
    out.push(`  ${k}: ${v}${c()}`);
  }
  return out;
}

/** A random NAS-Bench-201 cell: arch string (usually) or the 8-node ops + matrix form. */
export function genNb201Cell(rng: Rng, name: string, o: CellOptions = {}): string[] {
  const ops = Array.from({ length: 6 }, () => pick(rng, NB201_OPS));
  const c = () => maybeComment(rng, o.comments ?? 0.1);
  const lines = [`cell ${name}${c()}`];
  const archForm = chance(rng, 0.8);
  // Only `arch:` identifies a NAS-Bench-201 cell; the 8-node form needs `space:` to be read as one.
  if (o.explicitSpace || !archForm || chance(rng, 0.5)) lines.push(`  space: nasbench201${c()}`);
  if (archForm) {
    const e = ops.map((op, i) => `${op}~${[0, 0, 1, 0, 1, 2][i]}`);
    lines.push(`  arch: |${e[0]}|+|${e[1]}|${e[2]}|+|${e[3]}|${e[4]}|${e[5]}|${c()}`);
  } else {
    lines.push(`  ops: input ${ops.join(' ')} output${c()}`, `  matrix:${c()}`, ...NB201_NODE_MATRIX.map((r) => `    ${r.join(' ')}`));
  }
  lines.push(...metrics(rng, c));
  return lines;
}

function genotype(rng: Rng, python: boolean): string {
  const pairs: [string, number][] = [];
  for (let i = 0; i < 8; i++) pairs.push([pick(rng, DARTS_OPS.slice(1)), int(rng, 0, 1 + Math.floor(i / 2))]);
  return python ? `[${pairs.map(([op, k]) => `('${op}', ${k})`).join(', ')}]` : pairs.map(([op, k]) => `${op} ${k}`).join(', ');
}

/** A random DARTS genotype cell (`op i, ...` or the Python tuple form), reduce optional. */
export function genDartsCell(rng: Rng, name: string, o: CellOptions = {}): string[] {
  const c = () => maybeComment(rng, o.comments ?? 0.1);
  const lines = [`cell ${name}${c()}`];
  if (o.explicitSpace || chance(rng, 0.5)) lines.push(`  space: darts${c()}`);
  const python = chance(rng, 0.2);
  lines.push(`  normal: ${genotype(rng, python)}${c()}`);
  if (chance(rng, 0.8)) lines.push(`  reduce: ${genotype(rng, python)}${c()}`);
  lines.push(...metrics(rng, c));
  return lines;
}

export interface DocOptions {
  cells?: number;
  eol?: string;
  /** Now and then a NAS-Bench-101 cell over the 7-vertex limit (default true). */
  bigCells?: boolean;
}

/** A document of valid cells of mixed spaces, with comments, blank lines and maybe a `space` line. */
export function genDocument(rng: Rng, o: DocOptions = {}): string {
  const n = o.cells ?? int(rng, 0, 8);
  const lines: string[] = [];
  if (chance(rng, 0.3)) lines.push(comment(rng));
  let fileSpace: SpaceId | undefined;
  if (chance(rng, 0.5)) {
    fileSpace = pick(rng, SPACES);
    lines.push(`space ${fileSpace}${maybeComment(rng)}`);
  }
  for (let i = 0; i < n; i++) {
    if (chance(rng, 0.8)) lines.push('');
    if (chance(rng, 0.1)) lines.push(comment(rng));
    const name = chance(rng, 0.9) ? `c${i}_${ident(rng)}` : ident(rng);
    const space = pick(rng, SPACES);
    const explicitSpace = space !== fileSpace && space === 'nasbench101';
    const maxVertices = o.bigCells !== false && chance(rng, 0.03) ? 30 : 7;
    const cell = space === 'nasbench101' ? genNb101Cell(rng, name, { explicitSpace, maxVertices })
      : space === 'nasbench201' ? genNb201Cell(rng, name, { explicitSpace: fileSpace !== undefined && fileSpace !== space })
        : genDartsCell(rng, name);
    lines.push(...cell);
  }
  const eol = o.eol ?? '\n';
  return lines.join(eol) + (chance(rng, 0.8) ? eol : '');
}

/** Random tokens of the language glued together: reaches parser states valid documents never do. */
export function genTokenSoup(rng: Rng): string {
  const toks = [
    'cell', 'cell ', 'space', 'space ', 'space:', ...KEYS.map((k) => `${k}:`), ...KEYS, ...SPACES, ...NB101_INTERIOR, ...NB201_OPS,
    ...DARTS_OPS, 'input', 'output', '0', '1', '2', '7', '0 1 0', '[', ']', '[[', ']]', ',', ' ', '  ', '    ', '\t', '\n', '\n', '\n  ',
    '\n    ', '\r\n', '\r', '|', '~', '+', '#', ':', '%', '(', ')', "'", '"', '.', '-', 'e', ...HUGE_NUMBERS, ...WEIRD,
  ];
  const n = int(rng, 0, 120);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rng, toks);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Mutators

export type Mutator = (rng: Rng, text: string) => string;

function splitKeep(text: string): string[] {
  return text.split('\n');
}

function pos(rng: Rng, text: string): number {
  return int(rng, 0, text.length);
}

function randomChar(rng: Rng): string {
  return weighted(rng, [
    [4, () => pick(rng, [...' \t#:[],~|+%.-_()\'"0123456789abcdefghijklmnopqrstuvwxyz'])],
    [2, () => pick(rng, WEIRD)],
    [1, () => String.fromCharCode(int(rng, 0, 0xffff))],
    [1, () => String.fromCodePoint(int(rng, 0x10000, 0x10ffff))],
  ] as const)();
}

export const MUTATORS: Record<string, Mutator> = {
  deleteChar: (rng, t) => {
    if (!t) return t;
    const i = int(rng, 0, t.length - 1);
    return t.slice(0, i) + t.slice(i + 1);
  },
  deleteSpan: (rng, t) => {
    const i = pos(rng, t);
    return t.slice(0, i) + t.slice(Math.min(t.length, i + int(rng, 1, 40)));
  },
  insertChar: (rng, t) => {
    const i = pos(rng, t);
    return t.slice(0, i) + randomChar(rng) + t.slice(i);
  },
  duplicateSpan: (rng, t) => {
    const i = pos(rng, t);
    const j = Math.min(t.length, i + int(rng, 1, 60));
    return t.slice(0, j) + t.slice(i, j) + t.slice(j);
  },
  swapChars: (rng, t) => {
    if (t.length < 2) return t;
    const i = int(rng, 0, t.length - 2);
    return t.slice(0, i) + t[i + 1] + t[i] + t.slice(i + 2);
  },
  deleteLine: (rng, t) => {
    const ls = splitKeep(t);
    ls.splice(int(rng, 0, ls.length - 1), 1);
    return ls.join('\n');
  },
  duplicateLine: (rng, t) => {
    const ls = splitKeep(t);
    const i = int(rng, 0, ls.length - 1);
    ls.splice(int(rng, 0, ls.length), 0, ls[i]);
    return ls.join('\n');
  },
  swapLines: (rng, t) => {
    const ls = splitKeep(t);
    const i = int(rng, 0, ls.length - 1);
    const j = int(rng, 0, ls.length - 1);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return ls.join('\n');
  },
  insertLine: (rng, t) => {
    const ls = splitKeep(t);
    const snippets = [
      '', '  ', '\t', 'cell', 'cell ', 'cell x', 'cell x:', 'cell x y', 'cell 9bad', 'space', 'space: darts', 'space nope', 'space darts extra',
      '  ops:', '  matrix:', '  matrix: [', '    [0, 1', '    0 1 0', '  0 1', '  arch:', '  arch: |', '  normal:', '  reduce: none 0',
      '  accuracy:', '  accuracy: 1e309', '  params: -1', '  bogus: 1', 'ops: input output', '    ]', '  # c', '# c', '\t\tops: x',
      `  ${pick(rng, KEYS)}: ${pick(rng, HUGE_NUMBERS)}`, `  ${pick(rng, KEYS)}:${pick(rng, WEIRD)}`,
    ];
    ls.splice(int(rng, 0, ls.length), 0, pick(rng, snippets));
    return ls.join('\n');
  },
  flipDigit: (rng, t) => {
    const idx: number[] = [];
    for (let i = 0; i < t.length; i++) if (t[i] >= '0' && t[i] <= '9') idx.push(i);
    if (!idx.length) return t;
    const i = pick(rng, idx);
    const d = t[i] === '0' ? '1' : t[i] === '1' ? '0' : String(int(rng, 0, 9));
    return t.slice(0, i) + d + t.slice(i + 1);
  },
  insertTab: (rng, t) => {
    const ls = splitKeep(t);
    const i = int(rng, 0, ls.length - 1);
    ls[i] = chance(rng, 0.5) ? '\t' + ls[i] : ls[i].replace(/^ +/, (m) => '\t'.repeat(int(rng, 0, 2)) + m.slice(int(rng, 0, m.length)));
    return ls.join('\n');
  },
  reindent: (rng, t) => {
    const ls = splitKeep(t);
    const i = int(rng, 0, ls.length - 1);
    ls[i] = ' '.repeat(int(rng, 0, 9)) + ls[i].trimStart();
    return ls.join('\n');
  },
  eol: (rng, t) => {
    const e = pick(rng, ['\r\n', '\r', 'mixed']);
    if (e !== 'mixed') return t.replace(/\r\n|\r|\n/g, e);
    return t.replace(/\r\n|\r|\n/g, () => pick(rng, ['\r\n', '\r', '\n']));
  },
  bom: (_rng, t) => '\ufeff' + t,
  unicode: (rng, t) => {
    const i = pos(rng, t);
    return t.slice(0, i) + pick(rng, WEIRD) + t.slice(i);
  },
  hugeNumber: (rng, t) => {
    const m = [...t.matchAll(/\d+(\.\d+)?/g)];
    if (!m.length) return t + pick(rng, HUGE_NUMBERS);
    const hit = pick(rng, m);
    return t.slice(0, hit.index!) + pick(rng, HUGE_NUMBERS) + t.slice(hit.index! + hit[0].length);
  },
  wideRow: (rng, t) => {
    const ls = splitKeep(t);
    const cols = pick(rng, [100, 1000, 10_000]);
    const row = '    ' + Array.from({ length: cols }, () => (chance(rng, 0.5) ? '1' : '0')).join(chance(rng, 0.5) ? ' ' : ', ');
    ls.splice(int(rng, 0, ls.length), 0, chance(rng, 0.3) ? `    [${row.trim()}]` : row);
    return ls.join('\n');
  },
  deepBrackets: (rng, t) => {
    const n = pick(rng, [3, 4, 10, 100, 2000]);
    const i = pos(rng, t);
    const open = '['.repeat(n);
    const close = chance(rng, 0.5) ? ']'.repeat(int(rng, 0, n)) : '';
    return t.slice(0, i) + open + '0' + close + t.slice(i);
  },
  unterminate: (rng, t) => {
    // Cut a line somewhere in its middle, or drop its last bracket / pipe.
    const ls = splitKeep(t);
    const i = int(rng, 0, ls.length - 1);
    const l = ls[i];
    ls[i] = chance(rng, 0.5) ? l.slice(0, int(rng, 0, l.length)) : l.replace(/[\]|)]\s*$/, '');
    return chance(rng, 0.3) ? ls.slice(0, i + 1).join('\n') : ls.join('\n');
  },
  longLine: (rng, t) => {
    const unit = pick(rng, ['x', 'ab ', '0 ', '1,', '|none~0', 'conv3x3-bn-relu ', '#', ':', ' ', '\t', 'é😀']);
    const n = pick(rng, [100, 1000, 20_000]);
    const i = pos(rng, t);
    return t.slice(0, i) + unit.repeat(n) + t.slice(i);
  },
  comment: (rng, t) => {
    const i = pos(rng, t);
    return t.slice(0, i) + pick(rng, [' # x', '#', '# ', ' #:[]', '##']) + t.slice(i);
  },
  corruptKey: (rng, t) => {
    const m = [...t.matchAll(/[A-Za-z_]+(?=:)/g)];
    if (!m.length) return t;
    const hit = pick(rng, m);
    const repl = pick(rng, [...KEYS, 'acuracy', 'Ops', 'matix', 'cell', 'space', 'x', '_', hit[0] + hit[0]]);
    return t.slice(0, hit.index!) + repl + t.slice(hit.index! + hit[0].length);
  },
  corruptOp: (rng, t) => {
    const all = [...NB101_INTERIOR, ...NB201_OPS, ...DARTS_OPS, 'input', 'output'];
    const m = [...t.matchAll(/[a-z_]+[a-z0-9_\-]*\d?x?\d?[a-z\-]*/g)].filter((x) => all.includes(x[0]));
    if (!m.length) return t;
    const hit = pick(rng, m);
    const repl = pick(rng, [...all, 'conv3x3', 'conv_3x3', 'identity', 'zero', 'NONE', '']);
    return t.slice(0, hit.index!) + repl + t.slice(hit.index! + hit[0].length);
  },
};

const MUTATOR_WEIGHTS: [number, string][] = [
  [6, 'deleteChar'], [3, 'deleteSpan'], [6, 'insertChar'], [2, 'duplicateSpan'], [3, 'swapChars'], [4, 'deleteLine'],
  [3, 'duplicateLine'], [3, 'swapLines'], [5, 'insertLine'], [5, 'flipDigit'], [3, 'insertTab'], [3, 'reindent'],
  [2, 'eol'], [1, 'bom'], [3, 'unicode'], [3, 'hugeNumber'], [0.3, 'wideRow'], [1, 'deepBrackets'], [3, 'unterminate'],
  [0.3, 'longLine'], [3, 'comment'], [3, 'corruptKey'], [3, 'corruptOp'],
];

export function mutate(rng: Rng, text: string, rounds = int(rng, 1, 6)): string {
  let t = text;
  for (let k = 0; k < rounds; k++) t = MUTATORS[weighted(rng, MUTATOR_WEIGHTS)](rng, t);
  return t;
}

/** Random bytes decoded as latin1 or utf8 (invalid sequences become U+FFFD). */
export function genBytes(rng: Rng, maxLen = 600): string {
  const n = int(rng, 0, maxLen);
  const b = Buffer.alloc(n);
  const structured = chance(rng, 0.5);
  const alphabet = Buffer.from('cell space ops matrix arch 01:#[],|~+\n\n\r\t  ', 'latin1');
  for (let i = 0; i < n; i++) b[i] = structured && chance(rng, 0.7) ? alphabet[int(rng, 0, alphabet.length - 1)] : int(rng, 0, 255);
  return b.toString(chance(rng, 0.5) ? 'latin1' : 'utf8');
}

export type InputKind = 'valid' | 'mutated' | 'soup' | 'bytes' | 'mutated-soup';

/** The fuzz input of a seed: every failure is reproducible from its seed alone. */
export function inputForSeed(seed: number): { kind: InputKind; text: string; defaultSpace: SpaceId } {
  const rng = mulberry32(seed);
  const defaultSpace = pick(rng, SPACES);
  const kind = weighted<InputKind>(rng, [[2, 'valid'], [10, 'mutated'], [2, 'soup'], [1, 'bytes'], [1, 'mutated-soup']]);
  let text: string;
  switch (kind) {
    case 'valid': text = genDocument(rng, { eol: pick(rng, ['\n', '\n', '\r\n', '\r']) }); break;
    case 'mutated': text = mutate(rng, genDocument(rng)); break;
    case 'soup': text = genTokenSoup(rng); break;
    case 'bytes': text = genBytes(rng); break;
    case 'mutated-soup': text = mutate(rng, genTokenSoup(rng)); break;
  }
  return { kind, text, defaultSpace };
}

// ---------------------------------------------------------------------------------------------
// Invariants

export interface Violation {
  invariant: string;
  detail: string;
}

/**
 * The document's lines as the core defines them (`splitLines`: CRLF, CR or LF). Whether a leading BOM
 * counts as a character of line 0 is the core's decision; ranges are checked against its own lines.
 */
export function docLines(text: string): string[] {
  return splitLines(text);
}

function rangeProblem(r: Range, lines: string[]): string | undefined {
  const ok = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  if (!r || !r.start || !r.end) return 'missing range';
  if (!ok(r.start)) return `start ${JSON.stringify(r.start)} outside the document`;
  if (!ok(r.end)) return `end ${JSON.stringify(r.end)} outside the document`;
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return `start after end ${JSON.stringify(r)}`;
  return undefined;
}

function lineLengths(lines: string[]): string {
  return `(lines: ${lines.length}${lines.length <= 10 ? `, lengths ${JSON.stringify(lines.map((l) => l.length))}` : ''})`;
}

function describeDiag(d: CellDiagnostic): string {
  return `${d.code} ${JSON.stringify(d.range)} ${JSON.stringify(d.message.slice(0, 120))}`;
}

/** Comment texts (from the first `#` to the end of the line, trailing space dropped), sorted. */
export function commentTexts(text: string): string[] {
  const out: string[] = [];
  for (const l of docLines(text)) {
    const h = l.indexOf('#');
    if (h >= 0) out.push(l.slice(h).trimEnd());
  }
  return out.sort();
}

/**
 * Characters the formatter may legitimately drop or add: whitespace, and the separators it normalises
 * (matrix brackets and commas, genotype tuple punctuation, the optional colon after `cell NAME` and
 * `space`). Everything else must survive formatting, character for character.
 */
const IGNORABLE = /[\s,()[\]'":]/u;

export function contentMultiset(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of text) if (!IGNORABLE.test(ch)) m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

function multisetDiff(a: Map<string, number>, b: Map<string, number>): string | undefined {
  const lost: string[] = [];
  const gained: string[] = [];
  for (const [k, n] of a) if ((b.get(k) ?? 0) < n) lost.push(`${JSON.stringify(k)}×${n - (b.get(k) ?? 0)}`);
  for (const [k, n] of b) if ((a.get(k) ?? 0) < n) gained.push(`${JSON.stringify(k)}×${n - (a.get(k) ?? 0)}`);
  if (!lost.length && !gained.length) return undefined;
  return `lost ${lost.slice(0, 10).join(' ') || 'nothing'}; gained ${gained.slice(0, 10).join(' ') || 'nothing'}`;
}

function errorCount(ds: CellDiagnostic[]): number {
  return ds.filter((d) => d.severity === 'error').length;
}

/**
 * Formatting is layout only, so it must not change what a cleanly written cell means: a cell that had
 * a spec, no errors and no syntax errors on its lines keeps the same spec and stays error-free; an
 * error-free document stays error-free. (Counting errors in broken documents is not an invariant:
 * e.g. joining a multi-line `arch:` onto one line legitimately replaces one error by several.)
 */
function checkMeaningKept(before: Analysis, after: Analysis, v: (i: string, d: string) => void) {
  const errors0 = errorCount(before.diagnostics);
  const errors1 = errorCount(after.diagnostics);
  if (errors0 === 0 && errors1 > 0) {
    v('format-broke-clean-doc', `no errors before formatting, ${errors1} after: ${after.diagnostics.filter((d) => d.severity === 'error').slice(0, 3).map(describeDiag).join('; ')}`);
  }
  if (after.cells.length !== before.cells.length) return;
  const syntaxLines = new Set<number>();
  for (const d of before.doc.diagnostics) if (d.severity === 'error') for (let l = d.range.start.line; l <= d.range.end.line; l++) syntaxLines.add(l);
  const dirtyCells = new Set<number>();
  for (const l of syntaxLines) {
    const c = before.doc.lineInfo[l]?.cell ?? -1;
    if (c >= 0) dirtyCells.add(c);
  }
  before.cells.forEach((c, i) => {
    if (!c.spec || dirtyCells.has(i) || errorCount(c.diagnostics) > 0) return;
    const a = after.cells[i];
    const k0 = specKey(c.spec);
    const k1 = a.spec ? specKey(a.spec) : '(no spec)';
    if (k0 !== k1) v('format-changed-valid-cell', `cell ${i} (${c.name}): spec ${k0.slice(0, 120)} became ${k1.slice(0, 120)}`);
    else if (errorCount(a.diagnostics) > 0) v('format-changed-valid-cell', `cell ${i} (${c.name}) gained errors: ${a.diagnostics.filter((d) => d.severity === 'error').slice(0, 3).map(describeDiag).join('; ')}`);
  });
}

/** Applies LSP edits the way a client does (vscode-languageserver-textdocument). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///fuzz.cells', 'cellspec', 0, text), edits);
}

/** Lines of `text` as an LSP client sees them (no BOM special case: the BOM is character 0). */
function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function stackOf(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 8).join('\n') : String(e);
}

export const STAGES = ['parseDocument', 'analyze', 'formatText', 'formatText(formatted)', 'formatEdits', 'analyze(formatted)', 'compare'] as const;
export type Stage = (typeof STAGES)[number];

export interface CheckOptions {
  defaultSpace?: SpaceId;
  /** Called as each stage starts (the fuzz worker publishes it so a hang can be attributed). */
  onStage?: (stage: Stage) => void;
  /** Also run the formatter invariants (idempotence, edits, comments, content, error counts). */
  format?: boolean;
}

/**
 * Runs parser, analyzer and formatter on `text` and returns every invariant that broke (empty when
 * all hold). Never throws: an exception in the core becomes a `throws:*` violation with its stack.
 */
export function checkInvariants(text: string, opts: CheckOptions = {}): Violation[] {
  const out: Violation[] = [];
  const v = (invariant: string, detail: string) => out.push({ invariant, detail });
  const defaultSpace = opts.defaultSpace ?? 'nasbench101';
  const lines = docLines(text);
  const stage = opts.onStage ?? (() => {});

  // Parser and analyzer (analyze parses; its `doc` is the parser's output).
  let original: Analysis | undefined;
  stage('analyze');
  try {
    original = analyze(text, { defaultSpace });
  } catch (e) {
    v('throws:analyze', stackOf(e));
    stage('parseDocument');
    try {
      parseDocument(text);
    } catch (e2) {
      v('throws:parseDocument', stackOf(e2));
    }
  }
  if (original && original.doc.lines.length !== lines.length) v('parse-lines', `parser split ${original.doc.lines.length} lines, splitLines ${lines.length}`);
  if (original) checkAnalysis(original, lines, 'analyze', v);

  if (opts.format === false) return out;

  // Formatter.
  let formatted: string | undefined;
  stage('formatText');
  try {
    formatted = formatText(text);
  } catch (e) {
    v('throws:formatText', stackOf(e));
  }
  if (formatted === undefined) return out;
  stage('formatText(formatted)');
  try {
    const twice = formatText(formatted);
    if (twice !== formatted) v('format-idempotent', firstDifference(formatted, twice));
  } catch (e) {
    v('throws:formatText(formatted)', stackOf(e));
  }
  stage('formatEdits');
  try {
    const edits = formatEdits(text);
    const ll = lspLines(text);
    for (const e of edits) {
      const p = rangeProblem(e.range, ll);
      if (p) v('format-edit-range', `${p} ${lineLengths(ll)}`);
    }
    const applied = applyEdits(text, edits);
    if (applied !== formatted) v('format-edits-apply', `edits ${JSON.stringify(edits).slice(0, 300)}; ${firstDifference(formatted, applied)}`);
  } catch (e) {
    v('throws:formatEdits', stackOf(e));
  }
  stage('compare');
  const c0 = commentTexts(text);
  const c1 = commentTexts(formatted);
  if (c0.join('\u0001') !== c1.join('\u0001')) {
    const missing = c0.filter((c) => !c1.includes(c));
    const extra = c1.filter((c) => !c0.includes(c));
    v('format-comments', `comments changed: ${c0.length} -> ${c1.length}; missing ${JSON.stringify(missing.slice(0, 3))}; new ${JSON.stringify(extra.slice(0, 3))}`);
  }
  const d = multisetDiff(contentMultiset(text), contentMultiset(formatted));
  if (d) v('format-content', d);

  let after: Analysis | undefined;
  stage('analyze(formatted)');
  try {
    after = analyze(formatted, { defaultSpace });
  } catch (e) {
    v('throws:analyze(formatted)', stackOf(e));
  }
  stage('compare');
  if (after && original) {
    checkAnalysis(after, docLines(formatted), 'analyze(formatted)', v);
    if (after.cells.length !== original.cells.length) v('format-cell-count', `${original.cells.length} cells before formatting, ${after.cells.length} after`);
    checkMeaningKept(original, after, v);
  }
  return out;
}

function checkAnalysis(a: Analysis, lines: string[], what: string, v: (i: string, d: string) => void) {
  if (a.cells.length !== a.doc.cells.length) v(`${what}-cells`, `${a.cells.length} analysed cells for ${a.doc.cells.length} parsed`);
  for (const d of a.diagnostics) {
    const p = rangeProblem(d.range, lines);
    if (p) v(`${what}-range`, `${describeDiag(d)}: ${p} ${lineLengths(lines)}`);
    for (const r of d.related ?? []) {
      const q = rangeProblem(r.range, lines);
      if (q) v(`${what}-related-range`, `${describeDiag(d)} related ${JSON.stringify(r.range)}: ${q}`);
    }
    if (!(d.code in DIAGNOSTIC_CODES)) v(`${what}-code`, `unknown code ${JSON.stringify(d.code)}`);
    if (!['error', 'warning', 'information', 'hint'].includes(d.severity)) v(`${what}-severity`, `bad severity ${JSON.stringify(d.severity)}`);
    if (typeof d.message !== 'string' || d.message === '') v(`${what}-message`, `empty message for ${d.code}`);
  }
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at offset ${i}: expected ${JSON.stringify(a.slice(Math.max(0, i - 30), i + 30))}, got ${JSON.stringify(b.slice(Math.max(0, i - 30), i + 30))}`;
}

/** JSON of `s`, cut to `max` characters, for failure messages. */
export function preview(s: string, max = 600): string {
  const j = JSON.stringify(s);
  return j.length > max ? `${j.slice(0, max)}... (${s.length} chars)` : j;
}

/** Drops lines, then characters, while `fails` still holds: a smaller input for a report. */
export function shrink(text: string, fails: (t: string) => boolean, budgetMs = 2000): string {
  const deadline = Date.now() + budgetMs;
  let cur = text;
  let changed = true;
  while (changed && Date.now() < deadline) {
    changed = false;
    const ls = cur.split('\n');
    for (let i = 0; i < ls.length && Date.now() < deadline; i++) {
      const cand = [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n');
      if (cand !== cur && fails(cand)) {
        cur = cand;
        changed = true;
        break;
      }
    }
    if (changed) continue;
    for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1 && !changed && Date.now() < deadline; chunk >>= 1) {
      for (let i = 0; i + chunk <= cur.length && Date.now() < deadline; i += chunk) {
        const cand = cur.slice(0, i) + cur.slice(i + chunk);
        if (fails(cand)) {
          cur = cand;
          changed = true;
          break;
        }
      }
    }
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Running and reporting

export interface Failure {
  /** The seed that regenerates the input (`inputForSeed`), or a name for a hand-written case. */
  seed: number | string;
  kind: string;
  text: string;
  defaultSpace: SpaceId;
  violations: Violation[];
}

/** Checks the input of one seed; undefined when every invariant held. */
export function runSeed(seed: number): Failure | undefined {
  const { kind, text, defaultSpace } = inputForSeed(seed);
  const violations = checkInvariants(text, { defaultSpace });
  return violations.length ? { seed, kind, text, defaultSpace, violations } : undefined;
}

/** Groups failures by invariant; for each, the smallest failing input, shrunk, with its seed. */
export function summarize(failures: Failure[], shrinkMs = 1000): string {
  const byInvariant = new Map<string, { f: Failure; v: Violation }[]>();
  for (const f of failures) {
    for (const v of f.violations) {
      const l = byInvariant.get(v.invariant) ?? [];
      l.push({ f, v });
      byInvariant.set(v.invariant, l);
    }
  }
  const parts: string[] = [`${failures.length} failing input(s), ${byInvariant.size} invariant(s) broken:`];
  for (const [invariant, hits] of byInvariant) {
    const { f, v } = hits.reduce((a, b) => (b.f.text.length < a.f.text.length ? b : a));
    const fails = (t: string) => checkInvariants(t, { defaultSpace: f.defaultSpace }).some((x) => x.invariant === invariant);
    // A hang cannot be shrunk in-thread; huge inputs are too slow to shrink.
    const small = invariant !== 'hang' && f.text.length <= 50_000 ? shrink(f.text, fails, shrinkMs) : f.text;
    const smallDetail = small === f.text ? v.detail
      : checkInvariants(small, { defaultSpace: f.defaultSpace }).find((x) => x.invariant === invariant)?.detail ?? v.detail;
    parts.push([
      `- ${invariant}: ${hits.length} hit(s); smallest at seed ${f.seed} (${f.kind}, defaultSpace ${f.defaultSpace})`,
      `    input:  ${preview(f.text)}`,
      `    detail: ${v.detail.slice(0, 800).replace(/\n/g, '\n            ')}`,
      `    shrunk: ${preview(small)}`,
      `    shrunk detail: ${smallDetail.slice(0, 800).replace(/\n/g, '\n            ')}`,
    ].join('\n'));
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Hang-proof runner: the checks run in a worker thread; the main thread watches a shared counter
// and, when one input runs longer than `hangMs`, records a `hang` failure (with the stage it was
// in), kills the worker and starts a fresh one after that input.

export interface NamedInput {
  name: string;
  text: string;
  defaultSpace: SpaceId;
}

export type FuzzSource =
  | { seeds: { first: number; count?: number; seconds?: number } }
  | { inputs: NamedInput[] };

export interface RunOptions {
  /** An input that takes longer than this is reported as a hang (default 10 s). */
  hangMs?: number;
  /** Called about every `progressMs` with the number of inputs checked so far. */
  onProgress?: (iterations: number) => void;
  progressMs?: number;
  onFailure?: (f: Failure) => void;
}

export interface RunResult {
  iterations: number;
  failures: Failure[];
  ms: number;
}

interface WorkerTask {
  source: FuzzSource;
  /** Index (into the seeds or inputs) to start from, after a restart. */
  start: number;
  /** Absolute end time for time-boxed seed runs. */
  deadline?: number;
  shared: SharedArrayBuffer;
}

type WorkerMessage = { failure: Failure } | { done: number };

/** Slots of the shared Int32Array: current index, current stage, inputs finished. */
const SLOT_INDEX = 0;
const SLOT_STAGE = 1;
const SLOT_DONE = 2;

/** The loop run inside the worker (exported so the worker's bootstrap can call it). */
export function fuzzWorkerMain(task: WorkerTask): void {
  const port = parentPort!;
  const shared = new Int32Array(task.shared);
  const onStage = (s: Stage) => Atomics.store(shared, SLOT_STAGE, STAGES.indexOf(s));
  const src = task.source;
  for (let i = task.start; ; i++) {
    let input: { name: number | string; kind: string; text: string; defaultSpace: SpaceId };
    if ('seeds' in src) {
      if (src.seeds.count !== undefined && i >= src.seeds.count) break;
      if (task.deadline !== undefined && Date.now() >= task.deadline) break;
      const seed = (src.seeds.first + i) >>> 0;
      const g = inputForSeed(seed);
      input = { name: seed, ...g };
    } else {
      if (i >= src.inputs.length) break;
      const n = src.inputs[i];
      input = { name: n.name, kind: 'targeted', text: n.text, defaultSpace: n.defaultSpace };
    }
    Atomics.store(shared, SLOT_INDEX, i);
    const violations = checkInvariants(input.text, { defaultSpace: input.defaultSpace, onStage });
    Atomics.store(shared, SLOT_DONE, i + 1);
    if (violations.length) {
      const failure: Failure = { seed: input.name, kind: input.kind, text: input.text, defaultSpace: input.defaultSpace, violations };
      port.postMessage({ failure } satisfies WorkerMessage);
    }
  }
  port.postMessage({ done: Atomics.load(shared, SLOT_DONE) } satisfies WorkerMessage);
}

function inputAt(source: FuzzSource, i: number): { name: number | string; kind: string; text: string; defaultSpace: SpaceId } {
  if ('seeds' in source) {
    const seed = (source.seeds.first + i) >>> 0;
    return { name: seed, ...inputForSeed(seed) };
  }
  const n = source.inputs[i];
  return { name: n.name, kind: 'targeted', text: n.text, defaultSpace: n.defaultSpace };
}

function startWorker(task: WorkerTask): Worker {
  const bootstrap = [
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `const { workerData } = require('node:worker_threads');`,
    `require(${JSON.stringify(__filename)}).fuzzWorkerMain(workerData);`,
  ].join('\n');
  return new Worker(bootstrap, { eval: true, workerData: task });
}

/** Checks the inputs of `source` in a worker, surviving hangs; resolves when all are done. */
export function runFuzz(source: FuzzSource, o: RunOptions = {}): Promise<RunResult> {
  const hangMs = o.hangMs ?? 10_000;
  const started = Date.now();
  const deadline = 'seeds' in source && source.seeds.seconds !== undefined ? started + source.seeds.seconds * 1000 : undefined;
  const failures: Failure[] = [];
  const shared = new SharedArrayBuffer(4 * 3);
  const view = new Int32Array(shared);
  let finishedBefore = 0;
  return new Promise((resolve) => {
    const launch = (start: number) => {
      Atomics.store(view, SLOT_INDEX, start);
      Atomics.store(view, SLOT_STAGE, -1);
      Atomics.store(view, SLOT_DONE, start);
      const worker = startWorker({ source, start, deadline, shared });
      let lastIndex = -1;
      let lastChange = Date.now();
      let lastProgress = Date.now();
      let over = false;
      const finish = (iterations: number) => {
        over = true;
        clearInterval(watch);
        void worker.terminate();
        resolve({ iterations, failures, ms: Date.now() - started });
      };
      const watch = setInterval(() => {
        const idx = Atomics.load(view, SLOT_INDEX);
        const done = Atomics.load(view, SLOT_DONE);
        const now = Date.now();
        if (o.onProgress && now - lastProgress >= (o.progressMs ?? 5000)) {
          lastProgress = now;
          o.onProgress(finishedBefore + done - start);
        }
        if (idx !== lastIndex || done > idx) {
          lastIndex = idx;
          lastChange = now;
          return;
        }
        if (now - lastChange < hangMs) return;
        // Stuck on input `idx`.
        over = true;
        clearInterval(watch);
        const stage = STAGES[Atomics.load(view, SLOT_STAGE)] ?? '(starting)';
        void worker.terminate();
        const inp = inputAt(source, idx);
        const f: Failure = {
          seed: inp.name, kind: inp.kind, text: inp.text, defaultSpace: inp.defaultSpace,
          violations: [{ invariant: 'hang', detail: `still in ${stage} after ${now - lastChange} ms (${inp.text.length} chars)` }],
        };
        failures.push(f);
        o.onFailure?.(f);
        finishedBefore += idx + 1 - start;
        const more = 'seeds' in source
          ? (source.seeds.count === undefined || idx + 1 < source.seeds.count) && (deadline === undefined || Date.now() < deadline)
          : idx + 1 < source.inputs.length;
        if (more) launch(idx + 1);
        else resolve({ iterations: finishedBefore, failures, ms: Date.now() - started });
      }, 100);
      worker.on('message', (m: WorkerMessage) => {
        if ('failure' in m) {
          failures.push(m.failure);
          o.onFailure?.(m.failure);
        } else finish(finishedBefore + m.done - start);
      });
      worker.on('error', (e) => {
        if (over) return;
        failures.push({ seed: 'worker', kind: 'error', text: '', defaultSpace: 'nasbench101', violations: [{ invariant: 'worker-error', detail: stackOf(e) }] });
        finish(finishedBefore + Atomics.load(view, SLOT_DONE) - start);
      });
    };
    launch(0);
  });
}
