import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { dartsHash, encodeDarts, type Genotype } from '../server/src/core/spaces/darts';
import { hashModule } from '../server/src/core/spaces/graphHash';
import { matricesEqual } from '../server/src/core/spaces/graph';
import { encodeNb101, nb101Hash, nb101Violations, prune } from '../server/src/core/spaces/nasbench101';
import { encodeNb201, NB201_SIZE, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { fillBatch, type Dataset, type Progress } from '../server/src/engine/data/dataset';
import { DARTS_REFERENCE_POOL, sampleDarts, type DartsDataset } from '../server/src/engine/data/dartsSample';
import { DigestIndex } from '../server/src/engine/data/hashTable';
import { digestToHex, md5Into } from '../server/src/engine/data/md5';
import { NB101_CACHE_FILE, Nb101CacheError, readNb101Cache } from '../server/src/engine/data/nasbench101Cache';
import { loadOrBuildNb101, type Nb101Dataset } from '../server/src/engine/data/nasbench101Data';
import { fullMatrices, NB101_UNIQUE_CELLS } from '../server/src/engine/data/nasbench101Enumerate';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';
import { Rng } from '../server/src/engine/data/random';
import { trainHeldOutSplit } from '../server/src/engine/data/split';
import { Md5Wl } from '../server/src/engine/data/wlHash';
import { sharedJsonl } from './helpers/shared';

/** Dataset encoding of entry i as nested arrays, to compare with the core's encoders. */
function encoded(ds: Dataset, i: number): { adjacency: number[][]; ops: number[][] } {
  const n = ds.nodes;
  const d = ds.opColumns;
  // Poison the buffers: fillEncoding must overwrite every value.
  const adj = new Float32Array(n * n * 2).fill(7);
  const ops = new Float32Array(n * d * 2).fill(7);
  ds.fillEncoding(i, adj, ops, 1);
  return {
    adjacency: Array.from({ length: n }, (_, r) => Array.from(adj.subarray(n * n + r * n, n * n + r * n + n))),
    ops: Array.from({ length: n }, (_, r) => Array.from(ops.subarray(n * d + r * d, n * d + r * d + d))),
  };
}

function masks(matrix: number[][]): { inMask: number[]; outMask: number[] } {
  const n = matrix.length;
  const inMask = new Array<number>(n).fill(0);
  const outMask = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (matrix[i][j]) {
    outMask[i] |= 1 << j;
    inMask[j] |= 1 << i;
  }
  return { inMask, outMask };
}

describe('engine data: primitives', () => {
  test('md5Into equals node:crypto for every length 0..300', () => {
    const buf = new Uint8Array(400);
    const out = new Uint8Array(16);
    for (let len = 0; len <= 300; len++) {
      const msg = Buffer.from(Array.from({ length: len }, (_, i) => (i * 131 + len * 7) & 0xff));
      buf.set(msg);
      md5Into(buf, len, out, 0);
      assert.equal(digestToHex(out), createHash('md5').update(msg).digest('hex'), `length ${len}`);
    }
  });

  test('Md5Wl is byte-identical to the core hashModule on random DAGs of 2..11 vertices', () => {
    const rng = new Rng(42);
    const wl = new Md5Wl();
    const out = new Uint8Array(16);
    for (let t = 0; t < 400; t++) {
      const n = 2 + (t % 10);
      const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i && rng.int(3) === 0 ? 1 : 0)));
      const labels = Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i === n - 1 ? -2 : rng.int(11)));
      const { inMask, outMask } = masks(matrix);
      wl.hash(n, inMask, outMask, labels, out);
      assert.equal(digestToHex(out), hashModule(matrix, labels));
    }
  });

  test('Rng: seeded, in range, uniform-ish, state round-trips', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const xs = Array.from({ length: 100 }, () => a.u32());
    assert.deepEqual(xs, Array.from({ length: 100 }, () => b.u32()));
    assert.notDeepEqual(xs, Array.from({ length: 100 }, () => new Rng(6).u32()));
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[a.int(7)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `int(7) counts ${counts}`);
    for (let i = 0; i < 1000; i++) {
      const f = a.float();
      assert.ok(f >= 0 && f < 1);
    }
    const state = a.getState();
    const next = a.u32();
    b.setState(state);
    assert.equal(b.u32(), next);
    const p = a.permutation(1000);
    assert.deepEqual(Array.from(p).sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  });

  test('only 6,472 full matrices with ≤ 9 edges exist over 2..7 vertices', () => {
    assert.deepEqual([2, 3, 4, 5, 6, 7].map((v) => fullMatrices(v).length), [1, 2, 10, 121, 1545, 4793]);
  });
});

