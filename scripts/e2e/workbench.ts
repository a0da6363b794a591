/**
 * Drives the VS Code workbench that code-server renders, the way a user does: keyboard shortcuts,
 * Quick Open, the command palette, mouse hovers. Selectors are VS Code's own DOM classes (stable across
 * the 1.9x releases code-server bundles); every wait is for a condition in the page, never a fixed delay.
 */
import { ok as assert } from 'node:assert';
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
  async runCommand(title: string, options: { opensQuickInput?: boolean } = {}): Promise<void> {
    await this.quickInput('F1', title, !options.opensQuickInput);
  }

  /** Saves the active editor (Ctrl+S) once it has focus. */
  async save(): Promise<void> {
    // Right after a webview's button edited the file, the click's focus can land in the webview after
    // the extension focused the editor: click into the editor then, as a user would.
    // The webview may also sit in another editor group that is now the active one: bring the modified
    // file's tab forward first (that activates its group), then click into its text. On a loaded CI
    // machine one click has been seen not to stick (the webview took focus back): try again, then
    // the keyboard's "focus first editor group" (Ctrl+1; insertions go to the first column).
    const focused = this.editor.and(this.page.locator('.focused'));
    const hasFocus = (ms: number) => focused.waitFor({ timeout: ms }).then(() => true, () => false);
    for (let attempt = 0; !(await hasFocus(3_000)); attempt++) {
      assert(attempt < 4, 'the modified editor never took focus');
      if (attempt % 2 === 1) {
        await this.page.keyboard.press('Control+1');
        continue;
      }
      const dirty = this.page.locator('.tabs-container .tab.dirty').first();
      if (await dirty.count()) await dirty.click();
      await this.editor.locator('.view-lines').click();
    }
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
    // A panel hidden behind another one in its group may keep its iframe (retainContextWhenHidden):
    // the one the user sees is the visible one.
    return this.page.locator(`iframe.webview[src*="extensionId=${extensionId}"]`).filter({ visible: true })
      .contentFrame().frameLocator('#active-frame');
  }

  /**
   * Replaces the user settings with `settings` the way a user edits them: "Preferences: Open User
   * Settings (JSON)", the new text, save, close. (code-server does not pick up outside writes to the file.)
   */
  async setUserSettings(settings: Record<string, unknown>): Promise<void> {
    await this.runCommand('Preferences: Open User Settings (JSON)');
    await this.page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor();
    await this.editor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(JSON.stringify(settings, null, 2));
    await this.save();
    await this.page.keyboard.press('Control+W');
    await this.page.locator('.tabs-container .tab', { hasText: 'settings.json' }).waitFor({ state: 'detached' });
  }

  /** The visible webview panel of an extension (its outer iframe, which VS Code lays over the panel's editor group). */
  webviewFrame(extensionId: string): Locator {
    return this.page.locator(`iframe.webview[src*="extensionId=${extensionId}"]`).filter({ visible: true });
  }

  /**
   * Resizes the browser window until the extension's visible webview is `width` px wide (the window's
   * other parts keep their sizes; the editor groups share the rest as VS Code lays them out); returns
   * the width reached.
   */
  async sizeWebview(extensionId: string, width: number): Promise<number> {
    const frame = this.webviewFrame(extensionId);
    let now = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      await this.page.waitForTimeout(250); // VS Code lays the grid out after the resize event
      now = Math.round((await frame.boundingBox())!.width);
      if (Math.abs(now - width) <= 1) break;
      const vp = this.page.viewportSize()!;
      // The panel takes a share of the window's width beyond the fixed parts: scale that share.
      const box = (await frame.boundingBox())!;
      const share = box.width / vp.width;
      await this.page.setViewportSize({ width: Math.round(vp.width + (width - now) / Math.max(0.2, share)), height: vp.height });
    }
    return now;
  }

  /** Saves a screenshot of the editor group that shows the extension's webview (its tab and the page). */
  async screenshotGroupOf(extensionId: string, file: string): Promise<void> {
    const box = (await this.webviewFrame(extensionId).boundingBox())!;
    await this.page.screenshot({ path: file, clip: await this.groupBoxAt(box.x + box.width / 2, box.y + box.height / 2) });
  }

  /** The box of the active editor group (tabs, breadcrumbs and text). */
  async activeGroupBox(): Promise<{ x: number; y: number; width: number; height: number }> {
    return (await this.page.locator('.editor-group-container.active').boundingBox())!;
  }

  private async groupBoxAt(x: number, y: number): Promise<{ x: number; y: number; width: number; height: number }> {
    return this.page.locator('.editor-group-container').evaluateAll((els, [x, y]) => {
      const g = els.map((el) => el.getBoundingClientRect()).find((r) => r.left <= x && x <= r.right && r.top <= y && y <= r.bottom);
      if (!g) throw new Error(`no editor group at ${x},${y}`);
      return { x: g.left, y: g.top, width: g.width, height: g.height };
    }, [x, y] as const);
  }

  /**
   * The CodeLens titled `title` above the line of the token `text` (a cell's name), once the editor
   * shows one there: lenses render asynchronously and again after every edit.
   *
   * Use it on a lens that has been on screen since the file was opened. VS Code 1.100 refreshes the
   * commands of lenses that are on screen only, and frees the old ones at once: a lens scrolled into
   * view runs a stale command ("Actual command not found") if clicked within ~250 ms, before its
   * viewport refresh.
   */
  async codeLens(text: string, title: string, timeoutMs = 30_000): Promise<Locator> {
    const editor = await this.editor.elementHandle();
    // In the page: the lens whose view zone ends right on top of the token's line (within a few pixels).
    const found = await this.page.waitForFunction(([ed, text, title]) => {
      const token = [...ed!.querySelectorAll('.view-line span span')].find((el) => el.textContent === text);
      if (!token) return false;
      const top = token.getBoundingClientRect().top;
      const i = [...ed!.querySelectorAll('.codelens-decoration')].findIndex((lens) => {
        const bottom = lens.getBoundingClientRect().bottom;
        return bottom <= top + 1 && top - bottom < 6 && [...lens.querySelectorAll('a')].some((a) => a.textContent?.trim() === title);
      });
      return i >= 0 ? { i } : false;
    }, [editor, text, title] as const, { timeout: timeoutMs });
    const { i } = (await found.jsonValue()) as { i: number };
    return this.editor.locator('.codelens-decoration').nth(i).locator('a', { hasText: exactly(title) });
  }

  /** The status bar entry whose text matches. */
  statusBarItem(matching: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: matching }).first();
  }

  /** Waits for the quick pick titled `title` (a command's own picker) and accepts the item labelled exactly `label`. */
  async pick(title: string | RegExp, label: string): Promise<void> {
    const input = await this.quickInputTitled(title);
    await input.pressSequentially(label);
    await this.quickRow(label, '.focused').waitFor();
    await this.page.keyboard.press('Enter');
  }

  /**
   * Waits for the multi-select quick pick titled `title`, checks exactly the items labelled `labels`
   * (unchecking pre-checked others, e.g. the settings' defaults), and accepts with OK.
   */
  async pickMany(title: string | RegExp, labels: string[]): Promise<void> {
    await this.quickInputTitled(title);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const all = await rows.locator(LABEL).allInnerTexts();
    for (const label of labels) assert(all.includes(label), `no item "${label}" in the quick pick: ${all.join(', ')}`);
    for (const label of all) {
      const want = labels.includes(label) ? 'true' : 'false';
      const row = this.quickRow(label);
      if ((await row.getAttribute('aria-checked')) !== want) await row.locator(LABEL).click();
      await this.quickRow(label, `[aria-checked="${want}"]`).waitFor();
    }
    await this.page.locator('.quick-input-widget .quick-input-action .monaco-button', { hasText: /^OK$/ }).click();
  }

  /** Waits for the input box titled `title`, replaces its value with `value` and accepts it. */
  async inputText(title: string | RegExp, value: string): Promise<void> {
    const input = await this.quickInputTitled(title);
    await input.fill(value);
    await this.page.keyboard.press('Enter');
    // A value the extension's validateInput rejects keeps the box open with an error: fail with its message.
    const rejected = this.page.locator('.quick-input-widget .quick-input-box .monaco-inputbox.error');
    const failed = rejected.waitFor().then(
      async () => { throw new Error(`"${value}" rejected: ${await this.page.locator('.quick-input-widget .quick-input-message').innerText()}`); },
      () => {}, // never rejected: the box closed
    );
    await Promise.race([this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }), failed]);
  }

  private async quickInputTitled(title: string | RegExp): Promise<Locator> {
    await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    return input;
  }

  /** A row of the open quick pick whose label is exactly `label` (and that also matches `and`). */
  private quickRow(label: string, and = ''): Locator {
    return this.page.locator(`.quick-input-list .monaco-list-row${and}`, { has: this.page.locator(LABEL, { hasText: exactly(label) }) });
  }

  /** Types into Quick Open / the palette and accepts the item that matches exactly what was typed. */
  private async quickInput(shortcut: string, text: string, waitHidden = true): Promise<void> {
    await this.page.keyboard.press(shortcut);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.pressSequentially(text);
    // Enter accepts the focused (first) item: wait until it is the one asked for, not a stale list.
    await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).waitFor();
    await this.page.keyboard.press('Enter');
    // A command that asks something re-opens the widget at once: its caller waits for that instead.
    if (waitHidden) await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }
}

/** An item's label in a quick pick row (its detail line, below, is a label-name too). */
const LABEL = '.quick-input-list-row:first-child .label-name';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string) => new RegExp(`^${escapeRegExp(s)}$`);
