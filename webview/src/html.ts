/**
 * The HTML shell of a webview page. Pure (no DOM, no `vscode`): the client builds panels with it and
 * the tests load the very same markup in Chromium.
 *
 * Content Security Policy, and why each source is there:
 * - `default-src 'none'`: nothing loads unless listed below.
 * - `script-src 'nonce-…'`: only the page bundle, tagged with a fresh nonce per load; no inline script.
 * - `style-src ${cspSource} 'nonce-…'`: no 'unsafe-inline'. The pages and @vscode-elements/elements
 *   (Lit) style themselves through constructable stylesheets (`adoptedStyleSheets`), which CSP does not
 *   gate, and the elements set inline styles only through the CSSOM (their `stylePropertyMap`
 *   directive), which CSP allows. The nonce covers Lit's `<style nonce>` fallback (`window.litNonce`)
 *   in engines without constructable stylesheets; `cspSource` allows a stylesheet shipped beside the bundle.
 * - `img-src ${cspSource} data:`: canvases exported as data: URLs, images shipped with the extension.
 * - `font-src ${cspSource}`: codicons, should a page use them.
 */
import { VIEW_KINDS, type ViewKind } from './messages';

export interface PageHtmlOptions {
  view: ViewKind;
  title: string;
  /** The page bundle (dist/webview/<view>.js) as the webview sees it (`webview.asWebviewUri`). */
  scriptUri: string;
  /** `webview.cspSource`: the origin the webview serves extension resources from. */
  cspSource: string;
  /** From makeNonce(), new for every load. */
  nonce: string;
}

const NONCE_RE = /^[A-Za-z0-9+/=_-]{16,}$/;
// A CSP source list must not be able to smuggle in a directive (`;`) or a keyword other than 'self'
// (VS Code's webview.cspSource is `'self' https://*.vscode-cdn.net`).
const CSP_SOURCE_RE = /^(?:'self'|[^;'",\s]+)(?:\s+(?:'self'|[^;'",\s]+))*$/;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function pageHtml(o: PageHtmlOptions): string {
  if (!VIEW_KINDS.includes(o.view)) throw new Error(`pageHtml: unknown view ${String(o.view)}`);
  if (!NONCE_RE.test(o.nonce)) throw new Error('pageHtml: the nonce must be 16+ base64/hex characters (use makeNonce())');
  if (!CSP_SOURCE_RE.test(o.cspSource)) throw new Error(`pageHtml: unsafe CSP source ${JSON.stringify(o.cspSource)}`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
</head>
<body data-view="${o.view}">
<main id="root" aria-busy="true"><p class="placeholder">Loading…</p></main>
<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** 128 random bits as 32 hex characters, from Web Crypto (global in browsers and Node ≥ 19). */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
