/**
 * `arch2vec: Run Search`: quick picks (space, strategies, objective, dataset or command, budget) or
 * a caller's arguments, then one engine search per strategy, compared live in the suggestions view.
 */
import * as vscode from 'vscode';
import {
  PAPER_BUDGETS, type EngineSearchParams, type EngineSearchProgress, type PrepareProgress, type SearchDatasetName, type SearchFoundCell, type SearchObjectiveName,
  type SearchStrategyName, type SpaceId,
} from '../../../server/src/protocol';
import type { SearchSeries, SuggestionsState } from '../../../webview/src/messages';
import { recordFailure, searchLabels, searchResultsCsv, searchResultsJson } from './searchResults';
import { type App, cellsDocument, settings, showError } from '../app';
import { parseBudget, searchRequests, type SearchChoice } from '../commandArgs';
import { DATASETS, SPACES, STRATEGIES } from '../settings';
import { EVALUATOR_CONTRACT_SUMMARY } from '../../../server/src/engine/search/objectives/evaluatorContract';
import { activeSpace } from './model';
import { SHORT_SPACE } from '../pretrainEstimate';

/** What a search ranges over in each space (the quick pick's description). */
const SPACE_POOLS: Record<SpaceId, string> = {
  nasbench101: 'its 423,624 cells',
  nasbench201: 'its 15,625 cells; benchmark and model shipped',
  darts: 'a seeded sample of 600,000 genotypes',
};

const STRATEGY_LABELS: Record<SearchStrategyName, { label: string; detail: string }> = {
  bo: { label: 'arch2vec-BO', detail: 'Bayesian optimisation (DNGO + expected improvement) over the pretrained embeddings' },
  rl: { label: 'arch2vec-RL', detail: 'REINFORCE with an LSTM policy moving through the latent space' },
  re: { label: 'Regularised evolution', detail: 'baseline on the discrete encoding' },
  rs: { label: 'Random search', detail: 'baseline' },
};
const DATASET_LABELS: Record<SearchDatasetName, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120' };

let running: { cancel(): void } | undefined;
/** The last search (for Export and Re-run all in its view). */
let last: { app: App; choice: SearchChoice; requests: EngineSearchParams[]; state: SuggestionsState; sourceUri?: string } | undefined;



