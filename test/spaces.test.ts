import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encodeCell } from '../server/src/core/cellSpec';
import { hashModule } from '../server/src/core/spaces/graphHash';
import { argmaxRows } from '../server/src/core/spaces/graph';
import { decodeDarts, dartsHash, encodeDarts, type Genotype } from '../server/src/core/spaces/darts';
import { decodeNb101, encodeNb101, nb101Hash, nb101Violations, prune } from '../server/src/core/spaces/nasbench101';
import {
  archCode, decodeNb201, encodeNb201, formatArch, NB201_ADJACENCY, nb201HasPath, nb201Index, nb201OpsAt, nb201Table, opsFromCode, parseArch,
} from '../server/src/core/spaces/nasbench201';
import { buildNb201Table } from '../scripts/build-tables';
import { REPO, sharedJsonl } from './helpers/shared';

describe('NAS-Bench-101', () => {
  test('hash matches the benchmark keys published for real cells', () => {
    // First entry of nasbench's hash_iterator() (printed with its hash in NNI's benchmark example).
    const first = {
      matrix: [[0, 1, 0, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'],
    };
    assert.equal(nb101Hash(prune(first)), '00005c142e6f48ac74fdcf73e3439874');
    // The nasbench README's Inception-like cell, and the dataset's stored (permuted) copy of it.
    const readme = {
      matrix: [[0, 1, 1, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
      ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
    };
    const stored = {
      matrix: [[0, 1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'output'],
    };
    assert.equal(nb101Hash(prune(readme)), '28cfc7874f6d200472e1a9dcd8650aa0');
    assert.equal(nb101Hash(prune(stored)), '28cfc7874f6d200472e1a9dcd8650aa0');
  });

  test('hash separates non-isomorphic cells and ignores vertex order', () => {
    const a = { matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'output'] };
    const swapped = { matrix: a.matrix, ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'output'] };
    const chain = { matrix: [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]], ops: a.ops };
    assert.equal(nb101Hash(a), nb101Hash(swapped));
    assert.notEqual(nb101Hash(a), nb101Hash(chain));
    assert.match(hashModule(a.matrix, [-1, 0, 1, -2]), /^[0-9a-f]{32}$/);
  });

  test('every row of the shared NB101 subset prunes to its given matrix', () => {
    const rows = sharedJsonl<{ matrix: number[][]; ops: string[]; matrix_raw: number[][]; ops_raw: string[] }>('nasbench101/nb101_naslib_zc_subset.jsonl');
    assert.equal(rows.length, 500);
    let pruned = 0;
    for (const r of rows) {
      const p = prune({ matrix: r.matrix_raw, ops: r.ops_raw });
      assert.ok(p.valid);
      assert.deepEqual(p.matrix, r.matrix);
      assert.deepEqual(p.ops, r.ops);
      assert.deepEqual(nb101Violations(p), []);
      if (p.removed.length) pruned++;
      // Already pruned cells are fixed points with the same hash.
      assert.equal(nb101Hash(prune({ matrix: r.matrix, ops: r.ops })), nb101Hash(p));
    }
    assert.ok(pruned >= 499, `expected almost every raw NASLib spec to have dangling vertices, got ${pruned}`);
  });

  test('prune marks input not reaching output as invalid', () => {
    const p = prune({ matrix: [[0, 1, 0], [0, 0, 0], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] });
    assert.equal(p.valid, false);
    assert.deepEqual(nb101Violations(p), ['input is not connected to output']);
  });

  test('worked encoding §1.4b: 5-node cell padded to 7x7 with zero op rows, and decodes back', () => {
    const cell = {
      matrix: [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'output'],
    };
    const enc = encodeNb101(cell);
    assert.deepEqual(enc.ops, [[1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 1, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]);
    assert.equal(enc.adjacency.length, 7);
    assert.deepEqual(enc.adjacency[5], [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(enc.adjacency.map((r) => r.slice(0, 5)).slice(0, 5), cell.matrix);
    assert.deepEqual(decodeNb101(enc.adjacency, enc.ops), cell);
  });

  test('shared subset round-trips through the encoding', () => {
    for (const r of sharedJsonl<{ matrix: number[][]; ops: string[] }>('nasbench101/nb101_naslib_zc_subset.jsonl')) {
      const enc = encodeCell({ space: 'nasbench101', matrix: r.matrix, ops: r.ops });
      assert.deepEqual(decodeNb101(enc.adjacency, enc.ops), { matrix: r.matrix, ops: r.ops });
    }
  });
});

describe('NAS-Bench-201', () => {
  const rows = sharedJsonl<{ index: number; arch_str: string; ops: string[]; cifar10_test_acc: number }>('nasbench201/nb201.jsonl');

  test('all 15,625 arch strings parse, format back identically, and map to their benchmark index', () => {
    assert.equal(rows.length, 15625);
    for (const r of rows) {
      const { edges, problems } = parseArch(r.arch_str);
      assert.deepEqual(problems, []);
      const ops = edges.map((e) => e.op);
      assert.deepEqual(ops, r.ops);
      assert.equal(formatArch(ops), r.arch_str);
      assert.equal(nb201Index(ops), r.index);
      assert.deepEqual(nb201OpsAt(r.index), ops);
      assert.deepEqual(opsFromCode(archCode(ops)), ops);
      assert.deepEqual(decodeNb201(encodeNb201(ops).ops), ops);
    }
  });

  test('worked encoding §1.4b: README string gives labels [0,2,2,3,4,2,4,6] on the fixed adjacency', () => {
    const { edges } = parseArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|');
    const enc = encodeNb201(edges.map((e) => e.op));
    assert.deepEqual(argmaxRows(enc.ops), [0, 2, 2, 3, 4, 2, 4, 6]);
    const edgesOf = (m: number[][]) => m.flatMap((row, i) => row.flatMap((x, j) => (x ? [`${i}>${j}`] : [])));
    assert.deepEqual(edgesOf(enc.adjacency), ['0>1', '0>2', '0>4', '1>3', '1>5', '2>6', '3>6', '4>7', '5>7', '6>7']);
    assert.deepEqual(enc.adjacency, NB201_ADJACENCY);
  });

  test('shipped table carries the benchmark metrics (spot checks from the data README)', () => {
    const t = nb201Table();
    assert.equal(t.header.rows, 15625);
    const c10 = t.columns.get('cifar10_test_acc')!;
    let best = 0;
    for (let i = 1; i < c10.length; i++) if (c10[i] > c10[best]) best = i;
    assert.equal(best, 6111);
    assert.ok(Math.abs(c10[6111] - 94.3733) < 1e-3);
    assert.ok(Math.abs(t.columns.get('cifar100_test_acc')![9930] - 73.5133) < 1e-3);
  });

  test('shipped table is exactly what the build script makes from ../shared (regenerate with npm run tables)', () => {
    const shipped = readFileSync(join(REPO, 'data', 'nasbench201.table'));
    assert.ok(buildNb201Table().equals(shipped), 'data/nasbench201.table is stale: run `npm run tables`');
  });

  test('a path of non-none edges is detected', () => {
    assert.equal(nb201HasPath(['none', 'none', 'none', 'none', 'none', 'none']), false);
    assert.equal(nb201HasPath(['none', 'none', 'none', 'skip_connect', 'none', 'none']), true);
    assert.equal(nb201HasPath(['nor_conv_3x3', 'none', 'none', 'none', 'none', 'skip_connect']), false);
    assert.equal(nb201HasPath(['nor_conv_3x3', 'none', 'avg_pool_3x3', 'none', 'none', 'skip_connect']), true);
  });

  test('parseArch locates problems', () => {
    const r = parseArch('|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].code, 'arch-source');
    assert.equal(r.problems[0].start, 14);
    const short = parseArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|');
    assert.equal(short.problems[0].code, 'arch-syntax');
  });
});

describe('DARTS', () => {
  // darts/cnn/genotypes.py: the final arch2vec cells (normal = reduce).
  const rl: Genotype = [['sep_conv_3x3', 0], ['sep_conv_5x5', 1], ['dil_conv_3x3', 0], ['max_pool_3x3', 1], ['dil_conv_3x3', 0], ['dil_conv_5x5', 1], ['skip_connect', 0], ['sep_conv_3x3', 1]];

  test('worked encodings §1.4b: arch2vec_rl and arch2vec_bo normal cells', () => {
    // Labels from docs/reference-notes.md §1.4b: [0,1,6,8,3,8,5,6,9,6,10] means ops (prim index + 2) in pair order.
    const rlCell: Genotype = [['sep_conv_3x3', 0], ['dil_conv_3x3', 1], ['max_pool_3x3', 0], ['dil_conv_3x3', 1], ['skip_connect', 0], ['sep_conv_3x3', 1], ['dil_conv_5x5', 1], ['sep_conv_3x3', 0]];
    const enc = encodeDarts(rlCell);
    assert.deepEqual(argmaxRows(enc.ops), [0, 1, 6, 8, 3, 8, 5, 6, 9, 6, 10]);
    const inEdges = (m: number[][], node: number) => m.map((r, s) => (r[node] ? s : -1)).filter((s) => s >= 0);
    assert.deepEqual([2, 3, 4, 5, 6, 7, 8, 9].map((n) => inEdges(enc.adjacency, n)), [[0], [1], [0], [1], [0], [1], [1], [0]]);
    for (let n = 2; n < 10; n++) assert.equal(enc.adjacency[n][10], 1);
    assert.deepEqual(decodeDarts(enc.adjacency, enc.ops), rlCell);

    const boCell: Genotype = [['sep_conv_5x5', 1], ['max_pool_3x3', 0], ['skip_connect', 0], ['dil_conv_3x3', 1], ['sep_conv_5x5', 1], ['sep_conv_3x3', 0], ['dil_conv_5x5', 2], ['sep_conv_3x3', 0]];
    const bo = encodeDarts(boCell);
    assert.deepEqual(argmaxRows(bo.ops), [0, 1, 7, 3, 5, 8, 7, 6, 9, 6, 10]);
    assert.deepEqual(inEdges(bo.adjacency, 8), [2, 3]);
    assert.deepEqual(decodeDarts(bo.adjacency, bo.ops), boCell);
  });

  test('all shared NB301 genotypes encode to 11 nodes and decode back; distinct genotypes mostly hash apart', () => {
    const rows = sharedJsonl<{ normal: [string, number][]; reduce: [string, number][] }>('darts/nb301_naslib_zc_subset.jsonl');
    assert.equal(rows.length, 1225);
    const hashes = new Set<string>();
    const genotypes = new Set<string>();
    for (const r of rows) {
      for (const g of [r.normal, r.reduce]) {
        const enc = encodeDarts(g);
        assert.equal(enc.adjacency.length, 11);
        assert.deepEqual(decodeDarts(enc.adjacency, enc.ops), g);
      }
      hashes.add(dartsHash(r.normal));
      genotypes.add(JSON.stringify(r.normal));
    }
    // Isomorphic genotypes (e.g. the two edges of a node swapped) share a hash, so hashes <= genotypes.
    assert.ok(hashes.size <= genotypes.size && hashes.size > 0.95 * genotypes.size, `${hashes.size} hashes for ${genotypes.size} normal cells`);
  });

  test('swapping the two edges of a node keeps the graph hash', () => {
    const swapped: Genotype = [rl[1], rl[0], ...rl.slice(2)];
    assert.equal(dartsHash(swapped), dartsHash(rl));
  });
});
