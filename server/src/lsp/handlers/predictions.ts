/**
 * Predicted accuracy of unmeasured cells (PredictionService, ../predictions.ts): it follows every
 * finished analysis, settings change and close, and answers inlay hints; hover gets its section
 * through registerHover's extra.
 */
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentState } from '../documentState';
import type { PredictionService } from '../predictions';

export function registerPredictions(connection: Connection, documents: TextDocuments<TextDocument>, state: DocumentState, predictions: PredictionService): void {
  state.onConfigurationChanged(() => predictions.configChanged());
  state.onAnalysed(({ uri, version, analysis }) => predictions.analysed(uri, version, analysis));
  documents.onDidClose((e) => predictions.closed(e.document.uri));
  connection.languages.inlayHint.on(async ({ textDocument, range }) => {
    await state.current(textDocument.uri);
    return predictions.inlayHints(textDocument.uri, range);
  });
}
