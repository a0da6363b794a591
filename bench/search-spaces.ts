/**
 * Issue 12: the four strategies on the two real tables (NB101: 500 NASLib rows = 292 cells; NB301:
 * 1,225 rows = 1,218 genotypes), over a fixed set of seeds, with a user-trained model for bo / rl.
 *
 *   npm run tables
 *   node --import tsx bench/search-spaces.ts --nb101-model DIR --darts-model DIR [--seeds 20] [--darts-seeds N] [--nb101-evals 30] [--darts-evals 100]
 *        [--spaces nasbench101,darts]
 *
 * Prints, per table and strategy, the mean ± std over seeds of the best reward found (validation
 * accuracy %), the mean regret to the table's best cell, how often the table's best cell was found,
 * and the time to embed the table's cells with the model (first run: computed; later: the cache).
 * Reference points: the paper reports BO / RL beating RS / RE on NB101 (test regret 0.0028 / 0.0021
 * vs 0.0086 / 0.0075 at 1e6 s) and DARTS search with 100 queries; these tables are small real
 * samples, not the benchmarks, so only the ordering is comparable.
 */
import { join } from 'node:path';
import type { EngineSearchParams, EngineSearchResult } from '../server/src/protocol';
import { runSearch } from '../server/src/engine/search/run';
import { readUserTable } from '../server/src/engine/search/userTable';
import { selectBackend, type BackendName } from '../server/src/engine/backend';
import { openModel } from '../server/src/engine/query/model';
import { resolveModel } from '../server/src/engine/paths';
import { openSearchPool } from '../server/src/engine/search/spaceSearch';
import { poolEmbeddings } from '../server/src/engine/search/pools/embeddings';
import { USER_TABLES_DIR } from '../scripts/build-tables';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

interface Row { strategy: string; mean: number; std: number; regret: number; hits: number; seconds: number }

async function bench(space: 'nasbench101' | 'darts', table: string, model: string | undefined, evals: number, seeds: number[]): Promise<{ rows: Row[]; best: number; cells: number; embed: string | null; seeds: number }> {
  const t = readUserTable(table);
  const best = Math.max(...t.rows.map((r) => r.reward));
  const rows: Row[] = [];
  let embed: string | null = null;
  if (model) {
    // The table's embeddings with this model: computed on first use, then read from the model's cache.
    await selectBackend((process.env.ARCH2VEC_BACKEND as BackendName | undefined) ?? 'auto');
    const qm = openModel(resolveModel({ model }));
    const { pool } = openSearchPool({ space, table });
    const e = await poolEmbeddings(qm, pool);
    embed = `${e.source}, ${e.seconds.toFixed(2)} s for ${pool.count} cells × ${e.dim} dims${e.file ? ` (${e.file})` : ''}`;
    qm.dispose();
  }
  for (const strategy of ['rs', 're', 'bo', 'rl'] as const) {
    if ((strategy === 'bo' || strategy === 'rl') && !model) continue;
    const t0 = performance.now();
    const p: EngineSearchParams = { space, objective: 'benchmark', strategy, table, maxEvals: evals, seeds, modelDir: model, traces: false };
    const r: EngineSearchResult = await runSearch(p);
    const v = r.runs.map((x) => x.best?.reward ?? NaN);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    rows.push({ strategy, mean, std, regret: best - mean, hits: v.filter((x) => Math.abs(x - best) < 1e-9).length, seconds: (performance.now() - t0) / 1000 });
  }
  return { rows, best, cells: t.rows.length, embed, seeds: seeds.length };
}

async function main() {
  const n = Number(arg('--seeds') ?? 20);
  const tables = [
    { space: 'nasbench101' as const, file: join(USER_TABLES_DIR, 'nasbench101-naslib500.jsonl'), model: arg('--nb101-model'), evals: Number(arg('--nb101-evals') ?? 30) },
    { space: 'darts' as const, file: join(USER_TABLES_DIR, 'darts-nb301-1225.jsonl'), model: arg('--darts-model'), evals: Number(arg('--darts-evals') ?? 100) },
  ];
  const only = arg('--spaces')?.split(',');
  for (const tb of tables) {
    if (only && !only.includes(tb.space)) continue;
    const ns = tb.space === 'darts' ? Number(arg('--darts-seeds') ?? n) : n;
    const seeds = Array.from({ length: ns }, (_, i) => i + 1);
    const r = await bench(tb.space, tb.file, tb.model, tb.evals, seeds);
    console.log(`\n${tb.space} table ${tb.file}: ${r.cells} cells, best ${r.best.toFixed(2)}; ${tb.evals} evaluations per seed, seeds 1..${ns}; model ${tb.model ?? '(none: bo/rl skipped)'}`);
    if (r.embed !== null) console.log(`table embeddings: ${r.embed}`);
    console.log('strategy | best reward (mean ± std) | regret to table best | found the best | wall s');
    for (const x of r.rows) console.log(`${x.strategy.padEnd(8)} | ${x.mean.toFixed(3)} ± ${x.std.toFixed(3)} | ${x.regret.toFixed(3)} | ${x.hits}/${r.seeds} | ${x.seconds.toFixed(1)}`);
  }
}

if (require.main === module) void main();
