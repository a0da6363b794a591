/**
 * The contract every search strategy and objective shares (issue 4): strategies propose candidates
 * from a fixed pool of architectures (the embedded space) through ask/tell, so the CLI, the engine
 * process and any objective drive them the same way. Pure TypeScript, no tfjs: strategies must be
 * seeded and reproducible (identical seeds ⇒ identical traces).
 */
import type { SearchStrategyName } from '../../protocol/values';

/** The pool a strategy searches: every architecture of the space, by index. */
export interface SearchPool {
  /** Number of architectures; candidates are indices 0..count-1. */
  count: number;
  /** arch2vec embeddings, count × dim, row-major (node-mean of μ). */
  embeddings: Float32Array;
  dim: number;
  /**
   * One random mutation in the discrete encoding, for regularised evolution (NB201: one of the 6 edge
   * ops changed to another op); returns the index of the mutated architecture.
   */
  mutate(index: number, rng: SearchRng): number;
}

export interface SearchRng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
}

/** One evaluation result told back to the strategy. */
export interface Observation {
  index: number;
  /** The reward the strategy maximises (e.g. validation accuracy in [0, 1]). */
  reward: number;
}

export interface SearchStrategy {
  readonly name: SearchStrategyName;
  /**
   * Up to `n` new candidates (never one already asked for: strategies track what they proposed).
   * Returns fewer (or none) when the pool is exhausted.
   */
  ask(n: number): number[];
  /** Results for earlier asks, in any order; failed evaluations are told with reward NaN. */
  tell(observations: Observation[]): void;
}

export interface StrategyOptions {
  seed: number;
  pool: SearchPool;
}

/** A finished (or failed) evaluation of one candidate, as objectives report it. */
export interface Evaluation {
  index: number;
  /** What the strategy is told (validation accuracy, percent). NaN when the evaluation failed. */
  reward: number;
  /** What is reported for the best-by-reward cell (e.g. test accuracy), when known. */
  report?: number;
  /** Budget consumed (simulated or real seconds). */
  cost: number;
  /** Why it failed, when it did. */
  error?: string;
}

/** Best-so-far after each evaluation: budget vs accuracy (for --json traces and the webview plot). */
export interface TracePoint {
  evaluations: number;
  budget: number;
  bestReward: number;
  /** The reported metric of the best-by-reward cell so far. */
  bestReport: number;
  bestIndex: number;
}
