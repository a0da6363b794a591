/**
 * Everything the client, the language server, the CLI and (later) the engine process and webviews
 * agree on, typed once. Import from here; never restate a method name or a settings key elsewhere.
 */
import type { SpaceId } from './core/spaces';

export const LANGUAGE_ID = 'cellspec';
export const CONFIG_SECTION = 'arch2vec';

/** `arch2vec.validation.*` settings, as the server reads them. */
export interface ValidationSettings {
  enable: boolean;
  debounceMs: number;
  defaultSpace: SpaceId;
}

export const DEFAULT_VALIDATION_SETTINGS: ValidationSettings = { enable: true, debounceMs: 80, defaultSpace: 'nasbench101' };

/** Notification the server sends after publishing diagnostics for a document version (tests, benchmarks, status). */
export const VALIDATED_NOTIFICATION = 'arch2vec/validated';
export interface ValidatedParams {
  uri: string;
  version: number;
  cells: number;
  diagnostics: number;
  /** Time spent analysing, ms (excludes debounce). */
  analysisMs: number;
}
