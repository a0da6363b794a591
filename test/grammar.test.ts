import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const root = path.resolve(__dirname, '..');
const grammarPath = path.join(root, 'syntaxes', 'cellspec.tmLanguage.json');
const SCOPE = 'source.cellspec';

// Scope names chosen by the grammar (asserted exactly below).
const S = {
  comment: 'comment.line.number-sign.cellspec',
  commentPunct: 'punctuation.definition.comment.cellspec',
  spaceKeyword: 'keyword.control.space.cellspec',
  cellKeyword: 'storage.type.cell.cellspec',
  cellName: 'entity.name.type.cell.cellspec',
  spaceName: 'constant.language.space.cellspec',
  key: 'support.type.property-name.cellspec',
  colon: 'punctuation.separator.key-value.cellspec',
  op: 'support.function.op.cellspec',
  int: 'constant.numeric.integer.cellspec',
  float: 'constant.numeric.float.cellspec',
  percent: 'keyword.other.unit.percent.cellspec',
  edge: 'punctuation.separator.edge.cellspec',
  node: 'punctuation.separator.node.cellspec',
  input: 'punctuation.separator.input.cellspec',
  open: 'punctuation.section.brackets.begin.cellspec',
  close: 'punctuation.section.brackets.end.cellspec',
  comma: 'punctuation.separator.comma.cellspec',
} as const;

const OPS = {
  nasbench101: ['input', 'output', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'],
  nasbench201: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'],
  darts: [
    'none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect',
    'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5',
  ],
} as const;

interface Tok {
  text: string;
  scopes: string[];
}

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

function loadGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === SCOPE
          ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
          : null,
    });
    const g = await registry.loadGrammar(SCOPE);
    assert.ok(g, 'grammar failed to load');
    return g;
  })();
  return grammarPromise;
}

