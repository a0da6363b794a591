/** Document formatting: the core formatter's edits on the current text (no analysis needed). */
import type { Connection } from 'vscode-languageserver';
import { formatEdits } from '../../core/format';
import type { DocumentState } from '../documentState';

export function registerFormatting(connection: Connection, state: DocumentState): void {
  connection.onDocumentFormatting(({ textDocument }) => {
    const doc = state.documents.get(textDocument.uri);
    return doc ? formatEdits(doc.getText()) : [];
  });
}
