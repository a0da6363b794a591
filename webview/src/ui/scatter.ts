/**
 * The latent-space scatter: hundreds of thousands of points on one canvas. Points are written as
 * pixel blocks into an ImageData (no per-point canvas calls), the few highlighted cells are drawn on
 * top with the 2-D API, and nothing is redrawn except after pan, zoom, resize or a theme change
 * (coalesced to one frame). Hover and click hit-test through a PointGrid.
 */
import { cssRgba, parseColor, rampLut, type RankScale, type Rgba } from '../color';
import { PointGrid } from '../pointGrid';
import { cssVar } from './theme';

export interface Highlight {
  name: string;
  x: number;
  y: number;
}

export type Hit = { kind: 'point'; index: number } | { kind: 'highlight'; index: number };

export interface ScatterData {
  xy: Float32Array;
  count: number;
  /** Per-point colour value (NaN = unknown) and the scale that places values on the ramp. */
  color?: Float32Array;
  scale?: RankScale;
  highlights: Highlight[];
}

/** Screen radius (CSS px) within which the pointer hits a point or a highlight. */
const HIT_PX = 6;
const HIGHLIGHT_HIT_PX = 9;
const RAMP_SIZE = 256;

/** Data point at the canvas centre and CSS px per data unit. */
export interface Viewport {
  cx: number;
  cy: number;
  scale: number;
}

export class ScatterView {
  readonly canvas: HTMLCanvasElement;
  private data?: ScatterData;
  private grid?: PointGrid;
  /**
   * The points in drawing order (unknown first, high values last), stored contiguously so the
   * per-frame loop reads memory sequentially: coordinates, ramp slot (-1 = unknown) and the
   * slot's current theme colour as a packed pixel.
   */
  private xyOrdered = new Float32Array(0);
  private slotOrdered = new Int16Array(0);
  private pixelOrdered = new Uint32Array(0);
  private lut = new Uint32Array(RAMP_SIZE);
  private unknown = 0;
  private image?: ImageData;
  // View: data point (cx, cy) at the canvas centre, `scale` CSS px per data unit.
  private cx = 0;
  private cy = 0;
  private scale = 1;
  /** The view fits the data (and re-fits on resize) until the user pans or zooms. */
  private follow = true;
  private frame = 0;

  constructor(private readonly container: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    container.prepend(this.canvas);
    new ResizeObserver(() => this.requestDraw()).observe(container);
  }

  setData(d: ScatterData) {
    // A different table (another model) starts from the fitted view; the same one keeps pan and zoom.
    if (this.data?.count !== d.count) this.follow = true;
    this.data = d;
    this.grid = new PointGrid(d.xy, d.count);
    const slot = new Int16Array(d.count);
    // Counting sort by colour slot: unknown first, best (highest) last, so good regions stay visible.
    const groupSize = new Uint32Array(RAMP_SIZE + 1); // group = slot + 1
    for (let i = 0; i < d.count; i++) {
      const t = d.color && d.scale ? d.scale.position(d.color[i]) : NaN;
      const s = Number.isNaN(t) ? -1 : Math.round(t * (RAMP_SIZE - 1));
      slot[i] = s;
      groupSize[s + 1]++;
    }
    const next = new Uint32Array(RAMP_SIZE + 1);
    for (let g = 1; g <= RAMP_SIZE; g++) next[g] = next[g - 1] + groupSize[g - 1];
    this.xyOrdered = new Float32Array(2 * d.count);
    this.slotOrdered = new Int16Array(d.count);
    this.pixelOrdered = new Uint32Array(d.count);
    for (let i = 0; i < d.count; i++) {
      const n = next[slot[i] + 1]++;
      this.xyOrdered[2 * n] = d.xy[2 * i];
      this.xyOrdered[2 * n + 1] = d.xy[2 * i + 1];
      this.slotOrdered[n] = slot[i];
    }
    this.readTheme();
  }

  /** New markers for the file's cells, keeping the points and the view. */
  setHighlights(highlights: Highlight[]) {
    if (this.data) this.data = { ...this.data, highlights };
    this.requestDraw();
  }

