/**
 * `arch2vec search`: latent-space search (arch2vec-BO / -RL) and the baselines (RS, RE) in every
 * space (NAS-Bench-101, NAS-Bench-201, DARTS) against a benchmark table (the shipped NB201 one or the
 * user's own, `--table`), the user's own evaluator command, or the measured cells of a `.cells` file (engine/search/run.ts does the work; the engine process calls the same code).
 *
 * stdout: the summary as `#` comments, then the found cells in `.cells` syntax (so stdout is itself
 * a valid `.cells` file); --json: one EngineSearchResult document with per-seed traces. --out FILE
 * writes the same (JSON when FILE ends in .json). stderr: progress (redrawn on a terminal).
 * Exit codes: 0 ok, 1 failure (no model, bad table, a cell of another space, no evaluation
 * succeeded), 2 usage, 130 interrupted (Ctrl-C: the best so far is printed first).
 */
import { PreparePrinter } from './progress';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EngineSearchParams, EngineSearchProgress, EngineSearchResult, MeanStd, SearchFoundCell } from '../protocol';
import { isNb201Dataset, NB201_DATASETS } from '../engine/search/objectives/benchmark';
import { ResultsLog } from '../engine/search/objectives/resultsLog';
import { ACCURACY_SCALES, compileMetricRegex, type AccuracyScale } from '../engine/search/objectives/evaluatorContract';
import { defaultCommandLog, readCellsFile, runSearch, STRATEGY_NAMES, type RunSearchOptions } from '../engine/search/run';
import { isSpaceId, SPACE_IDS, SPACES } from '../core/spaces';
import { nb201WithinCost, parseCount } from '../engine/search/costConstraint';
import { UsageError } from './files';
import { costText, fileValueText, predictionLine } from './listedCellText';
import { parseOpts, type OptKind } from './options';

export interface SearchIO {
  out: (s: string) => void;
  err: (s: string) => void;
  errRaw: (s: string) => void;
  stderrIsTTY: boolean;
}

const SPEC: Record<string, OptKind> = {
  '--space': 'string', '--objective': 'string', '--dataset': 'string', '--strategy': 'string', '--budget': 'number', '--seeds': 'string',
  '--seed': 'int', '--json': 'bool', '--out': 'string', '--command': 'string', '--parallel': 'int', '--timeout': 'number', '--k': 'int',
  '--max-evals': 'int', '--table': 'string', '--log': 'string', '--model': 'string', '--ei-variant': 'string', '--darts-pool': 'int', '--darts-seed': 'int',
  '--scale': 'string', '--metric-regex': 'string', '--fresh': 'bool', '--retry-failed': 'bool',
  '--max-params': 'string', '--max-flops': 'string', '--min-measured': 'int',
};
const ALIASES: Record<string, string> = { '-k': '--k' };

function parse(argv: string[]) {
  return parseOpts('search', argv, SPEC, ALIASES, true);
}

/** `1..N`, `A..B`, `1,2,5`, or `N` (= 1..N). */
export function parseSeeds(s: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(s);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) throw new UsageError(`--seeds ${s}: empty range`);
    if (b - a >= 100_000) throw new UsageError(`--seeds ${s}: at most 100,000 seeds`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (/^\d+(,\d+)+$/.test(s)) return s.split(',').map(Number);
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > 100_000) throw new UsageError(`--seeds ${s}: between 1 and 100,000 seeds`);
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  throw new UsageError(`--seeds takes 1..N, A..B, a list 1,2,5 or a count N (= 1..N), got '${s}'`);
}

