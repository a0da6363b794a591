/**
 * Issues 13 and 14 in the neighbours and search results: every listed cell carries the cost of its
 * benchmark network (the numbers `arch2vec info` prints), and, where it has no benchmark value, the
 * value the query's `.cells` file predicts for it (the editor's predictor and threshold) or measures.
 * Real data: 500 NAS-Bench-101 cells and 1,225 NB301 genotypes from ../shared, the shipped NB201 table,
 * a tiny DARTS model pretrained here (the neighbours' plumbing, not their quality).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import type { CellSpec, EngineNeighboursResult } from '../server/src/protocol';
import { specKey } from '../server/src/core/cellSpec';
import { cellCost } from '../server/src/core/export/cost';
import { cellText } from '../server/src/core/notation';
import { predictAnalysis } from '../server/src/core/predict/predictor';
import { nb201OpsAt, nb201Table } from '../server/src/core/spaces/nasbench201';
import { selectBackend } from '../server/src/engine/backend';
import { addFileValues, VIEW_MAX_MEASURED } from '../server/src/engine/query/listedCells';
import { runSearch } from '../server/src/engine/search/run';
import { EngineService } from '../server/src/engine/service';
import { pretrain } from '../server/src/engine/train/trainer';
import { REPO, sharedJsonl } from './helpers/shared';

const nb101 = sharedJsonl<{ matrix: number[][]; ops: string[]; val_acc: number }>('nasbench101/nb101_naslib_zc_subset.jsonl');
const nb301 = sharedJsonl<{ normal: [string, number][]; reduce: [string, number][]; val_acc: number }>('darts/nb301_naslib_zc_subset.jsonl');
const nb101Spec = (i: number): CellSpec => ({ space: 'nasbench101', matrix: nb101[i].matrix, ops: nb101[i].ops });

/** A `.cells` file: `measured` cells with `accuracy:`, then `unmeasured` cells without. */
function cellsFile(space: string, measured: { name: string; spec: CellSpec; acc: number }[], unmeasured: { name: string; spec: CellSpec }[] = []): string {
  return [`space ${space}`, ...measured.map((m) => cellText(m.name, m.spec, { accuracy: +m.acc.toFixed(4) })), ...unmeasured.map((u) => cellText(u.name, u.spec))].join('\n');
}

/** What `arch2vec predict` / the editor say about `specs` as unmeasured cells of `text`: name → [predicted, std]. */
function editorPredictions(text: string, specs: CellSpec[]): Map<string, [number, number]> {
  const space = specs[0].space;
  const all = `${text}\n${specs.map((s, i) => cellText(`listed_${i}`, s)).join('\n')}`;
  const sp = predictAnalysis(analyze(all, { defaultSpace: space }), { minMeasured: 10 }).find((x) => x.space === space)!;
  return new Map(sp.predictions.filter((p) => p.name.startsWith('listed_')).map((p) => [p.name, [p.predicted, p.std]]));
}

