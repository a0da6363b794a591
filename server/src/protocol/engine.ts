/**
 * The engine process protocol (dist/engine.js): JSON-RPC over stdio, or node IPC when started with
 * --node-ipc. Requests honour `$/cancelRequest`; long jobs report through the progress notifications
 * with the caller's token. Imports nothing but vscode-jsonrpc (and the protocol's own modules), so
 * the client and the webviews never pull in the engine.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { BackendReport } from './backend';
import type { CellSpec } from './cells';
import type { EngineErrorData } from './errors';
import type { EpochMetrics, ModelDirConfig } from './modelDir';
import type { PredictSettings } from './settings';
import type { BackendName, BackendRequest, EiVariant, SearchDatasetName, SearchObjectiveName, SearchStrategyName, SpaceId } from './values';

// ---------------------------------------------------------------------------------------------------
// Engine process (dist/engine.js): JSON-RPC over stdio, or node IPC when started with --node-ipc.
// Requests honour `$/cancelRequest`; long jobs report through ENGINE_PROGRESS with the caller's token.
// Each method: its name, params, result and typed request object side by side. Adding a request means
// adding it here, in the engine service (engine/service.ts) and in its caller.
// ---------------------------------------------------------------------------------------------------

export const ENGINE_METHODS = {
  status: 'engine/status',
  ping: 'engine/ping',
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
/**
 * Notification engine → client while a query prepares something slow it needs once: a space's
 * enumeration, a pool, or the embedding table of a model shipped without one.
 */
export const ENGINE_PREPARE_PROGRESS = 'engine/prepareProgress';

/** What a query is preparing, and how far it is (engine/prepareProgress; the CLI's progress line). */
export interface PrepareProgress {
  what: string;
  done: number;
  total: number;
}
export interface EnginePrepareProgressParams {
  token: string | number;
  progress: PrepareProgress;
}
export const EnginePrepareProgressNotification = /* @__PURE__ */ new NotificationType<EnginePrepareProgressParams>(ENGINE_PREPARE_PROGRESS);
/** Requests that may prepare something slow first: prepareProgress notifications carry this token. */
export interface WithPrepareProgress {
  progressToken?: string | number;
}

/** Where a model came from: --model / modelDir, the last trained under $ARCH2VEC_HOME, or the package. */
export type ModelSource = 'explicit' | 'trained' | 'shipped';

