import {
  CodeActionKind, createConnection, DiagnosticSeverity, DiagnosticTag, DocumentSymbol, FoldingRangeKind,
  InsertTextFormat, CompletionItemKind, MarkupKind, ProposedFeatures, SymbolKind, TextDocumentSyncKind, TextDocuments,
  type CodeAction, type CompletionItem, type CompletionList, type Diagnostic, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSteps, type Analysis } from '../core/analyze';
import type { CellDiagnostic, FixData, Severity } from '../core/diagnostics';
import { formatEdits } from '../core/format';
import { isSpaceId } from '../core/spaces';
import { CELLS_REQUEST, CONFIG_SECTION, DEFAULT_VALIDATION_SETTINGS, type CellsParams, type CellsResult, VALIDATED_NOTIFICATION, type ValidatedParams, type ValidationSettings } from '../protocol';
import { cellLenses, cellsInfo } from '../services/cellsInfo';
import { codeActions } from '../services/codeActions';
import { complete, outdentCellKeyword, type CompletionEntry } from '../services/completion';
import { hover } from '../services/hover';
import { documentSymbols, foldingRanges, type CellSymbol } from '../services/symbols';
import { PredictionService } from './predictions';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
/** Predicted accuracy of unmeasured cells (inlay hints, hover), computed off the validation path. */
const predictions = new PredictionService(connection);

let pullConfig = false;
const settingsCache = new Map<string, Promise<ValidationSettings>>();
/** Last finished analysis per document, reused by hover/completion while the version matches. */
const analyses = new Map<string, { version: number; settings: ValidationSettings; analysis: Analysis }>();
const timers = new Map<string, NodeJS.Timeout>();
const lastRun = new Map<string, number>();

connection.onInitialize((params): InitializeResult => {
  pullConfig = !!params.capabilities.workspace?.configuration;
  predictions.configure({ configuration: pullConfig, inlayHintRefresh: params.capabilities.workspace?.inlayHint?.refreshSupport });
  const init = params.initializationOptions as Partial<ValidationSettings> | undefined;
  if (init) Object.assign(DEFAULT_VALIDATION_SETTINGS, sanitize(init));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      completionProvider: { triggerCharacters: [' ', ':', '|', ',', '+'] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      documentOnTypeFormattingProvider: { firstTriggerCharacter: ' ' },
      codeLensProvider: { resolveProvider: false },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'arch2vec cellspec server', version: '0.1.0' },
  };
});

function sanitize(s: Partial<ValidationSettings> | undefined): ValidationSettings {
  const d = DEFAULT_VALIDATION_SETTINGS;
  return {
    enable: typeof s?.enable === 'boolean' ? s.enable : d.enable,
    debounceMs: typeof s?.debounceMs === 'number' && s.debounceMs >= 0 ? Math.min(s.debounceMs, 5000) : d.debounceMs,
    defaultSpace: typeof s?.defaultSpace === 'string' && isSpaceId(s.defaultSpace) ? s.defaultSpace : d.defaultSpace,
  };
}

function settingsFor(uri: string): Promise<ValidationSettings> {
  if (!pullConfig) return Promise.resolve({ ...DEFAULT_VALIDATION_SETTINGS });
  let p = settingsCache.get(uri);
  if (!p) {
    p = connection.workspace.getConfiguration({ scopeUri: uri, section: `${CONFIG_SECTION}.validation` })
      .then((s) => sanitize(s), () => ({ ...DEFAULT_VALIDATION_SETTINGS }));
    settingsCache.set(uri, p);
  }
  return p;
}

connection.onDidChangeConfiguration(() => {
  settingsCache.clear();
  predictions.configChanged();
  analyses.clear();
  for (const doc of documents.all()) schedule(doc, true);
});

/**
 * Throttled validation: the first edit after a quiet period is validated on the next tick; edits
 * during a burst are coalesced into one run `debounceMs` later. Runs yield every few ms and stop
 * as soon as a newer version arrives, so requests stay responsive on huge files.
 */
