import type { Analysis, AnalyzedCell } from '../core/analyze';
import type { Position } from '../core/text';

/** The cell whose block (header, properties, its comments) holds the position's line. */
export function cellAt(a: Analysis, pos: Position): AnalyzedCell | undefined {
  const info = a.doc.lineInfo[pos.line];
  if (!info || info.cell < 0) return undefined;
  return a.cells[info.cell];
}
