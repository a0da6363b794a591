/**
 * Time to quality: a whole NAS-Bench-201 pretraining of this engine and of the PyTorch reference, one
 * after the other on the same machine, with every epoch's wall time and Table 1 metrics (held-out
 * reconstruction, validity, uniqueness) side by side, and the time at which each side first reaches
 * the paper's NB201 row (100 / 79.41 / 98.72).
 *
 *   npm run bench:quality [-- --epochs 10 --samples 10000 --threads 2 --backend wasm --order ref,ours --json OUT]
 *
 * Ours: `pretrain()` in a child process with the reference protocol (`arch2vec pretrain --space
 * nasbench201 --reference-eval-mode`, same seed 3, 10,000 latent samples per epoch), final embedding
 * included. The reference: bench/reference/quality_torch.py (the official script's protocol on the
 * PyTorch model of arch2vec_torch.py; validity samples decoded one graph at a time, as the official
 * code does) under $ARCH2VEC_PYTHON, /usr/bin/python3 or python3, whichever imports torch.
 * Times are seconds since the child process was spawned (imports and data loading included); CPU
 * seconds and peak RSS are the child's own (getrusage: all threads, worker threads included).
 * `--order` picks who runs first (`ref`, `ours`, or both in either order; `--sides ours` runs one side);
 * `--from-json FILE` prints the report of an earlier `--json FILE` run again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../server/src/engine/backend';
import { pretrain } from '../server/src/engine/train/trainer';

/** The paper's Table 1 row for NB201 (percent): reconstruction accuracy, validity, uniqueness. */
export const PAPER_NB201 = { reconstruction: 100, validity: 79.41, uniqueness: 98.72 };

interface EpochLine {
  epoch: number;
  mode: string;
  trainSeconds: number;
  metricSeconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  loss: number;
  accOps: number;
  accAdj: number;
  validity: number | null;
  uniqueness: number | null;
  /** Driver clock: seconds since spawn when the line arrived. */
  at: number;
}

