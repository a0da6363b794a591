/**
 * `--objective command`: the user's own evaluator. For each candidate the command template is run
 * through the shell with
 *   {cell}  → path of a temporary `.cells` file holding that one cell (our syntax, core/render.ts)
 *   {json}  → path of the same cell as JSON ({name, index, space, arch, ops, nodeOps, adjacency})
 *   {index} → the pool index (NB201: benchmark index), {arch} → the NB201 arch string (quoted)
 * (the same paths are in $ARCH2VEC_CELL_FILE / $ARCH2VEC_CELL_JSON / $ARCH2VEC_CELL_INDEX), with a
 * timeout. The accuracy is the last number the command prints on stdout: a percentage, or a fraction
 * in [0, 1] (then ×100: both `0.934` and `93.4` mean 93.4 %). A non-zero exit, a timeout, no number,
 * a non-finite number or one outside [0, 100] is a failed evaluation, recorded with its reason against
 * that cell (reward NaN); it never stops the search. Cost = wall seconds of the run. Every finished
 * evaluation goes to the results log first (resultsLog.ts), and a candidate already in the log is
 * not run again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellSpec } from '../../../core/cellSpec';
import { cellText } from '../../../core/render';
import { formatArch, NB201_ADJACENCY, nb201NodeOps, nb201OpsAt } from '../../../core/spaces/nasbench201';
import { ResultsLog, type LogEntry } from './resultsLog';
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
  /** Seconds between SIGTERM and SIGKILL of a timed-out evaluation (default 2). */
  killGrace?: number;
}

const MAX_OUTPUT = 64 * 1024;
/** Numbers as a script would print them, and NaN / inf spelled the common ways. */
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf(?:inity)?)\b/gi;

/** The accuracy in percent from an evaluator's stdout, or why there is none. */
export function parseAccuracy(stdout: string): { accuracy: number } | { error: string } {
  const matches = stdout.match(NUMBER);
  if (!matches) {
    const shown = stdout.trim().slice(-80).replace(/\s+/g, ' ');
    return { error: shown ? `no number in the output (last output: '${shown}')` : 'no output on stdout (print the accuracy as the last number)' };
  }
  const last = matches[matches.length - 1];
  const value = /nan/i.test(last) ? NaN : /inf/i.test(last) ? (last.startsWith('-') ? -Infinity : Infinity) : Number(last);
  if (!Number.isFinite(value)) return { error: `the last number printed is not finite ('${last}')` };
  if (value < 0 || value > 100) return { error: `the last number printed (${last}) is not an accuracy (expected a percentage 0..100 or a fraction 0..1)` };
  return { accuracy: value <= 1 ? value * 100 : value };
}

