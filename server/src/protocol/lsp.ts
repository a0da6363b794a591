/**
 * The language server ⇄ client messages beyond LSP, each with its name, params, result and typed
 * message object side by side (as vscode-eslint's customMessages.ts and rust-analyzer's lsp_ext.ts).
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CellSpec } from './cells';
import type { SpaceId } from './values';

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
export const ValidatedNotification = /* @__PURE__ */ new NotificationType<ValidatedParams>(VALIDATED_NOTIFICATION);

/** Notification language server → client when a document's predicted metrics are ready (tests, status). */
export const PREDICTED_NOTIFICATION = 'arch2vec/predicted';
export interface PredictedParams {
  uri: string;
  version: number;
  /** Per space: how many cells were predicted from how many measured, or why not. */
  spaces: { space: string; measured: number; predicted: number; skipped?: string }[];
  /** Fit + predict time in the worker, ms. */
  ms: number;
}
export const PredictedNotification = /* @__PURE__ */ new NotificationType<PredictedParams>(PREDICTED_NOTIFICATION);


/** Request client → language server: the cells of an open document as the server sees them. */
export const CELLS_REQUEST = 'arch2vec/cells';
export interface CellsParams {
  uri: string;
  /** When given, `at` is the cell whose block holds this position. */
  position?: { line: number; character: number };
}
export interface CellInfo {
  /** Undefined for a header without a name (the cell is then unusable by name). */
  name: string | null;
  /** 0-based lines of the cell's block. */
  startLine: number;
  endLine: number;
  space: SpaceId | null;
  /** Set when the cell parses and validates far enough to be embedded. */
  spec: CellSpec | null;
  /** Error diagnostics in the cell. */
  errors: number;
  /** First error message, for the client's explanation. */
  firstError?: string;
  metrics: Record<string, number>;
}
export interface CellsResult {
  version: number;
  cells: CellInfo[];
  /** Index into cells of the cell at `position`, or null. */
  at: number | null;
}
export const CellsRequest = /* @__PURE__ */ new RequestType<CellsParams, CellsResult | null, void>(CELLS_REQUEST);

/** Commands the language server's CodeLenses invoke (arguments: document uri, cell name). */
export const CLIENT_COMMANDS = {
  showNeighbours: 'arch2vec.showNeighbours',
  suggestSimilar: 'arch2vec.suggestSimilar',
  exportPyTorch: 'arch2vec.exportPyTorch',
} as const;
