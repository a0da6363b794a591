/**
 * Every LSP feature of the server, one module each: `register*(connection, state)` wires the feature
 * to the connection; the request handlers themselves (`onHover`, `onCompletion`, `onCodeAction`) take
 * the DocumentState and LSP params, so tests call them in process. A new feature: a module here, a
 * line below and its capability in ../capabilities.ts. Work that follows each analysis (e.g. predicted
 * accuracies) subscribes with `state.onAnalysed` / `state.onConfigurationChanged` rather than
 * re-registering connection events, which take one handler each.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentState } from '../documentState';
import type { PredictionService } from '../predictions';
import { registerCells } from './cells';
import { registerCodeActions } from './codeActions';
import { registerCodeLens } from './codeLens';
import { registerCompletion } from './completion';
import { registerDiagnostics } from './diagnostics';
import { registerFormatting } from './formatting';
import { registerHover } from './hover';
import { registerPredictions } from './predictions';
import { registerSymbols } from './symbols';

export function registerHandlers(connection: Connection, documents: TextDocuments<TextDocument>, state: DocumentState, predictions: PredictionService): void {
  registerDiagnostics(connection, documents, state);
  registerPredictions(connection, documents, state, predictions);
  registerHover(connection, state, (uri, cell) => predictions.hoverMarkdown(uri, cell));
  registerCompletion(connection, state);
  registerCodeActions(connection, state);
  registerSymbols(connection, state);
  registerFormatting(connection, state);
  registerCodeLens(connection, state);
  registerCells(connection, state);
}
