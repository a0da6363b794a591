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
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import type { SearchFoundCell } from '../../../server/src/protocol';
import { percent } from '../format';
import type { SearchSeries, SuggestionsState } from '../messages';
import css from '../styles.css';
import { adoptCss, fill, h } from '../ui/dom';
import { drawLinePlot, type PlotSeries } from '../ui/linePlot';
import { startPage } from '../ui/page';
import { chartPalette, onThemeChange } from '../ui/theme';

adoptCss(css);

interface View {
  title: HTMLElement;
  subtitle: HTMLElement;
  status: HTMLElement;
  canvas: HTMLCanvasElement;
  legend: HTMLElement;
  table: HTMLElement;
}

let view: View | undefined;
let current: SuggestionsState | undefined;
let legendKey = '';
let tableKey = '';
let statusKey = '';

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
    canvas: h('canvas', { role: 'img' }),
    legend: h('ul', { class: 'legend', 'aria-label': 'Strategies' }),
    table: h('div', { class: 'suggestions', onclick: onTableAction as EventListener }),
  };
  const wrap = h('div', { class: 'plot-wrap' }, v.canvas);
  new ResizeObserver(() => current && drawPlot(current)).observe(wrap);
  document.getElementById('root')!.replaceChildren(
    h('header', {}, v.title, v.subtitle),
    v.status,
    h('h2', {}, 'Best accuracy so far'),
    v.legend,
    wrap,
    h('h2', { id: 'suggested-heading' }, 'Suggested cells'),
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
  drawPlot(state);
  renderLegend(state);
  renderTable(state);
}

function describeRun(s: SuggestionsState): string {
  const parts = [`${s.space} · ${s.objective} objective`];
  if (s.dataset) parts.push(s.dataset);
  if (s.budget !== null) parts.push(`budget ${s.budget.toLocaleString()} s per seed`);
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
    xLabel: s.budget !== null ? 'budget (simulated seconds)' : 'evaluations',
    yLabel: 'best accuracy (%)',
    xMax: s.budget ?? s.maxEvals,
    empty: s.status === 'running' ? 'Waiting for the first evaluation…' : 'No successful evaluations',
  });
  view!.canvas.setAttribute('aria-label', `Best accuracy so far against ${s.budget !== null ? 'budget' : 'evaluations'}: `
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

/** The series whose best cell this is (the file objective's suggestions have none). */
function foundBy(s: SuggestionsState, cell: SearchFoundCell): string {
  const series = s.series.find((x) => x.best?.index === cell.index);
  return series ? series.label : s.objective === 'file' ? 'suggested' : '–';
}

const NUMERIC = ['reward', 'val', 'test'] as const;

function renderTable(s: SuggestionsState) {
  const key = JSON.stringify(s.suggestions.map((c) => [c.index, c.reward, c.val, c.test, foundBy(s, c)]));
  if (key === tableKey) return;
  tableKey = key;
  if (s.suggestions.length === 0) {
    view!.table.replaceChildren(h('p', { class: 'placeholder' }, s.status === 'running' ? 'No cells yet.' : 'No cells found.'));
    return;
  }
  const cell = (text: string | Node, cls = '') => h('vscode-table-cell', cls ? { class: cls } : {}, text);
  const header: [string, string][] = [['#', 'num'], ['Found by', ''], ['Architecture', ''], ['Reward', 'num'], ['Validation', 'num'], ['Test', 'num'], ['', '']];
  const table = h('vscode-table', { zebra: true, 'bordered-rows': true, resizable: true, 'aria-labelledby': 'suggested-heading',
    columns: JSON.stringify(['36px', '200px', 'auto', '76px', '86px', '70px', '190px']) },
    h('vscode-table-header', { slot: 'header' }, ...header.map(([t, cls]) => h('vscode-table-header-cell', cls ? { class: cls } : {}, t))),
    h('vscode-table-body', { slot: 'body' }, ...s.suggestions.map((c, i) => h('vscode-table-row', { 'data-index': c.index },
      cell(String(i + 1), 'num'),
      cell(foundBy(s, c)),
      cell(h('span', { class: 'arch mono', title: `NAS-Bench-201 index ${c.index}` }, c.arch)),
      ...NUMERIC.map((k) => cell(percent(c[k]), 'num')),
      cell(h('span', {},
        h('vscode-button', { 'data-action': 'insert', 'data-i': i, 'aria-label': `Insert cell ${c.index} into the document` }, 'Insert'), ' ',
        h('vscode-button', { secondary: true, 'data-action': 'neighbours', 'data-i': i, 'aria-label': `Show the neighbours of cell ${c.index}` }, 'Neighbours')), 'actions')))));
  view!.table.replaceChildren(table);
}

function onTableAction(e: MouseEvent) {
  const button = (e.target as Element).closest('[data-action]');
  const c = button && current?.suggestions[Number(button.getAttribute('data-i'))];
  if (!button || !c) return;
  const name = c.cell.match(/^cell\s+(\S+)/m)?.[1] ?? `nb201_${c.index}`;
  if (button.getAttribute('data-action') === 'insert') page.post({ type: 'insertCell', cell: c.cell, name });
  else page.post({ type: 'showNeighbours', index: c.index, name });
}
