/** `arch2vec/cells` (protocol/lsp.ts): the document's cells as specs, for the client's engine commands. */
import type { Connection } from 'vscode-languageserver';
import { CELLS_REQUEST, type CellsParams, type CellsResult } from '../../protocol';
import { cellsInfo } from '../../language/cellsInfo';
import type { DocumentState } from '../documentState';

export function registerCells(connection: Connection, state: DocumentState): void {
  // By method name (protocol/lsp.ts's CellsRequest): vscode-languageserver bundles its own vscode-jsonrpc,
  // whose message classes are nominally distinct from the protocol's; params and result stay typed.
  connection.onRequest(CELLS_REQUEST, async (p: CellsParams): Promise<CellsResult | null> => {
    const doc = state.documents.get(p.uri);
    const a = await state.current(p.uri);
    return a && doc ? cellsInfo(a, doc.version, p.position) : null;
  });
}
