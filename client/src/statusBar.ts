/**
 * `arch2vec: wasm · NB201 ✓` (or `NB101: checks only` before a model exists): the engine's backend (or that it has not started: it starts lazily)
 * and whether the active file's space has a model; a spinner while jobs run. Click: quick actions.
 */
import * as vscode from 'vscode';
import { SPACE_IDS as SPACES, type SpaceId } from '../../server/src/protocol';
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
      // No model is not a failure: validation works; only neighbours, map and search wait for one.
      parts.push(model ? `${SHORT[this.space]} ✓` : `${SHORT[this.space]}: checks only`);
      tips.push(model
        ? `${SHORT[this.space]} model (${model.source === 'shipped' ? `shipped with the extension` : model.source}): ${model.dir}`
        : `${SHORT[this.space]}: cells are validated as you type. Neighbours, the map and search need a ${SHORT[this.space]} model: "Pretrain Model…" trains one on this machine.`);
    }
    // Every space at a glance: which have a model (shipped, trained here, or the configured directory).
    const dir = settings().modelDirectory;
    tips.push(`Models: ${SPACES.map((sp) => {
      const m = e.modelFor(sp, dir);
      return `${SHORT[sp]} ${m ? (m.source === 'shipped' ? 'shipped' : m.source === 'trained' ? 'trained here' : 'configured') : 'none'}`;
    }).join(' · ')}`);
    if (jobs.length) tips.push(...jobs.map((j) => `Running: ${j.title}`));
    tips.push('Click: pretrain, backend, search, map, log');
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
