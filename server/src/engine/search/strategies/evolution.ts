/**
 * Regularised (aging) evolution (`re`, Real et al. 2019) on the discrete encoding: the baseline of
 * the paper's NAS-Bench-201 table. Defaults are the common NAS-benchmark settings: population 50,
 * tournament sample 10 (drawn with replacement, as Real et al.'s pseudo-code), one mutation per child
 * via `pool.mutate`, the oldest member dies when a child joins.
 *
 * ask/tell makes it asynchronous for free: a child is bred from whoever has been told so far, and
 * joins the population when its result comes back. The first `populationSize` proposals are random.
 */
import { Rng } from '../../data/random';
import type { Observation, SearchStrategy, StrategyOptions } from '../types';
import { askCount, freshObservations, Visited } from './common';

export interface EvolutionOptions extends StrategyOptions {
  /** Population size P (default 50). */
  populationSize?: number;
  /** Tournament sample size S (default 10). */
  sampleSize?: number;
  /**
   * How often the parent is re-mutated when the child was already proposed before falling back to a
   * random unproposed cell (default 50). Near the optimum most one-edit neighbours are visited.
   */
  mutationRetries?: number;
}

export class RegularizedEvolution implements SearchStrategy {
  readonly name = 're' as const;
  readonly populationSize: number;
  readonly sampleSize: number;
  private readonly retries: number;
  private readonly rng: Rng;
  private readonly asked: Visited;
  private readonly told: Visited;
  /** Told, successful members, oldest first (aging removes from the front). */
  private readonly population: Observation[] = [];

  constructor(private readonly options: EvolutionOptions) {
    this.populationSize = positiveInt(options.populationSize ?? 50, 'populationSize');
    this.sampleSize = positiveInt(options.sampleSize ?? 10, 'sampleSize');
    this.retries = Math.max(0, Math.floor(options.mutationRetries ?? 50));
    this.rng = new Rng(options.seed);
    this.asked = new Visited(options.pool.count);
    this.told = new Visited(options.pool.count);
  }

  ask(n: number): number[] {
    const out: number[] = [];
    for (let k = askCount(n); k > 0; k--) {
      const i = this.next();
      if (i < 0) break;
      this.asked.add(i);
      out.push(i);
    }
    return out;
  }

  private next(): number {
    // Initial population: random, as is the fallback while nothing has come back yet.
    if (this.asked.size < this.populationSize || this.population.length === 0) return this.asked.randomFree(this.rng);
    let parent = this.population[this.rng.int(this.population.length)];
    for (let s = 1; s < this.sampleSize; s++) {
      const c = this.population[this.rng.int(this.population.length)];
      if (c.reward > parent.reward) parent = c;
    }
    for (let t = 0; t <= this.retries; t++) {
      const child = this.options.pool.mutate(parent.index, this.rng);
      if (!this.asked.has(child)) return child;
    }
    return this.asked.randomFree(this.rng);
  }

  tell(observations: Observation[]): void {
    for (const o of freshObservations(this.options.pool, this.told, observations, 're.tell')) {
      this.asked.add(o.index);
      // A failed evaluation never joins (it cannot win a tournament and would only age out others).
      if (Number.isNaN(o.reward)) continue;
      this.population.push(o);
      if (this.population.length > this.populationSize) this.population.shift();
    }
  }
}

function positiveInt(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`re: ${what} must be a positive integer, got ${v}`);
  return v;
}
