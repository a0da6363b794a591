/** Neighbours of a cell in latent space, and "suggest similar": nearby cells that score better. */
import * as vscode from 'vscode';
import type { CellSpec, EngineNeighboursParams, EngineNeighboursResult, Neighbour, SpaceId } from '../../../server/src/protocol';
import type { NeighboursState } from '../../../webview/src/messages';
import { type App, resolveCell, settings, showError } from '../app';
import { EngineRequestError } from '../engineHost';
import type { PrepareOptions } from '../engine/engineClient';
import { preparingJob } from '../jobs';
import { RANK_COLUMN, rankSimilar } from '../similar';
import type { ViewPanel } from '../webviews/panels';

/** The neighbours the document already has (same spec), by table row, with their names there. */
function inFileOf(neighbours: Neighbour[], cells: readonly { name: string | null; spec: CellSpec | null }[]): Record<number, string> {
  const byKey = new Map(cells.filter((c) => c.spec && c.name).map((c) => [JSON.stringify(c.spec), c.name!]));
  const out: Record<number, string> = {};
  for (const n of neighbours) {
    const name = byKey.get(JSON.stringify(n.spec));
    if (name) out[n.index] = name;
  }
  return out;
}

/** Predict neighbours without a benchmark value from the document's measured cells (the editor's prediction settings). */
function predictFrom(s: ReturnType<typeof settings>, text: string | undefined): { predict?: EngineNeighboursParams['predict'] } {
  return s.predict.enable && text !== undefined ? { predict: { text, metric: s.predict.metric, minMeasured: s.predict.minMeasured, defaultSpace: s.defaultSpace } } : {};
}

/** Runs a neighbours query, offering to pretrain when the space has no model yet. */
async function query(app: App, what: string, run: (o: PrepareOptions) => Promise<EngineNeighboursResult>, space: SpaceId | null): Promise<EngineNeighboursResult | undefined> {
  const ctl = new AbortController();
  const prep = preparingJob(app.jobs, `${what}: preparing the ${space ?? 'space'} model`, ctl);
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `arch2vec: ${what}` }, async () => {
      await app.engine.ensureStarted();
      return run({ onPrepare: prep.onPrepare, signal: ctl.signal });
    });
  } catch (e) {
    if (e instanceof EngineRequestError && e.kind === 'noModel' && space) {
      const choice = await showError(app, what, e, 'Pretrain a Model');
      if (choice === 'Pretrain a Model') await vscode.commands.executeCommand('arch2vec.pretrain', space);
      return undefined;
    }
    await showError(app, what, e);
    return undefined;
  } finally {
    prep.end();
  }
}

function stateOf(r: EngineNeighboursResult, mode: NeighboursState['mode'], neighbours: Neighbour[], spec: CellSpec, sourceUri: string | undefined, queryAccuracies?: Record<string, number>): NeighboursState {
  // A query that is a row of the table is its own nearest neighbour: its accuracies are known.
  const accuracies = queryAccuracies ?? r.neighbours.find((n) => n.index === r.query.index && n.distance === 0)?.accuracies;
  return {
    kind: 'neighbours', mode, space: r.space, model: r.model, backend: r.backend.backend,
    query: {
      name: r.query.name, arch: r.query.arch, spec, index: r.query.index, ...(accuracies ? { accuracies } : {}),
      ...(r.query.params !== undefined ? { params: r.query.params, flops: r.query.flops } : {}), ...(r.query.fileValue ? { fileValue: r.query.fileValue } : {}),
    },
    neighbours, ...(sourceUri ? { sourceUri } : {}), ...(r.prediction ? { prediction: r.prediction } : {}),
  };
}

export async function showNeighbours(app: App, ...args: unknown[]): Promise<void> {
  const target = await resolveCell(app, args);
  if (!target) return;
  const s = settings(target.doc.uri);
  const r = await query(app, `neighbours of ${target.cell.name}`, async (o) => (await app.engine.engine()).neighbours({
    text: target.doc.getText(), cell: target.cell.name, defaultSpace: s.defaultSpace, k: s.neighboursCount, ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}), ...predictFrom(s, target.doc.getText()),
  }, o), target.cell.space);
  if (!r) return;
  app.views.open('neighbours').show({ ...stateOf(r, 'neighbours', r.neighbours, target.cell.spec!, target.doc.uri.toString()), inFile: inFileOf(r.neighbours, target.cells) });
}

/** Neighbours of a table row or a spec (from a webview), shown in the neighbours view. */
export async function neighboursOf(app: App, from: { index?: number; spec?: CellSpec; name?: string }, space: SpaceId, sourceUri: string | undefined, near?: ViewPanel): Promise<void> {
  const s = settings();
  const engine = await app.engine.engine();
  let spec = from.spec;
  let name = from.name;
  if (spec === undefined) {
    const row = await engine.cellAt({ index: from.index!, space, ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}) });
    spec = row.spec;
    name ??= row.cell.split('\n')[0].replace(/^cell\s+/, '');
  }
  // Walking on from a view: the predictions still come from the document the first query came from.
  const source = sourceUri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === sourceUri)?.getText() : undefined;
  const r = await query(app, `neighbours of ${name ?? 'cell'}`, (o) => engine.neighbours({ spec: spec!, k: s.neighboursCount, ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}), ...predictFrom(s, source) }, o), space);
  if (!r) return;
  const state = stateOf(r, 'neighbours', r.neighbours, spec, sourceUri);
  state.query.name = name ?? r.query.name;
  app.views.open('neighbours', near).show(state);
}

export async function suggestSimilar(app: App, ...args: unknown[]): Promise<void> {
  const target = await resolveCell(app, args);
  if (!target) return;
  const s = settings(target.doc.uri);
  // Look wider than the neighbours view, then keep the cells that are not in the file, best first.
  const r = await query(app, `cells similar to ${target.cell.name}`, async (o) => (await app.engine.engine()).neighbours({
    text: target.doc.getText(), cell: target.cell.name, defaultSpace: s.defaultSpace, k: Math.max(50, 5 * s.neighboursCount), ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}), ...predictFrom(s, target.doc.getText()),
  }, o), target.cell.space);
  if (!r) return;
  const inFile = new Set(target.cells.filter((c) => c.spec).map((c) => JSON.stringify(c.spec)));
  const ranked = rankSimilar(r, s.search.dataset, s.neighboursCount, (n) => inFile.has(JSON.stringify(n.spec)));
  app.views.open('neighbours').show({
    ...stateOf(r, 'similar', ranked.neighbours, target.cell.spec!, target.doc.uri.toString(), ranked.queryAccuracies),
    ...(ranked.note?.startsWith('no benchmark') ? {} : { sortColumn: RANK_COLUMN[s.search.dataset] }),
  });
  if (ranked.note) void vscode.window.setStatusBarMessage(`arch2vec: ${ranked.note}`, 8000);
}
