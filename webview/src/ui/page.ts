/**
 * What every page does the same way: talk to the host through acquireVsCodeApi, restore the saved
 * state before anything arrives, announce `ready`, accept only well-formed host messages
 * (parseHostMessage), store each state with setState (so a reload or the panel serializer restores
 * it), render at most once per animation frame, and report script errors and CSP violations to the
 * extension's log.
 */
import { parseHostMessage, type HostMessage, type PageMessage, type ViewKind, type ViewState } from '../messages';
import { h } from './dom';

type StateOf<V extends ViewKind> = Extract<ViewState, { kind: V }>;
type PointInfo = Extract<HostMessage, { type: 'pointInfo' }>;

export interface PageOptions<V extends ViewKind> {
  view: V;
  /** Draws a state; called at most once per frame with the newest state. */
  render(state: StateOf<V>): void;
  onPointInfo?(info: PointInfo): void;
}

export interface Page {
  post(message: PageMessage): void;
  /** Saves page-side changes to the current state (e.g. the map's view) without re-rendering. */
  save(state: ViewState): void;
}

export function startPage<V extends ViewKind>(o: PageOptions<V>): Page {
  const vscode = acquireVsCodeApi<StateOf<V>>();
  const post = (message: PageMessage) => vscode.postMessage(message);
  reportErrors(post, o.view);

  let pending: StateOf<V> | undefined;
  let scheduled = false;
  const schedule = (state: StateOf<V>) => {
    pending = state;
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const s = pending!;
      pending = undefined;
      try {
        o.render(s);
        document.getElementById('root')?.setAttribute('aria-busy', 'false');
      } catch (e) {
        post({ type: 'log', level: 'error', message: `${o.view}: render failed: ${describe(e)}` });
        showError(`Could not display this view: ${describe(e)}`);
      }
    });
  };

  const saved = vscode.getState();
  // What was saved comes back from disk: render it only if it still has a state's shape (the host checks the rest).
  const restored = saved === undefined ? undefined : parseHostMessage({ type: 'state', state: saved });
  if (restored?.type === 'state' && restored.state.kind === o.view) schedule(restored.state as StateOf<V>);

  window.addEventListener('message', (event: MessageEvent) => {
    const msg = parseHostMessage(event.data);
    if (!msg) {
      post({ type: 'log', level: 'warn', message: `${o.view}: ignored a malformed host message` });
      return;
    }
    switch (msg.type) {
      case 'state':
        if (msg.state.kind !== o.view) {
          post({ type: 'log', level: 'warn', message: `${o.view}: ignored a ${msg.state.kind} state` });
          return;
        }
        vscode.setState(msg.state as StateOf<V>);
        schedule(msg.state as StateOf<V>);
        break;
      case 'pointInfo':
        o.onPointInfo?.(msg);
        break;
      case 'error':
        showError(msg.message);
        break;
    }
  });

  post({ type: 'ready', view: o.view });
  return { post, save: (state) => vscode.setState(state as StateOf<V>) };
}

const describe = (e: unknown) => (e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack}` : ''}` : String(e));

function reportErrors(post: (m: PageMessage) => void, view: ViewKind) {
  window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: `${view}: ${e.message} (${e.filename}:${e.lineno}:${e.colno})` }));
  window.addEventListener('unhandledrejection', (e) => post({ type: 'log', level: 'error', message: `${view}: unhandled rejection: ${describe(e.reason)}` }));
  document.addEventListener('securitypolicyviolation', (e) =>
    post({ type: 'log', level: 'error', message: `${view}: CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})` }));
}

/** A dismissable error banner at the top of the page (host `error` messages, render failures). */
export function showError(message: string) {
  document.getElementById('page-error')?.remove();
  const banner = h('div', { id: 'page-error', class: 'error-banner', role: 'alert' }, message);
  document.body.prepend(banner);
}
