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
