/**
 * Issue 12: how long the search pools take to build and to embed, per space.
 *
 *   node --import tsx bench/pools.ts [--darts-count 600000] [--darts-seed 3] [--model-darts DIR] [--model-nb101 DIR] [--embed-count 20000]
 *
 * Builds (or loads) the DARTS pool twice in a fresh cache directory — sample + write, then load from the
 * checksummed cache — and loads the NB101 enumeration from $ARCH2VEC_HOME/cache (building it when absent).
 * With a model, embeds `--embed-count` pool cells that are not the model's own training set (so they
 * are computed, as the first search of a new pool would) and extrapolates to the whole pool.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend, type BackendName } from '../server/src/engine/backend';
import { cacheDir, resolveModel } from '../server/src/engine/paths';
import { openModel } from '../server/src/engine/query/model';
import { dartsPool } from '../server/src/engine/search/pools/darts';
import { embedPoolCells } from '../server/src/engine/search/pools/embeddings';
import { nb101Pool } from '../server/src/engine/search/pools/nasbench101';
import type { SpacePool } from '../server/src/engine/search/pools/types';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function embedRate(modelDir: string, pool: SpacePool, n: number, from: number) {
  const qm = openModel(resolveModel({ model: modelDir }));
  const t = performance.now();
  await embedPoolCells(qm, pool, from, Math.min(pool.count, from + n));
  const s = (performance.now() - t) / 1000;
  qm.dispose();
  const rate = n / s;
  console.log(`  embed ${n} ${pool.space} cells: ${s.toFixed(1)} s (${Math.round(rate)} cells/s) → whole pool of ${pool.count.toLocaleString('en-US')} ≈ ${(pool.count / rate / 60).toFixed(1)} min`);
}

async function main() {
  const count = Number(arg('--darts-count') ?? 600000);
  const seed = Number(arg('--darts-seed') ?? 3);
  const n = Number(arg('--embed-count') ?? 20000);
  const dir = mkdtempSync(join(tmpdir(), 'arch2vec-pools-bench-'));
  try {
    let t = performance.now();
    const d = dartsPool({ count, seed, cacheDir: dir });
    console.log(`darts pool ${count.toLocaleString('en-US')} (seed ${seed}): sampled + cached in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    dartsPool({ count, seed, cacheDir: dir });
    console.log(`  loaded from the checksummed cache in ${((performance.now() - t) / 1000).toFixed(2)} s`);
    t = performance.now();
    d.indexOfGenotype(d.genotype(0));
    console.log(`  lookup table (first indexOf) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    const nb = nb101Pool(cacheDir());
    console.log(`nasbench101 pool ${nb.count.toLocaleString('en-US')}: ${nb.dataset.source === 'enumerated' ? 'enumerated + cached' : 'loaded from the cache'} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    if (arg('--model-darts') || arg('--model-nb101')) await selectBackend((process.env.ARCH2VEC_BACKEND as BackendName | undefined) ?? 'auto');
    if (arg('--model-darts')) await embedRate(arg('--model-darts')!, d, n, 0);
    if (arg('--model-nb101')) await embedRate(arg('--model-nb101')!, nb, n, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
