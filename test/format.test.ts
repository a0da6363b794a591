import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import { formatEdits, formatText, type TextEdit } from '../server/src/core/format';
import { REPO } from './helpers/shared';

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split(/(?<=\r\n|\r(?!\n)|\n)/);
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

describe('formatter', () => {
  test('shipped examples are already formatted', () => {
    for (const f of ['getting-started.cells', 'nasbench101.cells', 'nasbench201.cells', 'darts.cells']) {
      const text = readFileSync(join(REPO, 'examples', f), 'utf8');
      assert.equal(formatText(text), text, f);
    }
  });

  test('normalises spacing, aligns matrix columns, rewrites bracket matrices and genotypes', () => {
    const messy = [
      'space   nasbench101',
      'cell a   # first',
      '    ops:   input,conv3x3-bn-relu, output',
      '    matrix: [[0,1,0],[0,0,1],',
      '      [0,0,0]]',
      '',
      '',
      '',
      '    accuracy:  93.1   # measured',
      'cell b',
      '  space: darts',
      "  normal: ('sep_conv_3x3', 0), ('sep_conv_3x3', 1),('skip_connect',0),('sep_conv_3x3',1),('skip_connect',0),('sep_conv_3x3',1),('sep_conv_3x3',0),('skip_connect',2)",
      '',
    ].join('\n');
    const expected = [
      'space nasbench101',
      'cell a   # first',
      '  ops: input conv3x3-bn-relu output',
      '  matrix:',
      '    0 1 0',
      '    0 0 1',
      '    0 0 0',
      '',
      '  accuracy: 93.1      # measured',
      '',
      'cell b',
      '  space: darts',
      '  normal: sep_conv_3x3 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2',
      '',
    ].join('\n');
    assert.equal(formatText(messy), expected);
    assert.equal(formatText(expected), expected);
    // Same meaning before and after.
    assert.deepEqual(analyze(expected).cells.map((c) => c.facts?.id), analyze(messy).cells.map((c) => c.facts?.id));
  });

  test('lines it cannot parse are kept verbatim; row comments stay on their rows', () => {
    const text = 'cell c\n  ops: input output\n  matrix:\n    0 1   # row 0\n    0 0\n  this is not a property\n';
    const f = formatText(text);
    assert.match(f, /^ {2}this is not a property$/m);
    assert.match(f, /^ {4}0 1 {3}# row 0$/m);
  });

  test('keeps CRLF line endings and makes one edit for the changed span', () => {
    const text = 'cell a\r\n  ops:  input output\r\n  matrix:\r\n    0 1\r\n    0 0\r\n';
    const f = formatText(text);
    assert.equal(f, 'cell a\r\n  ops: input output\r\n  matrix:\r\n    0 1\r\n    0 0\r\n');
    const edits = formatEdits(text);
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0].range.start, { line: 1, character: 7 });
    assert.equal(applyEdits(text, edits), f);
    assert.deepEqual(formatEdits(f), []);
  });

  test('wide entries are right-aligned', () => {
    const f = formatText('cell c\n  ops: input output\n  matrix:\n    0 10\n    0 0\n');
    assert.match(f, /^ {4} 0 10\n {4} 0  0$/m);
  });
});
