/**
 * The messages between the extension host (client/src/webviews) and the three webview pages, typed
 * once. Pure: no DOM and no `vscode` import, so the client, the pages and the tests share it.
 * Everything that crosses the boundary is checked with the parse* functions below: a page never
 * trusts the host's shape blindly and the host never acts on a malformed request from a page.
 */
import type { CellSpec, FilePredictionInfo, FileValue, MapColorLayer, MapTable, MapTableCell, MeanStd, Neighbour, SearchFoundCell, SearchStrategyName, SpaceId } from '../../server/src/protocol';

export type { MapTable, MapTableCell };

export type ViewKind = 'neighbours' | 'suggestions' | 'map';
export const VIEW_KINDS: readonly ViewKind[] = ['neighbours', 'suggestions', 'map'];

/** Panel (webview) type ids, also the ids registered with registerWebviewPanelSerializer. */
export const PANEL_TYPES: Record<ViewKind, string> = {
  neighbours: 'arch2vec.neighbours',
  suggestions: 'arch2vec.suggestions',
  map: 'arch2vec.latentMap',
};

// ------------------------------------------------------------------------------------------------
// View states: what a page renders. The host sends a whole state; the page stores it with
// vscode.setState so a reload (or the panel serializer after a window reload) restores it.
// ------------------------------------------------------------------------------------------------

export interface NeighboursQuery {
  name: string;
  arch: string;
  spec: CellSpec;
  /** Row of the query in the model's table (then its accuracies are known), or null. */
  index: number | null;
  accuracies?: Record<string, number>;
  /** Cost of the query's benchmark network (CIFAR-10). */
  params?: number;
  flops?: number;
  /** The source file's predicted (or measured) value of the query, when it has no benchmark value. */
  fileValue?: FileValue;
}

export interface NeighboursState {
  kind: 'neighbours';
  /** 'neighbours': the k nearest; 'similar': nearby cells ranked by benchmark accuracy (suggest similar). */
  mode: 'neighbours' | 'similar';
  space: SpaceId;
  /** Model directory and the backend that embedded the query. */
  model: string;
  backend: string;
  query: NeighboursQuery;
  neighbours: Neighbour[];
  /** The `.cells` document the query came from (insert goes there). */
  sourceUri?: string;
  /** similar: the table column the cards are sorted by (best first). */
  sortColumn?: string;
  /** Neighbours (by table row) the document already has, with the cell's name there. */
  inFile?: Record<number, string>;
  /** The predictor behind the neighbours' predicted values (engine/neighbours with `predict`). */
  prediction?: FilePredictionInfo;
}

/** One series of the live plot: a strategy (and seed) being compared. */
export interface SearchSeries {
  id: string;
  strategy: SearchStrategyName;
  label: string;
  /** Best-so-far reward (percent) after each evaluation, against cumulative budget. */
  points: { budget: number; best: number | null; evaluations: number }[];
  status: 'queued' | 'running' | 'done' | 'cancelled' | 'failed';
  /** Best-by-reward cell found so far. */
  best: SearchFoundCell | null;
  error?: string;
  /** This seed's best distinct cells, best first (the view's top-k per strategy). */
  top?: SearchFoundCell[];
  /** Evaluations that failed, and that were taken from an earlier run's results log. */
  failed?: number;
  reused?: number;
}

/** Evaluations that failed for one reason (the evaluator's own words), in the order first seen. */
export interface SearchFailure {
  reason: string;
  count: number;
  /** Up to a few NB201 indices that failed this way. */
  indices: number[];
}

/** Mean ± std over seeds of the best-by-reward cell of one strategy (as the engine summarises). */
export interface StrategySummary {
  strategy: SearchStrategyName;
  label: string;
  seeds: number;
  reward: MeanStd;
  val: MeanStd;
  test: MeanStd;
}

/** What each number of the view is, in words: the reward the search maximised vs the reported accuracies. */
export interface SearchLabels {
  reward: string;
  val: string;
  test: string;
  /** The plot's x-axis, in the objective's units. */
  x: string;
}

export interface SuggestionsState {
  kind: 'suggestions';
  title: string;
  space: SpaceId;
  objective: 'benchmark' | 'command' | 'file';
  dataset: string | null;
  /** The x-axis: budget in (simulated) seconds, or null to plot against evaluations. */
  budget: number | null;
  maxEvals: number | null;
  series: SearchSeries[];
  /** The suggested cells, best first (file objective: the k most promising; otherwise each series' best). */
  suggestions: SearchFoundCell[];
  status: 'running' | 'done' | 'cancelled' | 'failed';
  message?: string;
  sourceUri?: string;
  labels?: SearchLabels;
  failures?: SearchFailure[];
  summaries?: StrategySummary[];
  /** command objective: evaluations answered from an earlier run's results log (and which log). */
  reused?: { count: number; of: number; log: string | null };
  /** Cells of the source document by NB201 index (insert offers to go to them instead). */
  inFile?: Record<number, string>;
  /** file objective: the predictor behind the suggestions' predicted values. */
  prediction?: FilePredictionInfo;
}

