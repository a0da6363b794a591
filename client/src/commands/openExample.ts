/**
 * `arch2vec: Open Example`: one of the shipped `examples/*.cells` as a new untitled document, so it can
 * be edited and saved anywhere without touching the installed extension.
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../../../server/src/protocol';

const EXAMPLES: { file: string; label: string; detail: string }[] = [
  { file: 'getting-started.cells', label: 'Getting started', detail: 'one cell of each space: NAS-Bench-101, NAS-Bench-201, DARTS' },
  { file: 'nasbench201.cells', label: 'NAS-Bench-201', detail: 'arch strings with their benchmark accuracies; neighbours and search work with the shipped model' },
  { file: 'nasbench101.cells', label: 'NAS-Bench-101', detail: 'ops + adjacency matrices with measured accuracies' },
  { file: 'darts.cells', label: 'DARTS', detail: 'normal and reduce genotypes' },
];

export async function openExample(context: vscode.ExtensionContext, name?: unknown): Promise<void> {
  const pick = typeof name === 'string'
    ? EXAMPLES.find((e) => e.file === name || e.file === `${name}.cells`)
    : await vscode.window.showQuickPick(EXAMPLES.map((e) => ({ ...e, description: e.file })), { title: 'arch2vec: open an example' });
  if (!pick) return;
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'examples', pick.file));
  const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: new TextDecoder().decode(bytes) });
  await vscode.window.showTextDocument(doc);
}
