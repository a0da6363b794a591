/**
 * "Compare Two Cells…": the cell at the cursor (or a CodeLens's) against another cell of the same
 * space in the file, side by side in a Markdown preview (server/src/language/compareCells.ts), with the
 * latent distance from the space's model when there is one.
 */
import * as vscode from 'vscode';
import { compareMarkdown, type CompareExtras } from '../../../server/src/language/compareCells';
import { type App, resolveCell, settings } from '../app';
import { SHORT_SPACE } from '../pretrainEstimate';

export async function compareCells(app: App, ...args: unknown[]): Promise<void> {
  const target = await resolveCell(app, args);
  if (!target) return;
  const { doc, cell, cells } = target;
  const space = cell.spec!.space;
  const others = cells.filter((c) => c.name && c.spec && c.name !== cell.name && c.spec.space === space);
  if (!others.length) {
    void vscode.window.showInformationMessage(`arch2vec: ${vscode.workspace.asRelativePath(doc.uri)} has no other valid ${SHORT_SPACE[space]} cell to compare ${cell.name} with.`);
    return;
  }
  const named = typeof args[2] === 'string' ? others.find((c) => c.name === args[2]) : undefined;
  const other = named ?? (await vscode.window.showQuickPick(others.map((c) => ({ label: c.name!, description: `line ${c.startLine + 1}`, cell: c })), {
    title: `Compare ${cell.name} with…`, placeHolder: `another ${SHORT_SPACE[space]} cell of this file`,
  }))?.cell;
  if (!other) return;
  const extras: CompareExtras = {};
  const s = settings(doc.uri);
  const model = app.engine.modelFor(space, s.modelDirectory);
  if (!model) extras.latentMissing = `no ${SHORT_SPACE[space]} model yet ("Pretrain Model…" trains one)`;
  else {
    try {
      const r = await app.jobs.run(`embedding ${cell.name} and ${other.name!}`, async () => {
        await app.engine.ensureStarted();
        return (await app.engine.engine()).embed({ text: doc.getText(), cells: [cell.name, other.name!], defaultSpace: s.defaultSpace, ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}) });
      });
      const ea = r.cells.find((c) => c.name === cell.name)?.embedding;
      const eb = r.cells.find((c) => c.name === other.name)?.embedding;
      if (ea && eb) {
        extras.latent = { distance: Math.hypot(...ea.map((x, i) => x - eb[i])), model: `${model.source === 'shipped' ? 'shipped' : model.source} ${SHORT_SPACE[space]} model` };
      } else extras.latentMissing = r.cells.find((c) => c.error)?.error ?? 'the engine did not embed both cells';
    } catch (e) {
      extras.latentMissing = `the engine failed: ${(e as Error)?.message ?? String(e)}`;
    }
  }
  const markdown = compareMarkdown({ name: cell.name, spec: cell.spec!, metrics: cell.metrics }, { name: other.name!, spec: other.spec!, metrics: other.metrics }, extras);
  const out = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  app.log.info(`compared ${cell.name} with ${other.name}${extras.latent ? `: latent distance ${extras.latent.distance.toFixed(4)}` : ''}`);
  // The rendered tables read best; the Markdown source stays one click away.
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', out.uri);
  } catch {
    await vscode.window.showTextDocument(out, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
