/**
 * Issue 12, scale-out: the command objective pointed at a scheduler. The fake scheduler
 * (examples/evaluators/fake-srun.sh) behaves like `srun` / `sbatch --wait`: it submits the evaluator as
 * a detached job, blocks until the job ends and prints its output. A search through it must give the
 * same results as running the evaluator directly, in parallel, and leave no job behind when an
 * evaluation times out. Needs dist/ (npm run build).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EngineSearchResult } from '../server/src/protocol';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const EX = join(REPO, 'examples', 'evaluators');
const home = mkdtempSync(join(tmpdir(), 'arch2vec-scale-out-'));
const spool = join(home, 'spool');
const env: NodeJS.ProcessEnv = { ...process.env, ARCH2VEC_HOME: home, FAKE_SCHEDULER_SPOOL: spool };
after(() => rmSync(home, { recursive: true, force: true }));

function search(args: string[], extra: NodeJS.ProcessEnv = {}, status = 0): EngineSearchResult {
  assert.ok(existsSync(CLI), 'dist/ is missing: run npm run build');
  const r = spawnSync(process.execPath, [CLI, 'search', ...args, '--json'], { cwd: REPO, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, status, r.stderr);
  return JSON.parse(r.stdout) as EngineSearchResult;
}

const jobsLeft = () => spawnSync('pgrep', ['-f', 'fake-job'], { encoding: 'utf8' }).stdout.trim();

describe('command objective through a scheduler', () => {
  const base = ['--space', 'nasbench201', '--objective', 'command', '--strategy', 're', '--seed', '4'];

  test('a search through fake-srun.sh (3 jobs at once) sees exactly what the evaluator prints when run directly', () => {
    const direct = search([...base, '--max-evals', '8', '--command', `node ${EX}/synthetic-accuracy.mjs {json}`, '--log', join(home, 'direct.jsonl')]);
    const viaScheduler = search([...base, '--max-evals', '8', '--parallel', '3', '--command', `${EX}/fake-srun.sh --job-name eval node ${EX}/synthetic-accuracy.mjs {json}`, '--log', join(home, 'srun.jsonl')]);
    const byIndex = (r: EngineSearchResult) => new Map(r.runs[0].evaluationsList!.map((e) => [e.index, e.reward]));
    const d = byIndex(direct);
    const s = byIndex(viaScheduler);
    assert.equal(s.size, 8);
    for (const [i, reward] of s) {
      assert.ok(reward !== null && reward > 80, `cell ${i}: ${reward}`);
      if (d.has(i)) assert.equal(reward, d.get(i));
    }
    assert.equal(viaScheduler.runs[0].failed, 0);
    assert.deepEqual(existsSync(spool) ? readdirSync(spool) : [], [], 'the job files are cleaned up');
  });

  test('the Slurm wrapper with the fake scheduler standing in for sbatch', () => {
    const r = search([...base, '--max-evals', '3', '--command', `${EX}/slurm.sh {json}`, '--log', join(home, 'slurm.jsonl')], {
      SBATCH: `${EX}/fake-srun.sh --`, EVALUATOR: `node ${EX}/synthetic-accuracy.mjs`,
    });
    assert.equal(r.runs[0].evaluations, 3);
    assert.equal(r.runs[0].failed, 0);
  });

  test('a timed-out evaluation cancels its job: nothing is left running', () => {
    const r = search([...base, '--max-evals', '2', '--parallel', '2', '--timeout', '1.5', '--command', `${EX}/fake-srun.sh node ${EX}/synthetic-accuracy.mjs {json}`, '--log', join(home, 'timeout.jsonl')], {
      SYNTHETIC_SLEEP_MS: '20000',
    }, 1); // exit 1: no evaluation succeeded
    assert.equal(r.runs[0].failed, 2);
    for (const e of r.runs[0].evaluationsList!) assert.match(e.error ?? '', /timed out|killed/);
    spawnSync('sleep', ['1.5']);
    assert.equal(jobsLeft(), '', 'no fake job outlives the search');
  });
});
