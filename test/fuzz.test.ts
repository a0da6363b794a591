/**
 * Fuzz tests of the pure core: parser, analyzer and formatter must never throw or hang, must keep
 * diagnostic ranges inside the document, and the formatter must be idempotent, lossless and
 * agree with its own edits. Seeds are fixed: a failure prints its seed, and
 * `inputForSeed(seed)` (test/helpers/fuzzgen.ts) regenerates the input.
 *
 * FUZZ_SEEDS=N changes the number of random inputs (default 3000); `npm run fuzz` is the long run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/core/analyze';
import type { SpaceId } from '../server/src/core/spaces';
import {
  SPACES, checkInvariants, genDartsCell, genDocument, genNb101Cell, genNb201Cell, inputForSeed, mulberry32, preview, runFuzz,
  summarize, type Failure, type NamedInput,
} from './helpers/fuzzgen';

const SEEDS = Number(process.env.FUZZ_SEEDS ?? 3000);
const BASE_SEED = 0x5eed_0000;
/** Far beyond what linear work on these inputs needs (milliseconds): only a real hang trips it. */
const HANG_MS = 5000;

function assertInvariants(name: string, text: string, defaultSpace: SpaceId = 'nasbench101', format = true) {
  const violations = checkInvariants(text, { defaultSpace, format });
  if (violations.length) {
    const f: Failure = { seed: name, kind: 'targeted', text, defaultSpace, violations };
    assert.fail(`${name}:\n${summarize([f], text.length > 10_000 ? 0 : 1000)}`);
  }
}

test(`fuzz: ${SEEDS} random, mutated and garbage documents keep the core invariants`, async () => {
  // In a worker, so an input that hangs is reported (with its seed and stage) instead of stalling the suite.
  const { failures, iterations } = await runFuzz({ seeds: { first: BASE_SEED, count: SEEDS } }, { hangMs: HANG_MS });
  assert.equal(iterations, SEEDS);
  if (failures.length) {
    const report = summarize(failures);
    console.error(report);
    assert.fail(`${report}\n\nReproduce with inputForSeed(SEED) from test/helpers/fuzzgen.ts.`);
  }
});

test('fuzz generator: documents of valid cells analyse without errors in every default space', () => {
  for (let i = 0; i < 150; i++) {
    const seed = BASE_SEED + 1_000_000 + i;
    const text = genDocument(mulberry32(seed), { bigCells: false });
    for (const defaultSpace of SPACES) {
      const errors = analyze(text, { defaultSpace }).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => `${d.code} ${d.message}`), [], `seed ${seed}, defaultSpace ${defaultSpace}, input ${preview(text)}`);
    }
  }
});

test('fuzz generator: inputs are a pure function of the seed', () => {
  for (const seed of [1, 2, 3, BASE_SEED, 0xffffffff]) assert.deepEqual(inputForSeed(seed), inputForSeed(seed));
});

/** Hand-picked and previously minimised inputs; each is checked against every invariant. */
const TRICKY: Record<string, string> = {
  'empty': '',
  'only BOM': '\ufeff',
  'BOM then cell': '\ufeffcell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n',
  'lone CR and CRLF mixed': '\nt\r\n',
  'CR first then CRLF': 'cell a\r  ops: input output\r\n  matrix: [[0,1],[0,0]]\n',
  'NUL and surrogates': 'cell a\u0000\n  ops: input \ud83d output\ude00\n  matrix:\n    0 1\n    0 0 \udfff\n',
  'inconsistent property indentation': 'cell\n\t  p:\n  f:|',
  'matrix row at key indentation after odd indent': 'cell\n\t  e:\n   1',
  'invalid line that becomes a continuation once reindented': 'cell\n\t  e:1\n   1',
  'arch source missing at end of line': 'cell\narch:++0|t|~',
  'empty bracket matrix': 'cell\n matrix:[]',
  'empty bracket row': 'cell a\n  ops: input a output\n  matrix: [[0,1,1],[],[0,0,0]]\n',
  'row inside a row': 'cell\n matrix:[0[0]]',
  'deep brackets': `cell a\n  matrix: ${'['.repeat(2000)}0${']'.repeat(2000)}\n`,
  'unbalanced deep brackets': `cell a\n  matrix: ${'['.repeat(2000)}0\n`,
  'huge numbers': 'cell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n  accuracy: 1e309\n  params: 99999999999999999999\n  flops: -1e309\n  train_seconds: 1e-400\n',
  'multi-line arch': 'cell\n arch:|\n  0',
  'colons everywhere': 'cell: :\nspace: :\n  ::\n:',
  'tabs only': '\t\n\t\t\n\t',
  'property at column 0': 'cell a\nops: input output\nmatrix:\n0 1\n0 0\n',
  'comment-only continuation': 'cell a\n  ops: input\n    # c\n    output\n  matrix:\n    0 1 # r0\n    # between\n    0 0\n',
  'python genotype': "cell d\n  normal: [('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)]\n",
  'comment on the closing bracket line of a multi-line matrix': 'cell\nmatrix:[\n [0]\n ]#',
  'BOM line then an indented cell keyword': '\ufeff\n cell',
  'line separators': 'cell a\u2028\n  ops:\u2029input output\u0085\n  matrix:\u00a0[[0,1],[0,0]]\f\n',
};

for (const [name, text] of Object.entries(TRICKY)) {
  test(`fuzz corpus: ${name}`, () => {
    for (const space of SPACES) assertInvariants(name, text, space);
  });
}