function schedule(doc: TextDocument, immediate = false) {
  const uri = doc.uri;
  clearTimeout(timers.get(uri));
  void settingsFor(uri).then((settings) => {
    const quiet = Date.now() - (lastRun.get(uri) ?? 0) > settings.debounceMs;
    const delay = immediate || quiet ? 0 : settings.debounceMs;
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => void validate(uri), delay));
  });
}

/** At most one analysis per document version; hover/completion join it instead of starting another. */
const inflight = new Map<string, { version: number; promise: Promise<Analysis | undefined> }>();

function validate(uri: string): Promise<Analysis | undefined> {
  const doc = documents.get(uri);
  if (!doc) return Promise.resolve(undefined);
  const existing = inflight.get(uri);
  if (existing && existing.version === doc.version) return existing.promise;
  const promise = runValidation(uri, doc.version);
  inflight.set(uri, { version: doc.version, promise });
  void promise.finally(() => {
    if (inflight.get(uri)?.promise === promise) inflight.delete(uri);
  });
  return promise;
}

/** Analyses in slices, publishes, and returns the analysis; undefined if a newer version superseded it. */
async function runValidation(uri: string, version: number): Promise<Analysis | undefined> {
  lastRun.set(uri, Date.now());
  const settings = await settingsFor(uri);
  const start = performance.now();
  let sliceStart = start;
  let active = 0;
  const text = documents.get(uri)?.getText();
  if (text === undefined || documents.get(uri)?.version !== version) return undefined;
  const steps = analyzeSteps(text, { defaultSpace: settings.defaultSpace }, 200);
  for (;;) {
    const r = steps.next();
    if (r.done) {
      active += performance.now() - sliceStart;
      analyses.set(uri, { version, settings, analysis: r.value });
      const diagnostics = settings.enable ? r.value.diagnostics.map((d) => toLsp(uri, d)) : [];
      void connection.sendDiagnostics({ uri, version, diagnostics });
      const params: ValidatedParams = { uri, version, cells: r.value.cells.length, diagnostics: diagnostics.length, analysisMs: active };
      void connection.sendNotification(VALIDATED_NOTIFICATION, params);
      predictions.analysed(uri, version, r.value);
      return r.value;
    }
    if (performance.now() - sliceStart > 15) {
      active += performance.now() - sliceStart;
      await new Promise((res) => setImmediate(res));
      sliceStart = performance.now();
      if (documents.get(uri)?.version !== version) return undefined; // superseded by a newer edit
    }
  }
}

/** The analysis for the document's current version: cached, in flight, or started now (skipping the debounce). */
async function current(uri: string): Promise<Analysis | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    clearTimeout(timers.get(uri));
    const a = await validate(uri);
    if (a) return a;
  }
  return undefined;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
};
const FROM_SEVERITY: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function toLsp(uri: string, d: CellDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'arch2vec',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
    tags: d.code === 'extraneous-vertex' ? [DiagnosticTag.Unnecessary] : undefined,
    data: d.fix,
  };
}

function fromLsp(d: Diagnostic): CellDiagnostic | undefined {
  if (d.source !== 'arch2vec' || typeof d.code !== 'string') return undefined;
  return { range: d.range, severity: FROM_SEVERITY[d.severity ?? 1], code: d.code as CellDiagnostic['code'], message: typeof d.message === 'string' ? d.message : d.message.value, fix: d.data as FixData | undefined };
}

documents.onDidOpen((e) => schedule(e.document, true));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  for (const m of [timers, analyses, lastRun, inflight, settingsCache] as Map<string, unknown>[]) m.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  predictions.closed(e.document.uri);
});

connection.onHover(async ({ textDocument, position }) => {
  const a = await current(textDocument.uri);
  const h = a && hover(a, position);
  const cell = h && a.cells.find((c) => c.node.range === h.range);
  const predicted = cell && predictions.hoverMarkdown(textDocument.uri, cell);
  return h ? { contents: { kind: MarkupKind.Markdown, value: predicted ? `${h.markdown}\n\n---\n\n${predicted}` : h.markdown }, range: h.range } : null;
});

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, key: CompletionItemKind.Property, op: CompletionItemKind.Function,
  space: CompletionItemKind.EnumMember, snippet: CompletionItemKind.Snippet, value: CompletionItemKind.Value,
};

