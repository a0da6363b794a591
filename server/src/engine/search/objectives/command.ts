/**
 * `--objective command`: the user's own evaluator. For each candidate the command template is run
 * through the shell with {cell}, {json}, {index}, {arch} filled in (evaluatorContract.ts says exactly
 * what the script receives and must print), with a timeout. The accuracy is what the script reports
 * under that contract, in the declared unit (--scale); anything else is a failed evaluation, recorded
 * with its reason against that cell (reward NaN); it never stops the search. Cost = wall seconds of
 * the run, or the `cost` of a JSON result. Every finished evaluation goes to the results log first
 * (resultsLog.ts), and a candidate already in the log is not run again (unless --fresh, or
 * --retry-failed for a failure); each reuse says where it came from. The command's whole process tree
 * is ended when its evaluation ends (processTree.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellSpec } from '../../../core/cellSpec';
import { cellText } from '../../../core/render';
import { formatArch, NB201_ADJACENCY, nb201NodeOps, nb201OpsAt } from '../../../core/spaces/nasbench201';
import { compileMetricRegex, parseEvaluatorResult, type AccuracyScale } from './evaluatorContract';
import { evaluatorFingerprint, type EvaluatorFingerprint } from './fingerprint';
import { ProcessTree, reapOrphanedEvaluators } from './processTree';
import { ResultsLog, type LogEntry, type LoggedEntry } from './resultsLog';
import type { Objective, SearchEvaluation } from './types';
import { EngineError } from '../../errors';

/** A bad command option: the engine's badInput, thrown as such (no translation by the caller). */
export class CommandError extends EngineError {
  constructor(message: string) {
    super('badInput', message);
    this.name = 'CommandError';
  }
}

export interface CommandOptions {
  /** Shell command template with {cell} and/or {json}. */
  command: string;
  /** Evaluations at once (default 1). */
  parallel?: number;
  /** Seconds before an evaluation is killed (default: none). */
  timeout?: number;
  /** Results log path (JSONL). */
  log: string;
  /** Working directory of the command (default: process.cwd()). */
  cwd?: string;
  /** Seconds between SIGTERM and SIGKILL of an evaluation's process tree (default 2). */
  killGrace?: number;
  /** Unit of the accuracy the evaluator prints (default percent). */
  scale?: AccuracyScale;
  /** A pattern for scripts that cannot print the result line (evaluatorContract.ts). */
  metricRegex?: string;
  /** Read nothing from the log: run every cell again (new results are still appended). */
  fresh?: boolean;
  /** Run cells whose logged evaluation failed again. */
  retryFailed?: boolean;
}

const MAX_OUTPUT = 64 * 1024;
const TMP_PREFIX = 'arch2vec-search-';

/** The accuracy in percent from an evaluator's stdout under the default contract (percent), or why there is none. */
export function parseAccuracy(stdout: string, scale: AccuracyScale = 'percent'): { accuracy: number } | { error: string } {
  const r = parseEvaluatorResult(stdout, { scale });
  return 'error' in r ? r : { accuracy: r.accuracy };
}

export function shellQuote(s: string): string {
  if (process.platform === 'win32') return `"${s.replace(/"/g, '""')}"`;
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Fills the template; a function replacer, so `$&`, `$\``, `$'` in paths stay literal. */
export function fillTemplate(template: string, values: Record<'cell' | 'json' | 'index' | 'arch', string>): string {
  return template.replace(/\{(cell|json|index|arch)\}/g, (_, k: keyof typeof values) => values[k]);
}

function tail(s: string, n = 300): string {
  const t = s.trim();
  const lastLines = t.split('\n').slice(-3).join(' | ');
  return lastLines.length > n ? '…' + lastLines.slice(-n) : lastLines;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp dirs of searches that were killed (kill -9) before they could remove them. */
export function removeStaleTempDirs(dir = tmpdir()): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = /^arch2vec-search-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      if (!statSync(join(dir, name)).isDirectory()) continue;
      rmSync(join(dir, name), { recursive: true, force: true });
      n++;
    } catch {
      /* another process got there first */
    }
  }
  return n;
}

export class CommandObjective implements Objective {
  readonly kind = 'command' as const;
  readonly costUnit = 'seconds' as const;
  readonly defaultBudget = undefined;
  readonly parallel: number;
  readonly log: ResultsLog;
  readonly fingerprint: EvaluatorFingerprint;
  private readonly tmp: string;
  private readonly trees = new Set<ProcessTree>();
  private readonly children = new Set<ChildProcess>();
  /** Evaluations actually run / taken from the log, in this process. */
  ran = 0;
  reused = 0;
  /** Orphaned evaluator processes and stale temp dirs of killed searches cleaned at start. */
  readonly cleaned: { processes: number; tempDirs: number };

