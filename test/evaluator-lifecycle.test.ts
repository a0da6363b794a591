/**
 * Issue 9.3–9.5 and the evaluator parts of 9.8, with real scripts and processes:
 *  - an evaluator's whole process tree is gone when its evaluation ends (timeout with a child that
 *    ignores SIGTERM; background, setsid and double-forked children of a successful run), and when the
 *    engine ends (parent disconnects, SIGTERM, or kill -9 and the next search reaps the orphans);
 *  - the default results log is keyed by working directory, command and the named files' content,
 *    every reuse says where it came from, --fresh and --retry-failed;
 *  - a disk-full append (a real small tmpfs) leaves a torn line that never swallows the next record;
 *  - stale temp dirs of killed searches are removed; `$'`/`$\`` in paths stay literal.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createMessageConnection, RequestType, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { CommandObjective, fillTemplate, ResultsLog, removeStaleTempDirs } from '../server/src/engine/search/objectives';
import { ENGINE_METHODS, type EngineSearchParams, type EngineSearchResult } from '../server/src/protocol';
import { REPO } from './helpers/shared';

const EVAL = join(REPO, 'test', 'fixtures', 'evaluators');
const CLI = join(REPO, 'dist', 'cli.js');
const ENGINE = join(REPO, 'dist', 'engine.js');
const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-lifecycle-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const linux = process.platform === 'linux';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Alive = exists and is not a zombie (a container's init may never reap reparented children). */
function alive(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(s.slice(s.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
}
/** Every live process started with EVAL_PIDS=file in its environment (the shell, its sleeps, the daemons). */
function startedWith(file: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`EVAL_PIDS=${file}`) && alive(Number(name))) out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}
const pidsIn = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
async function waitFor(cond: () => boolean, ms: number, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
/** Kills whatever a failed test left (so a red test does not leave sleeps behind either). */
const cleanup = (pids: number[]) => pids.forEach((p) => { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } });

