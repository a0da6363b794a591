/**
 * `arch2vec export --format pytorch`: a cell becomes a self-contained Python module (only `torch`
 * imported) that builds the network its benchmark trained — one class per building block, the cell's
 * graph written out in its forward pass, a header naming the cell, its canonical id and the network,
 * `build_model()`, and `python model.py` printing the parameter count. The per-space generators are
 * pytorchNb101.ts, pytorchNb201.ts and pytorchDarts.ts; the counts in the header come from cost.ts.
 */
import { computeFacts } from '../cellSpec';
import { cellCost, type CellCost } from './cost';
import type { NetworkOptions } from './network';
import { nb101Module } from './pytorchNb101';
import { nb201Module } from './pytorchNb201';
import { dartsModule } from './pytorchDarts';
import { moduleName, type ExportCell, type ExportContext } from './python';

export type { ExportCell, ExportContext } from './python';

export interface ExportedModule {
  /** The Python source. */
  text: string;
  /** Suggested file name: the cell's name as a Python module name. */
  fileName: string;
  cost: CellCost;
  id: string;
}

const ID_LABEL = { 'nb101-hash': 'NAS-Bench-101 hash', 'nb201-index': 'NAS-Bench-201 index', 'darts-hash': 'DARTS graph hash' } as const;

/** The Python module for one cell. Throws (with a message for the user) on cells that build no network. */
export function exportPyTorch(cell: ExportCell, options: NetworkOptions = {}, ctx: ExportContext = {}): ExportedModule {
  const cost = cellCost(cell.spec, options);
  const facts = computeFacts(cell.spec);
  const base = { cell, id: facts.id, idLabel: ID_LABEL[facts.idKind], cost, ctx };
  let lines: string[];
  switch (cell.spec.space) {
    case 'nasbench101': lines = nb101Module(cell.spec, base); break;
    case 'nasbench201': lines = nb201Module(cell.spec, base); break;
    case 'darts': lines = dartsModule(cell.spec, base); break;
  }
  return { text: lines.join('\n') + '\n', fileName: `${moduleName(cell.name)}.py`, cost, id: facts.id };
}
