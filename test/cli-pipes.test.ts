/**
 * Issue 9.1: the CLI's output through real pipes. Every large output (several hundred KB to MBs)
 * arrives whole when stdout is a pipe (it used to stop at the 64 KiB pipe buffer because the CLI
 * exited before the stream drained), and a reader that closes the pipe after one line ends the CLI
 * quietly (it used to crash with an unhandled EPIPE).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NB201_SIZE, formatArch, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'arch2vec-pipes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, ARCH2VEC_HOME: join(dir, 'home') };

// 3,000 NAS-Bench-201 cells (embed, neighbours, hash) and 6,000 broken NB101 cells (validate).
const many = join(dir, 'many.cells');
writeFileSync(many, 'space nasbench201\n' + Array.from({ length: 3000 }, (_, i) => `\ncell c${i}\n  arch: ${formatArch(nb201OpsAt((i * 7) % NB201_SIZE))}\n`).join(''));
const broken = join(dir, 'broken.cells');
writeFileSync(broken, Array.from({ length: 6000 }, (_, i) => `cell b${i}\n  ops: input conv9x9 output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n`).join(''));

/** Runs the CLI with stdout as a pipe and reads all of it (or closes after the first line). */
function run(args: string[], firstLineOnly = false): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (firstLineOnly && out.includes('\n')) child.stdout.destroy(); // the reader goes away, like `| head -1`
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const LARGE: [string, string[], (j: unknown) => void][] = [
  ['embed', ['embed', many, '--json'], (j) => assert.equal((j as { cells: unknown[] }).cells.length, 3000)],
  ['neighbours', ['neighbours', many, '--cell', 'c5', '-k', '2000', '--json'], (j) => assert.equal((j as { neighbours: unknown[] }).neighbours.length, 2000)],
  ['search', ['search', '--strategy', 'rs', '--seeds', '1..20', '--json'], (j) => assert.equal((j as { runs: unknown[] }).runs.length, 20)],
  ['validate', ['validate', broken, '--json'], (j) => assert.ok((j as unknown[]).length >= 6000)],
  ['hash', ['hash', many, '--json'], (j) => assert.equal((j as unknown[]).length, 3000)],
];

describe('CLI output through pipes (issue 9.1)', () => {
  for (const [name, args, check] of LARGE) {
    test(`${name}: the whole JSON (> 64 KiB) arrives through a pipe and parses`, async () => {
      const r = await run(args);
      assert.ok(r.out.length > 256 * 1024, `${name}: only ${r.out.length} bytes of output`);
      let j: unknown;
      assert.doesNotThrow(() => (j = JSON.parse(r.out)), `${name}: ${r.out.length} bytes, not valid JSON (cut off?); stderr: ${r.err.slice(-300)}`);
      check(j);
      assert.ok(r.code === 0 || (name === 'validate' && r.code === 1), `${name}: exit ${r.code} ${r.err.slice(-300)}`);
    });

    test(`${name}: a reader that closes after one line ends the CLI quietly`, async () => {
      const r = await run(args, true);
      assert.ok(r.out.startsWith(name === 'validate' || name === 'hash' ? '[' : '{'), r.out.slice(0, 50));
      assert.doesNotMatch(r.err, /EPIPE|Unhandled|internal error|at \w+ \(/, `${name}: ${r.err.slice(-500)}`);
      assert.equal(r.signal, null);
      assert.ok(r.code === 0 || (name === 'validate' && r.code === 1), `${name}: exit ${r.code}`);
    });
  }

  test('human output: `hash FILE | head -1` (a real shell pipe) exits cleanly', async () => {
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} hash ${JSON.stringify(many)} | head -1`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    assert.equal(r.out.split('\n').filter(Boolean).length, 1);
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
  });
});
