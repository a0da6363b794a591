import type { Analysis } from '../core/analyze';
import type { Range } from '../core/text';
import { SPACES } from '../core/spaces';

export interface CellSymbol {
  name: string;
  detail: string;
  kind: 'cell' | 'property' | 'space';
  range: Range;
  selectionRange: Range;
  children: CellSymbol[];
}

export function documentSymbols(a: Analysis): CellSymbol[] {
  const out: CellSymbol[] = a.doc.directives.map((d) => ({
    name: `space ${d.name?.text ?? ''}`.trim(), detail: 'file default', kind: 'space', range: d.range, selectionRange: d.name?.range ?? d.range, children: [],
  }));
  for (const c of a.cells) {
    const id = c.facts ? (c.facts.idKind === 'nb201-index' ? `#${c.facts.id}` : c.facts.id.slice(0, 8)) : '';
    out.push({
      name: c.name ?? `(unnamed cell, line ${c.node.header.start.line + 1})`,
      detail: [c.space ? SPACES[c.space].title : '', id].filter(Boolean).join(' · '),
      kind: 'cell',
      range: c.node.range,
      selectionRange: c.node.name?.range ?? c.node.header,
      children: c.node.properties.map((p) => ({ name: p.key.text, detail: '', kind: 'property', range: p.range, selectionRange: p.key.range, children: [] })),
    });
  }
  return out.sort((x, y) => x.range.start.line - y.range.start.line);
}

export interface Fold {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

export function foldingRanges(a: Analysis): Fold[] {
  const out: Fold[] = [];
  for (const c of a.cells) {
    if (c.node.range.end.line > c.node.range.start.line) out.push({ startLine: c.node.range.start.line, endLine: c.node.range.end.line });
    for (const p of c.node.properties) {
      if (p.range.end.line > p.range.start.line) out.push({ startLine: p.range.start.line, endLine: p.range.end.line });
    }
  }
  const info = a.doc.lineInfo;
  for (let i = 0; i < info.length; i++) {
    if (info[i].kind !== 'comment') continue;
    let j = i;
    while (j + 1 < info.length && info[j + 1].kind === 'comment') j++;
    if (j > i) out.push({ startLine: i, endLine: j, kind: 'comment' });
    i = j;
  }
  return out.sort((x, y) => x.startLine - y.startLine);
}
