/**
 * End-to-end: the packaged .vsix in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven
 * through headless Chromium the way a user works: diagnostics in the Problems view, a hover, a command
 * from the palette that opens the neighbours webview, "Insert" from that webview editing the file, the
 * status bar naming the engine's backend, the "suggest similar" CodeLens, "Run Search…" walked
 * through its quick picks to the live Search view and an insertable suggestion, that view at a side
 * panel's width (500 px) in dark and light, a search whose evaluator script fails (each reason shown),
 * a DARTS search with a small evaluator script, "export as PyTorch", and predicted accuracies (inlay
 * hints, hover) once a file has enough measured cells. Expected values come from the CLI on the same
 * files (the same analysis, the same shipped model, benchmark table and evaluator scripts). One
 * code-server session serves every step.
 *
 * Screenshots of the real editor (search view at 500 px, predictions; dark and light) go to
 * .cache/e2e-artifacts/screenshots/, or to docs/ with ARCH2VEC_UPDATE_SCREENSHOTS=1 (how the committed
 * docs/search-500-*.png and docs/predictions-*.png are made).
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
import { failureReason } from '../client/src/commands/searchResults';
import { formatDuration, measuredRates, noModelLens, pretrainEstimate } from '../client/src/pretrainEstimate';

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

/** At most this many evaluations per command search (arch2vec.search.maxEvals, set for those steps). */
const COMMAND_MAX_EVALS = 6;
/**
 * A broken training script: odd cells "run out of GPU memory" (exit 1, the reason on stderr), even
 * ones train but never print a result line. Two reasons, so the search runs to its end (no early stop).
 */
const FLAKY_FILE = 'evaluators/flaky.mjs';
const FLAKY_TEXT = `import { readFileSync } from 'node:fs';
const cell = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (cell.index % 2) {
  console.error('RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB');
  process.exit(1);
}
console.log('epoch 1/1 loss 0.42');
`;
const FLAKY_COMMAND = `node ${FLAKY_FILE} {json}`;
/** The example evaluator (a deterministic stand-in for training), run on DARTS genotypes. */
const SYNTHETIC_FILE = 'evaluators/synthetic-accuracy.mjs';
const SYNTHETIC_COMMAND = `node ${SYNTHETIC_FILE} {json}`;
const DARTS_FILE = 'darts.cells';
/**
 * NAS-Bench-201 cells, 12 with their CIFAR-10 test accuracy from the shipped table (more than the 10
 * predictions need) and 3 without: those get a predicted accuracy.
 */
