/**
 * Suggestions page: a live search. The host sends a whole SuggestionsState after every evaluation
 * (10+ a second), so the page builds its skeleton once and then only touches what changed: the
 * status line, the plot (one canvas redraw per frame), the legend and table (rebuilt only when their
 * content differs).
 */
import '../ui/litNonce';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { SearchFoundCell } from '../../../server/src/protocol';
import { compactCount, fileValueText, percent, predictionNote } from '../format';
import type { MeanStd } from '../../../server/src/protocol';
import type { SearchSeries, SuggestionsState } from '../messages';
import css from '../styles.css';
import { adoptCss, archWithBreaks, fill, h } from '../ui/dom';
import { drawLinePlot, type PlotSeries } from '../ui/linePlot';
import { startPage } from '../ui/page';
import { chartPalette, onThemeChange } from '../ui/theme';

adoptCss(css);

interface View {
  title: HTMLElement;
  subtitle: HTMLElement;
  status: HTMLElement;
  /** Failures by reason, reused results, export. */
  notes: HTMLElement;
  plotCaption: HTMLElement;
  summary: HTMLElement;
  canvas: HTMLCanvasElement;
  legend: HTMLElement;
  table: HTMLElement;
}

let view: View | undefined;
let current: SuggestionsState | undefined;
let legendKey = '';
let tableKey = '';
let statusKey = '';
let notesKey = '';
let summaryKey = '';

const page = startPage({ view: 'suggestions', render });
onThemeChange(() => {
  if (current) drawPlot(current);
  legendKey = ''; // swatch colours come from the theme
  if (current) renderLegend(current);
});

function skeleton(): View {
  const v: View = {
    title: h('h1', {}),
    subtitle: h('p', { class: 'muted' }),
    status: h('div', { class: 'status', role: 'status' }),
    notes: h('div', { class: 'notes' }),
    plotCaption: h('p', { class: 'muted caption' }),
    summary: h('div', { class: 'summary' }),
    canvas: h('canvas', { role: 'img' }),
    legend: h('ul', { class: 'legend', 'aria-label': 'Strategies' }),
    table: h('div', { class: 'suggestions', onclick: onTableAction as EventListener }),
  };
  const wrap = h('div', { class: 'plot-wrap' }, v.canvas);
  new ResizeObserver(() => current && drawPlot(current)).observe(wrap);
  document.getElementById('root')!.replaceChildren(
    h('header', {}, v.title, v.subtitle),
    v.status,
    v.notes,
    h('h2', {}, 'Best reward so far'),
    v.plotCaption,
    v.legend,
    wrap,
    v.summary,
    h('h2', { id: 'suggested-heading' }, 'Cells found'),
    v.table,
  );
  return v;
}

function render(state: SuggestionsState) {
  current = state;
  view ??= skeleton();
  view.title.textContent = state.title;
  document.title = state.title;
  view.subtitle.textContent = describeRun(state);
  renderStatus(state);
  renderNotes(state);
  view.plotCaption.textContent = state.labels ? `y: best ${state.labels.reward} · x: ${state.labels.x}` : '';
  drawPlot(state);
  renderLegend(state);
  renderSummary(state);
  renderTable(state);
}

const SPACE_TITLES: Record<string, string> = { nasbench201: 'NAS-Bench-201', nasbench101: 'NAS-Bench-101', darts: 'DARTS' };
const DATASET_TITLES: Record<string, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120' };
const OBJECTIVES: Record<SuggestionsState['objective'], string> = { benchmark: 'benchmark table', command: 'your evaluator command', file: 'measured cells of the file' };

function describeRun(s: SuggestionsState): string {
  const parts = [`${SPACE_TITLES[s.space] ?? s.space} · ${OBJECTIVES[s.objective]}`];
  if (s.dataset) parts.push(DATASET_TITLES[s.dataset] ?? s.dataset);
  if (s.budget !== null) parts.push(`budget ${s.budget.toLocaleString()} ${s.objective === 'benchmark' ? 'simulated training' : 'wall'} s per seed`);
  if (s.maxEvals !== null) parts.push(`at most ${s.maxEvals} evaluations`);
  return parts.join(' · ');
}