describe('evaluator process trees (issue 9.3)', { skip: !linux && 'needs /proc (Linux)' }, () => {
  test('timeout: a child that ignores SIGTERM is SIGKILLed after the grace period, though the shell exited at once', async () => {
    const pidsFile = join(tmp, 'term.pids');
    process.env.EVAL_PIDS = pidsFile;
    const obj = new CommandObjective({ command: `sh ${EVAL}/ignore-term.sh {cell}`, timeout: 0.5, killGrace: 0.5, log: join(tmp, 'term.jsonl') });
    try {
      const ev = await obj.evaluate(3, new AbortController().signal);
      assert.match(ev.error!, /timed out after 0.5 s/);
      const pids = pidsIn(pidsFile);
      assert.equal(pids.length, 1);
      assert.deepEqual(pids.filter(alive), [], 'the SIGTERM-ignoring child survived');
      assert.deepEqual(startedWith(pidsFile), []);
    } finally {
      obj.close();
      cleanup(pidsIn(pidsFile));
      delete process.env.EVAL_PIDS;
    }
  });

  test('success: background, setsid and double-forked daemon children are ended with the evaluation', async () => {
    const pidsFile = join(tmp, 'left.pids');
    process.env.EVAL_PIDS = pidsFile;
    const obj = new CommandObjective({ command: `sh ${EVAL}/leave-behind.sh {cell}`, killGrace: 0.5, log: join(tmp, 'left.jsonl') });
    try {
      const ev = await obj.evaluate(4, new AbortController().signal);
      assert.equal(ev.error, undefined);
      assert.equal(ev.reward, 50);
      const pids = pidsIn(pidsFile);
      assert.equal(pids.length, 3);
      assert.deepEqual(pids.filter(alive), [], `left running: ${pids.filter(alive).join(' ')}`);
      assert.deepEqual(startedWith(pidsFile), []);
    } finally {
      obj.close();
      cleanup(pidsIn(pidsFile));
      delete process.env.EVAL_PIDS;
    }
  });

  /** An engine process running a search whose evaluator hangs with a background, a setsid and a daemon child. */
  async function engineWithEvaluators(name: string) {
    const pidsFile = join(tmp, `${name}.pids`);
    const child = spawn(process.execPath, [ENGINE], {
      cwd: REPO, env: { ...process.env, ARCH2VEC_HOME: join(tmp, 'home'), EVAL_PIDS: pidsFile, EVAL_HANG: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    conn.listen();
    const Search = new RequestType<EngineSearchParams, EngineSearchResult, unknown>(ENGINE_METHODS.search);
    conn.sendRequest(Search, { space: 'nasbench201', objective: 'command', strategy: 'rs', command: `sh ${EVAL}/leave-behind.sh {cell}`, maxEvals: 2, parallel: 2, log: join(tmp, `${name}.jsonl`) }).catch(() => undefined);
    await waitFor(() => existsSync(`${pidsFile}.ready`) && readFileSync(`${pidsFile}.ready`, 'utf8').split('\n').length > 2 && pidsIn(pidsFile).length >= 6, 15_000, 'the evaluators to start');
    const pids = pidsIn(pidsFile);
    assert.equal(pids.filter(alive).length, 6);
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const all = startedWith(pidsFile); // the shells, their sleeps, the daemons
    assert.ok(all.length >= 10, String(all.length));
    return { child, conn, pids: [...new Set([...pids, ...all])], exited };
  }

  test('engine: the parent disconnecting (stdin closed) ends every evaluator tree', async () => {
    const e = await engineWithEvaluators('disconnect');
    try {
      e.child.stdin.end();
      await e.exited;
      await waitFor(() => e.pids.every((p) => !alive(p)), 3000, `evaluators to end (alive: ${e.pids.filter(alive).join(' ')})`);
    } finally {
      e.conn.dispose();
      cleanup(e.pids);
    }
  });

  test('engine: SIGTERM (restart engine / editor closing) ends every evaluator tree', async () => {
    const e = await engineWithEvaluators('sigterm');
    try {
      e.child.kill('SIGTERM');
      await e.exited;
      await waitFor(() => e.pids.every((p) => !alive(p)), 3000, `evaluators to end (alive: ${e.pids.filter(alive).join(' ')})`);
    } finally {
      e.conn.dispose();
      cleanup(e.pids);
    }
  });

  test('engine: kill -9 leaves orphans, which the next search reaps at its start', async () => {
    const e = await engineWithEvaluators('sigkill');
    try {
      e.child.kill('SIGKILL');
      await e.exited;
      await sleep(200);
      assert.ok(e.pids.some(alive), 'nothing survived a kill -9?');
      const next = new CommandObjective({ command: `sh ${EVAL}/leave-behind.sh {cell}`, log: join(tmp, 'next.jsonl') });
      next.close();
      assert.ok(next.cleaned.processes >= 1);
      await waitFor(() => e.pids.every((p) => !alive(p)), 3000, `orphans to be reaped (alive: ${e.pids.filter(alive).join(' ')})`);
    } finally {
      e.conn.dispose();
      cleanup(e.pids);
    }
  });
});

describe('results log identity (issue 9.4)', () => {
  const home = join(tmp, 'home4');
  function search(cwd: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [CLI, 'search', '--objective', 'command', '--command', './train.sh {cell}', '--strategy', 'rs', '--seed', '3', '--max-evals', '3', '--json', ...extra], {
      cwd, env: { ...process.env, ARCH2VEC_HOME: home, ...env }, encoding: 'utf8',
    });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return { ...r, j: JSON.parse(r.stdout) as EngineSearchResult };
  }
  function project(name: string, accuracy: string) {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.sh'), `#!/bin/sh\necho "$ARCH2VEC_CELL_INDEX" >> ${join(dir, 'runs')}\n${accuracy}\n`, { mode: 0o755 });
    return dir;
  }
  const runs = (dir: string) => pidsIn(join(dir, 'runs')).length;

  test('the same command in another project, or after editing the script, runs again; a reuse says where it came from', () => {
    const a = project('projA', 'echo "accuracy: 70"');
    const b = project('projB', 'echo "accuracy: 90"');
    const ra = search(a);
    assert.equal(runs(a), 3);
    assert.deepEqual(ra.j.runs[0].evaluationsList!.map((e) => e.reward), [70, 70, 70]);
    const rb = search(b); // same command text, other project: B's own script runs
    assert.equal(runs(b), 3, 'project B reused project A\'s results');
    assert.deepEqual(rb.j.runs[0].evaluationsList!.map((e) => e.reward), [90, 90, 90]);
    assert.notEqual(ra.j.objectiveInfo.log, rb.j.objectiveInfo.log);
    // Unchanged: everything reused, each saying from which log line.
    const again = search(b);
    assert.equal(runs(b), 3);
    for (const e of again.j.runs[0].evaluationsList!) {
      assert.equal(e.reused, true);
      assert.match(e.reusedFrom!, new RegExp(`^${String(rb.j.objectiveInfo.log).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ \\(evaluated \\d{4}-`));
    }
    assert.match(again.stderr, /reused from .*\.jsonl:\d+ \(evaluated /);
    // Editing the script starts another log: the stale 90s are not reused.
    writeFileSync(join(b, 'train.sh'), `#!/bin/sh\necho "$ARCH2VEC_CELL_INDEX" >> ${join(b, 'runs')}\necho "accuracy: 95"\n`, { mode: 0o755 });
    const edited = search(b);
    assert.equal(runs(b), 6);
    assert.deepEqual(edited.j.runs[0].evaluationsList!.map((e) => e.reward), [95, 95, 95]);
    // --fresh runs everything again.
    search(b, ['--fresh']);
    assert.equal(runs(b), 9);
    assert.equal(new ResultsLog(String(edited.j.objectiveInfo.log)).size, 3); // appended, later records win
  });

  test('--retry-failed runs logged failures again; by default a reused failure says how to retry', () => {
    const c = project('projC', 'if [ $((ARCH2VEC_CELL_INDEX % 2)) = 0 ]; then echo "accuracy: 60"; else echo nope >&2; exit 3; fi');
    const first = search(c);
    const failed = first.j.runs[0].evaluationsList!.filter((e) => e.error).length;
    assert.ok(failed > 0 && failed < 3, `pick another seed: ${failed} failures`);
    const reused = search(c);
    assert.equal(runs(c), 3);
    for (const e of reused.j.runs[0].evaluationsList!.filter((x) => x.error)) assert.match(e.reusedFrom!, /a failure: --retry-failed runs it again/);
    search(c, ['--retry-failed']);
    assert.equal(runs(c), 3 + failed);
  });
});

describe('results log appends (issue 9.5)', () => {
  test('a torn line (died mid-write) is skipped with a warning naming it; its neighbours are kept', () => {
    const log = join(tmp, 'torn.jsonl');
    const good = (i: number) => JSON.stringify({ v: 1, command: 'c {cell}', space: 'nasbench201', index: i, arch: `a${i}`, reward: 50 + i, cost: 1, at: 'now' });
    writeFileSync(log, `${good(1)}\n{"v":1,"command":"c {ce\n${good(2)}\n${good(3)}`); // line 2 torn, line 4 without newline
    const l = new ResultsLog(log);
    assert.deepEqual(l.skipped, [2]);
    assert.match(l.warning!, /torn\.jsonl: skipped 1 unreadable line \(2: a write cut short/);
    assert.equal(l.size, 3);
    l.append(JSON.parse(good(4)));
    l.close();
    const again = new ResultsLog(log);
    assert.equal(again.size, 4);
    assert.equal(again.get('c {cell}', 'nasbench201', 'a4')!.line, 5);
  });

  const mnt = join(tmp, 'small-disk');
  const mounted = linux && (mkdirSync(mnt, { recursive: true }), spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0);
  after(() => {
    if (mounted) spawnSync('umount', ['-l', mnt]);
  });
  test('disk full mid-append (a 64 KiB tmpfs): the result stands, the next record is not glued to the fragment', { skip: !mounted && 'cannot mount a tmpfs here (needs root)' }, async () => {
    const log = join(mnt, 'full.jsonl');
    const obj = new CommandObjective({ command: `node ${EVAL}/ok.mjs {cell}`, log });
    try {
      const first = await obj.evaluate(10, new AbortController().signal);
      assert.equal(first.warning, undefined);
      // Pad the log to just under a page with valid records, then fill the disk: the next record crosses the page.
      const rec = readFileSync(log, 'utf8');
      while (readFileSync(log).length + rec.length < 4000) appendFileSync(log, rec);
      appendFileSync(log, ' '.repeat(4090 - readFileSync(log).length) + '\n');
      const filler = join(mnt, 'filler');
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(4096));
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      const torn = await obj.evaluate(20, new AbortController().signal);
      assert.ok(Number.isFinite(torn.reward), `a successful evaluation reported as ${torn.error}`);
      assert.equal(torn.error, undefined);
      assert.match(torn.warning!, /not recorded in the results log .*ENOSPC/);
      rmSync(filler);
      const next = await obj.evaluate(30, new AbortController().signal);
      assert.equal(next.warning, undefined);
    } finally {
      obj.close();
    }
    const l = new ResultsLog(log);
    const indices = readFileSync(log, 'utf8').split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line).index as number];
      } catch {
        return [];
      }
    });
    assert.ok(indices.includes(30), 'the record after the torn one was swallowed');
    assert.ok(!indices.includes(20));
    assert.equal(l.skipped.length, 1, readFileSync(log, 'utf8').slice(-600));
  });
});

describe('temp files (issue 9.8)', () => {
  test('temp dirs of killed searches are removed at the next start; live ones are kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arch2vec-tmpdirs-'));
    const dead = spawnSync('true').pid!; // a pid that has exited
    mkdirSync(join(dir, `arch2vec-search-${dead}-AbC123`));
    writeFileSync(join(dir, `arch2vec-search-${dead}-AbC123`, 'nb201_1.cells'), 'x');
    mkdirSync(join(dir, `arch2vec-search-${process.pid}-XyZ789`));
    mkdirSync(join(dir, 'arch2vec-search-obj-qwerty'));
    assert.equal(removeStaleTempDirs(dir), 1);
    assert.deepEqual(readdirSync(dir).sort(), ['arch2vec-search-obj-qwerty', `arch2vec-search-${process.pid}-XyZ789`].sort());
    rmSync(dir, { recursive: true, force: true });
  });

  test("{cell} in a temp path with $' or $` is filled literally", () => {
    const cmd = fillTemplate('python t.py {cell} --json {json}', { cell: "/tmp/a$'b$`c$&d", json: '/tmp/x.json', index: '1', arch: 'a' });
    assert.equal(cmd, "python t.py /tmp/a$'b$`c$&d --json /tmp/x.json");
  });
});
