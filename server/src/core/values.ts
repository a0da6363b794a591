import type { Segment, Token } from './ast';
import { diag, type CellDiagnostic } from './diagnostics';
import { rangeOf } from './text';

/** Splits a value into tokens at whitespace and at every character in `separators`. */
export function words(segments: Segment[], separators = ','): Token[] {
  const out: Token[] = [];
  for (const seg of segments) {
    let i = 0;
    const s = seg.text;
    while (i < s.length) {
      while (i < s.length && (isSpace(s[i]) || separators.includes(s[i]))) i++;
      const a = i;
      while (i < s.length && !isSpace(s[i]) && !separators.includes(s[i])) i++;
      if (i > a) out.push({ text: s.slice(a, i), range: rangeOf(seg.line, seg.start + a, seg.start + i) });
    }
  }
  return out;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0';
}

export interface MatrixSyntax {
  rows: Token[][];
  /** Whether the rows were written in bracket form (`[0, 1]`). */
  brackets: boolean;
}

/**
 * Reads a matrix written one row per line (`0 1 0` or `[0, 1, 0]`) or as nested brackets
 * (`[[0, 1], [0, 0]]`, possibly over several lines). Returns undefined with diagnostics when
 * the brackets do not balance.
 */
export function readMatrix(segments: Segment[], diags: CellDiagnostic[]): MatrixSyntax | undefined {
  const bracketed = segments.some((s) => s.text.includes('['));
  if (!bracketed) {
    const rows = segments.map((seg) => words([seg], ','));
    return { rows: rows.filter((r) => r.length > 0), brackets: false };
  }
  // Bracket form: a row is the innermost [...] group; nesting deeper than 2 is an error.
  const rows: Token[][] = [];
  let depth = 0;
  let maxDepth = 0;
  let current: Token[] | undefined;
  let ok = true;
  for (const seg of segments) {
    const s = seg.text;
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '[') {
        depth++;
        maxDepth = Math.max(maxDepth, depth);
        if (depth > 2) {
          diags.push(diag('matrix-syntax', 'error', rangeOf(seg.line, seg.start + i, seg.start + i + 1), 'Matrices nest at most two levels of brackets.'));
          return undefined;
        }
        if (current && current.length > 0) {
          diags.push(diag('matrix-syntax', 'error', rangeOf(seg.line, seg.start + i, seg.start + i + 1), "A '[' inside a row: close the row with ']' first."));
          return undefined;
        }
        current = [];
        i++;
      } else if (c === ']') {
        if (depth === 0) {
          diags.push(diag('matrix-syntax', 'error', rangeOf(seg.line, seg.start + i, seg.start + i + 1), "Unmatched ']'."));
          return undefined;
        }
        if (current) rows.push(current);
        current = undefined;
        depth--;
        i++;
      } else if (c === ',' || isSpace(c)) {
        i++;
      } else {
        const a = i;
        while (i < s.length && !isSpace(s[i]) && s[i] !== ',' && s[i] !== '[' && s[i] !== ']') i++;
        const tok = { text: s.slice(a, i), range: rangeOf(seg.line, seg.start + a, seg.start + i) };
        if (!current) {
          diags.push(diag('matrix-syntax', 'error', tok.range, `'${tok.text}' is outside any [row].`));
          ok = false;
        } else current.push(tok);
      }
    }
    // A line-per-row bracket form ("[0, 1]" on each line) closes each row on its own line.
  }
  if (depth !== 0) {
    const last = segments[segments.length - 1];
    diags.push(diag('matrix-syntax', 'error', rangeOf(last.line, last.start, last.start + last.text.length), `Missing ']' (${depth} left open).`));
    return undefined;
  }
  return ok ? { rows, brackets: maxDepth > 0 } : undefined;
}

/** Whole value as one token (all segments joined by a space), for single-valued keys. */
export function joined(segments: Segment[]): Token | undefined {
  if (segments.length === 0) return undefined;
  const first = segments[0];
  const last = segments[segments.length - 1];
  return {
    text: segments.map((s) => s.text).join(' '),
    range: { start: { line: first.line, character: first.start }, end: { line: last.line, character: last.start + last.text.length } },
  };
}

/** Strict decimal number: rejects hex, empty strings, Infinity and NaN that Number() would accept. */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$/.test(text)) return undefined;
  const v = Number(text.endsWith('%') ? text.slice(0, -1) : text);
  return Number.isFinite(v) ? v : undefined;
}
