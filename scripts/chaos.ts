/**
 * `npm run chaos [-- --rounds N --seed S]`: kills searches and pretrainings at random moments and
 * checks what the user would lose. Not part of `npm test` (minutes, and it mounts a tmpfs).
 *
 * Each round, at a random moment (seeded):
 *  - search: `arch2vec search --objective command` whose evaluator leaves a background, a setsid and a
 *    daemon child behind, ended by SIGINT, SIGTERM, SIGHUP or SIGKILL. Checks: every evaluation the
 *    CLI reported finished is in the results log; every log line parses (a torn last line is allowed
 *    only after SIGKILL); after a graceful signal no process of the run is left; after SIGKILL the next
 *    search reaps the orphans (checked at the end);
 *  - pretrain: `arch2vec pretrain` killed the same ways, its model directory on a small tmpfs (when one
 *    can be mounted: root) that fills up in some rounds. Checks: every file present verifies against
 *    checksums.json (no corrupt file), and `--resume` then finishes.
 * Exit 1 when any check fails; a table of rounds and checks on stdout.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FILES, readModelFile } from '../server/src/engine/store/modelDir';

const REPO = resolve(__dirname, '..');
const CLI = join(REPO, 'dist', 'cli.js');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const rounds = arg('--rounds', 8);
let seed = arg('--seed', Date.now() % 100000);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
const root = mkdtempSync(join(tmpdir(), 'arch2vec-chaos-'));
const tag = `chaos-${process.pid}`;
const env = { ...process.env, ARCH2VEC_HOME: join(root, 'home'), ARCH2VEC_CHAOS: tag };
const failures: string[] = [];
const rows: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok ? 'ok' : 'FAIL';
};

/** Live processes of this chaos run (the env marker every child inherits), zombies excluded. */
function leftovers(): number[] {
  if (process.platform !== 'linux') return [];
  const out: number[] = [];
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const st = readFileSync(`/proc/${n}/stat`, 'utf8');
      if (/^[ZX]$/.test(st.slice(st.lastIndexOf(')') + 2)[0])) continue;
      if (readFileSync(`/proc/${n}/environ`, 'latin1').split('\0').includes(`ARCH2VEC_CHAOS=${tag}`)) out.push(Number(n));
    } catch {
      /* gone */
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runKilled(args: string[], extraEnv: NodeJS.ProcessEnv, afterMs: number, sig: NodeJS.Signals) {
  return new Promise<{ code: number | null; signal: string | null; err: string }>((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const t = setTimeout(() => child.kill(sig), afterMs);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      res({ code, signal, err });
    });
  });
}

let mounted = false;
const disk = join(root, 'disk');
if (process.platform === 'linux') {
  mkdirSync(disk);
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).status === 0;
}
if (!mounted) console.log('chaos: cannot mount a tmpfs here (needs root on Linux): the disk-full rounds are skipped');

