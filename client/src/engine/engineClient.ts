/**
 * Talks to the engine process (dist/engine.js) for the extension or the language server: started on
 * the first request, restarted on the next request after it dies (exponential backoff, and a pause
 * after repeated crashes), and every request in flight when it dies is rejected with an
 * EngineExitedError that says so. Expected engine failures arrive as EngineRequestError with the
 * protocol's error kind (badModelDir, unknownSpace, cancelled, ...).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CancellationTokenSource, createMessageConnection, ResponseError, type CancellationToken, type MessageConnection, type RequestType, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type {
  PrepareProgress,
  EngineEmbedParams, EngineEmbedResult, EngineErrorData, EngineErrorKind, EngineLoadModelParams, EngineLoadModelResult,
  EngineNeighboursParams, EngineNeighboursResult, EnginePretrainParams, EnginePretrainResult, EngineStatusResult, PretrainProgress,
  EngineCellAtParams, EngineCellAtResult, EngineMapParams, EngineMapResult, EngineSearchParams, EngineSearchProgress, EngineSearchResult,
} from '../../../server/src/protocol';
import { EnginePrepareProgressNotification, EngineProgressNotification, EngineRequests, EngineSearchProgressNotification } from '../../../server/src/protocol';

export interface EngineClientOptions {
  /** Path of engine.js; default: the bundle next to this one, or dist/engine.js above it. */
  enginePath?: string;
  /** 'ipc' (default, fork with a node IPC channel) or 'stdio'. */
  transport?: 'ipc' | 'stdio';
  /** Extra engine arguments, e.g. ['--backend', 'wasm']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** Engine stderr lines and lifecycle events. */
  log?: (line: string) => void;
  /** First restart delay, doubled per recent crash up to maxDelayMs (defaults 500 / 10,000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** More crashes than this within crashWindowMs stops automatic restarts until restart() (defaults 5 / 60 s). */
  maxCrashes?: number;
  crashWindowMs?: number;
  /**
   * Liveness check while requests are pending: an engine/ping every intervalMs; an engine that has
   * answered nothing (ping, reply or progress) for timeoutMs is hung, is killed, and its pending
   * requests fail with EngineUnresponsiveError. A long job that yields keeps answering, so it is never
   * timed out for being long. Defaults 5 s / 120 s (generous: the NB101 enumeration blocks for ~20 s, and a false alarm would kill a long pretraining); false: off.
   */
  liveness?: { intervalMs?: number; timeoutMs?: number } | false;
}

export class EngineExitedError extends Error {
  constructor(readonly method: string, readonly exitCode: number | null, readonly signal: NodeJS.Signals | null) {
    super(`the arch2vec engine process exited (${signal ? `signal ${signal}` : `code ${exitCode}`}) while handling ${method}; it restarts on the next request`);
    this.name = 'EngineExitedError';
  }
}

/** The engine stopped answering (blocked event loop, hung I/O); it was killed and restarts on the next request. */
export class EngineUnresponsiveError extends EngineExitedError {
  constructor(method: string, readonly pidOf: number | undefined, readonly silentMs: number) {
    super(method, null, 'SIGKILL');
    this.message = `the arch2vec engine (pid ${pidOf ?? '?'}) stopped answering for ${Math.round(silentMs / 1000)} s while handling ${method}; it was stopped and restarts on the next request (or run "arch2vec: Restart Engine")`;
    this.name = 'EngineUnresponsiveError';
  }
}

export class EngineRequestError extends Error {
  constructor(readonly code: number, message: string, readonly data?: EngineErrorData) {
    super(message);
    this.name = 'EngineRequestError';
  }

  get kind(): EngineErrorKind | 'internal' {
    return this.data?.kind ?? 'internal';
  }
}

export interface RequestOptions {
  token?: CancellationToken;
  signal?: AbortSignal;
}

/** Options of a request that may first prepare something slow (a space's table, a pool). */
export interface PrepareOptions extends RequestOptions {
  onPrepare?: (p: PrepareProgress) => void;
}

function defaultEnginePath(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    for (const p of [join(dir, 'engine.js'), join(dir, 'dist', 'engine.js')]) if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`arch2vec: engine bundle (dist/engine.js) not found above ${__dirname}; run npm run build`);
}

interface Running {
  child: ChildProcess;
  conn: MessageConnection;
  /** Settles when this process exits; requests race against it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Requests in flight (pings excluded): the liveness check runs while this is > 0. */
  pending: number;
  /** When the engine last answered anything. */
  lastHeard: number;
  watchdog?: NodeJS.Timeout;
  /** Set when the liveness check killed it: how long it had been silent. */
  hungFor?: number;
}

