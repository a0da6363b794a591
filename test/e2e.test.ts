/**
 * End-to-end: the packaged .vsix in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven
 * through headless Chromium the way a user works: diagnostics in the Problems view, a hover, a command
 * from the palette that opens the neighbours webview, "Insert" from that webview editing the file, the
 * status bar naming the engine's backend, the "suggest similar" CodeLens, and "Run Search…" walked
 * through its quick picks to the live Search view and an insertable suggestion. Expected values come
 * from the CLI on the same files (the same analysis, the same shipped model and benchmark table).
 *
 * Needs /usr/bin/chromium, and for the one-time code-server install (cached in .cache/code-server)
 * ripgrep, pkg-config, libkrb5-dev and a C++ toolchain; skips without them unless
 * ARCH2VEC_REQUIRE_E2E=1. On failure a screenshot and the logs go to .cache/e2e-artifacts/.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../scripts/e2e/browser';
import { Workbench } from '../scripts/e2e/workbench';
import { type CodeServer, ensureCodeServer, missingInstallPrerequisites, startCodeServer } from './helpers/codeServer';
import { REPO } from './helpers/shared';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
const ARTIFACTS = path.join(REPO, '.cache', 'e2e-artifacts');
const CLI = path.join(REPO, 'dist', 'cli.js');

/** A NAS-Bench-201 cell with an op from another search space. */
const BROKEN_FILE = 'broken.cells';
const BROKEN_TEXT = `space nasbench201

cell uses_darts_op
  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|sep_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
`;
const NB201_FILE = 'nasbench201.cells';
const QUERY_CELL = 'nb201_6111';
const NEIGHBOURS = 5;
/**
 * For "suggest similar": a weak cell (NB201 index 0; most of its neighbours beat it) and the best of
 * its better neighbours (index 5896), which the view must leave out because the file has it already.
 * A file of its own, opened at the top: the lens is on screen from its first render (see codeLens).
 */
const SIMILAR_FILE = 'similar.cells';
const SIMILAR_CELL = 'nb201_0';
const SIMILAR_TEXT = `space nasbench201

cell ${SIMILAR_CELL}
  arch: |avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|

cell tried_before
  arch: |nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|
`;
/** The table column "suggest similar" ranks by for the default dataset (arch2vec.search.dataset cifar10). */
const SIMILAR_COLUMN = 'cifar10_valid_valid_acc';
/**
 * Two fast baselines, in the order the quick pick lists them (the view's title follows it). The budget
 * (simulated seconds) is large enough that their seed-1 runs find different cells (at 4000 both stop
 * in evolution's random initial population and find the same one: a one-row table).
 */
const SEARCH_STRATEGIES = [{ id: 're', label: 'Regularised evolution' }, { id: 'rs', label: 'Random search' }] as const;
const SEARCH_BUDGET = 8000;

/**
 * Typed key by key into an empty file: two NB101 cells and one NB201 cell. `⏎` is Enter, `⇥` Tab (accepts
 * the completion the pause opened), `⇤` Shift+Tab; the indentation comes from the language configuration
 * (Enter after `cell NAME` and `matrix:` indents, Enter on a blank line goes back to column 0), never typed.
 * Each Enter and Tab follows a pause long enough for completions to show: Enter must still break the line.
 */
const TYPED_FILE = 'typed.cells';
const TYPED_KEYS = [
  'space nasbench101⏎', '⏎',
  'cell first⏎', 'ops: input conv3x3-bn-relu maxpool3x3 output⏎', 'matrix:⏎',
  '0 1 1 0⏎', '0 0 0 1⏎', '0 0 0 1⏎', '0 0 0 0⏎', '⇤', 'accu⇥', '93.5⏎', '⏎',
  'cell second⏎', 'ops: input conv1x1-bn-relu output⏎', 'matrix:⏎', '0 1 0⏎', '0 0 1⏎', '0 0 0⏎', '⏎',
  'cell third⏎', 'space: nasbench201⏎', 'arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|⏎',
];
const TYPED_TEXT = `space nasbench101

cell first
  ops: input conv3x3-bn-relu maxpool3x3 output
  matrix:
    0 1 1 0
    0 0 0 1
    0 0 0 1
    0 0 0 0
  accuracy: 93.5

cell second
  ops: input conv1x1-bn-relu output
  matrix:
    0 1 0
    0 0 1
    0 0 0

cell third
  space: nasbench201
  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
`;