// isIncomplete: VS Code asks again on every keystroke instead of re-filtering the first answer, so a
// list opened at `c` ends once the line reads `cell b` (a cached list would fuzzy-match "cell (nasbench101)"
// there and Enter would insert it). Answers are cheap: they join the document's current analysis.
connection.onCompletion(async ({ textDocument, position }): Promise<CompletionList> => {
  const a = await current(textDocument.uri);
  if (!a) return { isIncomplete: true, items: [] };
  return { isIncomplete: true, items: complete(a, position).map((e, i): CompletionItem => ({
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    detail: e.detail,
    documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
    insertText: e.insertSnippet,
    insertTextFormat: e.insertSnippet ? InsertTextFormat.Snippet : undefined,
    sortText: String(i).padStart(4, '0'),
  })) };
});

connection.onCodeAction(async ({ textDocument, range, context }): Promise<CodeAction[]> => {
  const a = await current(textDocument.uri);
  if (!a) return [];
  const diags = context.diagnostics.map(fromLsp).filter((d): d is CellDiagnostic => !!d);
  return codeActions(a, range, diags)
    .filter((x) => !context.only || context.only.some((k) => x.kind.startsWith(k)))
    .map((x) => ({
      title: x.title,
      kind: x.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
      isPreferred: x.isPreferred,
      diagnostics: x.diagnostic ? context.diagnostics.filter((d) => d.code === x.diagnostic!.code && d.range.start.line === x.diagnostic!.range.start.line && d.range.start.character === x.diagnostic!.range.start.character) : undefined,
      edit: { changes: { [textDocument.uri]: x.edits } },
    }));
});

function toSymbol(s: CellSymbol): DocumentSymbol {
  const kind = s.kind === 'cell' ? SymbolKind.Class : s.kind === 'space' ? SymbolKind.Namespace : SymbolKind.Property;
  return { name: s.name, detail: s.detail, kind, range: s.range, selectionRange: s.selectionRange, children: s.children.map(toSymbol) };
}

connection.onDocumentSymbol(async ({ textDocument }) => {
  const a = await current(textDocument.uri);
  return a ? documentSymbols(a).map(toSymbol) : [];
});

connection.onFoldingRanges(async ({ textDocument }) => {
  const a = await current(textDocument.uri);
  return a ? foldingRanges(a).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : undefined })) : [];
});

connection.onDocumentFormatting(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  return doc ? formatEdits(doc.getText()) : [];
});

// `cell ` typed on an indented line (after a block, no blank line) moves to column 0 as the space is
// typed; needs editor.formatOnType, which the extension turns on for this language.
connection.onDocumentOnTypeFormatting(({ textDocument, position, ch }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc || ch !== ' ') return [];
  return outdentCellKeyword(doc.getText({ start: { line: position.line, character: 0 }, end: position }), position.line);
});

// CodeLenses over cells only show once the document's analysis is current (a stale lens would name a cell that moved).
connection.onCodeLens(async ({ textDocument }) => {
  const a = await current(textDocument.uri);
  return a ? cellLenses(a, textDocument.uri).map((l) => ({ range: l.range, command: { title: l.title, command: l.command, arguments: l.arguments } })) : [];
});

// By method name (protocol/lsp.ts's CellsRequest): vscode-languageserver bundles its own vscode-jsonrpc,
// whose message classes are nominally distinct from the protocol's; params and result stay typed.
connection.onRequest(CELLS_REQUEST, async (p: CellsParams): Promise<CellsResult | null> => {
  const doc = documents.get(p.uri);
  const a = await current(p.uri);
  return a && doc ? cellsInfo(a, doc.version, p.position) : null;
});

connection.languages.inlayHint.on(async ({ textDocument, range }) => {
  await current(textDocument.uri);
  return predictions.inlayHints(textDocument.uri, range);
});

documents.listen(connection);
connection.listen();
