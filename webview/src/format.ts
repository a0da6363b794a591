/** Display formatting shared by the pages. Pure. */

const DATASETS: [RegExp, string][] = [
  [/^cifar10_valid_/, 'CIFAR-10-valid '],
  [/^cifar10_/, 'CIFAR-10 '],
  [/^cifar100_/, 'CIFAR-100 '],
  [/^imagenet16_120_/, 'ImageNet16-120 '],
];

/**
 * A friendly label for a benchmark accuracy column (`cifar10_test_acc` → "CIFAR-10 test");
 * NATS-Bench's 12-epoch columns (`hp12_…`) get "(12 ep)". Unknown names fall back to the words.
 */
export function accuracyLabel(column: string): string {
  let rest = column.replace(/_acc$/, '');
  const hp12 = rest.startsWith('hp12_');
  if (hp12) rest = rest.slice(5);
  let label = '';
  for (const [re, name] of DATASETS) {
    if (re.test(rest)) {
      label = name + rest.replace(re, '').replace(/_/g, ' ');
      break;
    }
  }
  label ||= rest.replace(/_/g, ' ');
  return (label + (hp12 ? ' (12 ep)' : '')).trim();
}

/** The accuracies a card shows up front (the rest are in its details), in this order. */
export const PRIMARY_ACCURACIES = ['cifar10_test_acc', 'cifar100_test_acc', 'imagenet16_120_test_acc'];

export function splitAccuracies(acc: Record<string, number> | undefined): { primary: [string, number][]; other: [string, number][] } {
  const entries = Object.entries(acc ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
  const primary = PRIMARY_ACCURACIES.flatMap((k) => entries.filter(([name]) => name === k));
  return { primary, other: entries.filter(([k]) => !PRIMARY_ACCURACIES.includes(k)) };
}

export const percent = (v: number | null | undefined, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(digits)}%` : '–');

const STRATEGY_NAMES: Record<string, string> = { bo: 'arch2vec-BO', rl: 'arch2vec-RL', re: 'Regularised evolution', rs: 'Random search' };
export const strategyName = (s: string) => STRATEGY_NAMES[s] ?? s;
