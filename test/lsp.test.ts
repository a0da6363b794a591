/**
 * Protocol tests against the bundled language server (`dist/server.js`, run `npm run build` first),
 * spoken to over stdio exactly as VS Code does. One server per file; each test opens its own uri.
 * Waits are event-driven (the publishDiagnostics of a given version); timeouts only guard failures.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentSymbol, Range, TextEdit,
} from 'vscode-languageserver-protocol';
import { LspClient, ROOT, SERVER_PATH, applyTextEdits } from './helpers/lspClient';

const EXAMPLE = path.join(ROOT, 'examples', 'getting-started.cells');
const NB101_HASH_RESNET_LIKE = '5ecfe21e6ed01680ff3998775a52626c';
const NB201_INDEX_BEST = '6111';

// LSP enum values, spelled out so a wrong constant cannot hide a wrong answer.
const SEV = { error: 1, warning: 2, information: 3, hint: 4 } as const;
const SYNC_INCREMENTAL = 2;
const COMPLETION_KEYWORD = 14;
const COMPLETION_SNIPPET = 15;
const INSERT_SNIPPET = 2;
const SYMBOL_CLASS = 5;
const TAG_UNNECESSARY = 1;

let client: LspClient;
let seq = 0;
/** A fresh uri per use so tests do not see each other's documents or diagnostics. */
const uriFor = (name: string) => `file:///lsp-test/${name}-${++seq}.cells`;

const r = (sl: number, sc: number, el: number, ec: number): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const pos0 = (line: number, character: number): Range => r(line, character, line, character);

/** The parts of a diagnostic the tests pin down exactly. */
function shape(d: Diagnostic) {
  return { code: d.code, severity: d.severity, range: d.range };
}

function messageText(d: Diagnostic): string {
  const m: unknown = d.message;
  return typeof m === 'string' ? m : (m as { value: string }).value;
}

function items(x: CompletionItem[] | CompletionList | null): CompletionItem[] {
  return x ? (Array.isArray(x) ? x : x.items) : [];
}

function asActions(x: unknown[] | null): CodeAction[] {
  assert.ok(Array.isArray(x), 'codeAction returned null');
  for (const a of x) assert.ok(a && typeof a === 'object' && 'title' in a && !('command' in a && typeof (a as { command: unknown }).command === 'string'), 'expected CodeAction literals, got a Command');
  return x as CodeAction[];
}

function editsFor(a: CodeAction, uri: string): TextEdit[] {
  assert.ok(a.edit?.changes, `action '${a.title}' has no WorkspaceEdit.changes`);
  assert.deepEqual(Object.keys(a.edit.changes), [uri], 'edits only the requested document');
  return a.edit.changes[uri];
}

function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, 'single-line range expected');
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

/** Deterministic bytes (xorshift32) so a failure can be replayed. */
function pseudoRandomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const NB101_MISTAKES = [
  'cell a',                                   // 0
  '  ops: input conv3x3 maxpool3x3 output',   // 1  unknown-op 'conv3x3' at 13..20
  '  matrix:',                                // 2
  '    0 1 0 0',
  '    0 0 1 0',
  '    0 0 0 1',
  '    0 0 0 0',                              // 6
  'cell b',                                   // 7
  '  ops: input nor_conv_3x3 output',         // 8  unknown-op (an NB201 op) at 13..25
  '  matrix:',
  '    0 1 0',
  '    0 0 1',
  '    0 0 0',                                // 12
  'cell e',                                   // 13
  '  ops: input conv3x3-bn-relu output',
  '  matrix:',
  '    0 1 0',                                // 16 matrix-not-square 16:4..17:9
  '    0 0 1',                                // 17
  'cell a',                                   // 18 duplicate-cell-name at 5..6
  '  space: nasbench201',
  '  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
  'cell f',                                   // 21 missing-key ×2 at 5..6
  '  opz: input',                             // 22 unknown-key at 2..5
  'what is this',                             // 23 syntax
  '',
].join('\n');

before(async () => {
  assert.ok(fs.existsSync(SERVER_PATH), `${SERVER_PATH} is missing: run \`npm run build\` first`);
  client = await LspClient.start({ debounceMs: 0 });
});

after(async () => {
  await client?.stop();
});

test('initialize advertises incremental sync and the providers', () => {
  const caps = client.initializeResult?.capabilities;
  assert.ok(caps, 'no initialize result');
  const sync = caps.textDocumentSync;
  assert.equal(typeof sync === 'number' ? sync : sync?.change, SYNC_INCREMENTAL);
  assert.ok(caps.hoverProvider);
  assert.ok(caps.completionProvider);
  assert.ok(caps.completionProvider.triggerCharacters?.includes(' '));
  assert.ok(caps.completionProvider.triggerCharacters?.includes('|'));
  assert.ok(caps.documentSymbolProvider);
  assert.ok(caps.foldingRangeProvider);
  assert.ok(caps.documentFormattingProvider);
  assert.ok(caps.codeLensProvider);
  const ca = caps.codeActionProvider;
  assert.ok(ca && typeof ca === 'object', 'codeActionProvider should list its kinds');
  assert.deepEqual([...(ca.codeActionKinds ?? [])].sort(), ['quickfix', 'refactor.rewrite']);
  assert.equal(client.initializeResult?.serverInfo?.name, 'arch2vec cellspec server');
});

