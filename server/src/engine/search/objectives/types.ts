/**
 * Objectives turn a candidate (an index of the search pool) into an Evaluation. The search loop
 * (../run.ts) drives a strategy and an objective the same way for every kind: a tabular benchmark
 * (simulated training seconds), the user's own evaluator command (real wall seconds, in parallel,
 * with a resumable results log) — and, for `--objective file`, a fixed set of measured cells that
 * are told to the strategy before it is asked for suggestions (no evaluations at all).
 */
import type { Evaluation } from '../types';

export type ObjectiveKind = 'benchmark' | 'command' | 'file';

/** An Evaluation with what the CLI reports next to the reward. Accuracies are percent. */
export interface SearchEvaluation extends Evaluation {
  /** The validation accuracy reported for this cell (benchmark: see BenchmarkColumns.val; else = reward). */
  val?: number;
  /** Wall-clock seconds this evaluation took here (0 for a benchmark lookup or a reused log entry). */
  seconds?: number;
  /** Taken from the results log of an earlier run instead of being run again. */
  reused?: boolean;
  /** Where a reused evaluation came from: `LOG:LINE (evaluated AT)` and anything that differs now. */
  reusedFrom?: string;
  /** Something the user should know that did not fail the evaluation (e.g. the log write failed). */
  warning?: string;
}

export interface Objective {
  readonly kind: Exclude<ObjectiveKind, 'file'>;
  /** How many evaluations may run at once (the benchmark: 1, they are instantaneous). */
  readonly parallel: number;
  /** Budget used when none is given (benchmark: the paper's per-dataset budget); undefined: none. */
  readonly defaultBudget?: number;
  /** What the budget counts (shown in output). */
  readonly costUnit: 'simulated seconds' | 'seconds';
  /**
   * Evaluates one candidate. A failed evaluation is not an exception: it resolves with reward NaN
   * and `error`. Rejects (with the signal's reason) only when `signal` aborts mid-evaluation; the
   * loop then drops the evaluation (it is not logged, so a resumed search runs it again).
   */
  evaluate(index: number, signal: AbortSignal): SearchEvaluation | Promise<SearchEvaluation>;
  /** Describes the objective for --json output (columns used, command, log file, ...). */
  metadata(): Record<string, unknown>;
  /** Releases files (the results log). */
  close?(): void;
}
