/**
 * The engine's CLI commands: pretrain, eval, embed, neighbours, enumerate, backends, install-backend.
 * They call the same EngineService as the engine process, so CLI and editor agree. Human output:
 * results on stdout, the backend header and progress on stderr; --json: one JSON document on stdout
 * with a `backend` field. Exit codes: 0 ok, 1 failure (bad model directory, invalid cell, no model),
 * 2 usage error (also an unknown space or backend name), 130 interrupted (pretrain: checkpoint saved).
 */
import { nb201RowMetrics } from '../core/benchmarkMetrics';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendReport, Neighbour, PretrainProgress } from '../protocol';
import { costText, fileValueText, predictionLine } from './listedCellText';
import { cellText } from '../core/render';
import { SPACES } from '../core/spaces';
import { nb201Table } from '../core/spaces/nasbench201';
import { listBackends } from '../engine/backend';
import { DARTS_REFERENCE_POOL } from '../engine/data/dartsSample';
import { ENGINE_SPACES, type DatasetOptions } from '../engine/spaces';
import { EngineError, checkSpace } from '../engine/errors';
import { parseOpts, type Opts } from './options';
import { evaluateModel } from '../engine/query/evaluate';
import { backendsDir, cacheDir } from '../engine/paths';
import { EngineService, checkBackendName } from '../engine/service';
import type { EpochMetrics } from '../engine/train/trainer';
import { readText, UsageError } from './files';
import { PreparePrinter, ProgressPrinter } from './progress';
import { searchCmd } from './searchCommand';

export interface EngineIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Raw stderr (progress bars). */
  errRaw: (s: string) => void;
  stderrIsTTY: boolean;
}

const str = (o: Opts, k: string) => o.get(k) as string | undefined;
const int = (o: Opts, k: string) => o.get(k) as number | undefined;
const flag = (o: Opts, k: string) => o.get(k) === true;