export class EngineClient {
  private running?: Running;
  private starting?: Promise<Running>;
  private crashes: number[] = [];
  private nextStartAt = 0;
  private disposed = false;
  private readonly progress = new Map<string, (p: PretrainProgress) => void>();
  private readonly searchProgress = new Map<string, (p: EngineSearchProgress) => void>();
  private readonly prepareProgress = new Map<string, (p: PrepareProgress) => void>();
  private progressSeq = 0;
  private readonly exitListeners = new Set<(e: { code: number | null; signal: NodeJS.Signals | null; expected: boolean }) => void>();

  constructor(private readonly opts: EngineClientOptions = {}) {}

  private log(line: string) {
    this.opts.log?.(line);
  }

  /** Called whenever the engine process exits (expected: stopped by dispose/restart). */
  onExit(listener: (e: { code: number | null; signal: NodeJS.Signals | null; expected: boolean }) => void): { dispose(): void } {
    this.exitListeners.add(listener);
    return { dispose: () => this.exitListeners.delete(listener) };
  }

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  private async ensure(): Promise<Running> {
    if (this.disposed) throw new Error('the arch2vec engine client is disposed');
    if (this.running) return this.running;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<Running> {
    const now = Date.now();
    const window = this.opts.crashWindowMs ?? 60_000;
    this.crashes = this.crashes.filter((t) => now - t < window);
    if (this.crashes.length > (this.opts.maxCrashes ?? 5)) {
      throw new Error(`the arch2vec engine crashed ${this.crashes.length} times in ${Math.round(window / 1000)} s; not restarting it automatically (see the log, then restart it)`);
    }
    const wait = this.nextStartAt - now;
    if (wait > 0) {
      this.log(`engine: restarting in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
    const path = this.opts.enginePath ?? defaultEnginePath();
    const env = { ...process.env, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' };
    const args = [...(this.opts.args ?? [])];
    let child: ChildProcess;
    let conn: MessageConnection;
    if ((this.opts.transport ?? 'ipc') === 'ipc') {
      child = fork(path, ['--node-ipc', ...args], { env, execArgv: this.opts.execArgv ?? [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, [...(this.opts.execArgv ?? []), path, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    this.log(`engine: started pid ${child.pid} (${path})`);
    const forward = (stream: NodeJS.ReadableStream | null | undefined) => {
      if (!stream) return;
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.trim()) this.log(`engine: ${l}`);
      });
    };
    forward(child.stderr);
    if ((this.opts.transport ?? 'ipc') === 'ipc') forward(child.stdout);
    const heard = () => (running.lastHeard = Date.now());
    conn.onNotification(EngineProgressNotification, ({ token, progress }) => { heard(); this.progress.get(String(token))?.(progress); });
    conn.onNotification(EngineSearchProgressNotification, ({ token, progress }) => { heard(); this.searchProgress.get(String(token))?.(progress); });
    conn.onNotification(EnginePrepareProgressNotification, ({ token, progress }) => { heard(); this.prepareProgress.get(String(token))?.(progress); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (e) => {
        this.log(`engine: could not start: ${e.message}`);
        resolve({ code: null, signal: null });
      });
    });
    const running: Running = { child, conn, exited, pending: 0, lastHeard: Date.now() };
    void exited.then(({ code, signal }) => {
      this.stopWatchdog(running);
      const expected = (child as ChildProcess & { expectedExit?: boolean }).expectedExit === true;
      conn.dispose();
      if (this.running === running) this.running = undefined;
      if (!expected) {
        this.crashes.push(Date.now());
        const base = this.opts.baseDelayMs ?? 500;
        this.nextStartAt = Date.now() + Math.min(this.opts.maxDelayMs ?? 10_000, base * 2 ** Math.max(0, this.crashes.length - 1));
        this.log(`engine: exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`);
      }
      for (const l of this.exitListeners) l({ code, signal, expected });
    });
    conn.listen();
    this.running = running;
    return running;
  }

  /** Pings while requests are pending; kills an engine silent for longer than the liveness timeout. */
  private startWatchdog(r: Running): void {
    const cfg = this.opts.liveness;
    if (cfg === false || r.watchdog) return;
    const interval = cfg?.intervalMs ?? 5_000;
    const timeout = cfg?.timeoutMs ?? 120_000;
    let pinging = false;
    r.lastHeard = Date.now();
    r.watchdog = setInterval(() => {
      const silent = Date.now() - r.lastHeard;
      if (silent > timeout && r.hungFor === undefined) {
        r.hungFor = silent;
        this.log(`engine: pid ${r.child.pid} answered nothing for ${Math.round(silent / 1000)} s; stopping it`);
        this.stopWatchdog(r);
        r.child.kill('SIGKILL');
        return;
      }
      if (pinging) return;
      pinging = true;
      r.conn.sendRequest(EngineRequests.ping, {}).then(
        () => (r.lastHeard = Date.now()),
        (e: unknown) => { if (e instanceof ResponseError) r.lastHeard = Date.now(); }, // an error reply is an answer too
      ).finally(() => (pinging = false));
    }, Math.max(1, Math.min(interval, timeout)));
    r.watchdog.unref();
  }

  private stopWatchdog(r: Running): void {
    if (r.watchdog) clearInterval(r.watchdog);
    r.watchdog = undefined;
  }

  /** A raw typed request; prefer the named methods below. */
  async request<P, R>(type: RequestType<P, R, EngineErrorData>, params: P, options: RequestOptions = {}): Promise<R> {
    const r = await this.ensure();
    let token = options.token;
    let source: CancellationTokenSource | undefined;
    if (options.signal) {
      source = new CancellationTokenSource();
      if (options.signal.aborted) source.cancel();
      else options.signal.addEventListener('abort', () => source!.cancel(), { once: true });
      if (token) token.onCancellationRequested(() => source!.cancel());
      token = source.token;
    }
    r.pending++;
    this.startWatchdog(r);
    try {
      const reply: Promise<R> = token ? r.conn.sendRequest(type, params as never, token) : r.conn.sendRequest(type, params as never);
      const outcome = await Promise.race([
        reply.then((value) => ({ value }), (error: unknown) => ({ error })),
        r.exited.then((e) => ({ exit: e })),
      ]);
      if ('exit' in outcome) {
        if (r.hungFor !== undefined) throw new EngineUnresponsiveError(type.method, r.child.pid, r.hungFor);
        throw new EngineExitedError(type.method, outcome.exit.code, outcome.exit.signal);
      }
      r.lastHeard = Date.now();
      if ('error' in outcome) {
        const e = outcome.error;
        if (e instanceof ResponseError) throw new EngineRequestError(e.code, e.message, e.data as EngineErrorData | undefined);
        throw e;
      }
      return outcome.value;
    } finally {
      source?.dispose();
      if (--r.pending === 0) this.stopWatchdog(r);
    }
  }

  status(options?: RequestOptions): Promise<EngineStatusResult> {
    return this.request(EngineRequests.status, {}, options);
  }

  /** Pretrains; onProgress gets the engine's progress (a token is assigned when none is given). */
  pretrain(params: EnginePretrainParams, options: RequestOptions & { onProgress?: (p: PretrainProgress) => void } = {}): Promise<EnginePretrainResult> {
    return this.requestWithProgress(EngineRequests.pretrain, params, options, this.progress);
  }

  /**
   * A request whose progress notifications (matched by token) go to options.onProgress while it runs,
   * and its preparation's (engine/prepareProgress) to options.onPrepare.
   */
  private async requestWithProgress<P extends { progressToken?: string | number }, R, G>(
    type: RequestType<P, R, EngineErrorData>, params: P, options: PrepareOptions & { onProgress?: (p: G) => void }, listeners?: Map<string, (p: G) => void>,
  ): Promise<R> {
    if (!options.onProgress && !options.onPrepare) return this.request(type, params, options);
    const token = String(params.progressToken ?? `${type.method}-${process.pid}-${++this.progressSeq}`);
    if (options.onProgress && listeners) listeners.set(token, options.onProgress);
    if (options.onPrepare) this.prepareProgress.set(token, options.onPrepare);
    try {
      return await this.request(type, { ...params, progressToken: token }, options);
    } finally {
      listeners?.delete(token);
      this.prepareProgress.delete(token);
    }
  }

  loadModel(params: EngineLoadModelParams, options: PrepareOptions = {}): Promise<EngineLoadModelResult> {
    return this.requestWithProgress(EngineRequests.loadModel, params, options);
  }

  embed(params: EngineEmbedParams, options?: RequestOptions): Promise<EngineEmbedResult> {
    return this.request(EngineRequests.embed, params, options);
  }

  neighbours(params: EngineNeighboursParams, options: PrepareOptions = {}): Promise<EngineNeighboursResult> {
    return this.requestWithProgress(EngineRequests.neighbours, params, options);
  }

  /** Runs a search; onProgress gets the best so far after every evaluation. Cancelling answers with the best so far. */
  search(params: EngineSearchParams, options: PrepareOptions & { onProgress?: (p: EngineSearchProgress) => void } = {}): Promise<EngineSearchResult> {
    return this.requestWithProgress(EngineRequests.search, params, options, this.searchProgress);
  }

  map(params: EngineMapParams, options: PrepareOptions = {}): Promise<EngineMapResult> {
    return this.requestWithProgress(EngineRequests.map, params, options);
  }

  cellAt(params: EngineCellAtParams, options: PrepareOptions = {}): Promise<EngineCellAtResult> {
    return this.requestWithProgress(EngineRequests.cellAt, params, options);
  }

  /** Stops the process (in-flight requests fail with EngineExitedError); the next request starts a fresh one. */
  async restart(): Promise<void> {
    this.crashes = [];
    this.nextStartAt = 0;
    await this.stop();
  }

  private async stop(): Promise<void> {
    const r = this.running ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    if (!r) return;
    (r.child as ChildProcess & { expectedExit?: boolean }).expectedExit = true;
    r.child.kill();
    await r.exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.disposed = true;
  }
}
