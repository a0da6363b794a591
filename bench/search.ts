/**
 * The paper's NAS-Bench-201 search table (issue 4): RS, RE, arch2vec-RL and arch2vec-BO (incumbent EI,
 * and the reference code's EI variant) on CIFAR-10, CIFAR-100 and ImageNet16-120 with the paper's
 * budgets (12,000 / 500,000 / 1,400,000 simulated seconds), N seeds each, printed next to the paper.
 *
 *   npm run bench:search [-- --seeds 100 | --seeds 1..500] [--quick] [--strategies rs,re,rl,bo,bo-ref]
 *                           [--datasets cifar10,cifar100,imagenet16-120] [--workers N] [--model DIR] [--json FILE]
 *
 * Reported: mean ± std (population, as the reference's summary) over seeds of the reported validation
 * and test accuracy of the best-by-reward cell (engine/search/objectives/benchmark.ts has the column
 * mapping: CIFAR-10 val/test are the 200-epoch trial means as the paper's; CIFAR-100 / ImageNet16-120
 * have no 200-epoch validation accuracy for every cell, so their "val" is the 12-epoch reward — and,
 * when ../shared is there, the 200-epoch validation accuracy of the found cell where the best-1 % file
 * knows it). --quick: 3 seeds. Seeds run in `--workers` processes (default: cores − 1, at most 16).
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { SearchDatasetName, SearchStrategyName } from '../server/src/protocol';
import { NB201_BENCHMARK, NB201_DATASETS } from '../server/src/engine/search/objectives/benchmark';
import { meanStd, runSearch } from '../server/src/engine/search/run';

export type BenchStrategy = 'rs' | 're' | 'rl' | 'bo' | 'bo-ref';
export const BENCH_STRATEGIES: BenchStrategy[] = ['rs', 're', 'rl', 'bo', 'bo-ref'];
const LABEL: Record<BenchStrategy, string> = { rs: 'RS', re: 'RE', rl: 'arch2vec-RL', bo: 'arch2vec-BO', 'bo-ref': 'arch2vec-BO (reference EI)' };

/** The paper's table (val / test; std where the paper gives it). */
export const PAPER: Partial<Record<BenchStrategy, Record<SearchDatasetName, [number, number, number?, number?]>>> = {
  rs: { cifar10: [90.94, 93.75], cifar100: [72.17, 72.05], 'imagenet16-120': [45.47, 45.33] },
  re: { cifar10: [91.08, 93.84], cifar100: [73.02, 72.86], 'imagenet16-120': [45.78, 45.63] },
  rl: { cifar10: [91.32, 94.12], cifar100: [73.13, 73.15], 'imagenet16-120': [46.22, 46.16] },
  bo: { cifar10: [91.41, 94.18, 0.22, 0.24], cifar100: [73.35, 73.37, 0.32, 0.30], 'imagenet16-120': [46.34, 46.27, 0.18, 0.37] },
};

export interface BenchOptions {
  seeds: number[];
  strategies: BenchStrategy[];
  datasets: SearchDatasetName[];
  workers: number;
  modelDir?: string;
  /** Bound every search by evaluations too (tests). */
  maxEvals?: number;
  log?: (s: string) => void;
}

export interface SeedOutcome {
  seed: number;
  index: number | null;
  val: number | null;
  test: number | null;
  evaluations: number;
  seconds: number;
}

export interface BenchCell {
  strategy: BenchStrategy;
  dataset: SearchDatasetName;
  seeds: SeedOutcome[];
  val: ReturnType<typeof meanStd>;
  test: ReturnType<typeof meanStd>;
  /** 200-epoch validation accuracy of the found cells where the shared best-1 % file has it. */
  val200?: ReturnType<typeof meanStd> & { of: number };
  evaluations: number;
  /** Sum of per-seed search seconds (CPU-ish time, across workers). */
  seconds: number;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log'>;
  model: string | null;
  cells: BenchCell[];
  wallSeconds: number;
}

interface Job {
  strategy: BenchStrategy;
  dataset: SearchDatasetName;
  seeds: number[];
  modelDir?: string;
  maxEvals?: number;
}

async function runJob(job: Job): Promise<{ outcomes: SeedOutcome[]; model: string | null }> {
  const r = await runSearch({
    space: 'nasbench201', objective: 'benchmark', dataset: job.dataset, strategy: job.strategy === 'bo-ref' ? 'bo' : (job.strategy as SearchStrategyName),
    eiVariant: job.strategy === 'bo-ref' ? 'reference' : undefined, seeds: job.seeds, modelDir: job.modelDir, maxEvals: job.maxEvals,
  });
  return {
    model: r.model ? `${r.model.dir} (${r.model.source})` : null,
    outcomes: r.runs.map((x) => ({ seed: x.seed, index: x.best?.index ?? null, val: x.best?.val ?? null, test: x.best?.test ?? null, evaluations: x.evaluations, seconds: x.seconds })),
  };
}

