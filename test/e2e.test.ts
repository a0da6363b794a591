/**
 * End-to-end: the packaged .vsix in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven
 * through headless Chromium the way a user works: diagnostics in the Problems view, a hover, a command
 * from the palette that opens the neighbours webview, and "Insert" from that webview editing the file.
 * Expected values come from the CLI on the same files (the same analysis and the same shipped model).
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
import type { Browser } from 'playwright-core';
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
  const workspaceFile = (name: string) => path.join(server!.workspace, name);

  before(async () => {
    // The one-time install (about a minute and 300 MB) is outside the run's own time budget.
    await ensureCodeServer((line) => console.log(`# ${line}`));
  }, { timeout: 15 * 60_000 });

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'arch2vec-e2e-'));
    const vsix = packageExtension(scratch);
    const files: Record<string, string> = { [BROKEN_FILE]: BROKEN_TEXT };
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
  const step = (name: string, body: (t: TestContext) => Promise<void>) => test(name, { timeout: 90_000 }, async (t) => {
    try {
      await body(t);
    } catch (e) {
      await saveArtifacts(name, wb, server);
      throw e;
    }
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
    const hover = await wb.hover(QUERY_CELL, `NAS-Bench-201 index ${hash.id}`);
    assert.match(await hover.innerText(), /CIFAR-10 test 94\.37%/);
  });

  step('"Show Neighbours of Cell at Cursor" opens the neighbours view with the model\'s neighbours', async () => {
    const expected = neighboursFromCli();
    await wb.openFile(NB201_FILE);
    await wb.clickToken(QUERY_CELL);
    await wb.runCommand('arch2vec: Show Neighbours of Cell at Cursor');
    const cards = wb.webview(EXTENSION_ID).locator('li.card[data-index]');
    await wb.waitUnlessError(cards.nth(expected.length - 1), 60_000); // the engine starts on first use
    const shown = await cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))));
    assert.deepEqual(shown, expected.map((n) => n.index));
    neighboursShown = true;
  });

  step('"Insert" on a neighbour adds that cell to the file', async (t) => {
    if (!neighboursShown) return t.skip('needs the neighbours view of the step before');
    const cellsBefore = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    const pick = neighboursFromCli().find((n) => !cellsBefore.includes(String(n.index)));
    assert.ok(pick, 'a neighbour that is not in the file yet');
    const card = wb.webview(EXTENSION_ID).locator(`li.card[data-index="${pick.index}"]`);
    await card.locator('[data-action="insert"]').click();
    // The host appends the cell and shows it: its header appears in the (now modified) editor.
    await wb.token(await card.locator('.title').innerText()).waitFor();
    await wb.page.locator('.tabs-container .tab.active.dirty', { hasText: NB201_FILE }).waitFor();
    await wb.save();
    const ids = cliJson<CliHash[]>('hash', workspaceFile(NB201_FILE)).map((h) => h.id);
    assert.equal(ids.length, cellsBefore.length + 1, 'one cell more');
    assert.equal(ids.at(-1), String(pick.index), 'the new last cell is the neighbour');
  });

  /** The neighbours the CLI finds with the same shipped model, nearest first. */
  function neighboursFromCli(): { index: number }[] {
    const r = cliJson<{ neighbours: { index: number }[] }>('neighbours', workspaceFile(NB201_FILE), '--cell', QUERY_CELL, '-k', String(NEIGHBOURS));
    return r.neighbours;
  }
});

interface CliDiagnostic { line: number; column: number; code: string; message: string }
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
