/** Completion: keywords, keys, ops and spaces at the cursor, in the language feature's order. */
import type { CompletionList, CompletionParams, Connection } from 'vscode-languageserver';
import { complete } from '../../language/completion';
import { toCompletionItem } from '../conversions';
import type { DocumentState } from '../documentState';

// isIncomplete: VS Code asks again on every keystroke instead of re-filtering the first answer, so a
// list opened at `c` ends once the line reads `cell b` (a cached list would fuzzy-match "cell (nasbench101)"
// there and Enter would insert it). Answers are cheap: they join the document's current analysis.
export async function onCompletion(state: DocumentState, { textDocument, position }: CompletionParams): Promise<CompletionList> {
  const a = await state.current(textDocument.uri);
  if (!a) return { isIncomplete: true, items: [] };
  return { isIncomplete: true, items: complete(a, position).map(toCompletionItem) };
}

export function registerCompletion(connection: Connection, state: DocumentState): void {
  connection.onCompletion((p) => onCompletion(state, p));
}
