/**
 * Everything the client, the language server, the CLI and (later) the engine process and webviews
 * agree on, typed once. Import from here; never restate a method name or a settings key elsewhere.
 */
import type { SpaceId } from './core/spaces';
import type { CellSpec } from './core/cellSpec';
import type { BackendName, BackendReport } from './engine/backend';
import type { EpochMetrics, ModelDirConfig, PretrainProgress } from './engine/train/trainer';

export const LANGUAGE_ID = 'cellspec';
export const CONFIG_SECTION = 'arch2vec';

/** `arch2vec.validation.*` settings, as the server reads them. */
export interface ValidationSettings {
  enable: boolean;
  debounceMs: number;
  defaultSpace: SpaceId;
}

export const DEFAULT_VALIDATION_SETTINGS: ValidationSettings = { enable: true, debounceMs: 80, defaultSpace: 'nasbench101' };

/** Notification the server sends after publishing diagnostics for a document version (tests, benchmarks, status). */
export const VALIDATED_NOTIFICATION = 'arch2vec/validated';
export interface ValidatedParams {
  uri: string;
  version: number;
  cells: number;
  diagnostics: number;
  /** Time spent analysing, ms (excludes debounce). */
  analysisMs: number;
}

// ---------------------------------------------------------------------------------------------------
// Engine process (dist/engine.js): JSON-RPC over stdio, or node IPC when started with --node-ipc.
// Requests honour `$/cancelRequest`; long jobs report through ENGINE_PROGRESS with the caller's token.
// Only types are imported below, so the client bundle never pulls in TensorFlow.js.
// ---------------------------------------------------------------------------------------------------

export type { BackendName, BackendReport, CellSpec, EpochMetrics, ModelDirConfig, PretrainProgress };

export const ENGINE_METHODS = {
  status: 'engine/status',
  pretrain: 'engine/pretrain',
  loadModel: 'engine/loadModel',
  embed: 'engine/embed',
  neighbours: 'engine/neighbours',
} as const;

/** Notification engine → client while a long request runs. */
export const ENGINE_PROGRESS = 'engine/progress';

/** Structured error codes in `ResponseError.code` (data: EngineErrorData). */
export const ENGINE_ERRORS = {
  /** The request was cancelled (`$/cancelRequest`); pretraining wrote a resumable checkpoint. */
  cancelled: -32800,
  /** Not a model directory, unreadable or incompatible model files. */
  badModelDir: -32010,
  /** A space id that is not nasbench101, nasbench201 or darts. */
  unknownSpace: -32011,
  /** No model given, none trained under $ARCH2VEC_HOME and none shipped for the space. */
  noModel: -32012,
  /** Cells that do not parse/validate, an unknown cell name, a cell of the wrong space. */
  badInput: -32013,
  /** A pretraining is already running in this process. */
  busy: -32014,
  /** The requested compute backend cannot be loaded. */
  backendUnavailable: -32015,
} as const;
export type EngineErrorKind = keyof typeof ENGINE_ERRORS;

export interface EngineErrorData {
  kind: EngineErrorKind;
  /** For `cancelled` pretraining: where the checkpoint is and how to resume. */
  modelDir?: string;
  resume?: string;
  /** For `unknownSpace`: the closest valid space. */
  suggestion?: string;
}

export type SpaceName = SpaceId;
export type BackendRequest = BackendName | 'auto';
/** Where a model came from: --model / modelDir, the last trained under $ARCH2VEC_HOME, or the package. */
export type ModelSource = 'explicit' | 'trained' | 'shipped';

export interface LoadedModelInfo {
  dir: string;
  source: ModelSource;
  space: SpaceName;
  epochsDone: number;
  epochs: number;
  complete: boolean;
  /** Rows of the embedding table (0 when the model has none yet). */
  embeddings: number;
  dim: number;
  /** Backend the model was trained with (the process may run another). */
  trainedWith: BackendName;
  /** Last epoch's held-out metrics, if recorded. */
  lastEpoch?: EpochMetrics;
}

