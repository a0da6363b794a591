/**
 * What decides an evaluator's result besides the cell: the working directory, the command template and
 * the content of the files the command names (`./train.sh`, `train.py`, `--config cfg.yaml`). Their
 * digest names the default results log (run.ts), so project B never reuses project A's accuracies for
 * the same `./train.sh {cell}`, and editing train.py starts a new log instead of reusing stale results.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** Files above this size are identified by size and modification time, not content (datasets, checkpoints). */
const HASH_LIMIT = 64 * 1024 * 1024;

/** Shell words of a command (quotes and backslashes handled; operators split off), placeholders left out. */
export function commandWords(command: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const j = command.indexOf("'", i + 1);
      cur += command.slice(i + 1, j < 0 ? undefined : j);
      has = true;
      i = j < 0 ? command.length : j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && j + 1 < command.length) j++;
        cur += command[j];
      }
      has = true;
      i = j;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      has = true;
    } else if (/[\s;&|<>()]/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words.filter((w) => !/\{(cell|json|index|arch)\}/.test(w));
}

export interface EvaluatorFingerprint {
  /** sha256 (hex) of cwd, command and the named files' digests. */
  id: string;
  cwd: string;
  /** The files the command names (absolute) and their digests. */
  files: { path: string; digest: string }[];
}

function digestOf(path: string, size: number, mtimeMs: number): string {
  if (size > HASH_LIMIT) return `size ${size}, mtime ${Math.round(mtimeMs)}`;
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return 'sha256 ' + h.digest('hex');
}

export function evaluatorFingerprint(command: string, cwd: string): EvaluatorFingerprint {
  const files: EvaluatorFingerprint['files'] = [];
  const seen = new Set<string>();
  for (const word of commandWords(command)) {
    // `--config=cfg.yaml` names cfg.yaml too.
    for (const cand of word.includes('=') ? [word, word.slice(word.indexOf('=') + 1)] : [word]) {
      if (!cand || cand.startsWith('-')) continue;
      const path = isAbsolute(cand) ? cand : resolve(cwd, cand);
      if (seen.has(path)) continue;
      try {
        const st = statSync(path);
        if (!st.isFile()) continue;
        seen.add(path);
        files.push({ path, digest: digestOf(path, st.size, st.mtimeMs) });
      } catch {
        /* not a file: an interpreter name, a flag value, a file the script creates */
      }
    }
  }
  const h = createHash('sha256').update(`cwd\0${cwd}\0command\0${command}\0`);
  for (const f of files) h.update(`${f.path}\0${f.digest}\0`);
  return { id: h.digest('hex'), cwd, files };
}
