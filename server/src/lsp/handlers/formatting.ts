/** Document formatting: the core formatter's edits on the current text (no analysis needed). */
import type { Connection } from 'vscode-languageserver';
import { formatEdits } from '../../core/format';
import { outdentCellKeyword } from '../../language/completion';
import type { DocumentState } from '../documentState';

export function registerFormatting(connection: Connection, state: DocumentState): void {
  connection.onDocumentFormatting(({ textDocument }) => {
    const doc = state.documents.get(textDocument.uri);
    return doc ? formatEdits(doc.getText()) : [];
  });
  // `cell ` typed on an indented line (after a block, no blank line) moves to column 0 as the space is
  // typed; needs editor.formatOnType, which the extension turns on for this language.
  connection.onDocumentOnTypeFormatting(({ textDocument, position, ch }) => {
    const doc = state.documents.get(textDocument.uri);
    if (!doc || ch !== ' ') return [];
    return outdentCellKeyword(doc.getText({ start: { line: position.line, character: 0 }, end: position }), position.line);
  });
}
