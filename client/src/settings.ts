/**
 * The extension's `arch2vec.*` settings as one typed object. Pure (no `vscode` import): the reader is
 * passed in, so tests check every default and every bad value without an editor.
 */
import {
  BACKEND_REQUESTS, DEFAULT_PREDICT_SETTINGS, EI_VARIANTS, SEARCH_DATASETS, SEARCH_STRATEGIES, SPACE_IDS,
  type BackendRequest, type PredictSettings, type EiVariant, type SearchDatasetName, type SearchStrategyName, type SpaceId,
} from '../../server/src/protocol';

// The choices are the protocol's lists (declared once there).
export const BACKEND_CHOICES: readonly BackendRequest[] = BACKEND_REQUESTS;
export const STRATEGIES: readonly SearchStrategyName[] = SEARCH_STRATEGIES;
export const DATASETS: readonly SearchDatasetName[] = SEARCH_DATASETS;
export const SPACES: readonly SpaceId[] = SPACE_IDS;

export interface ExtensionSettings {
  backend: BackendRequest;
  /** Model directory for every query ('' = per space: last trained, else shipped). */
  modelDirectory: string;
  neighboursCount: number;
  pretrainEpochs: number | null;
  search: {
    strategies: SearchStrategyName[];
    dataset: SearchDatasetName;
    /** Budget in (simulated) seconds; null = the paper's budget for the dataset. */
    budget: number | null;
    maxEvals: number | null;
    seeds: number;
    benchmarkTable: string;
    evaluatorCommand: string;
    parallel: number;
    timeout: number;
    eiVariant: EiVariant;
    suggestions: number;
  };
  defaultSpace: SpaceId;
  /** `arch2vec.predict.*`: the editor's predictions, also shown in the neighbours and search views. */
  predict: PredictSettings;
}

/** Reads one setting by its key under `arch2vec.` (vscode's WorkspaceConfiguration.get, or a map in tests). */
export type SettingReader = (key: string) => unknown;

const oneOf = <T>(v: unknown, allowed: readonly T[], d: T): T => (allowed.includes(v as T) ? (v as T) : d);
const int = (v: unknown, min: number, max: number, d: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : d);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const positiveOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/** Settings with defaults for anything missing or malformed (a bad value never breaks a command). */
export function readSettings(get: SettingReader): ExtensionSettings {
  const strategies = Array.isArray(get('search.strategies')) ? (get('search.strategies') as unknown[]).filter((s): s is SearchStrategyName => STRATEGIES.includes(s as SearchStrategyName)) : [];
  return {
    backend: oneOf(get('engine.backend'), BACKEND_CHOICES, 'auto'),
    modelDirectory: str(get('engine.modelDirectory')),
    neighboursCount: int(get('neighbours.count'), 1, 1000, 10),
    pretrainEpochs: int(get('pretrain.epochs'), 0, 10_000, 0) || null,
    search: {
      strategies: strategies.length ? [...new Set(strategies)] : ['bo'],
      dataset: oneOf(get('search.dataset'), DATASETS, 'cifar10'),
      budget: positiveOrNull(get('search.budget')),
      maxEvals: int(get('search.maxEvals'), 0, 1e9, 0) || null,
      seeds: int(get('search.seeds'), 1, 1000, 1),
      benchmarkTable: str(get('search.benchmarkTable')),
      evaluatorCommand: str(get('search.evaluatorCommand')),
      parallel: int(get('search.parallel'), 1, 64, 1),
      timeout: int(get('search.timeout'), 1, 7 * 24 * 3600, 3600),
      eiVariant: oneOf(get('search.eiVariant'), EI_VARIANTS, 'standard'),
      suggestions: int(get('search.suggestions'), 1, 1000, 10),
    },
    defaultSpace: oneOf(get('validation.defaultSpace'), SPACES, 'nasbench101'),
    predict: {
      enable: typeof get('predict.enable') === 'boolean' ? (get('predict.enable') as boolean) : DEFAULT_PREDICT_SETTINGS.enable,
      minMeasured: int(get('predict.minMeasured'), 3, 1e6, DEFAULT_PREDICT_SETTINGS.minMeasured),
      metric: str(get('predict.metric')) || DEFAULT_PREDICT_SETTINGS.metric,
    },
  };
}
