/** Code actions: quick fixes for our diagnostics (from their fix data) and cell rewrites at the cursor. */
import type { CodeAction, CodeActionParams, Connection } from 'vscode-languageserver';
import type { CellDiagnostic } from '../../core/diagnostics';
import { codeActions } from '../../language/codeActions';
import { fromDiagnostic, toCodeAction } from '../conversions';
import type { DocumentState } from '../documentState';

export async function onCodeAction(state: DocumentState, { textDocument, range, context }: CodeActionParams): Promise<CodeAction[]> {
  const a = await state.current(textDocument.uri);
  if (!a) return [];
  const diags = context.diagnostics.map(fromDiagnostic).filter((d): d is CellDiagnostic => !!d);
  return codeActions(a, range, diags)
    .filter((x) => !context.only || context.only.some((k) => x.kind.startsWith(k)))
    .map((x) => toCodeAction(textDocument.uri, x, context.diagnostics));
}

export function registerCodeActions(connection: Connection, state: DocumentState): void {
  connection.onCodeAction((p) => onCodeAction(state, p));
}
