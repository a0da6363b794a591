/**
 * Data-layer benchmark: NB101 enumeration (cold) and cache load, cache size, cells per vertex count,
 * DARTS sampling rate. Usage: node --import tsx bench/enumerate.ts [--darts N]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleDarts } from '../server/src/engine/data/dartsSample';
import { NB101_CACHE_FILE } from '../server/src/engine/data/nasbench101Cache';
import { loadOrBuildNb101 } from '../server/src/engine/data/nasbench101Data';
import { loadNb201 } from '../server/src/engine/data/nasbench201Data';

const dartsArg = process.argv.indexOf('--darts');
const dartsCount = dartsArg > 0 ? Number(process.argv[dartsArg + 1]) : 100000;
const dir = mkdtempSync(join(tmpdir(), 'arch2vec-bench-'));
try {
  const phases = new Map<string, number>();
  let phaseStart = performance.now();
  let current = '';
  let t = performance.now();
  const cold = loadOrBuildNb101(dir, (p) => {
    if (p.phase !== current) {
      const now = performance.now();
      if (current) phases.set(current, now - phaseStart);
      current = p.phase;
      phaseStart = now;
    }
  });
  phases.set(current, performance.now() - phaseStart);
  const coldMs = performance.now() - t;
  console.log(`NB101 enumeration (cold, incl. cache write): ${(coldMs / 1000).toFixed(2)} s  [${[...phases].map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}]`);
  const size = statSync(join(dir, NB101_CACHE_FILE)).size;
  console.log(`cache size: ${size} bytes (${(size / 1048576).toFixed(2)} MiB)`);
  t = performance.now();
  const warm = loadOrBuildNb101(dir);
  console.log(`cache load (read + sha256 + decode): ${(performance.now() - t).toFixed(1)} ms, ${warm.count} cells`);
  const per = new Array<number>(8).fill(0);
  for (const v of cold.columns.vertices) per[v]++;
  for (let v = 2; v <= 7; v++) console.log(`  V=${v}: ${per[v]}`);
  console.log(`  total: ${cold.count}`);

  const adj = new Float32Array(49);
  const ops = new Float32Array(35);
  t = performance.now();
  for (let i = 0; i < warm.count; i++) warm.fillEncoding(i, adj, ops);
  console.log(`NB101 fillEncoding: ${(((performance.now() - t) / warm.count) * 1e6).toFixed(0)} ns/cell`);

  t = performance.now();
  loadNb201();
  console.log(`NB201 dataset build: ${(performance.now() - t).toFixed(1)} ms`);

  t = performance.now();
  const pool = sampleDarts({ count: dartsCount, seed: 0 });
  const s = (performance.now() - t) / 1000;
  console.log(`DARTS sampling: ${pool.count} unique cells in ${s.toFixed(2)} s = ${Math.round(pool.count / s)} cells/s (600k ≈ ${(600000 / (pool.count / s)).toFixed(1)} s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