const installMissing = missingInstallPrerequisites();
const unmet = [chromiumMissing(), installMissing.length ? `installing code-server needs ${installMissing.join(', ')}` : undefined]
  .filter(Boolean).join('; ');
const skip = unmet ? `end-to-end test skipped: ${unmet}` : false;
if (unmet && process.env.ARCH2VEC_REQUIRE_E2E === '1') {
  test('end-to-end prerequisites', () => assert.fail(`ARCH2VEC_REQUIRE_E2E=1 but ${unmet}`));
}

describe('the packaged extension in VS Code (code-server + Chromium)', { skip }, () => {
  let scratch: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench; // set by the before hooks; undefined only if they failed
  let neighboursShown = false;
  let similarShown = false;
  let searchShown = false;
  const workspaceFile = (name: string) => path.join(server!.workspace, name);

  before(async () => {
    // The one-time install (about a minute and 300 MB) is outside the run's own time budget.
    await ensureCodeServer((line) => console.log(`# ${line}`));
  }, { timeout: 15 * 60_000 });

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-e2e-'));
    const vsix = packageExtension(scratch);
    const files: Record<string, string> = { [BROKEN_FILE]: BROKEN_TEXT, [SIMILAR_FILE]: SIMILAR_TEXT, [TYPED_FILE]: '' };
    for (const f of fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.cells'))) {
      files[f] = fs.readFileSync(path.join(REPO, 'examples', f), 'utf8');
    }
    // Models trained on this machine (under $ARCH2VEC_HOME) would win over the shipped one: an empty
    // home for the CLI runs below and for code-server (this file has its own process).
    process.env.ARCH2VEC_HOME = path.join(scratch, 'arch2vec-home');
    fs.mkdirSync(process.env.ARCH2VEC_HOME);
    server = await startCodeServer({ vsix, files, settings: { 'arch2vec.neighbours.count': NEIGHBOURS } });
    browser = await launchChromium();
    wb = await Workbench.newPage(browser);
    await wb.load(server.url).catch(async (e) => {
      await saveArtifacts('workbench start-up', wb, server);
      throw e;
    });
  }, { timeout: 3 * 60_000 });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** A step of the scenario; when it fails, the workbench's screenshot and the logs are kept. */
  const step = (name: string, body: (t: TestContext) => Promise<void>, timeout = 90_000) => test(name, { timeout }, async (t) => {
    try {
      await body(t);
    } catch (e) {
      await saveArtifacts(name, wb, server);
      throw e;
    }
  });

  step('typing two NB101 cells and an NB201 cell key by key, with pauses, Enter and Tab, gives the file as meant and no problems', async () => {
    await wb.openFile(TYPED_FILE);
    await wb.editor.locator('.view-lines').click();
    const keyboard = wb.page.keyboard;
    for (const [n, chunk] of TYPED_KEYS.entries()) {
      if (n % 6 === 0) console.log(`# typing: ${chunk}`);
      for (const part of chunk.split(/([⏎⇥⇤])/u).filter(Boolean)) {
        if (part === '⇥') {
          // Tab accepts what the list offers: wait for it as a person would, then take the first item.
          await wb.page.locator('.suggest-widget.visible .monaco-list-row.focused').waitFor({ timeout: 15_000 });
          await keyboard.press('Tab');
        } else if (part === '⏎' || part === '⇤') {
          await wb.page.waitForTimeout(600); // a person's pause: completions (if any) are showing now
          await keyboard.press(part === '⏎' ? 'Enter' : 'Shift+Tab');
        } else {
          await keyboard.type(part, { delay: 35 });
        }
      }
    }
    await wb.save();
    const typed = fs.readFileSync(workspaceFile(TYPED_FILE), 'utf8').replace(/[ \t]+$/gm, '');
    assert.equal(typed.replace(/\n+$/, '\n'), TYPED_TEXT, 'the text typed, indented by the editor, nothing swallowed or completed into it');
    assert.deepEqual(cliJson<CliDiagnostic[]>('validate', workspaceFile(TYPED_FILE)), [], 'the CLI finds nothing to report');
    // The editor agrees: once the lenses of the last cell show, the analysis is current; no squiggles.
    await wb.codeLens('third', 'neighbours');
    assert.equal(await wb.editor.locator('.squiggly-error, .squiggly-warning, .squiggly-info').count(), 0, 'no diagnostics in the editor');
  }, 240_000); // about 400 keystrokes and 25 pauses on a loaded 2-core machine

  step('"Open Example" opens the getting-started cells as a new file that validates', async () => {
    // Once the workbench has loaded the extension's contributions (opening a .cells file makes sure of it).
    await wb.openFile(BROKEN_FILE);
    await wb.runCommand('arch2vec: Open Example', { opensQuickInput: true });
    await wb.pick('arch2vec: open an example', 'Getting started');
    await wb.page.locator('.tabs-container .tab.active', { hasText: /Untitled-\d/ }).waitFor(); // titled by its first line
    await headerLine(wb, 'resnet_like').waitFor();
    // Valid like the shipped file: CodeLenses show over its cells and nothing is underlined.
    await wb.codeLens('nb201_best', 'neighbours');
    assert.equal(await wb.editor.locator('.squiggly-error').count(), 0);
  });

  step('an unknown op shows in the Problems view with its message and code', async () => {
    const [expected] = cliJson<CliDiagnostic[]>('validate', workspaceFile(BROKEN_FILE)).filter((d) => d.code === 'unknown-op');
    assert.ok(expected, 'the CLI reports the unknown op');
    assert.match(expected.message, /sep_conv_3x3/);
    await wb.openFile(BROKEN_FILE);
    const row = await wb.problem(expected.message);
    const text = await row.innerText();
    assert.match(text, /\bunknown-op\b/);
    assert.ok(text.includes(`[Ln ${expected.line}, Col ${expected.column}]`), `the problem is placed where the CLI says: ${text}`);
  });

  step('hovering a cell name shows its benchmark entry', async () => {
    const [hash] = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).filter((h) => h.cell === QUERY_CELL);
    await wb.openFile(NB201_FILE);
    // CodeLenses render late and push the lines below them down, away from the mouse: hover after them.
    await wb.codeLens(QUERY_CELL, 'neighbours');
    const hover = await wb.hover(QUERY_CELL, `NAS-Bench-201 index ${hash.id}`);
    assert.match(await hover.innerText(), /CIFAR-10 test 94\.37%/);
  });

  step('"Show Neighbours of Cell at Cursor" opens the neighbours view with the model\'s neighbours', async () => {
    const expected = neighboursFromCli();
    await wb.openFile(NB201_FILE);
    await wb.statusBarItem(/arch2vec: engine idle\b/).waitFor(); // the engine starts lazily, on this command
    await wb.clickToken(QUERY_CELL);
    await wb.runCommand('arch2vec: Show Neighbours of Cell at Cursor');
    const cards = wb.webview(EXTENSION_ID).locator('li.card[data-index]');
    await wb.waitUnlessError(cards.nth(expected.length - 1), 60_000); // the engine starts on first use
    const shown = await cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))));
    assert.deepEqual(shown, expected.map((n) => n.index));
    neighboursShown = true;
  });

  step('the status bar names the engine\'s backend once a command has started it', async () => {
    const { backend } = cliJson<{ backend: { backend: string } }>('neighbours', workspaceFile(NB201_FILE), '--cell', QUERY_CELL, '-k', '1').backend;
    // The CLI picks the backend the same way (auto) on the same machine; the file's space has the shipped model.
    await wb.statusBarItem(new RegExp(`arch2vec: ${backend} · NB201 ✓`)).waitFor();
  });

  step('"Insert" on a neighbour adds that cell to the file', async (t) => {
    if (!neighboursShown) return t.skip('needs the neighbours view of the step before');
    const cellsBefore = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    const pick = neighboursFromCli().find((n) => !cellsBefore.includes(String(n.index)));
    assert.ok(pick, 'a neighbour that is not in the file yet');
    const card = wb.webview(EXTENSION_ID).locator(`li.card[data-index="${pick.index}"]`);
    await card.locator('[data-action="insert"]').click();
    // The host appends the cell and shows it: its header appears in the (now modified) editor.
    await headerLine(wb, (await card.locator('.title strong').innerText()).trim()).waitFor();
    await wb.page.locator('.tabs-container .tab.active.dirty', { hasText: NB201_FILE }).waitFor();
    await wb.save();
    const ids = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    assert.equal(ids.length, cellsBefore.length + 1, 'one cell more');
    assert.equal(ids.at(-1), String(pick.index), 'the new last cell is the neighbour');
  });

  step('the "suggest similar" CodeLens opens the cells near the cell that beat it on CIFAR-10, best first', async () => {
    const { base, expected, left } = similarFromCli();
    assert.equal(expected.length, NEIGHBOURS, `${SIMILAR_CELL} has ${NEIGHBOURS} better cells among its nearest`);
    assert.deepEqual(left, ['5896'], 'tried_before (NB201 5896) is the best of them under the shipped model (if the model changed, put its best there)');
    await wb.openFile(SIMILAR_FILE);
    await wb.codeLens(SIMILAR_CELL, 'neighbours');
    await (await wb.codeLens(SIMILAR_CELL, 'suggest similar')).click();
    const view = wb.webview(EXTENSION_ID);
    await wb.waitUnlessError(view.locator('h1', { hasText: /^Similar cells$/ }), 30_000);
    const cards = view.locator('li.card[data-index]');
    await cards.nth(expected.length - 1).waitFor();
    assert.equal(await view.locator('.query-name').innerText(), SIMILAR_CELL);
    const shown = await cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))));
    assert.deepEqual(shown, expected.map((n) => n.index), 'the CLI\'s better neighbours, best first');
    for (const n of expected) assert.ok(n.acc > base, `cell ${n.index}: ${n.acc} > ${base}`);
    // What the page prints ("CIFAR-10 validation, 200 ep" of the query and of every card) is the table's value.
    assert.deepEqual(await shownAccuracy(view.locator('section.query')), [base.toFixed(2)]);
    assert.deepEqual(await shownAccuracy(cards), expected.map((n) => n.acc.toFixed(2)));
    similarShown = true;
  });

  step('"Insert" on a similar cell adds that cell to the file', async (t) => {
    if (!similarShown) return t.skip('needs the similar cells of the step before');
    const cellsBefore = cliJson<CliHash[]>('hash', workspaceFile(SIMILAR_FILE)).map((h) => h.id);
    const card = wb.webview(EXTENSION_ID).locator('li.card[data-index]').first();
    const index = await card.getAttribute('data-index');
    await card.locator('[data-action="insert"]').click();
    await headerLine(wb, (await card.locator('.title strong').innerText()).trim()).waitFor();
    await wb.page.locator('.tabs-container .tab.active.dirty', { hasText: SIMILAR_FILE }).waitFor();
    await wb.save();
    const ids = cliJson<CliHash[]>('hash', workspaceFile(SIMILAR_FILE)).map((h) => h.id);
    assert.deepEqual(ids, [...cellsBefore, index], 'the similar cell is appended');
  });

  step('"Run Search…" walks its quick picks to the Search view: both strategies plotted, the cell each found listed', async () => {
    const runs = SEARCH_STRATEGIES.map((s) => ({ ...s, run: searchFromCli(s.id) }));
    const bests = runs.map((r) => r.run.best);
    assert.equal(new Set(bests.map((b) => b.index)).size, runs.length, `at budget ${SEARCH_BUDGET} each strategy finds its own cell`);
    await wb.openFile(NB201_FILE);
    await wb.runCommand('arch2vec: Run Search…', { opensQuickInput: true });
    await wb.pick('Search: space', 'nasbench201');
    await wb.pickMany('Search: strategies', runs.map((r) => r.label)); // unchecks the default (arch2vec-BO)
    await wb.pick('Search: objective', 'Benchmark');
    await wb.pick('Search: dataset', 'CIFAR-10');
    await wb.inputText('Search: budget', String(SEARCH_BUDGET));

    const view = wb.webview(EXTENSION_ID);
    await wb.waitUnlessError(view.locator('.status.done'), 60_000);
    assert.equal(await view.locator('h1').innerText(), `${runs.map((r) => r.label).join(' vs ')} · NAS-Bench-201 CIFAR-10`);
    const evaluations = runs.reduce((n, r) => n + r.run.evaluations, 0);
    assert.equal(await view.locator('.status .status-text').innerText(), `Done: ${evaluations} evaluations`);
    const legend = await view.locator('ul.legend li').allInnerTexts();
    assert.deepEqual(legend.map((l) => l.replace(/\s+/g, ' ').trim()), runs.map((r) => `${r.label} done · best ${r.run.best.reward.toFixed(2)}%`));
    // The plot: each strategy's best-so-far curve drawn in its legend colour.
    const curvePixels = await view.locator('body').evaluate((body) => {
      const canvas = body.querySelector('canvas')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      return [...body.querySelectorAll('ul.legend .swatch')].map((swatch) => {
        const [r, g, b] = swatch.ownerDocument.defaultView!.getComputedStyle(swatch).backgroundColor.match(/\d+/g)!.map(Number);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] === 255 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) <= 12) n++;
        }
        return n;
      });
    });
    assert.equal(curvePixels.length, runs.length);
    for (const [i, n] of curvePixels.entries()) assert.ok(n >= 50, `the ${runs[i].label} curve is drawn (${n} pixels of its colour)`);
    // The cells found: per strategy its top cells, the one the CLI reports as best first.
    for (const r of runs) {
      const first = view.locator(`section.strategy-results[data-strategy="${r.id}"] li.result`).first();
      await first.waitFor();
      assert.equal(await first.getAttribute('data-index'), String(r.run.best.index), `${r.label}: its best cell heads its list`);
    }
    searchShown = true;
  });

  step('"Insert" on the first suggested cell adds it to the file, which stays valid', async (t) => {
    if (!searchShown) return t.skip('needs the Search view of the step before');
    const cellsBefore = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    const row = wb.webview(EXTENSION_ID).locator('li.result[data-index]').first();
    const index = (await row.getAttribute('data-index'))!;
    await row.locator('[data-action="insert"]').click();
    await headerLine(wb, `nb201_${index}`).waitFor();
    await wb.page.locator('.tabs-container .tab.active.dirty', { hasText: NB201_FILE }).waitFor();
    await wb.save();
    const ids = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    assert.deepEqual(ids, [...cellsBefore, index], 'the found cell is appended');
    const errors = cliJson<CliDiagnostic[]>('validate', workspaceFile(NB201_FILE)).filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], 'the file still validates');
  });

  /** The neighbours the CLI finds with the same shipped model, nearest first. */
  function neighboursFromCli(): { index: number }[] {
    const r = cliJson<{ neighbours: { index: number }[] }>('neighbours', workspaceFile(NB201_FILE), '--cell', QUERY_CELL, '-k', String(NEIGHBOURS));
    return r.neighbours;
  }

  /**
   * What "suggest similar" should show, worked out from the CLI: among the query's 50 nearest (as the
   * command asks the engine), the cells not in the file that beat it on SIMILAR_COLUMN, best first.
   */
  function similarFromCli(): { base: number; expected: { index: number; acc: number }[]; left: string[] } {
    const inFile = new Set(cliJson<CliHash[]>('hash', workspaceFile(SIMILAR_FILE)).map((h) => h.id));
    const k = Math.max(50, 5 * NEIGHBOURS);
    const r = cliJson<CliNeighbours>('neighbours', workspaceFile(SIMILAR_FILE), '--cell', SIMILAR_CELL, '-k', String(k));
    const acc = (n: CliNeighbours['neighbours'][number]) => n.accuracies![SIMILAR_COLUMN];
    const self = r.neighbours.find((n) => n.index === r.query.index)!;
    const base = acc(self);
    const better = r.neighbours.filter((n) => n.index !== r.query.index && acc(n) > base)
      .sort((a, b) => acc(b) - acc(a) || a.distance - b.distance);
    const expected = better.filter((n) => !inFile.has(String(n.index))).slice(0, NEIGHBOURS).map((n) => ({ index: n.index, acc: acc(n) }));
    // The better cells that rank above the last one shown but are left out for being in the file.
    const left = better.filter((n) => inFile.has(String(n.index)) && acc(n) >= expected.at(-1)!.acc).map((n) => String(n.index));
    return { base, expected, left };
  }
});