describe('engine data: NAS-Bench-101 enumeration', () => {
  let dir = '';
  let built: Nb101Dataset;
  let loaded: Nb101Dataset;
  const events: Progress[] = [];
  let buildMs = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'arch2vec-nb101-'));
    // Start from a corrupt cache, so the one enumeration of this run also exercises the rebuild path.
    writeFileSync(join(dir, NB101_CACHE_FILE), 'garbage');
    const t = performance.now();
    built = loadOrBuildNb101(dir, (p) => events.push(p));
    buildMs = performance.now() - t;
    loaded = loadOrBuildNb101(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('has exactly 423,624 cells, per vertex count 1 / 6 / 84 / 2,441 / 62,010 / 359,082', () => {
    assert.equal(built.count, NB101_UNIQUE_CELLS);
    const per = new Array(8).fill(0);
    for (const v of built.columns.vertices) per[v]++;
    assert.deepEqual(per.slice(2), [1, 6, 84, 2441, 62010, 359082]);
    console.log(`# NB101 enumeration (corrupt cache → rebuild → write): ${(buildMs / 1000).toFixed(1)} s`);
  });

  test('a corrupt cache is reported and rebuilt; the second load comes from the cache', () => {
    const bad = events.find((e) => e.phase === 'cache-invalid');
    assert.ok(bad, 'cache-invalid reported');
    assert.match(bad.message!, /unusable: truncated.*rebuilding/);
    assert.equal(built.source, 'enumerated');
    assert.equal(loaded.source, join(dir, NB101_CACHE_FILE));
    assert.equal(statSync(loaded.source).size, 64 + 23 * NB101_UNIQUE_CELLS);
  });

  test('cache round-trips every column', () => {
    for (const k of ['vertices', 'adjacency', 'ops', 'hashes'] as const) {
      assert.ok(Buffer.from(built.columns[k].buffer, built.columns[k].byteOffset, built.columns[k].byteLength)
        .equals(Buffer.from(loaded.columns[k].buffer, loaded.columns[k].byteOffset, loaded.columns[k].byteLength)), k);
    }
  });

  test('corruption and truncation are detected with a clear error', () => {
    const path = join(dir, NB101_CACHE_FILE);
    const good = readFileSync(path);
    const probe = join(dir, 'probe.bin');
    const cases: [string, Buffer, RegExp][] = [
      ['flipped body byte', Buffer.from(good).fill(0xaa, 1000, 1001), /checksum mismatch/],
      ['truncated', good.subarray(0, good.length - 5), /truncated/],
      ['bad magic', Buffer.concat([Buffer.from('XXXXXXXX'), good.subarray(8)]), /bad magic/],
      ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), /trailing bytes/],
    ];
    for (const [name, bytes, re] of cases) {
      writeFileSync(probe, bytes);
      assert.throws(() => readNb101Cache(probe), (e: unknown) => e instanceof Nb101CacheError && re.test(e.message), name);
    }
  });

  test('md5 hashes are pairwise distinct', () => {
    assert.equal(new DigestIndex(loaded.columns.hashes, loaded.count).duplicates, 0);
  });

  test('every cell is valid, already pruned, and V-vertex with output last', () => {
    for (let i = 0; i < loaded.count; i++) {
      const cell = loaded.cell(i);
      const p = prune(cell);
      assert.ok(p.valid && p.removed.length === 0 && matricesEqual(p.matrix, cell.matrix), `entry ${i} changes under pruning`);
      const v = nb101Violations(p);
      if (v.length) assert.fail(`entry ${i}: ${v.join('; ')}`);
    }
  });

  test('stored hashes equal nb101Hash(prune(cell)) and encodings equal encodeNb101 (every 61st entry)', () => {
    let checked = 0;
    for (let i = 0; i < loaded.count; i += 61) {
      const cell = loaded.cell(i);
      assert.equal(loaded.hash(i), nb101Hash(prune(cell)), `entry ${i}`);
      assert.deepEqual(encoded(loaded, i), encodeNb101(cell), `entry ${i}`);
      checked++;
    }
    const last = loaded.count - 1;
    assert.equal(loaded.hash(last), nb101Hash(prune(loaded.cell(last))));
    assert.ok(checked > 6900);
  });

  test('all 500 real cells of the NASLib subset are found by hash', () => {
    const rows = sharedJsonl<{ matrix: number[][]; ops: string[] }>('nasbench101/nb101_naslib_zc_subset.jsonl');
    assert.equal(rows.length, 500);
    for (const r of rows) {
      const h = nb101Hash(prune({ matrix: r.matrix, ops: r.ops }));
      const i = loaded.indexOfHash(h);
      assert.ok(i >= 0, `missing ${h}`);
      assert.equal(loaded.hash(i), h);
      assert.equal(loaded.vertexCount(i), r.matrix.length);
    }
  });

  test('the published benchmark keys are present', () => {
    for (const h of ['00005c142e6f48ac74fdcf73e3439874', '28cfc7874f6d200472e1a9dcd8650aa0']) assert.ok(loaded.indexOfHash(h) >= 0, h);
    assert.equal(loaded.indexOfHash('ffffffffffffffffffffffffffffffff'), -1);
    assert.equal(loaded.indexOfHash('not a hash'), -1);
  });

  test('order is by vertex count, then adjacency code, then ops code; entry 0 is input→output', () => {
    const { vertices, adjacency, ops } = loaded.columns;
    for (let i = 1; i < loaded.count; i++) {
      const d = vertices[i] - vertices[i - 1] || adjacency[i] - adjacency[i - 1] || ops[i] - ops[i - 1];
      assert.ok(d > 0, `entries ${i - 1}, ${i} out of order`);
    }
    assert.equal(loaded.describe(0), 'ops: input output\nmatrix:\n  0 1\n  0 0\n# nb101 hash ' + loaded.hash(0));
    assert.throws(() => loaded.hash(loaded.count), RangeError);
  });
});

