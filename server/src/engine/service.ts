/**
 * What the engine does, independent of transport: one method per engine method of the protocol
 * (protocol/engine.ts: status, pretrain, loadModel, embed, neighbours, search, map, cellAt). The engine
 * process maps JSON-RPC requests onto these methods and the CLI calls them directly, so both give the
 * same answers and the same errors.
 */
import { resolve } from 'node:path';
import type {
  PrepareProgress,
  BackendRequest, EmbeddedCell, EngineEmbedParams, EngineEmbedResult, EngineLoadModelParams, EngineNeighboursParams,
  EngineNeighboursResult, EngineMapParams, EngineMapResult, EngineCellAtParams, EngineCellAtResult, EnginePretrainParams, EnginePretrainResult, EngineSearchParams, EngineSearchProgress, EngineSearchResult, EngineStatusResult, LoadedModelInfo,
} from '../protocol';
import type { CellSpec } from '../core/cellSpec';
import type { SpaceId } from '../core/spaces';
import { BACKEND_ORDER, selectBackend, type BackendReport } from './backend';
import { CancelledError, pretrain, type PretrainProgress } from './train/trainer';
import { cellsOfText, pickCell, type QueryCell } from './query/cells';
import { checkSpace, EngineError } from './errors';
import { REFERENCE_TRAIN } from './model/config';
import { ModelCache, type QueryModel } from './query/model';
import { archOf, neighboursOf, specAt, tableIndexOf } from './query/neighbours';
import { annotateNeighbours } from './query/listedCells';
import { modelLayers } from './query/mapLayers';
import { appendF32, f32Base64 as b64, mapTableOverlay, type MapTableOverlay } from './query/mapTable';
import { readSpaceTable } from './search/spaceSearch';
import { isUserTableFile, TableError } from './search/userTable';
import { ENGINE_SPACES } from './spaces';
import { pca2, project } from './query/projection';
import { cellText } from '../core/render';
import { analyze } from '../core/analyze';
import { nb201Table } from '../core/spaces/nasbench201';
import { arch2vecHome, cacheDir, newModelDir, resolveModel, trainedModels } from './paths';
import { runSearch } from './search/run';
import { VERSION } from '../version';


export function checkBackendName(name: string): BackendRequest {
  if (name === 'auto' || (BACKEND_ORDER as string[]).includes(name)) return name as BackendRequest;
  throw new EngineError('backendUnavailable', `unknown backend '${name}': expected auto, ${BACKEND_ORDER.join(', ')}`);
}

function intParam(name: string, v: number | undefined, min: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!(Number.isInteger(v) && v >= min)) throw new EngineError('badInput', `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** The CLI line that resumes an interrupted pretraining with the same settings. */
export function resumeCommand(p: EnginePretrainParams, modelDir: string): string {
  const parts = ['arch2vec', 'pretrain', '--space', p.space];
  if (p.epochs !== undefined) parts.push('--epochs', String(p.epochs));
  if (p.batchSize !== undefined) parts.push('--batch-size', String(p.batchSize));
  if (p.seed !== undefined) parts.push('--seed', String(p.seed));
  if (p.maxSteps !== undefined) parts.push('--max-steps', String(p.maxSteps));
  if (p.validitySamples !== undefined) parts.push('--validity-samples', String(p.validitySamples));
  if (p.referenceEvalMode) parts.push('--reference-eval-mode');
  if (p.dartsPool !== undefined) parts.push('--darts-pool', String(p.dartsPool));
  parts.push('--resume', '--out', /^[\w@%+=:,./-]+$/.test(modelDir) ? modelDir : `'${modelDir.replace(/'/g, `'\\''`)}'`);
  return parts.join(' ');
}

/** Cells embedded between two yields to the event loop. */
const EMBED_SLICE = 2000;

