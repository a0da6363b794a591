/**
 * Neighbours page: the query cell, then one card per nearest (or similar) architecture with its DAG,
 * distance, benchmark accuracies and actions to insert it into the document or walk on to its own
 * neighbours.
 */
import '../ui/litNonce';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { FileValue, Neighbour } from '../../../server/src/protocol';
import { rowCellName, rowCellText } from '../cellText';
import { accuracyLabel, compactCount, fileValueText, modelLabel, percent, predictionNote, splitAccuracies } from '../format';
import type { NeighboursState } from '../messages';
import css from '../styles.css';
import { dagSvg } from '../ui/dagSvg';
import { adoptCss, archWithBreaks, fill, h } from '../ui/dom';
import { startPage } from '../ui/page';

adoptCss(css);

const SPACE_NAMES = { nasbench201: 'NAS-Bench-201', nasbench101: 'NAS-Bench-101', darts: 'DARTS' } as const;

let current: NeighboursState | undefined;

const page = startPage({ view: 'neighbours', render });

function render(state: NeighboursState) {
  current = state;
  sortLabel = state.sortColumn ? accuracyLabel(state.sortColumn) : undefined;
  const title = state.mode === 'similar' ? 'Similar cells' : 'Nearest neighbours';
  document.title = `${title}: ${state.query.name}`;
  const root = document.getElementById('root')!;
  fill(root,
    h('header', {},
      h('h1', {}, title),
      h('p', { class: 'muted' },
        state.mode === 'similar'
          ? `Cells near ${state.query.name} in the embedding space that are not in the file, ${state.sortColumn ? `best ${accuracyLabel(state.sortColumn)} first` : 'nearest first'}.`
          : `The ${state.neighbours.length} architectures closest to ${state.query.name} in the embedding space${state.neighbours.some((n) => n.index === state.query.index && n.distance === 0) ? ' (#1 is the query itself, at distance 0)' : ''}.`)),
    querySection(state),
    state.prediction ? h('p', { class: `muted prediction-note${state.prediction.skipped ? ' skipped' : ''}` }, predictionNote(state.prediction)) : null,
    h('h2', { id: 'cards-heading' }, `${state.neighbours.length} ${state.mode === 'similar' ? 'similar cells' : 'neighbours'}`),
    state.neighbours.length
      ? h('ol', { class: 'cards', 'aria-labelledby': 'cards-heading', onclick: onCardAction as EventListener }, ...state.neighbours.map((n, i) => card(n, i)))
      : h('p', { class: 'placeholder' }, 'No neighbours.'),
  );
}

function querySection(state: NeighboursState): HTMLElement {
  const q = state.query;
  const { primary, other } = splitAccuracies(q.accuracies);
  return h('section', { class: 'query', 'aria-label': 'Query cell' },
    h('div', {},
      h('div', { class: 'toolbar' },
        h('strong', { class: 'query-name' }, q.name),
        h('vscode-badge', { variant: 'counter', title: 'search space' }, SPACE_NAMES[state.space] ?? state.space),
        q.index !== null ? h('span', { class: 'muted' }, `table row ${q.index}`) : h('span', { class: 'muted' }, 'not in the table')),
      h('p', { class: 'arch mono' }, ...archWithBreaks(q.arch)),
      accuracyFacts(primary, costFacts(q)),
      q.fileValue ? fileValueFact(q.fileValue) : null,
      other.length ? h('details', {}, h('summary', {}, 'More accuracies'), accuracyFacts(other)) : null,
      h('p', { class: 'muted' }, h('span', { title: state.model }, modelLabel(state.model, state.space)), ` · ${state.backend}`)),
    dagSvg(q.spec, `Cell graph of ${q.name}`));
}

/** Parameters and FLOPs of the cell's benchmark network, where the engine counted them. */
function costFacts(c: { params?: number; flops?: number }): [string, string][] {
  return c.params !== undefined && c.flops !== undefined ? [['params', compactCount(c.params)], ['FLOPs', compactCount(c.flops)]] : [];
}

/** The file's value of a cell without a benchmark value: predicted ones are marked as such, in words and style. */
function fileValueFact(v: FileValue): HTMLElement {
  const predicted = v.source === 'predicted';
  const title = predicted
    ? `Predicted by a Gaussian process from the measured cells of the file (mean ± one standard deviation); not a benchmark value`
    : `Measured in the file by ${(v.cells ?? []).join(', ')}`;
  return h('dl', { class: `facts file-value ${v.source}` },
    h('div', { title },
      h('dt', {}, predicted ? h('span', { class: 'tag predicted-tag' }, 'predicted') : h('span', { class: 'tag' }, 'in file'), ` ${v.metric} `),
      h('dd', {}, fileValueText(v))));
}

