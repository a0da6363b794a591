/**
 * The language server's handlers in process (beside test/lsp.test.ts, which speaks to the bundled
 * server over stdio): a DocumentState over in-memory documents, the real analysis and the real LSP
 * conversions, driven through the same handler functions the server registers. The cursor is written
 * into the test text as `|` (or another marker where the cell text itself contains `|`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompletionItem, CompletionList, Diagnostic, Position } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_VALIDATION_SETTINGS } from '../server/src/protocol';
import { analyzeSteps } from '../server/src/core/analyze';
import { toDiagnostic } from '../server/src/lsp/conversions';
import { DocumentState, type Clock, type DocumentSource } from '../server/src/lsp/documentState';
import { onCodeAction } from '../server/src/lsp/handlers/codeActions';
import { onCompletion } from '../server/src/lsp/handlers/completion';
import { onHover } from '../server/src/lsp/handlers/hover';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = fs.readFileSync(path.join(ROOT, 'examples', 'getting-started.cells'), 'utf8');
const NB101_HASH_RESNET_LIKE = '5ecfe21e6ed01680ff3998775a52626c';

/** The text without its one cursor marker, and the marker's position. */
function caret(marked: string, marker = '|'): { text: string; position: Position } {
  const at = marked.indexOf(marker);
  assert.ok(at >= 0 && marked.indexOf(marker, at + 1) < 0, `exactly one '${marker}' marks the cursor`);
  const before = marked.slice(0, at).split('\n');
  return { text: marked.slice(0, at) + marked.slice(at + marker.length), position: { line: before.length - 1, character: before[before.length - 1].length } };
}

class Documents implements DocumentSource {
  private readonly docs = new Map<string, TextDocument>();
  open(uri: string, text: string): TextDocument {
    const d = TextDocument.create(uri, 'cellspec', 1, text);
    this.docs.set(uri, d);
    return d;
  }
  change(uri: string, text: string): void {
    const d = this.docs.get(uri)!;
    TextDocument.update(d, [{ text }], d.version + 1);
  }
  get(uri: string) { return this.docs.get(uri); }
  all() { return [...this.docs.values()]; }
}

/** A fresh state with one document opened from marked text. */
function open(marked: string, marker?: string) {
  const { text, position } = caret(marked, marker);
  const documents = new Documents();
  const uri = 'file:///inprocess/test.cells';
  documents.open(uri, text);
  const state = new DocumentState(documents);
  return { state, uri, text, position, documents, textDocument: { uri } };
}

/** Completion items whether the answer is a list or an array. */
const itemsOf = (x: CompletionItem[] | CompletionList): CompletionItem[] => (Array.isArray(x) ? x : x.items);
const labels = (x: CompletionItem[] | CompletionList) => itemsOf(x).map((i) => i.label);

test('hover: the NB101 cell under the cursor, with its benchmark hash; a key documents itself; a blank line has none', async () => {
  const lines = EXAMPLE.split('\n');
  const resnet = lines.findIndex((l) => l.startsWith('cell resnet_like'));
  // The example's NB201 arch strings contain '|': mark the cursor with '¦' there.
  const inMatrix = lines.map((l, i) => (i === resnet + 3 ? l.replace('0 1', '0¦ 1') : l)).join('\n');
  const h = open(inMatrix, '¦');
  const hover = await onHover(h.state, { textDocument: h.textDocument, position: h.position });
  assert.ok(hover && typeof hover.contents === 'object' && 'kind' in hover.contents);
  assert.equal(hover.contents.kind, 'markdown');
  assert.ok(hover.contents.value.includes('**cell resnet_like**'), hover.contents.value);
  assert.ok(hover.contents.value.includes(`\`${NB101_HASH_RESNET_LIKE}\``));
  assert.equal(hover.range?.start.line, resnet, 'the range is the whole cell');

  const key = open(EXAMPLE.replace('  ops: input conv3x3', '  o¦ps: input conv3x3'), '¦');
  const hk = await onHover(key.state, { textDocument: key.textDocument, position: key.position });
  assert.ok(hk && 'value' in (hk.contents as object) && (hk.contents as { value: string }).value.startsWith('**ops**'));

  const blank = open(EXAMPLE.replace('\n\ncell resnet_like', '\n¦\ncell resnet_like'), '¦');
  assert.equal(await onHover(blank.state, { textDocument: blank.textDocument, position: blank.position }), null);
});