/** A spec from the wire, validated exactly as a cell of a .cells file would be. */
function checkedSpec(spec: unknown, i: number): CellSpec {
  let text: string;
  try {
    text = cellText('spec', spec as CellSpec);
  } catch (e) {
    throw new EngineError('badInput', `specs[${i}] is not a cell spec: ${(e as Error).message}`);
  }
  const space = (spec as CellSpec).space;
  const cell = analyze(text, { defaultSpace: space }).cells[0];
  const err = cell?.diagnostics.find((d) => d.severity === 'error');
  if (!cell?.spec || err) throw new EngineError('badInput', `specs[${i}] is not a valid ${String(space)} cell: ${err ? `${err.code}: ${err.message}` : 'no architecture'}`);
  return cell.spec;
}

export class EngineService {
  readonly models = new ModelCache();
  private backendReport?: BackendReport;
  private selecting?: Promise<BackendReport>;
  private running: { space: SpaceId; modelDir: string } | null = null;
  private readonly started = Date.now();

  constructor(
    private readonly defaultBackend: BackendRequest = 'auto',
    /** Told about each backend selection (the engine process logs it on stderr). */
    private readonly onBackend?: (r: BackendReport) => void,
  ) {}

  /**
   * The process-wide tfjs backend: chosen once (defaultBackend), switched only when a request names
   * another one explicitly. Unloadable → backendUnavailable with every reason.
   */
  async backend(requested?: BackendRequest): Promise<BackendReport> {
    if (this.selecting) await this.selecting.catch(() => undefined);
    const want = requested && requested !== 'auto' ? requested : undefined;
    if (this.backendReport && (!want || this.backendReport.backend === want)) return this.backendReport;
    if (this.backendReport && this.running) throw new EngineError('busy', `cannot switch to the ${want} backend while a pretraining runs`);
    this.selecting = selectBackend(want ?? this.defaultBackend).catch((e: Error) => {
      throw new EngineError('backendUnavailable', e.message);
    });
    try {
      const report = await this.selecting;
      // Loaded models hold variables on the previous backend.
      if (this.backendReport) this.models.clear();
      this.backendReport = report;
      this.onBackend?.(report);
      return report;
    } finally {
      this.selecting = undefined;
    }
  }

  async status(): Promise<EngineStatusResult> {
    return {
      version: VERSION, pid: process.pid, backend: await this.backend(), models: this.models.list().map((m) => m.info()),
      running: this.running, home: arch2vecHome(),
    };
  }

  /** Where a pretraining with these parameters writes (resume without outDir: the newest unfinished model). */
  pretrainDir(p: EnginePretrainParams): string {
    const space = checkSpace(p.space);
    if (p.outDir) return resolve(p.outDir);
    if (p.resume) {
      const unfinished = trainedModels(space).find((m) => !m.config.complete);
      if (!unfinished) throw new EngineError('badInput', `nothing to resume: no unfinished ${space} model under ${arch2vecHome()}/models/${space}; pass --out DIR`);
      return unfinished.dir;
    }
    return newModelDir(space, p.seed ?? REFERENCE_TRAIN[space].seed);
  }

  async pretrain(p: EnginePretrainParams, signal?: AbortSignal, onProgress?: (p: PretrainProgress) => void): Promise<EnginePretrainResult> {
    const space = checkSpace(p.space);
    const train = {
      ...(intParam('epochs', p.epochs, 1) !== undefined ? { epochs: p.epochs } : {}),
      ...(intParam('batchSize', p.batchSize, 1) !== undefined ? { batchSize: p.batchSize } : {}),
      ...(intParam('seed', p.seed, 0) !== undefined ? { seed: p.seed } : {}),
      ...(p.referenceEvalMode ? { referenceEvalModeQuirk: true } : {}),
    };
    const maxSteps = intParam('maxSteps', p.maxSteps, 1);
    const validitySamples = intParam('validitySamples', p.validitySamples, 0);
    const dartsPool = intParam('dartsPool', p.dartsPool, 1);
    const threads = intParam('threads', p.threads, 1);
    if (this.running) throw new EngineError('busy', `a ${this.running.space} pretraining is already running (${this.running.modelDir})`);
    const modelDir = this.pretrainDir(p);
    const backend = await this.backend(p.backend);
    this.running = { space, modelDir };
    const t0 = performance.now();
    try {
      const r = await pretrain({
        space, modelDir, cacheDir: cacheDir(), backend, train, dartsPool, validitySamples, resume: p.resume, maxStepsPerEpoch: maxSteps, threads, signal, onProgress,
      });
      this.models.evict(modelDir);
      return { modelDir, config: r.config, metrics: r.metrics, backend, seconds: (performance.now() - t0) / 1000 };
    } catch (e) {
      if (e instanceof CancelledError) {
        const resume = resumeCommand(p, modelDir);
        throw new EngineError('cancelled', `pretraining cancelled; checkpoint saved in ${modelDir}. Resume with: ${resume}`, { modelDir, resume });
      }
      const msg = (e as Error).message ?? String(e);
      if (msg.startsWith(modelDir)) throw new EngineError('badModelDir', msg, { modelDir });
      throw e;
    } finally {
      this.running = null;
    }
  }

