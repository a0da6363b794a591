/**
 * PyTorch export and the TypeScript cost model (issue 13).
 *
 * Always: the analytic counts against the benchmarks' recorded ones (NAS-Bench-101's trainable
 * parameters of 500 real cells and its README cell, NATS-Bench's params/FLOPs of its three full
 * records on all three datasets, DARTS' and arch2vec's published sizes) and the CLI's behaviour.
 * With PyTorch (Debian's python3-torch; CI sets ARCH2VEC_REQUIRE_TORCH=1 so its absence fails):
 * the exported modules are run — every example cell imports, builds and gives logits of the right
 * shape on a random batch (training mode too), `python model.py` prints the count, and for hundreds
 * of cells per space PyTorch's own parameter count and a forward-hook FLOP counter equal the
 * TypeScript numbers exactly.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import type { CellSpec } from '../server/src/core/cellSpec';
import { cellCost, nb101VertexChannels } from '../server/src/core/export/cost';
import type { NetworkOptions } from '../server/src/core/export/network';
import { exportPyTorch } from '../server/src/core/export/pytorch';
import { DARTS_OPS } from '../server/src/core/spaces/darts';
import { nb201OpsAt, NB201_SIZE, opsFromCode } from '../server/src/core/spaces/nasbench201';
import { hover } from '../server/src/language/hover';
import { REPO, SHARED, sharedJsonl } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A seeded LCG, so the sampled cells are the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

interface Nb101Row { matrix: number[][]; ops: string[]; params_M: number }
interface Nb301Row { normal: [string, number][]; reduce: [string, number][] }
const nb101Rows = sharedJsonl<Nb101Row>('nasbench101/nb101_naslib_zc_subset.jsonl');
const nb101Spec = (r: { matrix: number[][]; ops: string[] }): CellSpec => ({ space: 'nasbench101', matrix: r.matrix, ops: r.ops });

const exampleCells = ['darts', 'nasbench101', 'nasbench201', 'getting-started'].flatMap((f) =>
  analyze(readFileSync(join(REPO, 'examples', `${f}.cells`), 'utf8'), { defaultSpace: 'nasbench101' }).cells
    .filter((c) => c.spec && !c.diagnostics.some((d) => d.severity === 'error'))
    .map((c) => ({ file: f, name: c.name!, spec: c.spec! })));
const example = (name: string) => exampleCells.find((c) => c.name === name)!.spec;

describe('cost model against the benchmarks\' recorded numbers', () => {
  test('NAS-Bench-101: trainable parameters of all 500 real cells equal the recorded ones', () => {
    assert.equal(nb101Rows.length, 500);
    const wrong = nb101Rows.filter((r) => cellCost(nb101Spec(r)).params !== Math.round(r.params_M * 1e6));
    assert.deepEqual(wrong, []);
  });

  test('NAS-Bench-101: the README\'s Inception-like cell has 2,694,282 trainable parameters, in either vertex order', () => {
    // As the user writes it, and as the benchmark stores it (module_adjacency / module_operations).
    const asWritten = { matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] };
    const stored = { matrix: [[0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'output'] };
    assert.equal(cellCost(nb101Spec(asWritten)).params, 2694282);
    assert.equal(cellCost(nb101Spec(stored)).params, 2694282);
  });

  test('NAS-Bench-101: channel splitting gives the remainder to the first vertices feeding the output', () => {
    // 3 vertices feed the output: 128 = 43 + 43 + 42; vertex 1 feeds only vertex 2 and takes its 43.
    const m = [[0, 1, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0]];
    assert.deepEqual(nb101VertexChannels(64, 128, m), [64, 43, 43, 43, 42, 128]);
  });

  test('NAS-Bench-201: params and FLOPs of the three complete NATS-Bench records, on all three datasets', () => {
    const records = JSON.parse(readFileSync(join(SHARED, 'data', 'nasbench201', 'nats_tss_full_records_0_11_284.json'), 'utf8')) as Record<string, Record<string, { arch_str: string; runs: { dataset: string; flop_M: number; params_M: number }[] }>>;
    const datasets: Record<string, NetworkOptions['dataset']> = { cifar10: 'cifar10', 'cifar10-valid': 'cifar10', cifar100: 'cifar100', 'ImageNet16-120': 'imagenet16-120' };
    let checked = 0;
    for (const [index, byHp] of Object.entries(records)) {
      for (const rec of Object.values(byHp)) {
        const spec: CellSpec = { space: 'nasbench201', ops: nb201OpsAt(Number(index)) };
        for (const run of rec.runs) {
          const k = cellCost(spec, { dataset: datasets[run.dataset] });
          // NATS-Bench stores millions rounded to 6 (params) and 5 (FLOPs) decimals.
          assert.equal(k.params / 1e6, run.params_M, `arch ${index} ${run.dataset} params`);
          assert.equal(Math.round(k.flops / 10) / 1e5, run.flop_M, `arch ${index} ${run.dataset} FLOPs`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 30, `${checked} runs checked`);
  });

  test('DARTS: published sizes (DARTS V2 3.3 M CIFAR / 4.7 M ImageNet; arch2vec-RL 3.3 M, arch2vec-BO 3.6 M)', () => {
    const m = (name: string, o: NetworkOptions = {}) => Math.round(cellCost(example(name), o).params / 1e5) / 10;
    assert.equal(m('darts_v2'), 3.3);
    assert.equal(m('darts_v2', { dataset: 'imagenet' }), 4.7);
    assert.equal(m('arch2vec_rl'), 3.3);
    assert.equal(m('arch2vec_bo'), 3.6);
    // DARTS counts without its auxiliary head, which the network still builds for training.
    const k = cellCost(example('darts_v2'));
    assert.equal(k.params, 3349342);
    assert.ok(k.auxiliaryParams > 0);
    assert.equal(cellCost(example('darts_v2'), { auxiliary: false }).auxiliaryParams, 0);
  });

  test('knobs change the network: channels, cells, classes', () => {
    const nb201 = example('nb201_6111');
    assert.ok(cellCost(nb201, { channels: 32 }).params > cellCost(nb201).params);
    assert.ok(cellCost(nb201, { cells: 1 }).params < cellCost(nb201).params);
    assert.equal(cellCost(nb201, { dataset: 'cifar100' }).params - cellCost(nb201).params, 64 * 90 + 90);
    assert.throws(() => cellCost(nb201, { dataset: 'imagenet' }), /defined for cifar10, cifar100, imagenet16-120/);
    assert.throws(() => cellCost(example('darts_v2'), { channels: 35 }), /even number of channels/);
  });
});

test('the hover shows the cost of each benchmark network (NB201: CIFAR-10, CIFAR-100, ImageNet16-120)', () => {
  const text = readFileSync(join(REPO, 'examples', 'nasbench201.cells'), 'utf8');
  const line = text.split('\n').indexOf('cell nb201_0');
  const h = hover(analyze(text, { defaultSpace: 'nasbench101' }), { line, character: 6 });
  assert.ok(h);
  assert.match(h.markdown, /CIFAR-10 129\.3 K params · 15\.65 M FLOPs; CIFAR-100 135\.2 K params · 15\.65 M FLOPs; ImageNet16-120 136\.5 K params · 3\.92 M FLOPs/);
});

describe('arch2vec export / info (bundled CLI)', () => {
  test('export one cell to stdout: a module whose header names the cell, its id and the network', () => {
    const r = cli('export', 'examples/nasbench201.cells', '--cell', 'nb201_6111', '--format', 'pytorch');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^"""Cell `nb201_6111` \(NAS-Bench-201 index 6111\) as a PyTorch model\./);
    assert.match(r.out, /Network: NAS-Bench-201 TinyNetwork \(C=16, N=5/);
    assert.match(r.out, /Parameters: 1,073,466/);
    const imports = r.out.split('\n').filter((l) => /^(import|from) /.test(l));
    assert.deepEqual(imports, ['import torch', 'from torch import nn']);
    assert.match(r.out, /def build_model\(/);
    assert.match(r.out, /x3 = self\.edge_3_0\(x0\) \+ self\.edge_3_1\(x1\) \+ self\.edge_3_2\(x2\)/);
  });

  test('export --all writes one module per cell; --out FILE for one; refuses to overwrite a file it did not write', () => {
    const dir = join(tmp, 'all');
    const r = cli('export', 'examples/darts.cells', '--all', '--format', 'pytorch', '--out', dir);
    assert.equal(r.code, 0, r.err);
    for (const n of ['arch2vec_rl', 'arch2vec_bo', 'darts_v2']) assert.ok(existsSync(join(dir, `${n}.py`)), n);
    const again = cli('export', 'examples/darts.cells', '--all', '--format', 'pytorch', '--out', dir);
    assert.equal(again.code, 0, again.err);
    const mine = join(tmp, 'mine.py');
    writeFileSync(mine, 'print("my training script")\n');
    const refused = cli('export', 'examples/darts.cells', '--cell', 'darts_v2', '--format', 'pytorch', '--out', mine);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /not an arch2vec export; use --force/);
    assert.equal(readFileSync(mine, 'utf8'), 'print("my training script")\n');
    assert.equal(cli('export', 'examples/darts.cells', '--cell', 'darts_v2', '--format', 'pytorch', '--out', mine, '--force').code, 0);
    assert.match(readFileSync(mine, 'utf8'), /DARTS CIFAR evaluation network/);
  });

  test('export: usage errors exit 2, a cell with errors exits 1 with its location', () => {
    assert.equal(cli('export', 'examples/darts.cells', '--format', 'onnx', '--cell', 'darts_v2').code, 2);
    assert.equal(cli('export', 'examples/darts.cells', '--format', 'pytorch').code, 2); // 3 cells, none chosen
    assert.equal(cli('export', 'examples/darts.cells', '--cell', 'nope', '--format', 'pytorch').code, 2);
    assert.equal(cli('export', 'examples/darts.cells', '--cell', 'darts_v2', '--all', '--format', 'pytorch').code, 2);
    assert.equal(cli('export', 'examples/nasbench201.cells', '--cell', 'nb201_0', '--format', 'pytorch', '--dataset', 'imagenet').code, 2);
    const bad = join(tmp, 'bad.cells');
    writeFileSync(bad, 'space nasbench101\n\ncell broken\n  ops: input conv9x9 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n');
    const r = cli('export', bad, '--cell', 'broken', '--format', 'pytorch');
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.cells:3: cell broken cannot be exported: line 4: /);
  });

  test('info --json: id, params and FLOPs per cell, equal to the cost model', () => {
    const r = cli('info', 'examples/darts.cells', '--json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as { cell: string; space: string; id: string; params: number; flops: number; auxiliaryParams: number; dataset: string }[];
    assert.deepEqual(rows.map((x) => x.cell), ['arch2vec_rl', 'arch2vec_bo', 'darts_v2']);
    const v2 = rows[2];
    assert.equal(v2.params, 3349342);
    assert.equal(v2.flops, cellCost(example('darts_v2')).flops);
    assert.equal(v2.dataset, 'cifar10');
    const inet = JSON.parse(cli('info', 'examples/darts.cells', '--json', '--dataset', 'imagenet').out);
    assert.equal(inet[2].params, cellCost(example('darts_v2'), { dataset: 'imagenet' }).params);
    const human = cli('info', 'examples/nasbench201.cells');
    assert.match(human.out, /nb201_0\tnasbench201\t0\t129,306 params\t15\.65 M FLOPs/);
  });

  test('search --max-params / --max-flops: every evaluated cell fits (random search and evolution\'s mutations)', () => {
    for (const strategy of ['rs', 're']) {
      const r = cli('search', '--strategy', strategy, '--max-evals', '60', '--max-params', '300k', '--max-flops', '40M', '--seed', '2', '--json');
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /cost constraint: [\d,]+ of 15,625 cells have ≤ 300,000 parameters, ≤ 40,000,000 FLOPs/);
      const run = JSON.parse(r.out).runs[0] as { evaluationsList: { index: number }[] };
      assert.equal(run.evaluationsList.length, 60);
      for (const e of run.evaluationsList) {
        const k = cellCost({ space: 'nasbench201', ops: nb201OpsAt(e.index) });
        assert.ok(k.params <= 300_000 && k.flops <= 40e6, `${strategy}: nb201_${e.index} has ${k.params} params, ${k.flops} FLOPs`);
      }
    }
    assert.equal(cli('search', '--strategy', 'rs', '--max-evals', '5', '--max-params', 'lots').code, 2);
    assert.equal(cli('search', '--strategy', 'rs', '--max-evals', '5', '--max-params', '1000').code, 1); // no cell is that small
  });

  test('hash --json carries params and FLOPs', () => {
    const rows = JSON.parse(cli('hash', 'examples/nasbench201.cells', '--json').out);
    assert.equal(rows.find((x: { cell: string }) => x.cell === 'nb201_0').params, 129306);
    assert.equal(rows.find((x: { cell: string }) => x.cell === 'nb201_0').flops, 15647370);
  });
});

// ---------------------------------------------------------------------------------------------------
// PyTorch

function findTorchPython(): string | undefined {
  for (const c of [process.env.ARCH2VEC_PYTHON, 'python3', '/usr/bin/python3', 'python']) {
    if (c && spawnSync(c, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return c;
  }
  return undefined;
}
const PYTHON = findTorchPython();
const REQUIRE = process.env.ARCH2VEC_REQUIRE_TORCH === '1';
const skip = PYTHON ? false : REQUIRE ? false : 'PyTorch not installed (apt-get install python3-torch; CI requires it)';

interface Job { id: string; path?: string; source?: string; fast?: boolean; forward?: 'none' | 'meta' | 'real'; input?: number; batch?: number; train?: boolean }
interface Counted { id: string; params: number; params_main: number; printed: number; flops?: number; shape?: number[]; train_shape?: number[]; aux_shape?: number[] | null }

/** Runs the PyTorch counter on many modules in one process (building models is the slow part). */
function torchCount(jobs: Job[]): Promise<Map<string, Counted>> {
  if (!PYTHON) throw new Error('no python3 with torch: install Debian\'s python3-torch (or set ARCH2VEC_PYTHON)');
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [join(REPO, 'test', 'helpers', 'torch_count.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`torch_count.py exited ${code}: ${err.slice(-3000)}`));
      resolve(new Map(out.trim().split('\n').map((l) => JSON.parse(l) as Counted).map((c) => [c.id, c])));
    });
    p.stdin.end(JSON.stringify(jobs));
  });
}

