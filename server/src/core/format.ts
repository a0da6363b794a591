import type { Property } from './ast';
import { parseDocument } from './parser';
import { detectEol, type Range } from './text';
import { readMatrix, words } from './values';

export interface TextEdit {
  range: Range;
  newText: string;
}

const KEY_INDENT = '  ';
const CONT_INDENT = '    ';

/**
 * Canonical layout: two-space properties, `key: value` with single spaces, matrices one row per line
 * with right-aligned columns, genotypes as `op i, op i`, at most one blank line, a blank line between
 * cells, a final newline. Lines the parser could not read are kept as they are (only trailing spaces
 * go), so formatting never loses text. Idempotent: format(format(x)) === format(x).
 */
export function formatText(original: string): string {
  // A byte-order mark is kept as it is, outside the formatted body.
  const bom = original.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const text = bom ? original.slice(1) : original;
  const doc = parseDocument(text);
  const eol = detectEol(text);
  const { lines, lineInfo } = doc;
  const badLines = new Set<number>();
  // Indentation problems are exactly what formatting repairs; other syntax errors keep their lines verbatim.
  for (const d of doc.diagnostics) if (d.code !== 'bad-indentation') for (let l = d.range.start.line; l <= d.range.end.line; l++) badLines.add(l);

  const directiveAt = new Map(doc.directives.map((d) => [d.range.start.line, d.name?.text ?? '']));
  const headerAt = new Map(doc.cells.map((c) => [c.header.start.line, c.name?.text ?? '']));
  const propAt = new Map<number, Property>();
  for (const c of doc.cells) for (const p of c.properties) propAt.set(p.key.range.start.line, p);

  const out: string[] = [];
  const emit = (s: string) => out.push(s.trimEnd());
  const lastIndented = () => out.length > 0 && /^\s+\S/.test(out[out.length - 1]);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const info = lineInfo[i];
    const comment = info.comment >= 0 ? line.slice(info.comment).trimEnd() : '';
    const withComment = (content: string) => attachComment(content, comment, info.comment);
    if (badLines.has(i) || info.kind === 'invalid') {
      // Inside a cell, an unreadable indented line moves to the property indent so it cannot turn
      // into a continuation of the (re-indented) property above it.
      emit(info.kind === 'invalid' && info.cell >= 0 && /^\s/.test(line) ? KEY_INDENT + line.trim() : line);
      continue;
    }
    switch (info.kind) {
      case 'blank':
        if (out.length > 0 && out[out.length - 1] !== '') out.push('');
        break;
      case 'comment': {
        const topLevel = !/^\s/.test(line);
        if (topLevel && lastIndented()) out.push('');
        emit(topLevel ? comment : KEY_INDENT + comment);
        break;
      }
      case 'directive': {
        emit(withComment(`space ${directiveAt.get(i)}`));
        break;
      }
      case 'header': {
        if (lastIndented()) out.push('');
        emit(withComment(`cell ${headerAt.get(i)}`));
        break;
      }
      case 'property': {
        const p = propAt.get(i)!;
        const last = p.range.end.line;
        const rendered = renderProperty(p, lines, lineInfo, badLines);
        if (rendered) {
          for (const l of rendered) emit(l);
          i = last;
        } else emit(KEY_INDENT + line.trim());
        break;
      }
      case 'continuation':
        emit(CONT_INDENT + line.trim());
        break;
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return bom + (out.length ? out.join(eol) + eol : '');
}

/** Keeps a trailing comment's column when it still fits (users align them); else two spaces. */
function attachComment(content: string, comment: string, oldColumn: number): string {
  if (!comment) return content;
  const col = oldColumn >= content.length + 1 ? oldColumn : content.length + 2;
  return content.padEnd(col) + comment;
}

function commentOf(lines: string[], info: { comment: number }[], l: number): { text: string; col: number } {
  const c = info[l].comment;
  return c >= 0 ? { text: lines[l].slice(c).trimEnd(), col: c } : { text: '', col: -1 };
}

/** The formatted lines of a property and its continuation lines, or undefined to keep them as written. */
function renderProperty(p: Property, lines: string[], info: { comment: number }[], bad: Set<number>): string[] | undefined {
  const first = p.key.range.start.line;
  const last = p.range.end.line;
  for (let l = first; l <= last; l++) if (bad.has(l)) return undefined;
  // Comment-only lines inside a multi-line value: keep the value as written.
  const valueLines = new Set(p.segments.map((s) => s.line));
  for (let l = first + 1; l <= last; l++) if (!valueLines.has(l)) return undefined;
  const key = p.key.text;
  const keyComment = commentOf(lines, info, first);
  const inline = p.segments.length > 0 && p.segments[0].line === first;
  const head = (value: string) => attachComment(`${KEY_INDENT}${key}:${value ? ' ' + value : ''}`, keyComment.text, keyComment.col);

  if (key === 'matrix') {
    const diags: never[] = [];
    const m = p.segments.length ? readMatrix(p.segments, diags) : undefined;
    // Only well-formed small 0/1-ish matrices are re-laid out; anything odd stays as written.
    if (!m || diags.length || m.rows.length === 0 || m.rows.some((r) => r.length === 0)) return undefined;
    if (m.rows.some((r) => r.some((t) => !/^\d{1,3}$/.test(t.text)))) return undefined;
    const width = m.rows.reduce((w, r) => r.reduce((x, t) => Math.max(x, t.text.length), w), 1);
    const rows = m.rows.map((r) => r.map((t) => t.text.padStart(width)).join(' '));
    // Row comments survive only when each row sat on its own line.
    const rowLines = m.rows.map((r) => r[0]?.range.start.line ?? -1);
    const oneRowPerLine = new Set(rowLines).size === rowLines.length && !rowLines.includes(first);
    // A comment on a line that is neither the key line nor its own row's line has nowhere to go.
    const rowLineSet = new Set(oneRowPerLine ? rowLines : []);
    if (p.segments.some((s) => s.line !== first && !rowLineSet.has(s.line) && info[s.line].comment >= 0)) return undefined;
    if (!oneRowPerLine && inline && m.rows.length > 0 && keyComment.text === '' && p.segments.some((s) => info[s.line].comment >= 0)) return undefined;
    return [head(''), ...rows.map((r, k) => {
      const c = oneRowPerLine ? commentOf(lines, info, rowLines[k]) : { text: '', col: -1 };
      return attachComment(CONT_INDENT + r, c.text, c.col);
    })];
  }
  const hasContComments = p.segments.some((s) => s.line !== first && info[s.line].comment >= 0);
  if (hasContComments) {
    // Keep the line structure so each comment stays with its text.
    return p.segments.map((s, k) => {
      const c = commentOf(lines, info, s.line);
      const text = normalizeValue(key, [s]);
      return k === 0 && inline ? head(text) : attachComment(CONT_INDENT + text, c.text, c.col);
    }).reduce<string[]>((acc, l, k) => (k === 0 && !inline ? [head(''), l] : [...acc, l]), []);
  }
  return [head(normalizeValue(key, p.segments))];
}

function normalizeValue(key: string, segs: Property['segments']): string {
  if (key === 'normal' || key === 'reduce') {
    const toks = words(segs, ",()[]'\"").map((t) => t.text);
    const pairs = toks.length % 2 === 0 && toks.every((t, k) => (k % 2 === 1) === /^\d+$/.test(t));
    if (pairs) {
      const out: string[] = [];
      for (let k = 0; k < toks.length; k += 2) out.push(`${toks[k]} ${toks[k + 1]}`);
      return out.join(', ');
    }
  }
  if (key === 'arch') return segs.map((s) => s.text.replace(/\s+/g, '')).join('');
  return words(segs, key === 'ops' ? ',' : '').map((t) => t.text).join(' ');
}

/** One edit replacing only the span that differs (keeps the cursor and undo history sane). */
export function formatEdits(text: string): TextEdit[] {
  const formatted = formatText(text);
  if (formatted === text) return [];
  let a = 0;
  const max = Math.min(text.length, formatted.length);
  while (a < max && text.charCodeAt(a) === formatted.charCodeAt(a)) a++;
  let b = 0;
  while (b < max - a && text.charCodeAt(text.length - 1 - b) === formatted.charCodeAt(formatted.length - 1 - b)) b++;
  // Never cut a CRLF pair in half: clients apply edits to whole line breaks.
  if (a > 0 && text.charCodeAt(a - 1) === 13 && text.charCodeAt(a) === 10) a--;
  if (b > 0 && text.charCodeAt(text.length - b - 1) === 13 && text.charCodeAt(text.length - b) === 10) b--;
  return [{ range: { start: positionAt(text, a), end: positionAt(text, text.length - b) }, newText: formatted.slice(a, formatted.length - b) }];
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        if (i + 1 >= offset) break;
        i++;
      }
      line++;
      lineStart = i + 1;
    } else if (c === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