/**
 * The editor line of a cell's header (the whole line: the name's token may be split by decorations), in
 * any editor: right after a webview's Insert the focused group can still be the webview's.
 */
function headerLine(wb: Workbench, name: string): Locator {
  return wb.page.locator('.monaco-editor .view-line', { hasText: new RegExp(`^cell\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();
}

/** The "CIFAR-10 validation, 200 ep" value (as printed, without %) of each element's accuracy list. */
function shownAccuracy(within: Locator): Promise<string[]> {
  return within.evaluateAll((els) => els.map((el) => {
    const dt = [...el.querySelectorAll('dt')].find((d) => d.textContent?.trim() === 'CIFAR-10 validation, 200 ep');
    return dt?.nextElementSibling?.textContent?.replace(/%$/, '') ?? '(none)';
  }));
}

/** The CLI's search of NAS-Bench-201 on CIFAR-10 with one strategy, seed 1 (what the extension runs). */
function searchFromCli(strategy: string): { best: { index: number; reward: number }; evaluations: number } {
  const r = cliJson<{ runs: { best: { index: number; reward: number }; trace: { evaluations: number }[] }[] }>('search',
    '--space', 'nasbench201', '--objective', 'benchmark', '--dataset', 'cifar10', '--strategy', strategy, '--budget', String(SEARCH_BUDGET), '--seed', '1');
  const [run] = r.runs;
  return { best: run.best, evaluations: run.trace.at(-1)!.evaluations };
}

interface CliDiagnostic { line: number; column: number; severity: string; code: string; message: string }
interface CliNeighbours {
  query: { index: number | null };
  neighbours: { index: number; distance: number; accuracies?: Record<string, number> }[];
}
interface CliHash { cell: string; id: string }

/** Runs `arch2vec <command> … --json` (exit 1 only means the file has errors). */
function cliJson<T>(...args: string[]): T {
  try {
    return JSON.parse(execFileSync(process.execPath, [CLI, ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as T;
  } catch (e) {
    const out = (e as { stdout?: string }).stdout;
    if (out) return JSON.parse(out) as T;
    throw e;
  }
}

/** Packages the bundles `npm test` just built (no second, production build) into dir. */
function packageExtension(dir: string): string {
  const vsix = path.join(dir, `${manifest.name}.vsix`);
  execFileSync(process.execPath, [path.join(REPO, 'scripts', 'package.mjs'), '--no-build', '--out', vsix], { cwd: REPO, stdio: 'pipe' });
  return vsix;
}

async function saveArtifacts(stepName: string, wb: Workbench | undefined, server: CodeServer | undefined): Promise<void> {
  const dir = path.join(ARTIFACTS, `${new Date().toISOString().replace(/[:.]/g, '-')}-${stepName.replace(/\W+/g, '-').slice(0, 60)}`);
  fs.mkdirSync(dir, { recursive: true });
  await wb?.page.screenshot({ path: path.join(dir, 'workbench.png') }).catch(() => {});
  if (server) {
    fs.cpSync(server.logFile, path.join(dir, 'code-server.log'));
    if (fs.existsSync(server.vscodeLogsDir)) fs.cpSync(server.vscodeLogsDir, path.join(dir, 'vscode-logs'), { recursive: true });
  }
  console.log(`# e2e artifacts: ${path.relative(REPO, dir)}`);
}