test('diagnostics: exact codes, severities and 0-based ranges, plus the validated notification', async () => {
  const uri = uriFor('mistakes');
  const pub = await client.openAndWait(uri, NB101_MISTAKES);
  assert.equal(pub.version, 1);
  assert.ok(client.configurationRequests > 0, 'the server pulls arch2vec.validation settings');
  assert.ok(pub.diagnostics.every((d) => d.source === 'arch2vec'));
  assert.deepEqual(pub.diagnostics.map(shape), [
    { code: 'unknown-op', severity: SEV.error, range: r(1, 13, 1, 20) },
    { code: 'unknown-op', severity: SEV.error, range: r(8, 13, 8, 25) },
    { code: 'matrix-not-square', severity: SEV.error, range: r(16, 4, 17, 9) },
    { code: 'duplicate-cell-name', severity: SEV.error, range: r(18, 5, 18, 6) },
    { code: 'missing-key', severity: SEV.error, range: r(21, 5, 21, 6) },
    { code: 'missing-key', severity: SEV.error, range: r(21, 5, 21, 6) },
    { code: 'unknown-key', severity: SEV.error, range: r(22, 2, 22, 5) },
    { code: 'syntax', severity: SEV.error, range: r(23, 0, 23, 12) },
  ]);
  // Quick-fix data travels with the diagnostic.
  assert.deepEqual(pub.diagnostics[0].data, { kind: 'replace', replacement: 'conv3x3-bn-relu' });
  assert.deepEqual(pub.diagnostics[1].data, { kind: 'replace', replacement: 'conv3x3-bn-relu' });
  assert.match(messageText(pub.diagnostics[1]), /NAS-Bench-201/);
  assert.deepEqual(pub.diagnostics[6].data, { kind: 'replace', replacement: 'ops' });
  // duplicate-cell-name points back at the first 'a'.
  assert.deepEqual(pub.diagnostics[3].relatedInformation?.map((x) => [x.location.uri, x.location.range]), [[uri, r(0, 5, 0, 6)]]);

  const v = await client.waitForValidated(uri, 1);
  assert.equal(v.cells, 5);
  assert.equal(v.diagnostics, pub.diagnostics.length);
  assert.ok(v.analysisMs >= 0 && Number.isFinite(v.analysisMs));
  client.close(uri);
});

test('ranges use UTF-16 columns after a non-BMP character', async () => {
  const uri = uriFor('utf16');
  const text = 'cell a\n  ops: input \u{1F600} conv3x3 output\n  matrix:\n    0 1 0 0\n    0 0 1 0\n    0 0 0 1\n    0 0 0 0\n';
  const pub = await client.openAndWait(uri, text);
  assert.deepEqual(pub.diagnostics.map(shape), [
    { code: 'unknown-op', severity: SEV.error, range: r(1, 13, 1, 15) },
    { code: 'unknown-op', severity: SEV.error, range: r(1, 16, 1, 23) },
  ]);
  client.close(uri);
});

test('CRLF documents get the same ranges and formatting keeps CRLF', async () => {
  const uri = uriFor('crlf');
  const lf = 'cell 1abc\n  ops: input conv3x3 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n';
  const pub = await client.openAndWait(uri, lf.replace(/\n/g, '\r\n'));
  assert.deepEqual(pub.diagnostics.map(shape), [
    { code: 'invalid-name', severity: SEV.error, range: r(0, 5, 0, 9) },
    { code: 'unknown-op', severity: SEV.error, range: r(1, 13, 1, 20) },
  ]);
  const v = client.edit(uri, r(1, 2, 1, 5), 'ops');
  await client.waitForDiagnostics(uri, v);
  assert.deepEqual(await client.formatting(uri), []);
  const v2 = client.edit(uri, r(3, 4, 3, 4), '  ');
  await client.waitForDiagnostics(uri, v2);
  const edits = (await client.formatting(uri))!;
  assert.equal(applyTextEdits(client.text(uri), edits), lf.replace(/\n/g, '\r\n'));
  client.close(uri);
});

test('a leading byte-order mark does not shift line-0 ranges', async () => {
  const uri = uriFor('bom');
  const pub = await client.openAndWait(uri, '\uFEFFcell 1abc\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n');
  // In the document the client sent, '1abc' is at UTF-16 columns 6..10 (the BOM is column 0).
  assert.deepEqual(pub.diagnostics.map(shape), [{ code: 'invalid-name', severity: SEV.error, range: r(0, 6, 0, 10) }]);
  client.close(uri);
});

