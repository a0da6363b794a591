/**
 * User tables (issue 12): the user's own measurements of cells of any space, as the `benchmark`
 * objective's lookup table (`--table FILE`, setting `arch2vec.search.benchmarkTable`). The format is
 * documented in docs/tables.md; in short, JSON Lines, one cell per line:
 *
 *   {"format": "arch2vec-table", "version": 1, "space": "nasbench101", "reward": "what reward is", ...}   (optional header)
 *   {"id": "00005c142e6f48ac74fdcf73e3439874", "reward": 93.1, "accuracy": 92.6, "cost": 1543.2}
 *   {"space": "nasbench101", "matrix": [[0,1],[0,0]], "ops": ["input","output"], "reward": 83.2}
 *   {"space": "nasbench201", "arch": "|nor_conv_3x3~0|+|...|", "reward": 91.2}     (or "index": 1234, or "ops": [6 edge ops])
 *   {"space": "darts", "normal": [["sep_conv_3x3", 0], ...], "reduce": [...], "reward": 94.1}  (or "normal": "sep_conv_3x3 0, ...")
 *
 * or CSV with a header row naming the same columns (`space,id,arch,index,normal,reduce,reward,accuracy,cost`;
 * genotypes quoted). A cell is named by its canonical id (NB101 hash, NB201 index or arch string,
 * DARTS graph hash — resolved against the DARTS pool) or by its spec; `reward` (percent, what the
 * strategy maximises, e.g. validation accuracy) is required, `accuracy` (percent, what is reported for
 * the best cell, e.g. test accuracy; default = reward) and `cost` (seconds charged to the budget;
 * default 0) are optional. Every problem is an error located at file:line — a cell that is not in its
 * space is never skipped. The same cell on several rows is one cell with the mean of their values.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { computeFacts, type CellSpec } from '../../core/cellSpec';
import { isSpaceId, SPACE_IDS, type SpaceId } from '../../core/spaces';
import { DARTS_OPS, type Genotype } from '../../core/spaces/darts';
import { dartsViolations } from '../../core/spaces/mutation';
import { NB101_CANONICAL_OPS, nb101Violations, prune } from '../../core/spaces/nasbench101';
import { archCode, nb201Index, NB201_OPS, NB201_SIZE, nb201OpsAt, opsFromCode, parseArch } from '../../core/spaces/nasbench201';
import { stripBom } from '../../core/text';

export class TableError extends Error {}

export interface TableRow {
  spec: CellSpec;
  /** Canonical id (CellFacts.id): NB101 hash, NB201 index, DARTS hash (normal/reduce when they differ). */
  cellId: string;
  reward: number;
  accuracy: number;
  cost: number;
  /** 1-based source lines of the rows merged into this one. */
  lines: number[];
}

export interface UserTable {
  file: string;
  format: 'jsonl' | 'csv';
  space: SpaceId;
  rows: TableRow[];
  /** Rows in the file (before merging repeats of a cell). */
  sourceRows: number;
  /** Whether any row had a cost (else the budget cannot bound a search: use --max-evals). */
  hasCost: boolean;
  /** The optional header's descriptions ({reward, accuracy, cost, description, source}). */
  header: Record<string, unknown>;
  sha256: string;
}

/** Resolves ids that need the space's cells: an NB101 hash (the enumeration) or a DARTS hash (the pool). */
export interface IdResolver {
  nb101Hash?(hash: string): CellSpec | undefined;
  dartsHash?(hash: string): CellSpec | undefined;
}

const HEX32 = /^[0-9a-f]{32}$/i;
const ROW_KEYS = new Set(['space', 'id', 'hash', 'arch', 'index', 'ops', 'matrix', 'normal', 'reduce', 'reward', 'accuracy', 'cost', 'name']);

