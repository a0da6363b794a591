/**
 * Runs the real webview pages (dist/webview bundles, pageHtml() markup with its CSP) in headless
 * Chromium the way VS Code hosts them: served from a local origin that plays `webview.cspSource`,
 * the theme's `--vscode-*` variables set through the CSSOM and its body class set, and a fake
 * `acquireVsCodeApi` that records posted messages and keeps getState/setState across reloads.
 * Shared by test/webview.test.ts and scripts/screenshots.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { makeNonce, pageHtml } from '../../webview/src/html';
import type { HostMessage, PageMessage, ViewKind, ViewState } from '../../webview/src/messages';
import { REPO } from './shared';
import { THEMES, type ThemeName } from './vscodeThemes';

export const CHROMIUM = process.env.ARCH2VEC_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined. Throws instead when ARCH2VEC_REQUIRE_CHROMIUM=1. */
export function chromiumSkipReason(): string | undefined {
  const missing = !existsSync(CHROMIUM)
    ? `${CHROMIUM} not found (install Debian's chromium or set ARCH2VEC_CHROMIUM)`
    : !existsSync(join(REPO, 'dist', 'webview', 'neighbours.js'))
      ? 'dist/webview is not built (run npm run build)'
      : undefined;
  if (missing && process.env.ARCH2VEC_REQUIRE_CHROMIUM === '1') throw new Error(`ARCH2VEC_REQUIRE_CHROMIUM=1 but ${missing}`);
  return missing;
}

export interface OpenOptions {
  theme?: ThemeName;
  /** What vscode.getState() returns at first (a restored panel). */
  savedState?: ViewState;
  width?: number;
  height?: number;
}

/** A page as the tests drive it. */
export interface WebviewPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
  /** Messages the page posted to the host (copies). */
  posted(): Promise<PageMessage[]>;
  clearPosted(): Promise<void>;
  /** Waits for a posted message matching `pred` (polls the page; no fixed sleeps). */
  waitForPosted(pred: (m: PageMessage) => boolean, what: string, timeoutMs?: number): Promise<PageMessage>;
  /** Delivers a host message as VS Code does (a window message event). */
  send(message: HostMessage): Promise<void>;
  /** The state the page last stored with setState. */
  savedState(): Promise<ViewState | undefined>;
  /** Reloads the page; the fake API keeps the saved state, as VS Code does for a webview. */
  reload(): Promise<void>;
  /** Switches the colour theme as VS Code does: new variables on <html style>, new body class. */
  setTheme(theme: ThemeName): Promise<void>;
}

export class WebviewHarness {
  private constructor(private readonly server: Server, readonly origin: string, private readonly browser: Browser, private readonly context: BrowserContext) {}