/** Asks for whatever `partial` leaves open; undefined when the user backs out. */
async function askChoice(app: App, partial: Partial<SearchChoice>): Promise<SearchChoice | undefined> {
  const s = settings();
  const trusted = vscode.workspace.isTrusted;
  const here = await activeSpace(app);
  const first = here ?? 'nasbench201';
  const space = partial.space ?? (await vscode.window.showQuickPick(SPACES.map((sp) => ({
    label: sp, space: sp, description: [sp === here ? 'the cell at the cursor' : '', SPACE_POOLS[sp]].filter(Boolean).join(' · '),
  })).sort((a, b) => (a.space === first ? -1 : b.space === first ? 1 : 0)), { title: 'Search: space (1/5)' }))?.space;
  if (!space) return undefined;
  const strategies = partial.strategies ?? (await vscode.window.showQuickPick(STRATEGIES.map((st) => ({
    label: STRATEGY_LABELS[st].label, description: st, detail: STRATEGY_LABELS[st].detail, strategy: st, picked: s.search.strategies.includes(st),
  })), { title: 'Search: strategies to compare (2/5)', canPickMany: true }))?.map((p) => p.strategy);
  if (!strategies?.length) return undefined;
  const doc = await cellsDocument();
  const objective = partial.objective ?? (await vscode.window.showQuickPick([
    {
      label: 'Benchmark', description: 'benchmark', objective: 'benchmark' as SearchObjectiveName,
      detail: space === 'nasbench201' ? 'NAS-Bench-201 table: simulated training, the paper\'s protocol'
        : s.search.benchmarkTable ? `your table ${s.search.benchmarkTable}: its cells are the pool` : 'needs your table: set arch2vec.search.benchmarkTable (JSONL or CSV of measured cells)',
    },
    {
      label: 'My evaluator command', description: 'command', objective: 'command' as SearchObjectiveName,
      detail: trusted ? `runs ${s.search.evaluatorCommand || 'your training script'} on each proposed cell` : 'disabled in Restricted Mode: it runs your program (trust the workspace to enable)',
    },
    { label: 'Measured cells of this file', description: 'file', objective: 'file' as SearchObjectiveName, detail: doc ? `cells of ${vscode.workspace.asRelativePath(doc.uri)} with accuracy: are the observations` : 'open a .cells file with measured cells first' },
  ], { title: 'Search: objective (3/5)' }))?.objective;
  if (!objective) return undefined;
  const choice: SearchChoice = { ...partial, space, strategies, objective };
  if (objective === 'benchmark' && space === 'nasbench201' && !choice.dataset) {
    choice.dataset = (await vscode.window.showQuickPick(DATASETS.map((d) => ({ label: DATASET_LABELS[d], description: d, dataset: d, picked: d === s.search.dataset })).sort((a) => (a.picked ? -1 : 1)), { title: 'Search: dataset (4/5)' }))?.dataset;
    if (!choice.dataset) return undefined;
  }
  if (objective === 'command' && trusted && choice.command === undefined) {
    const cmd = await vscode.window.showInputBox({
      title: 'Search: evaluator command (4/5)', value: s.search.evaluatorCommand, placeHolder: 'python train.py {cell}',
      prompt: EVALUATOR_CONTRACT_SUMMARY,
      validateInput: (v) => (/\{(cell|json)\}/.test(v) ? undefined : 'mention {cell} or {json}'),
    });
    if (cmd === undefined) return undefined;
    choice.command = cmd;
    choice.cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }
  if (objective === 'file') {
    if (!doc) {
      void vscode.window.showWarningMessage('arch2vec: open a .cells file whose cells carry measured accuracies (accuracy: 93.1).');
      return undefined;
    }
    choice.text ??= doc.getText();
    choice.file ??= doc.uri.fsPath;
  }
  if (objective !== 'file' && choice.budget === undefined && !(objective === 'benchmark' && space !== 'nasbench201')) {
    const dflt = objective === 'benchmark' ? s.search.budget ?? PAPER_BUDGETS[choice.dataset!] : s.search.budget;
    const noBound = space === 'darts' ? 'the paper\'s 100 evaluations' : 'arch2vec.search.maxEvals evaluations';
    const text = await vscode.window.showInputBox({
      title: 'Search: budget in seconds (5/5)', value: dflt ? String(dflt) : '',
      prompt: objective === 'benchmark'
        ? 'Simulated training seconds per seed, from the table (the search\'s own time does not count; the paper: 12k CIFAR-10, 500k CIFAR-100, 1.4M ImageNet16-120)'
        : `Wall seconds of evaluator time${space === 'darts' || (s.search.maxEvals ?? 0) > 0 ? ` (empty: stop after ${noBound})` : ''}`,
      // Checked as typed: an empty budget is only valid when something else bounds the search.
      validateInput: (v) => {
        if (v.trim() === '') return objective === 'command' && (space === 'darts' || (s.search.maxEvals ?? 0) > 0) ? undefined : 'Enter a budget in seconds (or set arch2vec.search.maxEvals to stop after N evaluations)';
        const b = parseBudget(v);
        return 'error' in b ? b.error : undefined;
      },
    });
    if (text === undefined) return undefined;
    choice.budget = text.trim() === '' ? null : (parseBudget(text) as { ok: number }).ok;
  }
  if (!doc && objective !== 'file') app.log.info('search: no .cells editor open; suggestions will open a new file to insert into');
  return choice;
}

export async function runSearch(app: App, arg?: unknown): Promise<void> {
  if (running) {
    const c = await vscode.window.showWarningMessage('arch2vec: a search is already running.', 'Stop It', 'Show');
    if (c === 'Stop It') running.cancel();
    if (c === 'Show') app.views.open('suggestions');
    return;
  }
  const partial = (arg && typeof arg === 'object' ? arg : {}) as Partial<SearchChoice>;
  if (partial.strategies && !partial.strategies.every((s) => STRATEGIES.includes(s))) {
    void vscode.window.showErrorMessage(`arch2vec: unknown strategy in ${JSON.stringify(partial.strategies)}: expected ${STRATEGIES.join(', ')}`);
    return;
  }
  const choice = await askChoice(app, partial);
  if (!choice) return;
  const requests = searchRequests(choice, settings(), vscode.workspace.isTrusted);
  if ('error' in requests) {
    void vscode.window.showErrorMessage(`arch2vec: ${requests.error}`);
    return;
  }
  const doc = await cellsDocument();
  await execute(app, choice, requests.ok, doc?.uri.toString());
}

