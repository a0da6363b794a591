/** The shipped NAS-Bench-201 table (Node-only: reads data/nasbench201.table): benchmark order and metrics. */
import { dataFile } from '../../dataFiles';
import { readTable, type Table } from '../../table';
import { archCode, NB201_SIZE, opsFromCode, type Nb201Ops } from './encoding';

let table: Table | undefined;
let codeToIndex: Int32Array | undefined;

/** The shipped NAS-Bench-201 table (arch order and benchmark metrics), loaded once on first use. */
export function nb201Table(): Table {
  if (!table) table = readTable(dataFile('nasbench201.table'));
  return table;
}

function ensureIndex(): Int32Array {
  if (!codeToIndex) {
    const codes = nb201Table().columns.get('code')!;
    codeToIndex = new Int32Array(NB201_SIZE).fill(-1);
    codes.forEach((c, i) => (codeToIndex![c] = i));
  }
  return codeToIndex;
}

/** Index 0..15624 in the benchmark's own order (NATS-Bench-tss `meta_archs`). */
export function nb201Index(ops: readonly string[]): number {
  return ensureIndex()[archCode(ops)];
}

export function nb201OpsAt(index: number): Nb201Ops {
  return opsFromCode(nb201Table().columns.get('code')![index]);
}

