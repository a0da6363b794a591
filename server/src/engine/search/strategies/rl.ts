/**
 * arch2vec-RL (`rl`, docs/reference-notes.md §5.1): REINFORCE over the latent space.
 *
 *  - Start: one uniformly random pool cell is the initial state; it is marked visited and its
 *    reward is never asked for (the reference charges neither its time nor records its reward).
 *  - Step: the LSTM policy (lstmPolicy.ts) maps the current state — the embedding of the last chosen
 *    cell — to μ; an action a ~ N(μ, I) is sampled; the next cell is the not-yet-visited pool member
 *    nearest to a in L2 (ties: lower index). `skipNearest: true` reproduces the NB201 script's quirk
 *    of starting the scan at rank 1 (the single nearest cell is skipped even when unvisited); default
 *    off, since it is an off-by-one in the reference rather than part of the method.
 *  - Episode: 16 steps with the hidden state carried across; then one Adam (lr 1e-2) step on
 *    loss = mean_t −log π(a_t)·(r_t − b) — raw rewards, no discounting (the reference computes a
 *    discounted return and then overwrites it) — and the hidden state is reset.
 *  - Baseline b: `baseline: 'ema'` (default) is an exponential moving average of past episodes' mean
 *    reward (the first episode uses its own mean); a number is the reference's constant (0.4 for
 *    NB201 rewards in [0, 1]). EMA is the default because it is scale-free — the same strategy works
 *    whatever units the objective's rewards are in — and centres the advantages: with the constant
 *    0.4 and NB201 accuracies of ~0.7–0.85 every advantage is positive, so every sampled action is
 *    reinforced and only the small differences between them carry signal.
 *
 * ask/tell: sampling never waits for rewards (the actions do not depend on them), so ask(n) can run
 * ahead into the next episode while rewards are outstanding; an episode is trained on as soon as all
 * its rewards are in, in episode order, re-running its forward pass with the current weights. With a
 * sequential driver (ask 1, tell 1) that is exactly the reference loop. Failed evaluations (NaN) are
 * left out of the episode's mean.
 */
import { Rng } from '../../data/random';
import type { Observation, SearchStrategy, StrategyOptions } from '../types';
import { FlatAdam } from './flatAdam';
import { askCount, freshObservations, requireEmbeddings, subSeed, Visited } from './common';
import { LstmPolicy } from './lstmPolicy';

export interface RlOptions extends StrategyOptions {
  /** LSTM hidden size (default 128). */
  hidden?: number;
  /** Steps per episode / policy update (default 16, the reference's --bs). */
  episodeLength?: number;
  /** Adam learning rate (default 1e-2). */
  learningRate?: number;
  /** 'ema' (default) or a constant baseline (reference: 0.4 for NB201 rewards in [0, 1]). */
  baseline?: number | 'ema';
  /** Momentum of the EMA baseline (default 0.9). */
  emaMomentum?: number;
  /** Reproduce the NB201 script's skipping of the nearest cell (default false). */
  skipNearest?: boolean;
}

interface Episode {
  inputs: Float64Array[];
  actions: Float64Array[];
  indices: number[];
}

export class ArchRl implements SearchStrategy {
  readonly name = 'rl' as const;
  readonly policy: LstmPolicy;
  readonly episodeLength: number;
  readonly skipNearest: boolean;
  /** Policy updates done so far, and the baseline used by the latest one. */
  updates = 0;
  lastBaseline = NaN;
  private readonly baselineOpt: number | 'ema';
  private readonly emaMomentum: number;
  private ema: number | undefined;
  private readonly adam: FlatAdam;
  private readonly grad: Float64Array;
  private readonly rng: Rng;
  private readonly asked: Visited;
  private readonly told: Visited;
  private readonly rewards: Float64Array;
  private state: Float64Array | undefined;
  private episode: Episode = { inputs: [], actions: [], indices: [] };
  private readonly pending: Episode[] = [];

