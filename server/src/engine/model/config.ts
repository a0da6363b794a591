/** Hyper-parameters of the arch2vec graph VAE (§2 of docs: GIN encoder, inner-product decoder). */
export interface ModelConfig {
  /** Nodes per graph (NB101 7, NB201 8, DARTS 11). */
  nodes: number;
  /** One-hot op columns (NB101 5, NB201 7, DARTS 11). */
  opColumns: number;
  hidden: number;
  latent: number;
  ginLayers: number;
  decoderDropout: number;
  bnMomentum: number;
  bnEpsilon: number;
}

export interface TrainConfig {
  batchSize: number;
  epochs: number;
  learningRate: number;
  adamEpsilon: number;
  clipNorm: number;
  seed: number;
  /**
   * The reference switches the model to eval mode after its first epoch's metric pass and never back,
   * so epochs 2..N train with frozen batch-norm statistics, no dropout and z = mu (§2.3). false (default)
   * trains in train mode throughout, as intended; true reproduces the reference.
   */
  referenceEvalModeQuirk: boolean;
}

export function modelConfigFor(nodes: number, opColumns: number): ModelConfig {
  return { nodes, opColumns, hidden: 128, latent: 16, ginLayers: 4, decoderDropout: 0.3, bnMomentum: 0.1, bnEpsilon: 1e-5 };
}

export const DEFAULT_TRAIN: TrainConfig = {
  batchSize: 32, epochs: 10, learningRate: 1e-3, adamEpsilon: 1e-8, clipNorm: 5, seed: 3, referenceEvalModeQuirk: false,
};
