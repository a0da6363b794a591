/**
 * Turning what a command receives (CodeLens arguments, a webview request, palette answers, settings)
 * into engine requests. Pure: no `vscode` import, so every rule here is unit-tested.
 */
import {
  PAPER_BUDGETS, type EngineSearchParams, type SearchDatasetName, type SearchObjectiveName, type SearchStrategyName, type SpaceId,
} from '../../server/src/protocol';
import type { ExtensionSettings } from './settings';

export type Result<T> = { ok: T } | { error: string };

/** A cell named by a CodeLens or another extension: [uri, cellName]; none from the palette (then: the cursor). */
export interface CellTarget {
  uri?: string;
  cell?: string;
}

export function parseCellTarget(args: readonly unknown[]): Result<CellTarget> {
  const [uri, cell] = args;
  if (uri === undefined || uri === null) return { ok: {} };
  // The palette passes nothing; an editor title / explorer menu passes a Uri object.
  const uriText = typeof uri === 'string' ? uri : typeof uri === 'object' && typeof (uri as { toString?: unknown }).toString === 'function' && 'scheme' in (uri as object) ? String(uri) : undefined;
  if (!uriText) return { error: 'expected a document URI as the first argument' };
  if (cell === undefined) return { ok: { uri: uriText } };
  if (typeof cell !== 'string' || cell.trim() === '') return { error: 'expected a cell name as the second argument' };
  return { ok: { uri: uriText, cell } };
}

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, m: 1e6 };

/** A budget as typed: 12000, 12,000, 12k, 1.4M, 5e5 (seconds). */
export function parseBudget(text: string): Result<number> {
  const t = text.trim().replace(/[_,\s]/g, '').toLowerCase();
  const m = /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(k|m)?s?$/.exec(t);
  if (!m) return { error: `'${text.trim()}' is not a budget: give seconds, e.g. 12000, 12k or 1.4M` };
  const v = Number(m[1]) * SUFFIX[m[2] ?? ''];
  if (!(v > 0 && Number.isFinite(v))) return { error: 'the budget must be a positive number of seconds' };
  return { ok: v };
}

/** Seeds as typed: 3 (seeds 1..3), 1..10, or 4,8,15. */
export function parseSeeds(text: string): Result<number[]> {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)$/.exec(t))) {
    const n = Number(m[1]);
    return n >= 1 && n <= 1000 ? { ok: Array.from({ length: n }, (_, i) => i + 1) } : { error: 'between 1 and 1000 seeds' };
  }
  if ((m = /^(\d+)\s*\.\.\s*(\d+)$/.exec(t))) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    return a <= b && b - a < 1000 ? { ok: Array.from({ length: b - a + 1 }, (_, i) => a + i) } : { error: `'${t}': a range lo..hi with at most 1000 seeds` };
  }
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length > 1 && parts.every((p) => /^\d+$/.test(p))) return { ok: [...new Set(parts.map(Number))] };
  return { error: `'${t}' is not a seed list: give a count (3), a range (1..10) or a list (4,8,15)` };
}

/** Everything a search run needs, from the quick picks (or a caller's arguments) over the settings. */
export interface SearchChoice {
  space: SpaceId;
  strategies: SearchStrategyName[];
  objective: SearchObjectiveName;
  dataset?: SearchDatasetName;
  budget?: number | null;
  maxEvals?: number | null;
  seeds?: number[];
  command?: string;
  /** file objective: the document text and its name. */
  text?: string;
  file?: string;
  /** command objective: the evaluator's working directory (the workspace folder). */
  cwd?: string;
}

/**
 * One engine/search request per strategy (compared side by side in the suggestions view), or why
 * the choice cannot run. `trusted`: the workspace is trusted (the command objective runs user code).
 */