function accuracyFacts(entries: [string, number][], extra: [string, string][] = []): HTMLElement {
  return h('dl', { class: 'facts' }, ...[...extra, ...entries.map(([k, v]): [string, string] => [accuracyLabel(k), percent(v)])]
    .map(([k, v]) => h('div', k === sortLabel ? { class: 'sort-key', title: 'the cards are sorted by this' } : {}, h('dt', {}, `${k} `), h('dd', {}, v))));
}

/** similar: the label of the column the cards are sorted by (shown first and marked on each card). */
let sortLabel: string | undefined;

/** The sort column first, so every card shows what it is ranked by. */
function withSortFirst(entries: [string, number][], acc: Record<string, number> | undefined): [string, number][] {
  const col = current?.sortColumn;
  if (!col || typeof acc?.[col] !== 'number') return entries;
  return [[col, acc[col]], ...entries.filter(([k]) => k !== col)];
}

function card(n: Neighbour, i: number): HTMLElement {
  const name = rowCellName(n.spec.space, n.index);
  const { primary, other } = splitAccuracies(n.accuracies);
  const isQuery = current?.query.index === n.index && n.distance === 0;
  const inFile = current?.inFile?.[n.index];
  const predicted = n.fileValue?.source === 'predicted' ? `, predicted ${n.fileValue.metric} ${fileValueText(n.fileValue)}` : '';
  return h('li', { class: `card${isQuery ? ' is-query' : ''}`, 'data-index': n.index, 'aria-label': `Rank ${n.rank}: ${name}, distance ${n.distance.toFixed(4)}${isQuery ? ', the query itself' : ''}${predicted}` },
    h('vscode-badge', { class: 'rank', title: 'rank' }, `#${n.rank}`),
    h('div', { class: 'title' }, h('strong', {}, name),
      isQuery ? h('span', { class: 'tag', title: 'The query cell is its own nearest neighbour' }, ' the query ') : null,
      inFile && !isQuery ? h('span', { class: 'tag', title: `The document already has this cell as ${inFile}` }, ` in file: ${inFile} `) : null),
    h('div', { class: 'dag' }, dagSvg(n.spec, `Cell graph of ${name}: ${n.arch}`)),
    h('div', { class: 'facts' },
      accuracyFacts(withSortFirst(primary, n.accuracies), [['distance', n.distance.toFixed(4)], ['index', String(n.index)], ...costFacts(n)]),
      n.fileValue ? fileValueFact(n.fileValue) : null,
      other.length ? h('details', {}, h('summary', {}, 'More accuracies'), accuracyFacts(other.filter(([k]) => k !== current?.sortColumn))) : null,
      h('div', { class: 'arch mono muted' }, ...archWithBreaks(n.arch))),
    h('div', { class: 'actions' },
      isQuery || inFile
        ? h('vscode-button', { 'data-action': 'insert', 'data-i': i, secondary: true, 'aria-label': `Go to ${inFile ?? current?.query.name} in the document`, title: 'The document has this cell: show it' }, 'Go to cell')
        : h('vscode-button', { 'data-action': 'insert', 'data-i': i, 'aria-label': `Insert ${name} into the document`, title: 'Insert this cell into the .cells document' }, 'Insert'),
      h('vscode-button', { secondary: true, 'data-action': 'neighbours', 'data-i': i, 'aria-label': `Show the neighbours of ${name}`, title: 'Show the neighbours of this cell' }, 'Neighbours')));
}

/** One listener for all cards' buttons (vscode-button turns Enter / Space into a click too). */
function onCardAction(e: MouseEvent) {
  const button = (e.target as Element).closest('[data-action]');
  if (!button || !current || button.hasAttribute('disabled')) return;
  const n = current.neighbours[Number(button.getAttribute('data-i'))];
  if (!n) return;
  const name = rowCellName(n.spec.space, n.index);
  if (button.getAttribute('data-action') === 'insert') page.post({ type: 'insertCell', cell: rowCellText(name, n.spec, n.accuracies), name, spec: n.spec });
  else page.post({ type: 'showNeighbours', index: n.index, name });
}
