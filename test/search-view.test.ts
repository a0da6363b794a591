/**
 * What the Search view says about a search, without an editor: failures grouped by reason with the
 * early stop when the evaluator is broken, the labels of reward vs reported accuracy, and Export.
 * Real searches of the shipped NB201 table feed the export (the same states the webview test draws).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EARLY_STOP_FAILURES, exportRows, failureReason, recordFailure, searchLabels, searchResultsCsv, searchResultsJson,
} from '../client/src/commands/searchResults';
import type { SearchFailure } from '../webview/src/messages';
import { suggestionsState } from './helpers/webviewData';

describe('search view model', () => {
  test('failures: grouped by their first line, temp paths cut; the early stop fires only on the first N all failing one way', () => {
    const f: SearchFailure[] = [];
    const err = (i: number) => `exit code 1: python: can't open file '/tmp/arch2vec-eval-${i}/train.py'\nTraceback …`;
    assert.equal(failureReason(err(3)), "exit code 1: python: can't open file '<tmp>'");
    for (let i = 1; i < EARLY_STOP_FAILURES; i++) assert.equal(recordFailure(f, 100 + i, err(i), i, 0), false, `after ${i} failures`);
    assert.equal(recordFailure(f, 200, err(9), EARLY_STOP_FAILURES, 0), true, `the first ${EARLY_STOP_FAILURES} all failed the same way`);
    assert.deepEqual(f, [{ reason: "exit code 1: python: can't open file '<tmp>'", count: EARLY_STOP_FAILURES, indices: [101, 102, 103, 104, 200] }]);
    // One success before, or two different reasons: the evaluator works at least sometimes, keep going.
    const g: SearchFailure[] = [];
    for (let i = 1; i <= EARLY_STOP_FAILURES + 2; i++) assert.equal(recordFailure(g, i, err(i), i + 1, 1), false);
    const h: SearchFailure[] = [];
    recordFailure(h, 1, 'timed out after 60 s', 1, 0);
    for (let i = 2; i <= EARLY_STOP_FAILURES + 2; i++) assert.equal(recordFailure(h, i, err(i), i, 0), false);
    assert.deepEqual(h.map((x) => x.count), [1, EARLY_STOP_FAILURES + 1]);
  });

  test('labels: the 12-epoch reward vs the 200-epoch reported accuracies; x-axis units per objective', () => {
    const b = searchLabels('benchmark', 'cifar10', 12000);
    assert.equal(b.reward, 'CIFAR-10 validation, 12 ep (the reward the search maximises)');
    assert.equal(b.val, 'CIFAR-10 validation, 200 ep');
    assert.equal(b.test, 'CIFAR-10 test, 200 ep');
    assert.match(b.x, /^simulated training seconds/);
    assert.equal(searchLabels('benchmark', 'cifar100', null).test, 'CIFAR-100 test, 200 ep');
    assert.equal(searchLabels('command', null, 3600).x, 'wall seconds of evaluator time');
    assert.equal(searchLabels('command', null, null).x, 'evaluations');
  });

  test('export: every seed\'s top cells as CSV rows and JSON, from a real two-seed search', async () => {
    const s = await suggestionsState({ strategies: ['rs'], seeds: [1, 2] });
    const rows = exportRows(s);
    assert.ok(rows.length >= 4, `${rows.length} rows`);
    for (const seed of [1, 2]) {
      const mine = rows.filter((r) => r.seed === seed);
      const series = s.series.find((x) => x.id === `rs-${seed}`)!;
      assert.deepEqual(mine.map((r) => r.index), series.top!.map((c) => c.index));
      assert.equal(mine[0].index, series.best!.index, 'rank 1 is the seed\'s best cell');
      assert.deepEqual(mine.map((r) => r.rank), mine.map((_, i) => i + 1));
    }
    const csv = searchResultsCsv(s).trimEnd().split('\n');
    assert.equal(csv[0], 'strategy,seed,rank,index,arch,reward,val,test');
    assert.equal(csv.length, rows.length + 1);
    const first = csv[1].split(',');
    assert.deepEqual(first.slice(0, 5), ['rs', '1', '1', String(rows[0].index), rows[0].arch]);
    assert.equal(Number(first[7]), rows[0].test);
    const json = JSON.parse(searchResultsJson(s));
    assert.equal(json.cells.length, rows.length);
    assert.equal(json.labels.test, 'CIFAR-10 test, 200 ep');
    assert.equal(json.summaries[0].seeds, 2);
    assert.ok(json.summaries[0].reward.std !== null, 'mean ± std over the two seeds');
  });
});
