/**
 * `arch2vec search` through the bundled CLI (dist/cli.js; run `npm run build` first) and the engine
 * process's engine/search: exit codes, the --json shape, identical seeds ⇒ identical traces, the
 * shipped NB201 model for bo / rl, the command objective with real evaluator scripts (parallel,
 * results log beside --out, Ctrl-C prints the best so far and a rerun does not re-run finished
 * evaluations), the file objective's suggestions, and the quick mode of bench/search.ts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMessageConnection, RequestType, NotificationType, CancellationTokenSource, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { analyze } from '../server/src/core/analyze';
import { formatArch, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import {
  ENGINE_METHODS, ENGINE_SEARCH_PROGRESS, type EngineSearchParams, type EngineSearchProgressParams, type EngineSearchResult,
} from '../server/src/protocol';
import { formatBench, runBench } from '../bench/search';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const ENGINE = join(REPO, 'dist', 'engine.js');
const EVAL = join(REPO, 'test', 'fixtures', 'evaluators');
const home = mkdtempSync(join(tmpdir(), 'arch2vec-search-cli-'));
// No trained models under this home: bo / rl use the shipped models/nasbench201.
const env: NodeJS.ProcessEnv = { ...process.env, ARCH2VEC_HOME: home };
delete env.ARCH2VEC_MODELS_DIR;

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, 'search', ...args], { cwd: REPO, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const errorsIn = (text: string) => analyze(text, { defaultSpace: 'nasbench201' }).diagnostics.filter((d) => d.severity === 'error');

before(() => assert.ok(existsSync(CLI) && existsSync(ENGINE), 'dist/ is missing: run npm run build'));
after(() => rmSync(home, { recursive: true, force: true }));

describe('arch2vec search --objective benchmark', () => {
  test('--json: shape, per-seed traces; identical seeds give identical traces', () => {
    const args = ['--space', 'nasbench201', '--objective', 'benchmark', '--dataset', 'cifar10', '--strategy', 're', '--seeds', '1..3', '--json'];
    const a = cli(args);
    assert.equal(a.code, 0, a.err);
    const j = JSON.parse(a.out) as EngineSearchResult;
    assert.deepEqual(Object.keys(j), ['space', 'objective', 'strategy', 'dataset', 'model', 'budget', 'maxEvals', 'objectiveInfo', 'summary', 'runs', 'stopped', 'seconds']);
    assert.equal(j.budget, 12_000);
    assert.equal(j.model, null); // re searches the discrete encoding
    assert.deepEqual(Object.keys(j.summary), ['seeds', 'reward', 'val', 'test']);
    assert.deepEqual((j.objectiveInfo.columns as { val: string }).val, 'cifar10_valid_valid_acc');
    assert.deepEqual(j.runs.map((r) => r.seed), [1, 2, 3]);
    for (const r of j.runs) {
      assert.deepEqual(Object.keys(r), ['seed', 'best', 'evaluations', 'failed', 'budgetUsed', 'stopped', 'seconds', 'trace', 'evaluationsList', 'top']);
      assert.equal(r.stopped, 'budget');
      assert.equal(r.trace!.length, r.evaluations);
      assert.deepEqual(Object.keys(r.trace![0]), ['evaluations', 'budget', 'bestReward', 'bestReport', 'bestIndex']);
      assert.ok(r.budgetUsed >= 12_000 && r.trace!.at(-2)!.budget < 12_000);
      assert.equal(r.best!.arch, formatArch(nb201OpsAt(r.best!.index)));
      // The top cells of the seed: distinct, best first, the best-by-reward cell among them.
      const top = r.top!;
      assert.ok(top.length >= 1 && top.length <= 5);
      assert.equal(new Set(top.map((c) => c.index)).size, top.length);
      for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].reward! >= top[i].reward!);
      assert.equal(top[0].reward, r.best!.reward);
    }
    const b = JSON.parse(cli(args).out) as EngineSearchResult;
    assert.deepEqual(b.runs.map((r) => r.trace), j.runs.map((r) => r.trace));
    assert.deepEqual(b.summary, j.summary);
  });

  test('human output: mean ± std over seeds, then the found cells as valid .cells text; --out writes it', () => {
    const out = join(home, 'found.cells');
    const r = cli(['--dataset', 'cifar100', '--strategy', 'rs', '--seeds', '4', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# arch2vec search: NAS-Bench-201 cifar100 benchmark, strategy rs, 4 seeds, budget 500,000 simulated s$/m);
    assert.match(r.out, /^# reward hp12_cifar100_valid_acc; val = hp12_cifar100_valid_acc \(12-epoch: no 200-epoch validation accuracy in the table\); test = cifar100_test_acc/m);
    assert.match(r.out, /^#   validation accuracy  \d+\.\d\d ± \d+\.\d\d$/m);
    assert.match(r.out, /^#   test accuracy        \d+\.\d\d ± \d+\.\d\d$/m);
    assert.match(r.out, /^cell nb201_\d+\n  space: nasbench201\n  arch: \|/m);
    assert.deepEqual(errorsIn(r.out), []);
    assert.equal(readFileSync(out, 'utf8'), r.out);
  });

  test('bo and rl search the shipped model\'s embeddings; --max-evals bounds them', () => {
    for (const strategy of ['bo', 'rl']) {
      const r = cli(['--strategy', strategy, '--seed', '7', '--max-evals', '20', '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as EngineSearchResult;
      assert.deepEqual(j.model, { dir: join(REPO, 'models', 'nasbench201'), source: 'shipped' });
      assert.equal(j.runs[0].evaluations, 20);
      assert.equal(j.runs[0].stopped, 'max-evals');
      assert.equal(j.maxEvals, 20);
      if (strategy === 'bo') assert.equal(j.eiVariant, 'standard');
    }
  });

  test('usage errors exit 2, failures exit 1', () => {
    for (const args of [['--strategy', 'bogus'], ['--dataset', 'cifar11'], ['--objective', 'command'], ['--frobnicate'], ['--seeds', '5..1'], ['--objective', 'file'],
      ['--space', 'nasbench101'], ['--seed', '1', '--seeds', '3'], ['--objective', 'command', '--command', 'python train.py', '--max-evals', '2'],
      ['--objective', 'command', '--command', 'x {cell}'], ['--strategy', 'rs', '--ei-variant', 'reference'], ['--budget', '-5']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, /^arch2vec: /m);
    }
    const nb101 = join(home, 'nb101.cells');
    writeFileSync(nb101, 'cell m\n  space: nasbench101\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n  accuracy: 91\n');
    for (const args of [['--table', join(home, 'missing.table')], ['--objective', 'file', nb101], ['--strategy', 'bo', '--model', join(home, 'no-model')]]) {
      const r = cli(args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    }
    assert.match(cli(['--objective', 'file', nb101]).err, /nasbench101 cell: --objective file searches NAS-Bench-201 only/);
  });
});

describe('arch2vec search --objective command', () => {
  test('parallel evaluations of a real script; the results log sits beside --out', () => {
    const out = join(home, 'cmd.json');
    const r = cli(['--objective', 'command', '--command', `node ${EVAL}/ok.mjs {cell}`, '--strategy', 'rs', '--seed', '2', '--max-evals', '4', '--parallel', '2', '--timeout', '30', '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^#   accuracy             \d+\.\d\d ± 0\.00$/m);
    assert.match(r.out, /^  accuracy: [\d.]+$/m);
    assert.deepEqual(errorsIn(r.out), []);
    const log = join(home, 'cmd.evaluations.jsonl');
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 4);
    const j = JSON.parse(readFileSync(out, 'utf8')) as EngineSearchResult;
    assert.equal(j.runs[0].evaluations, 4);
    assert.equal(j.objectiveInfo.log, log);
    assert.equal(j.runs[0].trace!.length, 4); // a .json --out carries the traces
  });

  test('a python3 evaluator ({cell} = a .cells file)', { skip: spawnSync('python3', ['--version']).status !== 0 && 'no python3' }, () => {
    const r = cli(['--objective', 'command', '--command', `python3 ${EVAL}/train.py {cell}`, '--strategy', 'rs', '--max-evals', '2', '--log', join(home, 'py.jsonl'), '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as EngineSearchResult;
    for (const e of j.runs[0].evaluationsList!) assert.equal(e.reward, 70 + 4 * nb201OpsAt(e.index).filter((o) => o === 'nor_conv_3x3').length);
  });

  test('an evaluator that always fails: every reason recorded, exit 1', () => {
    const r = cli(['--objective', 'command', '--command', `node -e "console.error('boom'); process.exit(4)" {cell}`, '--strategy', 'rs', '--max-evals', '3', '--log', join(home, 'fail.jsonl'), '--json']);
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out) as EngineSearchResult;
    assert.equal(j.runs[0].failed, 3);
    for (const e of j.runs[0].evaluationsList!) assert.match(e.error!, /exited with code 4: boom/);
    assert.match(r.err, /no evaluation succeeded/);
  });

  test('Ctrl-C prints the best so far (exit 130); the rerun does not re-run finished evaluations', async () => {
    const count = join(home, 'sigint.count');
    const log = join(home, 'sigint.jsonl');
    const args = [CLI, 'search', '--objective', 'command', '--command', `node ${EVAL}/ok.mjs {cell}`, '--strategy', 'rs', '--seed', '5', '--max-evals', '40', '--log', log];
    const first = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: REPO, env: { ...env, EVAL_COUNT_FILE: count, EVAL_SLEEP_MS: '150' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let sent = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        if (!sent && /seed 5 #3: /.test(err)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    assert.equal(first.code, 130, first.err);
    assert.match(first.err, /interrupt: stopping the search/);
    assert.match(first.out, /\(interrupted: best so far\)/);
    assert.match(first.out, /^cell nb201_\d+/m);
    const finished = readFileSync(log, 'utf8').trim().split('\n').map((l) => `nb201_${JSON.parse(l).index}`);
    assert.ok(finished.length >= 3 && finished.length < 40, String(finished.length));
    const before = readFileSync(count, 'utf8').trim().split('\n').length;
    const second = cli(args.slice(2).map((a) => (a === '40' ? String(finished.length + 2) : a)), { EVAL_COUNT_FILE: count });
    assert.equal(second.code, 0, second.err);
    const rerun = readFileSync(count, 'utf8').trim().split('\n').slice(before);
    assert.equal(rerun.length, 2, rerun.join(' '));
    for (const name of rerun) assert.ok(!finished.includes(name), `${name} was finished and ran again`);
    assert.match(second.out, new RegExp(`# evaluations: 2 run, ${finished.length} reused from `));
  });
});

describe('arch2vec search --objective file', () => {
  test('the k most promising unmeasured cells, as .cells text', () => {
    const file = join(REPO, 'examples', 'nasbench201.cells');
    const measured = new Set(analyze(readFileSync(file, 'utf8'), { defaultSpace: 'nasbench201' }).cells.filter((c) => c.metrics.accuracy !== undefined).map((c) => c.facts!.id));
    const r = cli(['--objective', 'file', file, '-k', '3', '--strategy', 'bo', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as EngineSearchResult;
    assert.equal(j.suggestions!.length, 3);
    for (const s of j.suggestions!) assert.ok(!measured.has(String(s.index)), `suggested measured cell ${s.index}`);
    assert.equal(j.objectiveInfo.observations, measured.size);
    const h = cli(['--objective', 'file', file, '-k', '2', '--strategy', 're']);
    assert.equal(h.code, 0, h.err);
    assert.match(h.out, /^# suggestion 2: NAS-Bench-201 index \d+, not measured yet, params [\d.]+ [KM], FLOPs [\d.]+ M$/m);
    // 4 measured cells: below the editor's threshold, and the output says so.
    assert.match(h.out, /^# predictions: none \(NAS-Bench-201: the file has 4 measured cells with `accuracy:`; predictions need at least 10 \(distinct architectures\)\)$/m);
    assert.deepEqual(errorsIn(h.out), []);
  });
});

describe('engine process: engine/search', () => {
  test('progress after every evaluation; cancellation returns the best so far', async () => {
    const child = spawn(process.execPath, [ENGINE], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const Search = new RequestType<EngineSearchParams, EngineSearchResult, unknown>(ENGINE_METHODS.search);
    const progress: EngineSearchProgressParams[] = [];
    const cts = new CancellationTokenSource();
    conn.onNotification(new NotificationType<EngineSearchProgressParams>(ENGINE_SEARCH_PROGRESS), (p) => {
      progress.push(p);
      if (p.token === 'cmd' && p.progress.evaluations === 2) cts.cancel();
    });
    conn.listen();
    try {
      const r = await conn.sendRequest(Search, { space: 'nasbench201', objective: 'benchmark', strategy: 'rs', dataset: 'cifar10', seeds: [1, 2], progressToken: 'b' });
      assert.equal(r.runs.length, 2);
      const mine = progress.filter((p) => p.token === 'b');
      assert.equal(mine.length, r.runs[0].evaluations + r.runs[1].evaluations);
      assert.equal(mine.at(-1)!.progress.best.bestIndex, r.runs[1].best!.index);

      const c = await conn.sendRequest(Search, {
        space: 'nasbench201', objective: 'command', strategy: 'rs', command: `node ${EVAL}/ok.mjs {cell}`, maxEvals: 50, log: join(home, 'engine.jsonl'), progressToken: 'cmd',
      }, cts.token);
      assert.equal(c.stopped, 'cancelled');
      assert.equal(c.runs[0].stopped, 'cancelled');
      assert.ok(c.runs[0].evaluations >= 2 && c.runs[0].evaluations < 50);
      assert.ok(c.runs[0].best);
      await assert.rejects(conn.sendRequest(Search, { space: 'nasbench201', objective: 'benchmark', strategy: 'rs', dataset: 'mnist' as 'cifar10' }), /unknown dataset 'mnist'/);
    } finally {
      conn.dispose();
      child.kill();
    }
  });
});

describe('bench/search.ts', () => {
  test('quick mode runs and prints the table next to the paper', async () => {
    const r = await runBench({ seeds: [1, 2], strategies: ['rs', 're', 'rl', 'bo'], datasets: ['cifar10', 'cifar100', 'imagenet16-120'], workers: 1, maxEvals: 20 });
    assert.equal(r.cells.length, 12);
    for (const c of r.cells) assert.equal(c.seeds.length, 2);
    const t = formatBench(r);
    assert.match(t, /^\| RS \(paper\) \| 90\.94 \/ 93\.75 \| 72\.17 \/ 72\.05 \| 45\.47 \/ 45\.33 \| \|$/m);
    assert.match(t, /^\| \*\*arch2vec-BO \(ours\)\*\* \| \d+\.\d\d ± \d+\.\d\d/m);
  });
});
