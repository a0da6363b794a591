import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDocument } from '../server/src/core/parser';
import { readMatrix } from '../server/src/core/values';

describe('parser', () => {
  test('cells, properties, continuation lines and ranges', () => {
    const doc = parseDocument('space darts  # c\n\ncell a\n  ops: input output # x\n  matrix:\n    0 1\n    0 0\n\ncell b\n  space: nasbench201\n');
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual(doc.directives.map((d) => d.name?.text), ['darts']);
    assert.equal(doc.cells.length, 2);
    const [a, b] = doc.cells;
    assert.equal(a.name?.text, 'a');
    assert.deepEqual(a.name?.range, { start: { line: 2, character: 5 }, end: { line: 2, character: 6 } });
    assert.equal(a.fileSpace?.text, 'darts');
    assert.deepEqual(a.properties.map((p) => p.key.text), ['ops', 'matrix']);
    assert.deepEqual(a.properties[0].segments, [{ text: 'input output', line: 3, start: 7 }]);
    assert.deepEqual(a.properties[1].segments.map((s) => s.text), ['0 1', '0 0']);
    assert.deepEqual(a.range.end, { line: 6, character: 7 });
    assert.equal(b.properties[0].segments[0].text, 'nasbench201');
    assert.deepEqual(doc.lineInfo.map((l) => l.kind), ['directive', 'blank', 'header', 'property', 'property', 'continuation', 'continuation', 'blank', 'header', 'property', 'blank']);
  });

  test('recovers line by line', () => {
    const doc = parseDocument('  stray\ncell\ncell ok extra\n  ops input\nops: x\n  matrix:\n  0 1\n  0 0\n');
    assert.deepEqual(doc.diagnostics.map((d) => [d.range.start.line, d.code]), [
      [0, 'syntax'], [1, 'missing-cell-name'], [2, 'syntax'], [3, 'syntax'], [4, 'bad-indentation'], [6, 'bad-indentation'], [7, 'bad-indentation'],
    ]);
    const ok = doc.cells.find((c) => c.name?.text === 'ok')!;
    assert.deepEqual(ok.properties.map((p) => p.key.text), ['ops', 'matrix']);
    assert.deepEqual(ok.properties[1].segments.map((s) => s.text), ['0 1', '0 0']);
  });

  test('a `cell` typed under an indented block starts a new cell with one bad-indentation error, not a cascade', () => {
    // What typing produces when Enter keeps the indentation: the new cell and its keys one level deeper.
    const text = 'cell first\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n  cell second\n    ops: input output\n    matrix:\n      0 1\n      0 0\n';
    const doc = parseDocument(text);
    assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range]), [
      ['bad-indentation', 'error', { start: { line: 6, character: 2 }, end: { line: 6, character: 13 } }],
    ]);
    assert.deepEqual(doc.diagnostics[0].fix, { kind: 'outdent' });
    assert.deepEqual(doc.cells.map((c) => c.name?.text), ['first', 'second']);
    assert.deepEqual(doc.cells[0].properties.map((p) => p.key.text), ['ops', 'matrix']);
    assert.deepEqual(doc.cells[0].properties[1].segments.map((s) => s.text), ['0 1 0', '0 0 1', '0 0 0']);
    assert.deepEqual(doc.cells[1].properties.map((p) => p.key.text), ['ops', 'matrix']);
    assert.deepEqual(doc.cells[1].properties[1].segments.map((s) => s.text), ['0 1', '0 0']);
    assert.equal(doc.lineInfo[6].kind, 'header');
    // Deeper still (after a matrix row) and with its keys back at 2: the same single diagnostic.
    const deeper = parseDocument('cell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n    cell b\n  ops: input output\n  matrix:\n    0 1\n    0 0\n');
    assert.deepEqual(deeper.diagnostics.map((d) => [d.range.start.line, d.code]), [[5, 'bad-indentation']]);
    assert.deepEqual(deeper.cells.map((c) => [c.name?.text, c.properties.length]), [['a', 2], ['b', 2]]);
    // Only the keyword: `cells:` or `cellular` are not headers.
    assert.equal(parseDocument('cell a\n  cells: 3\n').cells.length, 1);
  });

  test('matrix forms: plain rows, bracket rows, nested brackets over lines', () => {
    const seg = (text: string, line = 0) => ({ text, line, start: 4 });
    const d: never[] = [];
    assert.deepEqual(readMatrix([seg('0 1'), seg('0 0', 1)], d)!.rows.map((r) => r.map((t) => t.text)), [['0', '1'], ['0', '0']]);
    assert.deepEqual(readMatrix([seg('[0, 1]'), seg('[0, 0]', 1)], d)!.rows.map((r) => r.map((t) => t.text)), [['0', '1'], ['0', '0']]);
    assert.deepEqual(readMatrix([seg('[[0,1],'), seg('[0,0]]', 1)], d)!.rows.map((r) => r.map((t) => t.text)), [['0', '1'], ['0', '0']]);
    const rows = readMatrix([seg('[[0,1],'), seg('[0,0]]', 1)], d)!.rows;
    assert.deepEqual(rows[1][1].range, { start: { line: 1, character: 7 }, end: { line: 1, character: 8 } });
    const errs: import('../server/src/core/diagnostics').CellDiagnostic[] = [];
    assert.equal(readMatrix([seg('[[[0]]]')], errs), undefined);
    assert.equal(errs[0].code, 'matrix-syntax');
  });
});
