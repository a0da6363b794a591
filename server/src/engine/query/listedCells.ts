/**
 * What the neighbours and search results say about each cell they list, beside its embedding distance
 * or reward: the cost of its benchmark network (issue 13's cost model, the numbers `arch2vec info`
 * prints) and, where there is no benchmark value, what the request's `.cells` file predicts or measures
 * for it (issue 14's predictor with the editor's settings). One place, so the engine, the CLI's --json
 * and the views agree.
 */
import type { CellCostFields, CellSpec, EngineNeighboursParams, EngineNeighboursResult, FilePredictionInfo, FilePredictParams, FileValue, SpaceId } from '../../protocol';
import { DEFAULT_PREDICT_SETTINGS } from '../../protocol';
import { analyze } from '../../core/analyze';
import { specKey } from '../../core/cellSpec';
import { cellCost } from '../../core/export/cost';
import { isExportDataset, SPACE_DATASETS, type ExportDataset } from '../../core/export/network';
import { AccuracyPredictor, collectCells } from '../../core/predict/predictor';
import { METRIC_KEYS, SPACES } from '../../core/spaces';
import { stripBom } from '../../core/text';
import { checkSpace, EngineError } from '../errors';

/** Parameters and FLOPs of the cell's benchmark network on `dataset` (default CIFAR-10); empty when it has none. */
export function costFields(spec: CellSpec, dataset: string = 'cifar10'): CellCostFields {
  const d: ExportDataset = isExportDataset(dataset) && SPACE_DATASETS[spec.space].includes(dataset) ? dataset : 'cifar10';
  try {
    const c = cellCost(spec, { dataset: d });
    return { params: c.params, flops: c.flops, costDataset: d };
  } catch {
    // A cell without a network (an NB101 cell with no input→output path) has no cost: say nothing.
    return {};
  }
}

/**
 * Most measured cells a view's predictor is fitted on. The fit is O(n³) per optimiser step on the engine's
 * thread (≈ 5 s CPU at 250 cells, ≈ 40 s at 500): beyond this it would stall the engine past the client's
 * liveness check, so the views say so and point to `arch2vec predict`, which has no such limit.
 */
export const VIEW_MAX_MEASURED = 400;

/** Lowest threshold the predictor accepts (predictAnalysis clamps the same way). */
const MIN_THRESHOLD = 3;

/** The checked predict settings of a request. */
function predictSettings(p: FilePredictParams): { metric: string; minMeasured: number } {
  const metric = p.metric ?? DEFAULT_PREDICT_SETTINGS.metric;
  if (!METRIC_KEYS[metric]) throw new EngineError('badInput', `predict.metric: '${metric}' is not a metric key (have: ${Object.keys(METRIC_KEYS).join(', ')})`);
  const min = p.minMeasured ?? DEFAULT_PREDICT_SETTINGS.minMeasured;
  if (!(Number.isInteger(min) && min >= 1)) throw new EngineError('badInput', `predict.minMeasured must be a positive integer, got ${JSON.stringify(min)}`);
  return { metric, minMeasured: Math.max(min, MIN_THRESHOLD) };
}

/**
 * Gives `fileValue` to the listed cells of `space` that `needsValue` says lack a benchmark value: the
 * file's own measurement of the same architecture, else the prediction of a Gaussian process fitted on
 * the file's measured cells of that space once there are at least minMeasured of them. The fit happens
 * only when some cell needs it. `cells` are changed in place; the answer says what was done (undefined:
 * every listed cell has a benchmark value, so the file was not even read).
 */
export function addFileValues<T extends { spec: CellSpec; fileValue?: FileValue }>(
  space: SpaceId, cells: readonly T[], needsValue: (c: T) => boolean, p: FilePredictParams, fallbackText: string | undefined, fallbackSpace: string | undefined,
): FilePredictionInfo | undefined {
  const { metric, minMeasured } = predictSettings(p);
  const text = p.text ?? fallbackText;
  if (text === undefined) throw new EngineError('badInput', 'predict needs the .cells text whose measured cells train the predictor');
  const defaultSpace = checkSpace(p.defaultSpace ?? fallbackSpace ?? 'nasbench101', 'default space');
  const wanting = cells.filter((c) => c.spec.space === space && needsValue(c));
  if (!wanting.length) return undefined;
  const group = collectCells(analyze(stripBom(text), { defaultSpace }), metric).find((g) => g.space === space);
  const measured = group?.measured ?? [];
  const info: FilePredictionInfo = { metric, space, measured: measured.length, minMeasured, predicted: 0 };
  // The file's own measurement of an architecture beats any prediction of it.
  const byKey = new Map(measured.map((m) => [specKey(m.spec), m]));
  const toPredict: T[] = [];
  for (const c of wanting) {
    const m = byKey.get(specKey(c.spec));
    if (m) c.fileValue = { metric, source: 'measured', value: m.value, cells: m.names };
    else toPredict.push(c);
  }
  if (measured.length < minMeasured) {
    return { ...info, skipped: `${SPACES[space].title}: the file has ${measured.length} measured cell${measured.length === 1 ? '' : 's'} with \`${metric}:\`; predictions need at least ${minMeasured} (distinct architectures)` };
  }
  if (!toPredict.length) return info;
  if (measured.length > VIEW_MAX_MEASURED) {
    return { ...info, skipped: `${SPACES[space].title}: the file has ${measured.length} measured cells; the views fit predictors on at most ${VIEW_MAX_MEASURED} (\`arch2vec predict FILE\` predicts from all of them)` };
  }
  const predictor = AccuracyPredictor.fit(space, measured, { metric });
  const predictions = predictor.predict(toPredict.map((c, i) => ({ name: String(i), line: 0, spec: c.spec })), 0);
  toPredict.forEach((c, i) => (c.fileValue = { metric, source: 'predicted', value: round4(predictions[i].predicted), std: round4(predictions[i].std) }));
  const { predicted: _p, ...loo } = predictor.leaveOneOut();
  return { ...info, predicted: toPredict.length, loo: { rmse: round4(loo.rmse), pearson: round4(loo.pearson), kendallTau: round4(loo.kendallTau) } };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * engine/neighbours' additions: the query's cost and, with `p.predict`, file values for the query and the
 * neighbours that have no benchmark accuracies.
 */
export function annotateNeighbours(r: EngineNeighboursResult, spec: CellSpec, p: EngineNeighboursParams): EngineNeighboursResult {
  Object.assign(r.query, costFields(spec));
  if (!p.predict) return r;
  const self = r.query.index !== null ? r.neighbours.find((n) => n.index === r.query.index && n.distance === 0) : undefined;
  const query: { spec: CellSpec; accuracies?: Record<string, number>; fileValue?: FileValue } = { spec, ...(self?.accuracies ? { accuracies: self.accuracies } : {}) };
  const info = addFileValues(r.space, [query, ...r.neighbours], (c) => !hasValues(c.accuracies), p.predict, p.text, p.defaultSpace);
  if (info) r.prediction = info;
  if (query.fileValue) r.query.fileValue = query.fileValue;
  return r;
}

const hasValues = (acc: Record<string, number> | undefined) => !!acc && Object.values(acc).some((v) => Number.isFinite(v));
