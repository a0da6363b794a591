import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The benchmark fixtures beside the repository (../shared), as CI provides them. */
export const SHARED = resolve(process.env.ARCH2VEC_SHARED ?? join(__dirname, '..', '..', '..', 'shared'));

export function sharedJsonl<T = Record<string, unknown>>(rel: string): T[] {
  const p = join(SHARED, 'data', rel);
  if (!existsSync(p)) throw new Error(`benchmark fixture ${p} is missing: tests need ../shared beside the repository (or ARCH2VEC_SHARED)`);
  return readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export const REPO = resolve(__dirname, '..', '..');
