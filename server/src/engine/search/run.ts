/**
 * The search loop (issue 4): one strategy, one objective, ask/tell until the budget is spent.
 *
 * Budget accounting follows docs/reference-notes.md §5.3: a seed keeps querying while its cumulative
 * cost (simulated training seconds for the benchmark, wall seconds for a command) is below the
 * budget, so the query that crosses it still counts (the reference's `while total < budget`); with
 * `maxEvals` it also stops after that many evaluations. With a parallel objective (the command one),
 * up to `parallel` evaluations run at once and no new one starts once the finished ones have spent
 * the budget. Failed evaluations are charged their cost and told to the strategy as NaN.
 *
 * The best cell is the best by reward (validation accuracy; ties: the first found); what is reported
 * for it is its `val` and `report` (test) accuracy. The reward is told to the strategy as a fraction
 * (percent / 100: the reference's scale, which BO's EI target τ = 1.0 and RL's baseline 0.4 assume).
 *
 * Cancelling (AbortSignal: Ctrl-C in the CLI, $/cancelRequest in the engine) stops asking at once,
 * abandons evaluations in flight (a command is killed and not logged, so a resumed search runs it
 * again) and returns the best so far.
 *
 * `runSearch` is the whole request, shared by `arch2vec search` and the engine's `engine/search`:
 * parameters → pool (+ the model's embedding table for bo / rl) → objective → seeds → summary, in
 * every space (issue 12: pools, per-space settings and user tables in pools/ and spaceSearch.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  EngineSearchParams, EngineSearchProgress, EngineSearchResult, MeanStd, SearchDatasetName, SearchEvaluationRecord, SearchFoundCell,
  SearchObjectiveName, SearchSeedResult, SearchStopReason, SearchStrategyName, SearchTracePoint,
} from '../../protocol';
import { EI_VARIANTS, isOneOf, LATENT_STRATEGIES, SEARCH_OBJECTIVES, SEARCH_STRATEGIES, SEARCH_TOP_K } from '../../protocol/values';
import type { SpaceId } from '../../protocol/values';
import { benchmarkCellMetrics } from '../../core/benchmarkMetrics';
import { cellText } from '../../core/render';
import { NB201_SIZE } from '../../core/spaces/nasbench201';
import { selectBackend, type BackendName } from '../backend';
import type { ProgressFn } from '../data/dataset';
import { openModel } from '../query/model';
import { FILES, readEmbeddings, readJson } from '../store/modelDir';
import type { ModelDirConfig } from '../../protocol/modelDir';
import { checkSpace, EngineError } from '../errors';
import { arch2vecHome, resolveModel, type ResolvedModel } from '../paths';
import {
  BenchmarkObjective, CommandObjective, fileObservations, isNb201Dataset, NB201_DATASETS,
  type Objective, type SearchEvaluation,
} from './objectives';
import { evaluatorFingerprint } from './objectives/fingerprint';
import { createNb201Pool } from './pool';
import { poolEmbeddings } from './pools/embeddings';
import { Nb201Pool } from './pools/nasbench201';
import type { TablePool } from './pools/table';
import { attachEmbeddings, type SpacePool } from './pools/types';
import {
  BO_SETTINGS, DEFAULT_MAX_EVALS, describeCell, FileObservationError, openSearchPool, spaceFileObservations, TABLE_DEFAULT_MAX_EVALS, TableError, TableObjective,
  type SpaceFileObservations,
} from './spaceSearch';
import { isUserTableFile, type UserTable } from './userTable';
import { createStrategy } from './strategies';
import { addFileValues, costFields } from '../query/listedCells';
import { constrainStrategy, nb201WithinCost, restrictPool } from './costConstraint';
import type { SearchPool, SearchStrategy, StrategyOptions, TracePoint } from './types';

/** The protocol's lists (declared once there). */
export const STRATEGY_NAMES: readonly SearchStrategyName[] = SEARCH_STRATEGIES;
/** Strategies that search the model's embedding table (the others use the discrete encoding). */
export { LATENT_STRATEGIES };
/** Told reward = accuracy (percent) × REWARD_SCALE. */
export const REWARD_SCALE = 0.01;

