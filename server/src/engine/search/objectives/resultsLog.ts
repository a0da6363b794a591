/**
 * The command objective's results log: one JSON object per finished evaluation (success or failure),
 * appended and fsync'ed before the search moves on, so a search that crashed or was interrupted can be
 * restarted and re-uses every finished evaluation instead of running it again. A torn last line (the
 * process died mid-write) is skipped when reading. Entries are keyed by the evaluator command and the
 * architecture, so one log can serve several searches (other strategies, seeds) with that command.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
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
  /** Wall seconds the evaluation took (what the budget was charged). */
  cost: number;
  error?: string;
  /** Set when the evaluation timed out: the timeout it ran under (a longer timeout runs it again). */
  timedOut?: number;
  /** ISO time the evaluation finished. */
  at: string;
}

export const logKey = (command: string, space: string, arch: string) => `${command}\u0000${space}\u0000${arch}`;

export class ResultsLog {
  private fd = -1;
  private readonly entries = new Map<string, LogEntry>();
  /** Lines that did not parse (a torn write), reported once. */
  readonly skippedLines: number = 0;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      let skipped = 0;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const e = JSON.parse(line) as LogEntry;
          if (e && e.v === 1 && typeof e.command === 'string' && typeof e.arch === 'string' && typeof e.cost === 'number') {
            this.entries.set(logKey(e.command, e.space, e.arch), e);
          } else skipped++;
        } catch {
          skipped++;
        }
      }
      this.skippedLines = skipped;
    }
  }

  get size() {
    return this.entries.size;
  }

  get(command: string, space: string, arch: string): LogEntry | undefined {
    return this.entries.get(logKey(command, space, arch));
  }

  /** Appends one entry and fsyncs it (the file is created, with its folder, on first use). */
  append(entry: LogEntry) {
    if (this.fd < 0) {
      mkdirSync(dirname(this.path), { recursive: true });
      // A torn last line must not swallow the next entry.
      let needsNewline = false;
      if (existsSync(this.path)) {
        const text = readFileSync(this.path);
        needsNewline = text.length > 0 && text[text.length - 1] !== 0x0a;
      }
      this.fd = openSync(this.path, 'a', 0o644);
      if (needsNewline) writeSync(this.fd, '\n');
    }
    const buf = Buffer.from(JSON.stringify(entry) + '\n', 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
    this.entries.set(logKey(entry.command, entry.space, entry.arch), entry);
  }

  close() {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
