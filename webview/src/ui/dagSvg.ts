/** Draws a dag.ts layout as an SVG (styled by styles.css with theme variables). */
import type { CellSpec } from '../../../server/src/protocol';
import { layoutCell, type DagLayout } from '../dag';
import { svg } from './dom';

let markerId = 0;

export function dagSvg(spec: CellSpec, label: string): SVGElement {
  return drawLayout(layoutCell(spec), label);
}

function drawLayout(l: DagLayout, label: string): SVGElement {
  const id = `arrow-${++markerId}`;
  const root = svg('svg', { class: 'dag', viewBox: `0 0 ${l.width.toFixed(1)} ${l.height.toFixed(1)}`, role: 'img', 'aria-label': label });
  root.append(svg('title', {}, label));
  root.append(svg('defs', {}, svg('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
    svg('path', { class: 'arrow', d: 'M0,0 L10,5 L0,10 z' }))));
  for (const e of l.edges) {
    const a = l.nodes[e.from];
    const b = l.nodes[e.to];
    // End the curve at the node's rim, along the direction it arrives from (the control point).
    const end = towards(b, { x: e.cx, y: e.cy }, l.radius);
    const start = towards(a, { x: e.cx, y: e.cy }, l.radius);
    const cls = e.muted ? 'edge muted' : 'edge';
    const path = svg('path', { class: cls, d: `M${f(start.x)},${f(start.y)} Q${f(e.cx)},${f(e.cy)} ${f(end.x)},${f(end.y)}`, 'marker-end': `url(#${id})` });
    if (e.op) path.append(svg('title', {}, e.op));
    root.append(path);
  }
  for (const e of l.edges) {
    if (!e.label) continue;
    root.append(svg('text', { class: e.muted ? 'edge-label muted' : 'edge-label', x: f(e.lx), y: f(e.ly) }, e.label));
  }
  for (const n of l.nodes) {
    root.append(svg('g', { class: `node ${n.kind}` },
      svg('title', {}, n.title),
      svg('circle', { cx: f(n.x), cy: f(n.y), r: l.radius }),
      svg('text', { x: f(n.x), y: f(n.y) }, n.label)));
  }
  return root;
}

const f = (v: number) => v.toFixed(1);

function towards(p: { x: number; y: number }, q: { x: number; y: number }, r: number) {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const d = Math.hypot(dx, dy) || 1;
  return { x: p.x + (dx / d) * r, y: p.y + (dy / d) * r };
}