  constructor(private readonly opts: CommandOptions) {
    if (!opts.command.trim()) throw new CommandError('--command is empty');
    if (!/\{(cell|json)\}/.test(opts.command)) throw new CommandError(`--command must contain {cell} (path of a .cells file with the cell) or {json} (the cell as JSON), e.g. 'python train.py {cell}'`);
    this.parallel = Math.max(1, Math.floor(opts.parallel ?? 1));
    if (opts.timeout !== undefined && !(opts.timeout > 0)) throw new CommandError('--timeout must be a positive number of seconds');
    if (opts.scale !== undefined && opts.scale !== 'percent' && opts.scale !== 'fraction') throw new CommandError(`--scale takes percent or fraction, got '${String(opts.scale)}'`);
    if (opts.metricRegex !== undefined) {
      try {
        compileMetricRegex(opts.metricRegex);
      } catch (e) {
        throw new CommandError((e as Error).message);
      }
    }
    this.fingerprint = evaluatorFingerprint(opts.command, opts.cwd ?? process.cwd());
    this.cleaned = { processes: reapOrphanedEvaluators(), tempDirs: removeStaleTempDirs() };
    this.log = new ResultsLog(opts.log, { fresh: opts.fresh });
    this.tmp = mkdtempSync(join(tmpdir(), `${TMP_PREFIX}${process.pid}-`));
  }

  /** NB201 only for now: the pool is the benchmark's 15,625 cells. */
  private specOf(index: number): Extract<CellSpec, { space: 'nasbench201' }> {
    return { space: 'nasbench201', ops: nb201OpsAt(index) };
  }

  private reusable(previous: LoggedEntry | undefined): previous is LoggedEntry {
    if (!previous) return false;
    if (previous.timedOut !== undefined && this.opts.timeout !== undefined && this.opts.timeout > previous.timedOut) return false;
    if (previous.reward === null && this.opts.retryFailed) return false;
    return true;
  }

  private reusedFrom(previous: LoggedEntry): string {
    const notes: string[] = [];
    if (previous.fingerprint && previous.fingerprint !== this.fingerprint.id) notes.push('run with other evaluator files or another working directory: --fresh runs it again');
    if (previous.reward === null) notes.push('a failure: --retry-failed runs it again');
    return `${this.log.path}:${previous.line} (evaluated ${previous.at})${notes.length ? `; ${notes.join('; ')}` : ''}`;
  }

  async evaluate(index: number, signal: AbortSignal): Promise<SearchEvaluation> {
    const spec = this.specOf(index);
    const arch = formatArch(spec.ops);
    const previous = this.log.get(this.opts.command, spec.space, arch);
    if (this.reusable(previous)) {
      this.reused++;
      const ev: SearchEvaluation = { index, reward: previous.reward ?? NaN, cost: previous.cost, seconds: 0, reused: true, reusedFrom: this.reusedFrom(previous) };
      if (previous.reward !== null) ev.val = previous.reward;
      if (previous.error) ev.error = previous.error;
      return ev;
    }
    if (signal.aborted) throw signal.reason;
    const name = `nb201_${index}`;
    const cellFile = join(this.tmp, `${name}.cells`);
    const jsonFile = join(this.tmp, `${name}.json`);
    writeFileSync(cellFile, cellText(name, spec));
    writeFileSync(jsonFile, JSON.stringify({
      name, index, space: spec.space, arch, ops: spec.ops, nodeOps: nb201NodeOps(spec.ops), adjacency: NB201_ADJACENCY,
    }, null, 2) + '\n');
    const command = fillTemplate(this.opts.command, { cell: shellQuote(cellFile), json: shellQuote(jsonFile), index: String(index), arch: shellQuote(arch) });
    try {
      const run = await this.run(command, { ARCH2VEC_CELL_FILE: cellFile, ARCH2VEC_CELL_JSON: jsonFile, ARCH2VEC_CELL_INDEX: String(index) }, signal);
      if (signal.aborted) throw signal.reason;
      let reward = NaN;
      let cost = run.seconds;
      let error: string | undefined;
      if (run.timedOut) error = `timed out after ${this.opts.timeout} s`;
      else if (run.spawnError) error = `could not run the command: ${run.spawnError}`;
      else if (run.signal) error = `killed by ${run.signal}${run.stderr.trim() ? `: ${tail(run.stderr)}` : ''}`;
      else if (run.code !== 0) error = `exited with code ${run.code}${run.stderr.trim() ? `: ${tail(run.stderr)}` : ''}`;
      else {
        const p = parseEvaluatorResult(run.stdout, { scale: this.opts.scale, metricRegex: this.opts.metricRegex });
        if ('error' in p) error = p.error;
        else {
          reward = p.accuracy;
          if (p.cost !== undefined) cost = p.cost;
        }
      }
      const entry: LogEntry = {
        v: 1, command: this.opts.command, space: spec.space, index, arch, reward: Number.isFinite(reward) ? reward : null, cost,
        ...(error ? { error } : {}), ...(run.timedOut ? { timedOut: this.opts.timeout } : {}),
        cwd: this.fingerprint.cwd, fingerprint: this.fingerprint.id, at: new Date().toISOString(),
      };
      const ev: SearchEvaluation = { index, reward, cost, seconds: run.seconds };
      try {
        this.log.append(entry);
      } catch (e) {
        // The result stands (it is in this search's output); only its record for a resume is lost.
        ev.warning = `not recorded in the results log ${this.log.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (a resumed search runs it again)`;
      }
      this.ran++;
      if (Number.isFinite(reward)) ev.val = reward;
      if (error) ev.error = error;
      return ev;
    } finally {
      rmSync(cellFile, { force: true });
      rmSync(jsonFile, { force: true });
    }
  }

