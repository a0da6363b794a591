/**
 * View states for the webview tests and screenshots, built from the product's real data: the shipped
 * NAS-Bench-201 table and model embeddings, the shipped example cells, and real (cheap) searches
 * against the NAS-Bench-201 benchmark objective. Nothing here is made up except the tiling of the
 * large map, which repeats real coordinates to reach NAS-Bench-101's size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analyze';
import { encodeCell } from '../../server/src/core/cellSpec';
import { formatGenotype } from '../../server/src/core/spaces/darts';
import { formatArch, nb201Index, nb201OpsAt, nb201Table } from '../../server/src/core/spaces/nasbench201';
import type { CellSpec, EngineSearchResult, Neighbour, SearchStrategyName } from '../../server/src/protocol';
import { knn } from '../../server/src/engine/query/knn';
import { archOf, nb201Accuracies } from '../../server/src/engine/query/neighbours';
import { addFileValues, costFields } from '../../server/src/engine/query/listedCells';
import { costColumns } from '../../server/src/engine/query/mapLayers';
import { cellText as serverCellText } from '../../server/src/core/notation';
import { sharedJsonl } from './shared';
import { runSearch } from '../../server/src/engine/search/run';
import { readEmbeddings } from '../../server/src/engine/store/modelDir';
import { strategyName } from '../../webview/src/format';
import { float32ToBase64, type MapPoint, type MapState, type NeighboursState, type SearchSeries, type StrategySummary, type SuggestionsState } from '../../webview/src/messages';
import { searchLabels } from '../../client/src/commands/searchResults';
import { REPO } from './shared';

const NB201_MODEL = join(REPO, 'models', 'nasbench201');

let embeddings: { data: Float32Array; dim: number; count: number } | undefined;

/** The shipped NB201 model's 15,625 × 16 embedding table. */
export function nb201Embeddings() {
  if (!embeddings) {
    const t = readEmbeddings(NB201_MODEL);
    if (!t) throw new Error(`no embedding table in ${NB201_MODEL}`);
    embeddings = { data: t.data, dim: t.index.dim, count: t.index.count };
  }
  return embeddings;
}

const nb201Spec = (i: number): CellSpec => ({ space: 'nasbench201', ops: nb201OpsAt(i) });

/** The k nearest NB201 cells of table row `query` (itself first, at distance 0), as the engine ranks them. */
export function nb201NeighboursState(query: number, k = 8, mode: NeighboursState['mode'] = 'neighbours'): NeighboursState {
  const { data, dim } = nb201Embeddings();
  const hits = knn(data, dim, data.subarray(query * dim, (query + 1) * dim), k, { prefer: query });
  let neighbours: Neighbour[] = hits.map((h, r) => ({
    rank: r + 1, index: h.index, distance: h.distance, arch: formatArch(nb201OpsAt(h.index)), spec: nb201Spec(h.index), accuracies: nb201Accuracies(h.index), ...costFields(nb201Spec(h.index)),
  }));
  if (mode === 'similar') {
    neighbours = [...neighbours].sort((a, b) => b.accuracies!.cifar10_test_acc - a.accuracies!.cifar10_test_acc).map((n, r) => ({ ...n, rank: r + 1 }));
  }
  return {
    kind: 'neighbours', mode, space: 'nasbench201', model: NB201_MODEL, backend: 'cpu',
    query: { name: `nb201_${query}`, arch: formatArch(nb201OpsAt(query)), spec: nb201Spec(query), index: query, accuracies: nb201Accuracies(query), ...costFields(nb201Spec(query)) },
    neighbours,
  };
}

/**
 * NB101 neighbours (the shipped example cells, as exampleNeighboursState ranks them) with what the engine
 * adds: their networks' costs, and the accuracy predicted from a file of `measured` real NAS-Bench-101 cells
 * (../shared, validation accuracy) by the product's predictor, as engine/neighbours does with `predict`.
 */
export function nb101PredictedNeighboursState(measured = 40): NeighboursState {
  const s = exampleNeighboursState('nasbench101.cells', 'nasbench101');
  const rows = sharedJsonl<{ matrix: number[][]; ops: string[]; val_acc: number }>('nasbench101/nb101_naslib_zc_subset.jsonl');
  const text = ['space nasbench101', ...rows.slice(0, measured).map((r, i) => serverCellText(`m${i}`, { space: 'nasbench101', matrix: r.matrix, ops: r.ops }, { accuracy: r.val_acc }))].join('\n');
  const neighbours = s.neighbours.map((n) => ({ ...n, ...costFields(n.spec) }));
  const query = { ...s.query, ...costFields(s.query.spec) };
  const info = addFileValues('nasbench101', [query, ...neighbours], () => true, {}, text, 'nasbench101');
  return { ...s, query, neighbours, ...(info ? { prediction: info } : {}) };
}

