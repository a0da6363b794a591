/**
 * A webview panel restored after a window reload (issue 9, item 8): its saved state is checked before
 * the host uses it as a model directory and an insert target. Malformed states, gone or fake model
 * directories (a FIFO config.json would block the engine) and non-.cells URIs, on a real file system.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCellsUri, validateRestoredState } from '../client/src/webviews/restoredState';
import type { MapState, NeighboursState, SuggestionsState } from '../webview/src/messages';

const root = mkdtempSync(join(tmpdir(), 'arch2vec-restore-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const modelDir = join(root, 'model');
mkdirSync(modelDir);
writeFileSync(join(modelDir, 'config.json'), '{}');
const noConfig = join(root, 'empty');
mkdirSync(noConfig);

const neighbours = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'neighbours', mode: 'neighbours', space: 'nasbench201', model: modelDir, backend: 'cpu',
  query: { name: 'c', arch: 'a', spec: { space: 'nasbench201', ops: [] }, index: null }, neighbours: [],
  sourceUri: 'file:///home/u/net.cells', ...over,
});
const map = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'map', space: 'darts', model: modelDir, count: 0, coords: '', explained: [0, 0], projection: 'pca', highlights: [], ...over,
});
const suggestions = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'suggestions', title: 't', space: 'nasbench101', objective: 'benchmark', dataset: null, budget: null, maxEvals: null,
  series: [], suggestions: [], status: 'done', sourceUri: 'untitled:Untitled-1.cells', ...over,
});

test('a well-formed state with a real model dir and a .cells source is kept as it was', () => {
  const n = validateRestoredState('neighbours', neighbours());
  assert.deepEqual(n.notes, []);
  assert.equal((n.state as NeighboursState).model, modelDir);
  assert.equal((n.state as NeighboursState).sourceUri, 'file:///home/u/net.cells');
  const s = validateRestoredState('suggestions', suggestions());
  assert.deepEqual(s.notes, []);
  assert.equal((s.state as SuggestionsState).sourceUri, 'untitled:Untitled-1.cells');
  assert.equal((validateRestoredState('map', map()).state as MapState).model, modelDir);
});

test('malformed or foreign states restore an empty view with an explanation', () => {
  const cases: [string, unknown][] = [
    ['nothing saved', undefined],
    ['null', null],
    ['a string', 'file:///etc/passwd'],
    ['an array', [neighbours()]],
    ['another view kind', map()],
    ['neighbours not an array', neighbours({ neighbours: 'x' })],
    ['query missing', neighbours({ query: undefined })],
    ['unknown space', neighbours({ space: '../../etc' })],
    ['space not a string', neighbours({ space: 7 })],
  ];
  for (const [what, saved] of cases) {
    const r = validateRestoredState('neighbours', saved);
    assert.equal(r.state, undefined, what);
    assert.equal(r.notes.length, 1, what);
    assert.match(r.notes[0], /Run the command again/, what);
  }
  assert.equal(validateRestoredState('map', map({ count: -1 })).state, undefined);
  assert.equal(validateRestoredState('suggestions', suggestions({ series: {} })).state, undefined);
});

test('a model dir that is gone, relative, not a string or has no config.json is dropped for the default model', () => {
  for (const model of [join(root, 'gone'), noConfig, 'model', '', 42, { dir: modelDir }, join(modelDir, 'config.json')]) {
    const r = validateRestoredState('map', map({ model }));
    assert.ok(r.state, String(model));
    assert.equal((r.state as MapState).model, '', `model ${JSON.stringify(model)} → default`);
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0], /the default darts model is used instead/);
  }
});

test('a config.json that is a FIFO does not make a model dir (stat only: nothing opens it)', { skip: process.platform === 'win32' }, () => {
  const fifoDir = join(root, 'fifo');
  mkdirSync(fifoDir);
  execFileSync('mkfifo', [join(fifoDir, 'config.json')]);
  const r = validateRestoredState('neighbours', neighbours({ model: fifoDir }));
  assert.equal((r.state as NeighboursState).model, '');
});

test('a source URI that does not parse or is not a .cells file is dropped; the rest of the view stays', () => {
  for (const sourceUri of ['not a uri', '/home/u/net.cells', 'file:///etc/passwd', 'file:///home/u/net.cells.py', 'https://example.com/x', 12, '', 'file:///a%E0%A4%A.cells', `file:///${'a'.repeat(9000)}.cells`]) {
    const r = validateRestoredState('neighbours', neighbours({ sourceUri }));
    assert.ok(r.state, String(sourceUri));
    assert.equal((r.state as NeighboursState).sourceUri, undefined, `sourceUri ${String(sourceUri).slice(0, 40)} dropped`);
    assert.equal((r.state as NeighboursState).model, modelDir);
    assert.match(r.notes.join(' '), /source document was dropped/);
  }
  assert.equal(checkCellsUri('vscode-remote://ssh-remote%2Bbox/home/u/My%20Nets.CELLS'), undefined);
  assert.equal(checkCellsUri('file:///c%3A/Users/u/net.cells'), undefined);
});
