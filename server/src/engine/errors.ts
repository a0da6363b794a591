import { ENGINE_ERRORS, type EngineErrorData, type EngineErrorKind } from '../protocol/errors';
import { isSpaceId, SPACE_IDS, type SpaceId } from '../core/spaces';
import { suggestName } from '../core/suggest';

/**
 * An expected failure with a kind the engine process turns into a JSON-RPC error (ENGINE_ERRORS) and
 * the CLI into a one-line message and exit 1. Anything else is a bug and is reported as such.
 */
export class EngineError extends Error {
  constructor(readonly kind: EngineErrorKind, message: string, readonly data: Omit<EngineErrorData, 'kind'> = {}) {
    super(message);
    this.name = 'EngineError';
  }

  get code(): number {
    return ENGINE_ERRORS[this.kind];
  }
}

/** The space id, or an `unknownSpace` error naming the valid ones and the closest. */
export function checkSpace(space: string | undefined, what = 'space'): SpaceId {
  if (space !== undefined && isSpaceId(space)) return space;
  const suggestion = space ? suggestName(space, SPACE_IDS) : undefined;
  throw new EngineError('unknownSpace', `unknown ${what} '${space ?? ''}': expected ${SPACE_IDS.join(', ')}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, suggestion ? { suggestion } : {});
}
