import type { CellNode, Property, Token } from '../ast';
import { diag, type CellDiagnostic, type DiagnosticCode, type Severity } from '../diagnostics';
import type { SpaceId } from '../../protocol/values';
import { spaceOfOp, suggestName } from '../suggest';
import type { Range } from '../text';

/** Diagnostics per cell are capped so a 10,000-column row cannot flood the editor. */
export const MAX_DIAGNOSTICS_PER_CELL = 100;

/** What a space checker sees: the cell, its properties by key (first occurrence), and a sink. */
export class CellContext {
  readonly props = new Map<string, Property>();
  readonly diagnostics: CellDiagnostic[] = [];
  private capped = false;

  /** `spaces`: the registry (passed in: the space modules' checkers use this class). */
  constructor(readonly cell: CellNode, readonly space: SpaceId, private readonly spaces: Readonly<Record<SpaceId, { id: SpaceId; title: string; ops: readonly string[] }>>) {
    for (const p of cell.properties) if (!this.props.has(p.key.text)) this.props.set(p.key.text, p);
  }

  report(code: DiagnosticCode, severity: Severity, range: Range, message: string, extra: Partial<CellDiagnostic> = {}) {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS_PER_CELL) {
      if (!this.capped) {
        this.capped = true;
        this.diagnostics.push(diag(code, severity, range, `${message} (further problems in this cell are not listed)`));
      }
      return;
    }
    this.diagnostics.push({ ...diag(code, severity, range, message), ...extra });
  }

  /** Where to point when something is missing from the cell as a whole. */
  get anchor(): Range {
    return this.cell.name?.range ?? this.cell.header;
  }

  valueRange(p: Property): Range {
    if (p.segments.length === 0) return p.key.range;
    const first = p.segments[0];
    const last = p.segments[p.segments.length - 1];
    return { start: { line: first.line, character: first.start }, end: { line: last.line, character: last.start + last.text.length } };
  }

  missing(_key: string, message: string) {
    this.report('missing-key', 'error', this.anchor, message);
  }

  /** An op that is not in `valid`: says what it probably meant and which space it belongs to. */
  unknownOp(tok: Token, valid: readonly string[]) {
    const title = this.spaces[this.space].title;
    const suggestion = suggestName(tok.text, valid, this.space);
    const others = Object.fromEntries(Object.values(this.spaces).filter((s) => s.id !== this.space).map((s) => [s.title, s.ops]));
    const elsewhere = spaceOfOp(tok.text, others);
    let message = `Unknown ${title} op '${tok.text}'.`;
    if (elsewhere) message = `'${tok.text}' is a ${elsewhere} op, not a ${title} op.`;
    if (suggestion) message += ` Did you mean '${suggestion}'?`;
    else message += ` Valid ops: ${valid.join(', ')}.`;
    this.report('unknown-op', 'error', tok.range, message, suggestion ? { fix: { kind: 'replace', replacement: suggestion } } : {});
  }
}