async function tokenize(text: string): Promise<Tok[][]> {
  const grammar = await loadGrammar();
  let stack = vsctm.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

async function line(text: string): Promise<Tok[]> {
  const [toks] = await tokenize(text);
  assert.ok(toks);
  return toks;
}

/** Scopes of the `nth` token whose text is exactly `text` (fails if the text is not its own token). */
function scopesOf(toks: Tok[], text: string, nth = 0): string[] {
  const hits = toks.filter((t) => t.text === text);
  const hit = hits[nth];
  assert.ok(hit, `no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(toks.map((t) => t.text))}`);
  return hit.scopes;
}

/** Innermost scope of a token. */
function scope(toks: Tok[], text: string, nth = 0): string {
  const s = scopesOf(toks, text, nth);
  return s[s.length - 1]!;
}

test('grammar JSON has scopeName source.cellspec', () => {
  const json = JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as { scopeName: string };
  assert.equal(json.scopeName, SCOPE);
});

test('file-level space line with trailing comment', async () => {
  const toks = await line('space nasbench101                 # default space for the cells below');
  assert.equal(scope(toks, 'space'), S.spaceKeyword);
  assert.equal(scope(toks, 'nasbench101'), S.spaceName);
  assert.equal(scope(toks, '#'), S.commentPunct);
  assert.deepEqual(scopesOf(toks, ' default space for the cells below').slice(-1), [S.comment]);
  assert.equal(scopesOf(toks, '#').includes(S.comment), true);
});

test('file-level `space: x` form', async () => {
  const toks = await line('space: darts');
  assert.equal(scope(toks, 'space'), S.spaceKeyword);
  assert.equal(scope(toks, ':'), S.colon);
  assert.equal(scope(toks, 'darts'), S.spaceName);
});

test('cell header: keyword and name', async () => {
  const toks = await line('cell resnet_like');
  assert.equal(scope(toks, 'cell'), S.cellKeyword);
  assert.equal(scope(toks, 'resnet_like'), S.cellName);
  const withComment = await line('cell nb201_best  # best one');
  assert.equal(scope(withComment, 'nb201_best'), S.cellName);
  assert.equal(scope(withComment, '#'), S.commentPunct);
});

test('ops line: key, colon, ops', async () => {
  const toks = await line('  ops: input conv3x3-bn-relu conv3x3-bn-relu maxpool3x3 output');
  assert.equal(scope(toks, 'ops'), S.key);
  assert.equal(scope(toks, ':'), S.colon);
  assert.equal(scope(toks, 'input'), S.op);
  assert.equal(scope(toks, 'conv3x3-bn-relu', 0), S.op);
  assert.equal(scope(toks, 'conv3x3-bn-relu', 1), S.op);
  assert.equal(scope(toks, 'maxpool3x3'), S.op);
  assert.equal(scope(toks, 'output'), S.op);
});

test('unknown identifiers in values stay plain; unknown keys are still keys', async () => {
  const toks = await line('  ops: input conv5x5 conv3x3-bn-relu-x output');
  const plain = toks.filter((t) => t.text.includes('conv5x5') || t.text.includes('conv3x3-bn-relu-x'));
  assert.ok(plain.length > 0);
  for (const t of plain) {
    assert.ok(!t.scopes.some((s) => s.startsWith('support.function') || s.startsWith('constant.numeric')), t.text);
  }
  const unknownKey = await line('  acuracy: 93.1');
  assert.equal(scope(unknownKey, 'acuracy'), S.key);
  assert.equal(scope(unknownKey, ':'), S.colon);
  assert.equal(scope(unknownKey, '93.1'), S.float);
});

test('per-cell space key', async () => {
  const toks = await line('  space: nasbench201');
  assert.equal(scope(toks, 'space'), S.key);
  assert.equal(scope(toks, ':'), S.colon);
  assert.equal(scope(toks, 'nasbench201'), S.spaceName);
});

test('metrics: numbers, percent suffix, comment after a value', async () => {
  const toks = await line('  accuracy: 93.12                 # optional measured metrics (percent)');
  assert.equal(scope(toks, 'accuracy'), S.key);
  assert.equal(scope(toks, '93.12'), S.float);
  assert.equal(scope(toks, '#'), S.commentPunct);
  assert.ok(scopesOf(toks, ' optional measured metrics (percent)').includes(S.comment));

  const pct = await line('  val_accuracy: 91.5%');
  assert.equal(scope(pct, 'val_accuracy'), S.key);
  assert.equal(scope(pct, '91.5'), S.float);
  assert.equal(scope(pct, '%'), S.percent);

  const ints = await line('  params: 2694282  # count');
  assert.equal(scope(ints, 'params'), S.key);
  assert.equal(scope(ints, '2694282'), S.int);
  assert.equal(scope(ints, '#'), S.commentPunct);
});

test('block matrix: rows of numbers and a bracketed row', async () => {
  const doc = await tokenize(['  matrix:', '    0 1 0 0 1', '    [0, 0, 0, 1, 0]  # row 2'].join('\n'));
  const [head, row, bracketed] = doc as [Tok[], Tok[], Tok[]];
  assert.equal(scope(head, 'matrix'), S.key);
  assert.equal(scope(head, ':'), S.colon);
  assert.equal(scope(row, '0', 0), S.int);
  assert.equal(scope(row, '1', 1), S.int);
  assert.equal(scope(bracketed, '['), S.open);
  assert.equal(scope(bracketed, ']'), S.close);
  assert.equal(scope(bracketed, ','), S.comma);
  assert.equal(scope(bracketed, ',', 3), S.comma);
  assert.equal(scope(bracketed, '1'), S.int);
  assert.equal(scope(bracketed, '#'), S.commentPunct);
});

test('inline matrix with nested brackets', async () => {
  const toks = await line('  matrix: [[0,1],[0,0]]');
  assert.equal(scope(toks, 'matrix'), S.key);
  assert.equal(scope(toks, '[', 0), S.open);
  assert.equal(scope(toks, '[', 1), S.open);
  assert.equal(scope(toks, '[', 2), S.open);
  assert.equal(scope(toks, ']', 0), S.close);
  assert.equal(scope(toks, ']', 2), S.close);
  assert.equal(scope(toks, ',', 1), S.comma);
  assert.equal(scope(toks, '1'), S.int);
  assert.equal(scope(toks, '0', 2), S.int);
});

test('NB201 arch string: punctuation, ops, source indices', async () => {
  const toks = await line(
    '  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
  );
  assert.equal(scope(toks, 'arch'), S.key);
  assert.equal(scope(toks, '|', 0), S.edge);
  assert.equal(scope(toks, '+', 0), S.node);
  assert.equal(scope(toks, '~', 0), S.input);
  assert.equal(scope(toks, '0', 0), S.int);
  assert.equal(scope(toks, '2'), S.int);
  assert.equal(scope(toks, 'nor_conv_3x3'), S.op);
  assert.equal(scope(toks, 'skip_connect'), S.op);
  assert.equal(scope(toks, 'nor_conv_1x1'), S.op);
  // no `3x3` digits leak out of op names as numbers
  assert.equal(toks.filter((t) => t.scopes.includes(S.int)).length, 6);
});

test('DARTS genotype: ops, input indices, commas', async () => {
  const toks = await line('  reduce: max_pool_3x3 0, max_pool_3x3 1, skip_connect 2  # reduction cell');
  assert.equal(scope(toks, 'reduce'), S.key);
  assert.equal(scope(toks, 'max_pool_3x3', 1), S.op);
  assert.equal(scope(toks, 'skip_connect'), S.op);
  assert.equal(scope(toks, '0'), S.int);
  assert.equal(scope(toks, '2'), S.int);
  assert.equal(scope(toks, ',', 1), S.comma);
  assert.equal(scope(toks, '#'), S.commentPunct);
});

test('whole-line comments, indented or not', async () => {
  for (const src of ['# top comment', '    # indented comment: ops input']) {
    const toks = await line(src);
    assert.equal(scope(toks, '#'), S.commentPunct);
    for (const t of toks.filter((x) => x.text.trim() !== '')) assert.ok(t.scopes.includes(S.comment), t.text);
  }
});

test('CRLF and LF text tokenize identically (no stray \\r in tokens)', async () => {
  const lines = [
    'space nasbench101  # default',
    '',
    'cell a',
    '  ops: input conv1x1-bn-relu output',
    '  matrix:',
    '    [0, 1, 1]',
    '    0 0 1',
    '    0 0 0',
    '  accuracy: 90.5%',
  ];
  const lf = await tokenize(lines.join('\n'));
  const crlf = await tokenize(lines.join('\r\n'));
  assert.deepEqual(crlf, lf);
  for (const t of crlf.flat()) assert.ok(!t.text.includes('\r'));
  // scopes carry across lines correctly: the matrix row after `matrix:` is still numbers
  assert.equal(scope(lf[6]!, '1'), S.int);
  assert.equal(scope(lf[2]!, 'a'), S.cellName);
});

test('every op name of every space is scoped as an op', async () => {
  for (const [space, ops] of Object.entries(OPS)) {
    const key = space === 'nasbench101' ? 'ops' : space === 'nasbench201' ? 'arch' : 'normal';
    const src =
      key === 'ops'
        ? `  ops: ${ops.join(' ')}`
        : key === 'arch'
          ? `  arch: |${ops.map((o, i) => `${o}~${i}`).join('|+|')}|`
          : `  normal: ${ops.map((o, i) => `${o} ${i}`).join(', ')}`;
    const toks = await line(src);
    for (const op of ops) {
      assert.equal(scope(toks, op), S.op, `${space} op ${op} in ${key}:`);
      assert.deepEqual(scopesOf(toks, op), [SCOPE, 'meta.property.cellspec', S.op]);
    }
  }
});

test('the example file tokenizes with every op and space recognised', async () => {
  const example = path.join(root, 'examples', 'getting-started.cells');
  if (!fs.existsSync(example)) return;
  const doc = await tokenize(fs.readFileSync(example, 'utf8'));
  const all = doc.flat();
  assert.ok(all.some((t) => t.scopes.includes(S.cellName) && t.text === 'resnet_like'));
  assert.ok(all.some((t) => t.scopes.includes(S.spaceName) && t.text === 'darts'));
  assert.ok(all.filter((t) => t.scopes.includes(S.op)).length >= 20);
});
