/** Hover: what the cell under the cursor is (space, size, canonical id, op counts). */
import type { Connection, Hover, HoverParams } from 'vscode-languageserver';
import { hover } from '../../language/hover';
import { toHover } from '../conversions';
import type { DocumentState } from '../documentState';

export async function onHover(state: DocumentState, { textDocument, position }: HoverParams): Promise<Hover | null> {
  const a = await state.current(textDocument.uri);
  const h = a && hover(a, position);
  return h ? toHover(h) : null;
}

export function registerHover(connection: Connection, state: DocumentState): void {
  connection.onHover((p) => onHover(state, p));
}
