/**
 * A uniform-grid spatial index over 2-D points (interleaved x,y float32) for the map's hover and click
 * hit-testing: built in O(n) with a counting sort, a query looks only at the cells the search circle
 * touches. Pure, so the tests exercise it without a browser.
 */
export class PointGrid {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly side: number;
  private readonly cellW: number;
  private readonly cellH: number;
  /** Points of cell c are items[start[c] .. start[c + 1]). */
  private readonly start: Uint32Array;
  private readonly items: Uint32Array;

  constructor(private readonly xy: Float32Array, readonly count: number) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (minX > maxX) minX = maxX = minY = maxY = 0;
    this.minX = minX; this.minY = minY; this.maxX = maxX; this.maxY = maxY;
    // About 4 points per cell on average; capped so the offsets stay small.
    this.side = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(count / 4))));
    this.cellW = (maxX - minX) / this.side || 1;
    this.cellH = (maxY - minY) / this.side || 1;
    const cells = this.side * this.side;
    const cellOf = new Int32Array(count);
    const start = new Uint32Array(cells + 1);
    for (let i = 0; i < count; i++) {
      const c = this.cellAt(xy[2 * i], xy[2 * i + 1]);
      cellOf[i] = c;
      if (c >= 0) start[c + 1]++;
    }
    for (let c = 0; c < cells; c++) start[c + 1] += start[c];
    const fill = start.slice(0, cells);
    const items = new Uint32Array(start[cells]);
    for (let i = 0; i < count; i++) if (cellOf[i] >= 0) items[fill[cellOf[i]]++] = i;
    this.start = start;
    this.items = items;
  }

  private col(x: number) {
    return Math.min(this.side - 1, Math.max(0, Math.floor((x - this.minX) / this.cellW)));
  }
  private row(y: number) {
    return Math.min(this.side - 1, Math.max(0, Math.floor((y - this.minY) / this.cellH)));
  }
  private cellAt(x: number, y: number): number {
    return Number.isFinite(x) && Number.isFinite(y) ? this.row(y) * this.side + this.col(x) : -1;
  }

  /**
   * The point nearest to (x, y) within `radius` (data units; `scaleY` stretches y distances when the
   * view's aspect differs), or -1. Ties go to the lower index, so the answer does not depend on order.
   */
  nearest(x: number, y: number, radius: number, scaleY = 1): number {
    if (!(radius > 0)) return -1;
    const ry = radius / scaleY;
    if (x + radius < this.minX || x - radius > this.maxX || y + ry < this.minY || y - ry > this.maxY) return -1;
    const c0 = this.col(x - radius), c1 = this.col(x + radius);
    const r0 = this.row(y - ry), r1 = this.row(y + ry);
    let best = -1;
    let bestD = radius * radius;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.side + c;
        for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
          const i = this.items[k];
          const dx = this.xy[2 * i] - x;
          const dy = (this.xy[2 * i + 1] - y) * scaleY;
          const d = dx * dx + dy * dy;
          if (d < bestD || (d === bestD && i < best)) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best;
  }
}