/** Parses `op i, op i, …`, `[["op", i], …]` or DARTS' Python `[('op', i), …]`. */
function genotypeOf(v: unknown, key: string): Genotype {
  let pairs: [string, number][];
  if (Array.isArray(v)) {
    pairs = v.map((p, k) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || !Number.isInteger(p[1])) throw new TableError(`${key}: pair ${k + 1} is not ["op", input]`);
      return [p[0], p[1]];
    });
  } else if (typeof v === 'string') {
    const toks = v.match(/[A-Za-z_][A-Za-z_0-9]*|\d+/g) ?? [];
    pairs = [];
    for (let k = 0; k < toks.length; k += 2) {
      if (!/^\d+$/.test(toks[k + 1] ?? '')) throw new TableError(`${key}: '${toks[k]}' needs an input index after it`);
      pairs.push([toks[k], Number(toks[k + 1])]);
    }
  } else throw new TableError(`${key} must be a genotype: "op input, op input, …" or [["op", input], …]`);
  const bad = dartsViolations(pairs).filter((m) => !m.includes('both edges come from'));
  if (bad.length) throw new TableError(`${key} is not a DARTS cell: ${bad.join('; ')} (ops: ${DARTS_OPS.join(', ')})`);
  return pairs;
}

function numberField(row: Record<string, unknown>, key: string, required: boolean, min: number, max: number): number | undefined {
  const v = row[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new TableError(`no '${key}' (every row needs the reward the search maximises, in percent)`);
    return undefined;
  }
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(x)) throw new TableError(`'${key}' is not a finite number: ${JSON.stringify(v)}`);
  if (x < min || x > max) throw new TableError(`'${key}' ${x} is outside ${min}..${max === Infinity ? '∞' : max}${max === 100 ? ' (accuracies are percentages)' : ''}`);
  return x;
}

/** The spec a row names, checked against its space's rules. */
export function rowSpec(row: Record<string, unknown>, space: SpaceId, ids: IdResolver = {}): CellSpec {
  const id = row.id ?? row.hash;
  const idText = id === undefined || id === null ? undefined : String(id).trim();
  switch (space) {
    case 'nasbench101': {
      if (row.matrix !== undefined || row.ops !== undefined) {
        const m = row.matrix;
        const ops = row.ops;
        if (!Array.isArray(m) || !m.every((r) => Array.isArray(r) && r.length === m.length && r.every((x) => x === 0 || x === 1))) throw new TableError("'matrix' must be a square 0/1 matrix");
        if (!Array.isArray(ops) || ops.length !== m.length || !ops.every((o) => typeof o === 'string')) throw new TableError(`'ops' must list one op per vertex (${m.length})`);
        for (let i = 0; i < m.length; i++) for (let j = 0; j <= i; j++) if (m[i][j]) throw new TableError(`'matrix' is not strictly upper triangular (entry ${i},${j})`);
        const cell = { matrix: m as number[][], ops: ops as string[] };
        const p = prune(cell);
        const why = nb101Violations(p);
        if (why.length) throw new TableError(`not a NAS-Bench-101 cell: ${why.join('; ')} (ops: input, ${NB101_CANONICAL_OPS.join(', ')}, output)`);
        const spec: CellSpec = { space: 'nasbench101', matrix: p.matrix, ops: p.ops };
        if (idText !== undefined && computeFacts(spec).id !== idText.toLowerCase()) throw new TableError(`id ${idText} is not the NB101 hash of this matrix/ops (${computeFacts(spec).id})`);
        return spec;
      }
      if (idText === undefined) throw new TableError('an NB101 row needs "id" (the NB101 hash) or "matrix" and "ops"');
      if (!HEX32.test(idText)) throw new TableError(`id '${idText}' is not an NB101 hash (32 hex digits)`);
      if (!ids.nb101Hash) throw new TableError('NB101 hashes cannot be resolved here');
      const spec = ids.nb101Hash(idText.toLowerCase());
      if (!spec) throw new TableError(`id ${idText} is not a NAS-Bench-101 cell (not among the 423,624 unique cells)`);
      return spec;
    }
    case 'nasbench201': {
      let ops: string[] | undefined;
      if (row.arch !== undefined || (idText !== undefined && idText.startsWith('|'))) {
        const arch = String(row.arch ?? idText);
        const parsed = parseArch(arch);
        if (parsed.problems.length) throw new TableError(`arch: ${parsed.problems[0].message}`);
        ops = parsed.edges.map((e) => e.op);
        const bad = ops.find((o) => !(NB201_OPS as readonly string[]).includes(o));
        if (bad) throw new TableError(`arch: unknown op '${bad}' (ops: ${NB201_OPS.join(', ')})`);
      } else if (Array.isArray(row.ops)) {
        ops = row.ops.map(String);
        if (ops.length !== 6 || ops.some((o) => !(NB201_OPS as readonly string[]).includes(o))) throw new TableError(`'ops' must be the 6 edge ops of an NB201 cell (ops: ${NB201_OPS.join(', ')})`);
      } else {
        const raw = row.index ?? idText;
        if (raw === undefined) throw new TableError('an NB201 row needs "arch", "index" (0..15624) or "id"');
        const index = Number(raw);
        if (!(Number.isInteger(index) && index >= 0 && index < NB201_SIZE)) throw new TableError(`index ${JSON.stringify(raw)} is not an NB201 index (0..${NB201_SIZE - 1})`);
        return { space: 'nasbench201', ops: nb201OpsAt(index) };
      }
      if (row.index !== undefined && Number(row.index) !== nb201Index(ops)) throw new TableError(`index ${String(row.index)} is not this arch's NB201 index (${nb201Index(ops)})`);
      return { space: 'nasbench201', ops: opsFromCode(archCode(ops)) };
    }
    case 'darts': {
      if (row.normal !== undefined) {
        const normal = genotypeOf(row.normal, 'normal');
        const reduce = row.reduce !== undefined && row.reduce !== '' ? genotypeOf(row.reduce, 'reduce') : undefined;
        const spec: CellSpec = { space: 'darts', normal, reduce: reduce ?? normal, reduceGiven: reduce !== undefined };
        if (idText !== undefined && computeFacts(spec).id !== idText.toLowerCase()) throw new TableError(`id ${idText} is not the DARTS graph hash of this genotype (${computeFacts(spec).id})`);
        return spec;
      }
      if (idText === undefined) throw new TableError('a DARTS row needs "normal" (and "reduce" when it differs) or "id" (the graph hash of a pool cell)');
      if (!HEX32.test(idText)) throw new TableError(`id '${idText}' is not a DARTS graph hash (32 hex digits)`);
      if (!ids.dartsHash) throw new TableError('DARTS hashes cannot be resolved here');
      const spec = ids.dartsHash(idText.toLowerCase());
      if (!spec) throw new TableError(`id ${idText} is not a cell of the DARTS pool: give its genotype ("normal", "reduce")`);
      return spec;
    }
  }
}