export interface MapPoint {
  name: string;
  x: number;
  y: number;
  /** Row in the table when the cell is in the model's dataset. */
  index: number | null;
  line?: number;
}

export interface MapState {
  kind: 'map';
  space: SpaceId;
  model: string;
  /** Number of points; coordinates are interleaved x,y float32, base64 (2·count values). */
  count: number;
  coords: string;
  /** Optional per-point value for the colour scale (float32 base64, NaN = unknown) and what it is. */
  color?: string;
  colorLabel?: string;
  /** Structural colourings every space has (parameters, FLOPs), offered beside `color` by the map's Colour control. */
  colorLayers?: MapColorLayer[];
  /** The user's table (arch2vec.search.benchmarkTable) when it is of this space: a colouring, and its cells outside the model's table as points ≥ poolCount. */
  table?: MapTable;
  /** Page-owned: the colouring the user picked ('usertable' = `table`, 'table' = `color`, else a layer's key); absent: the first of those. */
  colorKey?: string;
  /** Fraction of variance explained by each axis. */
  explained: [number, number];
  projection: 'pca';
  /** The file's cells, projected the same way. */
  highlights: MapPoint[];
  sourceUri?: string;
  /** Page-owned: the user's pan/zoom, saved with the state so a reload keeps it (absent: fit all). */
  viewport?: { cx: number; cy: number; scale: number };
}

export type ViewState = NeighboursState | SuggestionsState | MapState;

// ------------------------------------------------------------------------------------------------
// Host → page
// ------------------------------------------------------------------------------------------------

export type HostMessage =
  | { type: 'state'; state: ViewState }
  /** Map only: details of a hovered / clicked point the page asked for. */
  | { type: 'pointInfo'; requestId: number; index: number; arch: string; cell: string; accuracies?: Record<string, number> }
  | { type: 'error'; message: string };

// ------------------------------------------------------------------------------------------------
// Page → host
// ------------------------------------------------------------------------------------------------

export type PageMessage =
  /** The page script ran and listens; the host answers with the current state. */
  | { type: 'ready'; view: ViewKind }
  /** Insert a cell (`.cells` text, one cell) into the source document. */
  | { type: 'insertCell'; cell: string; name: string; spec?: CellSpec }
  /** Show the neighbours of a table row or of a spec. */
  | { type: 'showNeighbours'; index?: number; spec?: CellSpec; name?: string }
  /** Map: ask for a point's details (answered with pointInfo). */
  | { type: 'pointInfo'; requestId: number; index: number }
  /** Suggestions: stop the running search. */
  | { type: 'cancelSearch' }
  /** Suggestions: save the results (every seed's cells, failures, summaries) as CSV or JSON. */
  | { type: 'exportResults'; format: 'csv' | 'json' }
  /** Suggestions: run the same search again without reusing the results log. */
  | { type: 'rerunSearch' }
  /** Reveal a cell of the source document (by its 1-based header line). */
  | { type: 'revealLine'; line: number }
  /** Page-side errors and CSP violations, for the extension's log. */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

// ------------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------------

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 100_000): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isSpec(v: unknown): v is CellSpec {
  if (!isObj(v)) return false;
  const strArr = (a: unknown, max: number) => Array.isArray(a) && a.length <= max && a.every((s) => isStr(s, 64));
  switch (v.space) {
    case 'nasbench201':
      return strArr(v.ops, 6);
    case 'nasbench101':
      return strArr(v.ops, 64) && Array.isArray(v.matrix) && v.matrix.length <= 64
        && v.matrix.every((r) => Array.isArray(r) && r.length <= 64 && r.every((x) => x === 0 || x === 1));
    case 'darts': {
      const geno = (g: unknown) => Array.isArray(g) && g.length <= 32
        && g.every((p) => Array.isArray(p) && p.length === 2 && isStr(p[0], 64) && isInt(p[1]));
      return geno(v.normal) && geno(v.reduce) && typeof v.reduceGiven === 'boolean';
    }
    default:
      return false;
  }
}