interface SideRun {
  side: 'ours' | 'ref';
  label: string;
  ready?: number;
  epochs: EpochLine[];
  /** Seconds since spawn at exit; CPU seconds at the end of the last epoch (and at exit, where reported); peak RSS. */
  total: number;
  cpuSeconds: number;
  cpuAtExit?: number;
  maxRssMB: number;
  exitCode: number | null;
  stderrTail: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

// ---------------------------------------------------------------------------------------------------
// Child: our side, in its own process so its peak RSS and CPU time are its own.

async function oursChild(): Promise<void> {
  const backend = await selectBackend(arg('backend', 'wasm') as 'wasm');
  const threads = Number(arg('threads', '0')) || undefined;
  const dir = mkdtempSync(join(tmpdir(), 'a2v-quality-'));
  const stats = () => ({ cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 });
  const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  let readySent = false;
  try {
    await pretrain({
      space: 'nasbench201', modelDir: join(dir, 'model'), cacheDir: join(dir, 'cache'), backend, threads,
      train: { epochs: Number(arg('epochs', '10')), referenceEvalModeQuirk: true },
      validitySamples: Number(arg('samples', '10000')),
      onProgress: (p) => {
        if (!readySent && p.phase === 'train') {
          readySent = true;
          emit({ ready: true, backend: `${backend.backend} (${backend.device})`, threads: threads ?? 'default' });
        }
      },
      onEpoch: (m) => emit({
        epoch: m.epoch, mode: m.mode, trainSeconds: m.seconds, metricSeconds: NaN, loss: m.loss.total,
        accOps: m.reconstruction.accOps, accAdj: m.reconstruction.accAdj,
        validity: m.generative?.validity ?? null, uniqueness: m.generative?.uniqueness ?? null, ...stats(),
      }),
    });
    emit({ done: true, ...stats() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Driver.

function findPython(): string | undefined {
  const candidates = [process.env.ARCH2VEC_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runSide(side: 'ours' | 'ref', command: string, args: string[]): Promise<SideRun> {
  const run: SideRun = { side, label: side === 'ours' ? 'this project' : 'PyTorch reference', epochs: [], total: NaN, cpuSeconds: NaN, maxRssMB: NaN, exitCode: null, stderrTail: '' };
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..') });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const o = JSON.parse(line) as Record<string, unknown>;
        const at = since();
        if (o.ready) {
          run.ready = at;
          process.stderr.write(`${run.label}: ready after ${at.toFixed(1)} s (${JSON.stringify(o)})\n`);
        } else if (typeof o.epoch === 'number') {
          const e = { ...(o as unknown as EpochLine), at };
          // Ours reports training time only; the rest of the epoch up to this line is its metrics and checkpoint.
          if (!Number.isFinite(e.metricSeconds)) {
            const prev = run.epochs.at(-1)?.at ?? run.ready ?? 0;
            e.metricSeconds = Math.max(0, at - prev - e.trainSeconds);
          }
          run.epochs.push(e);
          run.cpuSeconds = e.cpuSeconds;
          run.maxRssMB = e.maxRssMB;
          process.stderr.write(`${run.label}: epoch ${e.epoch} at ${at.toFixed(1)} s: ${fmtMetrics(e)}\n`);
        } else if (o.done) {
          run.cpuAtExit = o.cpuSeconds as number;
          run.maxRssMB = o.maxRssMB as number;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => { run.stderrTail = (run.stderrTail + c).slice(-2000); });
    child.on('close', (code) => {
      run.exitCode = code;
      run.total = since();
      resolve(run);
    });
  });
}

const pct = (x: number | null | undefined, digits = 2) => (x == null || !Number.isFinite(x) ? '-' : (100 * x).toFixed(digits));

function fmtMetrics(e: EpochLine): string {
  return `ops ${pct(e.accOps)}% adj ${pct(e.accAdj, 3)}% validity ${pct(e.validity)}% uniqueness ${pct(e.uniqueness)}%`;
}

/** Reconstruction counts as 100 when both per-entry accuracies print as 100.00%. */
const reconReached = (e: EpochLine) => e.accOps >= 0.99995 && e.accAdj >= 0.99995;

/** The first epoch line meeting `test`, or undefined. */
function first(run: SideRun, test: (e: EpochLine) => boolean): EpochLine | undefined {
  return run.epochs.find(test);
}

export function timeToQuality(run: SideRun): { reconstruction?: EpochLine; validity?: EpochLine; uniqueness?: EpochLine; all?: EpochLine } {
  const v = (e: EpochLine) => e.validity != null && 100 * e.validity >= PAPER_NB201.validity;
  const u = (e: EpochLine) => e.uniqueness != null && 100 * e.uniqueness >= PAPER_NB201.uniqueness;
  return { reconstruction: first(run, reconReached), validity: first(run, v), uniqueness: first(run, u), all: first(run, (e) => reconReached(e) && v(e) && u(e)) };
}

const cpuAtEnd = (r: SideRun) => r.epochs.at(-1)?.cpuSeconds ?? NaN;

function report(runs: SideRun[], epochs: number, samples: number): string[] {
  const out: string[] = [];
  const cell = (e: EpochLine | undefined) => (e ? `${e.at.toFixed(1)} | ${pct(e.accOps)} / ${pct(e.accAdj, 3)} | ${pct(e.validity)} | ${pct(e.uniqueness)}` : '- | - | - | -');
  out.push(`NB201 pretraining, ${epochs} epochs, reference protocol (eval-mode epochs 2..N), ${samples} latent samples per epoch; times = s since spawn`);
  out.push(`| epoch | ${runs.map((r) => `${r.label}: s | ops / adj % | validity % | uniqueness %`).join(' | ')} |`);
  out.push(`|---|${runs.map(() => '---|---|---|---|').join('')}`);
  for (let i = 0; i < epochs; i++) out.push(`| ${i + 1} | ${runs.map((r) => cell(r.epochs[i])).join(' | ')} |`);
  out.push('');
  out.push(`| | ${runs.map((r) => r.label).join(' | ')} |`);
  out.push(`|---|${runs.map(() => '---|').join('')}`);
  const row = (name: string, f: (r: SideRun) => string) => out.push(`| ${name} | ${runs.map(f).join(' | ')} |`);
  row('ready (imports, data, model) s', (r) => (r.ready ?? NaN).toFixed(1));
  row('training loop s (sum over epochs)', (r) => r.epochs.reduce((s, e) => s + e.trainSeconds, 0).toFixed(1));
  row('metrics s (sum over epochs)', (r) => r.epochs.reduce((s, e) => s + e.metricSeconds, 0).toFixed(1));
  row(`wall s at the end of epoch ${epochs}`, (r) => (r.epochs.at(-1)?.at ?? NaN).toFixed(1));
  row(`  of which after "ready"`, (r) => ((r.epochs.at(-1)?.at ?? NaN) - (r.ready ?? 0)).toFixed(1));
  row('wall s at exit (ours: + final embedding)', (r) => r.total.toFixed(1));
  row(`CPU s (all threads) at the end of epoch ${epochs}`, (r) => cpuAtEnd(r).toFixed(1));
  row('CPU s at exit', (r) => (r.cpuAtExit ?? r.cpuSeconds).toFixed(1));
  row('peak RSS MB', (r) => r.maxRssMB.toFixed(0));
  const ttq = (pick: (t: ReturnType<typeof timeToQuality>) => EpochLine | undefined) => (r: SideRun) => {
    const e = pick(timeToQuality(r));
    return e ? `${e.at.toFixed(1)} s (epoch ${e.epoch})` : `never in ${r.epochs.length} epochs`;
  };
  row(`first reconstruction ${PAPER_NB201.reconstruction}`, ttq((t) => t.reconstruction));
  row(`first validity ≥ ${PAPER_NB201.validity}`, ttq((t) => t.validity));
  row(`first uniqueness ≥ ${PAPER_NB201.uniqueness}`, ttq((t) => t.uniqueness));
  row(`first paper row (${PAPER_NB201.reconstruction} / ${PAPER_NB201.validity} / ${PAPER_NB201.uniqueness})`, ttq((t) => t.all));
  const ours = runs.find((r) => r.side === 'ours');
  const ref = runs.find((r) => r.side === 'ref');
  if (ours && ref && ours.epochs.length && ref.epochs.length) {
    const w = ours.epochs.at(-1)!.at / ref.epochs.at(-1)!.at;
    const wr = (ours.epochs.at(-1)!.at - (ours.ready ?? 0)) / (ref.epochs.at(-1)!.at - (ref.ready ?? 0));
    const c = cpuAtEnd(ours) / cpuAtEnd(ref);
    out.push('');
    out.push(`whole run to the end of epoch ${epochs}: ours / reference = ${w.toFixed(2)}x the wall time (${wr.toFixed(2)}x after "ready"), ${c.toFixed(2)}x the CPU seconds; peak RSS ${(ours.maxRssMB / ref.maxRssMB).toFixed(2)}x`);
  }
  return out;
}

async function driver(): Promise<number> {
  const saved = arg('from-json', '');
  if (saved) {
    // Re-print the report of an earlier run (its --json file).
    const j = JSON.parse(readFileSync(saved, 'utf8')) as { epochs: number; samples: number; runs: SideRun[] };
    for (const l of report(j.runs, j.epochs, j.samples)) console.log(l);
    return 0;
  }
  const epochs = Number(arg('epochs', '10'));
  const samples = Number(arg('samples', '10000'));
  const sides = arg('sides', 'ref,ours').split(',');
  const order = arg('order', sides.join(',')).split(',').filter((s) => sides.includes(s)) as ('ours' | 'ref')[];
  const runs: SideRun[] = [];
  const load = () => (process.platform === 'linux' ? (require('node:os') as typeof import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ') : '?');
  for (const side of order) {
    process.stderr.write(`load average ${load()}: starting ${side}\n`);
    if (side === 'ref') {
      const py = findPython();
      if (!py) {
        process.stderr.write('no Python with torch (set ARCH2VEC_PYTHON, or run bash bench/reference/setup.sh): reference skipped\n');
        continue;
      }
      runs.push(await runSide('ref', py, [join(__dirname, 'reference', 'quality_torch.py'), '--epochs', String(epochs), '--samples', String(samples)]));
    } else {
      const extra = ['--backend', arg('backend', 'wasm'), ...(process.argv.includes('--threads') ? ['--threads', arg('threads', '0')] : [])];
      runs.push(await runSide('ours', process.execPath, ['--import', 'tsx', __filename, '--child', '--epochs', String(epochs), '--samples', String(samples), ...extra]));
    }
    const r = runs.at(-1)!;
    if (r.exitCode !== 0) process.stderr.write(`${r.label} exited with ${r.exitCode}:\n${r.stderrTail}\n`);
  }
  process.stderr.write(`load average ${load()}: done\n`);
  for (const l of report(runs, epochs, samples)) console.log(l);
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify({ epochs, samples, paper: PAPER_NB201, runs: runs.map(({ stderrTail: _s, ...r }) => r) }, null, 2) + '\n');
  return runs.every((r) => r.exitCode === 0) ? 0 : 1;
}

if (require.main === module) {
  if (process.argv.includes('--child')) {
    oursChild().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    driver().then((code) => process.exit(code), (e) => {
      console.error(e);
      process.exit(1);
    });
  }
}
