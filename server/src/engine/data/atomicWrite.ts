/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the
 * target (atomic on POSIX and NTFS), then fsync the directory where the platform allows. A reader
 * therefore sees either the old file or the complete new one, never a torn write, even when two
 * processes (say the language server and the CLI) build the same cache at once.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * mkdir -p that always terminates with a clear error. (Node's recursive mkdirSync spins forever on
 * paths like /proc/x, where mkdir answers ENOENT for a parent that exists.) Walks up to the first
 * existing ancestor, checks it is a directory, then creates each missing level once.
 */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new Error(`cannot create directory ${dir}: ${d}: ${code ?? (e as Error).message}`);
      missing.push(d);
      const up = dirname(d);
      if (up === d) throw new Error(`cannot create directory ${dir}: no existing parent`);
      d = up;
      continue;
    }
    if (!isDir) throw new Error(`cannot create directory ${dir}: ${d} is not a directory`);
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new Error(`cannot create directory ${dir}: mkdir ${m}: ${code ?? (e as Error).message}`);
    }
  }
}

export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const dir = dirname(path);
  ensureDir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o644);
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directories cannot be opened/fsynced on Windows; the rename itself is still atomic there.
  }
}
