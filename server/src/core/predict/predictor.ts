/**
 * The product's accuracy predictor: from the measured cells of a `.cells` file, a Gaussian process
 * per search space (ARD Matérn-5/2 on the one-hot + structure features, hyper-parameters by marginal
 * likelihood; bench/predict.ts and docs/predictor.md have the measurements that chose it) predicts
 * every unmeasured valid cell of that space as mean ± std, with a leave-one-out check of the
 * measured cells. Pure TypeScript, no Node imports: the CLI and the language server both call it.
 */
import type { Analysis } from '../analyze';
import { specKey, type CellSpec } from '../cellSpec';
import { METRIC_KEYS, SPACES, type SpaceId } from '../spaces';
import { featureMatrix, type FeatureSet } from './features';
import { GaussianProcess, type GpOptions } from './gp';
import { kendallTau, pearson, rmse } from './metrics';
import { IDENTITY, LOGIT_PERCENT, type TargetTransform } from './transform';

/** Fewest distinct measured architectures a prediction is made from (LOO needs a few more than the GP). */
export const MIN_MEASURED = 5;
/**
 * Features per space, the best measured: on NAS-Bench-201 (bench/predict.ts, full table) and on 500 real
 * NAS-Bench-101 cells (docs/predictor.md) the structure features alone match one-hot + structure with
 * 250 labels and beat it with 30–100. DARTS (no table to measure on here): the fuller one-hot + structure.
 */
export const DEFAULT_FEATURES: Record<SpaceId, FeatureSet> = { nasbench201: 'structure', nasbench101: 'structure', darts: 'discrete' };

export interface MeasuredPoint {
  /** Names of the cells measuring this architecture (the value is their mean). */
  names: string[];
  /** 0-based line of the first such cell. */
  line: number;
  spec: CellSpec;
  value: number;
}

export interface UnmeasuredCell {
  name: string;
  line: number;
  spec: CellSpec;
}

export interface SpaceCells {
  space: SpaceId;
  measured: MeasuredPoint[];
  unmeasured: UnmeasuredCell[];
}

/** Valid cells of each space, split by whether they carry `metric`; duplicates of one architecture averaged. */
export function collectCells(a: Analysis, metric: string): SpaceCells[] {
  const bySpace = new Map<SpaceId, { measured: Map<string, MeasuredPoint & { sum: number }>; unmeasured: UnmeasuredCell[] }>();
  a.cells.forEach((c, i) => {
    if (!c.spec || c.diagnostics.some((d) => d.severity === 'error')) return;
    const space = c.spec.space;
    let g = bySpace.get(space);
    if (!g) bySpace.set(space, (g = { measured: new Map(), unmeasured: [] }));
    const name = c.name ?? `#${i + 1}`;
    const line = c.node.header.start.line;
    const v = c.metrics[metric];
    if (v === undefined) {
      g.unmeasured.push({ name, line, spec: c.spec });
      return;
    }
    const key = specKey(c.spec);
    const p = g.measured.get(key);
    if (p) {
      p.names.push(name);
      p.sum += v;
      p.value = p.sum / p.names.length;
    } else g.measured.set(key, { names: [name], line, spec: c.spec, value: v, sum: v });
  });
  return [...bySpace].map(([space, g]) => ({
    space, unmeasured: g.unmeasured,
    measured: [...g.measured.values()].map(({ sum: _s, ...p }) => p),
  }));
}

export interface LooCheck {
  rmse: number;
  pearson: number;
  kendallTau: number;
}

export interface Neighbour {
  name: string;
  value: number;
  /** Kernel correlation with the predicted cell (1 = same features), in the fitted metric. */
  similarity: number;
}

export interface Prediction {
  name: string;
  line: number;
  predicted: number;
  std: number;
  /** The measured cells the GP weighs most for this one (largest kernel correlation). */
  nearest: Neighbour[];
}

export class AccuracyPredictor {
  private constructor(
    readonly space: SpaceId,
    private readonly gp: GaussianProcess,
    private readonly features: FeatureSet,
    private readonly points: MeasuredPoint[],
    private readonly transform: TargetTransform,
  ) {}

  static fit(space: SpaceId, points: MeasuredPoint[], opts: { metric?: string; features?: FeatureSet; gp?: GpOptions } = {}): AccuracyPredictor {
    if (points.length < 2) throw new Error(`need at least 2 measured ${space} cells, got ${points.length}`);
    const features = opts.features ?? DEFAULT_FEATURES[space];
    const transform = METRIC_KEYS[opts.metric ?? 'accuracy']?.percent === true ? LOGIT_PERCENT : IDENTITY;
    const { x, d } = featureMatrix(points.map((p) => p.spec), features);
    const gp = GaussianProcess.fit(x, points.length, d, points.map((p) => transform.forward(p.value)), opts.gp);
    return new AccuracyPredictor(space, gp, features, points, transform);
  }

