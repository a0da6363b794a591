/**
 * The on-disk model directory format (`arch2vec-model/1`): file names and the JSON each holds. The
 * engine writes it, the CLI, client and engine read it. Types only, besides the file names; imports
 * nothing outside the protocol.
 *   config.json      space, hyper-parameters, seed, backend, versions, data identity
 *   checkpoint.a2v   weights + Adam state + position (epoch, batch): resumes exactly
 *   model.a2v        final weights only (what inference loads)
 *   metrics.json     per-epoch loss, reconstruction, validity, uniqueness, throughput
 *   embeddings.f32   count × 16 float32, row i = dataset entry i (node-mean of μ)
 *   embeddings.json  {count, dim, space, order, dataId}
 *   checksums.json   {algorithm: 'sha256', files: {name: hex}}: every file above, verified on read
 */
import type { BackendReport } from './backend';
import type { SpaceId } from './values';

export const MODEL_DIR_FORMAT = 'arch2vec-model/1';

export const FILES = {
  config: 'config.json',
  checkpoint: 'checkpoint.a2v',
  model: 'model.a2v',
  metrics: 'metrics.json',
  embeddings: 'embeddings.f32',
  embeddingsIndex: 'embeddings.json',
  checksums: 'checksums.json',
} as const;

/** Hyper-parameters of the arch2vec graph VAE (GIN encoder, inner-product decoder). */
export interface ModelConfig {
  /** Nodes per graph (NB101 7, NB201 8, DARTS 11). */
  nodes: number;
  /** One-hot op columns (NB101 5, NB201 7, DARTS 11). */
  opColumns: number;
  hidden: number;
  latent: number;
  ginLayers: number;
  decoderDropout: number;
  bnMomentum: number;
  bnEpsilon: number;
}

export interface TrainConfig {
  batchSize: number;
  epochs: number;
  learningRate: number;
  adamEpsilon: number;
  clipNorm: number;
  seed: number;
  /**
   * The reference switches the model to eval mode after its first epoch's metric pass and never back,
   * so epochs 2..N train with frozen batch-norm statistics, no dropout and z = mu (docs/reference-notes.md §2.3). false (default)
   * trains in train mode throughout, as intended; true reproduces the reference.
   */
  referenceEvalModeQuirk: boolean;
}

/** config.json */
export interface ModelDirConfig {
  format: typeof MODEL_DIR_FORMAT;
  space: SpaceId;
  model: ModelConfig;
  train: TrainConfig;
  data: { count: number; train: number; heldOut: number; id: string; dartsPool?: number };
  backend: BackendReport;
  /** Training threads (data-parallel workers incl. the main thread). */
  threads: number;
  /** What ran the host training path's matrix products ("WebAssembly SIMD, relaxed FMA", "tfjs wasm matMul"); absent on GPU backends. */
  products?: string;
  versions: { arch2vec: string; tfjs: string; node: string };
  epochsDone: number;
  complete: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ReconstructionMetrics {
  /** Fraction of node rows (padding included) whose argmax op matches. */
  accOps: number;
  /** Mean predicted probability on true edges. */
  meanCorrAdj: number;
  /** Mean predicted probability on strict-upper non-edges. */
  meanFalPosAdj: number;
  /** Fraction of strict-upper entries with (p > 0.5) == target. */
  accAdj: number;
}

export interface GenerativeMetrics {
  /** Validity as the reference judges it (docs/reference-notes.md §3.2), quirks included: comparable with the paper. */
  validity: number;
  /** Our stricter validity (see isStrictlyValid): the decoded graph is exactly a cell of the space. */
  validityStrict: number;
  uniqueness: number;
  samples: number;
}

/** One entry of metrics.json. */
export interface EpochMetrics {
  epoch: number;
  mode: 'train' | 'eval';
  loss: { total: number; ops: number; adj: number; kl: number };
  reconstruction: ReconstructionMetrics;
  generative?: GenerativeMetrics;
  graphsPerSec: number;
  seconds: number;
}

/** embeddings.json */
export interface EmbeddingIndex {
  count: number;
  dim: number;
  space: string;
  /** Row i is dataset entry i; for NB201 that is the benchmark index. */
  order: string;
  dataId: string;
}
