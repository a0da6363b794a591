import type { ModelConfig, TrainConfig } from '../../protocol/modelDir';

/** The model and training hyper-parameters' types are part of the model directory format (protocol/modelDir). */
export type { ModelConfig, TrainConfig };

export function modelConfigFor(nodes: number, opColumns: number): ModelConfig {
  return { nodes, opColumns, hidden: 128, latent: 16, ginLayers: 4, decoderDropout: 0.3, bnMomentum: 0.1, bnEpsilon: 1e-5 };
}

export const DEFAULT_TRAIN: TrainConfig = {
  batchSize: 32, epochs: 10, learningRate: 1e-3, adamEpsilon: 1e-8, clipNorm: 5, seed: 3, referenceEvalModeQuirk: false,
};
