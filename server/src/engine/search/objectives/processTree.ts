/**
 * Evaluator process trees: an evaluator is the user's multi-hour GPU job, so when its evaluation ends
 * for any reason (done, timeout, cancel, the search or the whole engine/CLI exiting) every process it
 * started must go, not only the shell.
 *
 * How a tree is found (POSIX): the command is spawned as the leader of a new session and process
 * group (pid = sid = pgid); background jobs stay in that group. A child that calls `setsid` (or
 * double-forks into a daemon reparented to init) leaves both, so every evaluator also gets an
 * environment marker, ARCH2VEC_EVALUATOR=<owner pid>:<owner start time>:<id>, which its descendants
 * inherit; on Linux the members are the process group, the session and every process whose
 * /proc/PID/environ carries the marker. (Only a process that wipes its environment *and* leaves the
 * session escapes; macOS has no /proc and gets the process group.) Windows: `taskkill /T /F`.
 *
 * How it is ended: SIGTERM to every member, then SIGKILL after the grace period to whatever is left,
 * whatever the shell did meanwhile (the old code cancelled the SIGKILL when the shell exited, so a
 * child ignoring SIGTERM survived). At process exit every live tree gets SIGKILL synchronously (an
 * 'exit' hook), and a new search first reaps trees whose owner died without that chance (kill -9).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const MARKER = 'ARCH2VEC_EVALUATOR';
const linux = process.platform === 'linux';
const posix = process.platform !== 'win32';

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  start: string;
}

function stat(pid: number): ProcInfo | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: f[19] };
  } catch {
    return undefined;
  }
}

function marker(pid: number): string | undefined {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
    const at = env.indexOf(`${MARKER}=`);
    if (at < 0 || (at > 0 && env[at - 1] !== '\0')) return undefined;
    const end = env.indexOf('\0', at);
    return env.slice(at + MARKER.length + 1, end < 0 ? undefined : end);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

/** This process's identity as an owner: pid + start time (a reused pid is another owner). */
const OWNER = `${process.pid}:${(linux && stat(process.pid)?.start) || '0'}`;
let counter = 0;

function ownerAlive(owner: string): boolean {
  const [pid, start] = owner.split(':');
  if (linux) {
    const s = stat(Number(pid));
    return !!s && s.state !== 'Z' && (start === '0' || s.start === start);
  }
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

function send(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone, or not ours */
  }
}

const live = new Set<ProcessTree>();
let exitHookInstalled = false;

/** One evaluator's process tree. */
export class ProcessTree {
  /** The value of MARKER in the evaluator's environment. */
  readonly tag = `${OWNER}:${++counter}`;
  private pid = 0;

  /** The environment to spawn the evaluator with. */
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...base, [MARKER]: this.tag };
  }

  /** Call right after spawning (the root's pid). */
  started(pid: number | undefined) {
    if (!pid) return;
    this.pid = pid;
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const t of live) t.killNow();
      });
    }
  }

  /** Pids still alive in the tree (Linux: group, session, marker; elsewhere: the root only). */
  members(): number[] {
    if (!this.pid) return [];
    if (!linux) return [this.pid];
    const out: number[] = [];
    for (const pid of allPids()) {
      if (pid === process.pid) continue;
      const s = stat(pid);
      if (!s || s.state === 'Z' || s.state === 'X') continue;
      if (s.pgid === this.pid || s.sid === this.pid || marker(pid) === this.tag) out.push(pid);
    }
    return out;
  }

  private signalAll(sig: NodeJS.Signals) {
    if (!this.pid) return;
    if (!posix) {
      if (sig === 'SIGKILL' || sig === 'SIGTERM') spawnSync('taskkill', ['/T', '/F', '/PID', String(this.pid)], { stdio: 'ignore', windowsHide: true });
      return;
    }
    send(-this.pid, sig); // the process group
    for (const pid of this.members()) send(pid, sig);
  }

  private ending?: Promise<void>;

  /**
   * SIGTERM to every member, SIGKILL to what is left after `graceMs` (and again until nothing is
   * left: a tree may fork while dying). Resolves when the tree is gone. Idempotent.
   */
  terminate(graceMs: number): Promise<void> {
    this.ending ??= (async () => {
      if (!this.pid) return;
      this.signalAll('SIGTERM');
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline && this.members().length) await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
      for (let i = 0; i < 20; i++) {
        const left = this.members();
        if (!left.length) break;
        this.signalAll('SIGKILL');
        await sleep(20);
      }
      live.delete(this);
    })();
    return this.ending;
  }

  /** SIGKILL now, synchronously (process exit). */
  killNow() {
    this.signalAll('SIGKILL');
    live.delete(this);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGKILLs every live evaluator tree of this process (engine shutdown). */
export function killAllEvaluators() {
  for (const t of live) t.killNow();
}

/**
 * Reaps evaluators whose owner (a CLI or engine that was killed with no chance to clean up) is gone.
 * Linux only (needs /proc). Returns how many processes were killed.
 */
export function reapOrphanedEvaluators(): number {
  if (!linux) return 0;
  let n = 0;
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const tag = marker(pid);
    if (!tag) continue;
    const owner = tag.split(':').slice(0, 2).join(':');
    if (owner === OWNER || ownerAlive(owner)) continue;
    const s = stat(pid);
    if (!s || s.state === 'Z') continue;
    send(pid, 'SIGKILL');
    n++;
  }
  return n;
}