function seriesOf(req: EngineSearchParams): SearchSeries[] {
  const seeds = req.seeds ?? [1];
  return seeds.map((seed) => ({
    id: `${req.strategy}-${seed}`, strategy: req.strategy, label: seeds.length > 1 ? `${STRATEGY_LABELS[req.strategy].label} · seed ${seed}` : STRATEGY_LABELS[req.strategy].label,
    points: [], status: 'queued', best: null,
  }));
}

async function execute(app: App, choice: SearchChoice, requests: EngineSearchParams[], sourceUri: string | undefined): Promise<void> {
  const first = requests[0];
  const state: SuggestionsState = {
    labels: searchLabels(choice.objective, first.dataset ?? null, first.budget ?? null), failures: [],
    kind: 'suggestions',
    title: `${requests.map((r) => STRATEGY_LABELS[r.strategy].label).join(' vs ')} · ${choice.objective === 'benchmark' ? (first.dataset ? `NAS-Bench-201 ${DATASET_LABELS[first.dataset]}` : `${choice.space} table`) : choice.objective === 'command' ? 'evaluator command' : `measured cells of ${vscode.workspace.asRelativePath(choice.file ?? '')}`}`,
    space: choice.space as SpaceId, objective: choice.objective, dataset: first.dataset ?? null,
    budget: first.budget ?? null, maxEvals: first.maxEvals ?? null,
    series: requests.flatMap(seriesOf), suggestions: [], status: 'running', ...(sourceUri ? { sourceUri } : {}),
  };
  const view = app.views.open('suggestions');
  view.show(state);
  last = { app, choice, requests, state, sourceUri };
  let successes = 0;
  let evaluated = 0;
  let reused = 0;
  let stoppedEarly: string | undefined;
  const found: SearchFoundCell[] = [];
  const total = requests.reduce((n, r) => n + (r.seeds?.length ?? 1), 0);
  let doneSeeds = 0;
  try {
    await app.jobs.run(`search: ${state.title}`, async ({ signal, report }) => {
      const ctl = new AbortController();
      running = { cancel: () => ctl.abort() };
      signal.addEventListener('abort', () => ctl.abort(), { once: true });
      await app.engine.ensureStarted();
      const engine = await app.engine.engine();
      for (const req of requests) {
        if (ctl.signal.aborted) break;
        const onProgress = (p: EngineSearchProgress) => {
          const sr = state.series.find((x) => x.id === `${req.strategy}-${p.seed}`);
          if (!sr) return;
          sr.status = 'running';
          evaluated++;
          if (p.last.reused) {
            reused++;
            sr.reused = (sr.reused ?? 0) + 1;
            state.reused = { count: reused, of: evaluated, log: state.reused?.log ?? null };
          } else if (state.reused) state.reused.of = evaluated;
          if (p.last.error || p.last.reward === null) {
            sr.failed = (sr.failed ?? 0) + 1;
            const error = p.last.error ?? 'no accuracy';
            app.log.warn(`search ${sr.label}: evaluation of ${SHORT_SPACE[choice.space as SpaceId]} ${p.last.index} failed${p.last.reused ? ' (in an earlier run)' : ''}: ${error}`);
            if (recordFailure(state.failures!, p.last.index, error, evaluated, successes) && !stoppedEarly) {
              stoppedEarly = `the first ${evaluated} evaluations all failed the same way: ${state.failures![0].reason}`;
              app.log.error(`search stopped early: ${stoppedEarly}`);
              ctl.abort();
            }
          } else successes++;
          sr.points.push({ budget: p.budgetUsed, best: p.best.bestReward, evaluations: p.evaluations });
          const frac = p.budget ? Math.min(1, p.budgetUsed / p.budget) : p.maxEvals ? Math.min(1, p.evaluations / p.maxEvals) : 0;
          const best = p.best.bestReward !== null ? ` · best ${p.best.bestReward.toFixed(2)}%` : '';
          report(`${sr.label}: ${p.evaluations} evaluations${best}`, (100 * (doneSeeds + p.seedIndex + frac)) / total);
          view.show(state, true);
        };
        const onPrepare = (p: PrepareProgress) => report(`${req.strategy}: ${p.what}${p.total > 1 ? ` ${Math.floor((100 * p.done) / p.total)}%` : ''}`);
        const r = await engine.search(req, { signal: ctl.signal, onProgress, onPrepare });
        for (const run of r.runs) {
          const sr = state.series.find((x) => x.id === `${req.strategy}-${run.seed}`);
          if (sr) {
            sr.status = run.stopped === 'cancelled' ? 'cancelled' : 'done';
            sr.best = run.best;
            // The final trace is authoritative (progress may have been coalesced).
            if (run.trace) sr.points = run.trace.map((t) => ({ budget: t.budget, best: t.bestReward, evaluations: t.evaluations }));
            if (run.top) sr.top = run.top;
            sr.failed = run.failed;
          }
          if (run.best) found.push(run.best);
        }
        for (const sr of state.series) if (sr.strategy === req.strategy && sr.status === 'queued') sr.status = 'cancelled';
        doneSeeds += req.seeds?.length ?? 1;
        if (r.suggestions) found.push(...r.suggestions);
        if (r.prediction) state.prediction = r.prediction;
        state.suggestions = dedupe(found, choice.objective === 'file');
        view.show(state);
        const s = r.summary;
        state.summaries = [...(state.summaries ?? []).filter((x) => x.strategy !== req.strategy),
          { strategy: req.strategy, label: STRATEGY_LABELS[req.strategy].label, seeds: s.seeds, reward: s.reward, val: s.val, test: s.test }];
        const info = r.objectiveInfo as { columns?: { reward: string; val: string; test: string }; log?: string; evaluationsReused?: number };
        if (info.columns) state.labels = searchLabels(choice.objective, first.dataset ?? null, first.budget ?? null, info.columns);
        if (typeof info.log === 'string' && (info.evaluationsReused ?? 0) > 0) state.reused = { count: reused, of: evaluated, log: info.log };
        app.log.info(`search ${req.strategy}: ${s.seeds} seed(s), reward ${fmt(s.reward.mean)} ± ${fmt(s.reward.std)}, val ${fmt(s.val.mean)}, test ${fmt(s.test.mean)} (${r.seconds.toFixed(1)} s)`);
      }
      state.status = stoppedEarly ? 'failed' : ctl.signal.aborted ? 'cancelled' : 'done';
      if (stoppedEarly) state.message = `Stopped early: ${stoppedEarly}`;
      else if (state.failures!.length) app.log.warn(`search: ${state.failures!.reduce((n, f) => n + f.count, 0)} evaluations failed (${state.failures!.map((f) => `${f.count}× ${f.reason}`).join('; ')})`);
    });
  } catch (e) {
    state.status = 'failed';
    state.message = (e as Error)?.message ?? String(e);
    for (const sr of state.series) if (sr.status === 'running' || sr.status === 'queued') sr.status = 'failed';
    await showError(app, 'search failed', e);
  } finally {
    running = undefined;
    view.show(state);
  }
}

