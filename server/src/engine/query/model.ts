/**
 * A trained model opened for queries: weights, config, the embedding table (loaded on first use) and
 * the space's dataset (to describe neighbours). Every failure to read a model directory becomes an
 * EngineError('badModelDir') that says which directory and what is wrong with it.
 */
import '../model/tfSetup';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedModelInfo, PrepareProgress } from '../../protocol';
import { encodeCell, type CellSpec } from '../../core/cellSpec';
import { isSpaceId } from '../../core/spaces';
import type { Dataset } from '../data/dataset';
import { DARTS_REFERENCE_POOL } from '../data/dartsSample';
import type { Arch2vecModel } from '../model/arch2vecModel';
import { FILES, readEmbeddings, readJson, type EmbeddingIndex } from '../store/modelDir';
import { embedDataset, loadDataset, loadModel, type EpochMetrics, type ModelDirConfig } from '../train/trainer';
import { modelWeightsSha, readCachedTable, writeCachedTable } from '../store/embeddingCache';
import { ENGINE_SPACES } from '../spaces';
import { EngineError } from '../errors';
import { foldedEncoder, type CellEncoder } from './foldedEncoder';
import { cacheDir, type ResolvedModel } from '../paths';

export class QueryModel {
  private table?: { index: EmbeddingIndex; data: Float32Array };
  private ds?: Dataset;
  private encoder?: CellEncoder;

  constructor(
    readonly dir: string,
    readonly source: ResolvedModel['source'],
    readonly model: Arch2vecModel,
    readonly config: ModelDirConfig,
  ) {}

  get space() {
    return this.config.space;
  }

  /**
   * The whole space's embedding table (count × dim), once `loadEmbeddings` has run (or when the
   * directory holds it: it is then read here).
   */
  embeddings(): { index: EmbeddingIndex; data: Float32Array } {
    if (this.table) return this.table;
    const own = this.ownTable();
    if (own) return (this.table = own);
    const why = this.config.complete ? `${FILES.embeddings} is missing` : this.unfinished();
    throw new EngineError('badModelDir', `${this.dir}: no embedding table: ${why}`);
  }

  /**
   * The table, computed on first use when the directory has none: a model shipped with weights only
   * (NB101, DARTS) embeds its space once, with progress, into $ARCH2VEC_HOME/cache/embeddings/, keyed
   * by the weights' sha256 and the dataset's identity, and reads it from there afterwards.
   */
  async loadEmbeddings(opts: { onProgress?: (p: PrepareProgress) => void; signal?: AbortSignal } = {}): Promise<{ index: EmbeddingIndex; data: Float32Array }> {
    if (this.table) return this.table;
    const own = this.ownTable();
    if (own) return (this.table = own);
    if (!this.config.complete) throw new EngineError('badModelDir', `${this.dir}: no embedding table: ${this.unfinished()}`);
    const { latent } = this.config.model;
    const ds = this.dataset((q) => opts.onProgress?.({ what: `${this.space} cells: ${q.message ?? q.phase}`, done: q.done, total: q.total }));
    const sha = modelWeightsSha(this.dir);
    const file = join(cacheDir(), 'embeddings', `${this.space}-${sha.slice(0, 16)}.a2ve`);
    const key = { poolId: this.config.data.id, count: ds.count, dim: latent, modelSha256: sha };
    let data = readCachedTable(file, key);
    if (!data) {
      const what = `embedding the ${ds.count.toLocaleString('en-US')} ${this.space} cells (once for this model)`;
      opts.onProgress?.({ what, done: 0, total: ds.count });
      try {
        data = await embedDataset(this.model, ds, (done) => opts.onProgress?.({ what, done, total: ds.count }), undefined, opts.signal);
      } catch (e) {
        if (opts.signal?.aborted) throw new EngineError('cancelled', `embedding the ${this.space} space cancelled`);
        throw e;
      }
      writeCachedTable(file, key, data);
    }
    const index: EmbeddingIndex = { count: ds.count, dim: latent, space: this.space, order: ENGINE_SPACES[this.space].embeddingOrder, dataId: this.config.data.id };
    return (this.table = { index, data });
  }

  private ownTable(): { index: EmbeddingIndex; data: Float32Array } | undefined {
    let t: { index: EmbeddingIndex; data: Float32Array } | undefined;
    try {
      t = readEmbeddings(this.dir);
    } catch (e) {
      throw new EngineError('badModelDir', `${this.dir}: unreadable embedding table: ${(e as Error).message}`);
    }
    if (t && t.index.dim !== this.config.model.latent) throw new EngineError('badModelDir', `${this.dir}: embedding table has ${t.index.dim} columns, the model ${this.config.model.latent}`);
    return t;
  }

  private unfinished(): string {
    return `training is unfinished (${this.config.epochsDone}/${this.config.train.epochs} epochs); resume it with \`arch2vec pretrain --space ${this.space} --resume --out ${this.dir}\``;
  }

