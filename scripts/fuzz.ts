/**
 * The long fuzz run: `node --import tsx scripts/fuzz.ts [--seconds N] [--seed S] [--hang-ms M]`
 * (or `npm run fuzz -- --seconds N`).
 *
 * Checks the inputs of seeds S, S+1, ... against the core's invariants (the same generators and checks
 * as test/fuzz.test.ts) until N seconds are up, printing iterations per second. Every failing input is
 * written under .cache/fuzz/ (the input as `.cells`, the seed and violations as `.json`), an input that
 * runs longer than M ms counts as a hang, and the process exits 1 if anything failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFuzz, summarize, type Failure } from '../test/helpers/fuzzgen';

interface Args {
  seconds: number;
  seed: number;
  hangMs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, seed: (Date.now() ^ (process.pid << 16)) >>> 0, hangMs: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isFinite(n) || n < 0) usage(`${flag} needs a non-negative number, got ${JSON.stringify(v)}`);
      return n;
    };
    if (flag === '--seconds') args.seconds = value();
    else if (flag === '--seed') args.seed = value() >>> 0;
    else if (flag === '--hang-ms') args.hangMs = value();
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown argument ${JSON.stringify(a)}`);
  }
  return args;
}

function usage(error?: string): never {
  if (error) console.error(`fuzz: ${error}`);
  console.error('usage: node --import tsx scripts/fuzz.ts [--seconds N (60)] [--seed S (random)] [--hang-ms M (10000)]');
  process.exit(error ? 2 : 0);
}

const MAX_FILES_PER_INVARIANT = 5;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const outDir = resolve(__dirname, '..', '.cache', 'fuzz');
  mkdirSync(outDir, { recursive: true });
  console.log(`fuzz: seeds from ${args.seed} for ${args.seconds} s (hang after ${args.hangMs} ms); failures go to ${outDir}`);

  const written = new Map<string, number>();
  const files: string[] = [];
  const save = (f: Failure) => {
    const invariant = f.violations[0].invariant;
    const n = written.get(invariant) ?? 0;
    if (n >= MAX_FILES_PER_INVARIANT) return;
    written.set(invariant, n + 1);
    const base = join(outDir, `${invariant.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${String(f.seed).replace(/[^A-Za-z0-9_.-]+/g, '_')}`);
    writeFileSync(`${base}.cells`, f.text);
    writeFileSync(`${base}.json`, JSON.stringify({
      seed: f.seed, kind: f.kind, defaultSpace: f.defaultSpace, violations: f.violations,
      reproduce: typeof f.seed === 'number' ? `inputForSeed(${f.seed}) from test/helpers/fuzzgen.ts` : undefined,
      input: f.text.length <= 100_000 ? f.text : `${f.text.slice(0, 100_000)}... (${f.text.length} chars; see ${base}.cells)`,
    }, null, 2));
    files.push(`${base}.json`);
    console.log(`  FAIL seed ${f.seed}: ${f.violations.map((v) => v.invariant).join(', ')} -> ${base}.json`);
  };

  const started = Date.now();
  const result = await runFuzz({ seeds: { first: args.seed, seconds: args.seconds } }, {
    hangMs: args.hangMs,
    progressMs: 5000,
    onProgress: (n) => {
      const s = (Date.now() - started) / 1000;
      console.log(`  ${n} inputs in ${s.toFixed(0)} s (${(n / s).toFixed(0)}/s)`);
    },
    onFailure: save,
  });
  const seconds = result.ms / 1000;
  const last = (args.seed + result.iterations - 1) >>> 0;
  console.log(`fuzz: ${result.iterations} inputs (seeds ${args.seed}..${last}) in ${seconds.toFixed(1)} s: ${(result.iterations / seconds).toFixed(0)} inputs/s, ${result.failures.length} failing`);
  if (result.failures.length === 0) return;
  const report = summarize(result.failures, 2000);
  const summaryFile = join(outDir, `summary-${args.seed}.txt`);
  writeFileSync(summaryFile, report + '\n');
  console.log(report);
  console.log(`fuzz: summary in ${summaryFile}; ${files.length} failing input(s) saved`);
  process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