const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/** Each cell once, best first (file objective: the engine's order, which is already by promise). */
function dedupe(cells: SearchFoundCell[], keepOrder: boolean): SearchFoundCell[] {
  const seen = new Map<number, SearchFoundCell>();
  for (const c of cells) if (!seen.has(c.index) || (c.reward ?? -Infinity) > (seen.get(c.index)!.reward ?? -Infinity)) seen.set(c.index, c);
  const out = [...seen.values()];
  return keepOrder ? out : out.sort((a, b) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity));
}

/** The view's Stop button. */
export function cancelSearch(): boolean {
  if (!running) return false;
  running.cancel();
  return true;
}

/** The view's Export button: every seed's top cells, the summaries and the failures, as CSV or JSON. */
export async function exportSearchResults(format: 'csv' | 'json'): Promise<void> {
  if (!last) {
    void vscode.window.showInformationMessage('arch2vec: no search results to export yet.');
    return;
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
  const target = await vscode.window.showSaveDialog({
    title: `Export search results as ${format.toUpperCase()}`, defaultUri: vscode.Uri.joinPath(base, `arch2vec-search.${format}`),
    filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
  });
  if (!target) return;
  const text = format === 'csv' ? searchResultsCsv(last.state) : searchResultsJson(last.state);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  last.app.log.info(`search results exported to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`arch2vec: search results saved to ${vscode.workspace.asRelativePath(target)}.`);
}

/** "Re-run all": the same search with nothing taken from the results log (`fresh`; the log keeps every line). */
export async function rerunSearch(): Promise<void> {
  if (!last || running) return;
  const requests = last.requests.map((r) => ({ ...r, fresh: true }));
  last.app.log.info(`search: re-running all evaluations${last.state.reused?.log ? ` (earlier results stay in ${last.state.reused.log})` : ''}`);
  await execute(last.app, last.choice, requests, last.sourceUri);
}
