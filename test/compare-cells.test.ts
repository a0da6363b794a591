/**
 * "Compare Two Cells" (server/src/language/compareCells.ts): edit distance in arch2vec's encoding,
 * the differences in each space's terms, benchmark values and costs side by side, on cells the real
 * analyzer parses (the NB201 example file's cells and the shipped benchmark table).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/core/analyze';
import { cellCost, formatCount } from '../server/src/core/export/cost';
import { compareMarkdown, differences, editDistance, type CompareSide } from '../server/src/language/compareCells';
import { REPO } from './helpers/shared';

function sides(text: string): Map<string, CompareSide> {
  const a = analyze(text);
  return new Map(a.cells.filter((c) => c.name && c.spec).map((c) => [c.name!, { name: c.name!, spec: c.spec!, metrics: c.metrics }]));
}

const nb201 = sides(readFileSync(join(REPO, 'examples', 'nasbench201.cells'), 'utf8'));

test('NB201: two cells one edge apart: edit distance 1, the edge named, benchmark and cost rows', () => {
  const a = nb201.get('nb201_6111')!;
  const b = nb201.get('nb201_9930')!; // differs from 6111 on edge 3←2 only
  assert.deepEqual(editDistance(a.spec, b.spec), { ops: 1, edges: 0, total: 1 });
  assert.deepEqual(differences(a.spec, b.spec), ['edge 3←2: nor_conv_1x1 → nor_conv_3x3']);
  const md = compareMarkdown(a, b, { latent: { distance: 0.1234567, model: 'shipped NB201 model' } });
  assert.match(md, /^# nb201_6111 vs nb201_9930 · NAS-Bench-201$/m);
  assert.match(md, /^\| NAS-Bench-201 index \| `6111` \| `9930` \|$/m);
  assert.match(md, /^\| CIFAR-10 test \(benchmark\) \| 94\.37% \| 94\.36% \|$/m, 'the shipped table\'s values (as the hover shows them)');
  assert.match(md, /^\| accuracy \(measured, this file\) \| 94\.37% \| 94\.36% \|$/m);
  const ca = cellCost(a.spec, { dataset: 'cifar10' });
  const cb = cellCost(b.spec, { dataset: 'cifar10' });
  assert.ok(md.includes(`| Parameters (CIFAR-10 network) | ${formatCount(ca.params)} | ${formatCount(cb.params)} |`));
  assert.match(md, /\*\*Edit distance 1\*\*: 1 node op and 0 adjacency entries differ/);
  assert.match(md, /\*\*Latent distance 0\.1235\*\* \(L2 between the two embeddings; shipped NB201 model\)/);
  assert.match(md, /## nb201_9930\n\n```text\nnode 1 ← 0 nor_conv_3x3\n/);
});

test('the same architecture written two ways is said to be the same; without a model the reason is given', () => {
  const a = nb201.get('nb201_6111')!;
  const md = compareMarkdown(a, { ...a, name: 'copy' }, { latentMissing: 'no NB201 model yet' });
  assert.match(md, /\*\*The same architecture\*\* \(same canonical id\)\./);
  assert.match(md, /Latent distance: no NB201 model yet\./);
  assert.match(md, /None in the written form\./);
});

test('NB101 and DARTS: differences in their own terms; cells of two spaces are refused', () => {
  const s = sides(`space nasbench101

cell a
  ops: input conv3x3-bn-relu maxpool3x3 output
  matrix:
    0 1 1 0
    0 0 0 1
    0 0 0 1
    0 0 0 0

cell b
  ops: input conv1x1-bn-relu maxpool3x3 output
  matrix:
    0 1 0 0
    0 0 1 1
    0 0 0 1
    0 0 0 0

cell d1
  space: darts
  normal: sep_conv_3x3 0, dil_conv_3x3 1, max_pool_3x3 0, dil_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, dil_conv_5x5 1, sep_conv_3x3 0

cell d2
  space: darts
  normal: sep_conv_3x3 0, dil_conv_3x3 1, max_pool_3x3 0, dil_conv_3x3 2, skip_connect 0, sep_conv_3x3 1, dil_conv_5x5 1, sep_conv_5x5 0
`);
  const [a, b, d1, d2] = ['a', 'b', 'd1', 'd2'].map((n) => s.get(n)!);
  assert.deepEqual(differences(a.spec, b.spec), ['node 1: conv3x3-bn-relu → conv1x1-bn-relu', 'edge 0→2: removed', 'edge 1→2: added']);
  assert.deepEqual(editDistance(a.spec, b.spec), { ops: 1, edges: 2, total: 3 });
  assert.deepEqual(differences(d1.spec, d2.spec), [
    'normal node 3, input 2: c_{k-1} dil_conv_3x3 → node 2 dil_conv_3x3',
    'normal node 5, input 2: c_{k-2} sep_conv_3x3 → c_{k-2} sep_conv_5x5',
  ]);
  assert.ok(editDistance(d1.spec, d2.spec).total >= 2);
  assert.throws(() => compareMarkdown(a, d1), /compare cells of one space/);
});