// ------------------------------------------------------------------------------------------------
// The loop
// ------------------------------------------------------------------------------------------------

export interface LoopOptions {
  budget?: number;
  maxEvals?: number;
  signal?: AbortSignal;
  /** After every evaluation, with the best so far. */
  onEvaluation?: (ev: SearchEvaluation, best: TracePoint, budgetUsed: number) => void;
}

export interface LoopResult {
  evaluations: SearchEvaluation[];
  trace: TracePoint[];
  /** Best by reward (null: no evaluation succeeded). */
  best: SearchEvaluation | null;
  budgetUsed: number;
  stopped: Exclude<SearchStopReason, 'suggested'>;
  seconds: number;
}

const isPromise = <T>(x: T | Promise<T>): x is Promise<T> => typeof (x as Promise<T>)?.then === 'function';

/** Drives `strategy` against `objective` until the budget, maxEvals, the pool or the signal stops it. */
export async function searchLoop(strategy: SearchStrategy, objective: Objective, opts: LoopOptions = {}): Promise<LoopResult> {
  const t0 = performance.now();
  const budget = opts.budget ?? Infinity;
  const maxEvals = opts.maxEvals ?? Infinity;
  const parallel = Math.max(1, objective.parallel);
  const signal = opts.signal ?? new AbortController().signal;
  const evaluations: SearchEvaluation[] = [];
  const trace: TracePoint[] = [];
  let best: SearchEvaluation | null = null;
  let used = 0;
  let launched = 0;
  let lastYield = performance.now();
  const inflight = new Map<number, Promise<{ index: number; ev?: SearchEvaluation; cancelled?: boolean }>>();

  const record = (ev: SearchEvaluation) => {
    used += ev.cost;
    evaluations.push(ev);
    if (Number.isFinite(ev.reward) && (best === null || ev.reward > best.reward)) best = ev;
    const b = best as SearchEvaluation | null;
    const point: TracePoint = {
      evaluations: evaluations.length, budget: used, bestReward: b ? b.reward : NaN, bestReport: b?.report ?? NaN, bestIndex: b ? b.index : -1,
    };
    trace.push(point);
    strategy.tell([{ index: ev.index, reward: Number.isFinite(ev.reward) ? ev.reward * REWARD_SCALE : NaN }]);
    opts.onEvaluation?.(ev, point, used);
  };

  // One listener for the whole loop (not one per wait: that would pile up on a long search).
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<null>((resolve) => {
    onAbort = () => resolve(null);
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  let stopped: LoopResult['stopped'] | undefined;
  while (stopped === undefined) {
    if (signal.aborted) {
      stopped = 'cancelled';
      break;
    }
    const spent = used >= budget;
    const capped = launched >= maxEvals;
    if (!spent && !capped && inflight.size < parallel) {
      const want = Math.min(parallel - inflight.size, maxEvals - launched);
      const asked = strategy.ask(want);
      for (const index of asked) {
        launched++;
        let r: SearchEvaluation | Promise<SearchEvaluation>;
        try {
          r = objective.evaluate(index, signal);
        } catch (e) {
          r = { index, reward: NaN, cost: 0, error: `evaluation failed: ${(e as Error).message}` };
        }
        if (!isPromise(r)) {
          record(r);
          continue;
        }
        inflight.set(index, r.then((ev) => ({ index, ev }), (e: unknown) => (signal.aborted ? { index, cancelled: true } : { index, ev: { index, reward: NaN, cost: 0, error: `evaluation failed: ${(e as Error)?.message ?? String(e)}` } })));
      }
      if (asked.length > 0) {
        // Synchronous objectives never await: let signals and I/O through every ~50 ms.
        if (performance.now() - lastYield > 50) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
        continue;
      }
      if (inflight.size === 0) {
        stopped = 'exhausted';
        break;
      }
    }
    if (inflight.size === 0) {
      stopped = spent ? 'budget' : 'max-evals';
      break;
    }
    const done = await Promise.race([...inflight.values(), aborted]);
    lastYield = performance.now();
    if (done === null) continue; // aborted: the top of the loop stops
    inflight.delete(done.index);
    if (done.ev && !signal.aborted) record(done.ev);
  }
  signal.removeEventListener('abort', onAbort!);
  // Cancelled: wait for the killed evaluations to wind down (the objective kills them on abort).
  if (inflight.size) await Promise.allSettled([...inflight.values()]);
  return { evaluations, trace, best, budgetUsed: used, stopped: stopped!, seconds: (performance.now() - t0) / 1000 };
}

// ------------------------------------------------------------------------------------------------
// The request: CLI `arch2vec search` and engine/search
// ------------------------------------------------------------------------------------------------

/** What runSearch passes to a strategy: the contract's seed and pool, plus per-strategy options (bo: eiVariant, initSize, topK, eiTarget). */
export type StrategyCreateOptions = StrategyOptions & { eiVariant?: 'standard' | 'reference'; initSize?: number; topK?: number; eiTarget?: number };

export interface SearchDeps {
  createStrategy: (name: SearchStrategyName, options: StrategyCreateOptions) => SearchStrategy;
  /** The NB201 pool; `embeddings` (count × dim) only for the latent strategies. */
  createPool: (embeddings?: { data: Float32Array; dim: number }) => SearchPool;
}

export const DEFAULT_DEPS: SearchDeps = {
  createStrategy: (name, options) => createStrategy(name, options),
  createPool: (embeddings) => createNb201Pool(embeddings),
};

export interface RunSearchOptions {
  signal?: AbortSignal;
  onProgress?: (p: EngineSearchProgress) => void;
  /** Preparation before the first evaluation: building a pool, embedding it (what, done, total). */
  onPrepare?: (what: string, done: number, total: number) => void;
  /** Selects the compute backend before a model is opened (the engine's own; default: selected once here). */
  backend?: () => Promise<unknown>;
  deps?: SearchDeps;
}

/**
 * The default results log of a command search: one file per evaluator under $ARCH2VEC_HOME/searches,
 * keyed by what decides a result: working directory, command template and the content of the files the
 * command names (objectives/fingerprint.ts). Another project or an edited train.py gets another log.
 */
export function defaultCommandLog(command: string, cwd: string = process.cwd()): string {
  return join(arch2vecHome(), 'searches', `command-${evaluatorFingerprint(command, cwd).id.slice(0, 16)}.jsonl`);
}

const num = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/** A benchmark objective's table columns and source, for the comments of an inserted cell's metrics. */
interface TableColumns { val: string; test: string; source: string }

/** A listed cell; its cost is counted on the network of `costDataset` (the benchmark search's dataset, else CIFAR-10). */
function foundCell(cells: SpacePool, index: number, reward: number | undefined, val: number | undefined, test: number | undefined, metricKeys: 'benchmark' | 'accuracy' | 'none', costDataset: string | null, table?: TableColumns): SearchFoundCell {
  const spec = cells.spec(index);
  let metrics: Record<string, number> = {};
  let notes: Record<string, string> = {};
  if (metricKeys === 'benchmark') {
    // Named as the examples name them (accuracy = test), each with its dataset, split and epochs.
    ({ metrics, notes } = benchmarkCellMetrics({ column: table?.test ?? 'test', value: num(test) }, { column: table?.val ?? 'val', value: num(val) }, table?.source ?? 'benchmark table'));
  } else if (metricKeys === 'accuracy' && num(reward) !== null) metrics.accuracy = +reward!.toFixed(4);
  const name = cells.name(index);
  const ids = spec.space !== 'nasbench201' ? { id: cells.cellId(index), name } : {};
  return { index, arch: describeCell(cells, index), ...ids, spec, reward: num(reward), val: num(val), test: num(test), cell: cellText(name, spec, metrics, notes), ...costFields(spec, costDataset ?? 'cifar10') };
}

function record(ev: SearchEvaluation): SearchEvaluationRecord {
  const r: SearchEvaluationRecord = { index: ev.index, reward: num(ev.reward), val: num(ev.val), test: num(ev.report), cost: ev.cost };
  if (ev.error) r.error = ev.error;
  if (ev.reused) r.reused = true;
  if (ev.reusedFrom) r.reusedFrom = ev.reusedFrom;
  if (ev.warning) r.warning = ev.warning;
  return r;
}

function tracePoint(t: TracePoint): SearchTracePoint {
  return { evaluations: t.evaluations, budget: t.budget, bestReward: num(t.bestReward), bestReport: num(t.bestReport), bestIndex: t.bestIndex >= 0 ? t.bestIndex : null };
}

/** Mean and population std (numpy's default, as the reference's summary script). */
export function meanStd(values: (number | null)[]): MeanStd {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return { mean: null, std: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, n: v.length };
}

function positive(name: string, v: number | undefined, integer: boolean): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)))) {
    throw new EngineError('badInput', `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function loadEmbeddings(modelDir: string | undefined): { resolved: ResolvedModel; data: Float32Array; dim: number } {
  const resolved = resolveModel({ model: modelDir, space: 'nasbench201' });
  let t: ReturnType<typeof readEmbeddings>;
  try {
    t = readEmbeddings(resolved.dir);
  } catch (e) {
    throw new EngineError('badModelDir', `${resolved.dir}: unreadable embedding table: ${(e as Error).message}`);
  }
  if (!t) throw new EngineError('badModelDir', `${resolved.dir}: no embedding table (embeddings.json / embeddings.f32): finish its training first`);
  if (t.index.space !== 'nasbench201' || t.index.count !== NB201_SIZE) {
    throw new EngineError('badModelDir', `${resolved.dir}: its embedding table is ${t.index.count} ${t.index.space} cells; a NAS-Bench-201 search needs the ${NB201_SIZE} NAS-Bench-201 cells`);
  }
  return { resolved, data: t.data, dim: t.index.dim };
}

/** A search request after validation: every field checked and defaulted once. */
export interface SearchRequest {
  params: EngineSearchParams;
  space: SpaceId;
  strategy: SearchStrategyName;
  objective: SearchObjectiveName;
  /** NB201 benchmark only (the shipped table or a binary NB201 table). */
  dataset: SearchDatasetName | null;
  /** `--table` is a user table (JSONL / CSV): its rows are the pool. */
  userTable: boolean;
  seeds: number[];
  budget: number | undefined;
  maxEvals: number | undefined;
}

/** Step 1: the request's parameters, checked (badInput / unknownSpace) and defaulted. */
export function validateSearchRequest(p: EngineSearchParams): SearchRequest {
  const space = checkSpace(p.space);
  if (!isOneOf(SEARCH_STRATEGIES, p.strategy)) throw new EngineError('badInput', `unknown strategy '${String(p.strategy)}': expected ${STRATEGY_NAMES.join(', ')}`);
  if (p.eiVariant !== undefined && !isOneOf(EI_VARIANTS, p.eiVariant)) throw new EngineError('badInput', `unknown eiVariant '${String(p.eiVariant)}': expected ${EI_VARIANTS.join(' or ')}`);
  if (!isOneOf(SEARCH_OBJECTIVES, p.objective)) throw new EngineError('badInput', `unknown objective '${String(p.objective)}': expected benchmark, command or file`);
  const seeds = p.seeds?.length ? p.seeds : [1];
  for (const s of seeds) if (!(Number.isInteger(s) && s >= 0)) throw new EngineError('badInput', `seeds must be non-negative integers, got ${JSON.stringify(s)}`);
  const budget = positive('budget', p.budget, false);
  const maxEvals = positive('maxEvals', p.maxEvals, true);
  positive('dartsPoolSize', p.dartsPoolSize, true);
  if (p.dartsPoolSeed !== undefined && !(Number.isInteger(p.dartsPoolSeed) && p.dartsPoolSeed >= 0)) throw new EngineError('badInput', `dartsPoolSeed must be a non-negative integer, got ${JSON.stringify(p.dartsPoolSeed)}`);
  const userTable = p.objective === 'benchmark' && p.table !== undefined && isUserTableFile(p.table);
  if ((p.maxParams !== undefined || p.maxFlops !== undefined) && (space !== 'nasbench201' || userTable)) {
    throw new EngineError('badInput', `--max-params / --max-flops apply to the NAS-Bench-201 pool only for now (not to ${userTable ? 'a user table' : space})`);
  }
  if (p.objective === 'benchmark' && space !== 'nasbench201' && !userTable) {
    throw new EngineError('badInput', `no ${space} benchmark ships with arch2vec: give your own table with --table FILE (JSONL or CSV: docs/tables.md; \`npm run tables\` converts the real NB101 / NB301 samples), or use --objective command`);
  }
  const dataset: SearchDatasetName | null = p.objective === 'benchmark' && !userTable ? (p.dataset ?? 'cifar10') : null;
  if (dataset !== null && !isNb201Dataset(dataset)) throw new EngineError('badInput', `unknown dataset '${String(dataset)}': expected ${NB201_DATASETS.join(', ')}`);
  return { params: p, space, strategy: p.strategy, objective: p.objective, dataset, userTable, seeds, budget, maxEvals };
}