function paramsOf(argv: string[]): { params: EngineSearchParams; json: boolean; out?: string } {
  const { pos, opts } = parse(argv);
  const s = (k: string) => opts.get(k) as string | undefined;
  const n = (k: string) => opts.get(k) as number | undefined;
  const space = s('--space') ?? 'nasbench201';
  if (!isSpaceId(space)) throw new UsageError(`--space takes ${SPACE_IDS.join(', ')}, got '${space}'`);
  const objective = s('--objective') ?? 'benchmark';
  if (objective !== 'benchmark' && objective !== 'command' && objective !== 'file') throw new UsageError(`--objective takes benchmark, command or file, got '${objective}'`);
  const strategy = s('--strategy') ?? 'bo';
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) throw new UsageError(`--strategy takes ${STRATEGY_NAMES.join(', ')}, got '${strategy}'`);
  if (opts.has('--seed') && opts.has('--seeds')) throw new UsageError('--seed and --seeds exclude each other');
  const seeds = opts.has('--seed') ? [n('--seed')!] : opts.has('--seeds') ? parseSeeds(s('--seeds')!) : [1];
  const only = (flags: string[], what: string) => {
    for (const f of flags) if (opts.has(f)) throw new UsageError(`${f} applies to ${what} only`);
  };
  const params: EngineSearchParams = {
    space, objective, strategy: strategy as EngineSearchParams['strategy'], seeds, budget: n('--budget'), maxEvals: n('--max-evals'),
    modelDir: s('--model'), traces: opts.has('--json') || /\.json$/i.test(s('--out') ?? ''),
  };
  if (opts.has('--darts-pool') || opts.has('--darts-seed')) {
    if (space !== 'darts') throw new UsageError('--darts-pool / --darts-seed apply to --space darts only');
    if (opts.has('--darts-pool') && n('--darts-pool')! < 1) throw new UsageError('--darts-pool must be at least 1');
    params.dartsPoolSize = n('--darts-pool');
    params.dartsPoolSeed = n('--darts-seed');
  }
  const ei = s('--ei-variant');
  if (ei !== undefined) {
    if (strategy !== 'bo') throw new UsageError('--ei-variant applies to --strategy bo only');
    if (ei !== 'standard' && ei !== 'reference') throw new UsageError(`--ei-variant takes standard or reference, got '${ei}'`);
    params.eiVariant = ei;
  }
  if (opts.has('--max-evals') && n('--max-evals')! < 1) throw new UsageError('--max-evals must be at least 1');
  for (const [flag, key] of [['--max-params', 'maxParams'], ['--max-flops', 'maxFlops']] as const) {
    const v = s(flag);
    if (v === undefined) continue;
    const count = parseCount(v);
    if (!(count > 0)) throw new UsageError(`${flag} takes a positive count such as 800000, 800k or 1.5M, got '${v}'`);
    params[key] = count;
  }
  if (objective === 'benchmark') {
    only(['--command', '--parallel', '--timeout', '--log', '--k', '--scale', '--metric-regex', '--fresh', '--retry-failed'], '--objective command / file');
    if (s('--table')) params.table = resolve(s('--table')!);
    if (space !== 'nasbench201' && !params.table) throw new UsageError(`--objective benchmark on ${space} needs your table: --table FILE (JSONL or CSV, see docs/tables.md)`);
    if (space === 'nasbench201' || opts.has('--dataset')) {
      const dataset = s('--dataset') ?? 'cifar10';
      if (!isNb201Dataset(dataset)) throw new UsageError(`--dataset takes ${NB201_DATASETS.join(', ')}, got '${dataset}'`);
      if (space !== 'nasbench201') throw new UsageError('--dataset applies to --space nasbench201 only (a table says what its columns are)');
      params.dataset = dataset;
    }
    if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'search --objective benchmark'`);
  } else if (objective === 'command') {
    only(['--dataset', '--table', '--k'], '--objective benchmark / file');
    const command = s('--command');
    if (!command) throw new UsageError("--objective command needs --command 'CMD {cell}' ({cell}: a .cells file with the cell, {json}: the cell as JSON)");
    if (!/\{(cell|json)\}/.test(command)) throw new UsageError("--command must contain {cell} or {json}, e.g. --command 'python train.py {cell}'");
    if (!opts.has('--budget') && !opts.has('--max-evals') && space !== 'darts') throw new UsageError('--objective command needs --budget SECONDS (wall seconds spent evaluating) or --max-evals N');
    if (n('--parallel') === 0) throw new UsageError('--parallel must be at least 1');
    Object.assign(params, { command, parallel: n('--parallel'), timeout: n('--timeout'), cwd: process.cwd() });
    const scale = s('--scale');
    if (scale !== undefined) {
      if (!(ACCURACY_SCALES as readonly string[]).includes(scale)) throw new UsageError(`--scale takes ${ACCURACY_SCALES.join(' or ')}, got '${scale}'`);
      params.scale = scale as AccuracyScale;
    }
    const metricRegex = s('--metric-regex');
    if (metricRegex !== undefined) {
      try {
        compileMetricRegex(metricRegex);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      params.metricRegex = metricRegex;
    }
    if (opts.has('--fresh')) params.fresh = true;
    if (opts.has('--retry-failed')) params.retryFailed = true;
    const out = s('--out');
    params.log = s('--log') ? resolve(s('--log')!) : out ? resolve(out.replace(/\.(cells|json)$/i, '') + '.evaluations.jsonl') : defaultCommandLog(command, process.cwd());
    if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'search --objective command'`);
  } else {
    only(['--dataset', '--table', '--command', '--parallel', '--timeout', '--log', '--budget', '--max-evals', '--scale', '--metric-regex', '--fresh', '--retry-failed'], '--objective benchmark / command');
    if (pos.length !== 1) throw new UsageError("--objective file needs one .cells file: arch2vec search --objective file FILE [-k N]");
    params.file = pos[0];
    params.text = readCellsFile(pos[0]);
    // Each suggestion's predicted accuracy from the file's measured cells (the editor's predictor and threshold).
    if (opts.has('--min-measured') && n('--min-measured')! < 1) throw new UsageError('--min-measured must be at least 1');
    params.predict = { metric: 'accuracy', ...(opts.has('--min-measured') ? { minMeasured: n('--min-measured') } : {}) };
    if (opts.has('--k')) {
      if (n('--k')! < 1) throw new UsageError('-k must be at least 1');
      params.k = n('--k');
    }
  }
  return { params, json: opts.has('--json'), out: s('--out') };
}

