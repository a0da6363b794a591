/** Completion: keywords, keys, ops and spaces at the cursor, in the language feature's order. */
import type { CompletionItem, CompletionParams, Connection } from 'vscode-languageserver';
import { complete } from '../../language/completion';
import { toCompletionItem } from '../conversions';
import type { DocumentState } from '../documentState';

export async function onCompletion(state: DocumentState, { textDocument, position }: CompletionParams): Promise<CompletionItem[]> {
  const a = await state.current(textDocument.uri);
  if (!a) return [];
  return complete(a, position).map(toCompletionItem);
}

export function registerCompletion(connection: Connection, state: DocumentState): void {
  connection.onCompletion((p) => onCompletion(state, p));
}
