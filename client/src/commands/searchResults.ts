/**
 * What the suggestions view says about a search, worked out without `vscode` (so tests run it):
 * what each number means (reward vs reported accuracy, x-axis units), failures grouped by reason
 * with the early stop, and Export as CSV (one row per cell found: strategy, seed, rank within the
 * seed, NB201 index, arch, reward and reported accuracies) or JSON (the same rows plus the labels,
 * the mean ± std per strategy and the failures).
 */
import type { SearchDatasetName, SearchFoundCell, SearchObjectiveName } from '../../../server/src/protocol';
import { accuracyLabel } from '../../../webview/src/format';
import type { SearchFailure, SearchLabels, SuggestionsState } from '../../../webview/src/messages';

/** Stop when the first this-many evaluations all failed for the same reason: the evaluator is broken, not the cells. */
export const EARLY_STOP_FAILURES = 5;

/** The reported columns per NB201 dataset (engine/search/objectives/benchmark.ts), until a result names them. */
const BENCHMARK_COLUMNS: Record<SearchDatasetName, { reward: string; val: string; test: string }> = {
  cifar10: { reward: 'hp12_cifar10_valid_valid_acc', val: 'cifar10_valid_valid_acc', test: 'cifar10_test_acc' },
  cifar100: { reward: 'hp12_cifar100_valid_acc', val: 'cifar100_valid_acc', test: 'cifar100_test_acc' },
  'imagenet16-120': { reward: 'hp12_imagenet16_120_valid_acc', val: 'imagenet16_120_valid_acc', test: 'imagenet16_120_test_acc' },
};

/** What each number of the view means, in words, for this objective. */
export function searchLabels(objective: SearchObjectiveName, dataset: SearchDatasetName | null, budget: number | null, columns?: { reward: string; val: string; test: string }): SearchLabels {
  if (objective === 'benchmark') {
    const c = columns ?? BENCHMARK_COLUMNS[dataset ?? 'cifar10'];
    return {
      reward: `${accuracyLabel(c.reward)} (the reward the search maximises)`, val: accuracyLabel(c.val), test: accuracyLabel(c.test),
      x: 'simulated training seconds (the benchmark\'s cost per cell; the search\'s own time does not count)',
    };
  }
  if (objective === 'command') {
    return { reward: 'accuracy your evaluator printed', val: 'accuracy your evaluator printed', test: 'not reported', x: budget !== null ? 'wall seconds of evaluator time' : 'evaluations' };
  }
  return { reward: 'measured accuracy (from the file)', val: 'measured accuracy', test: 'not reported', x: 'evaluations' };
}

/** The reason of a failed evaluation as grouped in the view: its first line, paths of temporary files cut. */
export function failureReason(error: string): string {
  const line = error.split(/\r?\n/).find((l) => l.trim()) ?? error;
  return line.replace(/\/tmp\/[^\s:'"]+/g, '<tmp>').trim().slice(0, 400);
}

/** Adds a failure to its reason's group; true when the first `EARLY_STOP_FAILURES` evaluations all failed this way. */
export function recordFailure(failures: SearchFailure[], index: number, error: string, evaluationsSoFar: number, successes: number): boolean {
  const reason = failureReason(error);
  let f = failures.find((x) => x.reason === reason);
  if (!f) failures.push(f = { reason, count: 0, indices: [] });
  f.count++;
  if (f.indices.length < 5) f.indices.push(index);
  return successes === 0 && failures.length === 1 && f.count >= EARLY_STOP_FAILURES && evaluationsSoFar >= EARLY_STOP_FAILURES;
}

export interface ExportRow {
  strategy: string;
  seed: number | null;
  rank: number;
  index: number;
  arch: string;
  reward: number | null;
  val: number | null;
  test: number | null;
}

/** Each seed's top cells (its best alone when the engine sent no top list); file objective: the suggestions. */
export function exportRows(s: SuggestionsState): ExportRow[] {
  const row = (strategy: string, seed: number | null, rank: number, c: SearchFoundCell): ExportRow =>
    ({ strategy, seed, rank, index: c.index, arch: c.arch, reward: c.reward, val: c.val, test: c.test });
  if (s.objective === 'file') return s.suggestions.map((c, i) => row(s.series[0]?.strategy ?? '', null, i + 1, c));
  return s.series.flatMap((x) => {
    const seed = Number(/-(\d+)$/.exec(x.id)?.[1] ?? NaN);
    const cells = x.top?.length ? x.top : x.best ? [x.best] : [];
    return cells.map((c, i) => row(x.strategy, Number.isFinite(seed) ? seed : null, i + 1, c));
  });
}

/** RFC 4180: quote a field when it holds a comma, quote or line break. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  const t = String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function searchResultsCsv(s: SuggestionsState): string {
  const cols: (keyof ExportRow)[] = ['strategy', 'seed', 'rank', 'index', 'arch', 'reward', 'val', 'test'];
  const lines = [cols.join(','), ...exportRows(s).map((r) => cols.map((c) => csvField(r[c])).join(','))];
  return lines.join('\n') + '\n';
}

export function searchResultsJson(s: SuggestionsState): string {
  return JSON.stringify({
    title: s.title, space: s.space, objective: s.objective, dataset: s.dataset, budget: s.budget, maxEvals: s.maxEvals, status: s.status,
    ...(s.message ? { message: s.message } : {}),
    labels: s.labels ?? null,
    summaries: s.summaries ?? [],
    failures: s.failures ?? [],
    reused: s.reused ?? null,
    cells: exportRows(s),
  }, null, 2) + '\n';
}
