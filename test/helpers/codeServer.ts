/**
 * A real VS Code for the end-to-end test: code-server (VS Code in the browser) installed once from the
 * npm registry into .cache/code-server/, then started per run with a throw-away profile, our packaged
 * .vsix installed and a workspace folder opened. `@vscode/test-electron` would download VS Code from
 * a host we cannot reach; code-server comes through npm. Recipe: ../shared/docs/machine-facts.md.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { REPO } from './shared';

/** The last code-server that runs on Node 20 (it bundles VS Code 1.100.3; our engines.vscode is ^1.91). */
export const CODE_SERVER_VERSION = '4.100.3';

const execFileAsync = promisify(execFile);

const CACHE_DIR = path.join(REPO, '.cache', 'code-server');
const INSTALL_DIR = path.join(CACHE_DIR, CODE_SERVER_VERSION);
const ENTRY = path.join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written last, so a half-finished install is never mistaken for a usable one. */
const INSTALLED_MARKER = path.join(INSTALL_DIR, '.installed');

/** @vscode/ripgrep (a code-server dependency) downloads rg from GitHub unless this cache holds it. */
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export const isCodeServerInstalled = (): boolean => existsSync(INSTALLED_MARKER) && existsSync(ENTRY);

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** What installing code-server needs here and is missing (Debian packages named), or [] when nothing is. */
export function missingInstallPrerequisites(): string[] {
  if (isCodeServerInstalled()) return [];
  const missing: string[] = [];
  if (!onPath('rg')) missing.push('rg (Debian package ripgrep)');
  if (!onPath('pkg-config')) missing.push('pkg-config');
  else if (spawnSync('pkg-config', ['--exists', 'krb5-gssapi']).status !== 0) missing.push('Kerberos headers (libkrb5-dev)');
  // node-pty and kerberos are compiled by node-gyp during the install.
  for (const tool of ['make', 'g++', 'python3']) if (!onPath(tool)) missing.push(tool);
  return missing;
}

/** Installs code-server into the cache unless it is there already; returns its entry script. */
export async function ensureCodeServer(log: (line: string) => void = () => {}): Promise<string> {
  if (isCodeServerInstalled()) return ENTRY;
  await fs.mkdir(CACHE_DIR, { recursive: true });
  for (const stale of await fs.readdir(CACHE_DIR)) {
    if (stale.startsWith(`${CODE_SERVER_VERSION}.partial-`)) await fs.rm(path.join(CACHE_DIR, stale), { recursive: true, force: true });
  }
  const staging = await fs.mkdtemp(path.join(CACHE_DIR, `${CODE_SERVER_VERSION}.partial-`));
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO, INSTALL_DIR)} (about a minute, once)`);
  const tmp = path.join(staging, 'tmp');
  await seedRipgrepCache(tmp);
  // Without a package.json here npm would walk up and install into the repository's node_modules.
  await fs.writeFile(path.join(staging, 'package.json'), JSON.stringify({ private: true, description: 'code-server for the e2e test' }));
  const npmLog = path.join(staging, 'npm-install.log');
  const status = await runToFile('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], npmLog, {
    cwd: staging,
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // lets the install scripts run as root (CI)
      npm_config_yes: 'true', // node-pty's build would otherwise ask before fetching node-gyp
    },
  });
  if (status !== 0) {
    const tail = (await fs.readFile(npmLog, 'utf8')).split('\n').slice(-30).join('\n');
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${status}); log ${npmLog}:\n${tail}`);
  }
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.writeFile(path.join(staging, '.installed'), `${new Date().toISOString()}\n`);
  await fs.rename(staging, INSTALL_DIR);
  return ENTRY;
}

/** A tarball of the system's rg where @vscode/ripgrep's postinstall looks before downloading. */
async function seedRipgrepCache(tmp: string): Promise<void> {
  const cache = path.join(tmp, RIPGREP_CACHE);
  const bin = path.join(tmp, 'rg-bin');
  await fs.mkdir(cache, { recursive: true });
  await fs.mkdir(bin);
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  await fs.copyFile(rg, path.join(bin, 'rg'));
  const tar = spawnSync('tar', ['-czf', path.join(cache, RIPGREP_TARBALL), '-C', bin, 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`could not pack rg for @vscode/ripgrep: ${tar.stderr}`);
}

function runToFile(cmd: string, args: string[], logFile: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile);
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code) => out.end(() => resolve(code)));
  });
}

// ------------------------------------------------------------------------------------------------
// A running code-server
// ------------------------------------------------------------------------------------------------