test('hover: the NB201 cell reports its benchmark index', async () => {
  const marked = EXAMPLE.replace('cell nb201_best', 'cell nb20¦1_best');
  const h = open(marked, '¦');
  const hover = await onHover(h.state, { textDocument: h.textDocument, position: h.position });
  assert.ok(hover && 'value' in (hover.contents as object));
  assert.match((hover.contents as { value: string }).value, /NAS-Bench-201 index \*\*6111\*\*/);
});

test('completion: ops of the cell\'s own space, keywords and one snippet per space at top level, nothing in a comment', async () => {
  const nb101 = open('cell a\n  ops: input |\n');
  const ops = labels(await onCompletion(nb101.state, { textDocument: nb101.textDocument, position: nb101.position }));
  assert.ok(ops.includes('conv3x3-bn-relu') && ops.includes('maxpool3x3'), ops.join(','));
  assert.ok(!ops.includes('nor_conv_3x3'), 'no NB201 ops in an NB101 cell');

  const nb201 = open('cell b\n  space: nasbench201\n  arch: |¦\n', '¦');
  const arch = labels(await onCompletion(nb201.state, { textDocument: nb201.textDocument, position: nb201.position }));
  assert.ok(arch.includes('nor_conv_3x3'), arch.join(','));
  assert.ok(!arch.includes('conv3x3-bn-relu'));

  const top = open('cell a\n  ops: input output\n\n|\n');
  const items = itemsOf(await onCompletion(top.state, { textDocument: top.textDocument, position: top.position }));
  const cell = items.find((i) => i.label === 'cell');
  assert.ok(cell, labels(items).join(','));
  assert.equal(cell.kind, 14 /* Keyword */);
  const snippets = items.filter((i) => i.kind === 15 /* Snippet */);
  assert.deepEqual(labels(snippets).sort(), ['cell (darts)', 'cell (nasbench101)', 'cell (nasbench201)']);
  for (const s of snippets) {
    assert.equal(s.insertTextFormat, 2 /* Snippet */);
    assert.match(s.insertText ?? '', /^cell \$\{1:name\}\n  space: /);
  }
  // sortText keeps the language feature's order.
  assert.deepEqual(items.map((i) => i.sortText), items.map((_, i) => String(i).padStart(4, '0')));

  const comment = open('# note |\ncell a\n');
  assert.deepEqual(itemsOf(await onCompletion(comment.state, { textDocument: comment.textDocument, position: comment.position })), []);
});

test('code actions: the unknown-op quick fix at the cursor replaces exactly the token and the cell then validates clean', async () => {
  const c = open('cell a\n  ops: input conv|3x3 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n');
  const analysis = await c.state.current(c.uri);
  assert.ok(analysis);
  // The diagnostics exactly as the server publishes them.
  const published: Diagnostic[] = analysis.diagnostics.map((d) => toDiagnostic(c.uri, d));
  const d = published.find((x) => x.code === 'unknown-op');
  assert.ok(d, JSON.stringify(published));
  assert.deepEqual(d.range, { start: { line: 1, character: 13 }, end: { line: 1, character: 20 } });
  const range = { start: c.position, end: c.position };
  const actions = await onCodeAction(c.state, { textDocument: c.textDocument, range, context: { diagnostics: [d] } });
  const fixes = actions.filter((a) => a.kind === 'quickfix');
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0].title, "Change to 'conv3x3-bn-relu'");
  assert.equal(fixes[0].isPreferred, true);
  assert.deepEqual(fixes[0].diagnostics, [d]);
  const edits = fixes[0].edit?.changes?.[c.uri];
  assert.deepEqual(edits, [{ range: d.range, newText: 'conv3x3-bn-relu' }]);
  // `only` filters by kind.
  assert.deepEqual(await onCodeAction(c.state, { textDocument: c.textDocument, range, context: { diagnostics: [d], only: ['refactor'] } }), []);

  // Apply it: the next analysis (new version) has no diagnostics at all.
  const fixed = TextDocument.applyEdits(c.documents.get(c.uri)!, edits!);
  c.documents.change(c.uri, fixed);
  const after = await c.state.current(c.uri);
  assert.deepEqual(after?.diagnostics, []);
});

test('code actions: a diagnostic from another source is not ours to fix', async () => {
  const c = open('cell a\n  ops: input conv|3x3 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n');
  const analysis = (await c.state.current(c.uri))!;
  const foreign = { ...toDiagnostic(c.uri, analysis.diagnostics[0]), source: 'other-linter' };
  const range = { start: c.position, end: c.position };
  const actions = await onCodeAction(c.state, { textDocument: c.textDocument, range, context: { diagnostics: [foreign] } });
  assert.deepEqual(actions.filter((a) => a.kind === 'quickfix'), []);
});