interface PreparedPool {
  /** What the strategies search (NB201: `deps.createPool`, which tests replace). */
  pool: SearchPool;
  /** The same indices as cells: spec, name, id. */
  cells: SpacePool;
  table?: UserTable;
  model: EngineSearchResult['model'];
}

let backendOnce: Promise<unknown> | undefined;

/**
 * Step 2: the space's pool (NB101's enumeration, NB201's cells, the DARTS sample, or a user table's
 * rows), with the model's embedding table for the latent strategies (bo / rl). `addCells` runs on the
 * pool before it is embedded (the file objective's measured DARTS cells join it there).
 */
async function searchPool(req: SearchRequest, deps: SearchDeps, opts: RunSearchOptions, addCells?: (cells: SpacePool) => void): Promise<PreparedPool> {
  const p = req.params;
  const latent = isOneOf(LATENT_STRATEGIES, req.strategy);
  if (req.space === 'nasbench201' && !req.userTable) {
    const cells = new Nb201Pool();
    addCells?.(cells);
    if (!latent) return { pool: deps.createPool(), cells, model: null };
    const e = loadEmbeddings(p.modelDir);
    return { pool: deps.createPool({ data: e.data, dim: e.dim }), cells, model: { dir: e.resolved.dir, source: e.resolved.source } };
  }
  const progress: ProgressFn = (q) => opts.onPrepare?.(`${req.space} pool: ${q.phase}${q.message ? ` (${q.message})` : ''}`, q.done, q.total);
  const resolved = latent ? resolveModel({ model: p.modelDir, space: req.space }) : undefined;
  let { dartsPoolSize, dartsPoolSeed } = p;
  if (resolved && req.space === 'darts' && dartsPoolSize === undefined && dartsPoolSeed === undefined) {
    // bo / rl without an explicit pool: the model's own training sample, whose embeddings it already has.
    let config: ModelDirConfig | undefined;
    try {
      config = readJson<ModelDirConfig>(resolved.dir, FILES.config);
    } catch {
      config = undefined; // opening the model below says what is wrong with it
    }
    if (config?.space === 'darts' && config.data.dartsPool) ({ dartsPoolSize, dartsPoolSeed } = { dartsPoolSize: config.data.dartsPool, dartsPoolSeed: config.train.seed });
  }
  let opened;
  try {
    opened = openSearchPool({ space: req.space, table: req.userTable ? p.table : undefined, dartsPoolSize, dartsPoolSeed, onProgress: progress });
  } catch (e) {
    if (e instanceof TableError || e instanceof RangeError) throw new EngineError('badInput', e.message);
    throw e;
  }
  const cells = opened.pool;
  addCells?.(cells);
  if (!resolved) return { pool: cells, cells, table: opened.table, model: null };
  await (opts.backend ? opts.backend() : (backendOnce ??= selectBackend((process.env.ARCH2VEC_BACKEND as BackendName | undefined) ?? 'auto')));
  const qm = openModel(resolved);
  try {
    if (qm.space !== req.space) throw new EngineError('badModelDir', `${resolved.dir} is a ${qm.space} model; this search is over ${req.space}`);
    const emb = await poolEmbeddings(qm, cells, { signal: opts.signal, onProgress: (done, total) => opts.onPrepare?.(`embedding ${cells.description}`, done, total) });
    attachEmbeddings(cells, emb.data, emb.dim);
    return { pool: cells, cells, table: opened.table, model: { dir: resolved.dir, source: resolved.source } };
  } finally {
    qm.dispose();
  }
}