const INPUT = { cifar10: 32, cifar100: 32, 'imagenet16-120': 16, imagenet: 224 } as const;

/** Exports every cell, counts them in PyTorch, and compares with the TypeScript numbers. */
async function checkAgainstTorch(cells: { id: string; spec: CellSpec; options?: NetworkOptions; flops: boolean }[]) {
  const expected = new Map<string, { params: number; flops: number; aux: number }>();
  const jobs: Job[] = cells.map((c) => {
    const m = exportPyTorch({ name: `cell_${c.id}`, spec: c.spec }, c.options);
    expected.set(c.id, { params: m.cost.params, flops: m.cost.flops, aux: m.cost.auxiliaryParams });
    return { id: c.id, source: m.text, fast: true, ...(c.flops ? { forward: 'meta' as const, input: INPUT[c.options?.dataset ?? 'cifar10'], batch: 1 } : {}) };
  });
  const got = await torchCount(jobs);
  const wrong: string[] = [];
  for (const c of cells) {
    const e = expected.get(c.id)!;
    const g = got.get(c.id);
    if (!g) wrong.push(`${c.id}: not counted`);
    else {
      if (g.params_main !== e.params || g.params !== e.params + e.aux || g.printed !== e.params) wrong.push(`${c.id}: params torch ${g.params_main} (+${g.params - g.params_main}) vs ts ${e.params} (+${e.aux})`);
      if (c.flops && g.flops !== e.flops) wrong.push(`${c.id}: flops torch ${g.flops} vs ts ${e.flops}`);
    }
  }
  assert.deepEqual(wrong, []);
  return got.size;
}