describe('engine data: NAS-Bench-201', () => {
  test('all 15,625 cells in benchmark order encode exactly as encodeNb201', () => {
    const ds = loadNb201();
    assert.equal(ds.count, NB201_SIZE);
    assert.equal(ds.nodes, 8);
    assert.equal(ds.opColumns, 7);
    for (let i = 0; i < ds.count; i++) assert.deepEqual(encoded(ds, i), encodeNb201(nb201OpsAt(i)), `index ${i}`);
    assert.match(ds.describe(0), /^arch: \|/);
  });

  test('the README cell gives labels [0,2,2,3,4,2,4,6] (§1.4b)', () => {
    const ds = loadNb201();
    const want = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
    const i = Array.from({ length: ds.count }, (_, k) => k).find((k) => ds.arch(k) === want)!;
    assert.ok(i >= 0);
    const { ops } = encoded(ds, i);
    assert.deepEqual(ops.map((r) => r.indexOf(1)), [0, 2, 2, 3, 4, 2, 4, 6]);
  });
});

describe('engine data: DARTS sampling', () => {
  let pool: DartsDataset;
  before(() => {
    pool = sampleDarts({ count: 20000, seed: 11 });
  });

  test('is reproducible for a seed and differs across seeds', () => {
    assert.ok(Buffer.from(sampleDarts({ count: 20000, seed: 11 }).genes).equals(Buffer.from(pool.genes)));
    assert.ok(!Buffer.from(sampleDarts({ count: 20000, seed: 12 }).genes).equals(Buffer.from(pool.genes)));
    // A shorter pool with the same seed is a prefix of the longer one.
    assert.ok(Buffer.from(sampleDarts({ count: 500, seed: 11 }).genes).equals(Buffer.from(pool.genes.subarray(0, 500 * 8))));
    assert.equal(DARTS_REFERENCE_POOL, 600000);
  });

  test('respects the input rules: block b draws 2 distinct inputs from 0..b+1', () => {
    const firstPair = new Map<string, number>();
    for (let i = 0; i < pool.count; i++) {
      const g = pool.genotype(i);
      for (let b = 0; b < 4; b++) {
        const [x, y] = [g[2 * b][1], g[2 * b + 1][1]];
        assert.ok(x !== y && x >= 0 && y >= 0 && x < b + 2 && y < b + 2, `entry ${i} block ${b}: ${x}, ${y}`);
      }
      const k = `${g[6][1]},${g[7][1]}`;
      firstPair.set(k, (firstPair.get(k) ?? 0) + 1);
    }
    // Block 3 chooses ordered pairs of distinct inputs from 0..4: 20 pairs, each ~1/20.
    assert.equal(firstPair.size, 20);
    for (const c of firstPair.values()) assert.ok(Math.abs(c - pool.count / 20) < pool.count / 20 * 0.15);
  });

  test('cells are unique by dartsHash; hash(i) equals the core dartsHash', () => {
    const seen = new Set<string>();
    for (let i = 0; i < pool.count; i++) seen.add(pool.hash(i));
    assert.equal(seen.size, pool.count);
    for (let i = 0; i < pool.count; i += 40) assert.equal(pool.hash(i), dartsHash(pool.genotype(i)));
  });

  test('encodings equal encodeDarts; indexOf finds isomorphic rewrites', () => {
    for (let i = 0; i < pool.count; i += 7) assert.deepEqual(encoded(pool, i), encodeDarts(pool.genotype(i)), `entry ${i}`);
    for (let i = 0; i < 200; i++) {
      const g = pool.genotype(i);
      assert.equal(pool.indexOf(g), i);
      // Swapping a block's two (op, input) pairs permutes two op-nodes: same graph up to isomorphism.
      const swapped: Genotype = g.map((p) => [p[0], p[1]]);
      [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
      assert.equal(pool.indexOf(swapped), i);
    }
    assert.match(pool.describe(0), /^normal: \w+ \d(, \w+ \d){7}\n/);
  });

  test('worked example arch2vec_bo (§1.4b) encodes to the documented labels', () => {
    const bo: Genotype = [['sep_conv_5x5', 1], ['max_pool_3x3', 0], ['skip_connect', 0], ['dil_conv_3x3', 1], ['sep_conv_5x5', 1], ['sep_conv_3x3', 0], ['dil_conv_5x5', 2], ['sep_conv_3x3', 0]];
    assert.deepEqual(encodeDarts(bo).ops.map((r) => r.indexOf(1)), [0, 1, 7, 3, 5, 8, 7, 6, 9, 6, 10]);
  });
});

describe('engine data: splits and batches', () => {
  test('90/10 split sizes and membership (NB201 14,062 / 1,563; NB101 381,261 / 42,363; DARTS 540,000 / 60,000)', () => {
    const s = trainHeldOutSplit(NB201_SIZE, 3);
    assert.equal(s.train.length, 14062);
    assert.equal(s.heldOut.length, 1563);
    assert.deepEqual(Array.from(s.train).sort((a, b) => a - b), Array.from({ length: 14062 }, (_, i) => i));
    assert.deepEqual(Array.from(s.heldOut).sort((a, b) => a - b), Array.from({ length: 1563 }, (_, i) => 14062 + i));
    assert.notDeepEqual(Array.from(s.train.subarray(0, 20)), Array.from({ length: 20 }, (_, i) => i), 'shuffled');
    const nb101 = trainHeldOutSplit(NB101_UNIQUE_CELLS, 1);
    assert.deepEqual([nb101.train.length, nb101.heldOut.length], [381261, 42363]);
    const darts = trainHeldOutSplit(600000, 0);
    assert.deepEqual([darts.train.length, darts.heldOut.length], [540000, 60000]);
  });

  test('splits are deterministic per seed', () => {
    const a = trainHeldOutSplit(1000, 7);
    const b = trainHeldOutSplit(1000, 7);
    const c = trainHeldOutSplit(1000, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train, c.train);
  });

  test('fillBatch writes each slot like fillEncoding', () => {
    const ds = loadNb201();
    const idx = Uint32Array.from([5, 15624, 0]);
    const adj = new Float32Array(3 * 64);
    const ops = new Float32Array(3 * 56);
    fillBatch(ds, idx, 0, 3, adj, ops);
    for (let s = 0; s < 3; s++) {
      const one = new Float32Array(64);
      const oneOps = new Float32Array(56);
      ds.fillEncoding(idx[s], one, oneOps);
      assert.deepEqual(adj.subarray(s * 64, s * 64 + 64), one);
      assert.deepEqual(ops.subarray(s * 56, s * 56 + 56), oneOps);
    }
    assert.throws(() => fillBatch(ds, idx, 0, 3, new Float32Array(10), ops), RangeError);
  });

  test('the data layer runs inside a worker thread', async () => {
    // Workers do not inherit tsx's hooks; register them the way a bundled build needs no hooks at all.
    const src = `
      require(${JSON.stringify(require.resolve('tsx/cjs'))});
      const { parentPort } = require('node:worker_threads');
      const { sampleDarts } = require(${JSON.stringify(join(__dirname, '..', 'server', 'src', 'engine', 'data', 'dartsSample.ts'))});
      const { loadNb201 } = require(${JSON.stringify(join(__dirname, '..', 'server', 'src', 'engine', 'data', 'nasbench201Data.ts'))});
      const pool = sampleDarts({ count: 100, seed: 11 });
      parentPort.postMessage({ darts: Buffer.from(pool.genes).toString('hex'), nb201: loadNb201().arch(0) });
    `;
    const msg = await new Promise<{ darts: string; nb201: string }>((resolve, reject) => {
      const w = new Worker(src, { eval: true });
      w.once('message', (m) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
    assert.equal(msg.darts, Buffer.from(sampleDarts({ count: 100, seed: 11 }).genes).toString('hex'));
    assert.equal(msg.nb201, loadNb201().arch(0));
  });
});
