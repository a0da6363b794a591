/**
 * Copies a finished model into `models/<space>/` as the package ships it: weights, config and metrics,
 * without the training checkpoint, and without the embedding table unless --with-table (the engine
 * computes a missing table on first use: docs/models.md). Writes checksums.json for what it copied.
 *
 *   npm run ship-model -- --from DIR [--with-table]
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FILES, readJson, writeChecksums } from '../server/src/engine/store/modelDir';
import type { ModelDirConfig } from '../server/src/protocol';

const args = process.argv.slice(2);
const from = args[args.indexOf('--from') + 1];
if (!args.includes('--from') || !from) {
  console.error('usage: npm run ship-model -- --from DIR [--with-table]');
  process.exit(2);
}
const config = readJson<ModelDirConfig>(from, FILES.config);
if (!config?.complete) {
  console.error(`${from}: not a finished model (config.json ${config ? `says ${config.epochsDone}/${config.train.epochs} epochs` : 'missing'})`);
  process.exit(1);
}
const out = resolve(__dirname, '..', 'models', config.space);
mkdirSync(out, { recursive: true });
const keep = new Set(['README.md']);
for (const f of readdirSync(out)) if (!keep.has(f)) rmSync(join(out, f), { recursive: true, force: true });
const files: string[] = [FILES.config, FILES.model, FILES.metrics];
if (args.includes('--with-table')) files.push(FILES.embeddings, FILES.embeddingsIndex);
for (const f of files) {
  if (!existsSync(join(from, f))) throw new Error(`${from}: no ${f}`);
  copyFileSync(join(from, f), join(out, f));
}
writeChecksums(out);
const size = readdirSync(out).reduce((n, f) => n + statSync(join(out, f)).size, 0);
console.log(`${out}: ${readdirSync(out).join(', ')} (${(size / 1e6).toFixed(2)} MB)`);
