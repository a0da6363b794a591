import { UsageError } from './files';

/** Option kinds the engine and search commands take. */
export type OptKind = 'bool' | 'int' | 'number' | 'string';
export type Opts = Map<string, string | number | boolean>;

/**
 * Parses `--flag`, `--opt value`, `--opt=value` and `--` against a spec; unknown options, missing or
 * malformed values are usage errors. `once` rejects an option given twice (otherwise the last wins).
 */
export function parseOpts(command: string, argv: string[], spec: Record<string, OptKind>, aliases: Record<string, string> = {}, once = false): { pos: string[]; opts: Opts } {
  const pos: string[] = [];
  const opts: Opts = new Map();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '--') {
      pos.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      pos.push(a);
      continue;
    }
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    a = aliases[a] ?? a;
    const kind = spec[a];
    if (!kind) throw new UsageError(`unknown option '${a}' for '${command}'`);
    if (kind === 'bool') {
      if (value !== undefined) throw new UsageError(`${a} takes no value`);
      opts.set(a, true);
      continue;
    }
    if (once && opts.has(a)) throw new UsageError(`${a} given twice`);
    value ??= argv[++i];
    if (value === undefined || (value.startsWith('--') && kind === 'string')) throw new UsageError(`${a} needs a value`);
    if (kind === 'int') {
      if (!/^\d+$/.test(value)) throw new UsageError(`${a} needs a non-negative integer, got '${value}'`);
      opts.set(a, Number(value));
    } else if (kind === 'number') {
      const n = Number(value.replace(/[_,]/g, ''));
      if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`${a} needs a positive number, got '${value}'`);
      opts.set(a, n);
    } else opts.set(a, value);
  }
  return { pos, opts };
}