  /** Opens (and caches) a model: the directory given, else the last trained or shipped model of the space. */
  async model(modelDir: string | undefined, space: string | undefined): Promise<QueryModel> {
    await this.backend();
    return this.models.get(resolveModel({ model: modelDir, space: modelDir ? undefined : checkSpace(space) }));
  }

  /** A model with its embedding table loaded (computed once, with progress, for a model shipped without it). */
  private async tableModel(modelDir: string | undefined, space: string | undefined, onPrepare?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<QueryModel> {
    const qm = await this.model(modelDir, space);
    await qm.loadEmbeddings({ onProgress: onPrepare, signal });
    return qm;
  }

  async loadModel(p: EngineLoadModelParams, onPrepare?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<LoadedModelInfo> {
    if (!p.modelDir && !p.space) throw new EngineError('badInput', 'loadModel needs modelDir or space');
    const qm = await this.tableModel(p.modelDir, p.space, onPrepare, signal); // load the table now: later neighbour queries only scan it
    return qm.info();
  }

  /**
   * Embeds cells of a text or specs. Linear in the number of cells (one pass to group them by space,
   * a map for `cells` names), in slices of EMBED_SLICE cells that yield to the event loop between them
   * so the engine keeps answering, and cancellable between slices (`signal`: $/cancelRequest).
   * Specs from the wire are validated like text (rendered and analysed): garbage is badInput.
   */
  async embed(p: EngineEmbedParams, signal?: AbortSignal): Promise<EngineEmbedResult> {
    const backend = await this.backend();
    const defaultSpace = checkSpace(p.defaultSpace ?? 'nasbench101', 'default space');
    let cells: QueryCell[];
    if (p.text !== undefined) {
      cells = cellsOfText(p.text, defaultSpace);
      if (p.cells) {
        const byName = new Map<string, QueryCell>();
        for (const c of cells) if (!byName.has(c.name)) byName.set(c.name, c);
        cells = p.cells.map((name) => (byName.has(name) ? pickCell([byName.get(name)!], name) : pickCell(cells, name)));
      }
    } else if (p.specs) {
      if (!Array.isArray(p.specs)) throw new EngineError('badInput', 'specs must be an array of cell specs');
      cells = p.specs.map((raw, i) => {
        if (!raw || typeof raw !== 'object') throw new EngineError('badInput', `specs[${i}] is not a cell spec: ${JSON.stringify(raw)}`);
        checkSpace((raw as CellSpec).space);
        const spec = checkedSpec(raw, i);
        return { name: `spec${i + 1}`, line: 0, space: spec.space, spec };
      });
    } else throw new EngineError('badInput', 'embed needs text or specs');

    const out: EmbeddedCell[] = cells.map((c) => ({ name: c.name, ...(c.line ? { line: c.line } : {}), space: c.space, embedding: null, ...(c.error ? { error: c.error } : {}) }));
    const explicit = p.modelDir ? await this.model(p.modelDir, undefined) : undefined;
    const bySpace = new Map<SpaceId, number[]>();
    cells.forEach((c, i) => {
      if (!c.spec) return;
      let list = bySpace.get(c.spec.space);
      if (!list) bySpace.set(c.spec.space, (list = []));
      list.push(i);
    });
    for (const [space, idx] of bySpace) {
      let qm: QueryModel;
      try {
        qm = explicit ?? (await this.model(undefined, space));
      } catch (e) {
        // No (usable) model for this space: the other spaces' cells are still answered.
        if (!(e instanceof EngineError) || (e.kind !== 'noModel' && e.kind !== 'badModelDir')) throw e;
        for (const i of idx) out[i].error = e.message;
        continue;
      }
      if (qm.space !== space) {
        for (const i of idx) out[i].error = `a ${space} cell; the model ${qm.dir} is ${qm.space}`;
        continue;
      }
      const dim = qm.config.model.latent;
      for (let start = 0; start < idx.length; start += EMBED_SLICE) {
        if (signal?.aborted) throw new EngineError('cancelled', `embedding cancelled after ${start} of ${idx.length} cells`);
        const slice = idx.slice(start, start + EMBED_SLICE);
        const emb = await qm.embedSpecs(slice.map((i) => cells[i].spec!));
        slice.forEach((i, j) => {
          out[i].embedding = Array.from(emb.subarray(j * dim, (j + 1) * dim));
          out[i].model = qm.dir;
        });
        await new Promise((r) => setImmediate(r)); // let other requests and $/cancelRequest through
      }
    }
    return { backend, cells: out };
  }

  async neighbours(p: EngineNeighboursParams, onPrepare?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<EngineNeighboursResult> {
    const backend = await this.backend();
    let name: string;
    let spec: CellSpec;
    if (p.spec) {
      checkSpace(p.spec.space);
      name = 'spec';
      spec = p.spec;
    } else if (p.text !== undefined) {
      if (!p.cell) throw new EngineError('badInput', 'neighbours of a text need the cell name');
      const c = pickCell(cellsOfText(p.text, checkSpace(p.defaultSpace ?? 'nasbench101', 'default space')), p.cell);
      name = c.name;
      spec = c.spec;
    } else throw new EngineError('badInput', 'neighbours needs a spec, or text and a cell name');
    const qm = await this.tableModel(p.modelDir, spec.space, onPrepare, signal);
    const r = await neighboursOf(qm, spec, p.k ?? 10);
    return annotateNeighbours({
      backend, model: qm.dir, space: qm.space,
      query: { name, arch: archOf(spec), index: r.index, embedding: Array.from(r.embedding) },
      neighbours: r.neighbours,
    }, spec, p);
  }

  /** The model's whole embedding table projected to 2-D (PCA), coloured by a table column, with the text's cells placed. */
  async map(p: EngineMapParams, onPrepare?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<EngineMapResult> {
    const defaultSpace = checkSpace(p.defaultSpace ?? 'nasbench101', 'default space');
    const cells = p.text !== undefined ? cellsOfText(p.text, defaultSpace) : [];
    const space = p.space !== undefined ? checkSpace(p.space) : p.modelDir ? undefined : (cells.find((c) => c.spec)?.spec!.space ?? cells.find((c) => c.space)?.space ?? undefined);
    if (!p.modelDir && !space) throw new EngineError('badInput', 'map needs a space, a model directory, or text with a valid cell');
    const qm = await this.tableModel(p.modelDir, space, onPrepare, signal);
    const { data, index } = qm.embeddings();
    const dim = index.dim;
    const proj = pca2(data, dim);
    const coords = project(proj, data, dim);
    const colorColumns = ENGINE_SPACES[qm.space].accuracies?.columns() ?? [];
    let color: Float32Array | undefined;
    let colorLabel: string | undefined;
    if (colorColumns.length) {
      colorLabel = p.color ?? 'cifar10_valid_valid_acc';
      if (!colorColumns.includes(colorLabel)) throw new EngineError('badInput', `no colour column '${colorLabel}' (have: ${colorColumns.join(', ')})`);
      color = Float32Array.from(nb201Table().columns.get(colorLabel)!.subarray(0, coords.length / 2));
    }
    const highlights: EngineMapResult['highlights'] = [];
    const skipped: EngineMapResult['skipped'] = [];
    const mine = cells.filter((c) => {
      if (!c.spec) skipped.push({ name: c.name, error: c.error ?? 'not a valid cell' });
      else if (c.spec.space !== qm.space) skipped.push({ name: c.name, error: `a ${c.spec.space} cell; the map shows ${qm.space}` });
      else return true;
      return false;
    });
    if (mine.length) {
      const rows = mine.map((c) => tableIndexOf(qm, c.spec!));
      const toEmbed = mine.filter((_, i) => rows[i] === null);
      const emb = toEmbed.length ? await qm.embedSpecs(toEmbed.map((c) => c.spec!)) : new Float32Array(0);
      let j = 0;
      mine.forEach((c, i) => {
        const r = rows[i];
        const xy = r !== null ? [coords[2 * r], coords[2 * r + 1]] : project(proj, emb.subarray(j * dim, (j++ + 1) * dim), dim);
        highlights.push({ name: c.name, line: c.line, x: xy[0], y: xy[1], index: r });
      });
    }
    const poolCount = coords.length / 2;
    // The user's table of this space: its rewards colour the map, its cells outside the model's table become points.
    let overlay: MapTableOverlay | undefined;
    let tableError: string | undefined;
    let tableSpace: SpaceId | undefined;
    // A binary NB201 table (also accepted by the setting) is the benchmark the NB201 map is already coloured by.
    if (p.table && isUserTableFile(resolve(p.table))) {
      try {
        const table = readSpaceTable({ space: qm.space, table: resolve(p.table), dartsPoolSize: qm.config.data.dartsPool, dartsPoolSeed: qm.config.train.seed }, { defaultSpace: qm.space });
        if (table.space !== qm.space) tableSpace = table.space;
        else overlay = await mapTableOverlay(qm, table, proj, poolCount);
      } catch (e) {
        if (!(e instanceof TableError)) throw e;
        tableError = e.message;
      }
    }
    // Parameters / FLOPs of every point: the colouring of spaces without a table, a choice in every space.
    const colorLayers = await modelLayers(qm, poolCount, overlay && { params: overlay.extraParams, flops: overlay.extraFlops });
    const allCoords = appendF32(coords, overlay?.extraCoords);
    return {
      space: qm.space, model: qm.dir, backend: this.backendReport ?? null, count: allCoords.length / 2, colorLayers,
      coords: b64(allCoords),
      ...(color ? { color: b64(appendF32(color, new Float32Array(allCoords.length / 2 - poolCount).fill(NaN))), colorLabel } : {}),
      ...(overlay ? { table: { ...overlay.info, values: b64(overlay.values) } } : {}),
      ...(tableError ? { tableError } : {}),
      ...(tableSpace ? { tableSpace } : {}),
      colorColumns, explained: proj.explained, highlights, skipped,
    };
  }

  /** Row `index` of the model's table as a cell (what the map's hover and click need). */
  async cellAt(p: EngineCellAtParams, onPrepare?: (p: PrepareProgress) => void, signal?: AbortSignal): Promise<EngineCellAtResult> {
    const qm = await this.tableModel(p.modelDir, p.space, onPrepare, signal);
    const count = qm.embeddings().index.count;
    if (!(Number.isInteger(p.index) && p.index >= 0 && p.index < count)) throw new EngineError('badInput', `index must be an integer in [0, ${count}), got ${JSON.stringify(p.index)}`);
    const spec = specAt(qm, p.index);
    const prefix = { nasbench101: 'nb101', nasbench201: 'nb201', darts: 'darts' }[qm.space];
    const accuracies = ENGINE_SPACES[qm.space].accuracies?.row(p.index);
    return { space: qm.space, index: p.index, arch: archOf(spec), spec, cell: cellText(`${prefix}_${p.index}`, spec), ...(accuracies ? { accuracies } : {}) };
  }

  get uptimeSeconds() {
    return (Date.now() - this.started) / 1000;
  }

  /**
   * engine/search: progress (best so far) after every evaluation; `signal` stops it and the answer is
   * the best so far (stopped: 'cancelled'). Pure TypeScript: it needs no compute backend.
   */
  search(p: EngineSearchParams, signal?: AbortSignal, onProgress?: (p: EngineSearchProgress) => void, onPrepare?: (p: PrepareProgress) => void): Promise<EngineSearchResult> {
    return runSearch(p, { signal, onProgress, backend: () => this.backend(), ...(onPrepare ? { onPrepare: (what: string, done: number, total: number) => onPrepare({ what, done, total }) } : {}) });
  }
}

