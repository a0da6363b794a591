import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class UsageError extends Error {}

/** Expands directories to the `.cells` files under them (sorted, skipping node_modules and dot dirs). */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.cells')) out.push(p);
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new UsageError(`cannot read '${input}': no such file or directory`);
    }
    if (st.isDirectory()) walk(input);
    else out.push(input);
  }
  return out;
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Write-then-rename so an interrupted write never leaves a truncated file. */
export function writeAtomic(path: string, text: string) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Byte offset of the first invalid UTF-8 sequence in `buf`, or -1 when it decodes cleanly. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > buf.length) return i;
    for (let k = 1; k < n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    // Overlong 3/4-byte forms, UTF-16 surrogates and code points above U+10FFFF.
    if (n === 3 && ((b === 0xe0 && buf[i + 1] < 0xa0) || (b === 0xed && buf[i + 1] >= 0xa0))) return i;
    if (n === 4 && ((b === 0xf0 && buf[i + 1] < 0x90) || (b === 0xf4 && buf[i + 1] >= 0x90))) return i;
    i += n;
  }
  return -1;
}

/**
 * The text of a file that is about to be rewritten: it must decode as UTF-8 exactly, or rewriting it
 * would replace the undecodable bytes with U+FFFD (EF BF BD) that the user never wrote.
 */
export function readTextForRewrite(path: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < bad; i++) if (buf[i] === 0x0a) { line++; lineStart = i + 1; }
    const col = Buffer.from(buf.subarray(lineStart, bad)).toString('utf8').length + 1;
    throw new UsageError(`${path}:${line}:${col}: invalid UTF-8 byte 0x${buf[bad].toString(16).toUpperCase().padStart(2, '0')}; not rewritten (save the file as UTF-8 first)`);
  }
  return buf.toString('utf8');
}
