/**
 * Search strategies behind one ask/tell contract (../types.ts): `rs` random search, `re` regularised
 * evolution (discrete encoding), `bo` arch2vec-BO (DNGO + EI over the embedded pool), `rl`
 * arch2vec-RL (LSTM REINFORCE in the latent space). Pure TypeScript, seeded, reproducible.
 */
import { SEARCH_STRATEGIES } from '../../../protocol/values';
import type { SearchStrategy, StrategyOptions } from '../types';
import { ArchBo, type BoOptions } from './bo';
import { RegularizedEvolution, type EvolutionOptions } from './evolution';
import { RandomSearch } from './randomSearch';
import { ArchRl, type RlOptions } from './rl';

export type StrategyName = SearchStrategy['name'];
/** The protocol's list (declared once there). */
export const STRATEGIES: readonly StrategyName[] = SEARCH_STRATEGIES;

/** Every strategy's options; each strategy reads its own and ignores the rest. */
export type AnyStrategyOptions = StrategyOptions & Partial<Omit<EvolutionOptions, keyof StrategyOptions>> & Partial<Omit<BoOptions, keyof StrategyOptions>> & Partial<Omit<RlOptions, keyof StrategyOptions>>;

export function createStrategy(name: StrategyName, options: AnyStrategyOptions): SearchStrategy {
  switch (name) {
    case 'rs':
      return new RandomSearch(options);
    case 're':
      return new RegularizedEvolution(options);
    case 'bo':
      return new ArchBo(options);
    case 'rl':
      return new ArchRl(options);
    default:
      throw new RangeError(`unknown strategy '${String(name)}': expected one of ${STRATEGIES.join(', ')}`);
  }
}

export { ArchBo, ArchRl, RandomSearch, RegularizedEvolution };
export type { BoOptions, EvolutionOptions, RlOptions };
export type { BoFitInfo } from './bo';
export type { DngoOptions } from './dngo';