function renderStatus(s: SuggestionsState) {
  const evals = s.series.reduce((n, x) => n + (x.points.at(-1)?.evaluations ?? 0), 0);
  const key = `${s.status}|${evals}|${s.message ?? ''}`;
  if (key === statusKey) return;
  const statusChanged = statusKey.split('|')[0] !== s.status;
  statusKey = key;
  const el = view!.status;
  el.className = `status ${s.status}`;
  const text = {
    running: `Running… ${evals} evaluations`,
    done: `Done: ${evals} evaluations`,
    cancelled: `Stopped after ${evals} evaluations`,
    failed: `Failed${s.message ? `: ${s.message}` : ''}`,
  }[s.status];
  if (!statusChanged && el.querySelector('.status-text')) {
    // Only the count moved: update the text so the progress ring keeps spinning smoothly.
    el.querySelector('.status-text')!.textContent = text;
    return;
  }
  const running = s.status === 'running';
  fill(el,
    running && h('vscode-progress-ring', { 'aria-label': 'Search running', 'aria-live': 'off' }),
    h('span', { class: 'status-text' }, text),
    s.message && s.status !== 'failed' && h('span', { class: 'muted' }, s.message),
    running && h('vscode-button', { secondary: true, 'aria-label': 'Stop the search', onclick: () => page.post({ type: 'cancelSearch' }) }, 'Stop'));
}

const xOf = (s: SuggestionsState, p: SearchSeries['points'][number]) => (s.budget !== null ? p.budget : p.evaluations);

function plotSeries(s: SuggestionsState): PlotSeries[] {
  const palette = chartPalette();
  return s.series.map((x, i) => ({ label: x.label, color: palette[i % palette.length], points: x.points.map((p) => ({ x: xOf(s, p), y: p.best })) }));
}

function drawPlot(s: SuggestionsState) {
  const series = plotSeries(s);
  drawLinePlot(view!.canvas, series, {
    xLabel: xAxisLabel(s),
    yLabel: 'best reward (%)',
    xMax: s.budget ?? s.maxEvals,
    empty: s.status === 'running' ? 'Waiting for the first evaluation…' : 'No successful evaluations',
  });
  view!.canvas.setAttribute('aria-label', `Best reward so far against ${s.budget !== null ? 'budget' : 'evaluations'}: `
    + s.series.map((x) => `${x.label} ${percent(x.points.at(-1)?.best)}`).join('; '));
}

function renderLegend(s: SuggestionsState) {
  const key = JSON.stringify(s.series.map((x) => [x.id, x.label, x.status, x.best?.reward ?? null, x.error ?? '']));
  if (key === legendKey) return;
  legendKey = key;
  const palette = chartPalette();
  view!.legend.replaceChildren(...s.series.map((x, i) => {
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = palette[i % palette.length];
    return h('li', { title: x.error ?? '' }, swatch, `${x.label} `, h('span', { class: 'muted' }, `${x.status}${x.best ? ` · best ${percent(x.best.reward)}` : ''}`));
  }));
}

/** The plot's x-axis in the objective's units, short enough for a narrow canvas. */
function xAxisLabel(s: SuggestionsState): string {
  if (s.budget === null) return 'evaluations';
  return s.objective === 'benchmark' ? 'simulated training seconds' : 'wall seconds of evaluation';
}

/** How a failure's example cells are named: their row in the space's pool. */
const POOL_ROW: Record<string, string> = { nasbench201: 'NB201', nasbench101: 'NB101 cell', darts: 'DARTS pool cell' };

/** Failures by reason (the evaluator's words), results reused from an earlier run, export. */
function renderNotes(s: SuggestionsState) {
  const key = JSON.stringify([s.status, s.failures, s.reused]);
  if (key === notesKey) return;
  notesKey = key;
  const failed = (s.failures ?? []).reduce((n, f) => n + f.count, 0);
  const done = s.status !== 'running';
  fill(view!.notes,
    failed > 0 && h('details', { class: 'failures', open: s.failures!.length <= 3 },
      h('summary', {}, `${failed} evaluation${failed === 1 ? '' : 's'} failed` + (s.failures!.length > 1 ? ` (${s.failures!.length} reasons)` : '')),
      h('ul', {}, ...s.failures!.map((f) => h('li', {},
        h('span', { class: 'count' }, `${f.count}×`), ' ', h('code', { class: 'reason' }, f.reason),
        h('span', { class: 'muted' }, ` · e.g. ${POOL_ROW[s.space] ?? 'cell'} ${f.indices.join(', ')}`))))),
    s.reused && s.reused.count > 0 && h('p', { class: 'reused' },
      `${s.reused.count} of ${s.reused.of} evaluations from an earlier run`,
      s.reused.log ? h('span', { class: 'muted', title: s.reused.log }, ` (log ${s.reused.log.split(/[\\/]/).pop()})`) : '',
      ' · ', h('a', { href: '#', 'data-action': 'rerun', role: 'button', onclick: (e: Event) => { e.preventDefault(); page.post({ type: 'rerunSearch' }); } }, 'Re-run all')),
    done && (s.series.some((x) => x.best) || s.suggestions.length > 0) && h('div', { class: 'toolbar export' },
      h('span', { class: 'muted' }, 'Export results:'),
      h('vscode-button', { secondary: true, 'data-action': 'export-csv', onclick: () => page.post({ type: 'exportResults', format: 'csv' }) }, 'CSV'),
      h('vscode-button', { secondary: true, 'data-action': 'export-json', onclick: () => page.post({ type: 'exportResults', format: 'json' }) }, 'JSON')));
}

