/**
 * The extension host side: starts the language server (validation) when a `.cells` file opens or a
 * command runs, starts the engine process (TensorFlow.js) on the first command that needs it, and
 * wires commands, CodeLens targets, jobs, the status bar and the webviews. No ML runs in this process.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CONFIG_SECTION, LANGUAGE_ID } from '../../server/src/protocol';
import type { PageMessage } from '../../webview/src/messages';
import { type App, insertCell, settings, showError } from './app';
import { chooseBackend, embedFile, openLatentMap, pretrain } from './commands/model';
import { neighboursOf, showNeighbours, suggestSimilar } from './commands/neighbours';
import { exportPyTorch } from './commands/exportPyTorch';
import { compareCells } from './commands/compareCells';
import { openExample } from './commands/openExample';
import { cancelSearch, exportSearchResults, rerunSearch, runSearch } from './commands/search';
import { EngineHost } from './engineHost';
import { honestLenses } from './honestLenses';
import { Jobs } from './jobs';
import { StatusBar } from './statusBar';
import { Views, type ViewPanel } from './webviews/panels';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient> | undefined;
/** Set once the app exists: CodeLenses that need a model are replaced where the space has none. */
let lensRewriter: ((doc: vscode.TextDocument, lenses: vscode.CodeLens[]) => Promise<vscode.CodeLens[]>) | undefined;

function createClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    outputChannel: log,
    traceOutputChannel: log,
    synchronize: { configurationSection: CONFIG_SECTION },
    middleware: {
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        return lenses && lensRewriter ? lensRewriter(document, lenses) : lenses;
      },
    },
  };
  return new LanguageClient('arch2vec', 'arch2vec cell-spec server', serverOptions, clientOptions);
}

/** The running language client; `start()` resolves after the server's initialize handshake. */
function languageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<LanguageClient> {
  starting ??= (async () => {
    client = createClient(context, log);
    await client.start();
    log.info('language server started');
    return client;
  })().catch((e) => {
    starting = undefined;
    throw e;
  });
  return starting;
}

/** What the webview pages may ask for. */
async function onPageMessage(app: App, m: PageMessage, view: ViewPanel): Promise<void> {
  const state = view.state;
  switch (m.type) {
    case 'insertCell': {
      const r = await insertCell(app, state?.sourceUri, m.cell, m.spec);
      if (r) void vscode.window.setStatusBarMessage(r.existing ? `arch2vec: the file already has this cell as ${r.name}; showing it` : `arch2vec: inserted cell ${r.name}`, 6000);
      return;
    }
    case 'showNeighbours':
      if (!state) return;
      await neighboursOf(app, m, state.space, state.sourceUri, view);
      return;
    case 'pointInfo': {
      if (!state) return;
      const r = await (await app.engine.engine()).cellAt({ index: m.index, ...((state.kind === 'map' || state.kind === 'neighbours') && state.model ? { modelDir: state.model } : { space: state.space }) });
      view.post({ type: 'pointInfo', requestId: m.requestId, index: r.index, arch: r.arch, cell: r.cell, ...(r.accuracies ? { accuracies: r.accuracies } : {}) });
      return;
    }
    case 'cancelSearch':
      if (!cancelSearch()) void vscode.window.showInformationMessage('arch2vec: no search is running.');
      return;
    case 'exportResults':
      await exportSearchResults(m.format);
      return;
    case 'rerunSearch':
      await rerunSearch();
      return;
    case 'revealLine': {
      if (!state?.sourceUri) return;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(state.sourceUri));
      const at = new vscode.Position(Math.min(m.line - 1, doc.lineCount - 1), 0);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
      return;
    }
    default:
      return;
  }
}

async function statusActions(app: App): Promise<void> {
  const jobs = app.jobs.list();
  const items: (vscode.QuickPickItem & { command: string })[] = [
    ...(jobs.length ? [{ label: '$(stop-circle) Cancel Running Job', description: jobs.map((j) => j.title).join(', '), command: 'arch2vec.cancelJob' }] : []),
    { label: '$(circuit-board) Choose Compute Backend…', description: app.engine.backend?.backend ?? settings().backend, command: 'arch2vec.chooseBackend' },
    { label: '$(mortar-board) Pretrain Model…', command: 'arch2vec.pretrain' },
    { label: '$(search) Run Search…', command: 'arch2vec.runSearch' },
    { label: '$(graph-scatter) Open Latent-Space Map', command: 'arch2vec.openLatentMap' },
    { label: '$(output) Show Log', command: 'arch2vec.showLog' },
    { label: '$(debug-restart) Restart Engine', command: 'arch2vec.restartEngine' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'arch2vec' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('arch2vec', { log: true });
  const jobs = new Jobs();
  const engine = new EngineHost(context, log, settings().backend);
  // `views` needs the app for its message handler and the app needs `views`: bind late.
  const app = { context, log, engine, jobs, languageClient: () => languageClient(context, log) } as App;
  app.views = new Views(context, (m, view) => onPageMessage(app, m, view), log);
  const status = new StatusBar(app);
  lensRewriter = (doc, lenses) => honestLenses(app, doc, lenses);

  /** Commands report their own expected failures; anything else lands here with the log one click away. */
  const command = (id: string, fn: (...args: unknown[]) => Promise<unknown> | unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (e) {
        await showError(app, `${id} failed`, e);
      }
    });

  context.subscriptions.push(
    log, jobs, engine, app.views, status,
    command('arch2vec.showLog', () => log.show()),
    command('arch2vec.restartServer', async () => {
      if (client) await client.restart();
      else await app.languageClient();
    }),
    command('arch2vec.restartEngine', async () => {
      await engine.restart();
      await engine.ensureStarted();
    }),
    command('arch2vec.pretrain', (space) => pretrain(app, space)),
    command('arch2vec.showNeighbours', (...args) => showNeighbours(app, ...args)),
    command('arch2vec.suggestSimilar', (...args) => suggestSimilar(app, ...args)),
    command('arch2vec.exportPyTorch', (...args) => exportPyTorch(app, ...args)),
    command('arch2vec.compareCells', (...args) => compareCells(app, ...args)),
    command('arch2vec.embedFile', (uri) => embedFile(app, uri)),
    command('arch2vec.runSearch', (choice) => runSearch(app, choice)),
    command('arch2vec.cancelJob', () => jobs.cancelInteractive()),
    command('arch2vec.openLatentMap', (space) => openLatentMap(app, space)),
    command('arch2vec.chooseBackend', () => chooseBackend(app)),
    command('arch2vec.statusActions', () => statusActions(app)),
    command('arch2vec.openExample', (name) => openExample(context, name)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('arch2vec.engine.backend')) {
        const b = settings().backend;
        log.info(`backend setting: ${b}; the engine restarts with it on the next command`);
        await engine.setBackend(b);
      }
    }),
  );

  // Activation is on a .cells file or a command: in both cases validation should start now.
  try {
    await app.languageClient();
  } catch (e) {
    log.error(`could not start the language server: ${(e as Error).message}`);
    const choice = await vscode.window.showErrorMessage('arch2vec: the cell-spec language server failed to start.', 'Show Log');
    if (choice) log.show();
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
