/**
 * Search objectives and the search loop (issue 4), in process: the benchmark objective's columns and
 * costs on known NB201 indices and the budget accounting of docs/reference-notes.md §5.3; the command objective against small
 * real evaluator scripts (test/fixtures/evaluators) that fail, hang and lie, run in parallel, with a
 * results log a restarted search re-uses without re-running anything; cancellation; the file
 * objective's observations; identical seeds ⇒ identical traces.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { formatArch, NB201_SIZE, nb201Index, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { encodeTable } from '../server/src/core/table';
import {
  BenchmarkError, BenchmarkObjective, CommandError, CommandObjective, EVALUATOR_CONTRACT, EVALUATOR_CONTRACT_SUMMARY, FileObjectiveError, fileObservations,
  parseEvaluatorResult, ResultsLog,
} from '../server/src/engine/search/objectives';
import { createNb201Pool } from '../server/src/engine/search/pool';
import { meanStd, REWARD_SCALE, runSearch, searchLoop, type SearchDeps } from '../server/src/engine/search/run';
import type { Observation, SearchStrategy } from '../server/src/engine/search/types';
import { REPO } from './helpers/shared';

const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-search-obj-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const EVAL = join(REPO, 'test', 'fixtures', 'evaluators');

/** A stub strategy asking a fixed list of indices in order, recording what it is told. */
class ListStrategy implements SearchStrategy {
  readonly name = 'rs' as const;
  private next = 0;
  readonly told: Observation[] = [];
  constructor(private readonly list: number[]) {}
  ask(n: number): number[] {
    const out = this.list.slice(this.next, this.next + n);
    this.next += out.length;
    return out;
  }
  tell(obs: Observation[]) {
    this.told.push(...obs);
  }
}

/** First indices (in NB201 order) with index % 8 === r, for r = 0..7: one of each mixed.mjs behaviour. */
const byBehaviour = (offset: number) => Array.from({ length: 8 }, (_, r) => 8 * offset + r);

