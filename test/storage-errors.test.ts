/**
 * Issue 9.7 / 9.8, through the built CLI: `--out /proc/x` (Node's recursive mkdir spun forever there),
 * a FIFO config.json (blocked the engine forever), a disk filling up during pretraining (was an
 * "internal error" stack trace, exit 70), and `format --write` of a file that is not UTF-8 (rewrote
 * the undecodable bytes as EF BF BD).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readTensors } from '../server/src/engine/store/modelDir';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-storage-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, ARCH2VEC_HOME: join(tmp, 'home') };
const cli = (args: string[], timeout = 60_000) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
};

describe('storage errors are clear, never hangs or stack traces', () => {
  test('pretrain --out /proc/x: a clear error at once (was an endless mkdir loop)', { skip: process.platform !== 'linux' && 'Linux /proc' }, () => {
    const r = cli(['pretrain', '--space', 'nasbench201', '--out', '/proc/x', '--epochs', '1', '--max-steps', '1'], 60_000);
    assert.equal(r.signal, null, 'still looping after 60 s');
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /pretraining stopped: cannot create directory \/proc\/x: mkdir \/proc\/x: ENOENT\nnothing was written; choose another --out/);
  });

  test('a model directory whose config.json is a FIFO: a clear error (was blocked forever)', { skip: process.platform === 'win32' && 'no mkfifo' }, () => {
    const dir = join(tmp, 'fifo-model');
    cpSync(join(REPO, 'models', 'nasbench201'), dir, { recursive: true });
    rmSync(join(dir, 'config.json'));
    assert.equal(spawnSync('mkfifo', [join(dir, 'config.json')]).status, 0);
    const cells = join(tmp, 'q.cells');
    writeFileSync(cells, 'cell q\n  space: nasbench201\n  arch: |none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n');
    const r = cli(['neighbours', cells, '--cell', 'q', '--model', dir], 30_000);
    assert.equal(r.signal, null, 'blocked on the FIFO');
    assert.equal(r.code, 1);
    assert.match(r.err, /config\.json is not a regular file \(a FIFO/);
  });

  const mnt = join(tmp, 'small');
  const mounted = process.platform === 'linux' && (mkdirSync(mnt, { recursive: true }), spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1800k', 'tmpfs', mnt]).status === 0);
  after(() => {
    if (mounted) spawnSync('umount', ['-l', mnt]);
  });
  test('disk full during pretraining: says so, the checkpoint is intact and resumable (was exit 70 with a stack)', { skip: !mounted && 'cannot mount a tmpfs here (needs root)' }, () => {
    const out = join(mnt, 'model');
    const r = cli(['pretrain', '--space', 'nasbench201', '--out', out, '--epochs', '1', '--max-steps', '2', '--validity-samples', '10'], 300_000);
    assert.equal(r.code, 1, r.err.slice(-500));
    assert.match(r.err, /pretraining stopped: no space left on the device \(ENOSPC\)/);
    assert.match(r.err, /the last checkpoint in .* is intact; .*resume with:\n  arch2vec pretrain --space nasbench201 --resume --out /);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
    const ckpt = readTensors<{ epoch: number }>(out, 'checkpoint.a2v'); // verified against checksums.json
    assert.equal(ckpt!.meta.epoch, 1);
  });

  test('format --write refuses a file that is not valid UTF-8, with the location; the file is untouched', () => {
    const file = join(tmp, 'latin1.cells');
    const bytes = Buffer.concat([Buffer.from('cell a\n  space: nasbench201\n  arch:   |none~0|+|none~0|none~1|+|none~0|none~1|none~2|   # caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    writeFileSync(file, bytes);
    const r = cli(['format', '--write', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /latin1\.cells:3:66: invalid UTF-8 byte 0xE9; not rewritten/);
    assert.deepEqual(readFileSync(file), bytes);
    // Valid UTF-8 (including é) is still formatted.
    writeFileSync(file, bytes.subarray(0, bytes.length - 2).toString('latin1') + 'é\n');
    assert.equal(cli(['format', '--write', file]).code, 0);
    assert.match(readFileSync(file, 'utf8'), /^  arch: \|none~0\|.*# café\n$/m);
  });
});