const pm = (m: MeanStd) => (m.mean === null ? '–' : `${m.mean.toFixed(2)}${m.std !== null && m.n > 1 ? ` ± ${m.std.toFixed(2)}` : ''}%`);

/** Mean ± std over seeds of each strategy's best cell, once a strategy has finished. */
function renderSummary(s: SuggestionsState) {
  const rows = s.summaries ?? [];
  const key = JSON.stringify([rows, s.labels]);
  if (key === summaryKey) return;
  summaryKey = key;
  if (!rows.length || s.objective === 'file') {
    view!.summary.replaceChildren();
    return;
  }
  const seeds = Math.max(...rows.map((r) => r.seeds));
  fill(view!.summary,
    h('h2', {}, seeds > 1 ? `Best cell per seed: mean ± std over ${seeds} seeds` : 'Best cell (one seed)'),
    h('ul', { class: 'summaries' }, ...rows.map((r) => h('li', { 'data-strategy': r.strategy },
      h('strong', {}, r.label), ' ',
      h('dl', { class: 'facts' },
        ...([['Reward', r.reward, s.labels?.reward], ['Validation', r.val, s.labels?.val], ['Test', r.test, s.labels?.test]] as const)
          .filter(([, m]) => m.mean !== null)
          .map(([k, m, title]) => h('div', { title: title ?? '' }, h('dt', {}, `${k} `), h('dd', {}, pm(m)))))))));
}

/** The cells found, top-k per strategy (over its seeds, each cell once, best reward first). */
export function topPerStrategy(s: SuggestionsState): { strategy: string; label: string; cells: { cell: SearchFoundCell; seeds: number[] }[] }[] {
  const groups = new Map<string, { label: string; cells: Map<number, { cell: SearchFoundCell; seeds: number[] }> }>();
  for (const x of s.series) {
    const label = x.label.replace(/ · seed \d+$/, '');
    const g = groups.get(x.strategy) ?? { label, cells: new Map() };
    groups.set(x.strategy, g);
    const seed = Number(/-(\d+)$/.exec(x.id)?.[1] ?? 0);
    for (const c of x.top?.length ? x.top : x.best ? [x.best] : []) {
      const e = g.cells.get(c.index);
      if (e) e.seeds.push(seed);
      else g.cells.set(c.index, { cell: c, seeds: [seed] });
    }
  }
  return [...groups].map(([strategy, g]) => ({
    strategy, label: g.label,
    cells: [...g.cells.values()].sort((a, b) => (b.cell.reward ?? -Infinity) - (a.cell.reward ?? -Infinity)).slice(0, TOP_K),
  }));
}
const TOP_K = 5;

