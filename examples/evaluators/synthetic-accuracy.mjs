#!/usr/bin/env node
// A deterministic stand-in for a training script, for trying searches in any space in seconds:
//   node synthetic-accuracy.mjs CELL.json
// reads the cell JSON the command objective writes ({json}: space, nodeOps, adjacency, …) and prints a
// few "training" lines and then `accuracy: XX.XX`. The accuracy is a fixed function of the cell's
// structure — convolutions help, pooling and `none` hurt, depth helps a little — plus a small
// hash-based jitter, so it has structure a search can exploit and the same cell always gets the
// same number. SYNTHETIC_SLEEP_MS: pretend to train for that long. Not a benchmark of anything.
import { readFileSync } from 'node:fs';

const cell = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const ops = cell.nodeOps;
const adj = cell.adjacency;
if (!Array.isArray(ops) || !Array.isArray(adj)) {
  console.error('synthetic-accuracy.mjs: expected the JSON of a cell with nodeOps and adjacency');
  process.exit(2);
}
const weight = (op) =>
  /conv3x3|conv_3x3|sep_conv_5x5|dil_conv_5x5/.test(op) ? 1.0
  : /conv|sep_|dil_/.test(op) ? 0.7
  : /skip/.test(op) ? 0.4
  : /pool/.test(op) ? 0.1
  : 0; // none, input, output
const inner = ops.filter((o) => o !== 'input' && o !== 'output' && !/^c_k/.test(o));
const quality = inner.reduce((s, o) => s + weight(o), 0) / Math.max(1, inner.length);
const edges = adj.flat().reduce((s, x) => s + x, 0);
let h = 2166136261;
for (const c of JSON.stringify([ops, adj])) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
const accuracy = 80 + 12 * quality + Math.min(2, edges / 10) + (h % 100) / 100;
const done = () => {
  console.log(`training ${cell.name}: epoch 1/1 loss 0.42`);
  console.log(`accuracy: ${accuracy.toFixed(2)}`);
};
const ms = Number(process.env.SYNTHETIC_SLEEP_MS ?? 0);
if (ms > 0) setTimeout(done, ms);
else done();