describe('file values of listed cells (engine/query/listedCells)', () => {
  // 30 measured NB101 cells of the real table; 12 other real cells are the listed ones, plus one measured.
  const measured = Array.from({ length: 30 }, (_, i) => ({ name: `m${i}`, spec: nb101Spec(i * 7), acc: nb101[i * 7].val_acc }));
  const text = cellsFile('nasbench101', measured);
  // Isomorphic duplicates in the table count once (with the mean of their values), as in the editor.
  const keys = measured.map((m) => specKey(m.spec));
  const distinct = new Set(keys).size;
  const single = measured.find((_, i) => keys.indexOf(keys[i]) === keys.lastIndexOf(keys[i]))!;
  // 12 other real architectures (distinct from each other and from the measured ones).
  const listedSpecs: CellSpec[] = [];
  for (let i = 300, seen = new Set(keys); listedSpecs.length < 12; i += 11) if (!seen.has(specKey(nb101Spec(i)))) seen.add(specKey(nb101Spec(i))) && listedSpecs.push(nb101Spec(i));

  test('unmeasured cells get the editor\'s prediction (same numbers as `arch2vec predict`), measured ones the file\'s value', () => {
    const listed = [...listedSpecs, single.spec].map((spec) => ({ spec, accuracies: undefined as Record<string, number> | undefined, fileValue: undefined as never }));
    const info = addFileValues('nasbench101', listed, (c) => !c.accuracies, {}, text, 'nasbench101')!;
    assert.equal(info.metric, 'accuracy');
    assert.ok(distinct >= 25);
    assert.equal(info.measured, distinct);
    assert.equal(info.minMeasured, 10);
    assert.equal(info.predicted, 12);
    assert.ok(info.loo && info.loo.kendallTau > 0.2, `a leave-one-out check is reported (τ ${info.loo?.kendallTau})`);
    const editor = editorPredictions(text, listedSpecs);
    listedSpecs.forEach((_, i) => {
      const v = listed[i].fileValue as unknown as { source: string; value: number; std: number };
      assert.equal(v.source, 'predicted');
      const [mean, std] = editor.get(`listed_${i}`)!;
      assert.ok(Math.abs(v.value - mean) < 1e-3 && Math.abs(v.std - std) < 1e-3, `cell ${i}: ${v.value} ± ${v.std} vs the editor's ${mean} ± ${std}`);
      assert.ok(v.value > 0 && v.value < 100 && v.std > 0);
    });
    assert.deepEqual(listed[12].fileValue, { metric: 'accuracy', source: 'measured', value: +single.acc.toFixed(4), cells: [single.name] });
  });

  test('below the threshold: nothing predicted, the reason says why; cells with benchmark values are left alone', () => {
    const listed = listedSpecs.map((spec) => ({ spec, fileValue: undefined }));
    const info = addFileValues('nasbench101', listed, () => true, { minMeasured: distinct + 1 }, text, 'nasbench101')!;
    assert.equal(info.predicted, 0);
    assert.ok(info.skipped!.endsWith(`the file has ${distinct} measured cells with \`accuracy:\`; predictions need at least ${distinct + 1} (distinct architectures)`), info.skipped);
    assert.ok(listed.every((c) => c.fileValue === undefined));
    assert.equal(addFileValues('nasbench101', listed, () => false, {}, text, 'nasbench101'), undefined, 'every listed cell has a benchmark value');
    assert.throws(() => addFileValues('nasbench101', listed, () => true, { metric: 'acuracy' }, text, 'nasbench101'), /predict\.metric: 'acuracy' is not a metric key/);
    // More measured cells than a view fits on: said, not attempted (the fit would stall the engine).
    const y = nb201Table().columns.get('cifar10_test_acc')!;
    const big = cellsFile('nasbench201', Array.from({ length: VIEW_MAX_MEASURED + 20 }, (_, i) => ({ name: `b${i}`, spec: { space: 'nasbench201', ops: nb201OpsAt(i * 31) } as CellSpec, acc: y[i * 31] })));
    const few201 = [{ spec: { space: 'nasbench201', ops: nb201OpsAt(5) } as CellSpec, fileValue: undefined }];
    const many = addFileValues('nasbench201', few201, () => true, {}, big, 'nasbench201')!;
    assert.ok(many.measured > VIEW_MAX_MEASURED && many.predicted === 0, `${many.measured} measured`);
    assert.match(many.skipped!, /the views fit predictors on at most 400 \(`arch2vec predict FILE` predicts from all of them\)/);
    assert.throws(() => addFileValues('nasbench101', listed, () => true, {}, undefined, 'nasbench101'), /predict needs the \.cells text/);
  });
});

describe('search results: costs and predictions (file objective)', () => {
  test('every suggestion has its network\'s params/FLOPs and the file\'s predicted accuracy; cost on the search\'s dataset', async () => {
    const y = nb201Table().columns.get('cifar10_test_acc')!;
    const measured = Array.from({ length: 14 }, (_, j) => { const i = 500 + j * 1013; return { name: `m${i}`, spec: { space: 'nasbench201', ops: nb201OpsAt(i) } as CellSpec, acc: y[i] }; });
    const text = cellsFile('nasbench201', measured);
    const r = await runSearch({ space: 'nasbench201', objective: 'file', strategy: 'rs', text, file: 'm.cells', k: 6, seeds: [3], predict: {} });
    assert.equal(r.suggestions!.length, 6);
    assert.equal(r.prediction!.predicted, 6);
    const editor = editorPredictions(text, r.suggestions!.map((s) => s.spec));
    r.suggestions!.forEach((s, i) => {
      const c = cellCost(s.spec);
      assert.deepEqual([s.params, s.flops, s.costDataset], [c.params, c.flops, 'cifar10']);
      const [mean, std] = editor.get(`listed_${i}`)!;
      assert.equal(s.fileValue!.source, 'predicted');
      assert.ok(Math.abs(s.fileValue!.value - mean) < 1e-3 && Math.abs(s.fileValue!.std! - std) < 1e-3);
    });
    // Without `predict` nothing is predicted, and a benchmark search counts on its own dataset's network.
    const plain = await runSearch({ space: 'nasbench201', objective: 'file', strategy: 'rs', text, file: 'm.cells', k: 2, seeds: [3] });
    assert.ok(plain.suggestions!.every((s) => s.fileValue === undefined) && plain.prediction === undefined);
    const bench = await runSearch({ space: 'nasbench201', objective: 'benchmark', strategy: 'rs', dataset: 'cifar100', maxEvals: 5, seeds: [1], traces: true });
    for (const c of bench.runs[0].top!) assert.deepEqual([c.params, c.costDataset], [cellCost(c.spec, { dataset: 'cifar100' }).params, 'cifar100']);
  });
});

