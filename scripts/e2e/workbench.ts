/**
 * Drives the VS Code workbench that code-server renders, the way a user does: keyboard shortcuts,
 * Quick Open, the command palette, mouse hovers. Selectors are VS Code's own DOM classes (stable across
 * the 1.9x releases code-server bundles); every wait is for a condition in the page, never a fixed delay.
 */
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(readonly page: Page) {}

  static async newPage(browser: Browser, timeoutMs = 30_000): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(timeoutMs);
    return new Workbench(page);
  }

  /** Loads the workbench and waits until the workspace folder shows in the Explorer. */
  async load(url: string, timeoutMs = 60_000): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: timeoutMs });
  }

  /** Opens a workspace file by name with Quick Open (Ctrl+P) and waits for its editor to be active. */
  async openFile(name: string): Promise<void> {
    await this.quickInput('Control+P', name);
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await this.editor.locator('.view-lines').waitFor();
  }

  /** The editor that has focus or was focused last. */
  get editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** A token of the active editor whose whole text is `text` (e.g. a cell name). */
  token(text: string): Locator {
    return this.editor.locator('.view-line span span', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }).first();
  }

  /** Puts the cursor on a token by clicking it. */
  async clickToken(text: string): Promise<void> {
    await this.token(text).click();
    await this.editor.and(this.page.locator('.focused')).waitFor();
  }

  /** Hovers a token with the mouse and returns the hover once it shows `expected`. */
  async hover(text: string, expected: string | RegExp): Promise<Locator> {
    await this.token(text).hover();
    const hover = this.page.locator('.monaco-hover-content', { hasText: expected }).first();
    await hover.waitFor();
    return hover;
  }

  /** Opens the Problems view (Ctrl+Shift+M) and returns the row of the first problem that matches. */
  async problem(matching: string | RegExp): Promise<Locator> {
    await this.page.keyboard.press('Control+Shift+M');
    const row = this.page.locator('.markers-panel .monaco-list-row', { hasText: matching }).first();
    await row.waitFor();
    return row;
  }

  /** Runs a command from the command palette (F1) by its full title ("Category: Title"). */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('F1', title);
  }

  /** Saves the active editor (Ctrl+S) once it has focus. */
  async save(): Promise<void> {
    await this.editor.and(this.page.locator('.focused')).waitFor();
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
  }

  /**
   * Waits for `target`, but fails at once with the message of an error notification (a command that
   * threw, say) if one shows first, instead of timing out without a reason.
   */
  async waitUnlessError(target: Locator, timeoutMs: number): Promise<void> {
    const error = this.page.locator('.notifications-toasts .notification-list-item', { has: this.page.locator('.codicon-error') }).first();
    const failed = error.waitFor({ timeout: timeoutMs }).then(
      async () => { throw new Error(`error notification instead: ${(await error.innerText()).replace(/\s+/g, ' ')}`); },
      () => {}, // none showed: target.waitFor decides
    );
    await Promise.race([target.waitFor({ timeout: timeoutMs }), failed]);
  }

  /**
   * The content of an extension's webview panel. VS Code nests it twice: an `iframe.webview` (its
   * src names the extension) hosting the page in `#active-frame`.
   */
  webview(extensionId: string): FrameLocator {
    return this.page.frameLocator(`iframe.webview[src*="extensionId=${extensionId}"]`).frameLocator('#active-frame');
  }

  /** Types into Quick Open / the palette and accepts the item that matches exactly what was typed. */
  private async quickInput(shortcut: string, text: string): Promise<void> {
    await this.page.keyboard.press(shortcut);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.pressSequentially(text);
    // Enter accepts the focused (first) item: wait until it is the one asked for, not a stale list.
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
