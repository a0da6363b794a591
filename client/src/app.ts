/** What every command needs: the language client, the engine, jobs, views, settings and error reporting. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CellsRequest, CONFIG_SECTION, LANGUAGE_ID, type CellInfo, type CellSpec, type CellsParams, type CellsResult } from '../../server/src/protocol';
import { cellInsertion, parseCellTarget, type CellTarget } from './commandArgs';
import { describeEngineError, EngineUnresponsiveError, type EngineHost } from './engineHost';
import type { Jobs } from './jobs';
import { readSettings, type ExtensionSettings } from './settings';
import type { Views } from './webviews/panels';

export interface App {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  languageClient(): Promise<LanguageClient>;
  engine: EngineHost;
  jobs: Jobs;
  views: Views;
}

export function settings(scope?: vscode.Uri): ExtensionSettings {
  const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  return readSettings((key) => cfg.get(key));
}

/** Logs and shows an error with a "Show Log" action (and any extra actions); resolves to the action chosen. */
export async function showError(app: App, what: string, e: unknown, ...actions: string[]): Promise<string | undefined> {
  const msg = describeEngineError(e);
  app.log.error(`${what}: ${msg}`);
  const restart = e instanceof EngineUnresponsiveError ? ['Restart Engine'] : [];
  const choice = await vscode.window.showErrorMessage(`arch2vec: ${what}: ${msg}`, ...actions, ...restart, 'Show Log');
  if (choice === 'Show Log') app.log.show(true);
  if (choice === 'Restart Engine' && restart.length) await app.engine.restart();
  return choice;
}

/** A `.cells` document by URI (opened if needed), or the active editor's. */
export async function cellsDocument(uri?: string): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === LANGUAGE_ID ? doc : undefined;
}

/** The server's view of a document's cells (and of the cell at `position`). */
export async function documentCells(app: App, doc: vscode.TextDocument, position?: vscode.Position): Promise<CellsResult> {
  const lc = await app.languageClient();
  const params: CellsParams = { uri: doc.uri.toString(), ...(position ? { position: { line: position.line, character: position.character } } : {}) };
  const r = await lc.sendRequest(CellsRequest, params);
  if (!r) throw new Error(`the language server does not know ${doc.uri.fsPath}`);
  return r;
}

export interface ResolvedCell {
  doc: vscode.TextDocument;
  cell: CellInfo & { name: string };
  cells: CellInfo[];
}

/**
 * The cell a command is about: named by its arguments (CodeLens) or at the cursor (palette). Tells
 * the user what is wrong (no .cells editor, cursor outside a cell, cell has errors) and returns undefined.
 */
export async function resolveCell(app: App, args: readonly unknown[], needSpec = true): Promise<ResolvedCell | undefined> {
  const target = parseCellTarget(args);
  if ('error' in target) {
    void vscode.window.showErrorMessage(`arch2vec: ${target.error}`);
    return undefined;
  }
  const t: CellTarget = target.ok;
  const doc = await cellsDocument(t.uri);
  if (!doc) {
    void vscode.window.showWarningMessage('arch2vec: open a .cells file and put the cursor in a cell first.');
    return undefined;
  }
  const editor = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor : undefined;
  const info = await documentCells(app, doc, t.cell ? undefined : editor?.selection.active);
  const cell = t.cell ? info.cells.find((c) => c.name === t.cell) : info.at !== null ? info.cells[info.at] : undefined;
  if (!cell) {
    void vscode.window.showWarningMessage(t.cell ? `arch2vec: no cell '${t.cell}' in ${vscode.workspace.asRelativePath(doc.uri)}.` : 'arch2vec: the cursor is not inside a cell.');
    return undefined;
  }
  if (!cell.name) {
    void vscode.window.showWarningMessage(`arch2vec: the cell on line ${cell.startLine + 1} has no name; name it (cell NAME) first.`);
    return undefined;
  }
  if (needSpec && !cell.spec) {
    void vscode.window.showWarningMessage(`arch2vec: cell '${cell.name}' is not a valid architecture yet (${cell.firstError ?? 'no architecture'}).`);
    return undefined;
  }
  return { doc, cell: cell as CellInfo & { name: string }, cells: info.cells };
}

/**
 * Appends a cell to a document under a unique name and shows it; returns the name used. When the
 * document already has the same architecture (`spec` given), shows that cell instead: a second copy
 * would only earn an isomorphic-cell warning.
 */
export async function insertCell(app: App, uri: string | undefined, cellText: string, spec?: CellSpec): Promise<{ name: string; existing: boolean } | undefined> {
  // From a webview no text editor is active: the source document, else a visible .cells editor, else a new file.
  const doc = (await cellsDocument(uri))
    ?? vscode.window.visibleTextEditors.find((e) => e.document.languageId === LANGUAGE_ID)?.document
    ?? (await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: '' }));
  const cells = (await documentCells(app, doc)).cells;
  const same = spec && cells.find((c) => c.spec && c.name && JSON.stringify(c.spec) === JSON.stringify(spec));
  if (same) {
    const at = new vscode.Position(same.startLine, 0);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    app.log.info(`not inserted: ${doc.uri.fsPath} already has this cell as ${same.name} (line ${same.startLine + 1})`);
    return { name: same.name!, existing: true };
  }
  const taken = cells.map((c) => c.name).filter((n): n is string => !!n);
  const ins = cellInsertion(doc.getText(), cellText, taken);
  if ('error' in ins) throw new Error(ins.error);
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, end, ins.ok.text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${doc.uri.fsPath}`);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  // The header is after the blank-line lead of the inserted text.
  const at = new vscode.Position(end.line + ins.ok.text.slice(0, ins.ok.text.indexOf('cell ')).split('\n').length - 1, 0);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  app.log.info(`inserted cell ${ins.ok.name} into ${doc.uri.fsPath}`);
  return { name: ins.ok.name, existing: false };
}