  /** Re-reads the theme's colours (call after a theme change). */
  readTheme() {
    const stops: Rgba[] = [
      parseColor(cssVar('--vscode-charts-blue', '#3794ff')),
      parseColor(cssVar('--vscode-charts-green', '#89d185')),
      parseColor(cssVar('--vscode-charts-yellow', '#cca700')),
    ];
    const ramp = rampLut(stops, RAMP_SIZE);
    for (let i = 0; i < RAMP_SIZE; i++) this.lut[i] = pack(ramp[i * 4], ramp[i * 4 + 1], ramp[i * 4 + 2], 255);
    // Unknown values in the neutral foreground, half opaque; without a colour value, every point in one chart colour.
    const neutral = parseColor(cssVar('--vscode-descriptionForeground', '#999999'));
    const plain = parseColor(cssVar('--vscode-charts-blue', '#3794ff'));
    this.unknown = this.data?.color ? pack(neutral[0], neutral[1], neutral[2], 150) : pack(plain[0], plain[1], plain[2], 220);
    for (let n = 0; n < this.slotOrdered.length; n++) this.pixelOrdered[n] = this.slotOrdered[n] < 0 ? this.unknown : this.lut[this.slotOrdered[n]];
    this.requestDraw();
  }

  /** The ramp's colours for a legend (CSS colours, low to high). */
  rampCss(stops = 5): string[] {
    return Array.from({ length: stops }, (_, k) => {
      const v = this.lut[Math.round((k / (stops - 1)) * (RAMP_SIZE - 1))];
      return cssRgba([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, 255]);
    });
  }

  unknownCss(): string {
    const v = this.unknown;
    return cssRgba([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24]);
  }

  /** Called after the user pans, zooms or resets (the page saves the view with its state). */
  onViewChange?: (view: Viewport | null) => void;

  /** Fit all points in view (and keep fitting on resize). */
  reset() {
    this.follow = true;
    this.requestDraw();
    this.onViewChange?.(null);
  }

  /** The user's view, or null while it follows the fitted view. */
  viewport(): Viewport | null {
    return this.follow ? null : { cx: this.cx, cy: this.cy, scale: this.scale };
  }

  /** Restores a saved view (after setData). */
  setViewport(v: Viewport) {
    if (![v.cx, v.cy, v.scale].every(Number.isFinite) || v.scale <= 0) return;
    this.follow = false;
    this.cx = v.cx;
    this.cy = v.cy;
    this.scale = v.scale;
    this.requestDraw();
  }

  private fit() {
    const g = this.grid;
    if (!g) return;
    this.cx = (g.minX + g.maxX) / 2;
    this.cy = (g.minY + g.maxY) / 2;
    this.scale = this.fitScale();
  }

  /** Zoom by `factor` keeping the data point under (px, py) (CSS px; default the centre) in place. */
  zoom(factor: number, px?: number, py?: number) {
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    px ??= w / 2;
    py ??= h / 2;
    this.follow = false;
    const [dx, dy] = this.toData(px, py);
    this.scale = Math.max(1e-6, Math.min(1e9, this.scale * factor));
    // Solve for the centre that maps (dx, dy) back to (px, py).
    this.cx = dx - (px - w / 2) / this.scale;
    this.cy = dy + (py - h / 2) / this.scale;
    this.requestDraw();
    this.onViewChange?.(this.viewport());
  }

  /** Pan by a screen offset (CSS px). */
  pan(ddx: number, ddy: number) {
    this.follow = false;
    this.cx -= ddx / this.scale;
    this.cy += ddy / this.scale;
    this.requestDraw();
    this.onViewChange?.(this.viewport());
  }

  toData(px: number, py: number): [number, number] {
    return [this.cx + (px - this.container.clientWidth / 2) / this.scale, this.cy - (py - this.container.clientHeight / 2) / this.scale];
  }

  toScreen(x: number, y: number): [number, number] {
    return [(x - this.cx) * this.scale + this.container.clientWidth / 2, this.container.clientHeight / 2 - (y - this.cy) * this.scale];
  }