  private run(command: string, extraEnv: Record<string, string>, signal: AbortSignal) {
    return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; seconds: number; timedOut: boolean; spawnError?: string }>((resolve) => {
      const t0 = performance.now();
      const posix = process.platform !== 'win32';
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let done = false;
      const tree = new ProcessTree();
      let child: ChildProcess;
      try {
        // detached: a new session and process group (POSIX), so the whole tree can be signalled.
        child = spawn(command, { shell: true, detached: posix, cwd: this.opts.cwd, env: tree.env({ ...process.env, ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        resolve({ code: null, signal: null, stdout: '', stderr: '', seconds: 0, timedOut: false, spawnError: (e as Error).message });
        return;
      }
      tree.started(child.pid);
      this.trees.add(tree);
      this.children.add(child);
      const grace = (this.opts.killGrace ?? 2) * 1000;
      // SIGTERM to the tree, SIGKILL after the grace period whatever the shell does meanwhile.
      let ended: Promise<void> | undefined;
      const terminate = () => (ended ??= tree.terminate(grace));
      const timer = this.opts.timeout !== undefined ? setTimeout(() => {
        timedOut = true;
        void terminate();
      }, this.opts.timeout * 1000) : undefined;
      const onAbort = () => void terminate();
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (stdout.length > 2 * MAX_OUTPUT) stdout = stdout.slice(-MAX_OUTPUT);
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.length > 2 * MAX_OUTPUT) stderr = stderr.slice(-MAX_OUTPUT);
      });
      const finish = (code: number | null, sig: string | null, spawnError?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const seconds = (performance.now() - t0) / 1000;
        // Whatever the command left behind (background jobs, setsid daemons) goes before the
        // evaluation counts as over.
        void terminate().then(() => {
          this.trees.delete(tree);
          this.children.delete(child);
          resolve({ code, signal: sig, stdout, stderr, seconds, timedOut, spawnError });
        });
      };
      child.on('error', (e) => finish(null, null, e.message));
      child.on('exit', (code, sig) => {
        // The shell is done: what it left behind goes now (its output already in the pipes is kept).
        void terminate();
        // Output may still be buffered in the pipes; a leftover process holding them open must not hang us.
        const late = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(code, sig);
        }, 1000);
        child.on('close', () => {
          clearTimeout(late);
          finish(code, sig);
        });
      });
    });
  }

  metadata(): Record<string, unknown> {
    return {
      objective: 'command', command: this.opts.command, parallel: this.parallel, timeout: this.opts.timeout ?? null, log: this.log.path,
      cwd: this.fingerprint.cwd, evaluatorFiles: this.fingerprint.files.map((f) => f.path), scale: this.opts.scale ?? 'percent',
      ...(this.opts.metricRegex !== undefined ? { metricRegex: this.opts.metricRegex } : {}), fresh: this.opts.fresh === true, retryFailed: this.opts.retryFailed === true,
      costUnit: this.costUnit, evaluationsRun: this.ran, evaluationsReused: this.reused,
      ...(this.log.warning ? { logWarning: this.log.warning } : {}),
    };
  }

  /** Ends every evaluation still running (SIGKILL to each whole tree), closes the log, removes the temp dir. */
  close() {
    for (const t of this.trees) t.killNow();
    this.trees.clear();
    this.children.clear();
    this.log.close();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