  static async start(): Promise<WebviewHarness> {
    const server = createServer((req, res) => serve(harnessOrigin(server), req.url ?? '/', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    return new WebviewHarness(server, harnessOrigin(server), browser, context);
  }

  async open(view: ViewKind, o: OpenOptions = {}): Promise<WebviewPage> {
    const page = await this.context.newPage();
    await page.setViewportSize({ width: o.width ?? 1000, height: o.height ?? 700 });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const theme = THEMES[o.theme ?? 'dark'];
    await page.addInitScript({ content: `(${FAKE_VSCODE_API})(${JSON.stringify({ saved: o.savedState ?? null, vars: theme.vars })})` });
    const url = `${this.origin}/page/${view}?theme=${o.theme ?? 'dark'}`;
    await page.goto(url);
    const wp: WebviewPage = {
      page,
      problems,
      posted: () => page.evaluate('window.__vscode.posted') as Promise<PageMessage[]>,
      clearPosted: () => page.evaluate('window.__vscode.posted.length = 0') as Promise<void>,
      async waitForPosted(pred, what, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const hit = (await wp.posted()).find(pred);
          if (hit) return hit;
          if (Date.now() > deadline) throw new Error(`timed out waiting for the page to post ${what}; posted: ${JSON.stringify(await wp.posted()).slice(0, 500)}`);
          await page.waitForTimeout(20);
        }
      },
      send: (message) => page.evaluate(inPage('window.postMessage(arg, "*")'), message) as Promise<void>,
      savedState: () => page.evaluate('window.__vscode.state') as Promise<ViewState | undefined>,
      async reload() {
        // The init script re-runs on reload; hand it the state the page saved, as VS Code would.
        const saved = await wp.savedState();
        await page.evaluate(inPage('sessionStorage.setItem("__vscodeState", JSON.stringify(arg ?? null))'), saved);
        await page.reload();
      },
      async setTheme(name) {
        const t = THEMES[name];
        await page.evaluate(inPage(`
          for (const [k, v] of Object.entries(arg.vars)) document.documentElement.style.setProperty(k, v);
          document.body.classList.remove(${JSON.stringify(Object.values(THEMES).map((x) => x.bodyClass)).slice(1, -1)});
          document.body.classList.add(arg.bodyClass);`), t);
      },
    };
    await wp.waitForPosted((m) => m.type === 'ready', 'ready');
    return wp;
  }

  async close() {
    await this.context.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * A function of `arg` to run in the page. Built from source text because this file is checked
 * without the DOM library, and because tsx would add esbuild's `__name` helper to named functions.
 */
export const inPage = (body: string) => new Function('arg', body) as (arg: unknown) => unknown;

const harnessOrigin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function serve(origin: string, url: string, res: import('node:http').ServerResponse) {
  const u = new URL(url, origin);
  const page = /^\/page\/(neighbours|suggestions|map)$/.exec(u.pathname);
  if (page) {
    const view = page[1] as ViewKind;
    const theme = THEMES[(u.searchParams.get('theme') as ThemeName) ?? 'dark'] ?? THEMES.dark;
    const html = pageHtml({ view, title: `arch2vec ${view}`, scriptUri: `${origin}/dist/webview/${view}.js`, cspSource: origin, nonce: makeNonce() })
      // VS Code puts the theme kind on <body class>; the variables arrive through the CSSOM (init script).
      .replace('<body ', `<body class="${theme.bodyClass}" `);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    return;
  }
  const file = normalize(join(REPO, decodeURIComponent(u.pathname)));
  if (u.pathname.startsWith('/dist/webview/') && file.startsWith(join(REPO, 'dist', 'webview')) && existsSync(file)) {
    res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'application/json' }).end(readFileSync(file));
    return;
  }
  res.writeHead(u.pathname === '/favicon.ico' ? 204 : 404).end();
}

/**
 * Runs in the page before its scripts (playwright addInitScript): VS Code's webview API surface the
 * pages use, plus the theme variables on <html style> set through the CSSOM (allowed by the CSP).
 * Plain JavaScript source: a function compiled by tsx would carry esbuild's `__name` helper calls,
 * which do not exist in the page.
 */
const FAKE_VSCODE_API = `(arg) => {
  const stored = sessionStorage.getItem('__vscodeState');
  const rec = { posted: [], state: stored !== null ? (JSON.parse(stored) ?? undefined) : (arg.saved ?? undefined), acquired: false };
  window.__vscode = rec;
  window.acquireVsCodeApi = () => {
    // VS Code allows one acquisition per page load.
    if (rec.acquired) throw new Error('An instance of the VS Code API has already been acquired');
    rec.acquired = true;
    return Object.freeze({
      postMessage: (m) => { rec.posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => rec.state,
      setState: (s) => { rec.state = s; return s; },
    });
  };
  // Init scripts run before <html> exists: set the variables as soon as it does.
  const apply = () => { for (const [k, v] of Object.entries(arg.vars)) document.documentElement.style.setProperty(k, v); };
  if (document.documentElement) apply();
  else new MutationObserver((_, o) => { if (document.documentElement) { o.disconnect(); apply(); } }).observe(document, { childList: true });
}`;
