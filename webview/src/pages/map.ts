/**
 * Latent-space map: every cell of the model's table projected to 2-D (PCA of the embeddings),
 * coloured by a benchmark value, with the open file's cells marked on top. Drag to pan, wheel or
 * +/- to zoom; hovering a point asks the host for its details; clicking opens its neighbours.
 */
import '../ui/litNonce';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { rankScale, type RankScale } from '../color';
import { accuracyLabel, compactCount, modelLabel, percent, splitAccuracies } from '../format';
import { base64ToFloat32, type HostMessage, type MapPoint, type MapState, type MapTable, type MapTableCell } from '../messages';
import css from '../styles.css';
import { adoptCss, fill, h } from '../ui/dom';
import { startPage } from '../ui/page';
import { ScatterView, type Hit } from '../ui/scatter';
import { onThemeChange } from '../ui/theme';

adoptCss(css);

type PointInfo = Extract<HostMessage, { type: 'pointInfo' }>;

/** Hovering this long over a point asks the host for its details (moving on cancels the ask). */
const INFO_DELAY_MS = 120;
const KEY_PAN_PX = 40;

let current: MapState | undefined;
/** The decoded arrays' source strings and what the legend needs of the colour values. */
let shown: { coords: string; xy: Float32Array; color?: string; scale: RankScale | null; hasUnknown: boolean } | undefined;
let colorSelect: HTMLSelectElement;
let scatter: ScatterView | undefined;
let wrap: HTMLElement;
let tooltip: HTMLElement;
let legend: HTMLElement;
let infoTimer: ReturnType<typeof setTimeout> | undefined;
let requestId = 0;
let hovered: Hit | null = null;
const infoCache = new Map<number, PointInfo>();

const page = startPage({ view: 'map', render, onPointInfo });
onThemeChange(() => {
  scatter?.readTheme();
  if (current) renderLegend(current);
});

function render(state: MapState) {
  // The host re-sends its own state (it does not know the user's colouring): keep the pick for the same table.
  if (state.colorKey === undefined && current?.colorKey && current.coords === state.coords) state = { ...state, colorKey: current.colorKey };
  const first = !scatter;
  current = state;
  if (first) skeleton();
  const header = document.getElementById('map-header')!;
  const [ex, ey] = state.explained;
  header.replaceChildren(
    h('h1', {}, `Latent space · ${state.space}`),
    h('p', { class: 'muted' }, `${state.count.toLocaleString()} cells · `, h('span', { title: state.model }, modelLabel(state.model, state.space))),
    ...(state.table ? [h('p', { class: 'muted', title: state.table.file }, tableSummary(state.table))] : []),
    h('p', { class: 'projection' }, `PCA · explained ${(ex * 100).toFixed(1)}% / ${(ey * 100).toFixed(1)}%`));
  document.title = `Latent space · ${state.space}`;

  const colouring = activeColouring(state);
  if (!shown || shown.coords !== state.coords || shown.color !== colouring?.values) {
    const xy = shown?.coords === state.coords ? shown.xy : base64ToFloat32(state.coords);
    if (xy.length < 2 * state.count) throw new Error(`the map has ${state.count} points but ${xy.length / 2} coordinates`);
    const color = colouring ? base64ToFloat32(colouring.values).subarray(0, state.count) : undefined;
    const scale = color ? rankScale(color) : null;
    const sameTable = shown?.coords === state.coords;
    scatter!.setData({ xy, count: state.count, color, scale: scale ?? undefined, highlights: state.highlights });
    shown = { coords: state.coords, xy, color: colouring?.values, scale, hasUnknown: !!color?.some((v) => !Number.isFinite(v)) };
    if (!sameTable) infoCache.clear();
    if (state.viewport && !sameTable) scatter!.setViewport(state.viewport);
  } else {
    scatter!.setHighlights(state.highlights);
  }
  // The host re-sends its own state (it does not know the view): keep the user's pan/zoom in what is saved.
  const view = scatter!.viewport();
  if (view && !state.viewport) page.save({ ...state, viewport: view });
  renderColourChoice(state);
  renderLegend(state);
  renderHighlightList(state.highlights);
}

interface Colouring {
  key: string;
  label: string;
  values: string;
  /** Counts (params, FLOPs) are labelled 1.2 M; table values as they are. */
  counts: boolean;
}