describe('benchmark objective (NAS-Bench-201 table)', () => {
  test('columns, reported val/test and simulated costs on known indices', () => {
    const c10 = new BenchmarkObjective({ dataset: 'cifar10' });
    const e = c10.evaluate(6111); // the CIFAR-10 optimum
    assert.ok(Math.abs(e.reward - 84.384) < 1e-3, String(e.reward)); // hp12 cifar10-valid valid (12 epochs)
    assert.ok(Math.abs(e.val! - 91.6067) < 1e-3, String(e.val)); // 200-epoch cifar10-valid valid
    assert.ok(Math.abs(e.report! - 94.3733) < 1e-3, String(e.report)); // 200-epoch CIFAR-10 test
    assert.ok(Math.abs(e.cost - 177.331) < 1e-2, String(e.cost));
    assert.equal(c10.defaultBudget, 12_000);
    assert.deepEqual({ ...c10.columns, notes: undefined }, { reward: 'hp12_cifar10_valid_valid_acc', val: 'cifar10_valid_valid_acc', test: 'cifar10_test_acc', cost: 'arch2vec_time_cost_est', notes: undefined });
    assert.equal((c10.metadata().columns as { val: string }).val, 'cifar10_valid_valid_acc');
    const e0 = c10.evaluate(0);
    assert.ok(Math.abs(e0.cost - 89.202) < 1e-2 && Math.abs(e0.reward - 63.364) < 1e-3);

    const c100 = new BenchmarkObjective({ dataset: 'cifar100' });
    const f = c100.evaluate(6111);
    assert.ok(Math.abs(f.reward - 60.2) < 1e-3 && f.val === f.reward, `${f.reward} ${f.val}`); // no 200-epoch val: the 12-epoch reward
    assert.ok(Math.abs(f.report! - 73.22) < 1e-3 && Math.abs(f.cost - 5731.61) < 1e-1);
    assert.equal(c100.columns.val, 'hp12_cifar100_valid_acc');
    assert.match(c100.columns.notes.join('\n'), /no 200-epoch validation/);
    assert.equal(c100.defaultBudget, 500_000);

    const im = new BenchmarkObjective({ dataset: 'imagenet16-120' });
    const g = im.evaluate(284);
    assert.ok(Math.abs(g.reward - 22.2) < 1e-3 && Math.abs(g.report! - 32.4667) < 1e-3 && Math.abs(g.cost - 5887.96) < 1e-1);
    assert.equal(im.columns.cost, 'arch2vec_time_cost_est_imagenet16_120');
    assert.equal(im.defaultBudget, 1_400_000);

    const bad = c10.evaluate(NB201_SIZE);
    assert.ok(Number.isNaN(bad.reward) && /outside/.test(bad.error!));
  });

  test('--table: another table file; missing columns and wrong sizes are clear errors', () => {
    const rows = NB201_SIZE;
    const cols = ['hp12_cifar100_valid_acc', 'cifar100_valid_acc', 'cifar100_test_acc', 'arch2vec_time_cost_est_cifar100'];
    const data = Object.fromEntries(cols.map((c, k) => [c, Float32Array.from({ length: rows }, (_, i) => (k === 3 ? 100 : (i % 100) + k))]));
    const file = join(tmp, 'mine.table');
    writeFileSync(file, encodeTable({ rows, columns: cols.map((name) => ({ name, dtype: 'f32', description: name })), provenance: { benchmark: 'test' } }, data));
    const o = new BenchmarkObjective({ dataset: 'cifar100', table: file });
    assert.equal(o.columns.val, 'cifar100_valid_acc'); // a 200-epoch validation column is preferred when the table has one
    const e = o.evaluate(250);
    assert.deepEqual([e.reward, e.val, e.report, e.cost], [50, 51, 52, 100]);
    assert.throws(() => new BenchmarkObjective({ dataset: 'cifar10', table: file }), (err: Error) => err instanceof BenchmarkError && /no column hp12_cifar10_valid_valid_acc/.test(err.message));
    const small = join(tmp, 'small.table');
    writeFileSync(small, encodeTable({ rows: 3, columns: [{ name: 'x', dtype: 'f32', description: '' }], provenance: {} }, { x: [1, 2, 3] }));
    assert.throws(() => new BenchmarkObjective({ dataset: 'cifar10', table: small }), /15625 rows/);
    assert.throws(() => new BenchmarkObjective({ dataset: 'cifar10', table: join(tmp, 'nope.table') }), /cannot read benchmark table .*ENOENT/);
  });

  test('budget accounting (§5.3): query while the cumulative cost is below the budget; --max-evals', async () => {
    const obj = new BenchmarkObjective({ dataset: 'cifar10' });
    const list = Array.from({ length: 500 }, (_, i) => (i * 7919) % NB201_SIZE);
    const r = await searchLoop(new ListStrategy(list), obj, { budget: 12_000 });
    assert.equal(r.stopped, 'budget');
    const n = r.evaluations.length;
    const costs = list.slice(0, n).map((i) => obj.evaluate(i).cost);
    const before = costs.slice(0, -1).reduce((a, b) => a + b, 0);
    assert.ok(before < 12_000 && before + costs[n - 1] >= 12_000, `${before} + ${costs[n - 1]}`);
    assert.ok(Math.abs(r.budgetUsed - (before + costs[n - 1])) < 1e-6);
    assert.equal(r.trace.length, n);
    assert.ok(Math.abs(r.trace.at(-1)!.budget - r.budgetUsed) < 1e-9);
    // The best is the best by reward; its reported test accuracy rides along; traces are monotone.
    const rewards = list.slice(0, n).map((i) => obj.evaluate(i).reward);
    const bestI = list[rewards.indexOf(Math.max(...rewards))];
    assert.equal(r.best!.index, bestI);
    assert.equal(r.trace.at(-1)!.bestIndex, bestI);
    assert.equal(r.trace.at(-1)!.bestReport, obj.evaluate(bestI).report);
    for (let i = 1; i < n; i++) assert.ok(r.trace[i].bestReward >= r.trace[i - 1].bestReward);

    const s = new ListStrategy(list);
    const m = await searchLoop(s, obj, { budget: 12_000, maxEvals: 7 });
    assert.equal(m.stopped, 'max-evals');
    assert.equal(m.evaluations.length, 7);
    assert.deepEqual(s.told.map((o) => o.reward), list.slice(0, 7).map((i) => obj.evaluate(i).reward * REWARD_SCALE)); // told as fractions
    const ex = await searchLoop(new ListStrategy([1, 2, 3]), obj, { budget: 1e9 });
    assert.equal(ex.stopped, 'exhausted');
  });

  test('meanStd is the population std (numpy default, as the reference summary)', () => {
    assert.deepEqual(meanStd([1, 3, null]), { mean: 2, std: 1, n: 2 });
    assert.deepEqual(meanStd([]), { mean: null, std: null, n: 0 });
  });
});

