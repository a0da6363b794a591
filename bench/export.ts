/**
 * Export and cost-model benchmark: how long the TypeScript cost model takes for every NAS-Bench-201
 * cell (and 500 NB101 / 1,225 DARTS cells), how long generating the PyTorch modules takes, and — when
 * a python3 with torch is found — how long PyTorch needs to build a model and count it, per space,
 * side by side with the TypeScript count.
 * Usage: node --import tsx bench/export.ts [--python PYTHON] [--torch-cells N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { CellSpec } from '../server/src/core/cellSpec';
import { cellCost } from '../server/src/core/export/cost';
import { exportPyTorch } from '../server/src/core/export/pytorch';
import { NB201_SIZE, opsFromCode } from '../server/src/core/spaces/nasbench201';

const SHARED = process.env.ARCH2VEC_SHARED ?? join(__dirname, '..', '..', 'shared');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const jsonl = (rel: string) => {
  const p = join(SHARED, 'data', rel);
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
};

const spaces: [string, CellSpec[]][] = [
  ['nasbench201', Array.from({ length: NB201_SIZE }, (_, c) => ({ space: 'nasbench201', ops: opsFromCode(c) }) as CellSpec)],
  ['nasbench101', jsonl('nasbench101/nb101_naslib_zc_subset.jsonl').map((r) => ({ space: 'nasbench101', matrix: r.matrix, ops: r.ops }) as CellSpec)],
  ['darts', jsonl('darts/nb301_naslib_zc_subset.jsonl').map((r) => ({ space: 'darts', normal: r.normal, reduce: r.reduce, reduceGiven: true }) as CellSpec)],
];

const python = arg('--python') ?? ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
const torchCells = Number(arg('--torch-cells') ?? 50);
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs (timings scale with it)`);
console.log('space         cells   cost model (all)   per cell    export (all)   per module   PyTorch build+count per cell');
for (const [space, specs] of spaces) {
  if (!specs.length) continue;
  let t = performance.now();
  for (const s of specs) cellCost(s);
  const cost = performance.now() - t;
  t = performance.now();
  const modules = specs.map((s, i) => exportPyTorch({ name: `cell_${i}`, spec: s }));
  const exp = performance.now() - t;
  let torch = 'n/a (no python3 with torch)';
  if (python) {
    const jobs = modules.slice(0, torchCells).map((m, i) => ({ id: String(i), source: m.text }));
    const t0 = performance.now();
    const r = spawnSync(python, [join(__dirname, '..', 'test', 'helpers', 'torch_count.py')], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; params_main: number });
    const same = rows.filter((x) => x.params_main === modules[Number(x.id)].cost.params).length;
    torch = `${(ms / jobs.length).toFixed(1)} ms (${jobs.length} cells incl. torch import; ${same}/${jobs.length} counts equal)`;
  }
  const f = (ms: number) => `${ms.toFixed(0).padStart(8)} ms`;
  console.log(`${space.padEnd(12)} ${String(specs.length).padStart(6)}   ${f(cost)}        ${(cost * 1000 / specs.length).toFixed(1).padStart(6)} µs  ${f(exp)}    ${(exp * 1000 / specs.length).toFixed(0).padStart(6)} µs   ${torch}`);
}