export interface LoadedModelInfo {
  dir: string;
  source: ModelSource;
  space: SpaceId;
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

// Listed cells: cost and the file's prediction (issues 13 and 14) ------------------------------------
// Every cell the neighbours and search results list carries the cost of its benchmark network, and,
// when the request names a `.cells` file with enough measured cells, the value the file predicts (or
// measures) for it where there is no benchmark value.

/** Parameters and FLOPs of the benchmark network built around a listed cell (the numbers `arch2vec info` prints). */
export interface CellCostFields {
  /** Trainable parameters (DARTS: without the auxiliary head, as DARTS' papers count). */
  params?: number;
  /** Multiply-adds of one image at the dataset's input size. */
  flops?: number;
  /** The dataset whose network is counted (cifar10 unless a benchmark search runs on another). */
  costDataset?: string;
}

/** Predict the listed cells from the measured cells of a `.cells` file (the editor's predictor and settings). */
export interface FilePredictParams extends Partial<PredictSettings> {
  /** The file's text; default: the request's own `text`. */
  text?: string;
  /** Space of cells that name none (default: the request's `defaultSpace`). */
  defaultSpace?: string;
}

/** What a `.cells` file says about a listed cell that has no benchmark value. */
export interface FileValue {
  metric: string;
  /** 'predicted': the Gaussian process's mean; 'measured': the file measures this very architecture (mean of its cells). */
  source: 'predicted' | 'measured';
  value: number;
  /** predicted: one standard deviation (percent metrics: half the 68 % interval). */
  std?: number;
  /** measured: the names of the file's cells measuring it. */
  cells?: string[];
}

/** The predictor behind the listed cells' FileValues. */
export interface FilePredictionInfo {
  metric: string;
  space: SpaceId;
  /** Distinct measured architectures of the space in the file, and the threshold for predicting. */
  measured: number;
  minMeasured: number;
  /** Listed cells given a predicted value. */
  predicted: number;
  /** Leave-one-out check of the measured cells (when a predictor was fitted). */
  loo?: { rmse: number; pearson: number; kendallTau: number };
  /** Why nothing was predicted (too few measured cells, every listed cell has a benchmark value). */
  skipped?: string;
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
  running: { space: SpaceId; modelDir: string } | null;
  /** Where models, caches and installed backends live ($ARCH2VEC_HOME). */
  home: string;
}
export const EngineStatusRequest = /* @__PURE__ */ new RequestType<EngineStatusParams, EngineStatusResult, EngineErrorData>(ENGINE_METHODS.status);

// engine/ping ------------------------------------------------------------------------------------
// Answered straight from the event loop (no backend, no I/O): the client's liveness check while
// other requests are pending. A long job that yields keeps answering; a blocked or hung engine does not.
export type EnginePingParams = Record<string, never>;
export interface EnginePingResult {
  pid: number;
}
export const EnginePingRequest = /* @__PURE__ */ new RequestType<EnginePingParams, EnginePingResult, EngineErrorData>(ENGINE_METHODS.ping);

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
export const EnginePretrainRequest = /* @__PURE__ */ new RequestType<EnginePretrainParams, EnginePretrainResult, EngineErrorData>(ENGINE_METHODS.pretrain);

/** Where a pretraining is (engine/progress). */
export interface PretrainProgress {
  phase: 'data' | 'train' | 'metrics' | 'embed' | 'done';
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss?: number;
  graphsPerSec?: number;
  etaSeconds?: number;
  message?: string;
}

export interface EngineProgressParams {
  token: string | number;
  progress: PretrainProgress;
}
export const EngineProgressNotification = /* @__PURE__ */ new NotificationType<EngineProgressParams>(ENGINE_PROGRESS);

// engine/loadModel -------------------------------------------------------------------------------
/** Either a model directory, or a space (then: last trained, else shipped). */
export interface EngineLoadModelParams extends WithPrepareProgress {
  modelDir?: string;
  space?: string;
}
export type EngineLoadModelResult = LoadedModelInfo;
export const EngineLoadModelRequest = /* @__PURE__ */ new RequestType<EngineLoadModelParams, EngineLoadModelResult, EngineErrorData>(ENGINE_METHODS.loadModel);

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
  space: SpaceId | null;
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
export const EngineEmbedRequest = /* @__PURE__ */ new RequestType<EngineEmbedParams, EngineEmbedResult, EngineErrorData>(ENGINE_METHODS.embed);

// engine/neighbours ------------------------------------------------------------------------------
export interface EngineNeighboursParams extends WithPrepareProgress {
  /** A spec, or `.cells` text with `cell` naming the query cell. */
  spec?: CellSpec;
  text?: string;
  cell?: string;
  defaultSpace?: string;
  /** Default 10. */
  k?: number;
  modelDir?: string;
  /** Predict neighbours without a benchmark value from the file's measured cells (default: no prediction). */
  predict?: FilePredictParams;
}
export interface Neighbour extends CellCostFields {
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
  /** With `predict`: the file's predicted or measured value, where there is no benchmark value. */
  fileValue?: FileValue;
}
export interface EngineNeighboursResult {
  backend: BackendReport;
  model: string;
  space: SpaceId;
  query: {
    name: string;
    arch: string;
    /** Row of the query itself in the table, when the space contains it (then its vector is that row). */
    index: number | null;
    embedding: number[];
    /** Cost of the query's own benchmark network. */
    params?: number;
    flops?: number;
    /** With `predict`: the file's value of the query when it has no benchmark value. */
    fileValue?: FileValue;
  };
  neighbours: Neighbour[];
  /** With `predict`: which predictor gave the fileValues, or why there are none. */
  prediction?: FilePredictionInfo;
}
export const EngineNeighboursRequest = /* @__PURE__ */ new RequestType<EngineNeighboursParams, EngineNeighboursResult, EngineErrorData>(ENGINE_METHODS.neighbours);

// engine/search ----------------------------------------------------------------------------------
// Latent-space search (issue 4). The CLI's `arch2vec search --json` prints an EngineSearchResult.
// Cancelling the request ($/cancelRequest) stops the search cleanly: the answer is the best so far,
// with `stopped: 'cancelled'` (not an error).

/** Why a seed's search ended. */
export type SearchStopReason = 'budget' | 'max-evals' | 'exhausted' | 'cancelled' | 'suggested';

export interface EngineSearchParams {
  /** nasbench101, nasbench201 or darts. */
  space: string;
  objective: SearchObjectiveName;
  strategy: SearchStrategyName;
  /** benchmark: the NB201 dataset (default cifar10). */
  dataset?: SearchDatasetName;
  /**
   * benchmark: a user table (JSONL / CSV, docs/tables.md) of any space — its rows are then the pool —
   * or an NB201 table in the shipped binary format instead of data/nasbench201.table.
   */
  table?: string;
  /** darts: size and seed of the sampled pool (defaults 600,000 and 3). */
  dartsPoolSize?: number;
  dartsPoolSeed?: number;
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
  /** command: results log (JSONL) re-used on restart (default: $ARCH2VEC_HOME/searches/command-<hash of cwd, command and the files it names>.jsonl). */
  log?: string;
  /** command: working directory of the evaluator (default: the engine's). */
  cwd?: string;
  /** command: unit of the accuracy the evaluator prints (default 'percent'; see EVALUATOR_CONTRACT). */
  scale?: 'percent' | 'fraction';
  /** command: a regular expression whose last match (group 1, else the whole match) is the accuracy. */
  metricRegex?: string;
  /** command: read nothing from the results log (every cell runs again; new results are appended). */
  fresh?: boolean;
  /** command: run cells whose logged evaluation failed again. */
  retryFailed?: boolean;
  /** file: `.cells` text whose cells with `accuracy:` are the observations, and its name for messages. */
  text?: string;
  file?: string;
  /** file: how many suggestions (default 10). */
  k?: number;
  /** Model whose embedding table bo / rl search (default: last trained, else shipped NB201 model). */
  modelDir?: string;
  /** bo: 'standard' (default) incumbent-based EI, or the reference code's 'reference' variant (fixed target τ = 1, variance for σ). */
  eiVariant?: EiVariant;
  /** Only propose cells whose benchmark network has at most this many parameters / FLOPs (multiply-adds), on the search's dataset (command / file objectives: CIFAR-10). */
  maxParams?: number;
  maxFlops?: number;
  /** Include per-seed best-so-far traces and every evaluation (default false). */
  traces?: boolean;
  /** Predict listed cells without a measured or benchmark value (file objective: its suggestions) from a file's measured cells; `text` defaults to the file objective's. */
  predict?: FilePredictParams;
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

export interface SearchFoundCell extends CellCostFields {
  index: number;
  /** One-line id: the NB201 arch string, the NB101 hash, the DARTS genotype. */
  arch: string;
  /** Canonical id (NB101 hash, NB201 index, DARTS graph hash) and the cell's name in `cell`. */
  id?: string;
  name?: string;
  spec: CellSpec;
  /** Reward (what the search maximised), reported validation and test accuracy (percent; null: unknown). */
  reward: number | null;
  val: number | null;
  test: number | null;
  /** The cell in `.cells` syntax. */
  cell: string;
  /** With `predict`: the file's predicted value where the cell has no reward. */
  fileValue?: FileValue;
}

export interface SearchEvaluationRecord {
  index: number;
  reward: number | null;
  val: number | null;
  test: number | null;
  cost: number;
  error?: string;
  reused?: boolean;
  /** A reused evaluation: `LOG:LINE (evaluated AT)`, and what differs now. */
  reusedFrom?: string;
  /** Did not fail the evaluation but the user should know (e.g. the results log could not be written). */
  warning?: string;
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

export interface MeanStd {
  mean: number | null;
  std: number | null;
  /** Seeds with a value. */
  n: number;
}

export interface EngineSearchResult {
  space: SpaceId;
  objective: SearchObjectiveName;
  strategy: SearchStrategyName;
  dataset: SearchDatasetName | null;
  /** The embedding table searched by bo / rl (null for rs / re). */
  model: { dir: string; source: ModelSource } | null;
  /** bo only: the EI variant used. */
  eiVariant?: EiVariant;
  budget: number | null;
  maxEvals: number | null;
  /** What the objective is: columns used (benchmark), command, log file, observations (file). */
  objectiveInfo: Record<string, unknown>;
  /** Mean ± std (population, as the reference's summary) over seeds of the best-by-reward cell. */
  summary: { seeds: number; reward: MeanStd; val: MeanStd; test: MeanStd };
  runs: SearchSeedResult[];
  /** file objective: the k most promising unmeasured cells, best first. */
  suggestions?: SearchFoundCell[];
  /** With `predict`: which predictor gave the fileValues, or why there are none. */
  prediction?: FilePredictionInfo;
  /** Set when the search was cancelled (Ctrl-C, $/cancelRequest) before every seed finished. */
  stopped: 'completed' | 'cancelled';
  seconds: number;
}
export const EngineSearchRequest = /* @__PURE__ */ new RequestType<EngineSearchParams, EngineSearchResult, EngineErrorData>(ENGINE_METHODS.search);

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
export const EngineSearchProgressNotification = /* @__PURE__ */ new NotificationType<EngineSearchProgressParams>(ENGINE_SEARCH_PROGRESS);

// ---------------------------------------------------------------------------------------------------
// Engine: latent-space map and single table rows (issue 5).
// ---------------------------------------------------------------------------------------------------

export interface EngineMapParams extends WithPrepareProgress {
  /** The space whose model is projected (default: the space of the first valid cell of `text`). */
  space?: string;
  modelDir?: string;
  /** `.cells` text: its valid cells are embedded and projected as highlights. */
  text?: string;
  defaultSpace?: string;
  /** Table column for the colour scale (NB201 default: cifar10_valid_valid_acc... see colorColumns). */
  color?: string;
  /**
   * The user's table of measured cells (JSONL / CSV, docs/tables.md; the setting arch2vec.search.benchmarkTable).
   * When it is of the map's space the map is coloured by its rewards (`table`); a table that cannot be read
   * does not fail the map (`tableError`).
   */
  table?: string;
}
/** A cell of the user's table that is not a row of the model's table: appended to the map's points. */
export interface MapTableCell {
  /** "row N" after its first line in the table. */
  name: string;
  line: number;
  arch: string;
  spec: CellSpec;
  reward: number;
  accuracy: number;
}
/** The user's table on the map. */
export interface MapTable {
  file: string;
  /** For the legend and the Colour control, e.g. "Reward (your table nb301.jsonl)". */
  label: string;
  /** Reward per point (all `count` points), float32 base64, NaN where the table has no value. */
  values: string;
  /** Points [0, poolCount) are the model's table; point poolCount + k is `cells[k]`. */
  poolCount: number;
  /** Rows whose cell is one of the model's points. */
  inPool: number;
  cells: MapTableCell[];
}
/** A per-point colouring of the map that needs no benchmark table. */
export interface MapColorLayer {
  key: 'params' | 'flops';
  /** For the legend, e.g. "Parameters (CIFAR-10 network)". */
  label: string;
  /** Per-point float32, base64, in the order of `coords`. */
  values: string;
}

export interface EngineMapResult {
  space: SpaceId;
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
  /** Structural colourings of every point (parameters and FLOPs of its CIFAR-10 network), for spaces and users without a table. */
  colorLayers?: MapColorLayer[];
  /** The user's table (`table`) when it is of this space: its cells outside the model's table are points too (`count` includes them). */
  table?: MapTable;
  /** Why `table` could not be used: unreadable, or a bad row (file:line: …). */
  tableError?: string;
  /** `table` is of this other space, so it does not colour this map. */
  tableSpace?: SpaceId;
  explained: [number, number];
  highlights: { name: string; line?: number; x: number; y: number; index: number | null }[];
  /** Cells of `text` that could not be placed, with the reason. */
  skipped: { name: string; error: string }[];
}
export const EngineMapRequest = /* @__PURE__ */ new RequestType<EngineMapParams, EngineMapResult, EngineErrorData>(ENGINE_METHODS.map);

export interface EngineCellAtParams extends WithPrepareProgress {
  space?: string;
  modelDir?: string;
  index: number;
}
export interface EngineCellAtResult {
  space: SpaceId;
  index: number;
  arch: string;
  spec: CellSpec;
  /** The row as a `.cells` cell named after it (e.g. nb201_1234). */
  cell: string;
  accuracies?: Record<string, number>;
}
export const EngineCellAtRequest = /* @__PURE__ */ new RequestType<EngineCellAtParams, EngineCellAtResult, EngineErrorData>(ENGINE_METHODS.cellAt);

/** Every engine request, by method: what the engine process registers and the client calls. */
export const EngineRequests = {
  status: EngineStatusRequest,
  ping: EnginePingRequest,
  pretrain: EnginePretrainRequest,
  loadModel: EngineLoadModelRequest,
  embed: EngineEmbedRequest,
  neighbours: EngineNeighboursRequest,
  search: EngineSearchRequest,
  map: EngineMapRequest,
  cellAt: EngineCellAtRequest,
} as const satisfies Record<keyof typeof ENGINE_METHODS, unknown>;