/**
 * Step 2b: --max-params / --max-flops. The strategies search the cells within the limits only: a cut
 * pool, and strategies that speak benchmark indices (costConstraint.ts).
 */
function costConstrained(req: SearchRequest, pool: SearchPool, deps: SearchDeps): { pool: SearchPool; deps: SearchDeps } {
  const p = req.params;
  if (p.maxParams === undefined && p.maxFlops === undefined) return { pool, deps };
  const maxParams = positive('maxParams', p.maxParams, false);
  const maxFlops = positive('maxFlops', p.maxFlops, false);
  const allowed = nb201WithinCost({ maxParams, maxFlops, dataset: req.dataset ?? 'cifar10' });
  if (!allowed.length) throw new EngineError('badInput', `no NAS-Bench-201 cell is within${maxParams !== undefined ? ` ${maxParams} parameters` : ''}${maxFlops !== undefined ? ` ${maxFlops} FLOPs` : ''}`);
  return {
    pool: restrictPool(pool, allowed),
    deps: { ...deps, createStrategy: (name, o) => constrainStrategy(deps.createStrategy(name, o), allowed) },
  };
}

/** Step 3: the objective (a benchmark table, the user's table, or an evaluator command); objectives throw badInput themselves. */
function searchObjective(req: SearchRequest, prepared: PreparedPool): Objective {
  const p = req.params;
  if (req.objective === 'benchmark') {
    if (prepared.table) return new TableObjective(prepared.cells as TablePool);
    return new BenchmarkObjective({ dataset: req.dataset as SearchDatasetName, table: p.table });
  }
  if (!p.command) throw new EngineError('badInput', "the command objective needs a command, e.g. --command 'python train.py {cell}'");
  return new CommandObjective({
    command: p.command, parallel: positive('parallel', p.parallel, true), timeout: positive('timeout', p.timeout, false), log: p.log ?? defaultCommandLog(p.command, p.cwd),
    cwd: p.cwd, scale: p.scale, metricRegex: p.metricRegex, fresh: p.fresh === true, retryFailed: p.retryFailed === true,
    ...(req.space !== 'nasbench201' ? { pool: prepared.cells } : {}),
  });
}