/** What the map can be coloured by: the user's table, the benchmark column the host sent, then the structural layers (params, FLOPs). */
function colourings(state: MapState): Colouring[] {
  const out: Colouring[] = [];
  if (state.table) out.push({ key: 'usertable', label: state.table.label, values: state.table.values, counts: false });
  if (state.color) out.push({ key: 'table', label: state.colorLabel ? accuracyLabel(state.colorLabel) : 'benchmark value', values: state.color, counts: false });
  for (const l of state.colorLayers ?? []) out.push({ key: l.key, label: l.label, values: l.values, counts: true });
  return out;
}

/** The user's pick, else their own table, else the benchmark table, else the first structural layer (spaces without a table). */
function activeColouring(state: MapState): Colouring | undefined {
  const all = colourings(state);
  return all.find((c) => c.key === state.colorKey) ?? all[0];
}

function renderColourChoice(state: MapState) {
  const all = colourings(state);
  const active = activeColouring(state);
  colorSelect.hidden = all.length < 2;
  colorSelect.parentElement!.hidden = all.length < 2;
  const key = all.map((c) => `${c.key}:${c.label}`).join('|');
  if (colorSelect.dataset.options !== key) {
    colorSelect.replaceChildren(...all.map((c) => h('option', { value: c.key }, c.label)));
    colorSelect.dataset.options = key;
  }
  if (active) colorSelect.value = active.key;
}

/** The user picked another colouring: redraw (same points, same view) and keep the choice with the state. */
function onColourChange() {
  if (!current) return;
  current = { ...current, colorKey: colorSelect.value };
  const view = scatter?.viewport();
  page.save(view ? { ...current, viewport: view } : current);
  render(current);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** Saves the view with the state a moment after the user stops moving it (pans fire per mouse move). */
function saveViewSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    if (!current) return;
    const { viewport: _old, ...rest } = current;
    const view = scatter?.viewport();
    current = view ? { ...rest, viewport: view } : rest;
    page.save(current);
  }, 200);
}

function skeleton() {
  tooltip = h('div', { class: 'tooltip', role: 'tooltip', id: 'map-tooltip', hidden: true });
  wrap = h('div', {
    class: 'map-wrap', tabindex: 0, role: 'application', 'aria-roledescription': 'scatter plot',
    'aria-label': 'Latent-space map. Drag or arrow keys to pan, wheel or plus and minus to zoom, 0 to reset.',
    'aria-describedby': 'map-tooltip',
  }, tooltip);
  legend = h('div', { class: 'color-legend toolbar', 'aria-label': 'Colour scale' });
  colorSelect = h('select', { id: 'map-colour', class: 'select', onchange: onColourChange }) as HTMLSelectElement;
  const button = (label: string, aria: string, onclick: () => void) => h('vscode-button', { secondary: true, 'aria-label': aria, title: aria, onclick }, label);
  document.getElementById('root')!.replaceChildren(
    h('header', { id: 'map-header' }),
    h('div', { class: 'toolbar' },
      h('label', { class: 'colour-choice', for: 'map-colour' }, 'Colour by ', colorSelect),
      legend,
      h('span', { class: 'spacer' }),
      button('+', 'Zoom in (+)', () => scatter!.zoom(1.5)),
      button('−', 'Zoom out (-)', () => scatter!.zoom(1 / 1.5)),
      button('Reset view', 'Reset the view (0)', () => scatter!.reset())),
    wrap,
    h('section', { id: 'highlights', 'aria-label': 'Cells of the file' }));
  scatter = new ScatterView(wrap);
  scatter.onViewChange = saveViewSoon;
  wirePointer();
  wrap.addEventListener('keydown', onKey);
}

/** Quantiles labelled under the colour bar (the ramp is by rank, so these are evenly spaced). */
const LEGEND_QUANTILES = [0, 0.25, 0.5, 0.75, 1];

