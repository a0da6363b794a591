/**
 * The `.cells` notation of a cell: NB201 arch strings, DARTS genotypes, NB101 matrices and whole
 * cells. Kept free of Node imports (each space's writer is its pure notation.ts; tables and hashes
 * live elsewhere) so the webview pages bundle the very same writer the server and CLI use.
 */
import type { CellSpec } from '../protocol/cells';
import type { SpaceId } from '../protocol/values';
import { dartsCellLines } from './spaces/darts/notation';
import { nb101CellLines } from './spaces/nasbench101/notation';
import { nb201CellLines } from './spaces/nasbench201/notation';

export { formatGenotype } from './spaces/darts/notation';
export { matrixLines } from './spaces/nasbench101/notation';
export { formatArch, NB201_EDGES } from './spaces/nasbench201/notation';

/**
 * Each space's pure writer (the same functions its space module exposes as `cellLines`). Listed here
 * rather than read from the space registry because the registry also holds Node-only parts (tables,
 * hashes) that the webview cannot bundle.
 */
const CELL_LINES: { [K in SpaceId]: (spec: Extract<CellSpec, { space: K }>) => string[] } = {
  nasbench101: nb101CellLines,
  nasbench201: nb201CellLines,
  darts: dartsCellLines,
};

/** The architecture property lines of a cell (what the space's keys say). */
export function specLines(spec: CellSpec): string[] {
  return (CELL_LINES[spec.space] as (s: CellSpec) => string[])(spec);
}

/**
 * One cell in `.cells` syntax (what quick fixes, suggestions and the views' Insert write). `notes`
 * puts a comment after a metric's value: where it comes from (dataset, split, epochs).
 */
export function cellText(name: string, spec: CellSpec, metrics: Record<string, number> = {}, notes: Record<string, string> = {}): string {
  const lines = [`cell ${name}`, `  space: ${spec.space}`, ...specLines(spec)];
  const entries = Object.entries(metrics).map(([k, v]) => `  ${k}: ${v}`);
  const width = Math.max(0, ...entries.map((e) => e.length));
  for (const [i, [k]] of Object.entries(metrics).entries()) lines.push(notes[k] ? `${entries[i].padEnd(width)}  # ${notes[k]}` : entries[i]);
  return lines.join('\n') + '\n';
}
