/**
 * What a webview panel restored after a window reload may keep of the state its page saved. That
 * state comes back from disk as the page stored it, so the host checks it before acting on it: its
 * model directory is handed to the engine and its source URI is where cells get inserted. Pure (no
 * `vscode`), so it is unit-tested with malformed states.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isSpaceId } from '../../../server/src/protocol';
import { parseHostMessage, type ViewKind, type ViewState } from '../../../webview/src/messages';

export interface RestoreChecks {
  /** An existing directory with a regular config.json (a FIFO there would block the engine). */
  isModelDir(dir: string): boolean;
}

export const fileSystemChecks: RestoreChecks = {
  isModelDir(dir) {
    try {
      return statSync(dir).isDirectory() && statSync(join(dir, 'config.json')).isFile();
    } catch {
      return false;
    }
  },
};

export interface RestoredView {
  /** The state the host may use, or undefined: the panel restores empty. */
  state?: ViewState;
  /** Why something was dropped, in words for the panel's banner and the log. */
  notes: string[];
}

const MAX_URI = 8192;

/** A `.cells` document URI (any scheme: file, untitled, vscode-remote, ...), or the reason it is not one. */
export function checkCellsUri(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_URI) return 'it is not a URI';
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return 'it is not a URI';
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return 'its path is not valid';
  }
  if (!path.toLowerCase().endsWith('.cells')) return 'it is not a .cells file';
  return undefined;
}

/** Checks a restored panel's saved state: malformed → dropped; a gone model dir or bad source URI → that field dropped. */
export function validateRestoredState(kind: ViewKind, saved: unknown, checks: RestoreChecks = fileSystemChecks): RestoredView {
  const again = 'Run the command again to fill this view.';
  if (saved === undefined || saved === null) return { notes: [`Nothing was saved for this view. ${again}`] };
  const parsed = parseHostMessage({ type: 'state', state: saved });
  if (!parsed || parsed.type !== 'state' || parsed.state.kind !== kind) {
    return { notes: [`The saved content of this view is not a ${kind} view's state and was not restored. ${again}`] };
  }
  const state = { ...parsed.state } as ViewState & { model?: unknown; sourceUri?: unknown };
  if (!isSpaceId(state.space)) return { notes: [`The saved content of this view names an unknown space (${JSON.stringify(state.space)?.slice(0, 80)}) and was not restored. ${again}`] };
  const notes: string[] = [];
  if (state.sourceUri !== undefined) {
    const why = checkCellsUri(state.sourceUri);
    if (why) {
      notes.push(`The view's source document was dropped (${why}); inserting goes to the active .cells editor.`);
      delete state.sourceUri;
    }
  }
  if (state.kind === 'neighbours' || state.kind === 'map') {
    const model = state.model;
    if (typeof model !== 'string' || !isAbsolute(model) || !checks.isModelDir(model)) {
      notes.push(`The model directory ${typeof model === 'string' ? model.slice(0, 300) : '(none)'} is gone or is not a model directory (no config.json); the default ${state.space} model is used instead.`);
      state.model = '';
    }
  }
  return { state, notes };
}