/** bo's per-space settings (the reference's top-k per fit and EI target). */
function boOptions(req: SearchRequest) {
  if (req.strategy !== 'bo') return {};
  const ei = req.params.eiVariant;
  return { topK: BO_SETTINGS[req.space].topK, eiTarget: BO_SETTINGS[req.space].eiTarget, ...(ei ? { eiVariant: ei } : {}) };
}

/** Step 4: the strategy of one seed. */
function seedStrategy(req: SearchRequest, pool: SearchPool, deps: SearchDeps, seed: number): SearchStrategy {
  return deps.createStrategy(req.strategy, { seed, pool, ...boOptions(req) });
}

/** Step 5: one seed's loop, reported as the protocol's SearchSeedResult. */
async function runSeed(req: SearchRequest, cells: SpacePool, strategy: SearchStrategy, objective: Objective, seedIndex: number, bounds: { budget?: number; maxEvals?: number }, opts: RunSearchOptions, signal: AbortSignal): Promise<SearchSeedResult> {
  const seed = req.seeds[seedIndex];
  const { budget, maxEvals } = bounds;
  const onProgress = opts.onProgress;
  const r = await searchLoop(strategy, objective, {
    budget, maxEvals, signal,
    onEvaluation: onProgress ? (ev, best, used) => onProgress({
      seed, seedIndex, seeds: req.seeds.length, evaluations: best.evaluations, budgetUsed: used, budget: budget ?? null, maxEvals: maxEvals ?? null,
      last: record(ev), best: tracePoint(best),
    }) : undefined,
  });
  const b = r.best as SearchEvaluation | null;
  const report = objective.kind === 'benchmark' ? 'benchmark' : 'accuracy';
  const meta = objective.kind === 'benchmark' ? objective.metadata() as { columns?: { val: string; test: string }; benchmarkSource?: string | null } : {};
  const table = meta.columns ? { val: meta.columns.val, test: meta.columns.test, source: /NAS-Bench-201/.test(meta.benchmarkSource ?? '') ? 'NAS-Bench-201' : 'benchmark table' } : undefined;
  const run: SearchSeedResult = {
    seed, best: b ? foundCell(cells, b.index, b.reward, b.val ?? b.reward, b.report, report, req.dataset, table) : null,
    evaluations: r.evaluations.length, failed: r.evaluations.filter((e) => !Number.isFinite(e.reward)).length,
    budgetUsed: r.budgetUsed, stopped: r.stopped, seconds: r.seconds,
  };
  if (req.params.traces) {
    run.trace = r.trace.map(tracePoint);
    run.evaluationsList = r.evaluations.map(record);
    const seen = new Set<number>();
    run.top = r.evaluations.filter((e) => Number.isFinite(e.reward)).sort((x, y) => y.reward - x.reward)
      .filter((e) => !seen.has(e.index) && seen.add(e.index)).slice(0, SEARCH_TOP_K)
      .map((e) => foundCell(cells, e.index, e.reward, e.val ?? e.reward, e.report, report, req.dataset, table));
  }
  return run;
}

