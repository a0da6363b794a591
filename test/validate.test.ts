import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import { DIAGNOSTIC_CODES } from '../server/src/core/diagnostics';
import { REPO } from './helpers/shared';

/** `line:col-endCol severity code` (1-based like the CLI), for compact exact assertions. */
function diags(text: string) {
  return analyze(text).diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1} ${d.severity} ${d.code}`);
}
function only(text: string, code: string) {
  const all = analyze(text).diagnostics;
  const hit = all.filter((d) => d.code === code);
  assert.ok(hit.length > 0, `expected ${code}, got ${all.map((d) => d.code).join(', ') || 'nothing'}`);
  return hit;
}

const NB101 = (ops: string, rows: string[], extra = '') => `cell c\n  ops: ${ops}\n  matrix:\n${rows.map((r) => '    ' + r).join('\n')}\n${extra}`;

describe('validation', () => {
  test('the shipped examples are valid', () => {
    for (const f of ['getting-started.cells', 'nasbench101.cells', 'nasbench201.cells', 'darts.cells']) {
      const a = analyze(readFileSync(join(REPO, 'examples', f), 'utf8'));
      assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`), [], f);
    }
  });

  test('syntax errors are located and do not hide later cells', () => {
    const text = 'cell a\n  ops input output\n  matrix:\n    0 1\n    0 0\nwhat is this\ncell b\n  ops: input conv3x3 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n';
    assert.deepEqual(diags(text), [
      '1:6-7 error missing-key',
      '2:3-19 error syntax',
      '6:1-13 error syntax',
      '8:14-21 error unknown-op',
    ]);
    const op = only(text, 'unknown-op')[0];
    assert.deepEqual(op.fix, { kind: 'replace', replacement: 'conv3x3-bn-relu' });
  });

  test('unknown ops suggest the closest valid name, including names from other libraries', () => {
    const cases: [string, string][] = [['conv3x3-bn-rlu', 'conv3x3-bn-relu'], ['nor_conv_3x3', 'conv3x3-bn-relu'], ['max_pool_3x3', 'maxpool3x3'], ['ReLUConvBN1x1', 'conv1x1-bn-relu']];
    for (const [bad, good] of cases) {
      const d = only(NB101(`input ${bad} output`, ['0 1 0', '0 0 1', '0 0 0']), 'unknown-op')[0];
      assert.deepEqual(d.fix, { kind: 'replace', replacement: good }, bad);
    }
    const other = only(NB101('input nor_conv_3x3 output', ['0 1 0', '0 0 1', '0 0 0']), 'unknown-op')[0];
    assert.match(other.message, /NAS-Bench-201 op/);
    const nb201 = only('cell x\n  arch: |conv3x3-bn-relu~0|+|none~0|none~1|+|none~0|none~1|skip~2|\n', 'unknown-op');
    assert.deepEqual(nb201.map((d) => d.fix), [{ kind: 'replace', replacement: 'nor_conv_3x3' }, { kind: 'replace', replacement: 'skip_connect' }]);
    assert.deepEqual(nb201.map((d) => [d.range.start.character, d.range.end.character]), [[9, 24], [59, 63]]);
  });

  test('shape errors', () => {
    assert.deepEqual(only(NB101('input output', ['0 1 0', '0 0 1']), 'matrix-not-square').length, 1);
    const ragged = only(NB101('input conv3x3-bn-relu output', ['0 1 0', '0 0', '0 0 0']), 'matrix-ragged');
    assert.equal(ragged[0].range.start.line, 4);
    const entry = only(NB101('input conv3x3-bn-relu output', ['0 1 0', '0 0 2', '0 0 0']), 'matrix-entry');
    assert.deepEqual([entry[0].range.start.line, entry[0].range.start.character], [4, 8]);
    const lower = only(NB101('input conv3x3-bn-relu output', ['0 1 0', '1 0 1', '0 0 1']), 'matrix-not-upper-triangular');
    assert.deepEqual(lower.map((d) => [d.range.start.line, d.range.start.character]), [[4, 4], [5, 8]]);
    assert.match(lower[1].message, /Self-loop/);
    only(NB101('input conv3x3-bn-relu output', ['0 1', '0 0']), 'ops-matrix-mismatch');
    only('cell c\n  ops: input output\n  matrix: [[0, 1], [0, 0]\n', 'matrix-syntax');
  });

  test('bracket rows and inline matrices are accepted', () => {
    assert.deepEqual(diags(NB101('input conv3x3-bn-relu output', ['[0, 1, 0]', '[0, 0, 1]', '[0, 0, 0]'])), []);
    assert.deepEqual(diags('cell c\n  ops: input conv3x3-bn-relu output\n  matrix: [[0,1,0],[0,0,1],[0,0,0]]\n'), []);
  });

  test('space limits are counted after pruning', () => {
    const eight = NB101('input conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu output', [
      '0 1 0 0 0 0 0 0', '0 0 1 0 0 0 0 0', '0 0 0 1 0 0 0 0', '0 0 0 0 1 0 0 0', '0 0 0 0 0 1 0 0', '0 0 0 0 0 0 1 0', '0 0 0 0 0 0 0 1', '0 0 0 0 0 0 0 0']);
    only(eight, 'too-many-vertices');
    const tenEdges = NB101('input conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu output', [
      '0 1 1 1 1 0', '0 0 1 1 0 1', '0 0 0 0 0 1', '0 0 0 0 0 1', '0 0 0 0 0 1', '0 0 0 0 0 0']);
    assert.match(only(tenEdges, 'too-many-edges')[0].message, /10 edges/);
    // 8 vertices but one is dangling: after pruning 7 remain, which NAS-Bench-101 accepts.
    const prunable = NB101('input conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu conv3x3-bn-relu maxpool3x3 output', [
      '0 1 0 0 0 0 1 0', '0 0 1 0 0 0 0 0', '0 0 0 1 0 0 0 0', '0 0 0 0 1 0 0 0', '0 0 0 0 0 1 0 0', '0 0 0 0 0 0 0 1', '0 0 0 0 0 0 0 0', '0 0 0 0 0 0 0 0']);
    assert.deepEqual(analyze(prunable).diagnostics.map((d) => d.code), ['extraneous-vertex']);
  });

  test('input/output placement, disconnected and extraneous vertices', () => {
    only(NB101('conv3x3-bn-relu conv3x3-bn-relu output', ['0 1 0', '0 0 1', '0 0 0']), 'input-placement');
    only(NB101('input output conv3x3-bn-relu', ['0 1 0', '0 0 1', '0 0 0']), 'output-placement');
    const disc = only(NB101('input conv3x3-bn-relu output', ['0 1 0', '0 0 0', '0 0 0']), 'disconnected');
    assert.equal(disc[0].severity, 'error');
    const ext = only(NB101('input conv3x3-bn-relu maxpool3x3 output', ['0 1 1 0', '0 0 0 1', '0 0 0 0', '0 0 0 0']), 'extraneous-vertex');
    assert.equal(ext[0].severity, 'warning');
    assert.deepEqual([ext[0].range.start.character, ext[0].range.end.character], [29, 39]);
    assert.deepEqual(ext[0].fix, { kind: 'prune' });
  });

  test('duplicate names are errors, isomorphic cells warnings pointing at the twin', () => {
    const a = 'cell a\n  ops: input conv3x3-bn-relu conv1x1-bn-relu output\n  matrix:\n    0 1 1 0\n    0 0 0 1\n    0 0 0 1\n    0 0 0 0\n';
    const b = 'cell b\n  ops: input conv1x1-bn-relu conv3x3-bn-relu output\n  matrix:\n    0 1 1 0\n    0 0 0 1\n    0 0 0 1\n    0 0 0 0\n';
    const iso = only(a + b, 'isomorphic-cell');
    assert.equal(iso[0].severity, 'warning');
    assert.equal(iso[0].range.start.line, 7);
    assert.deepEqual(iso[0].related?.[0].range.start, { line: 0, character: 5 });
    const dup = only(a + a.replace('conv3x3-bn-relu conv1x1', 'maxpool3x3 conv1x1'), 'duplicate-cell-name');
    assert.equal(dup[0].severity, 'error');
    assert.equal(dup[0].related?.[0].range.start.line, 0);
    // NB201: the same arch written two ways is the same architecture.
    const nb = 'cell x\n  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n' +
      'cell y\n  space: nasbench201\n  ops: input nor_conv_3x3 nor_conv_3x3 nor_conv_3x3 skip_connect nor_conv_3x3 nor_conv_1x1 output\n  matrix:\n' +
      ['0 1 1 0 1 0 0 0', '0 0 0 1 0 1 0 0', '0 0 0 0 0 0 1 0', '0 0 0 0 0 0 1 0', '0 0 0 0 0 0 0 1', '0 0 0 0 0 0 0 1', '0 0 0 0 0 0 0 1', '0 0 0 0 0 0 0 0'].map((r) => '    ' + r).join('\n') + '\n';
    assert.deepEqual(analyze(nb).diagnostics.map((d) => d.code), ['isomorphic-cell']);
  });

  test('spaces: unknown, inferred from keys, file default, keys of another space', () => {
    const u = only('cell a\n  space: nasbench-201\n  arch: x\n', 'unknown-space');
    assert.deepEqual(u[0].fix, { kind: 'replace', replacement: 'nasbench201' });
    only('space nasbenc101\ncell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n', 'unknown-space');
    const a = analyze('space darts\ncell a\n  arch: |none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\ncell b\n  normal: sep_conv_3x3 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2\n');
    assert.deepEqual(a.cells.map((c) => [c.space, c.spaceSource]), [['nasbench201', 'inferred'], ['darts', 'file']]);
    only('cell a\n  space: nasbench101\n  arch: |none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\n', 'key-not-in-space');
    only('cell a\n  space: nasbench201\n  arch: |none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\n  ops: input output\n', 'conflicting-keys');
  });

  test('keys and metrics', () => {
    const k = only(NB101('input output', ['0 1', '0 0'], '  acuracy: 93\n'), 'unknown-key');
    assert.deepEqual(k[0].fix, { kind: 'replace', replacement: 'accuracy' });
    only(NB101('input output', ['0 1', '0 0'], '  accuracy: 93\n  accuracy: 94\n'), 'duplicate-key');
    only(NB101('input output', ['0 1', '0 0'], '  accuracy: high\n'), 'invalid-number');
    only(NB101('input output', ['0 1', '0 0'], '  accuracy: 120\n'), 'metric-range');
    const frac = only(NB101('input output', ['0 1', '0 0'], '  accuracy: 0.9312\n'), 'metric-range');
    assert.equal(frac[0].severity, 'warning');
    assert.deepEqual(frac[0].fix, { kind: 'replace', replacement: '93.12' });
    assert.deepEqual(analyze(NB101('input output', ['0 1', '0 0'], '  accuracy: 93.12%\n  params: 2.5\n')).cells[0].metrics, { accuracy: 93.12, params: 2.5 });
    only('cell a\n', 'empty-cell');
    only('cell\n  ops: input output\n', 'missing-cell-name');
    only('cell 9lives\n  ops: input output\n  matrix:\n    0 1\n    0 0\n', 'invalid-name');
    only('cell a\n  ops: input output\n', 'missing-key');
  });

  test('NAS-Bench-201 specifics', () => {
    const src = only('cell a\n  arch: |nor_conv_3x3~1|+|none~0|none~1|+|skip_connect~0|none~1|none~2|\n', 'arch-source');
    assert.deepEqual([src[0].range.start.character, src[0].range.end.character], [22, 23]);
    only('cell a\n  arch: |nor_conv_3x3~0|+|none~0|\n', 'arch-syntax');
    const d = only('cell a\n  arch: |none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|\n', 'disconnected');
    assert.equal(d[0].severity, 'warning');
    only('cell a\n  space: nasbench201\n  ops: input none none none none none none output\n  matrix:\n' +
      Array.from({ length: 8 }, (_, i) => '    ' + Array.from({ length: 8 }, (_, j) => (j === i + 1 ? 1 : 0)).join(' ')).join('\n') + '\n', 'fixed-topology');
  });

  test('DARTS specifics', () => {
    const g = (s: string) => `cell a\n  space: darts\n  normal: ${s}\n`;
    only(g('sep_conv_3x3 0, sep_conv_3x3 1'), 'genotype-length');
    const inp = only(g('sep_conv_3x3 0, sep_conv_3x3 2, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2'), 'genotype-input');
    assert.equal(inp[0].range.start.character, 39);
    only(g('sep_conv_3x3 0, sep_conv_3x3 0, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2'), 'genotype-duplicate-input');
    only(g('none 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2'), 'genotype-none');
    only(g('sep_conv_3x3 zero'), 'genotype-syntax');
    only(g('0 sep_conv_3x3'), 'genotype-syntax');
    const conv = only(g('conv_3x3 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, identity 2'), 'unknown-op');
    assert.deepEqual(conv.map((d) => d.fix), [{ kind: 'replace', replacement: 'sep_conv_3x3' }, { kind: 'replace', replacement: 'skip_connect' }]);
    // DARTS' own Python form is accepted.
    const py = analyze(g("('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)"));
    assert.deepEqual(py.diagnostics, []);
    assert.equal(py.cells[0].spec?.space, 'darts');
  });

  test('every diagnostic code has a description and every code is produced by some test input', () => {
    for (const [code, text] of Object.entries(DIAGNOSTIC_CODES)) assert.ok(text.length > 10, code);
  });

  test('CRLF, tabs and BOM are handled', () => {
    const text = '\ufeffcell a\r\n\tops: input conv3x3-bn-relu output\r\n\tmatrix:\r\n\t\t0 1 0\r\n\t\t0 0 1\r\n\t\t0 0 0\r\n';
    assert.deepEqual(diags(text), []);
    assert.equal(analyze(text).cells[0].facts?.prunedVertices, 3);
  });
});
