/** Names and settings every process agrees on: the language id and the `arch2vec.*` section. No imports besides the protocol's values. */
import type { SpaceId } from './values';

export const LANGUAGE_ID = 'cellspec';
export const CONFIG_SECTION = 'arch2vec';

/** `arch2vec.validation.*` settings, as the server reads them. */
export interface ValidationSettings {
  enable: boolean;
  debounceMs: number;
  defaultSpace: SpaceId;
}

/** Frozen: a server starts from these and keeps its own copy (initializationOptions never change them). */
export const DEFAULT_VALIDATION_SETTINGS: Readonly<ValidationSettings> = Object.freeze({ enable: true, debounceMs: 80, defaultSpace: 'nasbench101' });
/** `arch2vec.predict.*` settings, as the language server reads them. */
export interface PredictSettings {
  /** Show predicted metrics of unmeasured cells (inlay hints, hover). */
  enable: boolean;
  /** Measured cells (distinct architectures) of a space before its cells get predictions. */
  minMeasured: number;
  /** The measured metric key to predict. */
  metric: string;
}
export const DEFAULT_PREDICT_SETTINGS: PredictSettings = { enable: true, minMeasured: 10, metric: 'accuracy' };
