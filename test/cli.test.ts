import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'arch2vec-cli-'));
const bad = join(dir, 'bad.cells');
writeFileSync(bad, 'cell a\n  ops: input conv3x3 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\ncell a\n  ops: input conv3x3-bn-relu maxpool3x3 output\n  matrix:\n    0 1 1 0\n    0 0 0 1\n    0 0 0 0\n    0 0 0 0\n');

describe('arch2vec CLI (bundled)', () => {
  test('validate: examples pass with exit 0', () => {
    const r = cli('validate', 'examples');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /4 files checked: 0 errors/);
  });

  test('validate: human output is file:line:col: severity code: message, exit 1 on errors', () => {
    const r = cli('validate', bad);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.replace(/: [^:]*$/, '')), [
      `${bad}:2:14: error unknown-op`,
      `${bad}:7:6: error duplicate-cell-name`,
      `${bad}:8:30: warning extraneous-vertex`,
    ]);
    assert.match(lines[0], /Did you mean 'conv3x3-bn-relu'\?$/);
  });

  test('validate --json: 1-based objects with the documented fields; agrees with the human output', () => {
    const r = cli('validate', bad, '--json');
    assert.equal(r.code, 1);
    const rows = JSON.parse(r.out);
    assert.deepEqual(Object.keys(rows[0]), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    assert.deepEqual(rows[0], { file: bad, line: 2, column: 14, endLine: 2, endColumn: 21, severity: 'error', code: 'unknown-op', message: rows[0].message });
    const human = cli('validate', bad).out.trim().split('\n');
    assert.deepEqual(human, rows.map((d: { file: string; line: number; column: number; severity: string; code: string; message: string }) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`));
  });

  test('exit 2 for usage errors and unreadable files', () => {
    assert.equal(cli('validate').code, 2);
    assert.equal(cli('validate', join(dir, 'missing.cells')).code, 2);
    assert.equal(cli('frobnicate').code, 2);
    assert.equal(cli('validate', bad, '--jsn').code, 2);
    assert.equal(cli('--help').code, 0);
  });

  test('hash prints the canonical id of each cell', () => {
    const r = cli('hash', 'examples/getting-started.cells', '--json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out);
    assert.deepEqual(rows.map((x: { cell: string; kind: string; id: string }) => [x.cell, x.kind, x.id]), [
      ['resnet_like', 'nb101-hash', '5ecfe21e6ed01680ff3998775a52626c'],
      ['nb201_best', 'nb201-index', '6111'],
      ['darts_like', 'darts-hash', rows[2].id],
    ]);
    assert.match(rows[2].id, /^[0-9a-f]{32}\/[0-9a-f]{32}$/);
    const human = cli('hash', 'examples/getting-started.cells');
    assert.match(human.out, /\tresnet_like\tnasbench101\t5ecfe21e6ed01680ff3998775a52626c\n/);
  });

  test('format --check / --write', () => {
    const f = join(dir, 'messy.cells');
    writeFileSync(f, 'cell a\n    ops:  input output\n    matrix:\n      0 1\n      0 0\n');
    assert.equal(cli('format', f, '--check').code, 1);
    assert.equal(cli('format', f, '--write').code, 0);
    assert.equal(readFileSync(f, 'utf8'), 'cell a\n  ops: input output\n  matrix:\n    0 1\n    0 0\n');
    assert.equal(cli('format', f, '--check').code, 0);
    assert.equal(cli('format', 'examples', '--check').code, 0);
  });

  test('binary input yields diagnostics, not a crash', () => {
    const f = join(dir, 'binary.cells');
    writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const r = cli('validate', f, '--json');
    assert.equal(r.code, 1);
    assert.ok(JSON.parse(r.out).length > 0);
    assert.equal(r.err, '');
  });
});