// engine/status ----------------------------------------------------------------------------------
export type EngineStatusParams = Record<string, never>;
export interface EngineStatusResult {
  version: string;
  pid: number;
  /** The backend in use (selected at the first request that needs one, status included). */
  backend: BackendReport;
  models: LoadedModelInfo[];
  /** A pretraining in progress: its space and model directory. */
  running: { space: SpaceName; modelDir: string } | null;
  /** Where models, caches and installed backends live ($ARCH2VEC_HOME). */
  home: string;
}

// engine/pretrain --------------------------------------------------------------------------------
export interface EnginePretrainParams {
  space: string;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Switches the process backend when it differs from the current one. */
  backend?: BackendRequest;
  /** Model directory; default: $ARCH2VEC_HOME/models/<space>/<timestamp>-seed<seed> (resume: the latest unfinished one). */
  outDir?: string;
  resume?: boolean;
  /** Reproduce the reference's eval-mode epochs 2..N (TrainConfig.referenceEvalModeQuirk). */
  referenceEvalMode?: boolean;
  /** Latent samples for validity/uniqueness per epoch (default 10,000; 0 skips). */
  validitySamples?: number;
  /** Stop each epoch after this many batches (quick runs, tests). */
  maxSteps?: number;
  /** DARTS pool size (default 600,000). */
  dartsPool?: number;
  /** Training threads for the wasm / cpu backends (default: one per core, at most 8). */
  threads?: number;
  /** Progress notifications carry this token; none are sent without it. */
  progressToken?: string | number;
}
export interface EnginePretrainResult {
  modelDir: string;
  config: ModelDirConfig;
  metrics: EpochMetrics[];
  backend: BackendReport;
  seconds: number;
}

export interface EngineProgressParams {
  token: string | number;
  progress: PretrainProgress;
}

// engine/loadModel -------------------------------------------------------------------------------
/** Either a model directory, or a space (then: last trained, else shipped). */
export interface EngineLoadModelParams {
  modelDir?: string;
  space?: string;
}
export type EngineLoadModelResult = LoadedModelInfo;

// engine/embed -----------------------------------------------------------------------------------
export interface EngineEmbedParams {
  /** `.cells` text; every valid cell is embedded (see `cells` to pick some). */
  text?: string;
  /** Or specs directly (named `spec1`, `spec2`, ... in the result). */
  specs?: CellSpec[];
  /** Only these cells of `text`. */
  cells?: string[];
  /** Space of cells that name none (as arch2vec.validation.defaultSpace). */
  defaultSpace?: string;
  /** Model for every cell; default: per cell space, last trained or shipped. */
  modelDir?: string;
}
export interface EmbeddedCell {
  name: string;
  /** 1-based line of the cell header (text input only). */
  line?: number;
  space: SpaceName | null;
  /** 16-d node-mean of μ; null when the cell could not be embedded (see error). */
  embedding: number[] | null;
  /** Model directory used for this cell. */
  model?: string;
  error?: string;
}
export interface EngineEmbedResult {
  backend: BackendReport;
  cells: EmbeddedCell[];
}

// engine/neighbours ------------------------------------------------------------------------------
export interface EngineNeighboursParams {
  /** A spec, or `.cells` text with `cell` naming the query cell. */
  spec?: CellSpec;
  text?: string;
  cell?: string;
  defaultSpace?: string;
  /** Default 10. */
  k?: number;
  modelDir?: string;
}
export interface Neighbour {
  rank: number;
  /** Row of the model's embedding table: NB201 benchmark index, NB101 / DARTS dataset entry. */
  index: number;
  /** Euclidean distance in the 16-d embedding space. */
  distance: number;
  /** One-line id: NB201 arch string, NB101 hash, DARTS normal genotype. */
  arch: string;
  spec: CellSpec;
  /** Benchmark accuracies (percent) where the space has a table (NB201: nb201Table's *_acc columns). */
  accuracies?: Record<string, number>;
}
export interface EngineNeighboursResult {
  backend: BackendReport;
  model: string;
  space: SpaceName;
  query: {
    name: string;
    arch: string;
    /** Row of the query itself in the table, when the space contains it (then its vector is that row). */
    index: number | null;
    embedding: number[];
  };
  neighbours: Neighbour[];
}
