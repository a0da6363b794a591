/**
 * arch2vec's pretraining split (docs/reference-notes.md §1.5): the first 90% of entries (in dataset order) train, the last 10%
 * are held out for reconstruction metrics; each part is then shuffled once with a seeded PRNG.
 * Sizes: NB101 381,261 / 42,363; NB201 14,062 / 1,563; DARTS (600k) 540,000 / 60,000.
 */
import { Rng } from './random';

export interface Split {
  train: Uint32Array;
  heldOut: Uint32Array;
}

export function trainHeldOutSplit(count: number, seed: number, trainFraction = 0.9): Split {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`split: bad count ${count}`);
  if (!(trainFraction >= 0 && trainFraction <= 1)) throw new RangeError(`split: bad train fraction ${trainFraction}`);
  // Python's int(len * 0.9): floor of the same double product.
  const nTrain = Math.floor(count * trainFraction);
  const train = new Uint32Array(nTrain);
  const heldOut = new Uint32Array(count - nTrain);
  for (let i = 0; i < nTrain; i++) train[i] = i;
  for (let i = nTrain; i < count; i++) heldOut[i - nTrain] = i;
  const rng = new Rng(seed);
  rng.shuffle(train);
  rng.shuffle(heldOut);
  return { train, heldOut };
}
