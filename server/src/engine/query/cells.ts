/** Cells of a `.cells` text as queries: name, line, space and spec, or why the cell cannot be used. */
import { analyze } from '../../core/analyze';
import type { CellSpec } from '../../core/cellSpec';
import type { SpaceId } from '../../core/spaces';
import { stripBom } from '../../core/text';
import { EngineError } from '../errors';

export interface QueryCell {
  name: string;
  /** 1-based header line. */
  line: number;
  space: SpaceId | null;
  spec?: CellSpec;
  /** First error diagnostic, when the cell is not a valid architecture of its space. */
  error?: string;
}

export function cellsOfText(text: string, defaultSpace: SpaceId): QueryCell[] {
  const a = analyze(stripBom(text), { defaultSpace });
  return a.cells.map((c, i) => {
    const err = c.diagnostics.find((d) => d.severity === 'error');
    const cell: QueryCell = { name: c.name ?? `#${i + 1}`, line: c.node.header.start.line + 1, space: c.space ?? null };
    if (err) cell.error = `line ${err.range.start.line + 1}: ${err.code}: ${err.message}`;
    else if (!c.spec) cell.error = 'no architecture (run `arch2vec validate`)';
    else cell.spec = c.spec;
    return cell;
  });
}

/** The named cell, valid, or a badInput error listing what the file has. */
export function pickCell(cells: QueryCell[], name: string, file = 'the text'): QueryCell & { spec: CellSpec } {
  const cell = cells.find((c) => c.name === name);
  if (!cell) {
    const names = cells.map((c) => c.name);
    throw new EngineError('badInput', `no cell '${name}' in ${file}${names.length ? ` (cells: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''})` : ' (it has no cells)'}`);
  }
  if (!cell.spec) throw new EngineError('badInput', `cell '${name}' (${file}:${cell.line}) is not valid: ${cell.error}`);
  return cell as QueryCell & { spec: CellSpec };
}