test('a 50,000-cell file analyses completely', () => {
  // A pool of distinct cells of every space, repeated under fresh names: realistic size without
  // spending the test's budget on hashing 50,000 distinct graphs.
  const rng = mulberry32(BASE_SEED + 7);
  const pool: string[][] = [];
  for (let i = 0; i < 300; i++) {
    const gen = [genNb101Cell, genNb201Cell, genDartsCell][i % 3];
    pool.push(gen(rng, 'x', { explicitSpace: true, comments: 0 }).slice(1));
  }
  const lines: string[] = [];
  for (let i = 0; i < 50_000; i++) lines.push(`cell c${i}`, ...pool[i % pool.length]);
  const text = lines.join('\n') + '\n';
  const a = analyze(text);
  assert.equal(a.cells.length, 50_000);
  assert.equal(a.cells.filter((c) => c.spec).length, 50_000);
  assert.equal(a.doc.cells.length, 50_000);
});

test('a matrix row with 10,000 columns', () => {
  const rng = mulberry32(BASE_SEED + 8);
  const row = Array.from({ length: 10_000 }, () => (rng() < 0.5 ? '0' : '1'));
  const head = 'cell wide\n  ops: input conv3x3-bn-relu output\n  matrix:\n';
  assertInvariants('10,000 columns', `${head}    ${row.join(' ')}\n    0 0 1\n    0 0 0\n`);
  assertInvariants('10,000 columns, brackets', `${head}    [${row.join(', ')}]\n    [0, 0, 1]\n`);
  assertInvariants('10,000 columns, inline', `cell wide\n  matrix: [[${row.join(',')}]]\n`);
  assertInvariants('10,000 ops', `cell wide\n  ops: ${Array(10_000).fill('maxpool3x3').join(' ')}\n  matrix:\n    ${row.join(' ')}\n`);
});

const MB = 1 << 20;
const ONE_MB_LINES: Record<string, string> = {
  'garbage at column 0': 'x'.repeat(MB),
  'cell name': `cell ${'a'.repeat(MB)}\n  ops: input output\n`,
  'comment': `# ${'é😀 '.repeat(MB / 4)}\n`,
  'ops': `cell a\n  ops: ${'conv3x3-bn-relu '.repeat(MB / 16)}\n`,
  'arch': `cell a\n  arch: ${'|none~0|+'.repeat(MB / 9)}\n`,
  'genotype': `cell a\n  normal: ${'sep_conv_3x3 0, '.repeat(MB / 16)}\n`,
  'number': `cell a\n  accuracy: ${'9'.repeat(MB)}\n`,
  'unknown key': `cell a\n  ${'k'.repeat(MB)}: 1\n`,
  'matrix row': `cell a\n  ops: input output\n  matrix: ${'0 '.repeat(MB / 2)}\n`,
};

for (const [name, text] of Object.entries(ONE_MB_LINES)) {
  test(`a 1 MB single line: ${name}`, () => assertInvariants(`1 MB ${name}`, text));
}

test('binary garbage', () => {
  const rng = mulberry32(BASE_SEED + 9);
  const bytes = Buffer.alloc(256 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
  assertInvariants('256 KB random bytes as latin1', bytes.toString('latin1'));
  assertInvariants('256 KB random bytes as utf8', bytes.toString('utf8'));
  // Every UTF-16 code unit, lone surrogates included, one per line and all on one line.
  const all = Array.from({ length: 0x10000 }, (_, i) => String.fromCharCode(i));
  assertInvariants('every code unit, one per line', all.join('\n'));
  assertInvariants('every code unit, one line', `cell a\n  ops: ${all.join('')}\n`);
});

/** Inputs that make superlinear code paths show; each must finish (checked in a worker, see HANG_MS). */
function pathological(): NamedInput[] {
  const dense = (n: number) => {
    const ops = ['input', ...Array(n - 2).fill('conv3x3-bn-relu'), 'output'];
    const rows = Array.from({ length: n }, (_, i) => `    ${Array.from({ length: n }, (_, j) => (j > i ? '1' : '0')).join(' ')}`);
    return `cell big\n  ops: ${ops.join(' ')}\n  matrix:\n${rows.join('\n')}\n`;
  };
  const gap = ' '.repeat(300_000);
  const inputs: Record<string, string> = {
    'whitespace run inside a top-level line': `x${gap}x\n`,
    'whitespace run inside a property value': `cell a\n  ops: input${gap}output\n`,
    'whitespace run inside a matrix row': `cell a\n  matrix:\n    0${gap}1\n`,
    'tab run before a comment': `cell a\n  ops: input output${'\t'.repeat(300_000)}# c\n`,
    'one 20,000-character matrix entry among short ones': `cell a\n  ops: input x y output\n  matrix:\n${Array.from({ length: 4 }, (_, i) => `    ${i === 1 ? 'z'.repeat(20_000) : '0'} 0 0 0`).join('\n')}\n`,
    'dense 300-vertex NAS-Bench-101 matrix': dense(300),
    '100,000 nested brackets': `cell a\n  matrix: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    '100,000 lines of one cell': `cell a\n  ops: input output\n  matrix:\n${'    0 0\n'.repeat(100_000)}`,
    '100,000 tiny invalid lines': 'x\n'.repeat(100_000),
    '20,000 duplicate keys': `cell a\n${'  ops: input output\n'.repeat(20_000)}`,
    '20,000 unknown ops': `cell a\n  ops: ${Array.from({ length: 20_000 }, (_, i) => `op${i}`).join(' ')}\n`,
  };
  return Object.entries(inputs).map(([name, text]) => ({ name, text, defaultSpace: 'nasbench101' }));
}

test('pathological inputs finish (no hang, no throw) and keep the invariants', async () => {
  const inputs = pathological();
  const { failures, iterations } = await runFuzz({ inputs }, { hangMs: HANG_MS });
  assert.equal(iterations, inputs.length);
  if (failures.length) assert.fail(summarize(failures, 0));
});
