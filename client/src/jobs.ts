/**
 * Long work (pretraining, search, embedding, the NB101 enumeration) runs as a job: a progress
 * notification with a working Cancel button, listed for `arch2vec: Cancel Running Job`, and shown
 * in the status bar while it runs. Cancelling aborts the job's AbortSignal; the engine stops
 * cleanly (pretraining checkpoints, search answers with the best so far).
 */
import * as vscode from 'vscode';
import type { PrepareProgress } from '../../server/src/protocol';

export interface Job {
  id: number;
  title: string;
  started: number;
  cancel(): void;
}

export interface JobContext {
  signal: AbortSignal;
  /** Message and absolute percentage (0..100, optional): the notification's bar moves by the difference. */
  report(message: string, percent?: number): void;
}

export class Jobs implements vscode.Disposable {
  private readonly running = new Map<number, Job>();
  private seq = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  list(): Job[] {
    return [...this.running.values()];
  }

  async run<T>(title: string, work: (ctx: JobContext) => Promise<T>): Promise<T> {
    const ctl = new AbortController();
    const job: Job = { id: ++this.seq, title, started: Date.now(), cancel: () => ctl.abort() };
    this.running.set(job.id, job);
    this.changed.fire();
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `arch2vec: ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => ctl.abort());
          let shown = 0;
          return work({
            signal: ctl.signal,
            report: (message, percent) => {
              const inc = percent === undefined ? undefined : Math.max(0, Math.min(100, percent) - shown);
              if (inc !== undefined) shown += inc;
              progress.report({ message, increment: inc });
            },
          });
        },
      );
    } finally {
      this.running.delete(job.id);
      this.changed.fire();
    }
  }

  /** Cancels one job: the only one, or the one the user picks. Returns false when none runs. */
  async cancelInteractive(): Promise<boolean> {
    const jobs = this.list();
    if (jobs.length === 0) {
      void vscode.window.showInformationMessage('arch2vec: no job is running.');
      return false;
    }
    let job: Job | undefined = jobs[0];
    if (jobs.length > 1) {
      const pick = await vscode.window.showQuickPick(
        [{ label: 'All jobs', job: undefined as Job | undefined }, ...jobs.map((j) => ({ label: j.title, description: `running for ${Math.round((Date.now() - j.started) / 1000)} s`, job: j }))],
        { title: 'Cancel which arch2vec job?' },
      );
      if (!pick) return false;
      job = pick.job;
    }
    for (const j of job ? [job] : jobs) j.cancel();
    return true;
  }

  dispose(): void {
    for (const j of this.running.values()) j.cancel();
    this.changed.dispose();
  }
}

/**
 * A job that shows only once the engine starts preparing something slow for a quick query (the
 * first engine/prepareProgress: a space's enumeration, a shipped model's embedding table): most
 * queries answer in milliseconds and must not flash a notification. Its Cancel aborts `ctl`.
 */
export function preparingJob(jobs: Jobs, title: string, ctl: AbortController): { onPrepare: (p: PrepareProgress) => void; end: () => void } {
  let report: JobContext['report'] | undefined;
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  let started = false;
  return {
    onPrepare: (p) => {
      if (!started) {
        started = true;
        void jobs.run(title, async (ctx) => {
          report = ctx.report;
          ctx.signal.addEventListener('abort', () => ctl.abort());
          await done;
        });
      }
      report?.(p.what, p.total > 0 ? (100 * p.done) / p.total : undefined);
    },
    end: () => finish(),
  };
}
