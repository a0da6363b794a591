/**
 * Per-document state of the language server: settings, the validation schedule, analyses in flight
 * and the last finished analysis per document. No connection in here: what it needs from the outside
 * (documents, settings, a clock, the analysis itself) is injected, and finished analyses go to
 * listeners (diagnostics, the validated notification, other features' hooks). That keeps it testable
 * in process and leaves the wiring to handlers/.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeSteps, type Analysis, type AnalyzeOptions } from '../core/analyze';
import { isSpaceId } from '../core/spaces';
import { DEFAULT_VALIDATION_SETTINGS, type ValidationSettings } from '../protocol';

/** Where the open documents live (vscode-languageserver's TextDocuments, or a map in tests). */
export interface DocumentSource {
  get(uri: string): TextDocument | undefined;
  all(): TextDocument[];
}

/** Time, timers and yielding to the event loop; injected so tests can drive the schedule. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Lets pending I/O (newer edits, requests) run between analysis slices. */
  yield(): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout | undefined),
  yield: () => new Promise((res) => setImmediate(res)),
};

/** The analysis as a generator that yields between cells (core/analyze's analyzeSteps). */
export type AnalyzeFn = (text: string, options: AnalyzeOptions) => Iterator<unknown, Analysis>;

export interface Analysed {
  uri: string;
  version: number;
  settings: ValidationSettings;
  analysis: Analysis;
  /** Time spent analysing, without the yields in between. */
  analysisMs: number;
}

export interface DocumentStateOptions {
  clock?: Clock;
  analyze?: AnalyzeFn;
  /** Longest time one analysis slice runs before yielding (ms). */
  sliceMs?: number;
}

/** Settings from `s` (whatever the client sent) where well-typed and in range, else from `defaults`. */
export function sanitizeSettings(s: unknown, defaults: Readonly<ValidationSettings> = DEFAULT_VALIDATION_SETTINGS): ValidationSettings {
  const o = (s && typeof s === 'object' ? s : {}) as Partial<Record<keyof ValidationSettings, unknown>>;
  return {
    enable: typeof o.enable === 'boolean' ? o.enable : defaults.enable,
    debounceMs: typeof o.debounceMs === 'number' && o.debounceMs >= 0 ? Math.min(o.debounceMs, 5000) : defaults.debounceMs,
    defaultSpace: typeof o.defaultSpace === 'string' && isSpaceId(o.defaultSpace) ? o.defaultSpace : defaults.defaultSpace,
  };
}

/** How a document's settings are fetched (workspace/configuration); undefined: the client has none. */
export type SettingsSource = (uri: string) => Promise<unknown>;

export class DocumentState {
  private readonly clock: Clock;
  private readonly analyze: AnalyzeFn;
  private readonly sliceMs: number;
  private defaults: ValidationSettings = { ...DEFAULT_VALIDATION_SETTINGS };
  private settingsSource: SettingsSource | undefined;
  private readonly settingsCache = new Map<string, Promise<ValidationSettings>>();
  /** Last finished analysis per document, reused by requests while the version matches. */
  private readonly analyses = new Map<string, { version: number; analysis: Analysis }>();
  private readonly timers = new Map<string, unknown>();
  private readonly lastRun = new Map<string, number>();
  /** At most one analysis per document version; requests join it instead of starting another. */
  private readonly inflight = new Map<string, { version: number; promise: Promise<Analysis | undefined> }>();
  private readonly listeners: ((a: Analysed) => void)[] = [];
  private readonly configListeners: (() => void)[] = [];