test('an incremental edit that fixes the mistake clears it, for exactly that version', async () => {
  const uri = uriFor('fix-by-typing');
  const v1 = await client.openAndWait(uri, NB101_MISTAKES);
  assert.ok(v1.diagnostics.some((d) => d.code === 'unknown-op' && d.range.start.line === 1));
  // Type "-bn-relu" after "conv3x3" one character at a time, without waiting in between.
  let version = 1;
  let col = 20;
  for (const ch of '-bn-relu') {
    version = client.edit(uri, pos0(1, col), ch);
    col++;
  }
  assert.equal(version, 9);
  assert.equal(client.text(uri).split('\n')[1], '  ops: input conv3x3-bn-relu maxpool3x3 output');
  const last = await client.waitForDiagnostics(uri, 9);
  assert.ok(!last.diagnostics.some((d) => d.code === 'unknown-op' && d.range.start.line === 1), 'line 1 fixed');
  // Everything else is still reported, in the same place.
  assert.deepEqual(last.diagnostics.map(shape), v1.diagnostics.slice(1).map(shape));
  // Published versions never go backwards (no stale result after a newer one).
  const versions = client.published.get(uri)!.map((p) => p.version!);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  assert.equal(versions[versions.length - 1], 9);

  // A multi-line incremental edit: delete the bad cell 'f' and the syntax line; the version matches.
  const v10 = client.edit(uri, r(21, 0, 24, 0), '');
  const after10 = await client.waitForDiagnostics(uri, v10);
  assert.deepEqual(after10.diagnostics.map((d) => d.code), ['unknown-op', 'matrix-not-square', 'duplicate-cell-name']);
  client.close(uri);
});

test('quick fix for unknown-op replaces exactly the op token', async () => {
  const uri = uriFor('quickfix-op');
  const pub = await client.openAndWait(uri, NB101_MISTAKES);
  for (const [line, bad] of [[1, 'conv3x3'], [8, 'nor_conv_3x3']] as const) {
    const d = pub.diagnostics.find((x) => x.code === 'unknown-op' && x.range.start.line === line)!;
    assert.ok(d, `unknown-op on line ${line}`);
    assert.equal(textAt(NB101_MISTAKES, d.range), bad);
    const actions = asActions(await client.codeActions(uri, d.range, [d]));
    const fixes = actions.filter((a) => a.kind === 'quickfix');
    assert.equal(fixes.length, 1);
    const fix = fixes[0];
    assert.equal(fix.title, "Change to 'conv3x3-bn-relu'");
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, [d]);
    assert.deepEqual(editsFor(fix, uri), [{ range: d.range, newText: 'conv3x3-bn-relu' }]);
    const fixed = applyTextEdits(NB101_MISTAKES, editsFor(fix, uri));
    assert.equal(fixed.split('\n')[line], NB101_MISTAKES.split('\n')[line].replace(bad, 'conv3x3-bn-relu'));
    // `only` filters by kind.
    assert.deepEqual(asActions(await client.codeActions(uri, d.range, [d], ['refactor'])), []);
  }
  // Applying the fix over the wire clears that diagnostic.
  const d = pub.diagnostics[0];
  const fix = asActions(await client.codeActions(uri, d.range, [d]))[0];
  const v = client.applyEdits(uri, editsFor(fix, uri));
  const after2 = await client.waitForDiagnostics(uri, v);
  assert.ok(!after2.diagnostics.some((x) => x.code === 'unknown-op' && x.range.start.line === 1));
  client.close(uri);
});

test('a `cell` typed under an indented block: one bad-indentation error whose quick fix outdents it; the file is then clean', async () => {
  const uri = uriFor('indented-cell');
  const text = [
    'cell first',
    '  ops: input conv3x3-bn-relu output',
    '  matrix:',
    '    0 1 0',
    '    0 0 1',
    '    0 0 0',
    '  cell second',
    '  ops: input maxpool3x3 output',
    '  matrix:',
    '    0 1 0',
    '    0 0 1',
    '    0 0 0',
    '',
  ].join('\n');
  const pub = await client.openAndWait(uri, text);
  assert.deepEqual(pub.diagnostics.map(shape), [{ code: 'bad-indentation', severity: SEV.error, range: r(6, 2, 6, 13) }]);
  const [d] = pub.diagnostics;
  const fixes = asActions(await client.codeActions(uri, d.range, [d])).filter((a) => a.kind === 'quickfix');
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0].isPreferred, true);
  assert.deepEqual(editsFor(fixes[0], uri), [{ range: r(6, 0, 6, 2), newText: '' }]);
  const v = client.applyEdits(uri, editsFor(fixes[0], uri));
  assert.deepEqual((await client.waitForDiagnostics(uri, v)).diagnostics, []);
  client.close(uri);
});

test('typing `cell ` on an indented line moves it to column 0 (on-type formatting at the space), nowhere else', async () => {
  const uri = uriFor('ontype');
  const text = 'cell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n    cell \n  accuracy: 9 \n';
  await client.openAndWait(uri, text);
  const caps = client.initializeResult!.capabilities;
  assert.equal(caps.documentOnTypeFormattingProvider?.firstTriggerCharacter, ' ');
  const onType = (line: number, character: number) => client.request<TextEdit[] | null>('textDocument/onTypeFormatting',
    { textDocument: { uri }, position: { line, character }, ch: ' ', options: { tabSize: 2, insertSpaces: true } });
  assert.deepEqual(await onType(5, 9), [{ range: r(5, 0, 5, 4), newText: '' }]);
  assert.deepEqual(await onType(6, 14), [], 'a space in a value');
  assert.deepEqual(await onType(0, 5), [], 'already at column 0');
  client.close(uri);
});

