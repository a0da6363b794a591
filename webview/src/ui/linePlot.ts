/**
 * A step-line plot on a canvas (best-so-far curves): axes with round ticks, one series per colour.
 * Redrawn whole on every call; the suggestions page calls it at most once per frame, and even
 * thousands of points take well under a millisecond.
 */
import { niceTicks, tickLabels } from '../ticks';
import { cssVar } from './theme';

export interface PlotSeries {
  label: string;
  color: string;
  /** In x order; y null = nothing yet (no successful evaluation). */
  points: { x: number; y: number | null }[];
}

export interface PlotOptions {
  xLabel: string;
  yLabel: string;
  /** The x extent to show at least (the budget); the evaluation that crosses it extends it a little. */
  xMax?: number | null;
  empty: string;
}

const MARGIN = { left: 52, right: 14, top: 10, bottom: 38 };

export function drawLinePlot(canvas: HTMLCanvasElement, series: PlotSeries[], o: PlotOptions) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const hgt = canvas.clientHeight;
  if (w === 0 || hgt === 0) return;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hgt * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, hgt);

  const fg = cssVar('--vscode-foreground', '#cccccc');
  const muted = cssVar('--vscode-descriptionForeground', fg);
  const grid = cssVar('--vscode-charts-lines', cssVar('--vscode-editorWidget-border', muted));
  const font = cssVar('--vscode-font-family', 'sans-serif');
  ctx.font = `11px ${font}`;

  let xMax = o.xMax ?? 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      if (p.x > xMax) xMax = p.x;
      if (p.y === null || !Number.isFinite(p.y)) continue;
      if (p.y < yMin) yMin = p.y;
      if (p.y > yMax) yMax = p.y;
    }
  }
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = hgt - MARGIN.top - MARGIN.bottom;
  if (!(xMax > 0)) xMax = 1;
  if (yMin > yMax) [yMin, yMax] = [0, 100];
  // Pad the y range so the curves do not sit on the frame; keep at least half a point of range.
  const pad = Math.max(0.25, (yMax - yMin) * 0.08);
  yMin -= pad;
  yMax += pad;
  const X = (x: number) => MARGIN.left + (x / xMax) * plotW;
  const Y = (y: number) => MARGIN.top + (1 - (y - yMin) / (yMax - yMin)) * plotH;

  // Grid and ticks.
  ctx.lineWidth = 1;
  ctx.strokeStyle = grid;
  ctx.fillStyle = muted;
  ctx.globalAlpha = 0.5;
  const yTicks = niceTicks(yMin, yMax, Math.max(2, Math.floor(plotH / 40)));
  const xTicks = niceTicks(0, xMax, Math.max(2, Math.floor(plotW / 90)));
  ctx.beginPath();
  for (const t of yTicks) {
    ctx.moveTo(MARGIN.left, Math.round(Y(t)) + 0.5);
    ctx.lineTo(MARGIN.left + plotW, Math.round(Y(t)) + 0.5);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  tickLabels(yTicks).forEach((label, i) => ctx.fillText(label, MARGIN.left - 6, Y(yTicks[i])));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  tickLabels(xTicks).forEach((label, i) => ctx.fillText(label, X(xTicks[i]), MARGIN.top + plotH + 6));
  ctx.strokeStyle = muted;
  ctx.beginPath();
  ctx.moveTo(MARGIN.left + 0.5, MARGIN.top);
  ctx.lineTo(MARGIN.left + 0.5, MARGIN.top + plotH + 0.5);
  ctx.lineTo(MARGIN.left + plotW, MARGIN.top + plotH + 0.5);
  ctx.stroke();

  // Axis titles.
  ctx.fillStyle = fg;
  ctx.fillText(o.xLabel, MARGIN.left + plotW / 2, hgt - 14);
  ctx.save();
  ctx.translate(12, MARGIN.top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(o.yLabel, 0, 0);
  ctx.restore();

  // Best-so-far is a step function: it holds its value until the next improvement.
  let drawn = false;
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    let started = false;
    let lastY = 0;
    for (const p of s.points) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      const px = X(p.x);
      const py = Y(p.y);
      if (!started) ctx.moveTo(px, py);
      else {
        ctx.lineTo(px, lastY);
        ctx.lineTo(px, py);
      }
      started = true;
      lastY = py;
    }
    if (started) {
      drawn = true;
      ctx.stroke();
    }
  }
  if (!drawn) {
    ctx.fillStyle = muted;
    ctx.textBaseline = 'middle';
    ctx.fillText(o.empty, MARGIN.left + plotW / 2, MARGIN.top + plotH / 2);
  }
}
