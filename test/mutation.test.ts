/**
 * Issue 12: the discrete search primitives of NB101 and DARTS. Thousands of mutations and random
 * cells, each checked by the project's own validator (the .cells analyzer that the editor and
 * `arch2vec validate` use) and by the benchmark's rules; reproducibility per seed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import { cellText } from '../server/src/core/render';
import type { CellSpec } from '../server/src/core/cellSpec';
import { dartsHash, type Genotype } from '../server/src/core/spaces/darts';
import { edgeCount } from '../server/src/core/spaces/graph';
import { nb101Hash, nb101Violations, prune, type Nb101Cell } from '../server/src/core/spaces/nasbench101';
import {
  dartsViolations, mutateDarts, mutateDartsPair, mutateNb101, nb101Canonical, nb101Unpruned, randomDarts, randomNb101,
} from '../server/src/core/spaces/mutation';
import { Rng } from '../server/src/engine/data/random';
import { sharedJsonl } from './helpers/shared';

/** Error diagnostics of the cell as the editor sees it (warnings such as `none` ops are fine). */
function validatorErrors(spec: CellSpec): string[] {
  const a = analyze(cellText('c', spec), { defaultSpace: spec.space });
  assert.equal(a.cells.length, 1);
  return a.cells[0].diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
}

const nb101Spec = (c: Nb101Cell): CellSpec => ({ space: 'nasbench101', matrix: c.matrix, ops: c.ops });

describe('NAS-Bench-101 mutation', () => {
  test('3,000 chained mutations stay in the benchmark, each a different cell; vertex count both grows and shrinks', () => {
    const rng = new Rng(7);
    let cell = randomNb101(rng);
    let grew = 0;
    let shrank = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const child = mutateNb101(cell, rng);
      const errors = validatorErrors(nb101Spec(child));
      assert.deepEqual(errors, [], `mutation ${i}: ${JSON.stringify(child)}`);
      const p = prune(child);
      assert.deepEqual(nb101Violations(p), []);
      assert.equal(p.removed.length, 0, 'the child is returned pruned');
      assert.ok(child.matrix.length <= 7 && edgeCount(child.matrix) <= 9);
      assert.notEqual(nb101Hash(child), nb101Hash(cell), `mutation ${i} returned its parent`);
      if (child.matrix.length > cell.matrix.length) grew++;
      if (child.matrix.length < cell.matrix.length) shrank++;
      seen.add(nb101Hash(child));
      cell = child;
    }
    assert.ok(grew > 50 && shrank > 50, `grew ${grew}, shrank ${shrank}`);
    assert.ok(seen.size > 1000, `the walk visits many cells (${seen.size})`);
  });

  test('mutates the 500 real NB101 cells of the fixture (one edit of their unpruned form)', () => {
    const rows = sharedJsonl<{ matrix: number[][]; ops: string[] }>('nasbench101/nb101_naslib_zc_subset.jsonl');
    const rng = new Rng(3);
    for (const r of rows) {
      const child = mutateNb101({ matrix: r.matrix, ops: r.ops }, rng);
      assert.deepEqual(validatorErrors(nb101Spec(child)), []);
      assert.notEqual(nb101Hash(child), nb101Hash(prune(r)));
    }
  });

  test('the rebuilt 7-vertex form prunes back to the cell itself', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 500; i++) {
      const c = randomNb101(rng);
      const u = nb101Unpruned(c, rng);
      assert.equal(u.matrix.length, 7);
      const back = nb101Canonical(u)!;
      assert.equal(nb101Hash(back), nb101Hash(c));
    }
  });

  test('random cells are valid, and a seed gives the same cells and mutations', () => {
    const walk = (seed: number) => {
      const rng = new Rng(seed);
      const out: string[] = [];
      let c = randomNb101(rng);
      for (let i = 0; i < 50; i++) {
        assert.deepEqual(validatorErrors(nb101Spec(c)), []);
        out.push(nb101Hash(c));
        c = i % 2 ? randomNb101(rng) : mutateNb101(c, rng);
      }
      return out;
    };
    assert.deepEqual(walk(5), walk(5));
    assert.notDeepEqual(walk(5), walk(6));
  });

  test('an invalid parent is refused', () => {
    assert.throws(() => mutateNb101({ matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] }, new Rng(1)), /not a NAS-Bench-101 cell/);
  });
});