test('completion only where wanted: nothing for a cell name, a value or a matrix row; keys at the start of an indented line; spaces after `space`', async () => {
  const uri = uriFor('completion-where');
  const text = [
    'space nasbench101',                 // 0
    'cell a',                            // 1  cell name being typed: nothing
    '  ops: input conv3x3-bn-relu output', // 2
    '  matrix:',                         // 3
    '    0 1 0',                         // 4  matrix row: nothing
    '    0 0 1',
    '    0 0 0',
    '  acc',                             // 7  a key being typed: the keys
    '  accuracy: 9',                     // 8  a value: nothing
    'space ',                            // 9  spaces
    '',
  ].join('\n');
  await client.openAndWait(uri, text);
  assert.deepEqual(items(await client.completion(uri, 1, 5)), [], 'after `cell `');
  assert.deepEqual(items(await client.completion(uri, 1, 6)), [], 'on the cell name');
  assert.deepEqual(items(await client.completion(uri, 4, 5)), [], 'in a matrix row');
  assert.deepEqual(items(await client.completion(uri, 4, 9)), [], 'at the end of a matrix row');
  assert.deepEqual(items(await client.completion(uri, 8, 14)), [], 'in a metric value');
  const keyList = await client.completion(uri, 7, 5);
  // Asked again on every keystroke: a cached list would be re-filtered against `cell b` and match "cell (nasbench101)".
  assert.equal((keyList as CompletionList).isIncomplete, true);
  const keys = items(keyList).map((i) => i.label);
  assert.ok(keys.includes('val_accuracy') && !keys.includes('accuracy') && !keys.includes('ops') && !keys.includes('matrix'), `the keys the cell still lacks: ${keys.join(',')}`);
  const ops = items(await client.completion(uri, 2, 35)).map((i) => i.label);
  assert.ok(ops.includes('output'), 'ops after `ops:` (the exact op typed matches, so Enter on it adds no text)');
  assert.deepEqual(items(await client.completion(uri, 9, 6)).map((i) => i.label), ['nasbench101', 'nasbench201', 'darts']);
  client.close(uri);

  // NB201: ops where an edge starts, nothing where `+` or the end of the string comes next.
  const uri2 = uriFor('completion-arch');
  const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
  await client.openAndWait(uri2, `cell c\n  space: nasbench201\n  arch: ${arch}\n`);
  const at = async (prefix: string) => items(await client.completion(uri2, 2, 8 + prefix.length)).length > 0;
  assert.equal(await at('|'), true);
  assert.equal(await at('|nor_c'), true, 'an op being typed');
  assert.equal(await at('|nor_conv_3x3~0|'), false, 'node 1 is complete: `+` comes next');
  assert.equal(await at('|nor_conv_3x3~0|+'), false);
  assert.equal(await at('|nor_conv_3x3~0|+|'), true);
  assert.equal(await at('|nor_conv_3x3~0|+|nor_conv_3x3~0|'), true, 'node 2 has one edge of two');
  assert.equal(await at('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~'), false, 'a source index');
  assert.equal(await at(arch), false, 'the string is complete: Enter ends the line');
  client.close(uri2);
});

test('prune quick fix rewrites ops and matrix; the result validates clean', async () => {
  const uri = uriFor('prune');
  const text = [
    'cell c',
    '  ops: input conv3x3-bn-relu conv1x1-bn-relu output',
    '  matrix:',
    '    0 1 1 0',
    '    0 0 0 1',
    '    0 0 0 0',
    '    0 0 0 0',
    '  accuracy: 90.5',
    '',
  ].join('\n');
  const pub = await client.openAndWait(uri, text);
  assert.deepEqual(pub.diagnostics.map(shape), [{ code: 'extraneous-vertex', severity: SEV.warning, range: r(1, 29, 1, 44) }]);
  const d = pub.diagnostics[0];
  assert.equal(textAt(text, d.range), 'conv1x1-bn-relu');
  assert.deepEqual(d.tags, [TAG_UNNECESSARY]);
  assert.deepEqual(d.data, { kind: 'prune' });

  const actions = asActions(await client.codeActions(uri, d.range, [d])).filter((a) => a.kind === 'quickfix');
  assert.equal(actions.length, 1);
  assert.match(actions[0].title, /^Prune/);
  const edits = editsFor(actions[0], uri);
  const expected = [
    'cell c',
    '  ops: input conv3x3-bn-relu output',
    '  matrix:',
    '    0 1 0',
    '    0 0 1',
    '    0 0 0',
    '  accuracy: 90.5',
    '',
  ].join('\n');
  assert.equal(applyTextEdits(text, edits), expected);

  const v = client.applyEdits(uri, edits);
  assert.equal(client.text(uri), expected);
  const clean = await client.waitForDiagnostics(uri, v);
  assert.deepEqual(clean.diagnostics, []);
  client.close(uri);
});