export interface CodeServerOptions {
  /** The packaged extension to install into the fresh extensions folder. */
  vsix: string;
  /** Files of the workspace folder (relative path → content). */
  files: Record<string, string>;
  /** User settings (settings.json of the fresh profile). */
  settings?: Record<string, unknown>;
  /** How long start-up may take (install the extension, listen, answer /healthz). */
  timeoutMs?: number;
}

export interface CodeServer {
  /** The workbench with the workspace folder open. */
  url: string;
  workspace: string;
  /** code-server's own output (stdout + stderr). */
  logFile: string;
  /** VS Code's logs: window, extension host, and our extension's output channel. */
  vscodeLogsDir: string;
  /** The profile's user settings.json (change it through the editor: the workbench does not watch it for outside writes). */
  settingsFile: string;
  /** Stops code-server and everything it started; removes the temporary folders. Idempotent. */
  stop(): Promise<void>;
}

/** Settings that keep the workbench free of welcome pages, tips and notifications a test would trip over. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'files.autoSave': 'off', // a test that edits decides when to save
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = await ensureCodeServer();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'arch2vec-e2e-'));
  const { profile, userData, workspace } = await createProfile(root, options);
  const logFile = path.join(root, 'code-server.log');

  const removeTemp = () => fs.rm(root, { recursive: true, force: true });
  try {
    await installExtension(entry, profile, options.vsix, timeoutMs);
  } catch (e) {
    await removeTemp();
    throw e;
  }

  const child = spawn(process.execPath, [
    entry, ...profile,
    '--bind-addr', '127.0.0.1:0', // port 0: the kernel picks a free one and the log tells us which
    '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    workspace,
  ], {
    // Its own process group, so stop() can signal everything it starts (server, extension host,
    // our language server and engine) at once and leave no orphans.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    process.off('exit', killOnExit);
    await stopGroup(child);
    await removeTemp();
  })());

  try {
    const base = await listeningUrl(child, logFile, timeoutMs);
    await waitForHealthz(base, timeoutMs);
    const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
    return { url, workspace, logFile, vscodeLogsDir: path.join(userData, 'logs'), settingsFile: path.join(userData, 'User', 'settings.json'), stop };
  } catch (e) {
    const log = await fs.readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`${(e as Error).message}\ncode-server log:\n${log}`);
  }
}

/** A fresh user-data and extensions folder, our settings and config file, and the workspace's files. */
async function createProfile(root: string, options: CodeServerOptions) {
  const userData = path.join(root, 'user-data');
  const workspace = path.join(root, 'workspace');
  const config = path.join(root, 'config.yaml');
  // Our own (the flags say the rest), or code-server writes and reads one under $HOME.
  await fs.writeFile(config, 'cert: false\n');
  await fs.mkdir(path.join(userData, 'User'), { recursive: true });
  await fs.writeFile(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  for (const [rel, text] of Object.entries(options.files)) {
    await fs.mkdir(path.dirname(path.join(workspace, rel)), { recursive: true });
    await fs.writeFile(path.join(workspace, rel), text);
  }
  const profile = ['--config', config, '--user-data-dir', userData, '--extensions-dir', path.join(root, 'extensions')];
  return { profile, userData, workspace };
}

async function installExtension(entry: string, profile: string[], vsix: string, timeoutMs: number): Promise<void> {
  const args = [entry, ...profile, '--install-extension', vsix, '--force'];
  const { stdout, stderr } = await execFileAsync(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs }).catch((e) => {
    throw new Error(`code-server --install-extension ${vsix} failed: ${(e as Error).message}`);
  });
  if (!/successfully installed/i.test(stdout)) throw new Error(`code-server --install-extension ${vsix} did not install it:\n${stdout}${stderr}`);
}

/** Copies the server's output to the log file and resolves with its URL once it says it listens. */
function listeningUrl(child: ChildProcess, logFile: string, timeoutMs: number): Promise<string> {
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.on('close', () => log.end());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => reject(new Error(`code-server exited before listening (${code ?? signal})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /HTTP server listening on (http:\/\/[\d.]+:\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

/** /healthz answers as soon as the HTTP server is up; retry only connection failures, briefly. */
async function waitForHealthz(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
      throw new Error(`/healthz answered ${res.status}`);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`code-server /healthz did not answer within ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after a grace period. */
async function stopGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
  // The leader may be gone while children (extension host, language server) still run.
  killGroup(child, 'SIGKILL');
}
