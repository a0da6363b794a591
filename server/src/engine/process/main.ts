/**
 * The engine process (dist/engine.js): TensorFlow.js work behind JSON-RPC, so neither the editor nor
 * the language server ever waits on it. Transport: stdio by default, node IPC with --node-ipc (how
 * the extension starts it). `--backend NAME` (or ARCH2VEC_BACKEND) picks the compute backend; it is
 * selected once, at the first request that needs it, and reported by engine/status.
 *
 * Expected failures (bad model directory, unknown space, invalid cells, cancellation) are JSON-RPC
 * errors with the ENGINE_ERRORS code and {kind, ...} data; the process never exits because of them.
 */
import { createMessageConnection, IPCMessageReader, ResponseError, type CancellationToken, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { EngineErrorData, EngineSearchProgress, PrepareProgress, PretrainProgress } from '../../protocol';
import { EngineError } from '../errors';
import { checkBackendName, EngineService } from '../service';
import { EnginePrepareProgressNotification, EngineProgressNotification, EngineRequests, EngineSearchProgressNotification } from '../../protocol';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const ipc = process.argv.includes('--node-ipc') && typeof process.send === 'function';
// With stdio, stdout is the protocol: nothing else may write there (tfjs and friends log freely).
console.log = console.error;
console.info = console.error;
console.debug = console.error;

const connection = ipc
  ? createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process))
  : createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));

let service: EngineService;
try {
  service = new EngineService(checkBackendName(arg('--backend') ?? process.env.ARCH2VEC_BACKEND ?? 'auto'), (r) => {
    process.stderr.write(`backend: ${r.backend} (${r.device})${r.skipped.map((s) => `\n  skipped ${s.backend}: ${s.reason}`).join('')}\n`);
  });
} catch (e) {
  process.stderr.write(`arch2vec engine: ${(e as Error).message}\n`);
  process.exit(2);
}

function toResponseError(e: unknown): ResponseError<EngineErrorData> {
  if (e instanceof ResponseError) return e;
  if (e instanceof EngineError) return new ResponseError<EngineErrorData>(e.code, e.message, { kind: e.kind, ...e.data });
  const err = e as Error;
  process.stderr.write(`arch2vec engine: internal error: ${err?.stack ?? String(e)}\n`);
  throw e; // vscode-jsonrpc answers InternalError with the message
}

function handle<P, R>(fn: (p: P, token: CancellationToken) => Promise<R>) {
  return async (p: P, token: CancellationToken): Promise<R | ResponseError<EngineErrorData>> => {
    try {
      return await fn(p ?? ({} as P), token);
    } catch (e) {
      return toResponseError(e);
    }
  };
}

/** A CancellationToken as an AbortSignal (what the trainer takes). */
function abortSignal(token: CancellationToken): AbortSignal {
  const ctl = new AbortController();
  if (token.isCancellationRequested) ctl.abort();
  else token.onCancellationRequested(() => ctl.abort());
  return ctl.signal;
}

connection.onRequest(EngineRequests.status, handle(() => service.status()));
connection.onRequest(EngineRequests.ping, () => ({ pid: process.pid }));
connection.onRequest(EngineRequests.pretrain, handle((p, token) => {
  const progressToken = p.progressToken;
  const onProgress = progressToken === undefined ? undefined : (progress: PretrainProgress) => {
    void connection.sendNotification(EngineProgressNotification, { token: progressToken, progress });
  };
  return service.pretrain(p, abortSignal(token), onProgress);
}));
/** engine/prepareProgress for a request that carries a progress token. */
function prepareProgress(token: string | number | undefined) {
  return token === undefined ? undefined : (progress: PrepareProgress) => {
    void connection.sendNotification(EnginePrepareProgressNotification, { token, progress });
  };
}

connection.onRequest(EngineRequests.loadModel, handle((p, token) => service.loadModel(p, prepareProgress(p.progressToken), abortSignal(token))));
connection.onRequest(EngineRequests.embed, handle((p, token) => service.embed(p, abortSignal(token))));
connection.onRequest(EngineRequests.neighbours, handle((p, token) => service.neighbours(p, prepareProgress(p.progressToken), abortSignal(token))));
connection.onRequest(EngineRequests.map, handle((p, token) => service.map(p, prepareProgress(p.progressToken), abortSignal(token))));
connection.onRequest(EngineRequests.cellAt, handle((p, token) => service.cellAt(p, prepareProgress(p.progressToken), abortSignal(token))));

connection.onRequest(EngineRequests.search, handle((p, token) => {
  const progressToken = p.progressToken;
  const onProgress = progressToken === undefined ? undefined : (progress: EngineSearchProgress) => {
    void connection.sendNotification(EngineSearchProgressNotification, { token: progressToken, progress });
  };
  return service.search(p, abortSignal(token), onProgress, prepareProgress(progressToken));
}));

// The parent went away: nothing can read our answers any more. Exiting through process.exit runs the
// 'exit' hook that SIGKILLs every running evaluator's process tree (objectives/processTree.ts), so a
// restarted engine, a closed editor or a dead parent never leaves the user's training jobs behind;
// SIGTERM / SIGHUP / SIGINT (which would otherwise end node without that hook) take the same path.
connection.onClose(() => process.exit(0));
for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
if (ipc) process.on('disconnect', () => process.exit(0));
else process.stdin.on('end', () => process.exit(0));

connection.listen();