/** A page's message, or undefined (with the reason) when it is malformed. The host ignores those. */
export function parsePageMessage(v: unknown): { message: PageMessage } | { error: string } {
  if (!isObj(v) || !isStr(v.type, 32)) return { error: 'not a message object with a type' };
  switch (v.type) {
    case 'ready':
      return VIEW_KINDS.includes(v.view as ViewKind) ? { message: { type: 'ready', view: v.view as ViewKind } } : { error: `ready: unknown view ${String(v.view)}` };
    case 'insertCell':
      if (!isStr(v.cell, 20_000) || v.cell.trim() === '') return { error: 'insertCell: cell must be non-empty text' };
      if (!isStr(v.name, 200)) return { error: 'insertCell: name must be text' };
      if (v.spec !== undefined && !isSpec(v.spec)) return { error: 'insertCell: spec is not a cell spec' };
      return { message: { type: 'insertCell', cell: v.cell, name: v.name, ...(v.spec !== undefined ? { spec: v.spec as CellSpec } : {}) } };
    case 'showNeighbours': {
      const hasIndex = v.index !== undefined;
      const hasSpec = v.spec !== undefined;
      if (hasIndex === hasSpec) return { error: 'showNeighbours: give exactly one of index and spec' };
      if (hasIndex && !isInt(v.index)) return { error: 'showNeighbours: index must be a non-negative integer' };
      if (hasSpec && !isSpec(v.spec)) return { error: 'showNeighbours: spec is not a cell spec' };
      if (v.name !== undefined && !isStr(v.name, 200)) return { error: 'showNeighbours: name must be text' };
      return { message: { type: 'showNeighbours', ...(hasIndex ? { index: v.index as number } : { spec: v.spec as CellSpec }), ...(v.name !== undefined ? { name: v.name as string } : {}) } };
    }
    case 'pointInfo':
      if (!isInt(v.requestId) || !isInt(v.index)) return { error: 'pointInfo: requestId and index must be non-negative integers' };
      return { message: { type: 'pointInfo', requestId: v.requestId, index: v.index } };
    case 'cancelSearch':
      return { message: { type: 'cancelSearch' } };
    case 'rerunSearch':
      return { message: { type: 'rerunSearch' } };
    case 'exportResults':
      if (v.format !== 'csv' && v.format !== 'json') return { error: 'exportResults: format must be csv or json' };
      return { message: { type: 'exportResults', format: v.format } };
    case 'revealLine':
      if (!isInt(v.line) || v.line < 1) return { error: 'revealLine: line must be a positive integer' };
      return { message: { type: 'revealLine', line: v.line } };
    case 'log':
      if (!['info', 'warn', 'error'].includes(v.level as string) || !isStr(v.message, 10_000)) return { error: 'log: bad level or message' };
      return { message: { type: 'log', level: v.level as 'info' | 'warn' | 'error', message: v.message } };
    default:
      return { error: `unknown message type ${JSON.stringify(v.type)}` };
  }
}

function isMapTable(t: unknown, count: number): boolean {
  return isObj(t) && isStr(t.file, 4096) && isStr(t.label, 300) && isStr(t.values, 64_000_000) && isInt(t.poolCount) && isInt(t.inPool) && Array.isArray(t.cells)
    && t.poolCount + t.cells.length === count
    && t.cells.every((c) => isObj(c) && isStr(c.name, 200) && isStr(c.arch, 2000) && isSpec(c.spec) && typeof c.reward === 'number' && typeof c.accuracy === 'number');
}

/** A host message as the page checks it before rendering. */
export function parseHostMessage(v: unknown): HostMessage | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'state': {
      const s = v.state;
      if (!isObj(s) || !VIEW_KINDS.includes(s.kind as ViewKind)) return undefined;
      if (s.kind === 'neighbours' && !(Array.isArray(s.neighbours) && isObj(s.query))) return undefined;
      if (s.kind === 'suggestions' && !(Array.isArray(s.series) && Array.isArray(s.suggestions))) return undefined;
      if (s.kind === 'map' && !(isInt(s.count) && isStr(s.coords, 64_000_000) && Array.isArray(s.highlights))) return undefined;
      if (s.kind === 'map' && s.colorLayers !== undefined && !(Array.isArray(s.colorLayers) && s.colorLayers.every((l) => isObj(l) && isStr(l.key, 32) && isStr(l.label, 200) && isStr(l.values, 64_000_000)))) return undefined;
      if (s.kind === 'map' && s.table !== undefined && !isMapTable(s.table, s.count as number)) return undefined;
      return { type: 'state', state: s as unknown as ViewState };
    }
    case 'pointInfo':
      return isInt(v.requestId) && isInt(v.index) && isStr(v.arch) && isStr(v.cell) ? (v as unknown as HostMessage) : undefined;
    case 'error':
      return isStr(v.message) ? { type: 'error', message: v.message } : undefined;
    default:
      return undefined;
  }
}

/** Float32 values ⇄ base64 (the map's large arrays travel this way: 4 bytes a value instead of ~10 in JSON). */
export function float32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // Node's Buffer where this runs in the extension host (fast); the page has none and falls back to btoa.
  const NodeBuffer = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(encoding: 'base64'): string } } }).Buffer;
  if (NodeBuffer) return NodeBuffer.from(bytes).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToFloat32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}