test('NB201 refactor: arch string → 8-node form → arch string round-trips', async () => {
  const uri = uriFor('nb201-refactor');
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  const pub = await client.openAndWait(uri, text);
  assert.deepEqual(pub.diagnostics, []);
  const archLine = text.split('\n').findIndex((l) => l.startsWith('  arch:'));
  assert.ok(archLine > 0);

  const toNodes = asActions(await client.codeActions(uri, pos0(archLine, 4), [])).filter((a) => a.kind === 'refactor.rewrite');
  assert.deepEqual(toNodes.map((a) => a.title), ['Convert arch string to 8-node ops + matrix form']);
  const nodeText = applyTextEdits(text, editsFor(toNodes[0], uri));
  const nodeLines = nodeText.split('\n');
  assert.equal(nodeLines[archLine], '  ops: input nor_conv_3x3 nor_conv_3x3 nor_conv_3x3 skip_connect nor_conv_3x3 nor_conv_1x1 output');
  assert.equal(nodeLines[archLine + 1], '  matrix:');
  assert.deepEqual(nodeLines.slice(archLine + 2, archLine + 10).map((l) => l.trim().split(' ').length), [8, 8, 8, 8, 8, 8, 8, 8]);

  const v2 = client.applyEdits(uri, editsFor(toNodes[0], uri));
  assert.equal(client.text(uri), nodeText);
  assert.deepEqual((await client.waitForDiagnostics(uri, v2)).diagnostics, [], '8-node form validates clean');
  const h = await client.hover(uri, archLine - 2, 3);
  assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents);
  assert.match(h.contents.value, new RegExp(`index \\*\\*${NB201_INDEX_BEST}\\*\\*`), 'same NB201 index in 8-node form');

  const toArch = asActions(await client.codeActions(uri, pos0(archLine + 3, 2), [])).filter((a) => a.kind === 'refactor.rewrite');
  assert.deepEqual(toArch.map((a) => a.title), ['Convert 8-node form to an arch string']);
  assert.equal(applyTextEdits(nodeText, editsFor(toArch[0], uri)), text, 'round trip restores the original text');
  const v3 = client.applyEdits(uri, editsFor(toArch[0], uri));
  assert.equal(client.text(uri), text);
  assert.deepEqual((await client.waitForDiagnostics(uri, v3)).diagnostics, []);

  // No NB201 refactor is offered in an NB101 cell.
  assert.deepEqual(asActions(await client.codeActions(uri, pos0(3, 4), [])), []);
  client.close(uri);
});

test('hover shows the NB101 hash and the NB201 index (cross-checked with the CLI)', async () => {
  const cli = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'hash', EXAMPLE], { encoding: 'utf8' });
  const ids = new Map(cli.trim().split('\n').map((l) => { const f = l.split('\t'); return [f[1], f[3]] as const; }));
  assert.equal(ids.get('resnet_like'), NB101_HASH_RESNET_LIKE);
  assert.equal(ids.get('nb201_best'), NB201_INDEX_BEST);

  const uri = uriFor('hover');
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  await client.openAndWait(uri, text);
  const lines = text.split('\n');
  const resnet = lines.findIndex((l) => l.startsWith('cell resnet_like'));
  const nb201 = lines.findIndex((l) => l.startsWith('cell nb201_best'));

  const h1 = await client.hover(uri, resnet, 8);
  assert.ok(h1 && typeof h1.contents === 'object' && 'kind' in h1.contents);
  assert.equal(h1.contents.kind, 'markdown');
  assert.ok(h1.contents.value.includes(`\`${NB101_HASH_RESNET_LIKE}\``), h1.contents.value);
  assert.ok(h1.contents.value.includes('**cell resnet_like**'));
  assert.equal(h1.range?.start.line, resnet, 'hover range covers the cell');
  // Hovering inside the matrix of the same cell describes the same cell.
  const h1b = await client.hover(uri, resnet + 3, 5);
  assert.ok(h1b && 'value' in (h1b.contents as object) && (h1b.contents as { value: string }).value.includes(NB101_HASH_RESNET_LIKE));

  const h2 = await client.hover(uri, nb201, 8);
  assert.ok(h2 && typeof h2.contents === 'object' && 'value' in h2.contents);
  assert.match(h2.contents.value, /NAS-Bench-201 index \*\*6111\*\*/);

  // A key hover documents the key; the blank line before the first cell has no hover.
  const hk = await client.hover(uri, resnet + 1, 3);
  assert.ok(hk && 'value' in (hk.contents as object) && (hk.contents as { value: string }).value.startsWith('**ops**'));
  assert.equal(lines[resnet - 1], '');
  assert.equal(await client.hover(uri, resnet - 1, 0), null);
  client.close(uri);
});

