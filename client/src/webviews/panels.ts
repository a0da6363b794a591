/**
 * Hosts the three webview pages: one panel per view (reused and revealed), strict CSP HTML from
 * webview/src/html.ts, messages checked with webview/src/messages.ts, state kept on the host so a
 * re-opened or restored panel (after a window reload: the registered serializers) renders again.
 */
import * as vscode from 'vscode';
import { makeNonce, pageHtml } from '../../../webview/src/html';
import { PANEL_TYPES, parsePageMessage, type HostMessage, type PageMessage, type ViewKind, type ViewState } from '../../../webview/src/messages';
import { validateRestoredState } from './restoredState';

const TITLES: Record<ViewKind, string> = { neighbours: 'arch2vec: Neighbours', suggestions: 'arch2vec: Search', map: 'arch2vec: Latent Space' };

/** What the extension does for a page's requests; the panel passes its own current state along. */
export type PageHandler = (message: PageMessage, view: ViewPanel) => void | Promise<void>;

export class ViewPanel implements vscode.Disposable {
  state: ViewState | undefined;
  /** Shown as the page's banner once it is ready (what a restore had to drop, and why). */
  notice: string | undefined;
  private ready = false;
  private pending: ViewState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastPost = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly kind: ViewKind,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    handler: PageHandler,
    private readonly log: vscode.LogOutputChannel,
    onDispose: () => void,
  ) {
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = pageHtml({
      view: kind,
      title: TITLES[kind],
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, `${kind}.js`)).toString(),
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage(async (raw: unknown) => {
        const parsed = parsePageMessage(raw);
        if ('error' in parsed) {
          this.log.warn(`${kind} view: ignored a malformed message: ${parsed.error}`);
          return;
        }
        const m = parsed.message;
        if (m.type === 'ready') {
          this.ready = true;
          if (this.state) this.post({ type: 'state', state: this.state });
          if (this.notice) this.post({ type: 'error', message: this.notice });
          this.notice = undefined;
          return;
        }
        if (m.type === 'log') {
          this.log[m.level === 'warn' ? 'warn' : m.level](`${kind} view: ${m.message}`);
          return;
        }
        try {
          await handler(m, this);
        } catch (e) {
          const msg = (e as Error)?.message ?? String(e);
          this.log.error(`${kind} view: ${m.type}: ${msg}`);
          this.post({ type: 'error', message: msg });
        }
      }),
      panel.onDidDispose(() => {
        clearTimeout(this.timer);
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
  }

  post(message: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** Shows a new state; `throttle` coalesces bursts (search progress) to at most ten posts a second. */
  show(state: ViewState, throttle = false): void {
    this.state = state;
    if (!throttle) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.lastPost = Date.now();
      this.post({ type: 'state', state });
      return;
    }
    this.pending = state;
    if (this.timer) return;
    const wait = Math.max(0, 100 - (Date.now() - this.lastPost));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastPost = Date.now();
      if (this.pending) this.post({ type: 'state', state: this.pending });
      this.pending = undefined;
    }, wait);
  }

  dispose(): void {
    this.panel.dispose();
  }
}

/** One panel per view kind, created on demand and restored after reloads. */
export class Views implements vscode.Disposable {
  private readonly panels = new Map<ViewKind, ViewPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly handler: PageHandler,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const kind of Object.keys(PANEL_TYPES) as ViewKind[]) {
      this.disposables.push(vscode.window.registerWebviewPanelSerializer(PANEL_TYPES[kind], {
        deserializeWebviewPanel: async (panel, saved: unknown) => {
          const view = this.adopt(kind, panel);
          // The page saved its last state with setState; the host keeps it to answer page requests, but
          // only once checked: it names the model dir the engine loads and the document inserts go to.
          const restored = validateRestoredState(kind, saved);
          view.state = restored.state;
          if (restored.notes.length) {
            view.notice = restored.notes.join(' ');
            this.log.warn(`${kind} view restored: ${view.notice}`);
          }
        },
      }));
    }
  }

  get(kind: ViewKind): ViewPanel | undefined {
    return this.panels.get(kind);
  }

  /**
   * The view's panel, created beside the editor if needed, revealed without stealing focus from the
   * editor. Opened from another view (`near`: a map point's neighbours), it goes in the column to the
   * right of that view, never over it, so both stay visible.
   */
  open(kind: ViewKind, near?: ViewPanel): ViewPanel {
    const nearColumn = near && near.kind !== kind ? near.panel.viewColumn : undefined;
    const existing = this.panels.get(kind);
    if (existing) {
      const column = nearColumn !== undefined && existing.panel.viewColumn === nearColumn ? nearColumn + 1 : existing.panel.viewColumn ?? vscode.ViewColumn.Beside;
      existing.panel.reveal(column, true);
      return existing;
    }
    const column = nearColumn !== undefined ? nearColumn + 1 : vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(PANEL_TYPES[kind], TITLES[kind], { viewColumn: column, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview')],
      // The search view keeps its plot while hidden: progress keeps arriving and re-rendering is cheap either way.
      retainContextWhenHidden: kind === 'suggestions',
    });
    return this.adopt(kind, panel);
  }

  private adopt(kind: ViewKind, panel: vscode.WebviewPanel): ViewPanel {
    const view = new ViewPanel(kind, panel, this.context.extensionUri, this.handler, this.log, () => {
      if (this.panels.get(kind) === view) this.panels.delete(kind);
    });
    this.panels.set(kind, view);
    return view;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
