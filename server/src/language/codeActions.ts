import type { Analysis, AnalyzedCell } from '../core/analyze';
import type { Property } from '../core/ast';
import type { CellDiagnostic } from '../core/diagnostics';
import type { TextEdit } from '../core/format';
import { matrixLines, nb201NodeFormLines } from '../core/render';
import { prune } from '../core/spaces/nasbench101';
import { formatArch } from '../core/spaces/nasbench201';
import type { Range } from '../core/text';
import { cellAt } from './cellAt';

export interface CellCodeAction {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite';
  edits: TextEdit[];
  diagnostic?: CellDiagnostic;
  isPreferred?: boolean;
}

/** Whole lines of a property, key line to last continuation line (without the final line break). */
function propertyLines(a: Analysis, p: Property): Range {
  const last = p.range.end.line;
  return { start: { line: p.key.range.start.line, character: 0 }, end: { line: last, character: a.doc.lines[last].length } };
}

/** Deletes a property's lines including the line break after them. */
function deleteProperty(a: Analysis, p: Property): TextEdit {
  const last = p.range.end.line;
  const end = last + 1 < a.doc.lines.length ? { line: last + 1, character: 0 } : { line: last, character: a.doc.lines[last].length };
  const start = last + 1 < a.doc.lines.length || p.key.range.start.line === 0
    ? { line: p.key.range.start.line, character: 0 }
    : { line: p.key.range.start.line - 1, character: a.doc.lines[p.key.range.start.line - 1].length };
  return { range: { start, end }, newText: '' };
}

function prop(c: AnalyzedCell, key: string): Property | undefined {
  return c.node.properties.find((p) => p.key.text === key);
}

export function pruneEdits(a: Analysis, c: AnalyzedCell): TextEdit[] | undefined {
  if (c.spec?.space !== 'nasbench101') return undefined;
  const ops = prop(c, 'ops');
  const matrix = prop(c, 'matrix');
  const p = prune(c.spec);
  if (!ops || !matrix || !p.valid || p.removed.length === 0) return undefined;
  const edits = [
    { range: propertyLines(a, ops), newText: `  ops: ${p.ops.join(' ')}` },
    { range: propertyLines(a, matrix), newText: ['  matrix:', ...matrixLines(p.matrix)].join('\n') },
  ];
  return edits.sort((x, y) => x.range.start.line - y.range.start.line);
}

/** Quick fixes for the diagnostics in `context` and rewrites for the cell under `range`. */
export function codeActions(a: Analysis, range: Range, context: CellDiagnostic[]): CellCodeAction[] {
  const out: CellCodeAction[] = [];
  for (const d of context) {
    if (!d.fix) continue;
    if (d.fix.kind === 'replace') {
      out.push({ title: `Change to '${d.fix.replacement}'`, kind: 'quickfix', edits: [{ range: d.range, newText: d.fix.replacement }], diagnostic: d, isPreferred: true });
    } else if (d.fix.kind === 'outdent') {
      const ln = d.range.start.line;
      const indent = /^[ \t]*/.exec(a.doc.lines[ln] ?? '')![0].length;
      if (indent > 0) out.push({ title: 'Move the `cell` line to the start of the line', kind: 'quickfix', edits: [{ range: { start: { line: ln, character: 0 }, end: { line: ln, character: indent } }, newText: '' }], diagnostic: d, isPreferred: true });
    } else if (d.fix.kind === 'prune') {
      const c = cellAt(a, d.range.start);
      const edits = c && pruneEdits(a, c);
      if (edits) out.push({ title: 'Prune vertices that are not on an input→output path', kind: 'quickfix', edits, diagnostic: d, isPreferred: true });
    }
  }
  const c = cellAt(a, range.start);
  if (c?.spec?.space === 'nasbench201') {
    const arch = prop(c, 'arch');
    const ops = prop(c, 'ops');
    const matrix = prop(c, 'matrix');
    if (arch) {
      out.push({ title: 'Convert arch string to 8-node ops + matrix form', kind: 'refactor.rewrite', edits: [{ range: propertyLines(a, arch), newText: nb201NodeFormLines(c.spec.ops).join('\n') }] });
    } else if (ops && matrix) {
      const edits = [{ range: propertyLines(a, ops), newText: `  arch: ${formatArch(c.spec.ops)}` }, deleteProperty(a, matrix)];
      out.push({ title: 'Convert 8-node form to an arch string', kind: 'refactor.rewrite', edits: edits.sort((x, y) => x.range.start.line - y.range.start.line) });
    }
  }
  return out;
}
