/** Pretraining, embedding the file, the latent-space map and the compute backend: the engine's own commands. */
import * as vscode from 'vscode';
import type { BackendRequest, EngineMapResult, PretrainProgress, SpaceId } from '../../../server/src/protocol';
import type { MapState } from '../../../webview/src/messages';
import { type App, cellsDocument, documentCells, settings, showError } from '../app';
import { trainedModels } from '../../../server/src/engine/paths';
import { EngineRequestError } from '../engineHost';
import { probeBackend } from '../engine/probeBackend';
import { estimateFor } from '../honestLenses';
import { estimateSentence, formatDuration } from '../pretrainEstimate';
import { REFERENCE_TRAIN } from '../../../server/src/engine/model/config';
import { BACKEND_CHOICES, SPACES } from '../settings';

const SPACE_TITLES: Record<SpaceId, string> = { nasbench101: 'NAS-Bench-101', nasbench201: 'NAS-Bench-201', darts: 'DARTS' };

async function pickSpace(title: string, preferred?: SpaceId | null): Promise<SpaceId | undefined> {
  const items = SPACES.map((s) => ({ label: SPACE_TITLES[s], description: s, space: s, picked: s === preferred }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  return (await vscode.window.showQuickPick(items, { title }))?.space;
}

/** The space of the active .cells file's cell at the cursor (or its first cell), if any. */
export async function activeSpace(app: App): Promise<SpaceId | null> {
  const doc = await cellsDocument();
  if (!doc) return null;
  try {
    const info = await documentCells(app, doc, vscode.window.activeTextEditor?.selection.active);
    return (info.at !== null ? info.cells[info.at].space : null) ?? info.cells.find((c) => c.space)?.space ?? null;
  } catch {
    return null;
  }
}

function describeProgress(p: PretrainProgress): { message: string; percent?: number } {
  switch (p.phase) {
    case 'data': return { message: p.message ?? 'preparing the dataset' };
    case 'train': {
      const done = (p.epoch - 1 + (p.steps ? p.step / p.steps : 0)) / Math.max(1, p.epochs);
      const eta = p.etaSeconds !== undefined ? ` · ${Math.ceil(p.etaSeconds / 60)} min left` : '';
      const loss = p.loss !== undefined ? ` · loss ${p.loss.toFixed(4)}` : '';
      return { message: `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.steps}${loss}${eta}`, percent: 95 * done };
    }
    case 'metrics': return { message: `epoch ${p.epoch}/${p.epochs}: validity and reconstruction metrics`, percent: (95 * p.epoch) / Math.max(1, p.epochs) };
    case 'embed': return { message: p.message ?? 'embedding the whole space', percent: 96 };
    case 'done': return { message: 'done', percent: 100 };
  }
}

export async function pretrain(app: App, spaceArg?: unknown): Promise<void> {
  const space = typeof spaceArg === 'string' && (SPACES as string[]).includes(spaceArg) ? (spaceArg as SpaceId) : await pickSpace('Pretrain an arch2vec model for which space?', await activeSpace(app));
  if (!space) return;
  const s = settings();
  const expected = estimateFor(app, space, s.pretrainEpochs ?? undefined);
  const epochsText = await vscode.window.showInputBox({
    title: `Pretrain ${SPACE_TITLES[space]}: epochs${expected ? ` (expected ${formatDuration(expected.seconds)})` : ''}`,
    // The expected time, from training throughput measured on this machine (or the shipped models' records), before it starts.
    prompt: `Training epochs (empty: the reference's ${REFERENCE_TRAIN[space].epochs}). ${expected ? `Expected: ${estimateSentence(expected)}` : 'No training has been measured here yet, so the time is unknown.'} Cancelling keeps a checkpoint; run the command again to resume.`,
    value: s.pretrainEpochs ? String(s.pretrainEpochs) : '',
    validateInput: (v) => (v.trim() === '' || /^[1-9]\d{0,4}$/.test(v.trim()) ? undefined : 'a whole number of epochs, or empty'),
  });
  if (epochsText === undefined) return;
  const epochs = epochsText.trim() ? Number(epochsText) : undefined;
  try {
    const r = await app.jobs.run(`pretraining ${SPACE_TITLES[space]}`, async ({ signal, report }) => {
      const backend = await app.engine.ensureStarted();
      report(`on ${backend.backend} (${backend.device})`);
      const engine = await app.engine.engine();
      // An unfinished run of this space (cancelled, or the editor closed) is resumed rather than started over.
      const resume = trainedModels(space, { ARCH2VEC_HOME: app.engine.home }).some((m) => !m.config.complete);
      if (resume) report('resuming the unfinished run');
      const eta = estimateFor(app, space, epochs);
      app.log.info(`pretraining ${space}: started on ${backend.backend} (${backend.device}), ${epochs ?? 'default'} epochs${resume ? ', resuming the unfinished run' : ''}${eta ? `; expected ${estimateSentence(eta)}` : ''}`);
      // Milestones in the log (every 10 %), so a long run can be followed and reviewed afterwards.
      let logged = -1;
      return engine.pretrain({ space, ...(epochs ? { epochs } : {}), resume }, {
        signal,
        onProgress: (p) => {
          const d = describeProgress(p);
          report(d.message, d.percent);
          const decile = d.percent === undefined ? -1 : Math.floor(d.percent / 10);
          if (decile > logged) {
            logged = decile;
            app.log.info(`pretraining ${space}: ${decile * 10}% · ${d.message}`);
          }
        },
      });
    });
    const last = r.metrics.at(-1);
    const acc = last ? ` · held-out ops ${(100 * last.reconstruction.accOps).toFixed(2)}%, adjacency ${(100 * last.reconstruction.accAdj).toFixed(2)}%` : '';
    app.log.info(`pretrained ${space} in ${r.seconds.toFixed(0)} s on ${r.backend.backend}: ${r.modelDir}`);
    void vscode.window.showInformationMessage(`arch2vec: ${SPACE_TITLES[space]} model trained in ${Math.round(r.seconds)} s on ${r.backend.backend}${acc}.`);
  } catch (e) {
    if (e instanceof EngineRequestError && e.kind === 'cancelled') {
      app.log.info(`pretraining ${space}: cancelled; the checkpoint is kept for the next run to resume`);
      void vscode.window.showInformationMessage(`arch2vec: pretraining stopped; the checkpoint is kept and the next "Pretrain Model" for ${SPACE_TITLES[space]} resumes it.`);
      return;
    }
    await showError(app, `pretraining ${SPACE_TITLES[space]} failed`, e);
  } finally {
    app.engine.refresh();
  }
}

export async function embedFile(app: App, uriArg?: unknown): Promise<void> {
  const doc = await cellsDocument(typeof uriArg === 'string' ? uriArg : uriArg instanceof vscode.Uri ? uriArg.toString() : undefined);
  if (!doc) {
    void vscode.window.showWarningMessage('arch2vec: open a .cells file to embed.');
    return;
  }
  const s = settings(doc.uri);
  try {
    const r = await app.jobs.run(`embedding ${vscode.workspace.asRelativePath(doc.uri)}`, async ({ report }) => {
      const backend = await app.engine.ensureStarted();
      report(`on ${backend.backend}`);
      return (await app.engine.engine()).embed({ text: doc.getText(), defaultSpace: s.defaultSpace, ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}) });
    });
    const ok = r.cells.filter((c) => c.embedding);
    const failed = r.cells.filter((c) => !c.embedding);
    for (const c of failed) app.log.warn(`embed: ${c.name}${c.line ? ` (line ${c.line})` : ''}: ${c.error}`);
    const out = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify({ file: doc.uri.fsPath, backend: r.backend.backend, cells: r.cells }, null, 2) + '\n' });
    await vscode.window.showTextDocument(out, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    const msg = `arch2vec: embedded ${ok.length} of ${r.cells.length} cells on ${r.backend.backend}${failed.length ? ` (${failed.length} skipped: see the log)` : ''}.`;
    if (failed.length) void vscode.window.showWarningMessage(msg, 'Show Log').then((c) => c && app.log.show(true));
    else void vscode.window.showInformationMessage(msg);
  } catch (e) {
    await showError(app, 'embedding failed', e);
  }
}

