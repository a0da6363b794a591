/** How the CLI prints what neighbours and search results say about a listed cell: cost and the file's value. */
import type { FilePredictionInfo, FileValue } from '../protocol';
import { formatCount } from '../core/export/cost';
import { SPACES } from '../core/spaces';

/** ", params 1.23 M, FLOPs 185.6 M" when the cell's network has a cost. */
export function costText(c: { params?: number; flops?: number }): string {
  return c.params !== undefined && c.flops !== undefined ? `, params ${formatCount(c.params)}, FLOPs ${formatCount(c.flops)}` : '';
}

/** ", predicted accuracy 91.20 ± 0.80 (from the file)" / ", measured accuracy 90.1 in the file (c3)". */
export function fileValueText(v: FileValue | undefined): string {
  if (!v) return '';
  return v.source === 'predicted'
    ? `, predicted ${v.metric} ${v.value.toFixed(2)} ± ${(v.std ?? 0).toFixed(2)} (from the file's measured cells)`
    : `, measured ${v.metric} ${v.value.toFixed(2)} in the file (${(v.cells ?? []).join(', ')})`;
}

/** One comment line on the file's predictor: what it was fitted on and how it checks, or why there is none. */
export function predictionLine(p: FilePredictionInfo | undefined): string | undefined {
  if (!p) return undefined;
  if (p.skipped) return `# predictions: none (${p.skipped})`;
  const loo = p.loo ? `; leave-one-out RMSE ${p.loo.rmse.toFixed(2)}, Pearson r ${p.loo.pearson.toFixed(2)}, Kendall τ ${p.loo.kendallTau.toFixed(2)}` : '';
  return `# predictions: ${p.predicted} cell${p.predicted === 1 ? '' : 's'} predicted (${p.metric}, Gaussian process on the file's ${p.measured} measured ${SPACES[p.space].title} cells${loo})`;
}
