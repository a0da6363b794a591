/**
 * The engine commands of the bundled CLI (dist/cli.js): a tiny NB201 model is trained once into a temp
 * $ARCH2VEC_HOME (interrupted with Ctrl-C, then resumed with the printed command), then eval, embed,
 * neighbours, enumerate, backends and install-backend are checked for exit codes and --json shapes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nb201Index, nb201Table, parseArch } from '../server/src/core/spaces/nasbench201';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const home = mkdtempSync(join(tmpdir(), 'arch2vec-cli-engine-'));
const env = { ...process.env, ARCH2VEC_HOME: home, ARCH2VEC_MODELS_DIR: join(home, 'no-shipped-models') };
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
const cells = join(home, 'query.cells');
const TINY = ['--space', 'nasbench201', '--epochs', '1', '--max-steps', '20', '--validity-samples', '200'];
let modelDir = '';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs the CLI and sends it SIGINT once stderr matches `when`. */
function interrupted(when: RegExp, ...args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (!sent && when.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code) => resolve({ code, err }));
  });
}

before(async () => {
  assert.ok(existsSync(join(REPO, 'dist', 'engineCommands.js')), 'dist/ is stale: run npm run build');
  writeFileSync(cells, `space nasbench201\ncell best\n  arch: ${BEST}\ncell nb101\n  space: nasbench101\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n`);
});

after(() => rmSync(home, { recursive: true, force: true }));