/** 200-epoch validation accuracies from ../shared (best 1 % per dataset), when present. */
function val200Table(): Map<string, Map<number, number>> | undefined {
  const file = join(process.env.ARCH2VEC_SHARED ?? join(__dirname, '..', '..', 'shared'), 'data', 'nasbench201', 'nb201_valid200_best_worst_1pct.jsonl');
  if (!existsSync(file)) return undefined;
  const m = new Map<string, Map<number, number>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { dataset: string; index: number; valid_acc_mean: number };
    const ds = r.dataset === 'cifar10_valid' ? 'cifar10' : r.dataset === 'imagenet16_120' ? 'imagenet16-120' : r.dataset;
    if (!m.has(ds)) m.set(ds, new Map());
    m.get(ds)!.set(r.index, r.valid_acc_mean);
  }
  return m;
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const chunk = Math.max(1, Math.ceil(opts.seeds.length / Math.max(1, opts.workers * 2)));
  const jobs: Job[] = [];
  // Slow strategies first, so the pool of workers drains evenly.
  const order: BenchStrategy[] = ['bo', 'bo-ref', 'rl', 're', 'rs'];
  for (const strategy of order.filter((s) => opts.strategies.includes(s))) {
    for (const dataset of opts.datasets) {
      for (let i = 0; i < opts.seeds.length; i += chunk) jobs.push({ strategy, dataset, seeds: opts.seeds.slice(i, i + chunk), modelDir: opts.modelDir, maxEvals: opts.maxEvals });
    }
  }
  const outcomes = new Map<string, SeedOutcome[]>();
  let model: string | null = null;
  let done = 0;
  const finish = (job: Job, r: { outcomes: SeedOutcome[]; model: string | null }) => {
    const key = `${job.strategy}|${job.dataset}`;
    outcomes.set(key, [...(outcomes.get(key) ?? []), ...r.outcomes]);
    model ??= r.model;
    done++;
    log(`  ${done}/${jobs.length} ${job.strategy} ${job.dataset} seeds ${job.seeds[0]}..${job.seeds.at(-1)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  };
  if (opts.workers <= 1) {
    for (const job of jobs) finish(job, await runJob(job));
  } else {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(opts.workers, jobs.length) }, async () => {
      const child = fork(__filename, ['--worker'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      try {
        while (next < jobs.length) {
          const job = jobs[next++];
          const r = await new Promise<{ outcomes: SeedOutcome[]; model: string | null }>((resolve, reject) => {
            const onMsg = (m: { ok: boolean; result?: { outcomes: SeedOutcome[]; model: string | null }; error?: string }) => {
              child.off('exit', onExit);
              if (m.ok) resolve(m.result!);
              else reject(new Error(m.error));
            };
            const onExit = (code: number | null) => reject(new Error(`bench worker exited (${code})`));
            child.once('message', onMsg);
            child.once('exit', onExit);
            child.send(job);
          });
          finish(job, r);
        }
      } finally {
        child.kill();
      }
    }));
  }
  const v200 = val200Table();
  const cells: BenchCell[] = [];
  for (const strategy of opts.strategies) {
    for (const dataset of opts.datasets) {
      const seeds = (outcomes.get(`${strategy}|${dataset}`) ?? []).sort((a, b) => a.seed - b.seed);
      const cell: BenchCell = {
        strategy, dataset, seeds, val: meanStd(seeds.map((s) => s.val)), test: meanStd(seeds.map((s) => s.test)),
        evaluations: seeds.reduce((a, s) => a + s.evaluations, 0), seconds: seeds.reduce((a, s) => a + s.seconds, 0),
      };
      const known = v200?.get(dataset);
      if (known && dataset !== 'cifar10') {
        const vals = seeds.map((s) => (s.index !== null ? known.get(s.index) ?? null : null));
        cell.val200 = { ...meanStd(vals), of: seeds.length };
      }
      cells.push(cell);
    }
  }
  return { options: { ...opts, log: undefined } as Omit<BenchOptions, 'log'>, model, cells, wallSeconds: (performance.now() - t0) / 1000 };
}

const TITLE: Record<SearchDatasetName, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120' };
const ms = (m: { mean: number | null; std: number | null }) => (m.mean === null ? 'n/a' : `${m.mean.toFixed(2)} ± ${(m.std ?? 0).toFixed(2)}`);

export function formatBench(r: BenchResult): string {
  const { datasets, strategies, seeds } = r.options;
  const lines: string[] = [];
  lines.push(`NAS-Bench-201 search: ${seeds.length} seeds (${seeds[0]}..${seeds.at(-1)}) per cell, budgets ${datasets.map((d) => `${TITLE[d]} ${NB201_BENCHMARK[d].budget.toLocaleString('en-US')} s`).join(', ')}${r.options.maxEvals ? `, at most ${r.options.maxEvals} evaluations` : ''}`);
  lines.push(`model (bo, rl): ${r.model ?? '-'}; ${r.options.workers} worker${r.options.workers === 1 ? '' : 's'}; wall ${r.wallSeconds.toFixed(1)} s`);
  lines.push('val: CIFAR-10 = 200-epoch cifar10-valid validation (the paper\'s); CIFAR-100 / ImageNet16-120 = 12-epoch validation (the reward: no 200-epoch');
  lines.push('validation accuracy for every cell in the table; [200-ep: mean over the seeds whose found cell is in the shared best-1 % file, n/N]). test: 200-epoch.');
  lines.push('');
  lines.push(`| | ${datasets.map((d) => `${TITLE[d]} val / test`).join(' | ')} | search time |`);
  lines.push(`|---|${datasets.map(() => '---|').join('')}---|`);
  for (const s of strategies) {
    const paper = PAPER[s];
    if (paper) lines.push(`| ${LABEL[s]} (paper) | ${datasets.map((d) => { const p = paper[d]; return `${p[0].toFixed(2)}${p[2] !== undefined ? ` ± ${p[2].toFixed(2)}` : ''} / ${p[1].toFixed(2)}${p[3] !== undefined ? ` ± ${p[3].toFixed(2)}` : ''}`; }).join(' | ')} | |`);
    const row = datasets.map((d) => {
      const c = r.cells.find((x) => x.strategy === s && x.dataset === d)!;
      const extra = c.val200 && c.val200.n ? ` [200-ep ${c.val200.mean!.toFixed(2)}, ${c.val200.n}/${c.val200.of}]` : '';
      return `${ms(c.val)}${extra} / ${ms(c.test)}`;
    });
    const secs = r.cells.filter((x) => x.strategy === s).reduce((a, c) => a + c.seconds, 0);
    const evals = r.cells.filter((x) => x.strategy === s).reduce((a, c) => a + c.evaluations, 0);
    lines.push(`| **${LABEL[s]} (ours)** | ${row.join(' | ')} | ${secs.toFixed(1)} s, ${evals} queries |`);
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): BenchOptions & { json?: string } {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const seedsArg = arg('--seeds') ?? (quick ? '3' : '100');
  const range = /^(\d+)\.\.(\d+)$/.exec(seedsArg);
  const seeds = range ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i) : Array.from({ length: Number(seedsArg) }, (_, i) => i + 1);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new Error(`--seeds: ${seedsArg}`);
  const strategies = (arg('--strategies') ?? BENCH_STRATEGIES.join(',')).split(',') as BenchStrategy[];
  for (const s of strategies) if (!BENCH_STRATEGIES.includes(s)) throw new Error(`--strategies: unknown '${s}' (${BENCH_STRATEGIES.join(', ')})`);
  const datasets = (arg('--datasets') ?? NB201_DATASETS.join(',')).split(',') as SearchDatasetName[];
  for (const d of datasets) if (!NB201_DATASETS.includes(d)) throw new Error(`--datasets: unknown '${d}'`);
  const workers = Number(arg('--workers') ?? Math.max(1, Math.min(16, availableParallelism() - 1)));
  return { seeds, strategies, datasets, workers, modelDir: arg('--model'), json: arg('--json'), maxEvals: arg('--max-evals') ? Number(arg('--max-evals')) : undefined };
}

if (require.main === module) {
  if (process.argv.includes('--worker')) {
    process.on('message', (job: Job) => {
      runJob(job).then((result) => process.send!({ ok: true, result }), (e: Error) => process.send!({ ok: false, error: e.stack ?? String(e) }));
    });
  } else if (process.argv.includes('--help') || process.argv.includes('-h')) {
    // The usage is the header comment of this file.
    const header = readFileSync(__filename, 'utf8').split('*/')[0].replace(/^\/\*\*?|^ \* ?/gm, '');
    console.log(header.trim());
  } else {
    const opts = parseArgs(process.argv.slice(2));
    console.error(`bench:search: ${opts.strategies.join(', ')} × ${opts.datasets.join(', ')}, ${opts.seeds.length} seeds, ${opts.workers} workers`);
    runBench({ ...opts, log: (s) => console.error(s) }).then((r) => {
      console.log(formatBench(r));
      if (opts.json) writeFileSync(opts.json, JSON.stringify(r, null, 2) + '\n');
    }, (e: Error) => {
      console.error(e.stack ?? String(e));
      process.exit(1);
    });
  }
}
