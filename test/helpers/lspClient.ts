/**
 * A minimal LSP client for tests and benchmarks: spawns the bundled server (`node dist/server.js
 * --stdio`) the way VS Code does, speaks JSON-RPC over its stdio, answers `workspace/configuration`,
 * keeps its own copy of each open document (incremental changes applied locally too) and lets a
 * caller await the diagnostics of a given document version, event-driven.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification,
  type ClientCapabilities, type CodeAction, type Command, type CompletionItem, type CompletionList, type Diagnostic,
  type DocumentSymbol, type FoldingRange, type Hover, type InitializeResult, type PublishDiagnosticsParams, type Range,
  type TextDocumentContentChangeEvent, type TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LANGUAGE_ID, VALIDATED_NOTIFICATION, type ValidatedParams, type ValidationSettings } from '../../server/src/protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_PATH = path.join(ROOT, 'dist', 'server.js');

/** How long any single wait may take before it is a failure (never a pacing sleep). */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface LspClientOptions {
  /** `arch2vec.validation.debounceMs` answered to `workspace/configuration`. Default 0. */
  debounceMs?: number;
  enable?: boolean;
  defaultSpace?: ValidationSettings['defaultSpace'];
  /** Failure guard for waits, ms. */
  timeoutMs?: number;
  /** Extra node flags for the server process (e.g. --max-old-space-size). */
  nodeArgs?: string[];
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: false },
    workspaceEdit: { documentChanges: true },
    applyEdit: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true, willSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: {
      completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], insertReplaceSupport: false },
      contextSupport: true,
    },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] } },
      isPreferredSupport: true,
      dataSupport: true,
    },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    foldingRange: { lineFoldingOnly: true },
    formatting: { dynamicRegistration: false },
  },
  general: { positionEncodings: ['utf-16'] },
};

interface Waiter<T> {
  match: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

/** Failure guard: a hung wait rejects with a message instead of hanging the run. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly connection: MessageConnection;
  readonly settings: ValidationSettings;
  readonly timeoutMs: number;
  /** Server stderr, for failure messages. */
  stderr = '';
  initializeResult: InitializeResult | undefined;
  /** Every publishDiagnostics received, per uri, in arrival order. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Every arch2vec/validated received, per uri, in arrival order. */
  readonly validated = new Map<string, ValidatedParams[]>();
  readonly docs = new Map<string, TextDocument>();
  configurationRequests = 0;

