/**
 * Pretraining progress on stderr: a one-line bar redrawn in place on a terminal, plain lines
 * otherwise (a line per phase, one every `intervalMs` while training, and one at the end of each epoch).
 */
import type { PrepareProgress, PretrainProgress } from '../protocol';

function duration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '?';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function describeProgress(p: PretrainProgress): string {
  switch (p.phase) {
    case 'train':
      return `epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.steps}${p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : ''}`
        + `${p.graphsPerSec !== undefined ? ` ${Math.round(p.graphsPerSec)} graphs/s` : ''} ETA ${duration(p.etaSeconds)}`;
    case 'data':
      return `data: ${p.message ?? ''}${p.steps ? ` ${p.step}/${p.steps}` : ''}`;
    case 'metrics':
      return `epoch ${p.epoch}/${p.epochs} metrics: ${p.message ?? ''}`;
    case 'embed':
      return `embedding the space: ${p.step}/${p.steps}`;
    case 'done':
      return 'done';
  }
}

export class ProgressPrinter {
  private lastPhase = '';
  private lastLine = 0;
  private lastEpoch = 0;
  private drawn = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
    private readonly intervalMs = 5000,
    private readonly width = 28,
  ) {}

  update(p: PretrainProgress) {
    if (this.tty) {
      const frac = p.steps > 0 ? Math.min(1, p.step / p.steps) : 0;
      const full = Math.round(frac * this.width);
      const bar = p.phase === 'train' || p.phase === 'embed' ? `[${'#'.repeat(full)}${'.'.repeat(this.width - full)}] ` : '';
      this.write(`\r\x1b[2K${bar}${describeProgress(p)}`);
      this.drawn = true;
      if (p.phase === 'done') this.end();
      return;
    }
    const now = Date.now();
    const phaseChanged = p.phase !== this.lastPhase || p.epoch !== this.lastEpoch;
    const epochEnd = p.phase === 'train' && p.step === p.steps;
    if (phaseChanged || epochEnd || now - this.lastLine >= this.intervalMs) {
      this.write(`${describeProgress(p)}\n`);
      this.lastLine = now;
    }
    this.lastPhase = p.phase;
    this.lastEpoch = p.epoch;
  }

  /** Finishes a drawn bar line so later output starts on a fresh line. */
  end() {
    if (this.tty && this.drawn) this.write('\n');
    this.drawn = false;
  }
}

/**
 * One-off preparation on stderr (a space's enumeration, the embedding table of a model shipped
 * without one): a line redrawn in place on a terminal, else a line every `intervalMs` and at the end.
 */
export class PreparePrinter {
  private drawn = false;
  private last = 0;

  constructor(
    private readonly io: { err: (s: string) => void; errRaw: (s: string) => void; stderrIsTTY: boolean },
    private readonly intervalMs = 5000,
  ) {}

  update(p: PrepareProgress) {
    const pct = p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : '';
    const line = `${p.what}${p.total > 1 ? ` ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}${pct}` : ''}`;
    if (this.io.stderrIsTTY) {
      this.io.errRaw(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (Date.now() - this.last >= this.intervalMs || p.done === p.total) {
      this.io.err(line);
      this.last = Date.now();
    }
  }

  /** Ends a redrawn line so what follows starts on its own. */
  end() {
    if (this.drawn) this.io.errRaw('\n');
    this.drawn = false;
  }
}