export async function openLatentMap(app: App, spaceArg?: unknown): Promise<void> {
  const doc = await cellsDocument();
  const s = settings(doc?.uri);
  const space = typeof spaceArg === 'string' && (SPACES as string[]).includes(spaceArg) ? (spaceArg as SpaceId) : (await activeSpace(app)) ?? (await pickSpace('Latent-space map of which space?', 'nasbench201'));
  if (!space) return;
  let r: EngineMapResult;
  try {
    r = await app.jobs.run(`latent-space map of ${SPACE_TITLES[space]}`, async ({ report, signal }) => {
      const backend = await app.engine.ensureStarted();
      report(`projecting the ${SPACE_TITLES[space]} embeddings (${backend.backend})`);
      return (await app.engine.engine()).map({
        space, ...(doc ? { text: doc.getText(), defaultSpace: s.defaultSpace } : {}), ...(s.modelDirectory ? { modelDir: s.modelDirectory } : {}),
        // The user's own measurements colour the map of their space (a table of another space is skipped quietly).
        ...(s.search.benchmarkTable ? { table: s.search.benchmarkTable } : {}),
      }, {
        signal, onPrepare: (p) => report(p.what, p.total > 0 ? (100 * p.done) / p.total : undefined),
      });
    });
  } catch (e) {
    if (e instanceof EngineRequestError && e.kind === 'noModel') {
      if ((await showError(app, 'no model for the map', e, 'Pretrain a Model')) === 'Pretrain a Model') await pretrain(app, space);
      return;
    }
    await showError(app, 'the latent-space map failed', e);
    return;
  }
  for (const k of r.skipped) app.log.info(`map: ${k.name} not placed: ${k.error}`);
  if (r.tableError) {
    app.log.warn(`map: arch2vec.search.benchmarkTable not used: ${r.tableError}`);
    void vscode.window.showWarningMessage(`arch2vec: the map is not coloured by your table: ${r.tableError}`);
  }
  // One setting serves several spaces: a table of another space is expected, not a problem.
  if (r.tableSpace) app.log.info(`map: arch2vec.search.benchmarkTable is a ${r.tableSpace} table; the ${r.space} map is not coloured by it`);
  if (r.table) app.log.info(`map: coloured by ${r.table.file}: ${r.table.inPool} cells of the model's table, ${r.table.cells.length} added as points`);
  const state: MapState = {
    kind: 'map', space: r.space, model: r.model, count: r.count, coords: r.coords, explained: r.explained, projection: 'pca',
    highlights: r.highlights, ...(r.color ? { color: r.color, colorLabel: r.colorLabel } : {}), ...(r.colorLayers ? { colorLayers: r.colorLayers } : {}), ...(r.table ? { table: r.table } : {}), ...(doc ? { sourceUri: doc.uri.toString() } : {}),
  };
  app.views.open('map').show(state);
}

