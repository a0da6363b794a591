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
  search: 'engine/search',
  map: 'engine/map',
  cellAt: 'engine/cellAt',
} as const;

/** Notification engine → client while a long request runs. */
export const ENGINE_PROGRESS = 'engine/progress';
/** Notification engine → client after every evaluation of an engine/search (best so far). */
export const ENGINE_SEARCH_PROGRESS = 'engine/searchProgress';

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

// engine/search ----------------------------------------------------------------------------------
// Latent-space search (issue 4). The CLI's `arch2vec search --json` prints an EngineSearchResult.
// Cancelling the request ($/cancelRequest) stops the search cleanly: the answer is the best so far,
// with `stopped: 'cancelled'` (not an error).

export type SearchStrategyName = 'bo' | 'rl' | 're' | 'rs';
export type SearchObjectiveName = 'benchmark' | 'command' | 'file';
export type SearchDatasetName = 'cifar10' | 'cifar100' | 'imagenet16-120';
/** The paper's per-dataset budgets in simulated seconds (§5.3, run_scripts/run_*_nasbench201_*.sh): the benchmark default. */
export const PAPER_BUDGETS: Record<SearchDatasetName, number> = { cifar10: 12_000, cifar100: 500_000, 'imagenet16-120': 1_400_000 };
/** Why a seed's search ended. */
export type SearchStopReason = 'budget' | 'max-evals' | 'exhausted' | 'cancelled' | 'suggested';

export interface EngineSearchParams {
  /** Only nasbench201 for now. */
  space: string;
  objective: SearchObjectiveName;
  strategy: SearchStrategyName;
  /** benchmark: the NB201 dataset (default cifar10). */
  dataset?: SearchDatasetName;
  /** benchmark: a table file in the shipped format instead of data/nasbench201.table. */
  table?: string;
  /** Stop a seed when its cumulative cost ≥ budget (benchmark default: the paper's per-dataset budget). */
  budget?: number;
  /** Stop a seed after this many evaluations. */
  maxEvals?: number;
  /** Seeds to run, one independent search each (default [1]). */
  seeds?: number[];
  /** command: the evaluator command template ({cell}, {json}). */
  command?: string;
  /** command: evaluations at once (default 1). */
  parallel?: number;
  /** command: seconds before an evaluation is killed. */
  timeout?: number;
  /** command: results log (JSONL) re-used on restart (default: $ARCH2VEC_HOME/searches/command-<hash>.jsonl). */
  log?: string;
  /** command: working directory of the evaluator (default: the engine's). */
  cwd?: string;
  /** file: `.cells` text whose cells with `accuracy:` are the observations, and its name for messages. */
  text?: string;
  file?: string;
  /** file: how many suggestions (default 10). */
  k?: number;
  /** Model whose embedding table bo / rl search (default: last trained, else shipped NB201 model). */
  modelDir?: string;
  /** bo: 'standard' (default) incumbent-based EI, or the reference code's 'reference' variant (fixed target τ = 1, variance for σ). */
  eiVariant?: 'standard' | 'reference';
  /** Include per-seed best-so-far traces and every evaluation (default false). */
  traces?: boolean;
  /** Progress notifications (ENGINE_SEARCH_PROGRESS) carry this token; none are sent without it. */
  progressToken?: string | number;
}

/** Best-so-far after one evaluation (budget vs accuracy); accuracies in percent, null before any success. */
export interface SearchTracePoint {
  evaluations: number;
  budget: number;
  bestReward: number | null;
  bestReport: number | null;
  bestIndex: number | null;
}

export interface SearchFoundCell {
  index: number;
  arch: string;
  spec: CellSpec;
  /** Reward (what the search maximised), reported validation and test accuracy (percent; null: unknown). */
  reward: number | null;
  val: number | null;
  test: number | null;
  /** The cell in `.cells` syntax. */
  cell: string;
}

export interface SearchEvaluationRecord {
  index: number;
  reward: number | null;
  val: number | null;
  test: number | null;
  cost: number;
  error?: string;
  reused?: boolean;
}

export interface SearchSeedResult {
  seed: number;
  /** The best-by-reward cell of this seed (null when no evaluation succeeded). */
  best: SearchFoundCell | null;
  evaluations: number;
  failed: number;
  /** Cumulative cost (simulated or wall seconds). */
  budgetUsed: number;
  stopped: SearchStopReason;
  seconds: number;
  /** With traces: best so far after every evaluation, and the evaluations themselves. */
  trace?: SearchTracePoint[];
  evaluationsList?: SearchEvaluationRecord[];
  /** With traces: this seed's best distinct cells by reward, best first (at most SEARCH_TOP_K). */
  top?: SearchFoundCell[];
}
/** How many cells per seed `top` lists (the suggestions view's top-k per strategy). */
export const SEARCH_TOP_K = 5;

