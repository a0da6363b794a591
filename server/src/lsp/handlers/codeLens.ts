/** CodeLenses above each cell that can be embedded (neighbours, suggest similar). */
import type { Connection } from 'vscode-languageserver';
import { cellLenses } from '../../language/cellsInfo';
import { toCodeLens } from '../conversions';
import type { DocumentState } from '../documentState';

export function registerCodeLens(connection: Connection, state: DocumentState): void {
  // Lenses only show once the document's analysis is current (a stale lens would name a cell that moved).
  connection.onCodeLens(async ({ textDocument }) => {
    const a = await state.current(textDocument.uri);
    return a ? cellLenses(a, textDocument.uri).map(toCodeLens) : [];
  });
}