export async function chooseBackend(app: App): Promise<void> {
  const current = settings().backend;
  const running = app.engine.backend;
  const DESCRIPTIONS: Record<BackendRequest, string> = {
    auto: 'the fastest that loads: tensorflow-gpu, webgpu, tensorflow, wasm, cpu',
    'tensorflow-gpu': 'libtensorflow with CUDA (@tensorflow/tfjs-node-gpu, optional install)',
    webgpu: 'WebGPU through Dawn/Vulkan (the webgpu package)',
    tensorflow: 'libtensorflow on the CPU (@tensorflow/tfjs-node, optional install)',
    wasm: 'WebAssembly with SIMD and threads: always available',
    cpu: 'plain JavaScript: slowest, always available',
  };
  const pick = await vscode.window.showQuickPick(BACKEND_CHOICES.map((b) => ({
    label: b, description: [b === current ? 'selected' : '', running?.backend === b ? 'running' : ''].filter(Boolean).join(' · '), detail: DESCRIPTIONS[b], backend: b,
  })), { title: `Compute backend for the arch2vec engine${running ? ` (now: ${running.backend}, ${running.device})` : ''}` });
  if (!pick) return;
  if (app.jobs.list().length) {
    const go = await vscode.window.showWarningMessage('arch2vec: switching the backend restarts the engine and stops the running jobs.', { modal: true }, 'Switch');
    if (go !== 'Switch') return;
  }
  // Tried in a throw-away engine first: a backend that cannot load is never saved (it would leave the
  // engine unable to start for every later command), and the running engine keeps its backend.
  const probe = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `arch2vec: trying the ${pick.backend} backend…` },
    () => probeBackend(pick.backend, { enginePath: app.context.asAbsolutePath('dist/engine.js'), env: { ARCH2VEC_HOME: app.engine.home } }));
  if (!probe.ok) {
    const keep = running ? `the engine keeps ${running.backend} (${running.device})` : `the setting stays ${current}`;
    app.log.warn(`backend ${pick.backend} not saved: it does not load here: ${probe.reason}`);
    const choice = await vscode.window.showErrorMessage(`arch2vec: the ${pick.backend} backend cannot be used here, so it was not saved; ${keep}. ${probe.reason}`, 'Show Log');
    if (choice) app.log.show(true);
    return;
  }
  await vscode.workspace.getConfiguration('arch2vec').update('engine.backend', pick.backend, vscode.ConfigurationTarget.Global);
  await app.engine.setBackend(pick.backend);
  try {
    const report = await app.engine.ensureStarted();
    const skipped = report.skipped.map((k) => `${k.backend}: ${k.reason}`).join('; ');
    app.log.info(`backend ${pick.backend} saved; the engine runs on ${report.backend} (${report.device})`);
    void vscode.window.showInformationMessage(`arch2vec: the engine runs on ${report.backend} (${report.device}).` + (skipped ? ` Skipped: ${skipped}` : ''));
  } catch (e) {
    await showError(app, `the ${pick.backend} backend cannot be used`, e);
  }
}