async function searchRound(i: number) {
  const log = join(root, `search${i}.jsonl`);
  const pids = join(root, `search${i}.pids`);
  const sig = pick<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL']);
  const after = 300 + Math.floor(rand() * 4000);
  const r = await runKilled(['search', '--objective', 'command', '--command', `sh ${join(REPO, 'test', 'fixtures', 'evaluators', 'leave-behind.sh')} {cell}`, '--strategy', 'rs', '--seed', String(i + 1), '--max-evals', '30', '--parallel', '2', '--log', log], { EVAL_PIDS: pids }, after, sig);
  const reported = [...r.err.matchAll(/#\d+: nb201_(\d+) accuracy/g)].map((m) => Number(m[1]));
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.trim()) : [];
  const parsed: number[] = [];
  let bad = 0;
  lines.forEach((l) => {
    try {
      parsed.push((JSON.parse(l) as { index: number }).index);
    } catch {
      bad++;
    }
  });
  const lost = reported.filter((x) => !parsed.includes(x));
  await sleep(sig === 'SIGKILL' ? 0 : 3000); // the grace period of the trees
  const left = sig === 'SIGKILL' ? [] : leftovers();
  rows.push(`| ${i} | search | ${sig} after ${after} ms | ${reported.length} reported, ${parsed.length} logged | ${check(lost.length === 0, `round ${i}: results lost ${lost}`)} | ${check(bad === 0 || (sig === 'SIGKILL' && bad <= 1), `round ${i}: ${bad} unreadable log lines`)} | ${check(left.length === 0, `round ${i}: processes left after ${sig}: ${left}`)} |`);
}

async function pretrainRound(i: number) {
  const full = mounted && rand() < 0.5;
  const base = full ? disk : root;
  const out = join(base, `model${i}`);
  let filler: string | undefined;
  if (full) {
    // Leave ~1 MB free: a checkpoint fits, the final files do not.
    filler = join(disk, 'filler');
    rmSync(filler, { force: true });
    const df = spawnSync('df', ['-B1', '--output=avail', disk], { encoding: 'utf8' }).stdout.trim().split('\n').pop()!;
    writeFileSync(filler, Buffer.alloc(Math.max(0, Number(df) - 1_700_000)));
  }
  const sig = pick<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGKILL']);
  const after = 300 + Math.floor(rand() * 4500);
  const r = await runKilled(['pretrain', '--space', 'nasbench201', '--out', out, '--epochs', '2', '--max-steps', '2', '--validity-samples', '10'], {}, after, sig);
  let corrupt = '';
  for (const name of Object.values(FILES)) {
    if (name === FILES.checksums) continue;
    try {
      readModelFile(out, name);
    } catch (e) {
      corrupt += `${name}: ${(e as Error).message}; `;
    }
  }
  if (filler) rmSync(filler, { force: true });
  const internal = /internal error/.test(r.err);
  let resumed = 'n/a';
  if (existsSync(join(out, FILES.checkpoint))) {
    const again = spawnSync(process.execPath, [CLI, 'pretrain', '--space', 'nasbench201', '--out', out, '--epochs', '2', '--max-steps', '2', '--validity-samples', '10', '--resume'], { env, encoding: 'utf8' });
    resumed = check(again.status === 0, `round ${i}: resume failed: ${again.stderr.slice(-300)}`);
  }
  rows.push(`| ${i} | pretrain${full ? ' (disk full)' : ''} | ${sig} after ${after} ms | exit ${r.code ?? r.signal} | ${check(!corrupt, `round ${i}: corrupt: ${corrupt}`)} | ${check(!internal, `round ${i}: internal error: ${r.err.slice(-300)}`)} | resume ${resumed} |`);
  rmSync(out, { recursive: true, force: true });
}

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: npm run build');
  console.log(`chaos: ${rounds} rounds, seed ${seed}, in ${root}`);
  rows.push('| round | what | killed | outcome | nothing lost / not corrupt | log / no internal error | no process left / resumes |', '|---|---|---|---|---|---|---|');
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) await searchRound(i);
    else await pretrainRound(i);
  }
  // Orphans of SIGKILLed searches: the next search reaps them at its start.
  spawnSync(process.execPath, [CLI, 'search', '--objective', 'command', '--command', 'true {cell}', '--strategy', 'rs', '--max-evals', '1', '--log', join(root, 'reaper.jsonl')], { cwd: root, env, encoding: 'utf8' });
  await sleep(500);
  const left = leftovers();
  rows.push(`| end | next search reaps orphans | | | | | ${check(left.length === 0, `processes left at the end: ${left}`)} |`);
  console.log(rows.join('\n'));
  for (const p of left) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

main()
  .catch((e: unknown) => failures.push(String((e as Error)?.stack ?? e)))
  .finally(() => {
    if (mounted) spawnSync('umount', ['-l', disk]);
    rmSync(root, { recursive: true, force: true });
    if (failures.length) {
      console.log(`\nchaos: ${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    } else console.log('\nchaos: no result lost, no corrupt file, no process left');
  });
