/**
 * Issue 12: search in every space with every strategy — NAS-Bench-101, NAS-Bench-201 and DARTS —
 * against a deterministic evaluator script (the command objective), the real NB101 / NB301 tables
 * (the benchmark objective with --table), and the file objective; seeded and reproducible, never
 * re-asking a cell. bo / rl use a tiny model pretrained here (a few steps: the point is the plumbing
 * of pool embeddings, not their quality; bench/search-spaces.ts measures quality).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import type { EngineSearchParams, EngineSearchResult } from '../server/src/protocol';
import { selectBackend } from '../server/src/engine/backend';
import { runSearch } from '../server/src/engine/search/run';
import { pretrain } from '../server/src/engine/train/trainer';
import { writeUserTables } from '../scripts/build-tables';
import { REPO } from './helpers/shared';

const EVAL = join(REPO, 'examples', 'evaluators', 'synthetic-accuracy.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-search-spaces-'));
// The NB101 enumeration cache is shared with the other search tests (built once per checkout).
const HOME = join(REPO, '.cache', 'test-home');
let savedHome: string | undefined;
let tables: { nasbench101: string; darts: string };
let dartsModel = '';

before(async () => {
  savedHome = process.env.ARCH2VEC_HOME;
  process.env.ARCH2VEC_HOME = HOME;
  tables = writeUserTables(join(tmp, 'tables'));
  // A tiny DARTS model: 2,000 sampled cells, 20 steps. Its embeddings cover the pool it trained on
  // (darts pool of 2,000, seed 3), and bo / rl on the NB301 table embed the table's cells with it.
  dartsModel = join(tmp, 'darts-model');
  const backend = await selectBackend('wasm');
  await pretrain({ space: 'darts', modelDir: dartsModel, cacheDir: join(HOME, 'cache'), backend, dartsPool: 2000, train: { epochs: 1, seed: 3 }, validitySamples: 0, maxStepsPerEpoch: 20, threads: 1 });
});
after(() => {
  if (savedHome === undefined) delete process.env.ARCH2VEC_HOME;
  else process.env.ARCH2VEC_HOME = savedHome;
  rmSync(tmp, { recursive: true, force: true });
});

const run = (p: Partial<EngineSearchParams>) => runSearch({ objective: 'benchmark', strategy: 'rs', traces: true, seeds: [1], ...p } as EngineSearchParams);

function checkRuns(r: EngineSearchResult) {
  for (const run of r.runs) {
    const asked = run.evaluationsList!.map((e) => e.index);
    assert.equal(new Set(asked).size, asked.length, `seed ${run.seed}: a cell was asked twice`);
    assert.ok(run.best, `seed ${run.seed} found nothing`);
    assert.deepEqual(analyze(run.best!.cell, { defaultSpace: r.space as 'darts' }).diagnostics.filter((d) => d.severity === 'error'), []);
  }
}

describe('command objective: every space, every discrete strategy', () => {
  for (const space of ['nasbench101', 'nasbench201', 'darts'] as const) {
    for (const strategy of ['rs', 're'] as const) {
      test(`${space} ${strategy}: the evaluator gets the cell, results are seeded`, async () => {
        const p: Partial<EngineSearchParams> = {
          space, strategy, objective: 'command', command: `node ${EVAL} {json}`, maxEvals: 4, parallel: 2, seeds: [7], dartsPoolSize: space === 'darts' ? 2000 : undefined,
        };
        const a = await run({ ...p, log: join(tmp, `${space}-${strategy}-a.jsonl`) });
        const b = await run({ ...p, log: join(tmp, `${space}-${strategy}-b.jsonl`) });
        checkRuns(a);
        assert.equal(a.runs[0].evaluations, 4);
        assert.equal(a.runs[0].failed, 0, JSON.stringify(a.runs[0].evaluationsList));
        assert.deepEqual(new Set(a.runs[0].evaluationsList!.map((e) => e.index)), new Set(b.runs[0].evaluationsList!.map((e) => e.index)));
        // The results log keys each cell by its canonical id (NB201: arch string).
        const log = readFileSync(join(tmp, `${space}-${strategy}-a.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        assert.equal(log.length, 4);
        assert.ok(log.every((e) => e.space === space && typeof e.arch === 'string'));
      });
    }
  }

  test('DARTS: the evaluator JSON carries the genotype; a command search defaults to the paper\'s 100 evaluations', async () => {
    const jsonDump = join(tmp, 'dump.sh');
    writeFileSync(jsonDump, `#!/bin/sh\ncp "$1" ${join(tmp, 'last.json')}\necho "accuracy: 90"\n`, { mode: 0o755 });
    const r = await run({ space: 'darts', objective: 'command', command: `${jsonDump} {json}`, dartsPoolSize: 2000, parallel: 4, log: join(tmp, 'darts-default.jsonl') });
    assert.equal(r.maxEvals, 100);
    assert.equal(r.runs[0].evaluations, 100);
    const j = JSON.parse(readFileSync(join(tmp, 'last.json'), 'utf8'));
    assert.equal(j.space, 'darts');
    assert.equal(j.normal.length, 8);
    assert.match(j.genotype, /^Genotype\(normal=\[\('\w+', \d\), /);
    assert.equal(j.nodeOps.length, 11);
    assert.match(j.id, /^[0-9a-f]{32}$/);
  });
});

describe('benchmark objective on the real tables', () => {
  test('NB101 and NB301 tables with rs and re: table rows are the pool, seeds reproduce', async () => {
    for (const [space, table] of [['nasbench101', tables.nasbench101], ['darts', tables.darts]] as const) {
      for (const strategy of ['rs', 're'] as const) {
        const a = await run({ space, strategy, table, maxEvals: 20, seeds: [1, 2] });
        const b = await run({ space, strategy, table, maxEvals: 20, seeds: [1, 2] });
        checkRuns(a);
        assert.deepEqual(a.runs.map((x) => x.evaluationsList), b.runs.map((x) => x.evaluationsList));
        assert.equal((a.objectiveInfo as { benchmark: string }).benchmark, 'table');
        assert.equal((a.objectiveInfo as { pool: { count: number } }).pool.count, space === 'darts' ? 1218 : 292);
      }
    }
  });

  test('a budget without a cost column, a bad table row, and a benchmark without a table are clear errors', async () => {
    await assert.rejects(run({ space: 'nasbench101', table: tables.nasbench101, budget: 1000 }), /has no cost column/);
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, '{"space":"nasbench101","matrix":[[0,1],[0,0]],"ops":["input","output"],"reward":80}\n{"space":"nasbench101","matrix":[[0,0],[0,0]],"ops":["input","output"],"reward":80}\n');
    await assert.rejects(run({ space: 'nasbench101', table: bad }), (e: Error) => e.message.startsWith(`${bad}:2: not a NAS-Bench-101 cell`));
    await assert.rejects(run({ space: 'darts' }), /no darts benchmark ships with arch2vec: give your own table with --table/);
  });

  test('bo and rl on the NB301 table with a user-trained model (32-d: normal ‖ reduce embeddings)', async () => {
    for (const strategy of ['bo', 'rl'] as const) {
      const r = await run({ space: 'darts', strategy, table: tables.darts, maxEvals: 24, seeds: [3], modelDir: dartsModel });
      checkRuns(r);
      assert.equal(r.runs[0].evaluations, 24);
      assert.equal(r.model!.dir, dartsModel);
    }
  });
});

describe('latent strategies on the DARTS pool and the file objective', () => {
  test('bo and rl search the sampled pool with the model\'s own embeddings; seeded', async () => {
    for (const strategy of ['bo', 'rl'] as const) {
      const p: Partial<EngineSearchParams> = { space: 'darts', strategy, objective: 'command', command: `node ${EVAL} {json}`, maxEvals: 10, dartsPoolSize: 2000, modelDir: dartsModel, seeds: [2] }; // sequential: with parallel evaluations the tell order (completion order) varies
      const a = await run({ ...p, log: join(tmp, `lat-${strategy}-a.jsonl`) });
      const b = await run({ ...p, log: join(tmp, `lat-${strategy}-b.jsonl`) });
      checkRuns(a);
      assert.deepEqual(a.runs[0].evaluationsList!.map((e) => e.index), b.runs[0].evaluationsList!.map((e) => e.index));
    }
    // No --darts-pool: bo / rl search the model's own training sample (2,000 cells, seed 3), whose embeddings it has.
    const own = await run({ space: 'darts', strategy: 'bo', objective: 'command', command: `node ${EVAL} {json}`, maxEvals: 2, modelDir: dartsModel, log: join(tmp, 'own.jsonl') });
    assert.equal((own.objectiveInfo as { pool: { id: string } }).pool.id, 'darts:2000:seed3');
  });

  test('file objective in DARTS: measured cells (one not in the sample) → suggestions from the pool', async () => {
    const text = [
      'space darts',
      'cell a', '  normal: sep_conv_3x3 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, dil_conv_3x3 2, sep_conv_3x3 0', '  accuracy: 94.1',
      'cell b', '  normal: max_pool_3x3 0, max_pool_3x3 1, none 0, none 1, avg_pool_3x3 0, none 2, none 3, none 0', '  accuracy: 80.2',
      'cell c', '  normal: sep_conv_5x5 0, dil_conv_3x3 1, sep_conv_3x3 0, sep_conv_3x3 2, skip_connect 1, sep_conv_3x3 0, sep_conv_3x3 3, dil_conv_5x5 4', '  accuracy: 93.7',
      '',
    ].join('\n');
    for (const strategy of ['bo', 'rs'] as const) {
      const r = await run({ space: 'darts', objective: 'file', strategy, text, file: 'm.cells', k: 5, dartsPoolSize: 2000, modelDir: dartsModel });
      assert.equal(r.suggestions!.length, 5);
      assert.equal((r.objectiveInfo as { observations: number }).observations, 3);
      for (const s of r.suggestions!) assert.deepEqual(analyze(s.cell, { defaultSpace: 'darts' }).diagnostics.filter((d) => d.severity === 'error'), []);
    }
    await assert.rejects(run({ space: 'nasbench101', objective: 'file', text, file: 'm.cells' }), /m\.cells:2: cell 'a' is a darts cell; this search is over nasbench101/);
  });
});