const cellName = (c: SearchFoundCell) => c.name ?? `nb201_${c.index}`;
const f2 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(2));
const pm = (m: MeanStd) => (m.mean === null ? 'n/a' : `${m.mean.toFixed(2)} ± ${(m.std ?? 0).toFixed(2)}`);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function cellBlock(c: SearchFoundCell, comment: string): string {
  return `# ${comment}\n${c.cell.replace(/\n$/, '')}`;
}

/** The human report: `#` comment lines, then the found cells (valid `.cells` text as a whole). */
export function formatSearch(r: EngineSearchResult): string {
  const lines: string[] = [];
  const info = r.objectiveInfo as Record<string, unknown>;
  const title = SPACES[r.space as keyof typeof SPACES]?.title ?? r.space;
  const pool = info.pool as { description: string } | undefined;
  const where = (c: SearchFoundCell) => (r.space === 'nasbench201' ? `NAS-Bench-201 index ${c.index}` : `pool index ${c.index}, ${c.id}`);
  if (r.objective === 'file') {
    const s = r.suggestions ?? [];
    lines.push(`# arch2vec search: ${s.length} suggestion${s.length === 1 ? '' : 's'} (strategy ${r.strategy}, seed ${r.runs[0]?.seed}) from ${String(info.observations)} measured ${title} architectures in ${String(info.file)}`);
    if (r.model) lines.push(`# model: ${r.model.dir} (${r.model.source})`);
    if (pool) lines.push(`# pool: ${pool.description}`);
    const b = r.runs[0]?.best;
    if (b) lines.push(`# best measured: ${cellName(b)}, accuracy ${f2(b.reward)}`);
    const pl = predictionLine(r.prediction);
    if (pl) lines.push(pl);
    lines.push('', `space ${r.space}`);
    s.forEach((c, i) => lines.push('', cellBlock(c, `suggestion ${i + 1}: ${where(c)}, not measured yet${costText(c)}${fileValueText(c.fileValue)}`)));
    return lines.join('\n');
  }
  const unit = r.objective === 'benchmark' ? 'simulated s' : 's';
  const bound = [r.budget !== null ? `budget ${int(r.budget)} ${unit}` : '', r.maxEvals !== null ? `at most ${r.maxEvals} evaluations` : ''].filter(Boolean).join(', ');
  const what = r.objective === 'benchmark' ? (info.benchmark === 'table' ? `${title} table ${String(info.table)}` : `NAS-Bench-201 ${r.dataset} benchmark`) : `${title}, command '${String(info.command)}'`;
  lines.push(`# arch2vec search: ${what}, strategy ${r.strategy}, ${r.runs.length} seed${r.runs.length === 1 ? '' : 's'}, ${bound}${r.stopped === 'cancelled' ? ' (interrupted: best so far)' : ''}`);
  if (r.model) lines.push(`# model: ${r.model.dir} (${r.model.source})`);
  if (pool) lines.push(`# pool: ${pool.description}`);
  if (r.objective === 'benchmark') {
    const cols = info.columns as { reward: string; val: string; test: string; cost: string };
    if (info.benchmark === 'table') lines.push(`# reward: ${cols.reward}; reported accuracy: ${cols.test}; cost: ${info.hasCost ? cols.cost : 'none in the table'}`);
    else lines.push(`# reward ${cols.reward}; val = ${cols.val}${cols.val === cols.reward ? ' (12-epoch: no 200-epoch validation accuracy in the table)' : ''}; test = ${cols.test}; cost ${cols.cost}`);
  } else {
    lines.push(`# evaluations: ${String(info.evaluationsRun)} run, ${String(info.evaluationsReused)} reused from ${String(info.log)}`);
    if (info.logWarning) lines.push(`# warning: ${String(info.logWarning)}`);
  }
  const evals = r.runs.reduce((a, x) => a + x.evaluations, 0);
  const failed = r.runs.reduce((a, x) => a + x.failed, 0);
  lines.push(`# best-by-validation cell, mean ± std over ${r.summary.val.n} seed${r.summary.val.n === 1 ? '' : 's'} (${evals} evaluations${failed ? `, ${failed} failed` : ''}, ${r.seconds.toFixed(1)} s):`);
  if (r.objective === 'benchmark' && info.benchmark === 'table') {
    lines.push(`#   reward               ${pm(r.summary.val)}`);
    lines.push(`#   reported accuracy    ${pm(r.summary.test)}`);
  } else if (r.objective === 'benchmark') {
    lines.push(`#   validation accuracy  ${pm(r.summary.val)}`);
    lines.push(`#   test accuracy        ${pm(r.summary.test)}`);
  } else lines.push(`#   accuracy             ${pm(r.summary.val)}`);
  // Found cells, once each, with the seeds that found them.
  const byIndex = new Map<number, { cell: SearchFoundCell; seeds: number[] }>();
  for (const run of r.runs) {
    if (!run.best) continue;
    const e = byIndex.get(run.best.index) ?? { cell: run.best, seeds: [] };
    e.seeds.push(run.seed);
    byIndex.set(run.best.index, e);
  }
  const found = [...byIndex.values()].sort((a, b) => (b.cell.reward ?? -Infinity) - (a.cell.reward ?? -Infinity) || b.seeds.length - a.seeds.length);
  lines.push('', `space ${r.space}`);
  for (const { cell, seeds } of found) {
    const seedList = seeds.length > 8 ? `${seeds.slice(0, 8).join(', ')}, … (${seeds.length} seeds)` : seeds.join(', ');
    const acc = r.objective !== 'benchmark' ? `accuracy ${f2(cell.reward)}` : info.benchmark === 'table' ? `reward ${f2(cell.val)}, accuracy ${f2(cell.test)}` : `val ${f2(cell.val)}, test ${f2(cell.test)}`;
    lines.push('', cellBlock(cell, `best of seed${seeds.length === 1 ? '' : 's'} ${seedList}: ${r.space === 'nasbench201' ? `index ${cell.index}` : where(cell)}, ${acc}${costText(cell)}`));
  }
  if (!found.length) lines.push('', '# no evaluation succeeded');
  return lines.join('\n');
}

