/**
 * The metric lines a cell gets when it is inserted from a benchmark table (neighbours, suggest
 * similar, a benchmark search), named as the example files name them: `accuracy` is the test
 * accuracy (the examples' convention: "accuracy = CIFAR-10 test accuracy"), `val_accuracy` the
 * validation one, each with a comment saying which dataset, split and epochs it is. So an inserted
 * cell counts as measured for predictions and file searches (they read `accuracy`), and a reader
 * never has to guess which dataset a number belongs to.
 */

const DATASETS: [RegExp, string][] = [[/^cifar100_/, 'CIFAR-100'], [/^cifar10_valid_/, 'CIFAR-10'], [/^cifar10_/, 'CIFAR-10'], [/^imagenet16_120_/, 'ImageNet16-120']];

/** "CIFAR-10 test, 200 epochs" for an NB201 table column; the column's own name for any other table. */
export function columnNote(column: string): string {
  const hp12 = column.startsWith('hp12_');
  const rest = hp12 ? column.slice(5) : column;
  const dataset = DATASETS.find(([re]) => re.test(rest));
  if (!dataset || !rest.endsWith('_acc')) return `column ${column}`;
  const split = /_valid_acc$/.test(rest) ? 'validation' : /_test_acc$/.test(rest) ? 'test' : 'train';
  const trainValid = /^cifar10_valid_/.test(rest) ? ' (train/valid split)' : '';
  return `${dataset[1]} ${split}${trainValid}, ${hp12 ? 12 : 200} epochs`;
}

export interface MetricValue {
  column: string;
  value: number | null | undefined;
}

/** `accuracy` (test) and `val_accuracy` with their notes, finite values only, rounded as the examples are (2 decimals). */
export function benchmarkCellMetrics(test: MetricValue | undefined, val: MetricValue | undefined, source: string): { metrics: Record<string, number>; notes: Record<string, string> } {
  const metrics: Record<string, number> = {};
  const notes: Record<string, string> = {};
  const put = (key: string, m: MetricValue | undefined, suffix: string) => {
    if (!m || typeof m.value !== 'number' || !Number.isFinite(m.value)) return;
    metrics[key] = Math.round(m.value * 100) / 100;
    notes[key] = `${columnNote(m.column)}${suffix}`;
  };
  put('accuracy', test, ` (${source})`);
  put('val_accuracy', val, '');
  return { metrics, notes };
}

/** NAS-Bench-201 row accuracies (table columns → percent) as inserted cells carry them: CIFAR-10 test and validation. */
export function nb201RowMetrics(accuracies: Record<string, number> | undefined): { metrics: Record<string, number>; notes: Record<string, string> } {
  return benchmarkCellMetrics(
    { column: 'cifar10_test_acc', value: accuracies?.cifar10_test_acc },
    { column: 'cifar10_valid_valid_acc', value: accuracies?.cifar10_valid_valid_acc },
    'NAS-Bench-201',
  );
}