export interface MeanStd {
  mean: number | null;
  std: number | null;
  /** Seeds with a value. */
  n: number;
}

export interface EngineSearchResult {
  space: SpaceName;
  objective: SearchObjectiveName;
  strategy: SearchStrategyName;
  dataset: SearchDatasetName | null;
  /** The embedding table searched by bo / rl (null for rs / re). */
  model: { dir: string; source: ModelSource } | null;
  /** bo only: the EI variant used. */
  eiVariant?: 'standard' | 'reference';
  budget: number | null;
  maxEvals: number | null;
  /** What the objective is: columns used (benchmark), command, log file, observations (file). */
  objectiveInfo: Record<string, unknown>;
  /** Mean ± std (population, as the reference's summary) over seeds of the best-by-reward cell. */
  summary: { seeds: number; reward: MeanStd; val: MeanStd; test: MeanStd };
  runs: SearchSeedResult[];
  /** file objective: the k most promising unmeasured cells, best first. */
  suggestions?: SearchFoundCell[];
  /** Set when the search was cancelled (Ctrl-C, $/cancelRequest) before every seed finished. */
  stopped: 'completed' | 'cancelled';
  seconds: number;
}

export interface EngineSearchProgress {
  seed: number;
  /** 0-based position of this seed in the run and how many seeds there are. */
  seedIndex: number;
  seeds: number;
  evaluations: number;
  budgetUsed: number;
  budget: number | null;
  maxEvals: number | null;
  /** The evaluation that just finished. */
  last: SearchEvaluationRecord;
  /** Best so far in this seed. */
  best: SearchTracePoint;
}

export interface EngineSearchProgressParams {
  token: string | number;
  progress: EngineSearchProgress;
}

// ---------------------------------------------------------------------------------------------------
// Language server ⇄ client extras (beyond LSP).
// ---------------------------------------------------------------------------------------------------

/** Request client → language server: the cells of an open document as the server sees them. */
export const CELLS_REQUEST = 'arch2vec/cells';
export interface CellsParams {
  uri: string;
  /** When given, `at` is the cell whose block holds this position. */
  position?: { line: number; character: number };
}
export interface CellInfo {
  /** Undefined for a header without a name (the cell is then unusable by name). */
  name: string | null;
  /** 0-based lines of the cell's block. */
  startLine: number;
  endLine: number;
  space: SpaceName | null;
  /** Set when the cell parses and validates far enough to be embedded. */
  spec: CellSpec | null;
  /** Error diagnostics in the cell. */
  errors: number;
  /** First error message, for the client's explanation. */
  firstError?: string;
  metrics: Record<string, number>;
}
export interface CellsResult {
  version: number;
  cells: CellInfo[];
  /** Index into cells of the cell at `position`, or null. */
  at: number | null;
}

/** Commands the language server's CodeLenses invoke (arguments: document uri, cell name). */
export const CLIENT_COMMANDS = {
  showNeighbours: 'arch2vec.showNeighbours',
  suggestSimilar: 'arch2vec.suggestSimilar',
} as const;

// ---------------------------------------------------------------------------------------------------
// Engine: latent-space map and single table rows (issue 5).
// ---------------------------------------------------------------------------------------------------

export interface EngineMapParams {
  /** The space whose model is projected (default: the space of the first valid cell of `text`). */
  space?: string;
  modelDir?: string;
  /** `.cells` text: its valid cells are embedded and projected as highlights. */
  text?: string;
  defaultSpace?: string;
  /** Table column for the colour scale (NB201 default: cifar10_valid_valid_acc... see colorColumns). */
  color?: string;
}
export interface EngineMapResult {
  space: SpaceName;
  model: string;
  backend: BackendReport | null;
  count: number;
  /** Interleaved x,y float32 (2·count values), base64. */
  coords: string;
  /** Per-point float32 (NaN unknown), base64, and the column it came from. */
  color?: string;
  colorLabel?: string;
  /** Colour columns the space's table offers. */
  colorColumns: string[];
  explained: [number, number];
  highlights: { name: string; line?: number; x: number; y: number; index: number | null }[];
  /** Cells of `text` that could not be placed, with the reason. */
  skipped: { name: string; error: string }[];
}

export interface EngineCellAtParams {
  space?: string;
  modelDir?: string;
  index: number;
}
export interface EngineCellAtResult {
  space: SpaceName;
  index: number;
  arch: string;
  spec: CellSpec;
  /** The row as a `.cells` cell named after it (e.g. nb201_1234). */
  cell: string;
  accuracies?: Record<string, number>;
}