/** Splits CSV text into records (RFC 4180: quoted fields, "" escapes, commas and newlines in quotes). */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (any || field.trim() !== '') out.push({ fields, line: start });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) throw new TableError(`line ${start}: unterminated quoted field`);
  fields.push(field);
  if (any || field.trim() !== '') out.push({ fields, line: start });
  return out;
}

/** Reads a user table; every problem is a TableError naming file:line. */
/** `space`: the table must be of this space; `defaultSpace`: the space of rows that name none and do not show it. */
export interface TableReadOptions {
  space?: SpaceId;
  defaultSpace?: SpaceId;
  ids?: IdResolver;
}

export function parseUserTable(text: string, file: string, opts: TableReadOptions = {}): UserTable {
  const src = stripBom(text);
  const sha256 = createHash('sha256').update(src).digest('hex');
  const isCsv = /\.csv$/i.test(file) || (!src.trimStart().startsWith('{') && src.trim() !== '');
  const records: { row: Record<string, unknown>; line: number }[] = [];
  const at = (line: number, msg: string) => new TableError(`${file}:${line}: ${msg}`);
  if (isCsv) {
    const recs = parseCsv(src);
    if (!recs.length) throw new TableError(`${file}: empty table`);
    const head = recs[0].fields.map((f) => f.trim());
    const unknown = head.filter((h) => !ROW_KEYS.has(h));
    if (unknown.length) throw at(recs[0].line, `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (columns: ${[...ROW_KEYS].join(', ')})`);
    for (const r of recs.slice(1)) {
      if (r.fields.length !== head.length) throw at(r.line, `${r.fields.length} fields, the header has ${head.length}`);
      const row: Record<string, unknown> = {};
      head.forEach((h, k) => {
        const v = r.fields[k].trim();
        if (v !== '') row[h] = v;
      });
      records.push({ row, line: r.line });
    }
  } else {
    src.split('\n').forEach((l, k) => {
      if (!l.trim() || l.trimStart().startsWith('#') || l.trimStart().startsWith('//')) return;
      let v: unknown;
      try {
        v = JSON.parse(l);
      } catch (e) {
        throw at(k + 1, `not valid JSON (${(e as Error).message})`);
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw at(k + 1, 'each line must be a JSON object');
      records.push({ row: v as Record<string, unknown>, line: k + 1 });
    });
  }
  let header: Record<string, unknown> = {};
  if (records.length && records[0].row.format !== undefined) {
    const h = records.shift()!;
    if (h.row.format !== 'arch2vec-table') throw at(h.line, `unknown format '${String(h.row.format)}' (expected "arch2vec-table")`);
    if (h.row.version !== undefined && h.row.version !== 1) throw at(h.line, `unsupported version ${String(h.row.version)} (this build reads 1)`);
    header = h.row;
  }
  let space = opts.space;
  const headerSpace = header.space;
  if (headerSpace !== undefined) {
    if (typeof headerSpace !== 'string' || !isSpaceId(headerSpace)) throw new TableError(`${file}: header space '${String(headerSpace)}' is not one of ${SPACE_IDS.join(', ')}`);
    if (space && space !== headerSpace) throw new TableError(`${file}: a ${headerSpace} table, but the search is over ${space}`);
    space = headerSpace;
  }
  if (!records.length) throw new TableError(`${file}: no rows`);
  const byId = new Map<string, { spec: CellSpec; reward: number; accuracy: number; cost: number; n: number; lines: number[] }>();
  let hasCost = false;
  for (const { row, line } of records) {
    try {
      const unknown = Object.keys(row).filter((k) => !ROW_KEYS.has(k));
      if (unknown.length) throw new TableError(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (keys: ${[...ROW_KEYS].join(', ')})`);
      let rs = row.space;
      if (rs !== undefined) {
        if (typeof rs !== 'string' || !isSpaceId(rs)) throw new TableError(`space '${String(rs)}' is not one of ${SPACE_IDS.join(', ')}`);
        if (space && rs !== space) throw new TableError(`a ${rs} cell in a ${space} table (one table holds one space)`);
      } else if (!space) {
        rs = row.arch !== undefined ? 'nasbench201' : row.normal !== undefined ? 'darts' : row.matrix !== undefined ? 'nasbench101' : opts.defaultSpace;
        if (!rs) throw new TableError(`which space? give "space" on the row or in a header line {"format": "arch2vec-table", "space": …}`);
      }
      space ??= rs as SpaceId;
      const spec = rowSpec(row, space, opts.ids);
      const reward = numberField(row, 'reward', true, 0, 100)!;
      const accuracy = numberField(row, 'accuracy', false, 0, 100) ?? reward;
      const cost = numberField(row, 'cost', false, 0, Infinity);
      if (cost !== undefined) hasCost = true;
      const id = computeFacts(spec).id;
      const o = byId.get(id) ?? { spec, reward: 0, accuracy: 0, cost: 0, n: 0, lines: [] };
      o.reward += reward;
      o.accuracy += accuracy;
      o.cost += cost ?? 0;
      o.n++;
      o.lines.push(line);
      byId.set(id, o);
    } catch (e) {
      if (e instanceof TableError) throw at(line, e.message);
      throw e;
    }
  }
  const rows: TableRow[] = [...byId].map(([cellId, o]) => ({ spec: o.spec, cellId, reward: o.reward / o.n, accuracy: o.accuracy / o.n, cost: o.cost / o.n, lines: o.lines }));
  return { file, format: isCsv ? 'csv' : 'jsonl', space: space!, rows, sourceRows: records.length, hasCost, header, sha256 };
}

export function readUserTable(path: string, opts: TableReadOptions = {}): UserTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new TableError(`cannot read table ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseUserTable(text, path, opts);
}

/** Whether a file is a user table (JSONL / CSV) rather than a compact binary NB201 table (core/table.ts). */
export function isUserTableFile(path: string): boolean {
  try {
    const head = readFileSync(path).subarray(0, 8).toString('latin1');
    return head !== 'A2VTBL1\n';
  } catch {
    return true; // unreadable: let the user-table reader say why
  }
}