function backendOpt(o: Opts) {
  const b = str(o, '--backend') ?? process.env.ARCH2VEC_BACKEND ?? 'auto';
  try {
    return checkBackendName(b);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function spaceOpt(o: Opts, required: boolean) {
  const s = str(o, '--space');
  if (s === undefined) {
    if (required) throw new UsageError('--space is required (nasbench101, nasbench201 or darts)');
    return undefined;
  }
  try {
    return checkSpace(s);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function oneFile(command: string, pos: string[]): string {
  if (pos.length !== 1) throw new UsageError(`'${command}' needs exactly one .cells file`);
  return pos[0];
}

/** `backend: wasm (device)` and a line per backend skipped before it, with the reason. */
export function backendHeader(r: BackendReport): string[] {
  return [`backend: ${r.backend} (${r.device})`, ...r.skipped.map((s) => `  skipped ${s.backend}: ${s.reason}`)];
}

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

function metricsLines(m: EpochMetrics): string[] {
  return [
    `epoch ${m.epoch} (${m.mode} mode): loss ${m.loss.total.toFixed(4)} (ops ${m.loss.ops.toFixed(4)}, adj ${m.loss.adj.toFixed(4)}, kl ${m.loss.kl.toFixed(4)}), ${Math.round(m.graphsPerSec)} graphs/s, ${m.seconds.toFixed(1)} s`,
    `  reconstruction (held-out): ops ${pct(m.reconstruction.accOps)}, adjacency ${pct(m.reconstruction.accAdj)}`
      + (m.generative ? `; validity ${pct(m.generative.validity)}, uniqueness ${pct(m.generative.uniqueness)} of ${m.generative.samples} samples` : ''),
  ];
}

async function pretrainCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('pretrain', argv, {
    '--space': 'string', '--epochs': 'int', '--batch-size': 'int', '--seed': 'int', '--backend': 'string', '--out': 'string', '--resume': 'bool',
    '--reference-eval-mode': 'bool', '--validity-samples': 'int', '--max-steps': 'int', '--darts-pool': 'int', '--threads': 'int', '--json': 'bool',
  });
  if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'pretrain'`);
  const space = spaceOpt(opts, true)!;
  const json = flag(opts, '--json');
  const params = {
    space, epochs: int(opts, '--epochs'), batchSize: int(opts, '--batch-size'), seed: int(opts, '--seed'), outDir: str(opts, '--out'),
    resume: flag(opts, '--resume') || undefined, referenceEvalMode: flag(opts, '--reference-eval-mode') || undefined,
    validitySamples: int(opts, '--validity-samples'), maxSteps: int(opts, '--max-steps'), dartsPool: int(opts, '--darts-pool'),
    threads: int(opts, '--threads'),
  };
  const service = new EngineService(backendOpt(opts));
  const backend = await service.backend();
  for (const l of backendHeader(backend)) io.err(l);
  const modelDir = service.pretrainDir(params);
  io.err(`model directory: ${modelDir}${params.resume ? ' (resuming)' : ''}`);

  const progress = new ProgressPrinter(io.errRaw, io.stderrIsTTY);
  const ctl = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) {
      progress.end();
      io.err('interrupted again: quitting without waiting for the checkpoint');
      process.exit(130);
    }
    progress.end();
    io.err('interrupt: stopping at the next step and saving a checkpoint (Ctrl-C again to quit at once)');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const r = await service.pretrain({ ...params, outDir: modelDir }, ctl.signal, (p: PretrainProgress) => progress.update(p));
    progress.end();
    if (json) {
      io.out(JSON.stringify({ backend: r.backend, modelDir: r.modelDir, seconds: r.seconds, config: r.config, metrics: r.metrics }, null, 2));
    } else {
      io.out(`model: ${r.modelDir}`);
      const last = r.metrics.at(-1);
      if (last) for (const l of metricsLines(last)) io.out(l);
      io.out(`time: ${r.seconds.toFixed(1)} s on ${r.backend.backend}${r.config.products ? ` (${r.config.products})` : ''}; ${r.config.data.count} ${space} cells embedded`);
    }
    return 0;
  } catch (e) {
    progress.end();
    if (e instanceof EngineError && e.kind === 'cancelled') {
      io.err(`interrupted: checkpoint saved in ${e.data.modelDir}`);
      io.err(`resume with: ${e.data.resume}`);
      return 130;
    }
    const fsProblem = storageProblem(e);
    if (fsProblem) {
      // Every model file is replaced atomically: what was written before the failure is whole.
      io.err(`arch2vec: pretraining stopped: ${fsProblem}`);
      if (fsProblem.startsWith('cannot create directory')) {
        io.err('nothing was written; choose another --out');
        return 1;
      }
      io.err(`the last checkpoint in ${modelDir} (if one was written) is intact; fix the problem, then resume with:`);
      io.err(`  arch2vec pretrain --space ${space} --resume --out ${modelDir}${params.epochs !== undefined ? ` --epochs ${params.epochs}` : ''}`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EROFS: 'read-only file system', EACCES: 'permission denied',
  EPERM: 'operation not permitted', EIO: 'input/output error', ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', EFBIG: 'file too large',
};

/** A file-system failure as one sentence (what, where), or undefined for anything else. */
function storageProblem(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (err?.code && STORAGE_CODES[err.code]) return `${STORAGE_CODES[err.code]} (${err.code})${err.path ? ` writing ${err.path}` : ''}`;
  if (err instanceof Error && /^cannot create directory /.test(err.message)) return err.message;
  return undefined;
}

async function evalCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('eval', argv, { '--space': 'string', '--model': 'string', '--json': 'bool', '--samples': 'int', '--backend': 'string' });
  if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'eval'`);
  const space = spaceOpt(opts, false);
  const model = str(opts, '--model');
  if (!space && !model) throw new UsageError("'eval' needs --space SPACE or --model DIR");
  if (space && model) throw new UsageError("'eval' takes --space or --model, not both");
  const json = flag(opts, '--json');
  const service = new EngineService(backendOpt(opts));
  const backend = await service.backend();
  if (!json) for (const l of backendHeader(backend)) io.err(l);
  const qm = await service.model(model, space);
  if (!json) io.err(`model: ${qm.dir} (${qm.source}; ${qm.space}, ${qm.config.epochsDone}/${qm.config.train.epochs} epochs)`);
  const r = await evaluateModel(qm, { samples: int(opts, '--samples'), onProgress: json ? undefined : (m) => io.err(`  ${m}`) });
  if (json) {
    io.out(JSON.stringify({ backend, model: qm.info(), heldOut: r.heldOut, reconstruction: r.reconstruction, generative: r.generative ?? null, recorded: r.recorded ?? null, seconds: r.seconds }, null, 2));
    return 0;
  }
  const rec = r.recorded;
  const rows: [string, number | undefined, number | undefined][] = [
    ['reconstruction: ops', r.reconstruction.accOps, rec?.reconstruction.accOps],
    ['reconstruction: adjacency', r.reconstruction.accAdj, rec?.reconstruction.accAdj],
    ['validity', r.generative?.validity, rec?.generative?.validity],
    ['uniqueness', r.generative?.uniqueness, rec?.generative?.uniqueness],
  ];
  io.out(`${'metric'.padEnd(28)}${'now'.padStart(10)}${(rec ? `epoch ${rec.epoch}` : 'recorded').padStart(12)}`);
  for (const [name, now, then] of rows) io.out(`${name.padEnd(28)}${pct(now).padStart(10)}${pct(then).padStart(12)}`);
  io.out(`held-out cells: ${r.heldOut}; latent samples: ${r.generative?.samples ?? 0}; ${r.seconds.toFixed(1)} s`);
  return 0;
}

async function embedCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('embed', argv, { '--model': 'string', '--space': 'string', '--json': 'bool', '--backend': 'string' });
  const file = oneFile('embed', pos);
  const text = readText(file);
  const json = flag(opts, '--json');
  const service = new EngineService(backendOpt(opts));
  const backend = await service.backend();
  if (!json) for (const l of backendHeader(backend)) io.err(l);
  const r = await service.embed({ text, modelDir: str(opts, '--model'), defaultSpace: spaceOpt(opts, false) ?? 'nasbench101' });
  const failed = r.cells.filter((c) => !c.embedding);
  if (json) io.out(JSON.stringify({ backend: r.backend, file, cells: r.cells }, null, 2));
  else {
    const models = [...new Set(r.cells.map((c) => c.model).filter(Boolean))];
    for (const m of models) io.err(`model: ${m}`);
    for (const c of r.cells) {
      if (c.embedding) io.out(`${c.name}\t${c.embedding.map((x) => x.toFixed(6)).join(' ')}`);
      else io.err(`${file}:${c.line ?? 0}: cell '${c.name}' not embedded: ${c.error}`);
    }
  }
  if (r.cells.length === 0) {
    io.err(`${file}: no cells`);
    return 1;
  }
  return failed.length ? 1 : 0;
}

const NB201_SHORT: [string, string][] = [['cifar10_test_acc', 'CIFAR-10'], ['cifar100_test_acc', 'CIFAR-100'], ['imagenet16_120_test_acc', 'ImageNet16-120']];

function neighbourCell(n: Neighbour): string {
  const prefix = SPACES[n.spec.space].rowPrefix;
  const { metrics, notes } = nb201RowMetrics(n.accuracies);
  const acc = n.accuracies ? ', test accuracy ' + NB201_SHORT.map(([k, label]) => `${label} ${n.accuracies![k]?.toFixed(2)}`).join(' / ') : '';
  return `# ${n.rank}: index ${n.index}, distance ${n.distance.toFixed(4)}${acc}${costText(n)}${fileValueText(n.fileValue)}\n` + cellText(`${prefix}_${n.index}`, n.spec, metrics, notes);
}

async function neighboursCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('neighbours', argv, { '--cell': 'string', '--k': 'int', '--model': 'string', '--space': 'string', '--json': 'bool', '--backend': 'string', '--metric': 'string', '--min-measured': 'int' }, { '-k': '--k' });
  const file = oneFile('neighbours', pos);
  const cell = str(opts, '--cell');
  if (!cell) throw new UsageError("'neighbours' needs --cell NAME");
  const k = int(opts, '--k') ?? 10;
  if (k < 1) throw new UsageError('-k must be at least 1');
  const text = readText(file);
  const json = flag(opts, '--json');
  const service = new EngineService(backendOpt(opts));
  const backend = await service.backend();
  if (!json) for (const l of backendHeader(backend)) io.err(l);
  const minMeasured = int(opts, '--min-measured');
  if (minMeasured !== undefined && minMeasured < 1) throw new UsageError('--min-measured must be at least 1');
  // Neighbours without a benchmark value get the file's prediction once it has enough measured cells (the editor's rule).
  const predict = { ...(str(opts, '--metric') ? { metric: str(opts, '--metric') } : {}), ...(minMeasured !== undefined ? { minMeasured } : {}) };
  const prep = new PreparePrinter(io);
  const r = await service.neighbours({ text, cell, k, modelDir: str(opts, '--model'), defaultSpace: spaceOpt(opts, false) ?? 'nasbench101', predict }, json ? undefined : (p) => prep.update(p));
  prep.end();
  if (json) {
    io.out(JSON.stringify(r, null, 2));
    return 0;
  }
  io.err(`model: ${r.model}`);
  const where = r.query.index !== null ? `${r.space} index ${r.query.index}` : `${r.space}, not in the model's table`;
  io.out(`# ${r.neighbours.length} nearest neighbours of cell '${r.query.name}' (${where}) by arch2vec embedding distance`);
  io.out(`# model ${r.model}; ${r.space === 'nasbench201' ? `accuracies: NAS-Bench-201 (${String(nb201Table().header.provenance.benchmark ?? 'shipped table')}), val = cifar10-valid, test = CIFAR-10` : 'no benchmark table for this space'}`);
  io.out(`# query${costText(r.query)}${fileValueText(r.query.fileValue)}; params / FLOPs (multiply-adds) of each cell's benchmark network on CIFAR-10, as \`arch2vec info\` counts them`);
  const pl = predictionLine(r.prediction);
  if (pl) io.out(pl);
  for (const n of r.neighbours) io.out('\n' + neighbourCell(n).replace(/\n$/, ''));
  return 0;
}