  /** What is under (px, py): a highlight first (they are few and drawn on top), else the nearest point. */
  hitTest(px: number, py: number): Hit | null {
    const d = this.data;
    if (!d || !this.grid) return null;
    let best = -1;
    let bestD = HIGHLIGHT_HIT_PX * HIGHLIGHT_HIT_PX;
    d.highlights.forEach((hl, i) => {
      const [sx, sy] = this.toScreen(hl.x, hl.y);
      const dd = (sx - px) ** 2 + (sy - py) ** 2;
      if (dd <= bestD) {
        bestD = dd;
        best = i;
      }
    });
    if (best >= 0) return { kind: 'highlight', index: best };
    const [x, y] = this.toData(px, py);
    const i = this.grid.nearest(x, y, HIT_PX / this.scale);
    return i >= 0 ? { kind: 'point', index: i } : null;
  }

  requestDraw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    if (w === 0 || h === 0) return;
    if (this.follow) this.fit();
    const W = Math.round(w * dpr);
    const H = Math.round(h * dpr);
    const ctx = this.canvas.getContext('2d')!;
    if (this.canvas.width !== W || this.canvas.height !== H) {
      this.canvas.width = W;
      this.canvas.height = H;
    }
    if (!this.image || this.image.width !== W || this.image.height !== H) this.image = ctx.createImageData(W, H);
    const px = new Uint32Array(this.image.data.buffer);
    px.fill(0);
    const d = this.data;
    if (d) {
      // Blocks of 2 device px for big sets, larger when zoomed in past the fitted scale or when few.
      const base = d.count > 50_000 ? 2 : 3;
      const size = Math.max(base, Math.min(Math.round(5 * dpr), Math.round(base * Math.sqrt(this.scale / this.fitScale()))));
      const half = size >> 1;
      const k = this.scale * dpr;
      const ox = W / 2 - this.cx * k;
      const oy = H / 2 + this.cy * k;
      const xy = this.xyOrdered;
      const colors = this.pixelOrdered;
      for (let n = 0; n < d.count; n++) {
        const sx = Math.round(xy[2 * n] * k + ox) - half;
        const sy = Math.round(oy - xy[2 * n + 1] * k) - half;
        // Off-screen or NaN coordinates (NaN fails every comparison, so test the inside).
        if (!(sx > -size && sy > -size && sx < W && sy < H)) continue;
        const c = colors[n];
        const x0 = Math.max(0, sx);
        const x1 = Math.min(W, sx + size);
        const y1 = Math.min(H, sy + size);
        for (let yy = Math.max(0, sy); yy < y1; yy++) {
          const row = yy * W;
          for (let xx = x0; xx < x1; xx++) px[row + xx] = c;
        }
      }
    }
    ctx.putImageData(this.image, 0, 0);
    if (d) this.drawHighlights(ctx, dpr, d.highlights);
  }

  private fitScale(): number {
    const g = this.grid!;
    return 0.92 * Math.min((this.container.clientWidth || 1) / (g.maxX - g.minX || 1), (this.container.clientHeight || 1) / (g.maxY - g.minY || 1));
  }

  private drawHighlights(ctx: CanvasRenderingContext2D, dpr: number, highlights: Highlight[]) {
    if (!highlights.length) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const fill = cssVar('--vscode-charts-red', '#f14c4c');
    const halo = cssVar('--vscode-editor-background', '#1e1e1e');
    const fg = cssVar('--vscode-foreground', '#cccccc');
    ctx.font = `600 12px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const hl of highlights) {
      const [x, y] = this.toScreen(hl.x, hl.y);
      // A diamond with a halo: distinct from the square table points in shape as well as colour.
      ctx.beginPath();
      ctx.moveTo(x, y - 7);
      ctx.lineTo(x + 7, y);
      ctx.lineTo(x, y + 7);
      ctx.lineTo(x - 7, y);
      ctx.closePath();
      ctx.lineWidth = 3;
      ctx.strokeStyle = halo;
      ctx.stroke();
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = fg;
      ctx.stroke();
      ctx.lineWidth = 3;
      ctx.strokeStyle = halo;
      ctx.strokeText(hl.name, x + 10, y);
      ctx.fillStyle = fg;
      ctx.fillText(hl.name, x + 10, y);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }
}

/** RGBA bytes as one little-endian Uint32 pixel of an ImageData. */
const pack = (r: number, g: number, b: number, a: number) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