  constructor(readonly documents: DocumentSource, options: DocumentStateOptions = {}) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.analyze = options.analyze ?? ((text, o) => analyzeSteps(text, o, 200));
    this.sliceMs = options.sliceMs ?? 15;
  }

  /** From `initialize`: the client's initializationOptions over the defaults, and how to pull settings. */
  configure(initializationOptions: unknown, settingsSource: SettingsSource | undefined): void {
    this.defaults = sanitizeSettings(initializationOptions, DEFAULT_VALIDATION_SETTINGS);
    this.settingsSource = settingsSource;
  }

  /** Called with every finished, current analysis (in the order they finish). */
  onAnalysed(listener: (a: Analysed) => void): void {
    this.listeners.push(listener);
  }

  /** Called when the client's settings change, before open documents are re-validated. */
  onConfigurationChanged(listener: () => void): void {
    this.configListeners.push(listener);
  }

  settingsFor(uri: string): Promise<ValidationSettings> {
    const source = this.settingsSource;
    if (!source) return Promise.resolve({ ...this.defaults });
    let p = this.settingsCache.get(uri);
    if (!p) {
      p = source(uri).then((s) => sanitizeSettings(s, this.defaults), () => ({ ...this.defaults }));
      this.settingsCache.set(uri, p);
    }
    return p;
  }

  /** Settings changed: forget cached settings and analyses, re-validate every open document now. */
  configurationChanged(): void {
    this.settingsCache.clear();
    for (const l of this.configListeners) l();
    this.analyses.clear();
    for (const doc of this.documents.all()) this.schedule(doc.uri, true);
  }

  /**
   * Throttled validation: the first edit after a quiet period is validated on the next tick; edits
   * during a burst are coalesced into one run `debounceMs` later. Runs yield every few ms and stop
   * as soon as a newer version arrives, so requests stay responsive on huge files.
   */
  schedule(uri: string, immediate = false): void {
    this.clock.clearTimeout(this.timers.get(uri));
    void this.settingsFor(uri).then((settings) => {
      const quiet = this.clock.now() - (this.lastRun.get(uri) ?? -Infinity) > settings.debounceMs;
      const delay = immediate || quiet ? 0 : settings.debounceMs;
      this.clock.clearTimeout(this.timers.get(uri));
      this.timers.set(uri, this.clock.setTimeout(() => void this.validate(uri), delay));
    });
  }

  /** The document was closed: drop everything kept for it. */
  closed(uri: string): void {
    this.clock.clearTimeout(this.timers.get(uri));
    for (const m of [this.timers, this.analyses, this.lastRun, this.inflight, this.settingsCache] as Map<string, unknown>[]) m.delete(uri);
  }

  /** The analysis of the document's current version: cached, in flight, or started now (skipping the debounce). */
  async current(uri: string): Promise<Analysis | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = this.documents.get(uri);
      if (!doc) return undefined;
      const cached = this.analyses.get(uri);
      if (cached && cached.version === doc.version) return cached.analysis;
      this.clock.clearTimeout(this.timers.get(uri));
      const a = await this.validate(uri);
      if (a) return a;
    }
    return undefined;
  }

  /** Validates the current version once (joins a run in flight for it). */
  validate(uri: string): Promise<Analysis | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return Promise.resolve(undefined);
    const existing = this.inflight.get(uri);
    if (existing && existing.version === doc.version) return existing.promise;
    const promise = this.run(uri, doc.version);
    this.inflight.set(uri, { version: doc.version, promise });
    void promise.finally(() => {
      if (this.inflight.get(uri)?.promise === promise) this.inflight.delete(uri);
    });
    return promise;
  }

  /** Analyses in slices, tells the listeners, returns the analysis; undefined if a newer version superseded it. */
  private async run(uri: string, version: number): Promise<Analysis | undefined> {
    const clock = this.clock;
    this.lastRun.set(uri, clock.now());
    const settings = await this.settingsFor(uri);
    let sliceStart = clock.now();
    let active = 0;
    const doc = this.documents.get(uri);
    if (!doc || doc.version !== version) return undefined;
    const steps = this.analyze(doc.getText(), { defaultSpace: settings.defaultSpace });
    for (;;) {
      const r = steps.next();
      if (r.done) {
        active += clock.now() - sliceStart;
        this.analyses.set(uri, { version, analysis: r.value });
        const done: Analysed = { uri, version, settings, analysis: r.value, analysisMs: active };
        for (const l of this.listeners) l(done);
        return r.value;
      }
      if (clock.now() - sliceStart > this.sliceMs) {
        active += clock.now() - sliceStart;
        await clock.yield();
        sliceStart = clock.now();
        if (this.documents.get(uri)?.version !== version) return undefined; // superseded by a newer edit
      }
    }
  }
}