test('completion: NB101 ops after `ops: input `, NB201 ops in `arch: |`, keywords and snippets at top level', async () => {
  const uri = uriFor('completion');
  const text = [
    'cell a',              // 0
    '  ops: input ',       // 1  (cursor at end)
    '',                    // 2
    'cell b',              // 3
    '  space: nasbench201',
    '  arch: |',           // 5  (cursor at end)
    '',
  ].join('\n');
  await client.openAndWait(uri, text);

  const nb101 = items(await client.completion(uri, 1, 13)).map((i) => i.label);
  assert.ok(nb101.includes('conv3x3-bn-relu'), nb101.join(','));
  assert.ok(nb101.includes('maxpool3x3'));
  assert.ok(!nb101.includes('nor_conv_3x3'), 'no NB201 ops in an NB101 cell');

  const nb201 = items(await client.completion(uri, 5, 9)).map((i) => i.label);
  assert.ok(nb201.includes('nor_conv_3x3'), nb201.join(','));
  assert.ok(!nb201.includes('conv3x3-bn-relu'));

  const top = items(await client.completion(uri, 2, 0));
  const cell = top.find((i) => i.label === 'cell');
  assert.ok(cell, top.map((i) => i.label).join(','));
  assert.equal(cell.kind, COMPLETION_KEYWORD);
  const snippets = top.filter((i) => i.kind === COMPLETION_SNIPPET);
  assert.deepEqual(snippets.map((i) => i.label).sort(), ['cell (darts)', 'cell (nasbench101)', 'cell (nasbench201)']);
  for (const s of snippets) {
    assert.equal(s.insertTextFormat, INSERT_SNIPPET);
    assert.match(s.insertText ?? '', /^cell \$\{1:name\}\n  space: /);
  }
  // Nothing to complete inside a comment.
  const c2 = client.edit(uri, pos0(2, 0), '# note ');
  await client.waitForDiagnostics(uri, c2);
  assert.deepEqual(items(await client.completion(uri, 2, 7)), []);
  client.close(uri);
});

test('document symbols list the cells by name; folding ranges cover each cell', async () => {
  const uri = uriFor('symbols');
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  await client.openAndWait(uri, text);
  const lines = text.split('\n');
  const headers = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('cell ')).map(([l, i]) => ({ name: l.split(/\s+/)[1], line: i }));
  assert.deepEqual(headers.map((h) => h.name), ['resnet_like', 'nb201_best', 'darts_like']);

  const symbols = (await client.documentSymbols(uri)) as DocumentSymbol[];
  assert.ok(Array.isArray(symbols) && symbols.every((s) => 'selectionRange' in s), 'hierarchical DocumentSymbols');
  const cells = symbols.filter((s) => s.kind === SYMBOL_CLASS);
  assert.deepEqual(cells.map((s) => s.name), headers.map((h) => h.name));
  for (const [k, s] of cells.entries()) {
    assert.equal(s.range.start.line, headers[k].line);
    assert.deepEqual(s.selectionRange, r(headers[k].line, 5, headers[k].line, 5 + headers[k].name.length));
    assert.ok(s.children && s.children.length > 0);
  }
  assert.deepEqual(cells[0].children!.map((c) => c.name), ['ops', 'matrix', 'accuracy']);
  assert.match(cells[0].detail ?? '', /5ecfe21e/);
  assert.match(cells[1].detail ?? '', /#6111/);

  const folds = (await client.foldingRanges(uri))!;
  for (const [k, h] of headers.entries()) {
    const end = k + 1 < headers.length ? headers[k + 1].line - 1 : lines.length - 1;
    let last = end;
    while (last > h.line && lines[last].trim() === '') last--;
    assert.ok(folds.some((f) => f.startLine === h.line && f.endLine === last), `fold for ${h.name} ${h.line}..${last}: ${JSON.stringify(folds)}`);
  }
  const matrixKey = lines.findIndex((l) => l.startsWith('  matrix:'));
  assert.ok(folds.some((f) => f.startLine === matrixKey && f.endLine === matrixKey + 5), 'the matrix folds too');
  client.close(uri);
});

const UNFORMATTED = [
  'cell   x:',
  '  ops:   input,conv3x3-bn-relu   output',
  '  matrix:',
  '    0 1 0',
  '    0  0 1',
  '    0 0   0',
  '',
  '',
  '',
  '# a comment',
  'cell y',
  '  space: darts   # the space',
  '  normal: sep_conv_3x3 0,sep_conv_3x3 1, skip_connect 0,  sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2   ',
  '  reduce:  max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, skip_connect 2, skip_connect 2, max_pool_3x3 1',
].join('\n');

const FORMATTED = [
  'cell x',
  '  ops: input conv3x3-bn-relu output',
  '  matrix:',
  '    0 1 0',
  '    0 0 1',
  '    0 0 0',
  '',
  '# a comment',
  'cell y',
  '  space: darts   # the space',
  '  normal: sep_conv_3x3 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2',
  '  reduce: max_pool_3x3 0, max_pool_3x3 1, skip_connect 2, max_pool_3x3 1, max_pool_3x3 0, skip_connect 2, skip_connect 2, max_pool_3x3 1',
  '',
].join('\n');

