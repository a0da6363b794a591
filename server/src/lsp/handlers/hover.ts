/** Hover: what the cell under the cursor is (space, size, canonical id, op counts), plus any extra section. */
import type { Connection, Hover, HoverParams } from 'vscode-languageserver';
import type { AnalyzedCell } from '../../core/analyze';
import { hover } from '../../language/hover';
import { toHover } from '../conversions';
import type { DocumentState } from '../documentState';

/** Markdown appended below a cell's hover (e.g. its predicted accuracy), if any. */
export type HoverExtra = (uri: string, cell: AnalyzedCell) => string | undefined;

export async function onHover(state: DocumentState, { textDocument, position }: HoverParams, extra?: HoverExtra): Promise<Hover | null> {
  const a = await state.current(textDocument.uri);
  const h = a && hover(a, position);
  if (!h) return null;
  const cell = extra && a.cells.find((c) => c.node.range === h.range);
  return toHover(h, cell ? extra(textDocument.uri, cell) : undefined);
}

export function registerHover(connection: Connection, state: DocumentState, extra?: HoverExtra): void {
  connection.onHover((p) => onHover(state, p, extra));
}
