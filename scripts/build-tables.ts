/**
 * Builds the compact tables the product ships (data/*.table) from the benchmark fixtures in
 * ../shared/data. Run `npm run tables`; the output is committed, and a test checks it still matches.
 *
 * It also converts the real NB101 and NB301 fixtures into user tables (docs/tables.md), the format
 * `arch2vec search --objective benchmark --table FILE` reads, under .cache/tables/ (git-ignored, never
 * shipped: they are test and benchmark data, not benchmarks of the product):
 *   nasbench101-naslib500.jsonl  500 real NB101 cells, reward = accuracy = 108-epoch validation accuracy
 *   darts-nb301-1225.jsonl       1,225 real NB301 genotypes (normal + reduce), reward = accuracy = validation accuracy
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { archCode, NB201_SIZE } from '../server/src/core/spaces/nasbench201';
import { nb101Hash, prune } from '../server/src/core/spaces/nasbench101';
import { encodeTable, type ColumnSpec } from '../server/src/core/table';

export const SHARED = resolve(process.env.ARCH2VEC_SHARED ?? join(__dirname, '..', '..', 'shared'));

export const NB201_FLOAT_COLUMNS: [string, string][] = [
  ['cifar10_valid_valid_acc', 'CIFAR-10 (cifar10-valid split) validation accuracy %, 200 epochs, mean over seeds (NATS-Bench-tss)'],
  ['cifar10_valid_test_acc', 'CIFAR-10 test accuracy % of the cifar10-valid run, 200 epochs, mean over seeds'],
  ['cifar10_test_acc', 'CIFAR-10 test accuracy % (trained on train+valid), 200 epochs, mean over seeds'],
  ['cifar100_test_acc', 'CIFAR-100 test accuracy %, 200 epochs, mean over seeds'],
  ['imagenet16_120_test_acc', 'ImageNet16-120 test accuracy %, 200 epochs, mean over seeds'],
  ['hp12_cifar10_valid_valid_acc', 'CIFAR-10 validation accuracy %, 12-epoch schedule, mean over seeds (NB201 v1.1)'],
  ['hp12_cifar10_test_acc', 'CIFAR-10 test accuracy %, 12-epoch schedule'],
  ['hp12_cifar100_valid_acc', 'CIFAR-100 validation accuracy %, 12-epoch schedule'],
  ['hp12_cifar100_test_acc', 'CIFAR-100 test accuracy %, 12-epoch schedule'],
  ['hp12_imagenet16_120_valid_acc', 'ImageNet16-120 validation accuracy %, 12-epoch schedule'],
  ['hp12_imagenet16_120_test_acc', 'ImageNet16-120 test accuracy %, 12-epoch schedule'],
  ['arch2vec_time_cost_est', 'Simulated cost (s) arch2vec charges per query on CIFAR-10 (12 x train epoch + valid)'],
  ['arch2vec_time_cost_est_cifar100', 'Simulated cost (s) per query on CIFAR-100 (arch2vec estimate formula)'],
  ['arch2vec_time_cost_est_imagenet16_120', 'Simulated cost (s) per query on ImageNet16-120 (arch2vec estimate formula)'],
];

export function buildNb201Table(): Buffer {
  const src = join(SHARED, 'data', 'nasbench201', 'nb201.jsonl');
  const raw = readFileSync(src);
  const rows = raw.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (rows.length !== NB201_SIZE) throw new Error(`${src}: expected ${NB201_SIZE} rows, found ${rows.length}`);
  const data: Record<string, number[]> = { code: [] };
  for (const [name] of NB201_FLOAT_COLUMNS) data[name] = [];
  rows.forEach((r, i) => {
    if (r.index !== i) throw new Error(`${src}: row ${i} has index ${r.index}`);
    data.code.push(archCode(r.ops));
    for (const [name] of NB201_FLOAT_COLUMNS) {
      const v = r[name];
      data[name].push(typeof v === 'number' ? v : NaN);
    }
  });
  const columns: ColumnSpec[] = [
    { name: 'code', dtype: 'u16', description: 'arch code: the 6 edge ops (arch-string order) as base-5 digits, op order none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3; row = NB201 index' },
    ...NB201_FLOAT_COLUMNS.map(([name, description]) => ({ name, dtype: 'f32' as const, description })),
  ];
  return encodeTable({
    rows: rows.length,
    columns,
    provenance: {
      source: 'shared/data/nasbench201/nb201.jsonl (see its README: NATS-Bench-tss / NAS-Bench-201 public records)',
      sourceSha256: createHash('sha256').update(raw).digest('hex'),
      benchmark: 'NAS-Bench-201 / NATS-Bench topology search space, Dong et al. (MIT)',
    },
  }, data);
}

export const USER_TABLES_DIR = join(__dirname, '..', '.cache', 'tables');

interface Nb101Fixture { matrix: number[][]; ops: string[]; val_acc: number; params_M?: number }
interface Nb301Fixture { normal: [string, number][]; reduce: [string, number][]; val_acc: number; source?: string }

function fixtureRows<T>(rel: string): { rows: T[]; sha256: string; src: string } {
  const src = join(SHARED, 'data', rel);
  const raw = readFileSync(src);
  return { rows: raw.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T), sha256: createHash('sha256').update(raw).digest('hex'), src: `shared/data/${rel}` };
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** The 500 NB101 cells as a user table: id (NB101 hash) + the pruned spec, reward = accuracy = validation accuracy. */
export function nb101UserTable(): string {
  const { rows, sha256, src } = fixtureRows<Nb101Fixture>('nasbench101/nb101_naslib_zc_subset.jsonl');
  const header = {
    format: 'arch2vec-table', version: 1, space: 'nasbench101',
    description: '500 real NAS-Bench-101 cells (NASLib zero-cost subset); no test accuracy or training time in the source',
    reward: 'CIFAR-10 validation accuracy %, 108 epochs (one NB101 seed, as NASLib stored it)', accuracy: 'same as reward', cost: 'none',
    source: src, sourceSha256: sha256,
  };
  return jsonl([header, ...rows.map((r) => ({ id: nb101Hash(prune(r)), matrix: r.matrix, ops: r.ops, reward: r.val_acc }))]);
}