test('formatting returns edits that produce the formatted document; formatting again returns none', async () => {
  const uri = uriFor('format');
  const pub = await client.openAndWait(uri, UNFORMATTED);
  assert.deepEqual(pub.diagnostics, [], 'the unformatted input is valid');
  const edits = (await client.formatting(uri))!;
  assert.ok(edits.length > 0);
  assert.equal(applyTextEdits(UNFORMATTED, edits), FORMATTED);
  const v = client.applyEdits(uri, edits);
  assert.equal(client.text(uri), FORMATTED);
  assert.deepEqual((await client.waitForDiagnostics(uri, v)).diagnostics, [], 'still valid after formatting');
  assert.deepEqual(await client.formatting(uri), []);
  client.close(uri);
});

test('formatting is idempotent when a property is mis-indented', async () => {
  const uri = uriFor('format-indent');
  const text = 'cell y\n   space: darts\n  normal: sep_conv_3x3 0,sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, skip_connect 0, sep_conv_3x3 1, sep_conv_3x3 0, skip_connect 2\n';
  await client.openAndWait(uri, text);
  const v = client.applyEdits(uri, (await client.formatting(uri))!);
  await client.waitForDiagnostics(uri, v);
  assert.deepEqual(await client.formatting(uri), []);
  client.close(uri);
});

test('closing a document clears its diagnostics', async () => {
  const uri = uriFor('close');
  const pub = await client.openAndWait(uri, NB101_MISTAKES);
  assert.ok(pub.diagnostics.length > 0);
  client.close(uri);
  const cleared = await client.waitForDiagnostics(uri, undefined);
  assert.deepEqual(cleared.diagnostics, []);
  // Reopening the same uri validates afresh.
  const again = await client.openAndWait(uri, NB101_MISTAKES, 7);
  assert.deepEqual(again.diagnostics.map(shape), pub.diagnostics.map(shape));
  client.close(uri);
  await client.waitForDiagnostics(uri, undefined);
});

test('isomorphic-cell carries relatedInformation pointing at the twin', async () => {
  const uri = uriFor('isomorphic');
  const text = [
    'cell first',                                  // 0
    '  ops: input conv3x3-bn-relu maxpool3x3 output',
    '  matrix:',
    '    0 1 1 0',
    '    0 0 0 1',
    '    0 0 0 1',
    '    0 0 0 0',
    'cell twin',                                   // 7: same graph with the two middle vertices swapped
    '  ops: input maxpool3x3 conv3x3-bn-relu output',
    '  matrix:',
    '    0 1 1 0',
    '    0 0 0 1',
    '    0 0 0 1',
    '    0 0 0 0',
    'cell other',                                  // 14: different op, not a twin
    '  ops: input conv1x1-bn-relu maxpool3x3 output',
    '  matrix:',
    '    0 1 1 0',
    '    0 0 0 1',
    '    0 0 0 1',
    '    0 0 0 0',
    '',
  ].join('\n');
  const pub = await client.openAndWait(uri, text);
  assert.deepEqual(pub.diagnostics.map(shape), [{ code: 'isomorphic-cell', severity: SEV.warning, range: r(7, 5, 7, 9) }]);
  const rel = pub.diagnostics[0].relatedInformation;
  assert.ok(rel && rel.length === 1);
  assert.equal(rel[0].location.uri, uri);
  assert.deepEqual(rel[0].location.range, r(0, 5, 0, 10));
  assert.match(rel[0].message, /first/);
  client.close(uri);
});

test('a burst of edits with the default debounce is coalesced; the last version is published', async () => {
  const slow = await LspClient.start({ debounceMs: 80 });
  try {
    const uri = uriFor('debounce');
    await slow.openAndWait(uri, NB101_MISTAKES);
    let version = 1;
    for (let k = 0; k < 6; k++) version = slow.edit(uri, pos0(24, 0), k % 2 ? ' ' : '#');
    const last = await slow.waitForDiagnostics(uri, version);
    assert.equal(last.version, 7);
    const versions = slow.published.get(uri)!.map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'versions only go forward');
    assert.ok(versions.length <= 3, `burst coalesced: published ${versions.join(',')}`);
    const v = await slow.waitForValidated(uri, version);
    assert.equal(v.diagnostics, last.diagnostics.length);
  } finally {
    await slow.stop();
  }
});

