import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds a file the product ships under `data/`. Bundles live in `dist/`, sources in `server/src/...`,
 * so walk up from this module rather than hard-coding a depth. `ARCH2VEC_DATA_DIR` overrides.
 */
export function dataFile(name: string): string {
  const override = process.env.ARCH2VEC_DATA_DIR;
  if (override) return join(override, name);
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'data', name);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`arch2vec: shipped data file data/${name} not found above ${__dirname}. Reinstall the extension or set ARCH2VEC_DATA_DIR.`);
}
