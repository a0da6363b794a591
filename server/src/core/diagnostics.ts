import type { Range } from './text';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * Stable diagnostic codes. Users filter on them and scripts parse them from the CLI's --json output:
 * never rename one, only add.
 */
export const DIAGNOSTIC_CODES = {
  'syntax': 'The line is not a `space` line, a `cell` header, a `key: value` line, a comment, or a continuation.',
  'line-too-long': 'The line is longer than any cell-spec line can be; it is skipped (bounds the work per line).',
  'document-too-large': 'The file is larger than a cell-spec file can sensibly be; it is not analysed (bounds the work per document).',
  'bad-indentation': 'Indentation is inconsistent with the rest of the cell.',
  'missing-cell-name': 'A `cell` header needs a name.',
  'invalid-name': 'Names are letters, digits, `_`, `-` and `.`, starting with a letter or `_`.',
  'duplicate-cell-name': 'Two cells in one file share a name.',
  'unknown-key': 'The key is not one this language knows.',
  'duplicate-key': 'A key is given twice in one cell; the first wins.',
  'missing-key': 'A key the cell\'s space needs is absent.',
  'conflicting-keys': 'Two ways of writing the same cell were mixed.',
  'key-not-in-space': 'The key belongs to a different search space.',
  'unknown-space': 'The search space name is not known.',
  'empty-cell': 'The cell has no properties.',
  'invalid-number': 'A metric value is not a number.',
  'metric-range': 'A metric value is outside its meaningful range.',
  'unknown-op': 'The operation is not valid in this search space.',
  'matrix-syntax': 'The matrix could not be read.',
  'matrix-not-square': 'The adjacency matrix must be square.',
  'matrix-ragged': 'The matrix rows have different lengths.',
  'matrix-entry': 'Matrix entries must be 0 or 1.',
  'matrix-not-upper-triangular': 'Edges go from a lower to a higher vertex: the diagonal and lower triangle must be 0.',
  'ops-matrix-mismatch': 'The number of ops differs from the number of matrix rows.',
  'too-many-vertices': 'The cell has more vertices than the space allows.',
  'too-many-edges': 'The cell has more edges than the space allows (counted after pruning).',
  'too-few-vertices': 'A cell needs at least an input and an output.',
  'input-placement': '`input` must be the first op and appear only there.',
  'output-placement': '`output` must be the last op and appear only there.',
  'disconnected': 'No path carries data from the input to the output.',
  'extraneous-vertex': 'The vertex is not on any input-to-output path and will be pruned.',
  'isomorphic-cell': 'The cell is the same architecture as another cell in the file.',
  'fixed-topology': 'NAS-Bench-201 cells have one fixed 8-node topology.',
  'arch-syntax': 'The NAS-Bench-201 arch string could not be read.',
  'arch-source': 'An edge in the arch string comes from a node that does not exist at that point.',
  'genotype-syntax': 'The DARTS genotype could not be read.',
  'genotype-length': 'A DARTS genotype has exactly 8 (op, input) pairs.',
  'genotype-input': 'A DARTS edge input must be an earlier node (0, 1 or an earlier intermediate node).',
  'genotype-duplicate-input': 'Both edges of an intermediate node come from the same input.',
  'genotype-none': '`none` removes an edge; DARTS never derives it.',
  'reduce-implicit': 'Without `reduce:` the reduction cell equals the normal cell, as arch2vec assumes.',
  'space-directive': 'A file-level `space` line is misplaced or malformed.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface RelatedInfo {
  range: Range;
  message: string;
}

/** Data attached for quick fixes; typed so the code-action provider does not guess. */
export type FixData =
  | { kind: 'replace'; replacement: string }
  | { kind: 'prune' }
  /** Remove the line's indentation (a `cell` header typed under an indented block). */
  | { kind: 'outdent' }
  | { kind: 'rename-cell'; suggestion: string };

export interface CellDiagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInfo[];
  fix?: FixData;
}

export function diag(
  code: DiagnosticCode,
  severity: Severity,
  range: Range,
  message: string,
  extra: Partial<Pick<CellDiagnostic, 'related' | 'fix'>> = {},
): CellDiagnostic {
  return { code, severity, range, message, ...extra };
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function compareDiagnostics(a: CellDiagnostic, b: CellDiagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    ORDER[a.severity] - ORDER[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