/** Progress on stderr: redrawn in place on a terminal; plain lines otherwise. */
class SearchProgress {
  private drawn = false;
  private last = 0;
  private readonly prep: PreparePrinter;
  constructor(private readonly io: SearchIO, private readonly everyEvaluation: boolean, private readonly space: string) {
    this.prep = new PreparePrinter(io);
  }

  /** Pool building and embedding before the first evaluation (the same line as the other commands' preparation). */
  prepare(what: string, done: number, total: number) {
    this.prep.update({ what, done, total });
    if (this.io.stderrIsTTY) this.drawn = true;
  }

  update(p: EngineSearchProgress) {
    const b = p.best;
    const bound = p.budget !== null ? `budget ${int(p.budgetUsed)}/${int(p.budget)} s` : `evaluation ${p.evaluations}/${p.maxEvals}`;
    const line = `seed ${p.seed} (${p.seedIndex + 1}/${p.seeds}): ${p.evaluations} evaluations, ${bound}, best ${f2(b.bestReward)}${b.bestReport !== null ? ` (test ${f2(b.bestReport)})` : ''}`;
    if (this.io.stderrIsTTY) {
      const now = Date.now();
      if (now - this.last < 100 && !this.everyEvaluation) return;
      this.last = now;
      if (this.everyEvaluation) this.evaluationLine(p, true);
      this.io.errRaw(`\r\x1b[2K${line}`);
      this.drawn = true;
      return;
    }
    if (this.everyEvaluation) this.evaluationLine(p, false);
    else if (Date.now() - this.last > 5000) {
      this.io.err(line);
      this.last = Date.now();
    }
  }

