import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argmaxRows } from '../server/src/core/spaces/graph';
import { encodeDarts } from '../server/src/core/spaces/darts';
import { encodeNb101, prune } from '../server/src/core/spaces/nasbench101';
import { encodeNb201, nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import { sampleDarts } from '../server/src/engine/data/dartsSample';
import { isStrictlyValid, isValidDecoded } from '../server/src/engine/train/validity';
import { sharedJsonl } from './helpers/shared';

const copy = (m: number[][]) => m.map((r) => r.slice());

describe('decoded-graph validity (reference rules and our stricter ones)', () => {
  test('NB201: every real cell is valid both ways; the reference ignores node 1 and the adjacency', () => {
    for (let i = 0; i < 15625; i += 97) {
      const e = encodeNb201(nb201OpsAt(i));
      const labels = argmaxRows(e.ops);
      assert.ok(isValidDecoded('nasbench201', e.adjacency, labels));
      assert.ok(isStrictlyValid('nasbench201', e.adjacency, labels));
    }
    const e = encodeNb201(nb201OpsAt(0));
    const badNode1 = argmaxRows(e.ops);
    badNode1[1] = 6; // 'output' label on an edge node
    assert.equal(isValidDecoded('nasbench201', e.adjacency, badNode1), true, 'reference quirk: node 1 unchecked');
    assert.equal(isStrictlyValid('nasbench201', e.adjacency, badNode1), false);
    const extraEdge = copy(e.adjacency);
    extraEdge[0][7] = 1;
    assert.equal(isValidDecoded('nasbench201', extraEdge, argmaxRows(e.ops)), true, 'reference quirk: adjacency ignored');
    assert.equal(isStrictlyValid('nasbench201', extraEdge, argmaxRows(e.ops)), false);
  });

  test('NB101: real 7-vertex cells are valid; a cell with a dangling vertex passes only the reference rules', () => {
    const rows = sharedJsonl<{ matrix_raw: number[][]; ops_raw: string[]; matrix: number[][]; ops: string[] }>('nasbench101/nb101_naslib_zc_subset.jsonl');
    let checked = 0;
    for (const r of rows) {
      const raw = { matrix: r.matrix_raw, ops: r.ops_raw };
      const p = prune(raw);
      if (raw.matrix.length !== 7) continue;
      // Decode the raw 7x7 spec as the model would output it (no padding: every row has a label).
      const labels = argmaxRows(encodeNb101({ matrix: raw.matrix, ops: raw.ops }).ops);
      const refValid = isValidDecoded('nasbench101', raw.matrix, labels);
      assert.equal(refValid, p.valid && p.matrix.length <= 7, 'reference validity = NB101 is_valid on the 7-node graph');
      assert.equal(isStrictlyValid('nasbench101', raw.matrix, labels), refValid && p.removed.length === 0);
      checked++;
    }
    assert.ok(checked >= 400, `checked ${checked}`);
  });

  test('DARTS: sampled genotypes are valid both ways; a broken block pair is only reference-valid', () => {
    const ds = sampleDarts({ count: 300, seed: 5 });
    for (let i = 0; i < ds.count; i++) {
      const e = encodeDarts(ds.genotype(i));
      const labels = argmaxRows(e.ops);
      assert.ok(isValidDecoded('darts', e.adjacency, labels), `genotype ${i}`);
      assert.ok(isStrictlyValid('darts', e.adjacency, labels), `genotype ${i} strict`);
    }
    const g = ds.genotype(0);
    const e = encodeDarts(g);
    const adj = copy(e.adjacency);
    adj[0][9] = 1;
    adj[1][9] = 1; // node 9 now fed by both cell inputs: no genotype produces that
    assert.equal(isValidDecoded('darts', adj, argmaxRows(e.ops)), true);
    assert.equal(isStrictlyValid('darts', adj, argmaxRows(e.ops)), false);
  });
});
