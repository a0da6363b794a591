/**
 * The space registry: space id → its module (spaces/<id>/index.ts). The only place that lists the
 * spaces' modules; everything space-specific is reached through `SPACES[id]` or `spaceOf(spec)`.
 */
import type { CellSpec } from '../../protocol/cells';
import { isSpaceId, SPACE_IDS, type SpaceId } from '../../protocol/values';
import { darts } from './darts';
import { nasbench101 } from './nasbench101';
import { nasbench201 } from './nasbench201';
import type { SpaceModule } from './space';

export const SPACES: { readonly [K in SpaceId]: SpaceModule<K> } = {
  nasbench101,
  nasbench201,
  darts,
};

/** The module of the spec's space, typed for that spec. */
export function spaceOf<S extends CellSpec>(spec: S): SpaceModule<S['space']> & { [M in 'specKey' | 'facts' | 'encode' | 'cellLines' | 'arch']: (s: S) => ReturnType<SpaceModule[M]> } {
  return SPACES[spec.space] as never;
}

export type { CellFacts, SpaceModule, SpecOf } from './space';
export { isSpaceId, SPACE_IDS, type SpaceId };
export { ALL_KEYS, KEY_DOCS, METRIC_KEYS } from '../keys';