  private evaluationLine(p: EngineSearchProgress, tty: boolean) {
    const e = p.last;
    const what = e.error ? `failed: ${e.error}` : `accuracy ${f2(e.reward)}`;
    const l = `  seed ${p.seed} #${p.evaluations}: ${this.space === 'nasbench201' ? `nb201_${e.index}` : `cell ${e.index}`} ${what} (${e.reused ? `reused from ${e.reusedFrom ?? 'the results log'}` : `${e.cost.toFixed(1)} s`})${e.warning ? `\n    warning: ${e.warning}` : ''}`;
    if (tty) this.io.errRaw(`\r\x1b[2K${l}\n`);
    else this.io.err(l);
  }

  end() {
    if (this.drawn) this.io.errRaw('\n');
    this.drawn = false;
  }
}

export async function searchCmd(argv: string[], io: SearchIO, runOpts: Pick<RunSearchOptions, 'deps'> = {}): Promise<number> {
  const { params, json, out } = paramsOf(argv);
  if (params.objective === 'command') {
    const torn = params.fresh ? undefined : new ResultsLog(params.log!).warning;
    if (torn) io.err(`warning: ${torn}`);
    io.err(`results log: ${params.log} (${params.fresh ? '--fresh: earlier evaluations in it are not reused' : `finished evaluations in it are not run again${params.retryFailed ? ', except failed ones' : ''}`})`);
  }
  if ((params.maxParams !== undefined || params.maxFlops !== undefined) && params.space === 'nasbench201' && !params.table) {
    const dataset = params.dataset ?? 'cifar10';
    const n = nb201WithinCost({ maxParams: params.maxParams, maxFlops: params.maxFlops, dataset }).length;
    const limits = [params.maxParams !== undefined ? `≤ ${int(params.maxParams)} parameters` : '', params.maxFlops !== undefined ? `≤ ${int(params.maxFlops)} FLOPs` : ''].filter(Boolean).join(', ');
    io.err(`cost constraint: ${int(n)} of 15,625 cells have ${limits} (${dataset} network)`);
  }
  const progress = new SearchProgress(io, params.objective === 'command', params.space);
  const ctl = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) {
      progress.end();
      io.err('interrupted again: quitting at once');
      process.exit(130);
    }
    progress.end();
    io.err('interrupt: stopping the search, printing the best so far (Ctrl-C again to quit at once)');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  process.on('SIGHUP', onSigint);
  let r: EngineSearchResult;
  try {
    r = await runSearch(params, { ...runOpts, signal: ctl.signal, onProgress: (p) => progress.update(p), onPrepare: (w, d, t) => progress.prepare(w, d, t) });
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    process.off('SIGHUP', onSigint);
  }
  const text = json ? JSON.stringify(r, null, 2) : formatSearch(r);
  io.out(text);
  if (out) {
    const file = resolve(out);
    writeFileSync(file, (/\.json$/i.test(file) && !json ? JSON.stringify(r, null, 2) : text) + '\n');
    io.err(`wrote ${file}`);
  }
  if (r.stopped === 'cancelled') return 130;
  if (r.objective === 'file') return r.suggestions?.length ? 0 : 1;
  if (r.runs.every((x) => !x.best)) {
    io.err('arch2vec: no evaluation succeeded' + (r.objective === 'command' ? ' (see the reasons in the results log)' : ''));
    return 1;
  }
  return 0;
}