/** A file-objective search's view: suggestions from the measured NB201 cells of a file, each with its cost and predicted accuracy. */
export async function filePredictedSuggestionsState(): Promise<SuggestionsState> {
  const y = nb201Table().columns.get('cifar10_test_acc')!;
  const text = ['space nasbench201', ...Array.from({ length: 14 }, (_, j) => { const i = 500 + j * 1013; return serverCellText(`m${i}`, nb201Spec(i), { accuracy: +y[i].toFixed(2) }); })].join('\n');
  const r = await runSearch({ space: 'nasbench201', objective: 'file', strategy: 'bo', text, file: 'measured.cells', k: 5, seeds: [1], predict: {} });
  return {
    kind: 'suggestions', title: 'arch2vec-BO · measured cells of measured.cells', space: 'nasbench201', objective: 'file', dataset: null, budget: null, maxEvals: null,
    series: [{ id: 'bo-1', strategy: 'bo', label: strategyName('bo'), points: [], status: 'done', best: r.runs[0].best }],
    suggestions: r.suggestions!, status: 'done', labels: searchLabels('file', null, null), failures: [], ...(r.prediction ? { prediction: r.prediction } : {}),
  };
}

/** The cells of a shipped example file, with their specs and header lines. */
export function exampleCells(file: string): { name: string; spec: CellSpec; line: number }[] {
  const a = analyze(readFileSync(join(REPO, 'examples', file), 'utf8'));
  return a.cells.flatMap((c) => (c.spec && c.name ? [{ name: c.name, spec: c.spec, line: c.node.header.start.line + 1 }] : []));
}

/**
 * NB101 / DARTS have no shipped model, so their neighbour lists are the shipped example cells ranked
 * by Euclidean distance between arch2vec's (adjacency, one-hot ops) encodings: real cells and a real
 * distance, enough to exercise the page's drawings and its `.cells` output for those spaces.
 */
export function exampleNeighboursState(file: string, space: 'nasbench101' | 'darts'): NeighboursState {
  const cells = exampleCells(file).filter((c) => c.spec.space === space);
  const vec = (s: CellSpec) => { const e = encodeCell(s); return [...e.adjacency.flat(), ...e.ops.flat()]; };
  const q = vec(cells[0].spec);
  const ranked = cells.map((c, i) => ({ c, i, d: Math.hypot(...vec(c.spec).map((v, j) => v - (q[j] ?? 0))) })).sort((a, b) => a.d - b.d || a.i - b.i);
  return {
    kind: 'neighbours', mode: 'neighbours', space, model: `(examples/${file})`, backend: 'encoding distance',
    query: { name: cells[0].name, arch: archOf(cells[0].spec), spec: cells[0].spec, index: null },
    neighbours: ranked.map(({ c, i, d }, r) => ({ rank: r + 1, index: i, distance: d, arch: c.spec.space === 'darts' ? formatGenotype(c.spec.normal) : archOf(c.spec), spec: c.spec })),
  };
}

/** Real benchmark searches (cheap strategies) as the suggestions page shows them: done, or cut at `runningAt` evaluations. */
export async function suggestionsState(opts: { strategies?: SearchStrategyName[]; seeds?: number[]; runningAt?: number } = {}): Promise<SuggestionsState> {
  const series: SearchSeries[] = [];
  const summaries: StrategySummary[] = [];
  let columns: { reward: string; val: string; test: string } | undefined;
  let budget: number | null = null;
  for (const strategy of opts.strategies ?? ['rs', 're']) {
    const r: EngineSearchResult = await runSearch({ space: 'nasbench201', objective: 'benchmark', strategy, dataset: 'cifar10', seeds: opts.seeds ?? [1], traces: true });
    budget = r.budget;
    for (const run of r.runs) {
      let trace = run.trace ?? [];
      if (opts.runningAt !== undefined) trace = trace.slice(0, opts.runningAt);
      series.push({
        id: `${strategy}-${run.seed}`, strategy, label: `${strategyName(strategy)} · seed ${run.seed}`,
        points: trace.map((p) => ({ budget: p.budget, best: p.bestReward, evaluations: p.evaluations })),
        status: opts.runningAt !== undefined ? 'running' : 'done', best: run.best,
        ...(opts.runningAt === undefined && run.top ? { top: run.top, failed: run.failed } : {}),
      });
    }
    if (opts.runningAt === undefined) summaries.push({ strategy, label: strategyName(strategy), seeds: r.summary.seeds, reward: r.summary.reward, val: r.summary.val, test: r.summary.test });
    columns = (r.objectiveInfo as { columns?: { reward: string; val: string; test: string } }).columns;
  }
  const seen = new Set<number>();
  const suggestions = series.flatMap((s) => (s.best ? [s.best] : [])).sort((a, b) => (b.reward ?? 0) - (a.reward ?? 0)).filter((c) => !seen.has(c.index) && seen.add(c.index));
  return {
    kind: 'suggestions', title: 'Search: NAS-Bench-201 · CIFAR-10', space: 'nasbench201', objective: 'benchmark', dataset: 'cifar10',
    budget, maxEvals: null, series, suggestions: opts.runningAt !== undefined ? [] : suggestions, status: opts.runningAt !== undefined ? 'running' : 'done',
    labels: searchLabels('benchmark', 'cifar10', budget, columns), failures: [], ...(opts.runningAt === undefined ? { summaries } : {}),
  };
}

