/**
 * The engine process as the extension sees it: one EngineClient (started on first use, restarted if
 * it dies), its models and caches under the extension's global storage, the backend from
 * `arch2vec.engine.backend`. Knows what the status bar shows and tells it when that changes.
 */
import * as vscode from 'vscode';
import { EngineClient, EngineExitedError, EngineRequestError, EngineUnresponsiveError } from './engine/engineClient';
import type { BackendReport, BackendRequest, SpaceId } from '../../server/src/protocol';
import { resolveModel } from '../../server/src/engine/paths';

export type EngineState = 'idle' | 'starting' | 'ready' | 'crashed';

export class EngineHost implements vscode.Disposable {
  private client?: EngineClient;
  private backendName: BackendRequest;
  state: EngineState = 'idle';
  backend: BackendReport | undefined;
  private readonly models = new Map<string, { dir: string; source: string } | undefined>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    backend: BackendRequest,
  ) {
    this.backendName = backend;
  }

  /** $ARCH2VEC_HOME for the engine: models the user trains, the NB101 enumeration cache, installed backends. */
  get home(): string {
    return this.context.globalStorageUri.fsPath;
  }

  private get env(): NodeJS.ProcessEnv {
    return { ARCH2VEC_HOME: this.home };
  }

  /** The engine client, starting the process on the first request (not before). */
  async engine(): Promise<EngineClient> {
    if (this.client) return this.client;
    await vscode.workspace.fs.createDirectory(this.context.globalStorageUri);
    const client = new EngineClient({
      enginePath: this.context.asAbsolutePath('dist/engine.js'),
      args: ['--backend', this.backendName],
      env: this.env,
      log: (line) => this.log.info(line),
    });
    client.onExit(({ expected, code, signal }) => {
      this.backend = undefined;
      this.setState(expected ? 'idle' : 'crashed');
      if (!expected) this.log.error(`engine exited (${signal ?? `code ${code}`}); it restarts on the next request`);
    });
    this.client = client;
    return client;
  }

  /** Starts the engine if needed and learns which backend it runs (the status bar shows it). */
  async ensureStarted(): Promise<BackendReport> {
    const client = await this.engine();
    if (this.state !== 'ready') this.setState('starting');
    try {
      const status = await client.status();
      this.backend = status.backend;
      this.setState('ready');
      return status.backend;
    } catch (e) {
      this.setState(this.state === 'starting' ? 'crashed' : this.state);
      throw e;
    }
  }

  /** Switches backend: the next request starts a fresh engine with it. */
  async setBackend(backend: BackendRequest): Promise<void> {
    this.backendName = backend;
    const old = this.client;
    this.client = undefined;
    this.backend = undefined;
    this.setState('idle');
    await old?.dispose();
  }

  async restart(): Promise<void> {
    await this.client?.restart();
    this.backend = undefined;
    this.setState('idle');
  }

  /** Which model a query for `space` would use, without starting the engine (status bar, prompts). */
  modelFor(space: SpaceId, modelDirectory: string): { dir: string; source: string } | undefined {
    // The status bar asks on every render; the answer only changes when a pretraining ends (refresh()).
    const key = `${space}\n${modelDirectory}`;
    if (!this.models.has(key)) {
      let found: { dir: string; source: string } | undefined;
      try {
        found = resolveModel(modelDirectory ? { model: modelDirectory } : { space }, this.env);
      } catch {
        found = undefined;
      }
      this.models.set(key, found);
    }
    return this.models.get(key);
  }

  /** Models may have changed (a pretraining finished): listeners re-read. */
  refresh(): void {
    this.models.clear();
    this.changed.fire();
  }

  private setState(s: EngineState) {
    this.state = s;
    this.changed.fire();
  }

  dispose(): void {
    void this.client?.dispose();
    this.changed.dispose();
  }
}

/** A message for the user from an engine failure: expected errors as the engine words them. */
export function describeEngineError(e: unknown): string {
  if (e instanceof EngineRequestError) return e.message;
  if (e instanceof EngineExitedError) return e.message;
  return (e as Error)?.message ?? String(e);
}

export { EngineRequestError, EngineExitedError, EngineUnresponsiveError };
