import type { Range } from './text';

/** A piece of source text with its location. */
export interface Token {
  text: string;
  range: Range;
}

/** One line's worth of a property value: comment stripped, trimmed, with the column it starts at. */
export interface Segment {
  text: string;
  line: number;
  start: number;
}

export interface Property {
  key: Token;
  /** The inline value (possibly empty) first, then each continuation line. */
  segments: Segment[];
  /** From the key to the end of the last continuation line. */
  range: Range;
}

export interface CellNode {
  name: Token | undefined;
  /** The `cell NAME` line, without a trailing comment. */
  header: Range;
  properties: Property[];
  /** Header to the last property line. */
  range: Range;
  /** The file-level `space` line in effect for this cell, if any. */
  fileSpace: Token | undefined;
}

export interface SpaceDirective {
  name: Token | undefined;
  range: Range;
}

export type LineKind = 'blank' | 'comment' | 'directive' | 'header' | 'property' | 'continuation' | 'invalid';

export interface LineInfo {
  kind: LineKind;
  /** Column of `#`, or -1. */
  comment: number;
  /** Index of the cell the line belongs to, or -1. */
  cell: number;
}