  private diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private validatedWaiters: Waiter<ValidatedParams>[] = [];
  private exited: Error | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(opts: LspClientOptions) {
    this.settings = { enable: opts.enable ?? true, debounceMs: opts.debounceMs ?? 0, defaultSpace: opts.defaultSpace ?? 'nasbench101' };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), SERVER_PATH, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (s: string) => {
      this.stderr += s;
      if (this.stderr.length > 100_000) this.stderr = this.stderr.slice(-50_000);
    });
    this.exitPromise = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = new Error(`language server exited (code ${code}, signal ${signal})${this.stderr ? `; stderr:\n${this.stderr.slice(-4000)}` : ''}`);
        this.failAll(this.exited);
        resolve();
      });
      this.proc.on('error', (err) => {
        this.exited = err;
        this.failAll(err);
        resolve();
      });
    });
    this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string; scopeUri?: string }[] }) => {
      this.configurationRequests++;
      return params.items.map((item) => this.configFor(item.section));
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('window/showMessage', () => undefined);
    this.connection.onNotification('telemetry/event', () => undefined);
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      let list = this.published.get(p.uri);
      if (!list) this.published.set(p.uri, (list = []));
      list.push(p);
      this.diagWaiters = this.settle(this.diagWaiters, p);
    });
    this.connection.onNotification(VALIDATED_NOTIFICATION, (p: ValidatedParams) => {
      let list = this.validated.get(p.uri);
      if (!list) this.validated.set(p.uri, (list = []));
      list.push(p);
      this.validatedWaiters = this.settle(this.validatedWaiters, p);
    });
    // A closed pipe after the server dies must not crash the test process.
    this.connection.onError(() => undefined);
    this.proc.stdin!.on('error', () => undefined);
    this.connection.listen();
  }

  /** Spawns the server and completes the initialize / initialized handshake. */
  static async start(opts: LspClientOptions = {}): Promise<LspClient> {
    const client = new LspClient(opts);
    try {
      client.initializeResult = await client.guard(client.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: 'arch2vec-test-client', version: '0.0.0' },
        rootUri: null,
        workspaceFolders: null,
        capabilities: CLIENT_CAPABILITIES,
      }), 'initialize');
      await client.connection.sendNotification(InitializedNotification.type, {});
      return client;
    } catch (err) {
      client.kill();
      throw err;
    }
  }

  private configFor(section: string | undefined): unknown {
    if (section === 'arch2vec.validation') return { ...this.settings };
    if (section === 'arch2vec') return { validation: { ...this.settings } };
    return null;
  }

  private settle<T>(waiters: Waiter<T>[], value: T): Waiter<T>[] {
    const keep: Waiter<T>[] = [];
    for (const w of waiters) {
      if (w.match(value)) w.resolve(value);
      else keep.push(w);
    }
    return keep;
  }

  private failAll(err: Error) {
    for (const w of [...this.diagWaiters, ...this.validatedWaiters]) w.reject(err);
    this.diagWaiters = [];
    this.validatedWaiters = [];
  }

  /** Races a promise against the failure timeout and the server's death. */
  guard<T>(p: Promise<T>, what: string, ms = this.timeoutMs): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const died = this.exitPromise.then(() => { throw this.exited ?? new Error('language server exited'); });
    return withTimeout(Promise.race([p, died]), ms, what);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return !this.exited && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  // ---- documents -------------------------------------------------------------------------------

  open(uri: string, text: string, version = 1): TextDocument {
    const doc = TextDocument.create(uri, LANGUAGE_ID, version, text);
    this.docs.set(uri, doc);
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: LANGUAGE_ID, version, text } });
    return doc;
  }

  /** Opens a document and waits for the diagnostics of its first version. */
  async openAndWait(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    this.open(uri, text, version);
    return this.waitForDiagnostics(uri, version);
  }

  doc(uri: string): TextDocument {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`document not open: ${uri}`);
    return d;
  }

  text(uri: string): string {
    return this.doc(uri).getText();
  }

  /** Sends incremental changes (applied in order, as LSP specifies) and returns the new version. */
  change(uri: string, changes: { range: Range; text: string }[]): number {
    const doc = this.doc(uri);
    const version = doc.version + 1;
    TextDocument.update(doc, changes as TextDocumentContentChangeEvent[], version);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Replaces `range` with `text` (one incremental change); returns the new version. */
  edit(uri: string, range: Range, text: string): number {
    return this.change(uri, [{ range, text }]);
  }

  /** Applies TextEdits (as a server returns them: against the same base text) as one change; returns the new version. */
  applyEdits(uri: string, edits: TextEdit[]): number {
    const doc = this.doc(uri);
    // Send as incremental changes applied back to front so earlier ranges stay valid.
    const sorted = [...edits].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
    return this.change(uri, sorted.map((e) => ({ range: e.range, text: e.newText })));
  }

  close(uri: string) {
    this.docs.delete(uri);
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Tells the server the settings changed (it re-pulls them and revalidates open documents). */
  setSettings(s: Partial<ValidationSettings>) {
    Object.assign(this.settings, s);
    void this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  // ---- waiting ---------------------------------------------------------------------------------

  /**
   * Resolves with the publishDiagnostics for `uri` whose `version` is `version` (or, with
   * `version` undefined, one that carries no version, as after a close). Already-received ones
   * count, so it may be called after the change was sent.
   */
  waitForDiagnostics(uri: string, version: number | undefined, ms = this.timeoutMs): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && p.version === version;
    return this.waitFor(this.published.get(uri) ?? [], (w) => this.diagWaiters.push(w), match, `diagnostics for ${uri} v${version}`, ms);
  }

  /** Resolves with the arch2vec/validated notification for that version (sent right after its diagnostics). */
  waitForValidated(uri: string, version: number, ms = this.timeoutMs): Promise<ValidatedParams> {
    const match = (p: ValidatedParams) => p.uri === uri && p.version === version;
    return this.waitFor(this.validated.get(uri) ?? [], (w) => this.validatedWaiters.push(w), match, `${VALIDATED_NOTIFICATION} for ${uri} v${version}`, ms);
  }

  /** Resolves with the next publishDiagnostics for `uri` arriving from now on, whatever its version. */
  nextDiagnostics(uri: string, ms = this.timeoutMs): Promise<PublishDiagnosticsParams> {
    return this.waitFor<PublishDiagnosticsParams>([], (w) => this.diagWaiters.push(w), (p) => p.uri === uri, `next diagnostics for ${uri}`, ms);
  }

  private waitFor<T>(seen: T[], add: (w: Waiter<T>) => void, match: (v: T) => boolean, what: string, ms: number): Promise<T> {
    for (let i = seen.length - 1; i >= 0; i--) if (match(seen[i])) return Promise.resolve(seen[i]);
    if (this.exited) return Promise.reject(this.exited);
    let waiter!: Waiter<T>;
    const p = new Promise<T>((resolve, reject) => {
      waiter = { match, resolve, reject };
      add(waiter);
    });
    return withTimeout(p, ms, what).catch((err: Error) => {
      this.diagWaiters = this.diagWaiters.filter((w) => w !== (waiter as unknown));
      this.validatedWaiters = this.validatedWaiters.filter((w) => w !== (waiter as unknown));
      throw err;
    });
  }

  // ---- requests --------------------------------------------------------------------------------

  request<R>(method: string, params: unknown, ms = this.timeoutMs): Promise<R> {
    return this.guard(this.connection.sendRequest<R>(method, params), method, ms);
  }

  hover(uri: string, line: number, character: number) {
    return this.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  }

  completion(uri: string, line: number, character: number) {
    return this.request<CompletionItem[] | CompletionList | null>(
      'textDocument/completion', { textDocument: { uri }, position: { line, character }, context: { triggerKind: 1 } });
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]) {
    return this.request<(CodeAction | Command)[] | null>(
      'textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only, triggerKind: 1 } });
  }

  documentSymbols(uri: string) {
    return this.request<DocumentSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri } });
  }

  foldingRanges(uri: string) {
    return this.request<FoldingRange[] | null>('textDocument/foldingRange', { textDocument: { uri } });
  }

  formatting(uri: string) {
    return this.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  }

  // ---- process -----------------------------------------------------------------------------------

  /** Server resident set size in kB from /proc/<pid>/status (Linux), else undefined. */
  async rssKb(): Promise<number | undefined> {
    if (!this.proc.pid) return undefined;
    try {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${this.proc.pid}/status`, 'utf8');
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit, then waits for the process; kills it if it does not go in time. */
  async stop(ms = 5000): Promise<void> {
    if (!this.alive) {
      this.connection.dispose();
      return;
    }
    try {
      await this.guard(this.connection.sendRequest('shutdown'), 'shutdown', ms);
      await this.connection.sendNotification('exit');
      await withTimeout(this.exitPromise, ms, 'server exit');
    } catch {
      this.kill();
    } finally {
      this.connection.dispose();
    }
  }

  kill() {
    if (this.alive) this.proc.kill('SIGKILL');
  }
}

/** Applies LSP TextEdits (all against `text`) and returns the result. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('memory://x', LANGUAGE_ID, 0, text), edits);
}

/** Full-document range of `text`. */
export function fullRange(text: string): Range {
  const doc = TextDocument.create('memory://x', LANGUAGE_ID, 0, text);
  return { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
}