/** A clock the test advances by hand: timers fire only when `advance` passes them. */
class ManualClock implements Clock {
  t = 1000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now() { return this.t; }
  setTimeout(fn: () => void, ms: number) { const id = ++this.next; this.timers.push({ at: this.t + ms, fn, id }); return id; }
  clearTimeout(h: unknown) { this.timers = this.timers.filter((x) => x.id !== h); }
  yield() { return Promise.resolve(); }
  async advance(ms: number) {
    this.t += ms;
    for (;;) {
      await new Promise((r) => setImmediate(r)); // settings promises resolve, schedules settle
      const due = this.timers.filter((x) => x.at <= this.t);
      if (!due.length) return;
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const x of due) x.fn();
    }
  }
}

test('document state: the first edit after a quiet period runs at once, a burst is coalesced into its last version', async () => {
  const clock = new ManualClock();
  const documents = new Documents();
  const uri = 'file:///inprocess/debounce.cells';
  documents.open(uri, 'cell a\n  ops: input output\n');
  let runs = 0;
  const state = new DocumentState(documents, { clock, analyze: (text, o) => { runs++; return analyzeSteps(text, o); } });
  const published: number[] = [];
  state.onAnalysed((a) => published.push(a.version));

  state.schedule(uri, true);
  await clock.advance(0);
  assert.deepEqual(published, [1]);

  // Within debounceMs of the last run: each edit re-arms the timer; one run for the last version.
  for (let k = 0; k < 5; k++) {
    documents.change(uri, `cell a\n  ops: input output\n# ${k}\n`);
    state.schedule(uri);
    await clock.advance(10);
  }
  assert.deepEqual(published, [1], 'nothing published during the burst');
  await clock.advance(DEFAULT_VALIDATION_SETTINGS.debounceMs);
  assert.deepEqual(published, [1, 6]);
  assert.equal(runs, 2);

  // Requests join the finished analysis instead of starting another.
  await state.current(uri);
  assert.equal(runs, 2);
  // After a quiet period the next edit is validated on the next tick.
  await clock.advance(1000);
  documents.change(uri, 'cell a\n  ops: input output\n');
  state.schedule(uri);
  await clock.advance(0);
  assert.deepEqual(published, [1, 6, 7]);
});

test('document state: initializationOptions and pulled settings apply per server, the shared defaults stay untouched', async () => {
  const before = { ...DEFAULT_VALIDATION_SETTINGS };
  const documents = new Documents();
  const a = new DocumentState(documents);
  a.configure({ debounceMs: 5, defaultSpace: 'darts', enable: 'yes' }, undefined);
  assert.deepEqual(await a.settingsFor('file:///x.cells'), { enable: true, debounceMs: 5, defaultSpace: 'darts' });
  assert.deepEqual({ ...DEFAULT_VALIDATION_SETTINGS }, before, 'exported defaults not mutated');
  const b = new DocumentState(documents);
  b.configure(undefined, async () => ({ defaultSpace: 'nasbench201', debounceMs: -1 }));
  assert.deepEqual(await b.settingsFor('file:///x.cells'), { ...before, defaultSpace: 'nasbench201' });

  // The default space decides how a cell without `space:` is read.
  const uri = 'file:///inprocess/space.cells';
  documents.open(uri, 'cell a\n  ops: input output\n');
  const analysis = await b.current(uri);
  assert.equal(analysis?.cells[0].space, 'nasbench201');
});

test('document state: a settings change re-reads settings, tells listeners, and re-analyses with the new ones', async () => {
  const documents = new Documents();
  const uri = 'file:///inprocess/config.cells';
  documents.open(uri, 'cell a\n  ops: input output\n');
  let space = 'nasbench201';
  const state = new DocumentState(documents);
  state.configure(undefined, async () => ({ defaultSpace: space }));
  let changed = 0;
  state.onConfigurationChanged(() => changed++);
  assert.equal((await state.current(uri))?.cells[0].space, 'nasbench201');
  space = 'darts';
  const reanalysed = new Promise<string | undefined>((res) => state.onAnalysed((a) => res(a.analysis.cells[0].space)));
  state.configurationChanged();
  assert.equal(changed, 1);
  assert.equal(await reanalysed, 'darts');
  assert.deepEqual(await state.settingsFor(uri), { ...DEFAULT_VALIDATION_SETTINGS, defaultSpace: 'darts' });
});
