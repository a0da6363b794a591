/**
 * The NAS-Bench-201 search pool: all 15,625 cells by benchmark index, with (for the latent
 * strategies) the model's arch2vec embeddings, and the one-edit mutation regularised evolution uses.
 */
import { NB201_SIZE, nb201Table } from '../../core/spaces/nasbench201';
import { readEmbeddings } from '../store/modelDir';
import type { SearchPool, SearchRng } from './types';

let codes: Uint16Array | Uint32Array | undefined;
let codeToIndex: Int32Array | undefined;

function tables(): { codes: ArrayLike<number>; codeToIndex: Int32Array } {
  if (!codes || !codeToIndex) {
    const c = nb201Table().columns.get('code');
    if (!c || c.length !== NB201_SIZE) throw new Error('nasbench201 table: no code column of 15625 rows');
    codes = c as Uint16Array | Uint32Array;
    codeToIndex = new Int32Array(NB201_SIZE).fill(-1);
    for (let i = 0; i < NB201_SIZE; i++) codeToIndex[codes[i]] = i;
  }
  return { codes, codeToIndex };
}

/**
 * Mutates one NB201 cell: one of its 6 edges, chosen uniformly, gets one of the 4 other ops, chosen
 * uniformly (the discrete-encoding mutation of Real et al. / NAS-Bench-201's REA). Arch codes are
 * base-5 digits, edge e at 5^e, so this is digit arithmetic on the code.
 */
export function mutateNb201(index: number, rng: SearchRng): number {
  const t = tables();
  const code = t.codes[index];
  const edge = rng.int(6);
  const place = 5 ** edge;
  const op = Math.floor(code / place) % 5;
  const shift = 1 + rng.int(4); // a different op: (op + 1..4) mod 5, uniform over the other four
  const next = code + (((op + shift) % 5) - op) * place;
  return t.codeToIndex[next];
}

/**
 * The NB201 pool. `embeddings` (count × dim float32, row i = NB201 index i) are needed by the latent
 * strategies (bo, rl); random search and evolution work without (dim 0).
 */
export function createNb201Pool(embeddings?: { data: Float32Array; dim: number }): SearchPool {
  tables(); // fail early on a broken table
  if (embeddings) {
    const { data, dim } = embeddings;
    if (!(Number.isInteger(dim) && dim > 0) || data.length !== NB201_SIZE * dim) {
      throw new Error(`NB201 pool: expected ${NB201_SIZE} × ${dim} embeddings, got ${data.length} values`);
    }
  }
  return {
    count: NB201_SIZE,
    embeddings: embeddings?.data ?? new Float32Array(0),
    dim: embeddings?.dim ?? 0,
    mutate: mutateNb201,
  };
}

/** The NB201 pool with the embeddings of a model directory (e.g. the shipped `models/nasbench201`). */
export function nb201PoolFromModelDir(dir: string): SearchPool {
  const e = readEmbeddings(dir);
  if (!e) throw new Error(`${dir}: no embeddings (embeddings.f32 + embeddings.json)`);
  if (e.index.space !== 'nasbench201') throw new Error(`${dir}: embeddings are for ${e.index.space}, not nasbench201`);
  return createNb201Pool({ data: e.data, dim: e.index.dim });
}