test('the server survives a garbage document and still answers requests', async () => {
  const uri = uriFor('garbage');
  const bytes = pseudoRandomBytes(48 * 1024, 0xc0ffee);
  const garbage = bytes.toString('latin1') + bytes.toString('utf8');
  await client.openAndWait(uri, garbage);
  // Every feature on the garbage itself answers (any answer is fine, an error is not).
  await client.hover(uri, 3, 5);
  await client.completion(uri, 10, 2);
  await client.documentSymbols(uri);
  await client.foldingRanges(uri);
  await client.codeActions(uri, r(0, 0, 5, 0), []);
  // Incremental edits on it still publish per version.
  const v2 = client.edit(uri, r(2, 1, 40, 3), '\r\ncell x\n  ops: \u0000\uFFFD');
  await client.waitForDiagnostics(uri, v2);
  const fmt = await client.formatting(uri);
  // Formatting never loses the unreadable lines; applying its edits still validates.
  if (fmt && fmt.length) {
    const v3 = client.applyEdits(uri, fmt);
    await client.waitForDiagnostics(uri, v3);
  }
  assert.ok(client.alive, 'server still running');

  const good = uriFor('after-garbage');
  await client.openAndWait(good, fs.readFileSync(EXAMPLE, 'utf8'));
  const h = await client.hover(good, 2, 8);
  assert.ok(h && 'value' in (h.contents as object) && (h.contents as { value: string }).value.includes(NB101_HASH_RESNET_LIKE));
  client.close(uri);
  client.close(good);
});

test('the CLI and the server report the same diagnostics on every example and on a file full of mistakes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-agree-'));
  const mistakes = path.join(dir, 'mistakes.cells');
  fs.writeFileSync(mistakes, NB101_MISTAKES);
  const files = [...fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.cells')).map((f) => path.join(ROOT, 'examples', f)), mistakes];
  const cli = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'validate', '--json', ...files], { encoding: 'utf8' });
  const rows = JSON.parse(cli.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[];
  const SEVERITY_NAME: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
  let compared = 0;
  for (const file of files) {
    const uri = uriFor(`agree-${path.basename(file)}`);
    const pub = await client.openAndWait(uri, fs.readFileSync(file, 'utf8'));
    const fromServer = pub.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${SEVERITY_NAME[d.severity ?? 1]} ${d.code} ${messageText(d)}`);
    const fromCli = rows.filter((x) => x.file === file).map((x) => `${x.line}:${x.column}-${x.endLine}:${x.endColumn} ${x.severity} ${x.code} ${x.message}`);
    assert.deepEqual(fromServer, fromCli, file);
    compared += fromCli.length;
    client.close(uri);
  }
  assert.ok(compared >= 11, `compared ${compared} diagnostics`);
});

test('CodeLens: neighbours · suggest similar · export as PyTorch above each valid named cell, with [uri, name] arguments', async () => {
  const uri = uriFor('lens');
  await client.openAndWait(uri, fs.readFileSync(EXAMPLE, 'utf8') + '\ncell broken\n  space: nasbench201\n  arch: |conv9~0|+|none~0|none~1|+|none~0|none~1|none~2|\n');
  const lenses = await client.request<{ range: Range; command: { title: string; command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri } });
  const byCell = new Map<string, string[]>();
  for (const l of lenses) {
    const [u, name] = l.command.arguments as [string, string];
    assert.equal(u, uri);
    byCell.set(name, [...(byCell.get(name) ?? []), `${l.command.title}=${l.command.command}`]);
    assert.equal(client.text(uri).split('\n')[l.range.start.line].slice(l.range.start.character, l.range.end.character), name, 'the lens sits on the cell name');
  }
  assert.deepEqual([...byCell.keys()], ['resnet_like', 'nb201_best', 'darts_like'], 'the invalid cell gets none');
  for (const v of byCell.values()) assert.deepEqual(v, ['neighbours=arch2vec.showNeighbours', 'suggest similar=arch2vec.suggestSimilar', 'export as PyTorch=arch2vec.exportPyTorch']);
});

test('arch2vec/cells: names, blocks, specs of valid cells, the cell at a position', async () => {
  const uri = uriFor('cells');
  await client.openAndWait(uri, NB101_MISTAKES + '\ncell ok\n  space: nasbench201\n  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n  accuracy: 93.5\n');
  const lines = client.text(uri).split('\n');
  const okLine = lines.indexOf('cell ok');
  const r = await client.request<{ version: number; at: number | null; cells: { name: string | null; startLine: number; endLine: number; space: string | null; spec: unknown; errors: number; firstError?: string; metrics: Record<string, number> }[] }>(
    'arch2vec/cells', { uri, position: { line: okLine + 2, character: 4 } });
  assert.equal(r.version, 1);
  const ok = r.cells.find((c) => c.name === 'ok')!;
  assert.equal(r.cells[r.at!], ok, 'the cell at the position');
  assert.deepEqual([ok.startLine, ok.endLine], [okLine, okLine + 3]);
  assert.deepEqual(ok.spec, { space: 'nasbench201', ops: ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_1x1'] });
  assert.deepEqual(ok.metrics, { accuracy: 93.5 });
  const bad = r.cells.find((c) => c.name === 'a')!;
  assert.equal(bad.spec, null, 'a cell with errors has no spec');
  assert.ok(bad.errors > 0);
  assert.match(bad.firstError!, /^line 2: /);
  const outside = await client.request<{ at: number | null }>('arch2vec/cells', { uri, position: { line: lines.length + 5, character: 0 } });
  assert.equal(outside.at, null);
  assert.equal(await client.request('arch2vec/cells', { uri: 'file:///not-open.cells' }), null);
});
