/**
 * Predicted accuracy in the editor: once a document has `minMeasured` measured cells of a space,
 * every unmeasured valid cell of that space gets an inlay hint after its name (`≈ 93.1% ± 0.8`) and a
 * hover section naming the measured cells that drive it. Off the validation path: a validated
 * analysis only queues a job (throttled per document); the fit runs in a worker thread; a job made
 * stale by a newer edit is cancelled by restarting the worker when it has run long, else its result
 * is dropped. Hints are matched to the current analysis by cell name and architecture, so they stay
 * put while the user types and never label a cell whose architecture changed.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Connection } from 'vscode-languageserver/node';
import type { Analysis, AnalyzedCell } from '../core/analyze';
import { specKey } from '../core/cellSpec';
import { collectCells, type LooCheck, type Prediction, type SpaceCells } from '../core/predict/predictor';
import { METRIC_KEYS, SPACES, type SpaceId } from '../core/spaces';
import type { Range } from '../core/text';
import { CONFIG_SECTION, DEFAULT_PREDICT_SETTINGS, PREDICTED_NOTIFICATION, type PredictedParams, type PredictSettings } from '../protocol';

export interface PredictJob {
  id: number;
  uri: string;
  version: number;
  metric: string;
  minMeasured: number;
  spaces: SpaceCells[];
}

export interface PredictJobResult {
  id: number;
  uri: string;
  version: number;
  spaces: { space: SpaceId; measured: number; unmeasured: number; loo?: LooCheck; predictions: Prediction[] }[];
  ms: number;
  error?: string;
}

/** Edits closer together than this share one prediction run. */
const THROTTLE_MS = 300;
/** A stale job running longer than this is cancelled (worker restarted) rather than awaited. */
const CANCEL_AFTER_MS = 200;

interface DocState {
  analysis?: Analysis;
  version?: number;
  timer?: NodeJS.Timeout;
  result?: PredictJobResult;
  /** Spec key of each predicted cell by name, from the result's analysis. */
  keys?: Map<string, string>;
  settings?: PredictSettings;
}

export function sanitizePredictSettings(s: Partial<PredictSettings> | null | undefined): PredictSettings {
  const d = DEFAULT_PREDICT_SETTINGS;
  return {
    enable: typeof s?.enable === 'boolean' ? s.enable : d.enable,
    minMeasured: typeof s?.minMeasured === 'number' && Number.isInteger(s.minMeasured) && s.minMeasured >= 3 ? Math.min(s.minMeasured, 100_000) : d.minMeasured,
    metric: typeof s?.metric === 'string' && s.metric in METRIC_KEYS ? s.metric : d.metric,
  };
}

export class PredictionService {
  private readonly docs = new Map<string, DocState>();
  private worker?: Worker;
  private running?: { job: PredictJob; started: number };
  private readonly queue = new Map<string, PredictJob>();
  private nextId = 1;
  private pullConfig = false;
  private refreshSupport = false;

  constructor(
    private readonly connection: Connection,
    /** dist/ folder holding predictWorker.js (beside server.js). */
    private readonly distDir = __dirname,
  ) {}

  /** From the initialize request: whether settings can be pulled and hints refreshed. */
  configure(caps: { configuration?: boolean; inlayHintRefresh?: boolean }) {
    this.pullConfig = !!caps.configuration;
    this.refreshSupport = !!caps.inlayHintRefresh;
  }

  private async settings(uri: string): Promise<PredictSettings> {
    const st = this.state(uri);
    if (st.settings) return st.settings;
    let s = { ...DEFAULT_PREDICT_SETTINGS };
    if (this.pullConfig) {
      s = sanitizePredictSettings(await this.connection.workspace.getConfiguration({ scopeUri: uri, section: `${CONFIG_SECTION}.predict` }).catch(() => null));
    }
    st.settings = s;
    return s;
  }

  private state(uri: string): DocState {
    let s = this.docs.get(uri);
    if (!s) this.docs.set(uri, (s = {}));
    return s;
  }

  configChanged() {
    for (const s of this.docs.values()) s.settings = undefined;
  }

  /** A fresh analysis of the document (called after validation published it): queue a prediction run. */
  analysed(uri: string, version: number, analysis: Analysis) {
    const st = this.state(uri);
    st.analysis = analysis;
    st.version = version;
    clearTimeout(st.timer);
    st.timer = setTimeout(() => void this.enqueue(uri, version), THROTTLE_MS);
  }

  closed(uri: string) {
    clearTimeout(this.docs.get(uri)?.timer);
    this.docs.delete(uri);
    this.queue.delete(uri);
    this.worker?.postMessage({ forget: uri });
  }

