import type { CellNode, Property, Token } from './ast';
import { computeFacts, specKey, type CellFacts, type CellSpec } from './cellSpec';
import { CellContext } from './check/context';
import { compareDiagnostics, diag, type CellDiagnostic } from './diagnostics';
import { parseDocument, type ParsedDocument } from './parser';
import { ALL_KEYS, isSpaceId, METRIC_KEYS, SPACE_IDS, SPACES, type SpaceId } from './spaces';
import { suggestName } from './suggest';
import type { Range } from './text';
import { joined, parseNumber } from './values';

export interface AnalyzeOptions {
  /** Space of cells with no `space:` key, no distinctive keys and no file-level `space` line. */
  defaultSpace: SpaceId;
}

export const DEFAULT_OPTIONS: AnalyzeOptions = { defaultSpace: 'nasbench101' };

export type SpaceSource = 'key' | 'inferred' | 'file' | 'default';

export interface AnalyzedCell {
  index: number;
  node: CellNode;
  name: string | undefined;
  space: SpaceId | undefined;
  spaceSource: SpaceSource;
  spec: CellSpec | undefined;
  facts: CellFacts | undefined;
  metrics: Record<string, number>;
  diagnostics: CellDiagnostic[];
}

export interface Analysis {
  doc: ParsedDocument;
  cells: AnalyzedCell[];
  /** Everything, sorted by position. */
  diagnostics: CellDiagnostic[];
}

/** Facts are pure functions of the spec; hashing is the slow part, so memoise across edits. */
const factsCache = new Map<string, CellFacts>();
const FACTS_CACHE_LIMIT = 200_000;

function factsFor(spec: CellSpec): CellFacts {
  const key = specKey(spec);
  let f = factsCache.get(key);
  if (!f) {
    if (factsCache.size >= FACTS_CACHE_LIMIT) factsCache.clear();
    f = computeFacts(spec);
    factsCache.set(key, f);
  }
  return f;
}

function resolveSpace(cell: CellNode, opts: AnalyzeOptions, out: CellDiagnostic[]): { space: SpaceId | undefined; source: SpaceSource } {
  const spaceProp = cell.properties.find((p) => p.key.text === 'space');
  if (spaceProp) {
    const tok = joined(spaceProp.segments);
    if (!tok) {
      out.push(diag('unknown-space', 'error', spaceProp.key.range, `\`space:\` needs a value: ${SPACE_IDS.join(', ')}.`));
      return { space: undefined, source: 'key' };
    }
    if (isSpaceId(tok.text)) return { space: tok.text, source: 'key' };
    out.push(unknownSpace(tok));
    return { space: undefined, source: 'key' };
  }
  // No `space:` key: the file's `space` line (or the default), unless the cell's keys only make sense in another space.
  const fromFile = cell.fileSpace !== undefined;
  if (fromFile && !isSpaceId(cell.fileSpace!.text)) return { space: undefined, source: 'file' }; // reported once, on the `space` line
  const base: SpaceId = fromFile ? (cell.fileSpace!.text as SpaceId) : opts.defaultSpace;
  const keys = new Set(cell.properties.map((p) => p.key.text));
  if (keys.has('arch') && base !== 'nasbench201') return { space: 'nasbench201', source: 'inferred' };
  if ((keys.has('normal') || keys.has('reduce')) && base !== 'darts') return { space: 'darts', source: 'inferred' };
  return { space: base, source: fromFile ? 'file' : 'default' };
}

export function unknownSpace(tok: Token): CellDiagnostic {
  const s = suggestName(tok.text, SPACE_IDS);
  return diag('unknown-space', 'error', tok.range,
    `Unknown search space '${tok.text}'.${s ? ` Did you mean '${s}'?` : ''} Known spaces: ${SPACE_IDS.join(', ')}.`,
    s ? { fix: { kind: 'replace', replacement: s } } : {});
}

