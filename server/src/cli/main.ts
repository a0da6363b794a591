import { analyze } from '../core/analyze';
import { cellCost } from '../core/export/cost';
import type { Severity } from '../core/diagnostics';
import { formatText } from '../core/format';
import { isSpaceId, SPACE_IDS, type SpaceId } from '../core/spaces';
import { stripBom } from '../core/text';
import { expandInputs, readText, readTextForRewrite, UsageError, writeAtomic } from './files';
import { ENGINE_COMMANDS, ENGINE_USAGE } from './engineUsage';
import { exitAfterFlush, installPipeGuards } from './exit';
import { VERSION } from '../version';
import { EXPORT_USAGE, runExport, runInfo } from './exportCommand';
import { predictCmd } from './predictCommand';


const USAGE = `arch2vec ${VERSION} — cell-spec tools

Usage:
  arch2vec validate FILE|DIR... [--json] [--space SPACE]
      Check .cells files. Prints file:line:col: severity code: message (1-based).
      --json   print [{file,line,column,endLine,endColumn,severity,code,message}]
      --space  default space for cells that name none (${SPACE_IDS.join(', ')})
      Exit 0: no errors (warnings allowed); 1: errors; 2: usage or unreadable file.
  arch2vec hash FILE|DIR... [--json] [--space SPACE]
      Each cell's canonical id: NAS-Bench-101 hash, NAS-Bench-201 index, DARTS graph hash.
  arch2vec format FILE|DIR... [--check | --write]
      Print the formatted file (one file), --check: exit 1 if any file is not formatted,
      --write: rewrite files in place (atomically).
  arch2vec predict FILE [--metric accuracy] [--json] [--space SPACE] [--min-measured 5]
      Predict the metric (mean ± std) of every unmeasured valid cell from the file's measured cells
      (a Gaussian process per search space) and check it on the measured ones (leave-one-out RMSE,
      Pearson r, Kendall τ). --json: {predictions: [{name, line, space, predicted, std, nearest}],
      loo: {rmse, pearson, kendallTau}, spaces}. Exit 1: too few measured cells.
${EXPORT_USAGE}${ENGINE_USAGE}  arch2vec --version | --help
`;

const CLI_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' };

interface Args {
  command: string;
  files: string[];
  flags: Set<string>;
  space: SpaceId;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  const files: string[] = [];
  const flags = new Set<string>();
  let space: SpaceId = 'nasbench101';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--space') {
      const v = rest[++i];
      if (!v || !isSpaceId(v)) throw new UsageError(`--space needs one of ${SPACE_IDS.join(', ')}`);
      space = v;
    } else if (a.startsWith('--space=')) {
      const v = a.slice(8);
      if (!isSpaceId(v)) throw new UsageError(`--space needs one of ${SPACE_IDS.join(', ')}`);
      space = v;
    } else if (a === '--') {
      files.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('--')) flags.add(a);
    else files.push(a);
  }
  return { command, files, flags, space };
}

function checkFlags(args: Args, allowed: string[]) {
  for (const f of args.flags) if (!allowed.includes(f)) throw new UsageError(`unknown option '${f}' for '${args.command}'`);
  if (args.files.length === 0) throw new UsageError(`'${args.command}' needs at least one file or directory`);
}

