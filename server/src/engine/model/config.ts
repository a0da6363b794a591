import type { ModelConfig, TrainConfig } from '../../protocol/modelDir';
import type { SpaceId } from '../../protocol/values';

/** The model and training hyper-parameters' types are part of the model directory format (protocol/modelDir). */
export type { ModelConfig, TrainConfig };

export function modelConfigFor(nodes: number, opColumns: number): ModelConfig {
  return { nodes, opColumns, hidden: 128, latent: 16, ginLayers: 4, decoderDropout: 0.3, bnMomentum: 0.1, bnEpsilon: 1e-5 };
}

export const DEFAULT_TRAIN: TrainConfig = {
  batchSize: 32, epochs: 10, learningRate: 1e-3, adamEpsilon: 1e-8, clipNorm: 5, seed: 3, referenceEvalModeQuirk: false,
};

/**
 * The reference's per-space pretraining schedule (docs/reference-notes.md: NB101 8 epochs with seed 1,
 * NB201 10 epochs with seed 3, DARTS 10 epochs; the reference sets no DARTS seed, 3 keeps runs reproducible).
 */
export const REFERENCE_TRAIN: Record<SpaceId, Pick<TrainConfig, 'epochs' | 'seed'>> = {
  nasbench101: { epochs: 8, seed: 1 },
  nasbench201: { epochs: 10, seed: 3 },
  darts: { epochs: 10, seed: 3 },
};

/** Training settings of a space: the defaults, the reference's schedule for it, then what the user chose. */
export function trainConfigFor(space: SpaceId, chosen: Partial<TrainConfig> = {}): TrainConfig {
  return { ...DEFAULT_TRAIN, ...REFERENCE_TRAIN[space], ...chosen };
}
