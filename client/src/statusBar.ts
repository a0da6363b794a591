/**
 * `arch2vec: wasm · NB201 ✓`: the engine's backend (or that it has not started: it starts lazily)
 * and whether the active file's space has a model; a spinner while jobs run. Click: quick actions.
 */
import * as vscode from 'vscode';
import type { SpaceId } from '../../server/src/protocol';
import { type App, cellsDocument, documentCells, settings } from './app';

const SHORT: Record<SpaceId, string> = { nasbench101: 'NB101', nasbench201: 'NB201', darts: 'DARTS' };

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('arch2vec.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private space: SpaceId | null = null;

  constructor(private readonly app: App) {
    this.item.name = 'arch2vec';
    this.item.command = 'arch2vec.statusActions';
    this.disposables.push(
      app.engine.onDidChange(() => this.render()),
      app.jobs.onDidChange(() => this.render()),
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('arch2vec') && this.render()),
    );
    void this.update();
  }

  private async update() {
    const doc = await cellsDocument();
    if (doc) {
      try {
        const info = await documentCells(this.app, doc);
        this.space = info.cells.find((c) => c.space)?.space ?? settings(doc.uri).defaultSpace;
      } catch {
        this.space = settings(doc.uri).defaultSpace;
      }
    }
    this.render();
  }

  render(): void {
    const e = this.app.engine;
    const backend = e.backend ? e.backend.backend : e.state === 'crashed' ? 'engine stopped' : e.state === 'starting' ? 'starting…' : 'engine idle';
    const jobs = this.app.jobs.list();
    const parts = [backend];
    const tips: string[] = [];
    tips.push(e.backend ? `Engine: ${e.backend.backend} on ${e.backend.device}` : e.state === 'crashed' ? 'Engine: exited; it restarts on the next command' : 'Engine: starts on the first command that needs it');
    if (this.space) {
      const model = e.modelFor(this.space, settings().modelDirectory);
      parts.push(`${SHORT[this.space]} ${model ? '✓' : '✗'}`);
      tips.push(model ? `${SHORT[this.space]} model (${model.source}): ${model.dir}` : `No ${SHORT[this.space]} model yet: run "arch2vec: Pretrain Model"`);
    }
    if (jobs.length) tips.push(...jobs.map((j) => `Running: ${j.title}`));
    this.item.text = `${jobs.length ? '$(sync~spin)' : '$(circuit-board)'} arch2vec: ${parts.join(' · ')}`;
    this.item.tooltip = tips.join('\n');
    const show = !!vscode.window.activeTextEditor && vscode.window.activeTextEditor.document.languageId === 'cellspec';
    if (show || jobs.length || e.backend) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
