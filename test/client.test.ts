/**
 * The client's pure parts (client/src/settings.ts, commandArgs.ts, webview/src/messages.ts as the
 * host uses it): settings with defaults, command arguments from CodeLenses and quick picks, search
 * requests and Workspace Trust, and cell insertion checked with the real validator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellInsertion, parseBudget, parseCellTarget, parseSeeds, searchRequests, uniqueCellName, type SearchChoice } from '../client/src/commandArgs';
import { readSettings } from '../client/src/settings';
import { analyze } from '../server/src/core/analyze';
import { cellText } from '../server/src/core/render';
import { nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { PAPER_BUDGETS } from '../server/src/protocol';
import { parsePageMessage } from '../webview/src/messages';

const defaults = readSettings(() => undefined);

test('settings: defaults for everything missing, and malformed values never leak through', () => {
  assert.equal(defaults.backend, 'auto');
  assert.deepEqual(defaults.search.strategies, ['bo']);
  assert.equal(defaults.search.dataset, 'cifar10');
  assert.equal(defaults.search.budget, null);
  assert.equal(defaults.search.seeds, 1);
  assert.equal(defaults.neighboursCount, 10);
  assert.equal(defaults.defaultSpace, 'nasbench101');
  const bad: Record<string, unknown> = {
    'engine.backend': 'tpu', 'neighbours.count': -3, 'search.strategies': ['bo', 'magic', 'rl', 'bo'], 'search.dataset': 'mnist',
    'search.budget': -5, 'search.seeds': 2.5, 'search.parallel': 1000, 'search.eiVariant': 'fancy', 'validation.defaultSpace': 'darts', 'engine.modelDirectory': '  /m  ',
  };
  const s = readSettings((k) => bad[k]);
  assert.equal(s.backend, 'auto');
  assert.equal(s.neighboursCount, 10);
  assert.deepEqual(s.search.strategies, ['bo', 'rl'], 'unknown strategies dropped, duplicates once');
  assert.equal(s.search.dataset, 'cifar10');
  assert.equal(s.search.budget, null);
  assert.equal(s.search.seeds, 1);
  assert.equal(s.search.parallel, 1);
  assert.equal(s.search.eiVariant, 'standard');
  assert.equal(s.defaultSpace, 'darts');
  assert.equal(s.modelDirectory, '/m');
});

test('command targets: CodeLens [uri, name], palette (none), explorer Uri objects, and bad arguments', () => {
  assert.deepEqual(parseCellTarget([]), { ok: {} });
  assert.deepEqual(parseCellTarget(['file:///a.cells', 'best']), { ok: { uri: 'file:///a.cells', cell: 'best' } });
  const uriLike = { scheme: 'file', toString: () => 'file:///b.cells' };
  assert.deepEqual(parseCellTarget([uriLike]), { ok: { uri: 'file:///b.cells' } });
  assert.ok('error' in parseCellTarget([42]));
  assert.ok('error' in parseCellTarget(['file:///a.cells', '']));
  assert.ok('error' in parseCellTarget(['file:///a.cells', { name: 'x' }]));
});

test('budgets and seeds as users type them', () => {
  for (const [text, v] of [['12000', 12000], ['12,000', 12000], ['12k', 12000], ['1.4M', 1.4e6], ['5e5', 5e5], [' 500000s ', 5e5]] as const) assert.deepEqual(parseBudget(text), { ok: v }, text);
  for (const text of ['', 'abc', '-5', '0', '12 parsecs']) assert.ok('error' in parseBudget(text), text);
  assert.deepEqual(parseSeeds('3'), { ok: [1, 2, 3] });
  assert.deepEqual(parseSeeds('4..6'), { ok: [4, 5, 6] });
  assert.deepEqual(parseSeeds('4, 8,15,8'), { ok: [4, 8, 15] });
  for (const text of ['0', '6..4', 'x', '1..5000']) assert.ok('error' in parseSeeds(text), text);
});

test('search requests: one per strategy, the paper\'s budget per dataset, settings applied', () => {
  const choice: SearchChoice = { space: 'nasbench201', strategies: ['bo', 'rs'], objective: 'benchmark', dataset: 'cifar100' };
  const s = readSettings((k) => ({ 'search.seeds': 3, 'search.eiVariant': 'reference', 'search.maxEvals': 150 } as Record<string, unknown>)[k]);
  const r = searchRequests(choice, s, false);
  assert.ok('ok' in r, JSON.stringify(r));
  assert.deepEqual(r.ok.map((q) => q.strategy), ['bo', 'rs']);
  for (const q of r.ok) {
    assert.equal(q.budget, PAPER_BUDGETS.cifar100);
    assert.equal(q.dataset, 'cifar100');
    assert.deepEqual(q.seeds, [1, 2, 3]);
    assert.equal(q.maxEvals, 150);
    assert.equal(q.traces, true);
  }
  assert.equal(r.ok[0].eiVariant, 'reference');
  assert.equal(r.ok[1].eiVariant, undefined, 'the EI variant is a BO option only');
  const own = searchRequests({ ...choice, budget: 3000, seeds: [7] }, defaults, false);
  assert.ok('ok' in own && own.ok[0].budget === 3000 && own.ok[0].seeds![0] === 7);
  // Other spaces: the benchmark objective is the user's own table (docs/tables.md).
  const other = searchRequests({ ...choice, space: 'darts' }, defaults, true);
  assert.ok('error' in other && /arch2vec\.search\.benchmarkTable/.test(other.error));
  const withTable = readSettings((k) => ({ 'search.benchmarkTable': '/t/darts.jsonl' } as Record<string, unknown>)[k]);
  const darts = searchRequests({ ...choice, space: 'darts', budget: undefined }, withTable, true);
  assert.ok('ok' in darts && darts.ok[0].table === '/t/darts.jsonl' && darts.ok[0].dataset === undefined && darts.ok[0].space === 'darts');
  const dartsCommand = searchRequests({ space: 'darts', strategies: ['rs'], objective: 'command', command: 'python train.py {json}', budget: null }, readSettings((k) => ({ 'search.maxEvals': 0 } as Record<string, unknown>)[k]), true);
  assert.ok('ok' in dartsCommand, 'a DARTS command search may leave the bound to the engine (100 evaluations)');
});

test('Workspace Trust: the command objective (it runs the user\'s program) needs a trusted workspace', () => {
  const choice: SearchChoice = { space: 'nasbench201', strategies: ['bo'], objective: 'command', command: 'python train.py {cell}', budget: 3600 };
  const untrusted = searchRequests(choice, defaults, false);
  assert.ok('error' in untrusted && /trusted workspace/.test(untrusted.error));
  const trusted = searchRequests(choice, defaults, true);
  assert.ok('ok' in trusted);
  assert.equal(trusted.ok[0].command, 'python train.py {cell}');
  assert.equal(trusted.ok[0].timeout, 3600);
  const noPlaceholder = searchRequests({ ...choice, command: 'python train.py' }, defaults, true);
  assert.ok('error' in noPlaceholder && /\{cell\}/.test(noPlaceholder.error));
  const noBudget = searchRequests({ ...choice, budget: null }, defaults, true);
  assert.ok('error' in noBudget && /budget/.test(noBudget.error));
  const file = searchRequests({ space: 'nasbench201', strategies: ['bo'], objective: 'file', text: 'cell a\n', file: '/x.cells' }, defaults, false);
  assert.ok('ok' in file && file.ok[0].k === 10, 'the file objective works in Restricted Mode');
});

test('inserting a cell: unique name, one blank line before it, CRLF kept, and the result validates', () => {
  assert.equal(uniqueCellName('nb201_5', ['a']), 'nb201_5');
  assert.equal(uniqueCellName('nb201_5', ['nb201_5', 'nb201_5_2']), 'nb201_5_3');
  const doc = 'space nasbench201\n\ncell nb201_6111\n  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n';
  const cell = cellText('nb201_6111', { space: 'nasbench201', ops: nb201OpsAt(6111) }, { test_accuracy: 94.37 });
  const ins = cellInsertion(doc, cell, ['nb201_6111']);
  assert.ok('ok' in ins);
  assert.equal(ins.ok.name, 'nb201_6111_2');
  const out = doc + ins.ok.text;
  assert.match(out, /nor_conv_1x1~2\|\n\ncell nb201_6111_2\n  space: nasbench201\n/);
  const a = analyze(out, { defaultSpace: 'nasbench101' });
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(a.cells.map((c) => c.name), ['nb201_6111', 'nb201_6111_2']);
  // An isomorphic duplicate is allowed but the validator says so: the user sees it is the same cell.
  assert.ok(a.diagnostics.some((d) => d.severity === 'warning'));
  const crlf = cellInsertion('cell a\r\n  arch: x\r\n', cell, []);
  assert.ok('ok' in crlf && crlf.ok.text.startsWith('\r\ncell nb201_6111\r\n') && !/[^\r]\n/.test(crlf.ok.text));
  const noEol = cellInsertion('cell a', cell, []);
  assert.ok('ok' in noEol && noEol.ok.text.startsWith('\n\ncell '));
  const empty = cellInsertion('', cell, []);
  assert.ok('ok' in empty && empty.ok.text.startsWith('cell nb201_6111\n'));
  assert.ok('error' in cellInsertion(doc, 'arch: |x|', []));
});

test('page messages the host acts on are validated; malformed ones are rejected with a reason', () => {
  assert.deepEqual(parsePageMessage({ type: 'showNeighbours', index: 5 }), { message: { type: 'showNeighbours', index: 5 } });
  assert.deepEqual(parsePageMessage({ type: 'insertCell', cell: 'cell a\n', name: 'a' }), { message: { type: 'insertCell', cell: 'cell a\n', name: 'a' } });
  for (const bad of [null, 'ready', { type: 'ready', view: 'editor' }, { type: 'showNeighbours' }, { type: 'showNeighbours', index: -1 }, { type: 'showNeighbours', index: 1, spec: { space: 'nasbench201', ops: [] } },
    { type: 'showNeighbours', spec: { space: 'nasbench101', ops: ['input'], matrix: [[2]] } }, { type: 'insertCell', cell: '  ', name: 'a' }, { type: 'revealLine', line: 0 }, { type: 'exec', command: 'rm -rf /' }]) {
    const r = parsePageMessage(bad);
    assert.ok('error' in r, `accepted ${JSON.stringify(bad)}`);
  }
});