function validate(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  checkFlags(args, ['--json']);
  const files = expandInputs(args.files);
  const texts = files.map((f) => [f, stripBom(readText(f))] as const);
  const rows: object[] = [];
  let errors = 0;
  let warnings = 0;
  for (const [file, text] of texts) {
    for (const d of analyze(text, { defaultSpace: args.space }).diagnostics) {
      if (d.severity === 'error') errors++;
      if (d.severity === 'warning') warnings++;
      const row = {
        file, line: d.range.start.line + 1, column: d.range.start.character + 1,
        endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
        severity: CLI_SEVERITY[d.severity], code: d.code, message: d.message,
      };
      if (args.flags.has('--json')) rows.push(row);
      else out(`${file}:${row.line}:${row.column}: ${row.severity} ${row.code}: ${row.message}`);
    }
  }
  if (args.flags.has('--json')) out(JSON.stringify(rows, null, 2));
  else err(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors > 0 ? 1 : 0;
}

function hash(args: Args, out: (s: string) => void): number {
  checkFlags(args, ['--json']);
  const rows: { file: string; cell: string | null; line: number; space: string | null; kind: string | null; id: string | null; params: number | null; flops: number | null }[] = [];
  let errors = 0;
  for (const file of expandInputs(args.files)) {
    const a = analyze(stripBom(readText(file)), { defaultSpace: args.space });
    for (const c of a.cells) {
      const ok = !!c.facts?.id && !c.diagnostics.some((d) => d.severity === 'error');
      if (!ok) errors++;
      // Parameters and FLOPs of the benchmark's default network (CIFAR-10); `arch2vec info` has the options.
      const cost = ok && c.spec ? cellCost(c.spec) : undefined;
      rows.push({ file, cell: c.name ?? null, line: c.node.header.start.line + 1, space: c.space ?? null, kind: ok ? c.facts!.idKind : null, id: ok ? c.facts!.id : null, params: cost?.params ?? null, flops: cost?.flops ?? null });
    }
  }
  if (args.flags.has('--json')) out(JSON.stringify(rows, null, 2));
  else for (const r of rows) out(`${r.file}:${r.line}\t${r.cell ?? '(unnamed)'}\t${r.space ?? '?'}\t${r.id ?? '(invalid: run validate)'}`);
  return errors > 0 ? 1 : 0;
}

function format(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  checkFlags(args, ['--check', '--write']);
  const files = expandInputs(args.files);
  if (!args.flags.has('--check') && !args.flags.has('--write') && files.length !== 1) throw new UsageError('format prints one file; use --write or --check for several');
  let unformatted = 0;
  for (const file of files) {
    const text = args.flags.has('--write') ? readTextForRewrite(file) : readText(file);
    const formatted = formatText(text);
    if (args.flags.has('--write')) {
      if (formatted !== text) {
        writeAtomic(file, formatted);
        err(`formatted ${file}`);
      }
    } else if (args.flags.has('--check')) {
      if (formatted !== text) {
        unformatted++;
        out(`${file}: not formatted`);
      }
    } else out(formatted.replace(/\r?\n$/, ''));
  }
  return unformatted > 0 ? 1 : 0;
}

/**
 * Runs one command. Cell-spec commands (validate, hash, format) finish synchronously; engine commands
 * return a promise and load TensorFlow.js only when used (a lazily initialised chunk of the bundle).
 */
export function run(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): number | Promise<number> {
  // `arch2vec COMMAND --help` prints the usage, like the bare --help.
  if (argv.length > 1 && (argv.includes('--help') || argv.includes('-h'))) {
    out(USAGE);
    return 0;
  }
  if (argv[0] && ENGINE_COMMANDS.includes(argv[0])) {
    // Loaded on use: a separate bundle (dist/engineCommands.js, see scripts/build.mjs), so the
    // cell-spec commands never parse TensorFlow.js.
    const engine = require('./engineCommands') as typeof import('./engineCommands');
    return engine.runEngineCommand(argv[0], argv.slice(1), {
      out, err, errRaw: (s: string) => process.stderr.write(s), stderrIsTTY: process.stderr.isTTY === true,
    });
  }
  try {
    if (argv[0] === 'export') return runExport(argv.slice(1), out, err);
    if (argv[0] === 'info') return runInfo(argv.slice(1), out);
    if (argv[0] === 'predict') return predictCmd(argv.slice(1), out, err);
    const args = parseArgs(argv);
    switch (args.command) {
      case 'validate': return validate(args, out, err);
      case 'hash': return hash(args, out);
      case 'format': return format(args, out, err);
      case '--version': case '-v': out(VERSION); return 0;
      case undefined: case '--help': case '-h': case 'help': out(USAGE); return args.command ? 0 : 2;
      default: throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`arch2vec: ${e.message}`);
      err(`Run 'arch2vec --help' for usage.`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  installPipeGuards();
  const code = run(process.argv.slice(2));
  if (typeof code === 'number') exitAfterFlush(code);
  else {
    code.then((c) => exitAfterFlush(c), (e: unknown) => {
      process.stderr.write(`arch2vec: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      exitAfterFlush(70);
    });
  }
}
