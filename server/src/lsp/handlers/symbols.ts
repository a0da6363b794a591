/** Outline (document symbols) and folding ranges: cells, their keys, comment blocks. */
import type { Connection } from 'vscode-languageserver';
import { documentSymbols, foldingRanges } from '../../language/symbols';
import { toFoldingRange, toSymbol } from '../conversions';
import type { DocumentState } from '../documentState';

export function registerSymbols(connection: Connection, state: DocumentState): void {
  connection.onDocumentSymbol(async ({ textDocument }) => {
    const a = await state.current(textDocument.uri);
    return a ? documentSymbols(a).map(toSymbol) : [];
  });
  connection.onFoldingRanges(async ({ textDocument }) => {
    const a = await state.current(textDocument.uri);
    return a ? foldingRanges(a).map(toFoldingRange) : [];
  });
}