/** Step 6: mean ± std over seeds of the best-by-reward cell. */
function summarise(runs: SearchSeedResult[]): EngineSearchResult['summary'] {
  const bests = runs.map((r) => r.best);
  return { seeds: runs.length, reward: meanStd(bests.map((b) => b?.reward ?? null)), val: meanStd(bests.map((b) => b?.val ?? null)), test: meanStd(bests.map((b) => b?.test ?? null)) };
}

/** The result fields every objective shares. */
function resultBase(req: SearchRequest, model: EngineSearchResult['model']) {
  return { space: req.space, objective: req.objective, strategy: req.strategy, dataset: req.dataset, model, ...(req.strategy === 'bo' ? { eiVariant: req.params.eiVariant ?? 'standard' } : {}) };
}

const poolInfo = (cells: SpacePool) => (cells.space !== 'nasbench201' ? { pool: { id: cells.id, description: cells.description, count: cells.count } } : {});

/** `--objective file`: observations in, suggestions out; nothing is evaluated. */
async function fileSuggestions(req: SearchRequest, deps: SearchDeps, opts: RunSearchOptions, t0: number): Promise<EngineSearchResult> {
  const p = req.params;
  if (p.text === undefined) throw new EngineError('badInput', 'the file objective needs the .cells text');
  const k = positive('k', p.k, true) ?? 10;
  let obs: SpaceFileObservations | undefined;
  // The measured cells are placed in the pool before it is embedded (a DARTS cell the sample lacks joins it).
  const { pool, cells, model } = await searchPool(req, deps, opts, (c) => {
    try {
      obs = req.space === 'nasbench201' ? fileObservations(p.text!, p.file ?? 'the file') : spaceFileObservations(c, p.text!, p.file ?? 'the file');
    } catch (e) {
      if (e instanceof FileObservationError) throw new EngineError('badInput', e.message);
      throw e;
    }
  });
  const o = obs!;
  const seed = req.seeds[0];
  const constrained = costConstrained(req, pool, deps);
  // BO ranks the whole pool by EI in one surrogate fit on the measured cells (no random initial design).
  const strategy = constrained.deps.createStrategy(req.strategy, { seed, pool: constrained.pool, ...(req.strategy === 'bo' ? { ...boOptions(req), initSize: 0, topK: k } : {}) });
  strategy.tell(o.observations.map((x) => ({ index: x.index, reward: x.reward * REWARD_SCALE })));
  const measured = new Set(o.observations.map((x) => x.index));
  const suggestions: SearchFoundCell[] = [];
  while (suggestions.length < k) {
    const asked = strategy.ask(k - suggestions.length);
    if (!asked.length) break;
    for (const i of asked) if (!measured.has(i) && suggestions.length < k) suggestions.push(foundCell(cells, i, undefined, undefined, undefined, 'none', req.dataset));
  }
  // The suggestions are unmeasured: the file's predictor says what to expect of each (the editor's numbers).
  const prediction = p.predict && addFileValues(req.space, suggestions, (c) => c.reward === null, p.predict, p.text, req.space);
  const bestObs = o.observations.reduce((a, b) => (b.reward > a.reward ? b : a));
  const runs: SearchSeedResult[] = [{
    seed, best: foundCell(cells, bestObs.index, bestObs.reward, bestObs.reward, undefined, 'accuracy', req.dataset), evaluations: 0, failed: 0, budgetUsed: 0,
    stopped: 'suggested', seconds: (performance.now() - t0) / 1000,
  }];
  return {
    ...resultBase(req, model), budget: null, maxEvals: null,
    objectiveInfo: {
      objective: 'file', file: p.file ?? null, observations: o.observations.length, measuredCells: o.observations.reduce((a, x) => a + x.cells.length, 0),
      unmeasuredCells: o.unmeasured, k, seed, ...(req.seeds.length > 1 ? { note: 'the file objective uses the first seed only' } : {}), ...poolInfo(cells),
    },
    summary: { seeds: 1, reward: meanStd([bestObs.reward]), val: meanStd([bestObs.reward]), test: meanStd([]) },
    runs, suggestions, ...(prediction ? { prediction } : {}), stopped: 'completed', seconds: (performance.now() - t0) / 1000,
  };
}

