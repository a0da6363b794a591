/**
 * Issue 9.6: every file of a model directory is covered by checksums.json, verified on load; one
 * flipped bit anywhere (embedding table, tensor header, JSON) is an error naming the file and the fix,
 * through the real CLI (exit 1, never exit 0 with distance 4.8e37 or null); no query returns a
 * non-finite distance even from a directory without checksums.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readEmbeddings, readTensors, writeChecksums } from '../server/src/engine/store/modelDir';
import { REPO } from './helpers/shared';

const CLI = join(REPO, 'dist', 'cli.js');
const SHIPPED = join(REPO, 'models', 'nasbench201');
const tmp = mkdtempSync(join(tmpdir(), 'arch2vec-integrity-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const cells = join(tmp, 'q.cells');
writeFileSync(cells, 'cell q\n  space: nasbench201\n  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|\n');

function copyModel(name: string): string {
  const dir = join(tmp, name);
  cpSync(SHIPPED, dir, { recursive: true });
  return dir;
}
function flipBit(file: string, byte: number, bit: number) {
  const b = readFileSync(file);
  b[byte] ^= 1 << bit;
  writeFileSync(file, b);
}
function neighbours(model: string) {
  const r = spawnSync(process.execPath, [CLI, 'neighbours', cells, '--cell', 'q', '-k', '5', '--model', model, '--json'], { encoding: 'utf8', env: { ...process.env, ARCH2VEC_HOME: join(tmp, 'home') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('model directory integrity (issue 9.6)', () => {
  test('the shipped model is covered and loads', () => {
    const sums = JSON.parse(readFileSync(join(SHIPPED, 'checksums.json'), 'utf8')) as { files: Record<string, string> };
    assert.deepEqual(Object.keys(sums.files).sort(), ['config.json', 'embeddings.f32', 'embeddings.json', 'metrics.json', 'model.a2v']);
    const r = neighbours(SHIPPED);
    assert.equal(r.code, 0, r.err);
    for (const n of JSON.parse(r.out).neighbours as { distance: number }[]) assert.ok(Number.isFinite(n.distance));
  });

  test('one flipped exponent bit in embeddings.f32: a located error with the fix, not distance 4.8e37', () => {
    const dir = copyModel('flip-emb');
    // Row 6111 (the query's own row), coordinate 0, the float's top exponent bit.
    flipBit(join(dir, 'embeddings.f32'), (6111 * 16) * 4 + 3, 6);
    const r = neighbours(dir);
    assert.equal(r.code, 1, r.out.slice(0, 300));
    assert.match(r.err, /embeddings\.f32: does not match its sha256 in checksums\.json .*re-embed it: `arch2vec pretrain --space nasbench201 --resume --out .*flip-emb`.*shipped model/);
  });

  test('a flipped bit in a tensor header (outside the old data sha256) or a JSON file is caught too', () => {
    const dir = copyModel('flip-header');
    const buf = readFileSync(join(dir, 'model.a2v'));
    const at = buf.indexOf('"offset":') + 10; // a digit of the first tensor's offset
    flipBit(join(dir, 'model.a2v'), at, 0);
    assert.throws(() => readTensors(dir, 'model.a2v'), /model\.a2v: does not match its sha256 in checksums\.json/);
    const r = neighbours(dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /model\.a2v: does not match its sha256/);
    const dir2 = copyModel('flip-json');
    const cfg = readFileSync(join(dir2, 'embeddings.json'), 'utf8').replace('"dim": 16', '"dim": 17');
    writeFileSync(join(dir2, 'embeddings.json'), cfg);
    assert.throws(() => readEmbeddings(dir2), /embeddings\.json: does not match its sha256/);
  });

  test('without checksums (an older directory): a non-finite embedding is still a located error, never a NaN / null distance', () => {
    const dir = copyModel('legacy-nan');
    rmSync(join(dir, 'checksums.json'));
    const b = readFileSync(join(dir, 'embeddings.f32'));
    b.writeFloatLE(NaN, 100 * 16 * 4);
    writeFileSync(join(dir, 'embeddings.f32'), b);
    assert.throws(() => readEmbeddings(dir), /embeddings\.f32: row 100 holds a non-finite value/);
    const r = neighbours(dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /row 100 holds a non-finite value/);
    // Finite but absurd (4.8e37, a flipped exponent bit): refused at load, never answered as a distance.
    const dir2 = copyModel('legacy-huge');
    rmSync(join(dir2, 'checksums.json'));
    const c = readFileSync(join(dir2, 'embeddings.f32'));
    for (let i = 0; i < 15625; i++) c.writeFloatLE(i === 6111 ? 4.8e37 : -4.8e37, (i * 16) * 4);
    writeFileSync(join(dir2, 'embeddings.f32'), c);
    const h = neighbours(dir2);
    assert.equal(h.code, 1, h.out.slice(0, 200));
    assert.match(h.err, /embeddings\.f32: row 0 holds an implausible value \(-4\.8\d*e\+37\)/);
    writeChecksums(dir2); // re-covered: the checksum vouches for the content, the plausibility check still holds
    assert.equal(neighbours(dir2).code, 1);
  });
});
