/**
 * Random search (`rs`): uniform sampling without replacement over the whole pool. The baseline every
 * other strategy has to beat; it ignores rewards except that cells told from elsewhere (e.g. already
 * measured cells of `--objective file`) are never proposed.
 */
import { Rng } from '../../data/random';
import type { Observation, SearchStrategy, StrategyOptions } from '../types';
import { askCount, freshObservations, Visited } from './common';

export type RandomSearchOptions = StrategyOptions;

export class RandomSearch implements SearchStrategy {
  readonly name = 'rs' as const;
  private readonly rng: Rng;
  private readonly asked: Visited;
  private readonly told: Visited;

  constructor(private readonly options: RandomSearchOptions) {
    this.rng = new Rng(options.seed);
    this.asked = new Visited(options.pool.count);
    this.told = new Visited(options.pool.count);
  }

  ask(n: number): number[] {
    const out: number[] = [];
    for (let k = askCount(n); k > 0; k--) {
      const i = this.asked.randomFree(this.rng);
      if (i < 0) break;
      this.asked.add(i);
      out.push(i);
    }
    return out;
  }

  tell(observations: Observation[]): void {
    for (const o of freshObservations(this.options.pool, this.told, observations, 'rs.tell')) this.asked.add(o.index);
  }
}
