/** The engine's structured errors: `ResponseError.code` and its data. No imports (engine internals throw these without pulling in the RPC library). */

/** Structured error codes in `ResponseError.code` (data: EngineErrorData). */
export const ENGINE_ERRORS = {
  /** The request was cancelled (`$/cancelRequest`); pretraining wrote a resumable checkpoint. */
  cancelled: -32800,
  /** Not a model directory, unreadable or incompatible model files. */
  badModelDir: -32010,
  /** A space id that is not nasbench101, nasbench201 or darts. */
  unknownSpace: -32011,
  /** No model given, none trained under $ARCH2VEC_HOME and none shipped for the space. */
  noModel: -32012,
  /** Cells that do not parse/validate, an unknown cell name, a cell of the wrong space. */
  badInput: -32013,
  /** A pretraining is already running in this process. */
  busy: -32014,
  /** The requested compute backend cannot be loaded. */
  backendUnavailable: -32015,
} as const;
export type EngineErrorKind = keyof typeof ENGINE_ERRORS;

export interface EngineErrorData {
  kind: EngineErrorKind;
  /** For `cancelled` pretraining: where the checkpoint is and how to resume. */
  modelDir?: string;
  resume?: string;
  /** For `unknownSpace`: the closest valid space. */
  suggestion?: string;
}
