/**
 * The cell's graph in the hover (server/src/language/cellGraph.ts): each node with what feeds it, in
 * each space's terms, from cells parsed by the real analyzer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../server/src/core/analyze';
import { graphLines } from '../server/src/language/cellGraph';
import { hover } from '../server/src/language/hover';

function cell(text: string, i = 0) {
  const a = analyze(text);
  const c = a.cells[i];
  assert.ok(c.spec, `the cell parses: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return { a, c };
}

test('NB101: ops on nodes, each fed by the matrix column\'s rows', () => {
  const { c } = cell(`space nasbench101

cell first
  ops: input conv3x3-bn-relu maxpool3x3 output
  matrix:
    0 1 1 0
    0 0 0 1
    0 0 0 1
    0 0 0 0
`);
  assert.deepEqual(graphLines(c.spec!), [
    ' 0 input',
    ' 1 conv3x3-bn-relu  ← 0',
    ' 2 maxpool3x3       ← 0',
    ' 3 output           ← 1, 2',
  ]);
});

test('NB201: ops on the six edges, none edges left out', () => {
  const { c } = cell(`space nasbench201

cell c
  arch: |none~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|
`);
  assert.deepEqual(graphLines(c.spec!), [
    'node 1 ← nothing (every edge none)',
    'node 2 ← 0 nor_conv_3x3 + 1 avg_pool_3x3',
    'node 3 ← 0 skip_connect + 2 nor_conv_1x1',
  ]);
});

test('DARTS: two inputs per node; a separate reduce cell is drawn too', () => {
  const { c } = cell(`space darts

cell d
  normal: sep_conv_3x3 0, dil_conv_3x3 1, max_pool_3x3 0, dil_conv_3x3 2, skip_connect 0, sep_conv_3x3 3, dil_conv_5x5 1, sep_conv_3x3 4
  reduce: max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, skip_connect 2, skip_connect 2, avg_pool_3x3 0
`);
  const lines = graphLines(c.spec!);
  assert.equal(lines.length, 10);
  assert.equal(lines[0], 'normal: inputs c_{k-2}, c_{k-1}; output = concat(node 2..5)');
  assert.equal(lines[2], 'node 3 ← c_{k-2} max_pool_3x3 + node 2 dil_conv_3x3');
  assert.equal(lines[4], 'node 5 ← c_{k-1} dil_conv_5x5 + node 4 sep_conv_3x3');
  assert.equal(lines[5], 'reduce: inputs c_{k-2}, c_{k-1}; output = concat(node 2..5)');
  assert.equal(lines[6], 'node 2 ← c_{k-2} max_pool_3x3 + c_{k-1} max_pool_3x3');
});

test('the hover of a valid cell carries its graph; a cell with errors does not', () => {
  const ok = cell(`space nasbench201

cell c
  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
`);
  const h = hover(ok.a, ok.c.node.name!.range.start)!;
  assert.ok(h.markdown.includes('```text\nnode 1 ← 0 nor_conv_3x3\nnode 2 ← 0 nor_conv_3x3 + 1 nor_conv_3x3\nnode 3 ← 0 skip_connect + 1 nor_conv_3x3 + 2 nor_conv_1x1\n```'), h.markdown);
  const bad = analyze(`space nasbench201

cell c
  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|sep_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
`);
  const hb = hover(bad, bad.cells[0].node.name!.range.start)!;
  assert.ok(!hb.markdown.includes('```text'), hb.markdown);
});
