import type { CellNode, LineInfo, Property, Segment, SpaceDirective, Token } from './ast';
import { diag, type CellDiagnostic } from './diagnostics';
import { rangeOf, splitLines } from './text';

export interface ParsedDocument {
  lines: string[];
  lineInfo: LineInfo[];
  cells: CellNode[];
  directives: SpaceDirective[];
  /** Syntax-level problems; the rest of the file is still parsed. */
  diagnostics: CellDiagnostic[];
}

export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;
const PROPERTY_RE = /^([A-Za-z_][A-Za-z0-9_\-]*)[ \t]*:/;
const MATRIX_ROW_RE = /^[\[\]0-9,\s.\-+eE]+$/;

/** Spaces and tabs at the start of the line; a byte-order mark before them is not indentation. */
function indentOf(s: string): number {
  const from = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = from;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i - from;
}

/** Trims a slice of `line` and returns it with its column, or undefined when blank. */
function isWs(c: number): boolean {
  // ASCII whitespace, NBSP, BOM and the Unicode spaces JavaScript's \s matches.
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function segmentOf(line: string, lineNo: number, from: number, to: number): Segment | undefined {
  let a = from;
  let b = to;
  while (a < b && isWs(line.charCodeAt(a))) a++;
  while (b > a && isWs(line.charCodeAt(b - 1))) b--;
  return a < b ? { text: line.slice(a, b), line: lineNo, start: a } : undefined;
}

/**
 * Work bounds: no real cell-spec line comes near MAX_LINE_LENGTH (a DARTS genotype is ~300 chars, a
 * 7×7 matrix row 20), so a longer line is one located error and is not tokenised (a 10 MB matrix line
 * used to cost ~100 bytes of memory per byte); a document beyond MAX_DOCUMENT_LENGTH (≈ 200,000 cells)
 * is one error and is not analysed at all.
 */
export const MAX_LINE_LENGTH = 10_000;
export const MAX_DOCUMENT_LENGTH = 16 * 1024 * 1024;

/**
 * Parses `.cells` text. Line-oriented and indentation-based, so recovery is per line:
 * a malformed line yields a diagnostic and parsing resumes on the next one.
 */
export function parseDocument(text: string): ParsedDocument {
  if (text.length > MAX_DOCUMENT_LENGTH) {
    const firstLine = text.slice(0, Math.min(text.length, 200)).split(/\r?\n/)[0];
    return {
      lines: [firstLine], lineInfo: [{ kind: 'invalid', comment: -1, cell: -1 }], cells: [], directives: [],
      diagnostics: [diag('document-too-large', 'error', rangeOf(0, 0, firstLine.length),
        `The file has ${text.length.toLocaleString('en-US')} characters; files over ${MAX_DOCUMENT_LENGTH.toLocaleString('en-US')} are not analysed. Split it into several .cells files.`)],
    };
  }
  const lines = splitLines(text);
  const lineInfo: LineInfo[] = new Array(lines.length);
  const cells: CellNode[] = [];
  const directives: SpaceDirective[] = [];
  const diagnostics: CellDiagnostic[] = [];

  let cell: CellNode | undefined;
  let propIndent = -1;
  let prop: Property | undefined;
  /** The current property lost its indentation (recovery); indented `key:` lines are not its continuation. */
  let propUnindented = false;
  let fileSpace: Token | undefined;

  const endCell = () => {
    cell = undefined;
    prop = undefined;
    propIndent = -1;
  };

  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (line.length > MAX_LINE_LENGTH) {
      lineInfo[ln] = { kind: 'invalid', comment: -1, cell: cell ? cells.length - 1 : -1 };
      diagnostics.push(diag('line-too-long', 'error', rangeOf(ln, 0, line.length),
        `Line ${ln + 1} has ${line.length.toLocaleString('en-US')} characters; lines over ${MAX_LINE_LENGTH.toLocaleString('en-US')} are not read.`));
      continue;
    }
    const hash = line.indexOf('#');
    const end = hash >= 0 ? hash : line.length;
    const info: LineInfo = { kind: 'blank', comment: hash, cell: -1 };
    lineInfo[ln] = info;
    const body = segmentOf(line, ln, 0, end);
    if (!body) {
      info.kind = hash >= 0 ? 'comment' : 'blank';
      // Comments and blank lines inside a cell belong to it (folding, formatting).
      if (cell) info.cell = cells.length - 1;
      continue;
    }
    const indent = indentOf(line);

    const kw = /^[^\s:]*/.exec(body.text)![0];
    if (indent > 0 && kw === 'cell' && (body.text.length === 4 || isWs(body.text.charCodeAt(4)))) {
      // A `cell` typed under an indented block: it still starts a cell, so one diagnostic, not a cascade.
      diagnostics.push(diag('bad-indentation', 'error', rangeOf(ln, body.start, body.start + body.text.length),
        'A `cell` line starts at the beginning of the line: remove its indentation.', { fix: { kind: 'outdent' } }));
      startCell(ln, line, body, end, info);
      continue;
    }

    if (indent === 0) {
      if (kw === 'cell') {
        startCell(ln, line, body, end, info);
        continue;
      }
      if (kw === 'space') {
        endCell();
        info.kind = 'directive';
        const kwEnd = body.text.startsWith('space:') ? 6 : 5;
        const nameSeg = segmentOf(line, ln, body.start + kwEnd, end);
        const range = rangeOf(ln, 0, body.start + body.text.length);
        let name: Token | undefined;
        if (!nameSeg) {
          diagnostics.push(diag('space-directive', 'error', range, 'Name the search space: `space nasbench101`, `space nasbench201` or `space darts`.'));
        } else {
          const m = /^\S+/.exec(nameSeg.text)!;
          name = { text: m[0], range: rangeOf(ln, nameSeg.start, nameSeg.start + m[0].length) };
          const rest = segmentOf(line, ln, nameSeg.start + m[0].length, end);
          if (rest) {
            diagnostics.push(diag('syntax', 'error', rangeOf(ln, rest.start, rest.start + rest.text.length), `Unexpected '${rest.text}' after the space name.`));
          }
        }
        directives.push({ name, range });
        fileSpace = name;
        continue;
      }
      if (cell && PROPERTY_RE.test(body.text)) {
        // A property that lost its indentation: keep it in the cell so the rest still validates.
        diagnostics.push(diag('bad-indentation', 'error', rangeOf(ln, 0, body.start + body.text.length),
          'Properties of a cell must be indented under its `cell` line.'));
        addProperty(ln, line, body, end, cells.length - 1, info);
        propUnindented = true;
        continue;
      }
      info.kind = 'invalid';
      endCell();
      diagnostics.push(diag('syntax', 'error', rangeOf(ln, 0, body.start + body.text.length),
        `Expected \`cell NAME\` or \`space NAME\` at the start of a line, found '${clip(body.text)}'.`));
      continue;
    }

    // Indented line.
    if (!cell) {
      info.kind = 'invalid';
      diagnostics.push(diag('syntax', 'error', rangeOf(ln, body.start, body.start + body.text.length),
        'This indented line is not inside a cell. Start a cell with `cell NAME`.'));
      continue;
    }
    const cellIndex = cells.length - 1;
    if (prop && indent > propIndent && !(propUnindented && PROPERTY_RE.test(body.text))) {
      continuation(ln, body, cellIndex, info);
      continue;
    }
    if (PROPERTY_RE.test(body.text)) {
      if (propIndent < 0) propIndent = indent;
      else if (indent !== propIndent) {
        diagnostics.push(diag('bad-indentation', 'warning', rangeOf(ln, 0, indent),
          `Inconsistent indentation: other properties of this cell are indented by ${propIndent}.`));
      }
      addProperty(ln, line, body, end, cellIndex, info);
      continue;
    }
    if (prop && MATRIX_ROW_RE.test(body.text) && isEmptyOrMatrix(prop)) {
      diagnostics.push(diag('bad-indentation', 'warning', rangeOf(ln, 0, indent),
        `Indent continuation lines more than the \`${prop.key.text}:\` key.`));
      continuation(ln, body, cellIndex, info);
      continue;
    }
    info.kind = 'invalid';
    info.cell = cellIndex;
    diagnostics.push(diag('syntax', 'error', rangeOf(ln, body.start, body.start + body.text.length),
      `Expected \`key: value\`, found '${clip(body.text)}'.`));
  }

  return { lines, lineInfo, cells, directives, diagnostics };

  function startCell(ln: number, line: string, body: Segment, end: number, info: LineInfo) {
    endCell();
    info.kind = 'header';
    const afterKw = body.start + 4;
    const nameSeg = segmentOf(line, ln, afterKw, end);
    let name: Token | undefined;
    if (!nameSeg) {
      diagnostics.push(diag('missing-cell-name', 'error', rangeOf(ln, body.start, body.start + 4), 'A cell needs a name: `cell my_cell`.'));
    } else {
      const m = /^\S+/.exec(nameSeg.text)!;
      let nameText = m[0];
      if (nameText.endsWith(':') && nameText.length > 1) nameText = nameText.slice(0, -1);
      name = { text: nameText, range: rangeOf(ln, nameSeg.start, nameSeg.start + nameText.length) };
      if (!NAME_RE.test(nameText)) {
        diagnostics.push(diag('invalid-name', 'error', name.range,
          `Invalid cell name '${nameText}': use letters, digits, '_', '-' or '.', starting with a letter or '_'.`));
      }
      const rest = segmentOf(line, ln, nameSeg.start + m[0].length, end);
      if (rest) {
        diagnostics.push(diag('syntax', 'error', rangeOf(ln, rest.start, rest.start + rest.text.length),
          `Unexpected '${rest.text}' after the cell name. Properties go on the following indented lines.`));
      }
    }
    info.cell = cells.length;
    cell = { name, header: rangeOf(ln, 0, body.start + body.text.length), properties: [], range: rangeOf(ln, 0, body.start + body.text.length), fileSpace };
    cells.push(cell);
  }

  function addProperty(ln: number, line: string, body: Segment, end: number, cellIndex: number, info: LineInfo) {
    const m = PROPERTY_RE.exec(body.text)!;
    const key: Token = { text: m[1], range: rangeOf(ln, body.start, body.start + m[1].length) };
    const valueSeg = segmentOf(line, ln, body.start + m[0].length, end);
    propUnindented = false;
    prop = {
      key,
      segments: valueSeg ? [valueSeg] : [],
      range: rangeOf(ln, body.start, body.start + body.text.length),
    };
    info.kind = 'property';
    info.cell = cellIndex;
    cell!.properties.push(prop);
    cell!.range = { start: cell!.range.start, end: prop.range.end };
  }

  function continuation(ln: number, body: Segment, cellIndex: number, info: LineInfo) {
    prop!.segments.push(body);
    prop!.range = { start: prop!.range.start, end: { line: ln, character: body.start + body.text.length } };
    cell!.range = { start: cell!.range.start, end: prop!.range.end };
    info.kind = 'continuation';
    info.cell = cellIndex;
  }
}

function isEmptyOrMatrix(p: Property): boolean {
  return p.key.text === 'matrix' || p.segments.length === 0;
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}