/** The bounds of a seed: given, the objective's default budget, or the space's / a table's default number of evaluations. */
function searchBounds(req: SearchRequest, objective: Objective, table: UserTable | undefined): { budget?: number; maxEvals?: number } {
  if (table && !table.hasCost && req.budget !== undefined) {
    throw new EngineError('badInput', `${table.file} has no cost column, so a budget cannot bound the search: use --max-evals N (default ${TABLE_DEFAULT_MAX_EVALS})`);
  }
  const budget = req.budget ?? objective.defaultBudget;
  let maxEvals = req.maxEvals;
  if (budget === undefined && maxEvals === undefined) maxEvals = table ? TABLE_DEFAULT_MAX_EVALS : req.objective === 'command' ? DEFAULT_MAX_EVALS[req.space] : undefined;
  if (budget === undefined && maxEvals === undefined) {
    throw new EngineError('badInput', 'the command objective needs a bound: --budget SECONDS (wall seconds of evaluation) or --max-evals N');
  }
  return { budget, maxEvals };
}

/**
 * Runs a whole search request as a pipeline: validated request → pool → objective → strategy per seed
 * → loop → summary. Expected problems are EngineErrors (badInput, noModel, badModelDir, unknownSpace).
 */
export async function runSearch(p: EngineSearchParams, opts: RunSearchOptions = {}): Promise<EngineSearchResult> {
  const t0 = performance.now();
  const deps = opts.deps ?? DEFAULT_DEPS;
  const signal = opts.signal ?? new AbortController().signal;
  const req = validateSearchRequest(p);
  if (req.objective === 'file') return fileSuggestions(req, deps, opts, t0);
  if (req.objective === 'command' && !p.command) throw new EngineError('badInput', "the command objective needs a command, e.g. --command 'python train.py {cell}'");
  const prepared = await searchPool(req, deps, opts);
  const { cells, model, table } = prepared;
  const constrained = costConstrained(req, prepared.pool, deps);

  const objective = searchObjective(req, prepared);
  const runs: SearchSeedResult[] = [];
  let bounds: { budget?: number; maxEvals?: number };
  try {
    bounds = searchBounds(req, objective, table);
    for (let si = 0; si < req.seeds.length && !signal.aborted; si++) {
      runs.push(await runSeed(req, cells, seedStrategy(req, constrained.pool, constrained.deps, req.seeds[si]), objective, si, bounds, opts, signal));
    }
  } finally {
    objective.close?.();
  }
  return {
    ...resultBase(req, model), budget: bounds.budget ?? null, maxEvals: bounds.maxEvals ?? null, objectiveInfo: { ...objective.metadata(), ...poolInfo(cells) },
    summary: summarise(runs), runs, stopped: signal.aborted ? 'cancelled' : 'completed', seconds: (performance.now() - t0) / 1000,
  };
}

/** Reads a `.cells` file for the file objective (a missing file is badInput). */
export function readCellsFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new EngineError('badInput', `cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