function renderLegend(state: MapState) {
  if (!shown?.color || !scatter || !shown?.scale?.count) {
    legend.replaceChildren(h('span', { class: 'muted' }, shown?.color ? 'No known values to colour by' : 'Points: cells of the table'));
    return;
  }
  const { scale, hasUnknown } = shown;
  const colouring = activeColouring(state);
  const label = colouring?.label ?? 'value';
  const fmt = (v: number) => (colouring?.counts ? compactCount(v) : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1));
  const bar = h('span', { class: 'color-bar', role: 'img', 'aria-label': `${label}, by rank: ${LEGEND_QUANTILES.map((q) => `${q * 100}th percentile ${fmt(scale.quantile(q))}`).join(', ')}` });
  bar.style.background = `linear-gradient(to right, ${scatter.rampCss().join(', ')})`;
  const unknown = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  unknown.style.background = scatter.unknownCss();
  fill(legend,
    h('span', { title: 'Colours are by rank: each quarter of the bar holds a quarter of the cells' }, label),
    h('span', { class: 'color-scale' }, bar, h('span', { class: 'color-ticks mono', 'aria-hidden': 'true' }, ...LEGEND_QUANTILES.map((q) => h('span', {}, fmt(scale.quantile(q)))))),
    hasUnknown ? h('span', {}, unknown, ' unknown') : null);
}

function renderHighlightList(points: MapPoint[]) {
  const section = document.getElementById('highlights')!;
  if (!points.length) {
    section.replaceChildren();
    return;
  }
  section.replaceChildren(
    h('h2', {}, 'Cells of the file'),
    h('ul', { class: 'legend' }, ...points.map((p, i) => h('li', {},
      h('vscode-button', { secondary: true, 'data-highlight': i, 'aria-label': highlightActionLabel(p), title: highlightActionLabel(p), onclick: () => activateHighlight(p) }, p.name)))));
}

const highlightActionLabel = (p: MapPoint) => (p.line ? `Go to ${p.name} (line ${p.line})` : `Show the neighbours of ${p.name}`);

function activateHighlight(p: MapPoint) {
  if (p.line) page.post({ type: 'revealLine', line: p.line });
  else if (p.index !== null) page.post({ type: 'showNeighbours', index: p.index, name: p.name });
}

// ---------------------------------------------------------------------------------------------
// Pointer, wheel and keyboard
// ---------------------------------------------------------------------------------------------

function wirePointer() {
  let down: { x: number; y: number; lastX: number; lastY: number; dragging: boolean } | null = null;
  const local = (e: MouseEvent) => {
    const r = wrap.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  wrap.addEventListener('pointerdown', (e) => {
    const p = local(e);
    down = { ...p, lastX: p.x, lastY: p.y, dragging: false };
    wrap.setPointerCapture(e.pointerId);
  });
  wrap.addEventListener('pointermove', (e) => {
    const p = local(e);
    if (down) {
      if (!down.dragging && Math.hypot(p.x - down.x, p.y - down.y) > 3) {
        down.dragging = true;
        wrap.classList.add('dragging');
        hideTooltip();
      }
      if (down.dragging) {
        scatter!.pan(p.x - down.lastX, p.y - down.lastY);
        down.lastX = p.x;
        down.lastY = p.y;
        return;
      }
    }
    hover(p.x, p.y);
  });
  wrap.addEventListener('pointerup', (e) => {
    const p = local(e);
    const wasClick = down && !down.dragging;
    down = null;
    wrap.classList.remove('dragging');
    if (wasClick) click(p.x, p.y);
  });
  wrap.addEventListener('pointerleave', () => {
    if (!down) hideTooltip();
  });
  wrap.addEventListener('wheel', (e) => {
    e.preventDefault();
    const p = local(e);
    scatter!.zoom(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), p.x, p.y);
    hideTooltip();
  }, { passive: false });
}

function onKey(e: KeyboardEvent) {
  const s = scatter!;
  const actions: Record<string, () => void> = {
    '+': () => s.zoom(1.5), '=': () => s.zoom(1.5), '-': () => s.zoom(1 / 1.5), _: () => s.zoom(1 / 1.5), '0': () => s.reset(),
    ArrowLeft: () => s.pan(KEY_PAN_PX, 0), ArrowRight: () => s.pan(-KEY_PAN_PX, 0), ArrowUp: () => s.pan(0, KEY_PAN_PX), ArrowDown: () => s.pan(0, -KEY_PAN_PX),
  };
  const act = actions[e.key];
  if (!act || e.ctrlKey || e.metaKey || e.altKey) return;
  e.preventDefault();
  hideTooltip();
  act();
}

function click(px: number, py: number) {
  const hit = scatter!.hitTest(px, py);
  if (!hit || !current) return;
  if (hit.kind === 'highlight') activateHighlight(current.highlights[hit.index]);
  else {
    const cell = tableCellAt(current, hit.index);
    page.post(cell ? { type: 'showNeighbours', spec: cell.spec, name: cell.name } : { type: 'showNeighbours', index: hit.index });
  }
}