/** The 1,225 NB301 genotypes as a user table (normal and reduce), reward = accuracy = validation accuracy. */
export function dartsUserTable(): string {
  const { rows, sha256, src } = fixtureRows<Nb301Fixture>('darts/nb301_naslib_zc_subset.jsonl');
  const header = {
    format: 'arch2vec-table', version: 1, space: 'darts',
    description: '1,225 real NAS-Bench-301 training genotypes (NASLib zero-cost subset; 7 genotypes appear twice and are averaged)',
    reward: 'CIFAR-10 validation accuracy % (NB301 training data)', accuracy: 'same as reward', cost: 'none',
    source: src, sourceSha256: sha256,
  };
  return jsonl([header, ...rows.map((r) => ({ normal: r.normal, reduce: r.reduce, reward: r.val_acc }))]);
}

/** Writes both user tables into `dir`; returns their paths. */
export function writeUserTables(dir = USER_TABLES_DIR): { nasbench101: string; darts: string } {
  mkdirSync(dir, { recursive: true });
  const out = { nasbench101: join(dir, 'nasbench101-naslib500.jsonl'), darts: join(dir, 'darts-nb301-1225.jsonl') };
  writeAtomic(out.nasbench101, Buffer.from(nb101UserTable(), 'utf8'));
  writeAtomic(out.darts, Buffer.from(dartsUserTable(), 'utf8'));
  return out;
}

function writeAtomic(path: string, bytes: Buffer) {
  writeFileSync(path + '.tmp', bytes);
  renameSync(path + '.tmp', path);
}

if (require.main === module) {
  const out = join(__dirname, '..', 'data', 'nasbench201.table');
  const bytes = buildNb201Table();
  writeAtomic(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
  const tables = writeUserTables();
  console.log(`wrote user tables ${tables.nasbench101} and ${tables.darts} (git-ignored test data, not shipped)`);
}