/** Top-2 principal components of a row-major table (power iteration with deflation on the covariance). */
export function pca2(data: Float32Array, dim: number): { xy: Float32Array; explained: [number, number] } {
  const n = data.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += data[i * dim + j] / n;
  const cov = Array.from({ length: dim }, () => new Float64Array(dim));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dim; a++) {
      const da = data[i * dim + a] - mean[a];
      for (let b = a; b < dim; b++) cov[a][b] += (da * (data[i * dim + b] - mean[b])) / (n - 1);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a][b] = cov[b][a];
  const total = cov.reduce((s, row, a) => s + row[a], 0);
  const components: Float64Array[] = [];
  const values: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, j) => 1 + j);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) w[a] += cov[a][b] * v[b];
      lambda = Math.hypot(...w);
      v = w.map((x) => x / lambda);
    }
    components.push(v);
    values.push(lambda);
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a][b] -= lambda * v[a] * v[b];
  }
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (data[i * dim + j] - mean[j]) * components[c][j];
      xy[2 * i + c] = s;
    }
  }
  return { xy, explained: [values[0] / total, values[1] / total] };
}

/** The NB201 map: PCA of the model's embeddings, coloured by CIFAR-10 test accuracy, the example file's cells on top. */
export function nb201MapState(): MapState {
  const { data, dim, count } = nb201Embeddings();
  const { xy, explained } = pca2(data, dim);
  const acc = nb201Table().columns.get('cifar10_test_acc') as Float32Array;
  const highlights: MapPoint[] = exampleCells('nasbench201.cells').flatMap((c) => {
    if (c.spec.space !== 'nasbench201') return [];
    const i = nb201Index(c.spec.ops);
    return [{ name: c.name, x: xy[2 * i], y: xy[2 * i + 1], index: i, line: c.line }];
  });
  return {
    kind: 'map', space: 'nasbench201', model: NB201_MODEL, count, coords: float32ToBase64(xy), color: float32ToBase64(acc.slice(0, count)),
    colorLabel: 'CIFAR-10 test accuracy (%)', explained, projection: 'pca', highlights,
  };
}

/**
 * A map of NAS-Bench-101's size (423,624 points): the NB201 projection tiled with a small
 * deterministic jitter, every 7th colour unknown (NaN), to exercise drawing and hit-testing at scale.
 */
export function largeMapState(count = 423_624): MapState {
  const base = nb201MapState();
  const xy0 = new Float32Array(Buffer.from(base.coords, 'base64').buffer.slice(0));
  const c0 = new Float32Array(Buffer.from(base.color!, 'base64').buffer.slice(0));
  const n0 = base.count;
  const xy = new Float32Array(2 * count);
  const color = new Float32Array(count);
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < count; i++) {
    const j = i % n0;
    xy[2 * i] = xy0[2 * j] + rand() * 0.05;
    xy[2 * i + 1] = xy0[2 * j + 1] + rand() * 0.05;
    color[i] = i % 7 === 3 ? NaN : c0[j];
  }
  return { ...base, space: 'nasbench101', count, coords: float32ToBase64(xy), color: float32ToBase64(color), highlights: base.highlights.slice(0, 2) };
}

/** The pointInfo answer the host gives for an NB201 row. */
export function nb201PointInfo(requestId: number, index: number) {
  const spec = nb201Spec(index);
  return { type: 'pointInfo' as const, requestId, index, arch: formatArch(nb201OpsAt(index)), cell: `cell nb201_${index}\n  arch: ${formatArch((spec as { ops: string[] }).ops)}\n`, accuracies: nb201Accuracies(index) };
}

/** The NB201 map with the engine's structural colour layers (params and FLOPs of every cell's network, by the cost model). */
export async function nb201MapWithLayers(): Promise<MapState> {
  const base = nb201MapState();
  const c = await costColumns('webview-test:nasbench201', base.count, nb201Spec);
  return { ...base, colorLayers: [
    { key: 'params', label: 'Parameters (CIFAR-10 network)', values: float32ToBase64(c.params) },
    { key: 'flops', label: 'FLOPs (multiply-adds, CIFAR-10 network)', values: float32ToBase64(c.flops) },
  ] };
}

/**
 * A map of NAS-Bench-101's size with no table to colour by (as the engine sends NB101 and DARTS maps):
 * largeMapState's tiled points, and the tiled NB201 params / FLOPs as its structural layers.
 */
export async function largeUncolouredMapState(count = 423_624): Promise<MapState> {
  const { color: _c, colorLabel: _l, ...base } = largeMapState(count);
  const c = await costColumns('webview-test:nasbench201', 15_625, nb201Spec);
  const tile = (a: Float32Array) => float32ToBase64(Float32Array.from({ length: count }, (_, i) => a[i % a.length]));
  return { ...base, colorLayers: [
    { key: 'params', label: 'Parameters (CIFAR-10 network)', values: tile(c.params) },
    { key: 'flops', label: 'FLOPs (multiply-adds, CIFAR-10 network)', values: tile(c.flops) },
  ] };
}
