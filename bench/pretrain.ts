/**
 * Pretraining throughput on NAS-Bench-201 (graphs/s, full training step: forward, reference loss,
 * gradients, clipping, Adam) for every backend that loads here, batch 32 as the reference, plus
 * larger batches for GPU backends and 1..N data-parallel threads for host backends.
 *
 *   npm run bench:pretrain [-- --seconds 8 --backends wasm,cpu,webgpu --threads 1,2 --space nb201|nb101|darts --mode train|eval]
 *
 * --space nb101: NB101-shaped batches (7 nodes, 5 op columns) of the 500 real NAS-Bench-101 cells in
 * bench/reference/cells.json (the same cells bench_torch.py cycles through).
 * Host backends (wasm, cpu) train through the hand-derived host path (HostArch2vec) exactly as
 * `arch2vec pretrain` does; GPU backends through tfjs autodiff on the device.
 *
 * The reference PyTorch figure on the same machine: bench/reference (bash setup.sh, then
 * /usr/bin/python3 bench/reference/bench_torch.py). Compare runs taken back to back: these machines
 * are shared and vary by ±30%.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { listBackends, selectBackend, type BackendName } from '../server/src/engine/backend';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { Arch2vecModel } from '../server/src/engine/model/arch2vecModel';
import { DEFAULT_TRAIN, modelConfigFor } from '../server/src/engine/model/config';
import { ParallelStepper, type TrainingStepper } from '../server/src/engine/train/parallel';
import { hostProducts } from '../server/src/engine/train/shard';
import { DeviceStepper } from '../server/src/engine/train/step';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Cells to draw batches from: all of NB201, or the 500 real NB101 cells / 1,225 real NB301 genotypes of bench/reference/cells.json. */
function cellSource(space: string): { nodes: number; opColumns: number; count: number; fillEncoding(i: number, adj: Float32Array, ops: Float32Array, slot: number): void } {
  if (space === 'nb201') return loadNb201();
  if (space !== 'nb101' && space !== 'darts') throw new Error(`--space: nb201, nb101 or darts, not '${space}'`);
  const file = join(__dirname, 'reference', 'cells.json');
  type Cells = { nodes: number; opColumns: number; cells: { adjacency: number[][]; columns: number[] }[] };
  const { nodes: n, opColumns: d, cells } = (JSON.parse(readFileSync(file, 'utf8')) as Record<'nb101' | 'darts', Cells>)[space];
  return {
    nodes: n, opColumns: d, count: cells.length,
    fillEncoding(i, adj, ops, slot) {
      const c = cells[i];
      adj.fill(0, slot * n * n, (slot + 1) * n * n);
      ops.fill(0, slot * n * d, (slot + 1) * n * d);
      for (let r = 0; r < n; r++) {
        for (let k = 0; k < n; k++) adj[slot * n * n + r * n + k] = c.adjacency[r][k];
        if (c.columns[r] >= 0) ops[slot * n * d + r * d + c.columns[r]] = 1;
      }
    },
  };
}

/** Wall-clock graphs/s, and graphs per CPU-second of the whole process (all threads): the second is
 * robust to a shared machine's load, the first is what a user waits for. */
async function measure(backend: BackendName, batch: number, threads: number, seconds: number, space: string, mode: 'train' | 'eval'): Promise<{ rate: number; perCpu: number }> {
  const ds = cellSource(space);
  const { nodes: n, opColumns: d } = ds;
  const model = new Arch2vecModel(modelConfigFor(n, d), new Rng(3));
  const onHost = backend === 'wasm' || backend === 'cpu' || backend === 'tensorflow';
  const stepper: TrainingStepper = onHost ? await ParallelStepper.create(model, DEFAULT_TRAIN, backend, threads) : new DeviceStepper(model, DEFAULT_TRAIN);
  const adj = new Float32Array(batch * n * n);
  const ops = new Float32Array(batch * n * d);
  const rng = new Rng(1);
  const fill = () => {
    for (let s = 0; s < batch; s++) ds.fillEncoding(rng.int(ds.count), adj, ops, s);
  };
  try {
    for (let i = 0; i < 3; i++) {
      fill();
      await stepper.step(adj, ops, batch, mode, i);
    }
    await stepper.drainLoss();
    let steps = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    while (performance.now() - t0 < seconds * 1000) {
      fill();
      await stepper.step(adj, ops, batch, mode, 100 + steps);
      steps++;
      if (steps % 8 === 0) await stepper.drainLoss(); // a read-back, so GPU queues are really drained
    }
    await stepper.drainLoss();
    const cpu = process.cpuUsage(c0);
    return { rate: (steps * batch) / ((performance.now() - t0) / 1000), perCpu: (steps * batch) / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    await stepper.dispose();
    model.dispose();
  }
}

async function main() {
  const seconds = Number(arg('seconds', '8'));
  const wanted = arg('backends', '').split(',').filter(Boolean);
  const threadList = arg('threads', [1, availableParallelism()].filter((x, i, a) => a.indexOf(x) === i).join(',')).split(',').map(Number);
  const space = arg('space', 'nb201');
  const mode = arg('mode', 'train') === 'eval' ? 'eval' : 'train';
  cellSource(space); // fail early on a bad --space
  const listing = await listBackends();
  const title = space === 'nb101' ? 'NAS-Bench-101-shaped (7 nodes, 5 op columns; 500 real cells)' : space === 'darts' ? 'DARTS-shaped (11 nodes, 11 op columns; 1,225 real NB301 genotypes)' : 'NAS-Bench-201';
  console.log(`${title} pretraining step throughput (${mode} mode), ${seconds} s per row, ${availableParallelism()} cores, node ${process.version}`);
  for (const b of listing) console.log(`  ${b.backend.padEnd(15)} ${b.available ? `available: ${b.device}` : `not available: ${b.reason}`}`);
  console.log('\n| backend | device | batch | threads | graphs/s |\n|---|---|---:|---:|---:|');
  const cpuRows: string[] = [];
  for (const b of listing) {
    if (!b.available || (wanted.length && !wanted.includes(b.backend))) continue;
    const report = await selectBackend(b.backend);
    const host = b.backend === 'wasm' || b.backend === 'cpu' || b.backend === 'tensorflow';
    const rows: [number, number][] = host ? threadList.map((t) => [32, t]) : [[32, 1], [256, 1], [1024, 1]];
    for (const [batch, threads] of rows) {
      if (b.backend === 'cpu' && threads > 1) continue; // pure JS: far too slow to be worth sharding
      const { rate, perCpu } = await measure(b.backend, batch, threads, b.backend === 'cpu' ? Math.min(seconds, 4) : seconds, space, mode);
      const device = host ? `${report.device}; host kernels: ${hostProducts().kernels?.kind ?? 'none (tfjs products, JS loops)'}` : report.device;
      console.log(`| ${b.backend} | ${device} | ${batch} | ${threads} | ${rate.toFixed(0)} |`);
      cpuRows.push(`| ${b.backend} | ${batch} | ${threads} | ${perCpu.toFixed(0)} |`);
    }
  }
  console.log(`\n| backend | batch | threads | graphs per CPU-second |\n|---|---:|---:|---:|\n${cpuRows.join('\n')}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