describe('command objective (real evaluator scripts)', () => {
  test('the evaluator contract: a result line or a last-line JSON object, in one declared unit; nothing guessed', () => {
    assert.deepEqual(parseEvaluatorResult('epoch 1 loss 0.3\naccuracy: 93.25\n'), { accuracy: 93.25, from: 'result line' });
    assert.deepEqual(parseEvaluatorResult('accuracy: 12\nepoch 2\nAccuracy = 91.5 %\nsaved'), { accuracy: 91.5, from: 'result line' }); // the last result line
    assert.deepEqual(parseEvaluatorResult('training...\n{"accuracy": 93.1, "cost": 812}\n'), { accuracy: 93.1, cost: 812, from: 'JSON result' });
    // Issue 9.2: what "the last number, a fraction when <= 1" misread. Each is now a failure with a reason, not 100 % or 7 %.
    for (const out of ['val_acc 1.0000', 'finished epoch 1', 'saved to /tmp/run7', '1', 'acc=0.9312', 'final 9.1e1%']) {
      const r = parseEvaluatorResult(out);
      assert.ok('error' in r, `${JSON.stringify(out)} was read as ${JSON.stringify(r)}`);
      assert.match(r.error, /no result line: print 'accuracy: 93.1' or a last line \{"accuracy": 93.1\} \(last output: '/);
    }
    // percent (default): 1 means 1 %, never switched to a fraction per value.
    assert.deepEqual(parseEvaluatorResult('accuracy: 1.0000'), { accuracy: 1, from: 'result line' });
    assert.deepEqual(parseEvaluatorResult('accuracy: 0.9'), { accuracy: 0.9, from: 'result line' });
    assert.deepEqual(parseEvaluatorResult('accuracy: 0.931', { scale: 'fraction' }), { accuracy: 93.10000000000001, from: 'result line' });
    assert.match((parseEvaluatorResult('accuracy: 93.1', { scale: 'fraction' }) as { error: string }).error, /accuracy 93.1 is outside 0..1 \(--scale fraction\) \(a percentage\?/);
    assert.match((parseEvaluatorResult('accuracy: 250') as { error: string }).error, /accuracy 250 is outside 0..100 \(--scale percent\)/);
    assert.match((parseEvaluatorResult('accuracy: -3') as { error: string }).error, /outside 0..100/);
    assert.match((parseEvaluatorResult('accuracy: nan') as { error: string }).error, /not a finite number/);
    assert.match((parseEvaluatorResult('accuracy: inf') as { error: string }).error, /not a finite number/);
    assert.match((parseEvaluatorResult('') as { error: string }).error, /no output on stdout/);
    assert.match((parseEvaluatorResult('{"accuracy": "93"}') as { error: string }).error, /no numeric "accuracy"/);
    assert.match((parseEvaluatorResult('{"accuracy": 93, "cost": -1}') as { error: string }).error, /"cost" must be a non-negative number/);
    assert.match((parseEvaluatorResult('{"accuracy": 93,}') as { error: string }).error, /does not parse/);
    // --metric-regex for scripts users cannot change: the last match, group 1 (else the whole match), same scale rules.
    assert.deepEqual(parseEvaluatorResult('val_acc 0.5\nval_acc 0.9312\n', { metricRegex: String.raw`val_acc (\S+)`, scale: 'fraction' }), { accuracy: 93.12, from: '--metric-regex' });
    assert.deepEqual(parseEvaluatorResult('top1=88.5', { metricRegex: String.raw`(?<=top1=)[\d.]+` }), { accuracy: 88.5, from: '--metric-regex' });
    assert.match((parseEvaluatorResult('val_acc 0.9', { metricRegex: 'top1 (\\S+)' }) as { error: string }).error, /--metric-regex 'top1 \(\\S\+\)' does not match the output/);
    assert.match((parseEvaluatorResult('val_acc 1.0000', { metricRegex: String.raw`val_acc (\S+)` }) as { accuracy: number }).accuracy.toString(), /^1$/);
    assert.throws(() => new CommandObjective({ command: 'x {cell}', log: join(tmp, 'r.jsonl'), metricRegex: '(' }), /not a regular expression/);
    assert.throws(() => new CommandObjective({ command: 'x {cell}', log: join(tmp, 'r.jsonl'), scale: 'ratio' as 'percent' }), /--scale takes percent or fraction/);
    assert.match(EVALUATOR_CONTRACT_SUMMARY, /accuracy: 93.1/);
    assert.match(EVALUATOR_CONTRACT, /\{cell\}.*\n.*\{json\}/s);
  });

  test('the shipped example evaluator follows the contract', { skip: spawnSync('python3', ['--version']).status !== 0 && 'python3 is not installed' }, () => {
    const cell = join(tmp, 'ex.cells');
    writeFileSync(cell, `cell c\n  space: nasbench201\n  arch: ${formatArch(nb201OpsAt(6111))}\n`);
    const r = spawnSync('python3', [join(REPO, 'examples', 'evaluators', 'evaluate.py'), cell], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const p = parseEvaluatorResult(r.stdout);
    assert.ok('accuracy' in p && p.accuracy > 0 && p.accuracy <= 100, r.stdout);
  });

  test('a failing, a hanging and a lying evaluator are recorded against their cells; the search goes on', async () => {
    const log = join(tmp, 'mixed.jsonl');
    const count = join(tmp, 'mixed.count');
    process.env.EVAL_COUNT_FILE = count;
    const obj = new CommandObjective({ command: `node ${EVAL}/mixed.mjs {json}`, parallel: 4, timeout: 1.5, log, killGrace: 0.5 });
    const list = byBehaviour(3); // 24..31
    const t0 = performance.now();
    const r = await searchLoop(new ListStrategy(list), obj, { maxEvals: 8 });
    const wall = (performance.now() - t0) / 1000;
    obj.close();
    delete process.env.EVAL_COUNT_FILE;
    assert.equal(r.stopped, 'max-evals');
    assert.equal(r.evaluations.length, 8);
    assert.ok(wall < 8, `parallel evaluations took ${wall} s`);
    const by = new Map(r.evaluations.map((e) => [e.index, e]));
    const reason = (i: number) => by.get(i)!.error ?? '';
    assert.match(reason(24), /exited with code 3: .*CUDA out of memory/);
    assert.match(reason(25), /timed out after 1.5 s/);
    assert.ok(by.get(25)!.cost >= 1.4, String(by.get(25)!.cost));
    assert.match(reason(26), /no result line: .*last output: 'finished epoch 1; saved to \/tmp\/run7'/);
    assert.match(reason(27), /not a finite number/);
    assert.match(reason(28), /no output/);
    assert.match(reason(29), /outside 0..100/);
    for (const i of [24, 25, 26, 27, 28, 29]) assert.ok(Number.isNaN(by.get(i)!.reward), `${i}`);
    assert.equal(by.get(30)!.reward, 90); // a JSON result
    assert.equal(by.get(30)!.cost, 7); // with the cost it reported
    assert.equal(by.get(31)!.reward, 60 + (31 % 97) / 4);
    assert.equal(r.best!.index, 30); // 90 % beats 67.75 %
    // Every evaluation is in the log with its reason; the cell files held the right cells.
    const entries = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(entries.length, 8);
    for (const e of entries) assert.equal(e.arch, formatArch(nb201OpsAt(e.index)));
    assert.equal(entries.find((e) => e.index === 25).timedOut, 1.5);
    assert.deepEqual(readFileSync(count, 'utf8').trim().split('\n').map(Number).sort(), list.slice().sort());
  });

  test('a restarted search re-uses finished evaluations without running them again', async () => {
    const log = join(tmp, 'resume.jsonl');
    const count = join(tmp, 'resume.count');
    process.env.EVAL_COUNT_FILE = count;
    const command = `node ${EVAL}/ok.mjs {cell}`;
    const list = [10, 20, 30, 40, 50, 60, 70, 80];
    const first = new CommandObjective({ command, parallel: 2, log });
    const a = await searchLoop(new ListStrategy(list), first, { maxEvals: 5 });
    first.close();
    assert.equal(first.ran, 5);
    // A torn last line (the process died mid-write) is skipped, and the next append is not glued to it.
    writeFileSync(log, readFileSync(log, 'utf8') + '{"v":1,"command":');
    const second = new CommandObjective({ command, parallel: 2, log });
    const b = await searchLoop(new ListStrategy(list), second, { maxEvals: 8 });
    second.close();
    delete process.env.EVAL_COUNT_FILE;
    assert.equal(second.reused, 5);
    assert.equal(second.ran, 3);
    const invoked = readFileSync(count, 'utf8').trim().split('\n');
    assert.equal(invoked.length, 8, invoked.join(' '));
    assert.deepEqual(invoked.slice().sort(), list.map((i) => `nb201_${i}`).sort());
    // Reused evaluations keep their reward and cost (same budget accounting as the first run).
    for (const e of a.evaluations) {
      const again = b.evaluations.find((x) => x.index === e.index)!;
      assert.equal(again.reused, true);
      assert.equal(again.reward, e.reward);
      assert.equal(again.cost, e.cost);
    }
    assert.equal(new ResultsLog(log).size, 8);
    // Another command is another evaluator: nothing is reused.
    const other = new CommandObjective({ command: `${command} --other`, log });
    await other.evaluate(10, new AbortController().signal);
    other.close();
    assert.equal(other.ran, 1);
  });

  test('a timed-out evaluation is re-run under a longer timeout, not under the same one', async () => {
    const log = join(tmp, 'timeout.jsonl');
    const command = `node ${EVAL}/mixed.mjs {json}`;
    const sig = new AbortController().signal;
    const a = new CommandObjective({ command, timeout: 0.5, log, killGrace: 0.2 });
    assert.match((await a.evaluate(1, sig)).error!, /timed out/);
    a.close();
    const b = new CommandObjective({ command, timeout: 0.5, log });
    assert.equal((await b.evaluate(1, sig)).reused, true);
    b.close();
    const c = new CommandObjective({ command, timeout: 0.8, log, killGrace: 0.2 });
    const ev = await c.evaluate(1, sig);
    c.close();
    assert.equal(ev.reused, undefined);
    assert.match(ev.error!, /timed out after 0.8 s/);
  });

  test('cancelling stops at once, kills evaluations in flight, does not log them, returns the best so far', async () => {
    const log = join(tmp, 'cancel.jsonl');
    process.env.EVAL_SLEEP_MS = '400';
    const obj = new CommandObjective({ command: `node ${EVAL}/ok.mjs {cell}`, parallel: 2, log, killGrace: 0.2 });
    const ctl = new AbortController();
    let seen = 0;
    const t0 = performance.now();
    const r = await searchLoop(new ListStrategy(Array.from({ length: 100 }, (_, i) => i)), obj, {
      maxEvals: 100, signal: ctl.signal, onEvaluation: () => {
        if (++seen === 3) ctl.abort();
      },
    });
    obj.close();
    delete process.env.EVAL_SLEEP_MS;
    assert.equal(r.stopped, 'cancelled');
    assert.equal(r.evaluations.length, 3);
    assert.ok(r.best && Number.isFinite(r.best.reward));
    assert.ok((performance.now() - t0) / 1000 < 6);
    assert.equal(new ResultsLog(log).size, 3);
  });

  test('bad templates are refused', () => {
    assert.throws(() => new CommandObjective({ command: 'python train.py', log: join(tmp, 'x.jsonl') }), (e: Error) => e instanceof CommandError && /\{cell\}/.test(e.message));
    assert.throws(() => new CommandObjective({ command: '  ', log: join(tmp, 'x.jsonl') }), CommandError);
    assert.ok(!existsSync(join(tmp, 'x.jsonl')));
  });
});

describe('file objective', () => {
  const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
  test('measured NB201 cells are the observations; other spaces and invalid cells are clear errors', () => {
    const text = `space nasbench201\ncell a\n  arch: ${BEST}\n  accuracy: 94\ncell b\n  arch: ${BEST}\n  accuracy: 92\ncell c\n  arch: ${formatArch(nb201OpsAt(7))}\n  accuracy: 80.5\ncell d\n  arch: ${formatArch(nb201OpsAt(8))}\n`;
    const o = fileObservations(text, 'x.cells');
    assert.equal(o.unmeasured, 1);
    assert.deepEqual(o.observations.map((x) => [x.index, x.reward, x.cells]), [[nb201Index(nb201OpsAt(6111)), 93, ['a', 'b']], [7, 80.5, ['c']]]);
    const nb101 = `cell m\n  space: nasbench101\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n  accuracy: 91\n`;
    assert.throws(() => fileObservations(nb101, 'y.cells'), (e: Error) => e instanceof FileObjectiveError && /y\.cells:1: cell 'm' is a nasbench101 cell: .*NAS-Bench-201 only/.test(e.message));
    assert.throws(() => fileObservations(`cell q\n  arch: |conv9~0|+|a~0|b~1|+|c~0|d~1|e~2|\n  accuracy: 90\n`, 'z.cells'), /cell 'q' has an accuracy but is not a valid cell/);
    assert.throws(() => fileObservations(`cell q\n  arch: ${BEST}\n`, 'w.cells'), /no NAS-Bench-201 cell with a measured `accuracy:`/);
  });
});

describe('runSearch (the request the CLI and the engine share)', () => {
  const pool = createNb201Pool();
  // Trivial stub strategies (seeded lists) keep this independent of the real ones (test/search-cli covers those).
  const deps: SearchDeps = {
    createPool: () => pool,
    createStrategy: (_name, { seed }) => new ListStrategy(Array.from({ length: 400 }, (_, i) => (seed * 104729 + i * 7919) % NB201_SIZE)),
  };

  test('per-seed results, mean ± std over seeds, traces only when asked; identical seeds, identical traces', async () => {
    const p = { space: 'nasbench201', objective: 'benchmark' as const, strategy: 'rs' as const, dataset: 'cifar100' as const, seeds: [1, 2, 3], traces: true };
    const a = await runSearch(p, { deps });
    assert.deepEqual(Object.keys(a), ['space', 'objective', 'strategy', 'dataset', 'model', 'budget', 'maxEvals', 'objectiveInfo', 'summary', 'runs', 'stopped', 'seconds']);
    assert.equal(a.budget, 500_000);
    assert.equal(a.runs.length, 3);
    assert.equal(a.summary.test.n, 3);
    const tests = a.runs.map((r) => r.best!.test!);
    assert.ok(Math.abs(a.summary.test.mean! - tests.reduce((x, y) => x + y) / 3) < 1e-9);
    for (const r of a.runs) {
      assert.equal(r.trace!.length, r.evaluations);
      assert.equal(r.trace!.at(-1)!.bestIndex, r.best!.index);
      // Metrics named as the examples name them, each saying which dataset, split and epochs it is.
      assert.match(r.best!.cell, /^cell nb201_\d+\n  space: nasbench201\n  arch: \|.*\n  accuracy: [\d.]+ +# CIFAR-100 test, 200 epochs \(NAS-Bench-201\)\n  val_accuracy: [\d.]+ +# CIFAR-100 validation, 12 epochs\n$/);
      assert.ok(r.best!.cell.includes(`  accuracy: ${Math.round(r.best!.test! * 100) / 100} `), 'accuracy is the reported test accuracy');
    }
    const b = await runSearch(p, { deps });
    assert.deepEqual(b.runs.map((r) => r.trace), a.runs.map((r) => r.trace));
    const c = await runSearch({ ...p, traces: false }, { deps });
    assert.equal(c.runs[0].trace, undefined);
  });

  test('progress after every evaluation; cancelling returns the best so far', async () => {
    const ctl = new AbortController();
    let n = 0;
    const r = await runSearch({ space: 'nasbench201', objective: 'benchmark', strategy: 'rs', seeds: [1, 2, 3] }, {
      deps, signal: ctl.signal, onProgress: (p) => {
        assert.equal(p.best.evaluations, p.evaluations);
        if (++n === 30) ctl.abort();
      },
    });
    assert.equal(r.stopped, 'cancelled');
    assert.equal(r.runs.length, 1);
    assert.equal(r.runs[0].stopped, 'cancelled');
    assert.equal(r.runs[0].evaluations, 30);
    assert.ok(r.runs[0].best);
  });
});