  /** The dataset the table rows refer to (NB101: the enumeration cache; DARTS: the seeded pool, re-sampled). */
  dataset(onProgress?: Parameters<typeof loadDataset>[4]): Dataset {
    if (!this.ds) {
      const ds = loadDataset(this.space, cacheDir(), this.config.data.dartsPool ?? DARTS_REFERENCE_POOL, this.config.train.seed, onProgress);
      if (ds.count !== this.config.data.count) throw new EngineError('badModelDir', `${this.dir}: trained on ${this.config.data.count} ${this.space} cells, this build's dataset has ${ds.count}`);
      this.ds = ds;
    }
    return this.ds;
  }

  /** Embeddings (node-mean of μ, eval mode; the folded encoder) of specs of this model's space, row-major count × latent. */
  async embedSpecs(specs: CellSpec[], chunk = 1000): Promise<Float32Array> {
    const { nodes: n, opColumns: d, latent } = this.config.model;
    const out = new Float32Array(specs.length * latent);
    const adj = new Float32Array(Math.min(chunk, specs.length) * n * n);
    const ops = new Float32Array(Math.min(chunk, specs.length) * n * d);
    for (let start = 0; start < specs.length; start += chunk) {
      const b = Math.min(chunk, specs.length - start);
      adj.fill(0);
      ops.fill(0);
      for (let s = 0; s < b; s++) {
        const spec = specs[start + s];
        if (spec.space !== this.space) throw new EngineError('badInput', `a ${spec.space} cell cannot be embedded with a ${this.space} model (${this.dir})`);
        const e = encodeCell(spec);
        if (e.adjacency.length !== n || e.ops[0]?.length !== d) throw new EngineError('badModelDir', `${this.dir}: the model expects ${n}×${d} encodings, the cell is ${e.adjacency.length}×${e.ops[0]?.length}`);
        e.adjacency.forEach((row, r) => row.forEach((x, c) => (adj[s * n * n + r * n + c] = x)));
        e.ops.forEach((row, r) => row.forEach((x, c) => (ops[s * n * d + r * d + c] = x)));
      }
      this.encoder ??= foldedEncoder(this.model);
      out.set(this.encoder.embedArrays(ops, adj, b), start * latent);
    }
    return out;
  }

  info(): LoadedModelInfo {
    let lastEpoch: EpochMetrics | undefined;
    try {
      lastEpoch = readJson<EpochMetrics[]>(this.dir, FILES.metrics)?.at(-1);
    } catch {
      lastEpoch = undefined;
    }
    let rows = this.table?.index.count;
    if (rows === undefined) rows = readJson<EmbeddingIndex>(this.dir, FILES.embeddingsIndex)?.count ?? 0;
    return {
      dir: this.dir, source: this.source, space: this.space, epochsDone: this.config.epochsDone, epochs: this.config.train.epochs,
      complete: this.config.complete, embeddings: rows, dim: this.config.model.latent, trainedWith: this.config.backend.backend, lastEpoch,
    };
  }

  dispose() {
    this.encoder?.dispose();
    this.model.dispose();
  }
}

/** Opens a model directory, turning every way it can be wrong into a clear badModelDir error. */
export function openModel(resolved: ResolvedModel): QueryModel {
  const { dir } = resolved;
  if (!existsSync(dir)) throw new EngineError('badModelDir', `model directory ${dir} does not exist`);
  if (!existsSync(join(dir, FILES.config))) throw new EngineError('badModelDir', `${dir} is not a model directory: no ${FILES.config} (train one with \`arch2vec pretrain\`)`);
  let loaded: { model: Arch2vecModel; config: ModelDirConfig };
  try {
    const config = readJson<ModelDirConfig>(dir, FILES.config)!;
    if (config.format !== 'arch2vec-model/1') throw new Error(`unknown format '${String(config.format)}' in ${FILES.config}`);
    if (!isSpaceId(config.space)) throw new Error(`unknown space '${String(config.space)}' in ${FILES.config}`);
    loaded = loadModel(dir);
  } catch (e) {
    const msg = (e as Error).message;
    throw new EngineError('badModelDir', msg.startsWith(dir) ? msg : `${dir}: ${msg}`);
  }
  return new QueryModel(dir, resolved.source, loaded.model, loaded.config);
}

/** Open models by directory, so repeated queries skip reading weights and tables. */
export class ModelCache {
  private readonly models = new Map<string, { model: QueryModel; stamp: number }>();

  /** The open model, reopened when its config.json changed since (retrained, resumed). */
  get(resolved: ResolvedModel): QueryModel {
    const stamp = configStamp(resolved.dir);
    const hit = this.models.get(resolved.dir);
    if (hit && hit.stamp === stamp) return hit.model;
    if (hit) this.evict(resolved.dir);
    const model = openModel(resolved);
    this.models.set(resolved.dir, { model, stamp });
    return model;
  }

  evict(dir: string) {
    this.models.get(dir)?.model.dispose();
    this.models.delete(dir);
  }

  list(): QueryModel[] {
    return [...this.models.values()].map((m) => m.model);
  }

  clear() {
    for (const m of this.models.values()) m.model.dispose();
    this.models.clear();
  }
}

function configStamp(dir: string): number {
  try {
    return statSync(join(dir, FILES.config)).mtimeMs;
  } catch {
    return -1;
  }
}