async function enumerateCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('enumerate', argv, { '--space': 'string', '--count': 'bool', '--json': 'bool', '--darts-pool': 'int', '--seed': 'int' });
  if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'enumerate'`);
  const space = spaceOpt(opts, true)!;
  if (!flag(opts, '--count')) throw new UsageError("'enumerate' prints the size of the space: pass --count");
  const t0 = performance.now();
  const progress = io.stderrIsTTY ? (s: string) => io.errRaw(`\r\x1b[2K${s}`) : (s: string) => io.err(s);
  let last = 0;
  let printed = false;
  const options: DatasetOptions = {
    cacheDir: cacheDir(),
    dartsPool: int(opts, '--darts-pool') ?? DARTS_REFERENCE_POOL,
    seed: int(opts, '--seed') ?? 3,
    onProgress: (p) => {
      const now = Date.now();
      if (p.phase === 'cache-invalid' || p.done === p.total || now - last > 1000) {
        progress(`${space} ${p.phase}${p.total ? ` ${p.done}/${p.total}` : ''}${p.message ? `: ${p.message}` : ''}`);
        last = now;
        printed = true;
      }
    },
  };
  const engineSpace = ENGINE_SPACES[space];
  const ds = engineSpace.loadDataset(options);
  if (io.stderrIsTTY && printed) io.errRaw('\n');
  const count = ds.count;
  const source = engineSpace.sourceOf(ds, options);
  const seconds = (performance.now() - t0) / 1000;
  if (flag(opts, '--json')) io.out(JSON.stringify({ space, count, source, seconds }));
  else {
    io.err(`${space}: ${source}, ${seconds.toFixed(2)} s`);
    io.out(String(count));
  }
  return 0;
}

async function backendsCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos, opts } = parseOpts('backends', argv, { '--json': 'bool' });
  if (pos.length) throw new UsageError(`unexpected argument '${pos[0]}' for 'backends'`);
  const probes = await listBackends();
  if (flag(opts, '--json')) {
    io.out(JSON.stringify(probes, null, 2));
    return 0;
  }
  const auto = probes.find((p) => p.auto);
  for (const p of probes) {
    const mark = p === auto ? '*' : p.available ? '+' : '-';
    io.out(`${mark} ${p.backend.padEnd(15)}${p.available ? p.device ?? '' : 'not available'}${p.reason ? `\n    ${p.reason}` : ''}`);
  }
  io.out(auto ? `'auto' picks ${auto.backend} (*); + loads too, - does not load here` : 'no backend loads here');
  return 0;
}

const BACKEND_PACKAGES: Record<string, string> = { tensorflow: '@tensorflow/tfjs-node', 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu' };
export const NATIVE_BACKEND_VERSION = '4.22.0';

async function installBackendCmd(argv: string[], io: EngineIO): Promise<number> {
  const { pos } = parseOpts('install-backend', argv, {});
  if (pos.length !== 1 || !BACKEND_PACKAGES[pos[0]]) throw new UsageError(`'install-backend' takes one of: ${Object.keys(BACKEND_PACKAGES).join(', ')}`);
  const pkg = `${BACKEND_PACKAGES[pos[0]]}@${NATIVE_BACKEND_VERSION}`;
  const dir = backendsDir();
  mkdirSync(dir, { recursive: true });
  // A package.json makes npm install into this directory rather than a parent project.
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'arch2vec-backends', private: true, description: 'native TensorFlow.js backends installed by `arch2vec install-backend`' }, null, 2) + '\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', pkg];
  io.err(`installing ${pkg} into ${dir} (downloads the package and, in its install script, libtensorflow)`);
  io.err(`$ ${npm} ${args.join(' ')}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(npm, args, { stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
    child.on('error', (e) => {
      io.err(`arch2vec: cannot run npm: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  if (code !== 0) {
    io.err(`arch2vec: installing ${pkg} failed (npm exit code ${code}).`);
    io.err('  It needs network access to the npm registry and, for the native library, to storage.googleapis.com;');
    io.err('  offline or behind a proxy it cannot work. The wasm and cpu backends are built in and need nothing.');
    return 1;
  }
  try {
    const resolved = createRequire(join(dir, 'package.json')).resolve(BACKEND_PACKAGES[pos[0]]);
    io.out(`installed ${pkg} (${resolved})`);
  } catch (e) {
    io.err(`arch2vec: npm finished but ${BACKEND_PACKAGES[pos[0]]} does not resolve from ${dir}: ${(e as Error).message}`);
    return 1;
  }
  io.out(`check it with: arch2vec backends`);
  return 0;
}

export async function runEngineCommand(command: string, argv: string[], io: EngineIO): Promise<number> {
  try {
    switch (command) {
      case 'pretrain': return await pretrainCmd(argv, io);
      case 'eval': return await evalCmd(argv, io);
      case 'embed': return await embedCmd(argv, io);
      case 'neighbours': return await neighboursCmd(argv, io);
      case 'enumerate': return await enumerateCmd(argv, io);
      case 'backends': return await backendsCmd(argv, io);
      case 'install-backend': return await installBackendCmd(argv, io);
      case 'search': return await searchCmd(argv, io);
      default: throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`arch2vec: ${e.message}`);
      io.err(`Run 'arch2vec --help' for usage.`);
      return 2;
    }
    if (e instanceof EngineError) {
      io.err(`arch2vec: ${e.message}`);
      return e.kind === 'unknownSpace' ? 2 : e.kind === 'cancelled' ? 130 : 1;
    }
    throw e;
  }
}