  private async enqueue(uri: string, version: number) {
    const st = this.docs.get(uri);
    if (!st?.analysis || st.version !== version) return;
    const settings = await this.settings(uri);
    if (this.docs.get(uri)?.version !== version) return;
    if (!settings.enable) {
      if (st.result && this.refreshSupport) void this.connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
      st.result = undefined;
      return;
    }
    const spaces = collectCells(st.analysis, settings.metric).filter((g) => g.measured.length > 0);
    const job: PredictJob = { id: this.nextId++, uri, version, metric: settings.metric, minMeasured: settings.minMeasured, spaces };
    if (!spaces.some((g) => g.measured.length >= settings.minMeasured)) {
      // Nothing to fit: answer at once, without the worker.
      this.finish({ id: job.id, uri, version, ms: 0, spaces: spaces.map((g) => ({ space: g.space, measured: g.measured.length, unmeasured: g.unmeasured.length, predictions: [] })) }, job);
      return;
    }
    this.queue.set(uri, job);
    if (this.running?.job.uri === uri && performance.now() - this.running.started > CANCEL_AFTER_MS) this.restartWorker();
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(join(this.distDir, 'predictWorker.js'));
    w.unref();
    w.on('message', (r: PredictJobResult) => {
      const job = this.running?.job;
      this.running = undefined;
      if (job && r.id === job.id) this.finish(r, job);
      this.pump();
    });
    w.on('error', (e) => {
      this.connection.console.error(`prediction worker failed: ${e.message}`);
      if (this.worker === w) this.worker = undefined;
      this.running = undefined;
    });
    this.worker = w;
    return w;
  }

  private restartWorker() {
    void this.worker?.terminate();
    this.worker = undefined;
    this.running = undefined;
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.entries().next();
    if (next.done) return;
    const [uri, job] = next.value;
    this.queue.delete(uri);
    if (this.docs.get(uri)?.version !== job.version) {
      this.pump();
      return;
    }
    this.running = { job, started: performance.now() };
    this.ensureWorker().postMessage(job);
  }

  private finish(r: PredictJobResult, job: PredictJob) {
    const st = this.docs.get(r.uri);
    if (!st) return;
    if (r.error) this.connection.console.error(`prediction for ${r.uri} failed: ${r.error}`);
    else {
      st.result = r;
      const names = new Set(r.spaces.flatMap((s) => s.predictions.map((p) => p.name)));
      st.keys = new Map(job.spaces.flatMap((g) => g.unmeasured.filter((c) => names.has(c.name)).map((c) => [c.name, specKey(c.spec)] as [string, string])));
    }
    const params: PredictedParams = {
      uri: r.uri, version: r.version, ms: r.ms,
      spaces: r.spaces.map((s) => ({
        space: s.space, measured: s.measured, predicted: s.predictions.length,
        ...(s.measured < job.minMeasured ? { skipped: `${s.measured} measured, predictions from ${job.minMeasured}` } : {}),
      })),
    };
    void this.connection.sendNotification(PREDICTED_NOTIFICATION, params);
    if (this.refreshSupport) void this.connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
  }

  /** The prediction of a cell of the current analysis, if its architecture is the one predicted. */
  private predictionOf(st: DocState, c: AnalyzedCell): { p: Prediction; space: PredictJobResult['spaces'][number] } | undefined {
    if (!c.name || !c.spec || !st.result || !st.keys) return undefined;
    if (st.keys.get(c.name) !== specKey(c.spec)) return undefined;
    for (const space of st.result.spaces) {
      if (space.space !== c.spec.space) continue;
      const p = space.predictions.find((q) => q.name === c.name);
      if (p) return { p, space };
    }
    return undefined;
  }

  /** Inlay hints (`≈ 93.1% ± 0.8`) after the names of predicted cells within `range`. */
  inlayHints(uri: string, range: Range): { position: Range['start']; label: string; tooltip: string; paddingLeft: boolean }[] {
    const st = this.docs.get(uri);
    if (!st?.analysis || !st.result) return [];
    const unit = METRIC_KEYS[st.settings?.metric ?? 'accuracy']?.percent ? '%' : '';
    const out = [];
    for (const c of st.analysis.cells) {
      const line = c.node.header.start.line;
      if (line < range.start.line || line > range.end.line) continue;
      const hit = this.predictionOf(st, c);
      if (!hit) continue;
      const metric = st.settings?.metric ?? 'accuracy';
      out.push({
        position: (c.node.name?.range ?? c.node.header).end,
        label: `≈ ${hit.p.predicted.toFixed(1)}${unit} ± ${hit.p.std.toFixed(1)}`,
        tooltip: `Predicted ${metric} from ${hit.space.measured} measured ${SPACES[hit.space.space].title} cells of this file (Gaussian process); hover the cell for details.`,
        paddingLeft: true,
      });
    }
    return out;
  }

  /** A hover section for a predicted cell: the prediction, the LOO check and the nearest measured cells. */
  hoverMarkdown(uri: string, c: AnalyzedCell): string | undefined {
    const st = this.docs.get(uri);
    const hit = st && this.predictionOf(st, c);
    if (!hit) return undefined;
    const metric = st!.settings?.metric ?? 'accuracy';
    const unit = METRIC_KEYS[metric]?.percent ? '%' : '';
    const { p, space } = hit;
    const loo = space.loo ? ` Leave-one-out check of the measured cells: RMSE ${space.loo.rmse.toFixed(2)}${unit}, Pearson r ${space.loo.pearson.toFixed(2)}, Kendall τ ${space.loo.kendallTau.toFixed(2)}.` : '';
    const near = p.nearest.map((n) => `\`${n.name}\` ${n.value.toFixed(2)}${unit} (similarity ${n.similarity.toFixed(2)})`).join(' · ');
    return [
      `**Predicted ${metric}: ${p.predicted.toFixed(2)}${unit} ± ${p.std.toFixed(2)}** — from ${space.measured} measured cells of this file.${loo}`,
      ...(near ? ['', `Nearest measured: ${near}`] : []),
    ].join('\n');
  }

  dispose() {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