  get measured(): number {
    return this.points.length;
  }

  predict(cells: readonly UnmeasuredCell[], nearest = 3): Prediction[] {
    if (!cells.length) return [];
    const { x, d } = featureMatrix(cells.map((c) => c.spec), this.features);
    const p = this.gp.predict(x, cells.length, d);
    const near = nearest > 0 ? this.gp.correlations(x, cells.length, d) : undefined;
    return cells.map((c, i) => ({
      name: c.name, line: c.line, ...renameMean(this.transform.back(p.mean[i], p.std[i])),
      nearest: near ? topK(near.subarray(i * this.points.length, (i + 1) * this.points.length), nearest).map((j) => ({ name: this.points[j].names[0], value: this.points[j].value, similarity: near[i * this.points.length + j] })) : [],
    }));
  }

  /** Leave-one-out check of the measured cells (hyper-parameters fixed at the full fit). */
  leaveOneOut(): LooCheck & { predicted: Float64Array } {
    const y = this.points.map((p) => p.value);
    const loo = this.gp.leaveOneOut(y.map((v) => this.transform.forward(v)));
    const predicted = loo.mean.map((m, i) => this.transform.back(m, loo.std[i]).mean);
    return { rmse: rmse(predicted, y), pearson: pearson(predicted, y), kendallTau: kendallTau(predicted, y), predicted };
  }
}

function renameMean(r: { mean: number; std: number }): { predicted: number; std: number } {
  return { predicted: r.mean, std: r.std };
}

function topK(v: Float64Array, k: number): number[] {
  return Array.from(v.keys()).sort((a, b) => v[b] - v[a]).slice(0, k);
}

export interface SpacePrediction {
  space: SpaceId;
  measured: number;
  unmeasured: number;
  /** Present when there were enough measured cells. */
  loo?: LooCheck;
  predictions: Prediction[];
  /** Why there is no prediction for this space (too few measured cells). */
  skipped?: string;
  fitMs: number;
  /** Measured values and their LOO predictions (to pool the check over spaces). */
  looPairs?: { measured: number[]; predicted: number[] };
}

/** Cells that carry the metric but are not valid cells: left out of the fit, reported to the user. */
export function invalidMeasured(a: Analysis, metric: string): { name: string; line: number; reason: string }[] {
  return a.cells.flatMap((c, i) => {
    if (c.metrics[metric] === undefined) return [];
    const err = c.diagnostics.find((d) => d.severity === 'error');
    if (c.spec && !err) return [];
    return [{ name: c.name ?? `#${i + 1}`, line: c.node.header.start.line, reason: err ? `${err.code}: ${err.message}` : 'no architecture' }];
  });
}

/** LOO RMSE / Pearson / τ over several spaces' checks together. */
export function pooledLoo(spaces: readonly SpacePrediction[]): (LooCheck & { measured: number }) | undefined {
  const m = spaces.flatMap((s) => s.looPairs?.measured ?? []);
  const p = spaces.flatMap((s) => s.looPairs?.predicted ?? []);
  return m.length ? { rmse: rmse(p, m), pearson: pearson(p, m), kendallTau: kendallTau(p, m), measured: m.length } : undefined;
}

/** Predictions for every space of the analysed file that has unmeasured or measured valid cells. */
export function predictAnalysis(a: Analysis, opts: { metric?: string; minMeasured?: number; nearest?: number } = {}): SpacePrediction[] {
  const metric = opts.metric ?? 'accuracy';
  const min = Math.max(opts.minMeasured ?? MIN_MEASURED, 3);
  return collectCells(a, metric).map((g): SpacePrediction => {
    const base = { space: g.space, measured: g.measured.length, unmeasured: g.unmeasured.length, predictions: [], fitMs: 0 };
    if (g.measured.length < min) {
      return { ...base, skipped: `${SPACES[g.space].title}: ${g.measured.length} measured cell${g.measured.length === 1 ? '' : 's'} with \`${metric}:\`; predictions need at least ${min} (distinct architectures)` };
    }
    const t0 = performance.now();
    const p = AccuracyPredictor.fit(g.space, g.measured, { metric });
    const predictions = p.predict(g.unmeasured, opts.nearest ?? 3);
    const { predicted, ...loo } = p.leaveOneOut();
    return { ...base, loo, predictions, fitMs: performance.now() - t0, looPairs: { measured: g.measured.map((q) => q.value), predicted: Array.from(predicted) } };
  });
}