export function shellQuote(s: string): string {
  if (process.platform === 'win32') return `"${s.replace(/"/g, '""')}"`;
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function tail(s: string, n = 300): string {
  const t = s.trim();
  const lastLines = t.split('\n').slice(-3).join(' | ');
  return lastLines.length > n ? '…' + lastLines.slice(-n) : lastLines;
}

export class CommandObjective implements Objective {
  readonly kind = 'command' as const;
  readonly costUnit = 'seconds' as const;
  readonly defaultBudget = undefined;
  readonly parallel: number;
  readonly log: ResultsLog;
  private readonly tmp: string;
  private readonly children = new Set<ChildProcess>();
  /** Evaluations actually run / taken from the log, in this process. */
  ran = 0;
  reused = 0;

  constructor(private readonly opts: CommandOptions) {
    if (!opts.command.trim()) throw new CommandError('--command is empty');
    if (!/\{(cell|json)\}/.test(opts.command)) throw new CommandError(`--command must contain {cell} (path of a .cells file with the cell) or {json} (the cell as JSON), e.g. 'python train.py {cell}'`);
    this.parallel = Math.max(1, Math.floor(opts.parallel ?? 1));
    if (opts.timeout !== undefined && !(opts.timeout > 0)) throw new CommandError('--timeout must be a positive number of seconds');
    this.log = new ResultsLog(opts.log);
    this.tmp = mkdtempSync(join(tmpdir(), 'arch2vec-search-'));
  }

  /** NB201 only for now: the pool is the benchmark's 15,625 cells. */
  private specOf(index: number): Extract<CellSpec, { space: 'nasbench201' }> {
    return { space: 'nasbench201', ops: nb201OpsAt(index) };
  }

  async evaluate(index: number, signal: AbortSignal): Promise<SearchEvaluation> {
    const spec = this.specOf(index);
    const arch = formatArch(spec.ops);
    const previous = this.log.get(this.opts.command, spec.space, arch);
    if (previous && !(previous.timedOut !== undefined && this.opts.timeout !== undefined && this.opts.timeout > previous.timedOut)) {
      this.reused++;
      const ev: SearchEvaluation = { index, reward: previous.reward ?? NaN, cost: previous.cost, seconds: 0, reused: true };
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
    const command = this.opts.command
      .replace(/\{cell\}/g, shellQuote(cellFile))
      .replace(/\{json\}/g, shellQuote(jsonFile))
      .replace(/\{index\}/g, String(index))
      .replace(/\{arch\}/g, shellQuote(arch));
    try {
      const run = await this.run(command, { ARCH2VEC_CELL_FILE: cellFile, ARCH2VEC_CELL_JSON: jsonFile, ARCH2VEC_CELL_INDEX: String(index) }, signal);
      if (signal.aborted) throw signal.reason;
      let reward = NaN;
      let error: string | undefined;
      if (run.timedOut) error = `timed out after ${this.opts.timeout} s`;
      else if (run.spawnError) error = `could not run the command: ${run.spawnError}`;
      else if (run.signal) error = `killed by ${run.signal}${run.stderr.trim() ? `: ${tail(run.stderr)}` : ''}`;
      else if (run.code !== 0) error = `exited with code ${run.code}${run.stderr.trim() ? `: ${tail(run.stderr)}` : ''}`;
      else {
        const p = parseAccuracy(run.stdout);
        if ('error' in p) error = p.error;
        else reward = p.accuracy;
      }
      const entry: LogEntry = {
        v: 1, command: this.opts.command, space: spec.space, index, arch, reward: Number.isFinite(reward) ? reward : null, cost: run.seconds,
        ...(error ? { error } : {}), ...(run.timedOut ? { timedOut: this.opts.timeout } : {}), at: new Date().toISOString(),
      };
      this.log.append(entry);
      this.ran++;
      const ev: SearchEvaluation = { index, reward, cost: run.seconds, seconds: run.seconds };
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
      let child: ChildProcess;
      try {
        child = spawn(command, { shell: true, detached: posix, cwd: this.opts.cwd, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        resolve({ code: null, signal: null, stdout: '', stderr: '', seconds: 0, timedOut: false, spawnError: (e as Error).message });
        return;
      }
      this.children.add(child);
      const kill = (sig: NodeJS.Signals) => {
        try {
          if (posix && child.pid) process.kill(-child.pid, sig); // the whole process group: shell, script, its children
          else child.kill(sig);
        } catch {
          /* already gone */
        }
      };
      const grace = (this.opts.killGrace ?? 2) * 1000;
      let killTimer: NodeJS.Timeout | undefined;
      const terminate = () => {
        kill('SIGTERM');
        killTimer ??= setTimeout(() => kill('SIGKILL'), grace);
      };
      const timer = this.opts.timeout !== undefined ? setTimeout(() => {
        timedOut = true;
        terminate();
      }, this.opts.timeout * 1000) : undefined;
      const onAbort = () => terminate();
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
        clearTimeout(killTimer);
        signal.removeEventListener('abort', onAbort);
        this.children.delete(child);
        resolve({ code, signal: sig, stdout, stderr, seconds: (performance.now() - t0) / 1000, timedOut, spawnError });
      };
      child.on('error', (e) => finish(null, null, e.message));
      child.on('exit', (code, sig) => {
        // Output may still be buffered in the pipes; a grandchild holding them open must not hang us.
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
      costUnit: this.costUnit, evaluationsRun: this.ran, evaluationsReused: this.reused,
    };
  }

  close() {
    for (const c of this.children) {
      try {
        if (process.platform !== 'win32' && c.pid) process.kill(-c.pid, 'SIGKILL');
        else c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.log.close();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
