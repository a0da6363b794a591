/**
 * The language features' own types (language/, core/diagnostics) to LSP types and back. Pure: the
 * handlers call these, tests can too.
 */
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, DiagnosticTag, FoldingRangeKind, InsertTextFormat, MarkupKind, SymbolKind,
  type CodeAction, type CodeLens, type CompletionItem, type Diagnostic, type DocumentSymbol, type FoldingRange, type Hover,
} from 'vscode-languageserver';
import type { CellDiagnostic, FixData, Severity } from '../core/diagnostics';
import type { CellLens } from '../language/cellsInfo';
import type { CellCodeAction } from '../language/codeActions';
import type { CompletionEntry } from '../language/completion';
import type { HoverResult } from '../language/hover';
import type { CellSymbol, Fold } from '../language/symbols';

/** Diagnostics this server publishes carry this source; only those are read back for code actions. */
export const DIAGNOSTIC_SOURCE = 'arch2vec';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};
const FROM_SEVERITY: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

export function toDiagnostic(uri: string, d: CellDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
    tags: d.code === 'extraneous-vertex' ? [DiagnosticTag.Unnecessary] : undefined,
    data: d.fix,
  };
}

/** A diagnostic the client sends back (code action context); undefined if it is not ours. */
export function fromDiagnostic(d: Diagnostic): CellDiagnostic | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') return undefined;
  return { range: d.range, severity: FROM_SEVERITY[d.severity ?? 1], code: d.code as CellDiagnostic['code'], message: typeof d.message === 'string' ? d.message : (d.message as { value: string }).value, fix: d.data as FixData | undefined };
}

/** The cell's hover; an extra section (its predicted accuracy) goes right under the title, where it is seen first. */
export function toHover(h: HoverResult, extraMarkdown?: string): Hover {
  if (!extraMarkdown) return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range };
  const cut = h.markdown.indexOf('\n\n');
  const [title, rest] = cut < 0 ? [h.markdown, ''] : [h.markdown.slice(0, cut), h.markdown.slice(cut + 2)];
  return { contents: { kind: MarkupKind.Markdown, value: [title, extraMarkdown, ...(rest ? ['---', rest] : [])].join('\n\n') }, range: h.range };
}

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, key: CompletionItemKind.Property, op: CompletionItemKind.Function,
  space: CompletionItemKind.EnumMember, snippet: CompletionItemKind.Snippet, value: CompletionItemKind.Value,
};

/** The i-th entry of a completion answer; sortText keeps the language feature's order. */
export function toCompletionItem(e: CompletionEntry, i: number): CompletionItem {
  return {
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    insertText: e.insertSnippet,
    insertTextFormat: e.insertSnippet ? InsertTextFormat.Snippet : undefined,
    sortText: String(i).padStart(4, '0'),
  };
}

/** A code action; `sent` are the diagnostics of the request, of which the fixed one is echoed back. */
export function toCodeAction(uri: string, x: CellCodeAction, sent: Diagnostic[]): CodeAction {
  const fixed = x.diagnostic;
  return {
    title: x.title,
    kind: x.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    isPreferred: x.isPreferred,
    diagnostics: fixed ? sent.filter((d) => d.code === fixed.code && d.range.start.line === fixed.range.start.line && d.range.start.character === fixed.range.start.character) : undefined,
    edit: { changes: { [uri]: x.edits } },
  };
}

export function toSymbol(s: CellSymbol): DocumentSymbol {
  const kind = s.kind === 'cell' ? SymbolKind.Class : s.kind === 'space' ? SymbolKind.Namespace : SymbolKind.Property;
  return { name: s.name, detail: s.detail, kind, range: s.range, selectionRange: s.selectionRange, children: s.children.map(toSymbol) };
}

export function toFoldingRange(f: Fold): FoldingRange {
  return { startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : undefined };
}

export function toCodeLens(l: CellLens): CodeLens {
  return { range: l.range, command: { title: l.title, command: l.command, arguments: l.arguments } };
}