const dartsSpec = (normal: Genotype, reduce?: Genotype): CellSpec => ({ space: 'darts', normal, reduce: reduce ?? normal, reduceGiven: !!reduce });

describe('DARTS mutation', () => {
  test('3,000 chained mutations keep the sampling rules and the validator happy; each changes exactly one pair', () => {
    const rng = new Rng(9);
    let g = randomDarts(rng);
    let opEdits = 0;
    let inputEdits = 0;
    for (let i = 0; i < 3000; i++) {
      const child = mutateDarts(g, rng);
      assert.deepEqual(dartsViolations(child), [], `mutation ${i}`);
      const a = analyze(cellText('c', dartsSpec(child)), { defaultSpace: 'darts' });
      assert.deepEqual(a.cells[0].diagnostics.filter((d) => d.severity === 'error'), [], `mutation ${i}`);
      assert.ok(!a.cells[0].diagnostics.some((d) => d.code === 'genotype-duplicate-input'), 'inputs of a node stay distinct');
      const changed = child.map((p, k) => (p[0] !== g[k][0] ? 1 : 0) + (p[1] !== g[k][1] ? 2 : 0)).filter((x) => x);
      assert.equal(changed.length, 1, `mutation ${i} changed ${changed.length} pairs`);
      if (changed[0] === 1) opEdits++;
      else inputEdits++;
      assert.notEqual(dartsHash(child), dartsHash(g));
      g = child;
    }
    assert.ok(opEdits > 900 && inputEdits > 600, `op edits ${opEdits}, input edits ${inputEdits}`);
  });

  test('1,000 random genotypes follow the reference sampling: distinct inputs, every op and input reachable', () => {
    const rng = new Rng(1);
    const ops = new Set<string>();
    const inputsOfNode5 = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const g = randomDarts(rng);
      assert.deepEqual(dartsViolations(g), []);
      assert.deepEqual(validatorErrors(dartsSpec(g)), []);
      g.forEach(([op]) => ops.add(op));
      inputsOfNode5.add(g[6][1]).add(g[7][1]);
    }
    assert.equal(ops.size, 8);
    assert.deepEqual([...inputsOfNode5].sort(), [0, 1, 2, 3, 4]);
  });

  test('mutates the real NB301 genotypes (normal and reduce differ): one of the two cells changes', () => {
    const rows = sharedJsonl<{ normal: [string, number][]; reduce: [string, number][] }>('darts/nb301_naslib_zc_subset.jsonl');
    const rng = new Rng(2);
    let normals = 0;
    for (const r of rows.slice(0, 400)) {
      const m = mutateDartsPair(r.normal, r.reduce, rng);
      assert.ok(m.reduce);
      assert.deepEqual(validatorErrors(dartsSpec(m.normal, m.reduce)), []);
      const n = dartsHash(m.normal) !== dartsHash(r.normal);
      const red = dartsHash(m.reduce!) !== dartsHash(r.reduce);
      assert.ok(n !== red, 'exactly one of the two cells changed');
      if (n) normals++;
    }
    assert.ok(normals > 120 && normals < 280, `normal mutated ${normals}/400 times`);
  });

  test('seeded: the same walk twice', () => {
    const walk = (seed: number) => {
      const rng = new Rng(seed);
      let g = randomDarts(rng);
      const out = [dartsHash(g)];
      for (let i = 0; i < 100; i++) out.push(dartsHash((g = mutateDarts(g, rng))));
      return out;
    };
    assert.deepEqual(walk(4), walk(4));
    assert.notDeepEqual(walk(4), walk(5));
  });

  test('a parent that breaks the rules is refused with the reason', () => {
    const g: Genotype = [['sep_conv_3x3', 0], ['sep_conv_3x3', 0], ...randomDarts(new Rng(1)).slice(2)];
    assert.throws(() => mutateDarts(g, new Rng(1)), /both edges come from input 0/);
  });
});
