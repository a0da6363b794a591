/**
 * Where the engine keeps things:
 *   $ARCH2VEC_HOME (default $XDG_CACHE_HOME/arch2vec, else ~/.cache/arch2vec)
 *     models/<space>/<timestamp>-seed<N>/   models trained by `arch2vec pretrain` (newest wins)
 *     cache/                                 the NB101 enumeration cache
 *     backends/node_modules/                 native backends from `arch2vec install-backend`
 * and which model a query uses: an explicit directory, else the last trained model of the space,
 * else the model shipped in the package (`models/<space>/`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ModelSource } from '../protocol';
import type { SpaceId } from '../core/spaces';
import { FILES, readJson } from './store/modelDir';
import type { ModelDirConfig } from '../protocol';
import { EngineError } from './errors';

export function arch2vecHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ARCH2VEC_HOME) return resolve(env.ARCH2VEC_HOME);
  const cache = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cache, 'arch2vec');
}

export const modelsDir = (space: SpaceId, env: NodeJS.ProcessEnv = process.env) => join(arch2vecHome(env), 'models', space);
export const cacheDir = () => join(arch2vecHome(), 'cache');
export const backendsDir = () => join(arch2vecHome(), 'backends');

/** A fresh directory name for a new pretraining (not created here). */
export function newModelDir(space: SpaceId, seed: number, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let dir = join(modelsDir(space), `${stamp}-seed${seed}`);
  for (let i = 2; existsSync(dir); i++) dir = join(modelsDir(space), `${stamp}-seed${seed}-${i}`);
  return dir;
}

function readConfig(dir: string): ModelDirConfig | undefined {
  try {
    return readJson<ModelDirConfig>(dir, FILES.config);
  } catch {
    return undefined;
  }
}

/** Model directories of a space under $ARCH2VEC_HOME, newest (config.updatedAt) first. */
export function trainedModels(space: SpaceId, env: NodeJS.ProcessEnv = process.env): { dir: string; config: ModelDirConfig }[] {
  const root = modelsDir(space, env);
  if (!existsSync(root)) return [];
  const dirs = [root];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (!name.startsWith('.') && statSync(p).isDirectory()) dirs.push(p);
  }
  const out: { dir: string; config: ModelDirConfig }[] = [];
  for (const dir of dirs) {
    const config = readConfig(dir);
    if (config && config.space === space) out.push({ dir, config });
  }
  return out.sort((a, b) => (a.config.updatedAt < b.config.updatedAt ? 1 : a.config.updatedAt > b.config.updatedAt ? -1 : 0));
}

/** The model shipped in the package: `models/<space>/` found walking up from this module (ARCH2VEC_MODELS_DIR overrides). */
export function shippedModelDir(space: SpaceId): string | undefined {
  const override = process.env.ARCH2VEC_MODELS_DIR;
  if (override) {
    const d = join(override, space);
    return existsSync(join(d, FILES.config)) ? d : undefined;
  }
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'models', space);
    if (existsSync(join(candidate, FILES.config))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export interface ResolvedModel {
  dir: string;
  source: ModelSource;
}

/**
 * `explicit` when given (it must exist; the loader checks it is a model), else the newest complete
 * model trained under $ARCH2VEC_HOME, else the shipped one.
 */
export function resolveModel(opts: { model?: string; space?: SpaceId }, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  if (opts.model) {
    const dir = resolve(opts.model);
    if (!existsSync(dir)) throw new EngineError('badModelDir', `model directory ${dir} does not exist`);
    if (!statSync(dir).isDirectory()) throw new EngineError('badModelDir', `${dir} is not a directory (a model is a directory with ${FILES.config} and ${FILES.model})`);
    return { dir, source: 'explicit' };
  }
  if (!opts.space) throw new EngineError('noModel', 'no model given and no space to pick one for (use --model DIR or --space SPACE)');
  const trained = trainedModels(opts.space, env).find((m) => m.config.complete);
  if (trained) return { dir: trained.dir, source: 'trained' };
  const shipped = shippedModelDir(opts.space);
  if (shipped) return { dir: shipped, source: 'shipped' };
  throw new EngineError('noModel', `no ${opts.space} model: none trained under ${modelsDir(opts.space, env)} and none shipped; run \`arch2vec pretrain --space ${opts.space}\` or pass --model DIR`);
}
