/**
 * Validation as the user sees it: documents opening, changing and closing drive the schedule in
 * DocumentState; every finished analysis is published as diagnostics plus the `arch2vec/validated`
 * notification (the client's status bar and the latency benchmark listen to it).
 */
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { VALIDATED_NOTIFICATION, type ValidatedParams } from '../../protocol';
import { toDiagnostic } from '../conversions';
import type { DocumentState } from '../documentState';

export function registerDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, state: DocumentState): void {
  state.onAnalysed(({ uri, version, settings, analysis, analysisMs }) => {
    const diagnostics = settings.enable ? analysis.diagnostics.map((d) => toDiagnostic(uri, d)) : [];
    void connection.sendDiagnostics({ uri, version, diagnostics });
    const params: ValidatedParams = { uri, version, cells: analysis.cells.length, diagnostics: diagnostics.length, analysisMs };
    void connection.sendNotification(VALIDATED_NOTIFICATION, params);
  });
  documents.onDidOpen((e) => state.schedule(e.document.uri, true));
  documents.onDidChangeContent((e) => state.schedule(e.document.uri));
  documents.onDidClose((e) => {
    state.closed(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  connection.onDidChangeConfiguration(() => state.configurationChanged());
}