describe('exported modules in PyTorch', { skip }, () => {
  test('every example cell exports, imports cleanly, and gives logits of the right shape (eval and training)', async () => {
    const dir = mkdtempSync(join(tmp, 'examples-'));
    const jobs: Job[] = [];
    const classes = new Map<string, number>();
    for (const c of exampleCells) {
      const variants: NetworkOptions[] = c.spec.space === 'nasbench201' ? [{}, { dataset: 'imagenet16-120' }] : c.spec.space === 'darts' && c.name === 'darts_v2' ? [{}, { dataset: 'imagenet' }] : [{}];
      variants.forEach((o, i) => {
        const m = exportPyTorch({ name: c.name, spec: c.spec }, o);
        const path = join(dir, `${c.file}_${i}_${m.fileName}`.replace(/-/g, '_'));
        writeFileSync(path, m.text);
        classes.set(path, m.cost.network.classes);
        // Training mode (drop-path on, auxiliary head, backward) on the 32×32 networks; 224×224 in eval only.
        jobs.push({ id: path, path, forward: 'real', input: INPUT[o.dataset ?? 'cifar10'], batch: 2, train: o.dataset !== 'imagenet' });
      });
    }
    const got = await torchCount(jobs);
    for (const j of jobs) {
      const g = got.get(j.id)!;
      assert.deepEqual(g.shape, [2, classes.get(j.id)], j.id);
      if (!j.train) continue;
      assert.deepEqual(g.train_shape, [2, classes.get(j.id)], j.id);
      if (/darts/.test(j.id)) assert.deepEqual(g.aux_shape, [2, classes.get(j.id)], `${j.id}: auxiliary logits while training`);
    }
  });

  test('`python model.py` prints the parameter count', () => {
    const dir = mkdtempSync(join(tmp, 'main-'));
    for (const name of ['nb201_0', 'nb101_v7', 'darts_v2']) {
      const spec = example(name);
      const m = exportPyTorch({ name, spec });
      const path = join(dir, m.fileName);
      writeFileSync(path, m.text);
      const r = spawnSync(PYTHON!, [path], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^parameters: ${m.cost.params}\\n`), name);
    }
  });

  test('the knobs (channels, cells, dataset, auxiliary head) build the network the cost model counts', async () => {
    const cells = [
      { id: 'nb201_knobs', spec: example('nb201_6111'), options: { channels: 8, cells: 2, dataset: 'cifar100' as const }, flops: true },
      { id: 'nb101_knobs', spec: example('nb101_v7'), options: { channels: 64, cells: 1, dataset: 'imagenet16-120' as const }, flops: true },
      { id: 'darts_knobs', spec: example('arch2vec_bo'), options: { channels: 16, cells: 8, auxiliary: false }, flops: true },
      { id: 'darts_knobs_in', spec: example('darts_v2'), options: { channels: 24, cells: 5, dataset: 'imagenet' as const }, flops: true },
    ];
    assert.equal(await checkAgainstTorch(cells), 4);
  });

  test('NAS-Bench-201: PyTorch counts equal the TypeScript ones (every op-count class, 300 cells; FLOPs too)', async () => {
    // The parameter and FLOP counts of a NB201 network depend only on how many edges are 3x3 and
    // 1x1 convolutions: one cell of each of the 28 classes plus a seeded sample covers every op at
    // every edge and, through the classes, the counts of all 15,625 cells.
    const pick = rng(201);
    const codes = new Set<number>();
    const byClass = new Map<string, number>();
    for (let code = 0; code < NB201_SIZE; code++) {
      const ops = opsFromCode(code);
      const key = `${ops.filter((o) => o === 'nor_conv_3x3').length}/${ops.filter((o) => o === 'nor_conv_1x1').length}`;
      if (!byClass.has(key)) byClass.set(key, code);
    }
    assert.equal(byClass.size, 28);
    for (const c of byClass.values()) codes.add(c);
    while (codes.size < 300) codes.add(pick(NB201_SIZE));
    const datasets = ['cifar10', 'cifar100', 'imagenet16-120'] as const;
    const cells = [...codes].map((code, i) => ({ id: `nb201_${code}`, spec: { space: 'nasbench201', ops: opsFromCode(code) } as CellSpec, options: { dataset: datasets[i % 3] }, flops: true }));
    assert.equal(await checkAgainstTorch(cells), 300);
  });

  test('NAS-Bench-101: PyTorch counts equal the TypeScript ones (200 of the real cells; FLOPs too)', async () => {
    const cells = nb101Rows.slice(0, 200).map((r, i) => ({ id: `nb101_${i}`, spec: nb101Spec(r), flops: true }));
    assert.equal(await checkAgainstTorch(cells), 200);
  });

  test('DARTS: PyTorch counts equal the TypeScript ones (60 NAS-Bench-301 genotypes, CIFAR and ImageNet; FLOPs too)', async () => {
    const rows = sharedJsonl<Nb301Row>('darts/nb301_naslib_zc_subset.jsonl');
    const pick = rng(301);
    const cells = Array.from({ length: 60 }, (_, i) => {
      const r = rows[pick(rows.length)];
      const spec: CellSpec = { space: 'darts', normal: r.normal, reduce: r.reduce, reduceGiven: true };
      return { id: `darts_${i}`, spec, options: i % 10 === 0 ? { dataset: 'imagenet' as const } : i % 10 === 1 ? { auxiliary: false } : {}, flops: i % 2 === 0 };
    });
    // Every primitive the genotypes can hold, including `none`, in both cells.
    const all = DARTS_OPS.map((op, i) => [op, i % 2] as [string, number]);
    cells.push({ id: 'darts_all_ops', spec: { space: 'darts', normal: all, reduce: all, reduceGiven: true }, options: {}, flops: true });
    assert.equal(await checkAgainstTorch(cells), 61);
  });
});