describe('neighbours: costs and predictions', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-listed-'));
  const HOME = join(REPO, '.cache', 'test-home');
  let dartsModel = '';
  before(async () => {
    dartsModel = join(tmp, 'darts-model');
    await pretrain({ space: 'darts', modelDir: dartsModel, cacheDir: join(HOME, 'cache'), backend: await selectBackend('wasm'), dartsPool: 2000, train: { epochs: 1, seed: 3 }, validitySamples: 0, maxStepsPerEpoch: 10, threads: 1 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test('DARTS (no benchmark table): each neighbour and the query show params/FLOPs and the file\'s predicted accuracy', async () => {
    const measured = Array.from({ length: 12 }, (_, i) => ({ name: `g${i}`, spec: { space: 'darts', normal: nb301[i * 9].normal, reduce: nb301[i * 9].reduce, reduceGiven: true } as CellSpec, acc: nb301[i * 9].val_acc }));
    const query = { space: 'darts', normal: nb301[500].normal, reduce: nb301[500].normal, reduceGiven: false } as CellSpec;
    const text = cellsFile('darts', measured, [{ name: 'q', spec: query }]);
    const service = new EngineService('wasm');
    const r: EngineNeighboursResult = await service.neighbours({ text, cell: 'q', k: 6, modelDir: dartsModel, predict: {} });
    assert.equal(r.neighbours.length, 6);
    const qc = cellCost(query);
    assert.deepEqual([r.query.params, r.query.flops], [qc.params, qc.flops]);
    assert.equal(r.prediction!.measured, 12);
    const editor = editorPredictions(text, [query, ...r.neighbours.map((n) => n.spec)]);
    assert.ok(Math.abs(r.query.fileValue!.value - editor.get('listed_0')![0]) < 1e-3, 'the query itself is predicted too');
    const inFile = new Set(measured.map((m) => specKey(m.spec)));
    r.neighbours.forEach((n, i) => {
      const c = cellCost(n.spec);
      assert.deepEqual([n.params, n.flops, n.costDataset], [c.params, c.flops, 'cifar10'], `neighbour ${i}`);
      assert.equal(n.accuracies, undefined);
      if (inFile.has(specKey(n.spec))) assert.equal(n.fileValue!.source, 'measured');
      else {
        assert.equal(n.fileValue!.source, 'predicted');
        assert.ok(Math.abs(n.fileValue!.value - editor.get(`listed_${i + 1}`)![0]) < 1e-3);
      }
    });
    // Without predict: costs, no file values; the same request says nothing about predictions.
    const plain = await service.neighbours({ text, cell: 'q', k: 3, modelDir: dartsModel });
    assert.ok(plain.neighbours.every((n) => n.params !== undefined && n.fileValue === undefined) && plain.prediction === undefined);
  });

  test('CLI: neighbours --json params/FLOPs equal `arch2vec info --json` of the same cells; NB201 neighbours keep their benchmark values', () => {
    const file = join(tmp, 'nb201.cells');
    writeFileSync(file, `space nasbench201\ncell q\n  arch: ${cellText('x', { space: 'nasbench201', ops: nb201OpsAt(4321) }).split('arch: ')[1].trim()}\n`);
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, ARCH2VEC_HOME: join(tmp, 'home') } });
    const n = cli('neighbours', file, '--cell', 'q', '-k', '5', '--json');
    assert.equal(n.status, 0, n.stderr);
    const j = JSON.parse(n.stdout) as EngineNeighboursResult;
    assert.equal(j.prediction, undefined, 'every NB201 neighbour has a benchmark value');
    const listing = join(tmp, 'neighbours.cells');
    writeFileSync(listing, ['space nasbench201', ...j.neighbours.map((x) => cellText(`n${x.index}`, x.spec))].join('\n'));
    const info = JSON.parse(cli('info', listing, '--json').stdout) as { cell: string; params: number; flops: number }[];
    assert.deepEqual(j.neighbours.map((x) => [`n${x.index}`, x.params, x.flops]), info.map((x) => [x.cell, x.params, x.flops]));
    assert.ok(j.neighbours.every((x) => x.accuracies && x.fileValue === undefined));
    const human = cli('neighbours', file, '--cell', 'q', '-k', '2');
    assert.match(human.stdout, /^# 1: index 4321, distance 0\.0000, test accuracy .*, params [\d.]+ [KM], FLOPs [\d.]+ M$/m);
  });
});