/** Rows that are a table when there is room and wrap into cards in a side panel (container query in styles.css). */
function renderTable(s: SuggestionsState) {
  const groups = s.objective === 'file'
    ? [{ strategy: 'file', label: 'Suggested (most promising first)', cells: s.suggestions.map((cell) => ({ cell, seeds: [] as number[] })) }]
    : topPerStrategy(s);
  const key = JSON.stringify([groups.map((g) => [g.strategy, g.cells.map((c) => [c.cell.index, c.cell.reward, c.seeds, c.cell.params, c.cell.fileValue])]), s.labels, s.inFile, s.prediction]);
  if (key === tableKey) return;
  tableKey = key;
  if (groups.every((g) => g.cells.length === 0)) {
    view!.table.replaceChildren(h('p', { class: 'placeholder' }, s.status === 'running' ? 'No cells yet.' : 'No cells found.'));
    return;
  }
  const multiSeed = s.series.length > groups.length;
  const L = s.labels;
  const num = (k: 'reward' | 'val' | 'test', label: string, v: number | null) =>
    h('div', { class: `num ${k}`, title: L ? L[k] : '' }, h('dt', {}, label), h('dd', {}, percent(v)));
  const cost = (c: SearchFoundCell) => (c.params !== undefined && c.flops !== undefined ? [
    h('div', { class: 'num params', title: `Parameters of the cell's ${c.costDataset ?? 'CIFAR-10'} benchmark network` }, h('dt', {}, 'Params'), h('dd', {}, compactCount(c.params))),
    h('div', { class: 'num flops', title: `Multiply-adds of one image through the cell's ${c.costDataset ?? 'CIFAR-10'} benchmark network` }, h('dt', {}, 'FLOPs'), h('dd', {}, compactCount(c.flops))),
  ] : []);
  // A cell nobody measured: the file's prediction in place of a reward, marked as predicted.
  const numbers = (c: SearchFoundCell) => (c.reward === null && c.fileValue
    ? [h('div', { class: `num file-value ${c.fileValue.source}`, title: c.fileValue.source === 'predicted' ? 'Predicted from the measured cells of the file (mean ± one standard deviation); not measured' : `Measured in the file by ${(c.fileValue.cells ?? []).join(', ')}` },
      h('dt', {}, c.fileValue.source === 'predicted' ? h('span', { class: 'tag predicted-tag' }, 'predicted') : 'In file'), h('dd', {}, fileValueText(c.fileValue)))]
    : c.reward === null && s.objective === 'file' ? [] : [num('reward', 'Reward', c.reward), num('val', 'Validation', c.val), num('test', 'Test', c.test)]);
  const note = s.prediction ? [h('p', { class: `muted prediction-note${s.prediction.skipped ? ' skipped' : ''}` }, predictionNote(s.prediction))] : [];
  view!.table.replaceChildren(...note, ...groups.filter((g) => g.cells.length).map((g) => h('section', { class: 'strategy-results', 'data-strategy': g.strategy },
    h('h3', {}, g.label, h('span', { class: 'muted' }, s.objective === 'file' ? '' : ` · top ${g.cells.length}`)),
    h('ol', { class: 'results', 'aria-label': `Cells found by ${g.label}` }, ...g.cells.map(({ cell: c, seeds }, i) => {
      const inFile = s.inFile?.[c.index];
      return h('li', { class: 'result', 'data-index': c.index, 'data-strategy': g.strategy },
        h('span', { class: 'rank', title: 'rank within this strategy' }, `${i + 1}`),
        h('div', { class: 'what' },
          h('span', { class: 'name' }, c.name ?? `nb201_${c.index}`),
          multiSeed && seeds.length ? h('span', { class: 'muted' }, ` · seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`) : '',
          inFile ? h('span', { class: 'in-file', title: `The file already has this cell as ${inFile}` }, ` · in file as ${inFile}`) : '',
          h('div', { class: 'arch mono', title: c.id ? `pool index ${c.index}, ${c.id}` : `NAS-Bench-201 index ${c.index}` }, ...archWithBreaks(c.arch))),
        h('dl', { class: 'nums' }, ...numbers(c), ...cost(c)),
        h('div', { class: 'actions' },
          inFile
            ? h('vscode-button', { 'data-action': 'reveal', 'data-index': c.index, 'aria-label': `Go to ${inFile} in the document` }, 'Go to cell')
            : h('vscode-button', { 'data-action': 'insert', 'data-index': c.index, 'aria-label': `Insert cell ${c.index} into the document` }, 'Insert'),
          h('vscode-button', { secondary: true, 'data-action': 'neighbours', 'data-index': c.index, 'aria-label': `Show the neighbours of cell ${c.index}` }, 'Neighbours')));
    })))));
}

/** Any cell the view lists, by NB201 index. */
function listedCell(index: number): SearchFoundCell | undefined {
  if (!current) return undefined;
  for (const c of current.suggestions) if (c.index === index) return c;
  for (const x of current.series) for (const c of [...(x.top ?? []), ...(x.best ? [x.best] : [])]) if (c.index === index) return c;
  return undefined;
}

function onTableAction(e: MouseEvent) {
  const button = (e.target as Element).closest('[data-action]');
  const index = Number(button?.getAttribute('data-index'));
  const c = button && Number.isInteger(index) ? listedCell(index) : undefined;
  if (!button || !c) return;
  const name = c.cell.match(/^cell\s+(\S+)/m)?.[1] ?? `nb201_${c.index}`;
  const action = button.getAttribute('data-action');
  // "Go to cell" inserts nothing: the host finds the same architecture in the document and shows it.
  if (action === 'insert' || action === 'reveal') page.post({ type: 'insertCell', cell: c.cell, name, spec: c.spec });
  else if (action === 'neighbours') page.post({ type: 'showNeighbours', index: c.index, name });
}