function checkKeys(ctx: CellContext, space: SpaceId | undefined) {
  const seen = new Map<string, Property>();
  for (const p of ctx.cell.properties) {
    const key = p.key.text;
    const first = seen.get(key);
    if (first) {
      ctx.report('duplicate-key', 'error', p.key.range, `\`${key}\` is already given on line ${first.key.range.start.line + 1}.`,
        { related: [{ range: first.key.range, message: `first \`${key}\`` }] });
      continue;
    }
    seen.set(key, p);
    if (!ALL_KEYS.includes(key)) {
      const s = suggestName(key, ALL_KEYS);
      ctx.report('unknown-key', 'error', p.key.range, `Unknown key '${key}'.${s ? ` Did you mean '${s}'?` : ''}`, s ? { fix: { kind: 'replace', replacement: s } } : {});
      continue;
    }
    if (space && !(key in METRIC_KEYS) && key !== 'space' && !SPACES[space].keys.includes(key)) {
      const owner = SPACE_IDS.find((id) => SPACES[id].keys.includes(key));
      ctx.report('key-not-in-space', 'error', p.key.range,
        `\`${key}\` describes ${owner ? SPACES[owner].title : 'another space\'s'} cells; this cell is ${SPACES[space].title}.`);
    }
  }
}

function checkMetrics(ctx: CellContext): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, rule] of Object.entries(METRIC_KEYS)) {
    const p = ctx.props.get(key);
    if (!p) continue;
    const tok = joined(p.segments);
    const value = tok ? parseNumber(tok.text) : undefined;
    if (!tok || value === undefined) {
      ctx.report('invalid-number', 'error', tok?.range ?? p.key.range, `\`${key}\` must be a number${rule.percent ? ' (percent)' : ''}.`);
      continue;
    }
    if (value < rule.min || value > rule.max) {
      ctx.report('metric-range', 'error', tok.range, `\`${key}\` must be between ${rule.min} and ${rule.max}${rule.percent ? ' (percent)' : ''}, found ${value}.`);
      continue;
    }
    if (rule.percent && value > 0 && value <= 1 && !tok.text.endsWith('%')) {
      ctx.report('metric-range', 'warning', tok.range, `\`${key}\` is in percent: ${value} means ${value}%, did you mean ${+(value * 100).toFixed(6)}?`,
        { fix: { kind: 'replace', replacement: String(+(value * 100).toFixed(6)) } });
    }
    metrics[key] = value;
  }
  return metrics;
}

export function analyzeCell(cell: CellNode, index: number, opts: AnalyzeOptions): AnalyzedCell {
  const spaceDiags: CellDiagnostic[] = [];
  const { space, source } = resolveSpace(cell, opts, spaceDiags);
  const ctx = new CellContext(cell, space ?? opts.defaultSpace, SPACES);
  ctx.diagnostics.push(...spaceDiags);
  checkKeys(ctx, space);
  const metrics = checkMetrics(ctx);
  let spec: CellSpec | undefined;
  if (cell.properties.length === 0) {
    ctx.report('empty-cell', 'error', ctx.anchor, 'This cell has no properties; indent them under the `cell` line.');
  } else if (space) {
    spec = SPACES[space].check(ctx);
  }
  const facts = spec ? factsFor(spec) : undefined;
  return { index, node: cell, name: cell.name?.text, space, spaceSource: source, spec, facts, metrics, diagnostics: ctx.diagnostics };
}

/**
 * Per-cell results depend only on the cell's own lines, the file-level space in effect and the default
 * space, so an edit re-checks just the cells it touched; the rest are reused with their diagnostics
 * shifted to the cell's current line.
 */
interface CachedCell {
  result: Omit<AnalyzedCell, 'index' | 'node'>;
  headerLine: number;
}
const cellCache = new Map<string, CachedCell>();
const CELL_CACHE_LIMIT = 100_000;

function shiftDiagnostic(d: CellDiagnostic, delta: number): CellDiagnostic {
  const r = (x: Range): Range => ({ start: { line: x.start.line + delta, character: x.start.character }, end: { line: x.end.line + delta, character: x.end.character } });
  return { ...d, range: r(d.range), related: d.related?.map((x) => ({ ...x, range: r(x.range) })) };
}

