/**
 * The command objective's results log: one JSON object per finished evaluation (success or failure),
 * appended and fsync'ed before the search moves on, so a search that crashed or was interrupted can be
 * restarted and re-uses every finished evaluation instead of running it again.
 *
 * Appends are self-delimiting: a record is one line, and after an append that failed part-way (disk
 * full) or a file that ends without a newline (the process died mid-write) the next record starts on
 * a new line, so a torn fragment is a line of its own and never swallows its neighbour. Reading
 * skips such lines and says which (`warnings`).
 *
 * Entries are keyed by the evaluator command and the architecture; what else decides a result (the
 * working directory, the content of the files the command names) picks the log file itself
 * (run.ts: defaultCommandLog), and each entry records it (`fingerprint`) so a reuse can say so.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { ensureDir } from '../../data/atomicWrite';
import { dirname } from 'node:path';

export interface LogEntry {
  v: 1;
  /** The command template the cell was evaluated with. */
  command: string;
  space: string;
  /** Pool index (NB201: benchmark index) and the architecture itself (what the key uses). */
  index: number;
  arch: string;
  /** Accuracy in percent; null when the evaluation failed. */
  reward: number | null;
  /** Seconds the evaluation was charged (wall seconds, or the cost the evaluator reported). */
  cost: number;
  error?: string;
  /** Set when the evaluation timed out: the timeout it ran under (a longer timeout runs it again). */
  timedOut?: number;
  /** Working directory and evaluator fingerprint (command + files it names) it ran with. */
  cwd?: string;
  fingerprint?: string;
  /** ISO time the evaluation finished. */
  at: string;
}

/** A log entry and the line it was read from (0: appended by this process). */
export interface LoggedEntry extends LogEntry {
  line: number;
}

export const logKey = (command: string, space: string, arch: string) => `${command}\u0000${space}\u0000${arch}`;

export interface ResultsLogOptions {
  /** Start fresh: read nothing (new records are still appended; later records win on the next resume). */
  fresh?: boolean;
}

export class ResultsLog {
  private fd = -1;
  private readonly entries = new Map<string, LoggedEntry>();
  /** Line numbers of lines that did not parse (torn writes), skipped. */
  readonly skipped: number[] = [];
  /** False after an append that may have left a partial line: the next one starts on a new line. */
  private clean = true;
  /** Lines in the file (known while clean). */
  private lines = 0;

  constructor(readonly path: string, opts: ResultsLogOptions = {}) {
    if (!existsSync(path)) return;
    if (opts.fresh) return;
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const e = JSON.parse(line) as LogEntry;
        if (e && e.v === 1 && typeof e.command === 'string' && typeof e.arch === 'string' && typeof e.cost === 'number' && Number.isFinite(e.cost)) {
          this.entries.set(logKey(e.command, e.space, e.arch), { ...e, line: i + 1 });
        } else this.skipped.push(i + 1);
      } catch {
        this.skipped.push(i + 1);
      }
    });
  }

  get size() {
    return this.entries.size;
  }

  /** Why some lines were not read (one sentence), or undefined. */
  get warning(): string | undefined {
    if (!this.skipped.length) return undefined;
    const shown = this.skipped.slice(0, 5).join(', ') + (this.skipped.length > 5 ? ', …' : '');
    return `${this.path}: skipped ${this.skipped.length} unreadable line${this.skipped.length === 1 ? '' : 's'} (${shown}: a write cut short, e.g. by a full disk); the evaluations on them will run again`;
  }

  get(command: string, space: string, arch: string): LoggedEntry | undefined {
    return this.entries.get(logKey(command, space, arch));
  }

  /**
   * Appends one entry as one line and fsyncs it (the file is created, with its folder, on first use).
   * Throws when the write fails; the entry is then not in the log (the caller reports it).
   */
  append(entry: LogEntry) {
    if (this.fd < 0) {
      ensureDir(dirname(this.path));
      this.fd = openSync(this.path, 'a', 0o644);
      this.clean = false; // look at how the file ends first
    }
    let prefix = '';
    if (!this.clean) {
      // A fragment may end the file (died mid-write, or our last append failed part-way).
      const text = readFileSync(this.path);
      let newlines = 0;
      for (const b of text) if (b === 0x0a) newlines++;
      if (text.length > 0 && text[text.length - 1] !== 0x0a) {
        prefix = '\n';
        newlines++;
      }
      this.lines = newlines;
    }
    const buf = Buffer.from(prefix + JSON.stringify(entry) + '\n', 'utf8');
    // Until the whole line and the fsync went through, the file may end in a fragment.
    this.clean = false;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
    this.clean = true;
    this.lines++;
    this.entries.set(logKey(entry.command, entry.space, entry.arch), { ...entry, line: this.lines });
  }

  close() {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