export function searchRequests(c: SearchChoice, s: ExtensionSettings, trusted: boolean): Result<EngineSearchParams[]> {
  if (!c.strategies.length) return { error: 'pick at least one strategy' };
  const base: Omit<EngineSearchParams, 'strategy'> = { space: c.space, objective: c.objective, traces: true };
  const seeds = c.seeds ?? Array.from({ length: s.search.seeds }, (_, i) => i + 1);
  const maxEvals = c.maxEvals === undefined ? s.search.maxEvals : c.maxEvals;
  if (maxEvals) base.maxEvals = maxEvals;
  if (s.modelDirectory) base.modelDir = s.modelDirectory;
  switch (c.objective) {
    case 'benchmark': {
      base.seeds = seeds;
      if (s.search.benchmarkTable) base.table = s.search.benchmarkTable;
      if (c.space !== 'nasbench201') {
        // Only the user's own table (docs/tables.md) is a benchmark outside NAS-Bench-201; its rows are the pool.
        if (!s.search.benchmarkTable) return { error: `no ${c.space} benchmark ships with arch2vec: set arch2vec.search.benchmarkTable to a table of your measurements (JSONL or CSV), or search with your evaluator command` };
        const budget = c.budget === undefined ? s.search.budget : c.budget;
        if (budget) base.budget = budget;
        break;
      }
      const dataset = c.dataset ?? s.search.dataset;
      base.dataset = dataset;
      base.budget = (c.budget === undefined ? s.search.budget : c.budget) ?? PAPER_BUDGETS[dataset];
      break;
    }
    case 'command': {
      if (!trusted) return { error: 'the command objective runs your evaluator program, which needs a trusted workspace (Manage Workspace Trust); the benchmark and file objectives work in Restricted Mode' };
      const command = (c.command ?? s.search.evaluatorCommand).trim();
      if (!command) return { error: 'no evaluator command: set arch2vec.search.evaluatorCommand, e.g. `python train.py {cell}` ({cell}: a .cells file with the cell, {json}: the same as JSON)' };
      if (!/\{(cell|json)\}/.test(command)) return { error: `the evaluator command must mention {cell} or {json} (where the cell to train is written): ${command}` };
      Object.assign(base, { command, parallel: s.search.parallel, timeout: s.search.timeout, seeds: seeds.slice(0, 1) });
      if (c.cwd) base.cwd = c.cwd;
      const budget = c.budget === undefined ? s.search.budget : c.budget;
      if (budget) base.budget = budget;
      // DARTS: the engine defaults to the paper's 100 evaluations.
      if (!budget && !maxEvals && c.space !== 'darts') return { error: 'a command search needs a budget (seconds of evaluator time) or a maximum number of evaluations' };
      break;
    }
    case 'file':
      if (c.text === undefined) return { error: 'the file objective needs an open .cells file with measured cells (accuracy: ...)' };
      Object.assign(base, { text: c.text, file: c.file, k: s.search.suggestions, seeds: seeds.slice(0, 1) });
      // The suggestions are unmeasured: show what the file's predictor (the editor's settings) expects of each.
      if (s.predict.enable) base.predict = { metric: s.predict.metric, minMeasured: s.predict.minMeasured };
      break;
  }
  return {
    ok: c.strategies.map((strategy) => ({
      ...base,
      strategy,
      ...(strategy === 'bo' && s.search.eiVariant !== 'standard' ? { eiVariant: s.search.eiVariant } : {}),
    })),
  };
}

/** A name not yet used in the document: `name`, else `name_2`, `name_3`, ... */
export function uniqueCellName(name: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(name)) return name;
  for (let i = 2; ; i++) if (!set.has(`${name}_${i}`)) return `${name}_${i}`;
}

/**
 * The text to append so `cell` (one cell in `.cells` syntax, header `cell NAME`) lands at the end of
 * `doc` as a new block under a unique name, separated by one blank line.
 */
export function cellInsertion(doc: string, cell: string, taken: Iterable<string>): Result<{ text: string; name: string }> {
  const m = /^cell[ \t]+([A-Za-z_][\w.-]*)/.exec(cell.trimStart());
  if (!m) return { error: 'not a cell: its first line must be `cell NAME`' };
  const name = uniqueCellName(m[1], taken);
  const body = cell.trimStart().replace(/^cell[ \t]+[A-Za-z_][\w.-]*/, `cell ${name}`).replace(/\s*$/, '\n');
  const eol = doc.includes('\r\n') ? '\r\n' : '\n';
  const lead = doc.length === 0 ? '' : /(\r?\n){2}$/.test(doc) ? '' : /\r?\n$/.test(doc) ? eol : eol + eol;
  return { ok: { text: lead + body.replace(/\n/g, eol), name } };
}