  constructor(private readonly options: RlOptions) {
    requireEmbeddings(options.pool, 'rl');
    const d = options.pool.dim;
    this.episodeLength = Math.max(1, Math.floor(options.episodeLength ?? 16));
    this.skipNearest = options.skipNearest ?? false;
    this.baselineOpt = options.baseline ?? 'ema';
    if (this.baselineOpt !== 'ema' && !Number.isFinite(this.baselineOpt)) throw new RangeError(`rl: baseline must be 'ema' or a number`);
    this.emaMomentum = options.emaMomentum ?? 0.9;
    this.rng = new Rng(options.seed);
    this.policy = new LstmPolicy(d, Math.max(1, Math.floor(options.hidden ?? 128)), new Rng(subSeed(options.seed, 1)));
    this.adam = new FlatAdam(this.policy.params.length, options.learningRate ?? 1e-2);
    this.grad = new Float64Array(this.policy.params.length);
    this.asked = new Visited(options.pool.count);
    this.told = new Visited(options.pool.count);
    this.rewards = new Float64Array(options.pool.count).fill(NaN);
  }

  ask(n: number): number[] {
    const out: number[] = [];
    const pool = this.options.pool;
    const d = pool.dim;
    for (let want = askCount(n); want > 0; want--) {
      if (!this.state) {
        const s0 = this.asked.randomFree(this.rng);
        if (s0 < 0) break;
        this.asked.add(s0);
        this.state = this.row(s0);
      }
      this.closeIfFull();
      if (this.asked.remaining === 0) break;
      const mu = new Float64Array(d);
      this.policy.step(this.state, mu);
      const a = new Float64Array(d);
      for (let k = 0; k < d; k++) a[k] = mu[k] + this.rng.normal();
      const next = this.nearest(a);
      if (next < 0) break;
      this.asked.add(next);
      this.episode.inputs.push(this.state);
      this.episode.actions.push(a);
      this.episode.indices.push(next);
      this.state = this.row(next);
      out.push(next);
    }
    return out;
  }

  tell(observations: Observation[]): void {
    for (const o of freshObservations(this.options.pool, this.told, observations, 'rl.tell')) {
      this.asked.add(o.index); // told from elsewhere: never propose it
      this.rewards[o.index] = o.reward;
    }
    this.closeIfFull();
  }

  private row(i: number): Float64Array {
    const d = this.options.pool.dim;
    return Float64Array.from(this.options.pool.embeddings.subarray(i * d, (i + 1) * d));
  }

  /** Ends a full episode (reset the hidden state) and trains on every finished episode, in order. */
  private closeIfFull(): void {
    if (this.episode.indices.length >= this.episodeLength) {
      this.pending.push(this.episode);
      this.episode = { inputs: [], actions: [], indices: [] };
      this.policy.reset();
    }
    while (this.pending.length > 0 && this.pending[0].indices.every((i) => this.told.has(i))) this.update(this.pending.shift()!);
  }

  private update(ep: Episode): void {
    const r = ep.indices.map((i) => this.rewards[i]);
    const valid = r.filter((x) => !Number.isNaN(x));
    if (valid.length === 0) return;
    const mean = valid.reduce((s, x) => s + x, 0) / valid.length;
    let b: number;
    if (this.baselineOpt === 'ema') {
      b = this.ema ?? mean;
      this.ema = this.ema === undefined ? mean : this.emaMomentum * this.ema + (1 - this.emaMomentum) * mean;
    } else b = this.baselineOpt;
    this.lastBaseline = b;
    const weights = r.map((x) => (Number.isNaN(x) ? 0 : (x - b) / valid.length));
    this.policy.episodeLossAndGradient(ep.inputs, ep.actions, weights, this.grad);
    this.adam.step(this.policy.params, this.grad);
    this.updates++;
  }

  /** The unvisited pool member nearest to `a` (−1 when none is left). */
  private nearest(a: Float64Array): number {
    const pool = this.options.pool;
    const d = pool.dim;
    const e = pool.embeddings;
    let skip = -1;
    if (this.skipNearest) {
      // The reference sorts all distances and starts at rank 1: drop the overall nearest cell.
      let bd = Infinity;
      for (let i = 0; i < pool.count; i++) {
        const dist = sqDist(e, i * d, a, d);
        if (dist < bd) {
          bd = dist;
          skip = i;
        }
      }
    }
    let best = -1;
    let bd = Infinity;
    for (let i = 0; i < pool.count; i++) {
      if (this.asked.has(i) || i === skip) continue;
      const dist = sqDist(e, i * d, a, d);
      if (dist < bd) {
        bd = dist;
        best = i;
      }
    }
    if (best < 0 && skip >= 0 && !this.asked.has(skip)) return skip;
    return best;
  }
}

function sqDist(e: Float32Array, off: number, a: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = e[off + k] - a[k];
    s += t * t;
  }
  return s;
}
