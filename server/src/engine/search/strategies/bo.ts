/**
 * arch2vec-BO (`bo`, docs/reference-notes.md §5.2): Bayesian optimisation over the embedded pool with
 * a DNGO surrogate (dngo.ts) and expected improvement.
 *
 *  - Initial design: `initSize` (16) uniformly random cells.
 *  - Then, per iteration: re-train DNGO from scratch on every successful observation (as the
 *    reference does), score EI for EVERY not-yet-asked pool member, propose the top `topK` (1 for
 *    NB201, the reference's `--batch_size 1`). Scoring only unasked cells is the reference's
 *    visited-check done right: its NB101/NB201 scripts compare tensor objects, so the check never
 *    fires and evaluated cells can be re-proposed; here a cell is never proposed twice.
 *  - EI, default ('standard'): the textbook incumbent form, u = (μ − τ)/σ, σ = √variance, τ = best
 *    reward observed so far — scale-free and what EI means. `eiVariant: 'reference'` reproduces the
 *    paper's code: a fixed target τ = `eiTarget` (1.0, the NB201 script's `--objective` for rewards in
 *    [0, 1]) and the predictive VARIANCE used where σ belongs.
 *
 * ask/tell: a fit proposes `topK` cells which are handed out before the next fit (the reference
 * evaluates a whole batch before re-fitting). Cells asked but not yet told are excluded from
 * scoring and from the fit, so parallel evaluators just see a fit on what has come back. Cells told
 * without being asked (already-measured cells) are data and are never proposed; they count toward
 * the initial design. Failed evaluations (NaN) are never re-proposed and never enter the fit.
 *
 * Reproducible: the design draws from Rng(seed), the network init / minibatch order / prior sample
 * from an independent sub-stream.
 */
import { Rng } from '../../data/random';
import type { Observation, SearchStrategy, StrategyOptions } from '../types';
import { logExpectedImprovement } from './acquisition';
import { askCount, freshObservations, requireEmbeddings, subSeed, Visited } from './common';
import { Dngo, type DngoFit, type DngoOptions } from './dngo';

export interface BoOptions extends StrategyOptions {
  /** Random initial design size (default 16). */
  initSize?: number;
  /** Cells proposed per surrogate fit (default 1, the NB201 reference). */
  topK?: number;
  /** 'standard' (default): incumbent EI with σ; 'reference': fixed target `eiTarget`, variance for σ. */
  eiVariant?: 'standard' | 'reference';
  /** Fixed EI target τ of the reference variant (default 1.0: NB201 rewards in [0, 1]). */
  eiTarget?: number;
  /** DNGO settings (defaults: the reference's). */
  dngo?: DngoOptions;
}

export interface BoFitInfo extends DngoFit {
  observations: number;
  /** Wall time of the fit (training + hyper-parameters) and of scoring the pool, ms. */
  fitMs: number;
  scoreMs: number;
  /** Cells scored (not yet asked), and how many needed their exact variance (the rest were pruned). */
  scored: number;
  exactlyScored: number;
  /** log EI of the first proposal. */
  bestLogEi: number;
}

export class ArchBo implements SearchStrategy {
  readonly name = 'bo' as const;
  readonly initSize: number;
  readonly topK: number;
  readonly eiVariant: 'standard' | 'reference';
  readonly eiTarget: number;
  /** Diagnostics of the most recent surrogate fit (undefined during the initial design). */
  lastFit: BoFitInfo | undefined;
  fits = 0;
  private readonly rng: Rng;
  private readonly modelRng: Rng;
  private readonly asked: Visited;
  private readonly told: Visited;
  private readonly obsIndex: number[] = [];
  private readonly obsReward: number[] = [];
  private queue: number[] = [];

  constructor(private readonly options: BoOptions) {
    requireEmbeddings(options.pool, 'bo');
    this.initSize = Math.max(0, Math.floor(options.initSize ?? 16));
    this.topK = Math.max(1, Math.floor(options.topK ?? 1));
    this.eiVariant = options.eiVariant ?? 'standard';
    if (this.eiVariant !== 'standard' && this.eiVariant !== 'reference') throw new RangeError(`bo: unknown eiVariant '${String(this.eiVariant)}'`);
    this.eiTarget = options.eiTarget ?? 1.0;
    this.rng = new Rng(options.seed);
    this.modelRng = new Rng(subSeed(options.seed, 1));
    this.asked = new Visited(options.pool.count);
    this.told = new Visited(options.pool.count);
  }

  ask(n: number): number[] {
    const out: number[] = [];
    let want = askCount(n);
    while (want > 0 && this.asked.remaining > 0) {
      let i: number;
      if (this.queue.length > 0) {
        i = this.queue.shift()!;
        if (this.asked.has(i)) continue; // told meanwhile from elsewhere
      } else if (this.asked.size < this.initSize || this.obsIndex.length < 2) {
        // Initial design, and the fallback while fewer than 2 results are in (nothing to fit).
        i = this.asked.randomFree(this.rng);
      } else {
        this.queue = this.propose();
        continue;
      }
      this.asked.add(i);
      out.push(i);
      want--;
    }
    return out;
  }

  tell(observations: Observation[]): void {
    for (const o of freshObservations(this.options.pool, this.told, observations, 'bo.tell')) {
      this.asked.add(o.index);
      if (Number.isNaN(o.reward)) continue;
      this.obsIndex.push(o.index);
      this.obsReward.push(o.reward);
    }
  }

  /** Fits the surrogate on all results so far and returns the top-k unasked cells by EI. */
  private propose(): number[] {
    const pool = this.options.pool;
    const d = pool.dim;
    const n = this.obsIndex.length;
    const t0 = performance.now();
    const x = new Float64Array(n * d);
    const y = Float64Array.from(this.obsReward);
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) x[j * d + k] = pool.embeddings[this.obsIndex[j] * d + k];
    const model = new Dngo(d, this.modelRng, this.options.dngo);
    const fit = model.fit(x, y, n);
    const t1 = performance.now();

    const rows = new Int32Array(this.asked.remaining);
    for (let i = 0, r = 0; i < pool.count; i++) if (!this.asked.has(i)) rows[r++] = i;
    let target = this.eiTarget;
    if (this.eiVariant === 'standard') {
      target = -Infinity;
      for (const r of y) target = Math.max(target, r);
    }
    // log EI ranks like EI but stays finite deep in the tail; both variants are increasing in the
    // variance, which rankRows' pruning relies on.
    const score = this.eiVariant === 'standard'
      ? (mu: number, v: number) => logExpectedImprovement(mu, Math.sqrt(v), target)
      : (mu: number, v: number) => logExpectedImprovement(mu, v, target);
    const ranked = model.rankRows(pool.embeddings, rows, Math.min(this.topK, rows.length), score);
    const t2 = performance.now();
    this.fits++;
    this.lastFit = { ...fit, observations: n, fitMs: t1 - t0, scoreMs: t2 - t1, scored: rows.length, exactlyScored: ranked.exact, bestLogEi: ranked.scores[0] ?? NaN };
    return ranked.rows;
  }
}