describe('arch2vec engine CLI (bundled)', () => {
  test('pretrain: Ctrl-C saves a checkpoint and prints how to resume; the resume finishes', async () => {
    const r = await interrupted(/^epoch 1\/1 step \d+\/20/m, 'pretrain', ...TINY);
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /^backend: \w[\w-]* \(.+\)$/m);
    assert.match(r.err, /interrupted: checkpoint saved in /);
    const resume = /^resume with: (arch2vec .*)$/m.exec(r.err)?.[1];
    assert.ok(resume, r.err);
    const args = resume.split(' ').slice(1);
    assert.deepEqual(args.slice(0, -1), ['pretrain', ...TINY, '--resume', '--out']);
    modelDir = args.at(-1)!;
    assert.ok(modelDir.startsWith(join(home, 'models', 'nasbench201')), modelDir);

    const done = cli(...args, '--json');
    assert.equal(done.code, 0, done.err);
    const j = JSON.parse(done.out);
    assert.deepEqual(Object.keys(j), ['backend', 'modelDir', 'seconds', 'config', 'metrics']);
    assert.equal(j.modelDir, modelDir);
    assert.equal(j.config.complete, true);
    assert.equal(j.metrics.length, 1);
    assert.ok(BACKEND_NAMES.includes(j.backend.backend));
    assert.match(done.err, /^backend: /m);
  });

  test('eval --space picks the last trained model; --json shape', () => {
    const r = cli('eval', '--space', 'nasbench201', '--samples', '300', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['backend', 'model', 'heldOut', 'reconstruction', 'generative', 'recorded', 'seconds']);
    assert.equal(j.model.dir, modelDir);
    assert.equal(j.model.source, 'trained');
    assert.equal(j.heldOut, 1563);
    assert.deepEqual(Object.keys(j.reconstruction).sort(), ['accAdj', 'accOps', 'meanCorrAdj', 'meanFalPosAdj']);
    assert.equal(j.generative.samples, 300);
    // Same weights, same split: the recorded held-out reconstruction is reproduced.
    assert.ok(Math.abs(j.reconstruction.accOps - j.recorded.reconstruction.accOps) < 1e-6);
    const human = cli('eval', '--model', modelDir, '--samples', '0');
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /^reconstruction: ops\s+\d+\.\d\d%/m);
    assert.match(human.err, /^backend: /m);
  });

  test('embed: one 16-d line per cell; cells without a model are reported, exit 1', () => {
    const r = cli('embed', cells, '--model', modelDir, '--json');
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['backend', 'file', 'cells']);
    assert.equal(j.cells[0].name, 'best');
    assert.equal(j.cells[0].embedding.length, 16);
    assert.equal(j.cells[0].model, modelDir);
    assert.match(j.cells[1].error, /a nasbench101 cell; the model .* is nasbench201/);
    const only201 = join(home, 'only201.cells');
    writeFileSync(only201, `cell best\n  arch: ${BEST}\n`);
    const h = cli('embed', only201);
    assert.equal(h.code, 0, h.err);
    const [name, vec] = h.out.trim().split('\t');
    assert.equal(name, 'best');
    assert.equal(vec.split(' ').length, 16);
    assert.match(h.err, /^backend: /m);
  });

  test('neighbours: itself first at distance 0 with NB201 accuracies; human output is a valid .cells file', () => {
    const r = cli('neighbours', cells, '--cell', 'best', '-k', '4', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['backend', 'model', 'space', 'query', 'neighbours']);
    const index = nb201Index(parseArch(BEST).edges.map((e) => e.op));
    assert.equal(j.query.index, index);
    assert.equal(j.neighbours.length, 4);
    assert.deepEqual(Object.keys(j.neighbours[0]), ['rank', 'index', 'distance', 'arch', 'spec', 'accuracies', 'params', 'flops', 'costDataset']);
    assert.deepEqual([j.neighbours[0].index, j.neighbours[0].distance, j.neighbours[0].arch], [index, 0, BEST]);
    assert.ok(Math.abs(j.neighbours[0].accuracies.cifar100_test_acc - nb201Table().columns.get('cifar100_test_acc')![index]) < 1e-3);

    const human = cli('neighbours', cells, '--cell', 'best', '-k', '3');
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, new RegExp(`^# 1: index ${index}, distance 0\\.0000, test accuracy CIFAR-10 \\d+\\.\\d\\d`, 'm'));
    const out = join(home, 'neighbours.cells');
    writeFileSync(out, human.out);
    const v = cli('validate', out);
    assert.equal(v.code, 0, v.out + v.err);
    assert.equal(cli('hash', out, '--json').code, 0);
  });

  test('errors: bad model directory, unknown space, unknown cell, usage', () => {
    let r = cli('neighbours', cells, '--cell', 'best', '--model', join(home, 'nope'));
    assert.equal(r.code, 1);
    assert.match(r.err, /model directory .*nope does not exist/);
    mkdirSync(join(home, 'not-a-model'));
    r = cli('embed', cells, '--model', join(home, 'not-a-model'));
    assert.equal(r.code, 1);
    assert.match(r.err, /not a model directory: no config\.json/);
    r = cli('neighbours', cells, '--cell', 'nope', '--model', modelDir);
    assert.equal(r.code, 1);
    assert.match(r.err, /no cell 'nope' .*\(cells: best, nb101\)/);
    r = cli('pretrain', '--space', 'nasbench2O1');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown space 'nasbench2O1'.*did you mean 'nasbench201'/);
    r = cli('eval', '--space', 'nasbench101');
    assert.equal(r.code, 1);
    assert.match(r.err, /no nasbench101 model: none trained under .* and none shipped/);
    for (const args of [['pretrain'], ['eval'], ['neighbours', cells], ['embed'], ['enumerate', '--space', 'nasbench201'], ['pretrain', '--space', 'darts', '--epochs', 'x'], ['pretrain', '--space', 'darts', '--backend', 'cuda'], ['install-backend', 'wasm']]) {
      assert.equal(cli(...args).code, 2, args.join(' '));
    }
    assert.match(cli('--help').out, /arch2vec neighbours FILE --cell NAME \[-k 10\] \[--model DIR\]/);
  });

  test('enumerate --count', () => {
    const r = cli('enumerate', '--space', 'nasbench201', '--count');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '15625\n');
  });

  // Enumerating NB101 takes ~25 s here (engine-data.test.ts checks it); reuse a cache when there is one.
  const nb101Cache = [process.env.ARCH2VEC_HOME, join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'arch2vec')]
    .filter((d): d is string => !!d).map((d) => join(d, 'cache', 'nasbench101-cells-v1.bin')).find((p) => existsSync(p));
  test('enumerate --space nasbench101 --count prints 423624', { skip: nb101Cache || process.env.ARCH2VEC_TEST_NB101 ? false : 'no NB101 cache to reuse (set ARCH2VEC_TEST_NB101=1 to enumerate)' }, () => {
    if (nb101Cache) {
      mkdirSync(join(home, 'cache'), { recursive: true });
      copyFileSync(nb101Cache, join(home, 'cache', 'nasbench101-cells-v1.bin'));
    }
    const r = cli('enumerate', '--space', 'nasbench101', '--count');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '423624\n');
    assert.ok(readdirSync(join(home, 'cache')).includes('nasbench101-cells-v1.bin'));
  });

  test('backends: every backend with availability, device or reason', () => {
    const r = cli('backends', '--json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as { backend: string; available: boolean; device?: string; reason?: string; auto: boolean }[];
    assert.deepEqual(rows.map((x) => x.backend), BACKEND_NAMES);
    assert.ok(rows.find((x) => x.backend === 'cpu')!.available);
    for (const x of rows) assert.ok(x.available ? x.device : x.reason, JSON.stringify(x));
    assert.equal(rows.filter((x) => x.auto).length >= 1, true);
    const human = cli('backends');
    assert.equal(human.code, 0);
    assert.match(human.out, /^'auto' picks \S+ \(\*\)/m);
  });

  test('install-backend fails clearly without network (npm offline)', () => {
    const r = spawnSync(process.execPath, [CLI, 'install-backend', 'tensorflow'], {
      cwd: REPO, encoding: 'utf8', timeout: 60_000,
      env: { ...env, npm_config_offline: 'true', npm_config_cache: join(home, 'npm-cache'), npm_config_registry: 'http://127.0.0.1:9/' },
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /installing @tensorflow\/tfjs-node@4\.22\.0 failed/);
    assert.match(r.stderr, /needs network access/);
    assert.ok(existsSync(join(home, 'backends', 'package.json')));
  });
});

const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
