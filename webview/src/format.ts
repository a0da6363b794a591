/** Display formatting shared by the pages. Pure. */

const DATASETS: [RegExp, string][] = [
  [/^cifar10_valid_/, 'CIFAR-10'],
  [/^cifar10_/, 'CIFAR-10'],
  [/^cifar100_/, 'CIFAR-100'],
  [/^imagenet16_120_/, 'ImageNet16-120'],
];
const SPLITS: Record<string, string> = { valid: 'validation', test: 'test', train: 'training', 'ori-test': 'test' };

/**
 * A human label for a benchmark accuracy column, with the epochs it was trained for:
 * `cifar10_test_acc` → "CIFAR-10 test, 200 ep", `hp12_cifar10_valid_valid_acc` → "CIFAR-10 validation,
 * 12 ep". The test accuracy of the run on the train/valid split (`cifar10_valid_test_acc`) says so.
 * Unknown names fall back to their words.
 */
export function accuracyLabel(column: string): string {
  let rest = column.replace(/_acc$/, '');
  const hp12 = rest.startsWith('hp12_');
  if (hp12) rest = rest.slice(5);
  for (const [re, name] of DATASETS) {
    if (!re.test(rest)) continue;
    const split = rest.replace(re, '');
    const validRun = re.source.includes('valid') && split !== 'valid';
    const words = SPLITS[split] ?? split.replace(/_/g, ' ');
    return `${name} ${words}${validRun ? ' (train/valid split)' : ''}, ${hp12 ? 12 : 200} ep`;
  }
  return rest.replace(/_/g, ' ') + (hp12 ? ', 12 ep' : '');
}

/** The accuracies a card shows up front (the rest are in its details), in this order. */
export const PRIMARY_ACCURACIES = ['cifar10_test_acc', 'cifar100_test_acc', 'imagenet16_120_test_acc'];

/**
 * A model directory as users think of it; the path belongs in a tooltip. Shipped models live in
 * `models/<space>/`, trained ones in `models/<space>/<timestamp>-seed<N>/` (engine/query/paths.ts).
 */
export function modelLabel(dir: string, space: string): string {
  const short = ({ nasbench201: 'NB201', nasbench101: 'NB101', darts: 'DARTS' } as Record<string, string>)[space] ?? space;
  const last = dir.replace(/[\\/]+$/, '').split(/[\\/]/).at(-1) ?? '';
  if (last === space) return `shipped ${short} model`;
  if (/-seed\d+$/.test(last)) return `${short} model you trained (${last.replace(/-seed\d+$/, '')})`;
  return `${short} model in ${last}`;
}

export function splitAccuracies(acc: Record<string, number> | undefined): { primary: [string, number][]; other: [string, number][] } {
  const entries = Object.entries(acc ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  const primary = PRIMARY_ACCURACIES.flatMap((k) => entries.filter(([name]) => name === k));
  return { primary, other: entries.filter(([k]) => !PRIMARY_ACCURACIES.includes(k)) };
}

export const percent = (v: number | null | undefined, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(digits)}%` : '–');

const STRATEGY_NAMES: Record<string, string> = { bo: 'arch2vec-BO', rl: 'arch2vec-RL', re: 'Regularised evolution', rs: 'Random search' };
export const strategyName = (s: string) => STRATEGY_NAMES[s] ?? s;


/** "3.35 M" / "812.0 K": parameter and FLOP counts (the CLI's and the hover's format). */
export function compactCount(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

/** A file value as a card shows it: "91.20 ± 0.80%" (predicted) or "93.10%" (measured); percent metrics only get the sign. */
export function fileValueText(v: { metric: string; source: 'predicted' | 'measured'; value: number; std?: number }, percentMetric = /accuracy$/.test(v.metric)): string {
  const unit = percentMetric ? '%' : '';
  return v.source === 'predicted' ? `${v.value.toFixed(2)} ± ${(v.std ?? 0).toFixed(2)}${unit}` : `${v.value.toFixed(2)}${unit}`;
}

/** One line on the predictor behind the predicted values, or why there are none. */
export function predictionNote(p: { metric: string; measured: number; predicted: number; loo?: { kendallTau: number; rmse: number }; skipped?: string }): string {
  if (p.skipped) return `No predictions: ${p.skipped.replace(/`/g, '')}.`;
  const loo = p.loo ? ` Leave-one-out check on them: Kendall τ ${p.loo.kendallTau.toFixed(2)}, RMSE ${p.loo.rmse.toFixed(2)}.` : '';
  return `Predicted ${p.metric} (mean ± std) of ${p.predicted} cell${p.predicted === 1 ? '' : 's'} without a benchmark value, from the ${p.measured} measured cells of the file.${loo}`;
}
