/**
 * What the client needs to know about a document's cells to drive the engine: names, blocks, specs
 * of the valid ones, and the CodeLenses that start neighbour and suggestion queries from a cell.
 */
import type { Analysis } from '../core/analyze';
import type { Position, Range } from '../core/text';
import { CLIENT_COMMANDS, type CellInfo, type CellsResult } from '../protocol';
import { cellAt } from './cellAt';

export function cellsInfo(a: Analysis, version: number, position?: Position): CellsResult {
  const cells = a.cells.map((c): CellInfo => {
    const errors = c.diagnostics.filter((d) => d.severity === 'error');
    return {
      name: c.name ?? null,
      startLine: c.node.range.start.line,
      endLine: c.node.range.end.line,
      space: c.space ?? null,
      spec: errors.length === 0 && c.spec ? c.spec : null,
      errors: errors.length,
      ...(errors.length ? { firstError: `line ${errors[0].range.start.line + 1}: ${errors[0].message}` } : {}),
      metrics: c.metrics,
    };
  });
  const at = position ? cellAt(a, position) : undefined;
  return { version, cells, at: at ? at.index : null };
}

export interface CellLens {
  range: Range;
  title: string;
  command: string;
  /** [document uri, cell name] */
  arguments: [string, string];
}

/** "neighbours · suggest similar · export as PyTorch" above every named cell that is valid enough to embed. */
export function cellLenses(a: Analysis, uri: string): CellLens[] {
  const out: CellLens[] = [];
  for (const c of a.cells) {
    if (!c.name || !c.spec || c.diagnostics.some((d) => d.severity === 'error')) continue;
    const range = c.node.name?.range ?? c.node.header;
    out.push(
      { range, title: 'neighbours', command: CLIENT_COMMANDS.showNeighbours, arguments: [uri, c.name] },
      { range, title: 'suggest similar', command: CLIENT_COMMANDS.suggestSimilar, arguments: [uri, c.name] },
      { range, title: 'export as PyTorch', command: CLIENT_COMMANDS.exportPyTorch, arguments: [uri, c.name] },
    );
  }
  return out;
}
