import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CONFIG_SECTION, LANGUAGE_ID } from '../../server/src/protocol';

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel;

/** Starts the bundled language server over IPC; it validates `.cells` files (no ML in this process). */
async function startClient(context: vscode.ExtensionContext): Promise<void> {
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
  };
  client = new LanguageClient('arch2vec', 'arch2vec cell-spec server', serverOptions, clientOptions);
  await client.start();
  log.info('language server started');
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  log = vscode.window.createOutputChannel('arch2vec', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('arch2vec.showLog', () => log.show()),
    vscode.commands.registerCommand('arch2vec.restartServer', async () => {
      if (client) await client.restart();
      else await startClient(context);
    }),
  );
  try {
    await startClient(context);
  } catch (e) {
    log.error(`could not start the language server: ${(e as Error).message}`);
    const choice = await vscode.window.showErrorMessage('arch2vec: the cell-spec language server failed to start.', 'Show Log');
    if (choice) log.show();
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