/** The user's table cell drawn as point `index`, when it is one of the points appended after the model's table. */
function tableCellAt(state: MapState, index: number): MapTableCell | undefined {
  return state.table && index >= state.table.poolCount ? state.table.cells[index - state.table.poolCount] : undefined;
}

/** The user's table value of point `index` (NaN: none), decoded once per table. */
let tableValues: { src: string; values: Float32Array } | undefined;
function tableValueAt(state: MapState, index: number): number {
  if (!state.table) return NaN;
  if (tableValues?.src !== state.table.values) tableValues = { src: state.table.values, values: base64ToFloat32(state.table.values) };
  return tableValues.values[index] ?? NaN;
}

function tableSummary(t: MapTable): string {
  const name = t.file.split(/[\\/]/).pop();
  const outside = t.cells.length;
  return `Your table ${name}: ${(t.inPool + outside).toLocaleString()} cells` + (outside ? ` (${outside.toLocaleString()} outside the model's ${t.poolCount.toLocaleString()}, added as points)` : '');
}

// ---------------------------------------------------------------------------------------------
// Tooltip
// ---------------------------------------------------------------------------------------------

function hover(px: number, py: number) {
  const hit = scatter!.hitTest(px, py);
  const same = hit && hovered && hit.kind === hovered.kind && hit.index === hovered.index;
  hovered = hit;
  if (!hit || !current) {
    hideTooltip();
    return;
  }
  placeTooltip(px, py);
  if (same) return;
  clearTimeout(infoTimer);
  if (hit.kind === 'highlight') {
    const p = current.highlights[hit.index];
    showTooltip(h('strong', {}, p.name), h('div', { class: 'muted' }, p.line ? `line ${p.line} · click to go to it` : p.index !== null ? `table row ${p.index}` : 'from this file'));
    return;
  }
  const cell = tableCellAt(current, hit.index);
  if (cell) {
    showTooltip(
      h('strong', {}, `Your table, ${cell.name}`),
      h('div', { class: 'arch' }, cell.arch),
      h('div', {}, `Reward: ${percent(cell.reward)}`),
      ...(cell.accuracy !== cell.reward ? [h('div', {}, `Accuracy: ${percent(cell.accuracy)}`)] : []),
      h('div', { class: 'muted' }, 'Not in the model\'s table · click for its neighbours'));
    return;
  }
  const cached = infoCache.get(hit.index);
  if (cached) {
    showInfo(cached);
    return;
  }
  showTooltip(h('strong', {}, `Cell ${hit.index}`), h('div', { class: 'muted' }, 'Loading…'));
  const index = hit.index;
  infoTimer = setTimeout(() => page.post({ type: 'pointInfo', requestId: ++requestId, index }), INFO_DELAY_MS);
}

function onPointInfo(info: PointInfo) {
  infoCache.set(info.index, info);
  if (infoCache.size > 1000) infoCache.delete(infoCache.keys().next().value!);
  if (hovered?.kind === 'point' && hovered.index === info.index) showInfo(info);
}

function showInfo(info: PointInfo) {
  const { primary, other } = splitAccuracies(info.accuracies);
  showTooltip(
    h('strong', {}, `Cell ${info.index}`),
    h('div', { class: 'arch' }, info.arch),
    ...[...primary, ...other.slice(0, 2)].map(([k, v]) => h('div', {}, `${accuracyLabel(k)}: ${percent(v)}`)),
    ...(current && Number.isFinite(tableValueAt(current, info.index)) ? [h('div', {}, `Your table: ${percent(tableValueAt(current, info.index))}`)] : []),
    h('div', { class: 'muted' }, 'Click for its neighbours'));
}

function showTooltip(...children: HTMLElement[]) {
  tooltip.replaceChildren(...children);
  tooltip.hidden = false;
}

function placeTooltip(px: number, py: number) {
  const w = wrap.clientWidth;
  const hgt = wrap.clientHeight;
  // Right of and below the pointer, flipped when it would leave the map.
  const tw = tooltip.offsetWidth || 240;
  const th = tooltip.offsetHeight || 60;
  tooltip.style.left = `${px + 14 + tw > w ? Math.max(0, px - 14 - tw) : px + 14}px`;
  tooltip.style.top = `${py + 14 + th > hgt ? Math.max(0, py - 14 - th) : py + 14}px`;
}

function hideTooltip() {
  clearTimeout(infoTimer);
  hovered = null;
  tooltip.hidden = true;
}