const PREDICT_FILE = 'predictions.cells';
const PREDICT_TEXT = `# NAS-Bench-201: accuracy = CIFAR-10 test accuracy (200 epochs, NATS-Bench-tss), 12 cells measured.
# The cells without one get a predicted accuracy from the measured cells.

space nasbench201

cell candidate_a
  arch: |nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_3x3~2|

cell candidate_b
  arch: |skip_connect~0|+|avg_pool_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_1x1~2|

cell candidate_c
  arch: |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|

${[
  [5292, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|', 94.29],
  [1346, '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|nor_conv_1x1~0|nor_conv_3x3~1|nor_conv_3x3~2|', 93.48],
  [7525, '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|', 93.11],
  [8012, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|skip_connect~2|', 93.23],
  [4184, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|nor_conv_3x3~1|skip_connect~2|', 93.46],
  [8754, '|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|skip_connect~2|', 92.89],
  [13037, '|nor_conv_1x1~0|+|avg_pool_3x3~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', 88.86],
  [11883, '|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', 87.33],
  [15104, '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_1x1~2|', 89.11],
  [1839, '|avg_pool_3x3~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|skip_connect~1|skip_connect~2|', 87.84],
  [14885, '|skip_connect~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|', 87.34],
  [13886, '|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|', 87.22],
].map(([i, arch, acc]) => `cell nb201_${i}\n  arch: ${arch}\n  accuracy: ${acc}\n`).join('')}`;
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;
/** Where the steps' screenshots go (docs/ only when asked: a test run must not rewrite tracked files). */
const SCREENSHOTS = process.env.ARCH2VEC_UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs') : path.join(ARTIFACTS, 'screenshots');

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
    const files: Record<string, string> = {
      [BROKEN_FILE]: BROKEN_TEXT, [SIMILAR_FILE]: SIMILAR_TEXT, [TYPED_FILE]: '', [PREDICT_FILE]: PREDICT_TEXT, [FLAKY_FILE]: FLAKY_TEXT,
      [SYNTHETIC_FILE]: fs.readFileSync(path.join(REPO, 'examples', 'evaluators', 'synthetic-accuracy.mjs'), 'utf8'),
    };
    for (const f of fs.readdirSync(path.join(REPO, 'examples')).filter((f) => f.endsWith('.cells'))) {
      files[f] = fs.readFileSync(path.join(REPO, 'examples', f), 'utf8');
    }
    // Models trained on this machine (under $ARCH2VEC_HOME) would win over the shipped one: an empty
    // home for the CLI runs below and for code-server (this file has its own process).
    process.env.ARCH2VEC_HOME = path.join(scratch, 'arch2vec-home');
    fs.mkdirSync(process.env.ARCH2VEC_HOME);
    server = await startCodeServer({
      vsix, files, settings: {
        'arch2vec.neighbours.count': NEIGHBOURS,
        // Steps change settings by typing the whole settings.json: nothing may be auto-closed or re-indented there.
        '[jsonc]': { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false, 'editor.autoSurround': 'never' },
      },
    });
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

  step('the Search view at a side panel\'s width (500 px), dark and light: cards that fit, nothing cut (screenshots)', async (t) => {
    if (!searchShown) return t.skip('needs the Search view of the step before');
    const view = wb.webview(EXTENSION_ID);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // Beside the file, as a side panel: no Explorer, no bottom panel, the window sized so the view is 500 px.
    await editorOnly();
    await view.locator('li.result').first().waitFor();
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(theme);
      const width = await wb.sizeWebview(EXTENSION_ID, 500);
      assert.ok(Math.abs(width - 500) <= 2, `the view is ${width} px wide`);
      // Below 720 px the results are cards: every cell's name, values and buttons inside the view.
      const overflow = await view.locator('body').evaluate((body) => {
        const w = body.ownerDocument.documentElement.clientWidth;
        const out: string[] = [];
        if (body.ownerDocument.documentElement.scrollWidth > w + 1) out.push(`the page scrolls sideways (${body.ownerDocument.documentElement.scrollWidth} > ${w})`);
        for (const el of body.querySelectorAll('li.result, li.result *, h1, .status, ul.legend li')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && (r.right > w + 1 || r.left < -1)) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(r.left)}..${Math.round(r.right)} of ${w}`);
        }
        return out;
      });
      assert.deepEqual(overflow, [], 'nothing sticks out of the 500 px view');
      await view.locator('li.result [data-action="insert"]').first().waitFor();
      await wb.screenshotGroupOf(EXTENSION_ID, path.join(SCREENSHOTS, `search-500-${theme}.png`));
    }
    await setTheme('dark');
    await wb.page.setViewportSize({ width: 1400, height: 900 });
  });

  step('a search whose evaluator script fails shows each failure\'s reason in the view and the log', async () => {
    // Command searches stop after a few evaluations (the workbench picks the settings file up live).
    await updateSettings({ 'arch2vec.search.maxEvals': COMMAND_MAX_EVALS });
    const run = commandSearchFromCli('nasbench201', 'rs', FLAKY_COMMAND);
    const expected = new Map<string, number>();
    for (const e of run.log) if (e.error) expected.set(failureReason(e.error), (expected.get(failureReason(e.error)) ?? 0) + 1);
    assert.equal(run.log.length, COMMAND_MAX_EVALS);
    assert.equal(expected.size, 2, `the script fails two ways on these cells: ${[...expected.keys()].join(' | ')}`);

    await wb.openFile(NB201_FILE);
    await wb.runCommand('arch2vec: Run Search…', { opensQuickInput: true });
    await wb.pick('Search: space', 'nasbench201');
    await wb.pickMany('Search: strategies', ['Random search']);
    await wb.pick('Search: objective', 'My evaluator command');
    await wb.inputText('Search: evaluator command', FLAKY_COMMAND);
    // The budget box says what an empty budget means once the setting has arrived; accept empty.
    await wb.page.locator('.quick-input-widget', { hasText: /empty: stop after arch2vec\.search\.maxEvals evaluations/ }).waitFor();
    await wb.inputText('Search: budget', '');

    const view = wb.webview(EXTENSION_ID);
    // The view shows this search (not the last one) once its title says so.
    await view.locator('h1', { hasText: /^Random search · evaluator command$/ }).waitFor({ timeout: 30_000 });
    await wb.waitUnlessError(view.locator('.status.done, .status.failed'), 90_000);
    const failures = view.locator('details.failures');
    await failures.waitFor();
    assert.equal((await failures.locator('summary').innerText()).trim(), `${COMMAND_MAX_EVALS} evaluations failed (2 reasons)`);
    const shown = new Map((await failures.locator('li').evaluateAll((els) => els.map((li) => [
      li.querySelector('.reason')?.textContent ?? '', Number(li.querySelector('.count')?.textContent?.replace('×', '')),
    ] as [string, number]))));
    assert.deepEqual(shown, expected, 'each reason the evaluator gave, with how often');
    // The extension's log (its output channel, written under the profile's logs) names them too.
    const logged = await waitForLog(server!, (text) => text.includes(`search: ${COMMAND_MAX_EVALS} evaluations failed`));
    for (const reason of expected.keys()) assert.ok(logged.includes(reason), `the log has "${reason}"`);
  }, 240_000);

  step('a DARTS search with a small evaluator script, from the editor, finds what the CLI finds', async () => {
    // The CLI caches the DARTS pool (600,000 genotypes, the same on every machine) where the editor's engine
    // looks for it (the extension's global storage), so it is sampled once for the whole test.
    const editorHome = path.join(path.dirname(server!.settingsFile), 'globalStorage', EXTENSION_ID.toLowerCase());
    const runs = SEARCH_STRATEGIES.map((s) => ({ ...s, run: commandSearchFromCli('darts', s.id, SYNTHETIC_COMMAND, editorHome) }));
    await wb.openFile(DARTS_FILE);
    await wb.runCommand('arch2vec: Run Search…', { opensQuickInput: true });
    // The space of the file's cells is offered first.
    await wb.page.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: 'darts' }).waitFor();
    await wb.pick('Search: space', 'darts');
    await wb.pickMany('Search: strategies', runs.map((r) => r.label));
    await wb.pick('Search: objective', 'My evaluator command');
    await wb.inputText('Search: evaluator command', SYNTHETIC_COMMAND);
    await wb.inputText('Search: budget', '');

    const view = wb.webview(EXTENSION_ID);
    await view.locator('h1', { hasText: `${runs.map((r) => r.label).join(' vs ')} · evaluator command` }).waitFor({ timeout: 30_000 });
    // The first DARTS search samples and caches the space's pool (600,000 genotypes) before evaluating.
    await wb.waitUnlessError(view.locator('.status.done'), 150_000);
    assert.equal(await view.locator('.status .status-text').innerText(), `Done: ${runs.length * COMMAND_MAX_EVALS} evaluations`);
    const legend = await view.locator('ul.legend li').allInnerTexts();
    assert.deepEqual(legend.map((l) => l.replace(/\s+/g, ' ').trim()), runs.map((r) => `${r.label} done · best ${r.run.best.reward.toFixed(2)}%`));
    for (const r of runs) {
      const first = view.locator(`section.strategy-results[data-strategy="${r.id}"] li.result`).first();
      await first.waitFor();
      assert.equal(await first.getAttribute('data-index'), String(r.run.best.index), `${r.label}: the CLI's best genotype heads its list`);
    }
    await updateSettings({ 'arch2vec.search.maxEvals': null });
  }, 300_000);

  step('"export as PyTorch" on a cell writes the module `arch2vec export` writes', async () => {
    const [info] = cliJson<{ cell: string; params: number }[]>('info', workspaceFile(SIMILAR_FILE)).filter((c) => c.cell === SIMILAR_CELL);
    const expected = execFileSync(process.execPath, [CLI, 'export', workspaceFile(SIMILAR_FILE), '--cell', SIMILAR_CELL, '--format', 'pytorch'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    await wb.openFile(SIMILAR_FILE);
    await (await wb.codeLens(SIMILAR_CELL, 'export as PyTorch')).click();
    await wb.pick(`Export ${SIMILAR_CELL} as PyTorch: network`, 'CIFAR-10');
    // The save dialog (VS Code's own in a browser): the proposed path beside the file; accept it.
    const target = workspaceFile(`${SIMILAR_CELL}.py`);
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    for (let t0 = Date.now(); (await input.inputValue().catch(() => '')) !== target;) {
      assert.ok(Date.now() - t0 < 20_000, `the save dialog proposes ${target}, not ${await input.inputValue().catch(() => '(none)')}`);
      await wb.page.waitForTimeout(100);
    }
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.notifications-toasts .notification-list-item', { hasText: `wrote ${SIMILAR_CELL}.py (${info.params.toLocaleString('en-US')} parameters)` }).waitFor();
    const written = fs.readFileSync(target, 'utf8');
    // The same module; only the line saying how it was generated differs.
    const generatedBy = /^Generated by .*$/m;
    assert.match(written, /^Generated by arch2vec .* \(Export as PyTorch\)\.$/m);
    assert.equal(written.replace(generatedBy, ''), expected.replace(generatedBy, ''));
    assert.match(written, new RegExp(`^Parameters: ${info.params.toLocaleString('en-US')}$`, 'm'));
  });

  step('above a cell of a space without a model, the CodeLens says so and offers pretraining with its expected time', async (t) => {
    const spaces = ([['nasbench101', 'nasbench101.cells', 'nb101_v2', 'NAS-Bench-101'], ['darts', DARTS_FILE, 'arch2vec_rl', 'DARTS']] as const)
      .filter(([space]) => !fs.existsSync(path.join(REPO, 'models', space, 'config.json')));
    if (!spaces.length) return t.skip('every space ships a model: no such cell');
    // The editor's engine home is empty (a fresh profile): the rate comes from the shipped models' records.
    const rates = measuredRates(path.join(scratch, 'no-models-here'));
    for (const [space, file, cell, title] of spaces) {
      const estimate = pretrainEstimate(space, rates);
      assert.ok(estimate, 'the shipped NB201 model recorded its training rate');
      const lens = noModelLens(space, estimate);
      assert.match(lens.title, /^no (NB101|DARTS) model · pretrain \(≈[\d.]+ (s|min|h)\)$/);
      await wb.openFile(file);
      await wb.codeLens(cell, 'export as PyTorch');
      await (await wb.codeLens(cell, lens.title)).click();
      // What it costs is said before anything starts.
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: `Pretrain ${title}: epochs (expected ${formatDuration(estimate.seconds)})` }).waitFor();
      await wb.page.locator('.quick-input-widget', { hasText: `${estimate.epochs} epochs of ${estimate.cells.toLocaleString('en-US')} cells` }).waitFor();
      await wb.page.keyboard.press('Escape');
      await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      assert.equal(await wb.editor.locator('.codelens-decoration a', { hasText: /^(neighbours|suggest similar)$/ }).count(), 0, 'no lens that cannot work');
    }
  });

  step('with 12 measured cells, each unmeasured cell shows the predicted accuracy `arch2vec predict` gives (inlay hint, hover; screenshots)', async () => {
    const { predictions } = cliJson<{ predictions: { name: string; predicted: number; std: number; nearest: { name: string }[] }[] }>('predict', workspaceFile(PREDICT_FILE));
    assert.deepEqual(predictions.map((p) => p.name).sort(), ['candidate_a', 'candidate_b', 'candidate_c']);
    await wb.openFile(PREDICT_FILE);
    for (const p of predictions) {
      // The hint follows the cell's name on its header line.
      const hinted = new RegExp(`^cell\\s+${p.name}\\s*≈\\s*${p.predicted.toFixed(1).replace('.', '\\.')}%\\s*±\\s*${p.std.toFixed(1).replace('.', '\\.')}\\s*$`);
      await wb.editor.locator('.view-line', { hasText: hinted }).waitFor({ timeout: 30_000 });
    }
    const [first] = predictions.filter((p) => p.name === 'candidate_a');
    // The file alone in a window of a laptop screen's size, for the screenshots.
    await editorOnly();
    await wb.runCommand('View: Single Column Editor Layout');
    await wb.page.setViewportSize({ width: 1000, height: 720 });
    for (const theme of ['dark', 'light'] as const) {
      await setTheme(theme);
      const hover = await wb.hover(first.name, /Predicted accuracy/);
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      assert.ok(text.includes(`Predicted accuracy: ${first.predicted.toFixed(2)}% ± ${first.std.toFixed(2)}`), text);
      for (const n of first.nearest) assert.ok(text.includes(n.name), `the hover names ${n.name}, a measured cell that drives it`);
      assert.ok(text.indexOf('Predicted accuracy') < text.indexOf('Graph'), 'the prediction comes first, right under the title');
      await wb.page.screenshot({ path: path.join(SCREENSHOTS, `predictions-${theme}.png`), clip: await wb.activeGroupBox() });
      await wb.page.mouse.move(0, 0);
    }
    await setTheme('dark');
    await wb.page.setViewportSize({ width: 1400, height: 900 });
  }, 180_000);

  /** Hides the Explorer and the bottom panel (each command is offered only while its part shows). */
  async function editorOnly(): Promise<void> {
    if (await wb.page.locator('.part.sidebar').isVisible()) await wb.runCommand('View: Close Primary Side Bar');
    if (await wb.page.locator('.part.panel').isVisible()) await wb.runCommand('View: Hide Panel');
  }

  /** Merges `patch` into the user settings (null removes a key), through the settings editor. */
  async function updateSettings(patch: Record<string, unknown>): Promise<void> {
    const settings = JSON.parse(fs.readFileSync(server!.settingsFile, 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete settings[k];
      else settings[k] = v;
    }
    await wb.setUserSettings(settings);
    assert.deepEqual(JSON.parse(fs.readFileSync(server!.settingsFile, 'utf8')), settings, 'settings.json holds what was typed');
  }

  /** Switches the colour theme (through settings.json) and waits until the workbench and our views show it. */
  async function setTheme(theme: keyof typeof THEMES): Promise<void> {
    await updateSettings({ 'workbench.colorTheme': THEMES[theme] });
    await wb.page.locator(theme === 'light' ? '.monaco-workbench.vs' : '.monaco-workbench.vs-dark').waitFor({ timeout: 15_000 });
    const views = wb.page.locator(`iframe.webview[src*="extensionId=${EXTENSION_ID}"]`).filter({ visible: true });
    if (await views.count()) await wb.webview(EXTENSION_ID).locator(`body.vscode-${theme}`).waitFor({ timeout: 15_000 });
    await wb.page.waitForTimeout(300); // the repaint after the theme's variables change
  }

  /**
   * A command search run by the CLI as the editor runs it (seed 1, the workspace as its directory, at
   * most COMMAND_MAX_EVALS evaluations), with its own results log so the editor's run reuses nothing.
   */
  function commandSearchFromCli(space: string, strategy: string, command: string, home?: string): { best: { index: number; reward: number }; log: { index: number; error?: string }[] } {
    const log = path.join(scratch, `${space}-${strategy}-${Date.now()}.jsonl`);
    const r = cliJsonIn<{ runs: { best: { index: number; reward: number } }[] }>({ cwd: server!.workspace, home }, 'search', '--space', space, '--objective', 'command', '--command', command,
      '--strategy', strategy, '--seed', '1', '--max-evals', String(COMMAND_MAX_EVALS), '--log', log);
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { index: number; error?: string });
    return { best: r.runs[0].best, log: lines };
  }

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
  return cliJsonIn<T>(REPO, ...args);
}

/** cliJson in directory `cwd` (where a command search runs its evaluator), with another $ARCH2VEC_HOME if given. */
function cliJsonIn<T>(where: string | { cwd: string; home?: string }, ...args: string[]): T {
  const { cwd, home } = typeof where === 'string' ? { cwd: where, home: undefined } : where;
  const env = home ? { ...process.env, ARCH2VEC_HOME: home } : process.env;
  try {
    return JSON.parse(execFileSync(process.execPath, [CLI, ...args, '--json'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 })) as T;
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

/** The text of the extension's log files (its output channel) once `ready` holds for it (the channel writes in batches). */
async function waitForLog(server: CodeServer, ready: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(server.vscodeLogsDir) ? (fs.readdirSync(server.vscodeLogsDir, { recursive: true }) as string[]) : [];
    const text = files.filter((f) => f.endsWith('.log') && /arch2vec/i.test(f))
      .map((f) => fs.readFileSync(path.join(server.vscodeLogsDir, f), 'utf8')).join('\n');
    if (ready(text)) return text;
    if (Date.now() > deadline) throw new Error(`the extension's log never said what was expected; it has:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