function analyzeCellCached(doc: ParsedDocument, cell: CellNode, index: number, opts: AnalyzeOptions): AnalyzedCell {
  const first = cell.header.start.line;
  const key = `${cell.fileSpace?.text ?? ''}\u0000${opts.defaultSpace}\u0000${doc.lines.slice(first, cell.range.end.line + 1).join('\n')}`;
  const hit = cellCache.get(key);
  if (hit) {
    const delta = first - hit.headerLine;
    const diagnostics = delta === 0 ? hit.result.diagnostics : hit.result.diagnostics.map((d) => shiftDiagnostic(d, delta));
    return { ...hit.result, diagnostics, index, node: cell };
  }
  const fresh = analyzeCell(cell, index, opts);
  if (cellCache.size >= CELL_CACHE_LIMIT) cellCache.clear();
  const { index: _i, node: _n, ...result } = fresh;
  cellCache.set(key, { result, headerLine: first });
  return fresh;
}

/** Cross-cell checks: duplicate names (error) and isomorphic twins (warning pointing at the first). */
function checkDocument(cells: AnalyzedCell[]): CellDiagnostic[] {
  const out: CellDiagnostic[] = [];
  const byName = new Map<string, AnalyzedCell>();
  const byId = new Map<string, AnalyzedCell>();
  for (const c of cells) {
    const nameTok = c.node.name;
    if (nameTok) {
      const first = byName.get(nameTok.text);
      if (first) {
        out.push(diag('duplicate-cell-name', 'error', nameTok.range,
          `A cell named '${nameTok.text}' is already defined on line ${first.node.header.start.line + 1}.`,
          { related: [{ range: first.node.name!.range, message: `first '${nameTok.text}'` }] }));
      } else byName.set(nameTok.text, c);
    }
    if (c.facts?.id) {
      const key = `${c.facts.space}:${c.facts.id}`;
      const twin = byId.get(key);
      if (twin) {
        const twinName = twin.name ?? `(unnamed, line ${twin.node.header.start.line + 1})`;
        out.push(diag('isomorphic-cell', 'warning', nameTok?.range ?? c.node.header,
          `Same architecture as '${twinName}' (line ${twin.node.header.start.line + 1}): the graphs are isomorphic${c.facts.idKind === 'nb201-index' ? ' (same NAS-Bench-201 index)' : ''}.`,
          { related: [{ range: twin.node.name?.range ?? twin.node.header, message: `'${twinName}' is the same architecture` }] }));
      } else byId.set(key, c);
    }
  }
  return out;
}

function checkDirectives(doc: ParsedDocument): CellDiagnostic[] {
  return doc.directives.filter((d) => d.name && !isSpaceId(d.name.text)).map((d) => unknownSpace(d.name!));
}

/**
 * Analyses a document in slices: yields after every `sliceCells` cells so a caller (the language
 * server) can interleave other requests and abandon stale work. `analyze` runs it to completion.
 */
export function* analyzeSteps(text: string, opts: AnalyzeOptions = DEFAULT_OPTIONS, sliceCells = 250): Generator<number, Analysis> {
  const doc = parseDocument(text);
  const cells: AnalyzedCell[] = [];
  for (let i = 0; i < doc.cells.length; i++) {
    cells.push(analyzeCellCached(doc, doc.cells[i], i, opts));
    if ((i + 1) % sliceCells === 0) yield i + 1;
  }
  const diagnostics = [...doc.diagnostics, ...checkDirectives(doc), ...cells.flatMap((c) => c.diagnostics), ...checkDocument(cells)];
  diagnostics.sort(compareDiagnostics);
  return { doc, cells, diagnostics };
}

export function analyze(text: string, opts: AnalyzeOptions = DEFAULT_OPTIONS): Analysis {
  const steps = analyzeSteps(text, opts, Number.MAX_SAFE_INTEGER);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
