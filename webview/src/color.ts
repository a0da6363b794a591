/** Colour parsing and the map's colour scale. Pure (the canvas code feeds it computed theme colours). */

export type Rgba = [number, number, number, number];

/** `#rgb[a]`, `#rrggbb[aa]`, `rgb()` / `rgba()` → [r, g, b, a] in 0–255; anything else → the fallback. */
export function parseColor(s: string, fallback: Rgba = [128, 128, 128, 255]): Rgba {
  s = s.trim();
  let m = /^#([0-9a-f]{3,8})$/i.exec(s);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) hex = [...hex].map((c) => c + c).join('');
    if (hex.length === 6) hex += 'ff';
    if (hex.length === 8) return [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgba;
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [+m[1], +m[2], +m[3], Math.round(a * 255)];
  }
  return fallback;
}

export const cssRgba = ([r, g, b, a]: Rgba) => `rgba(${r}, ${g}, ${b}, ${+(a / 255).toFixed(3)})`;

/** A lookup table of `n` colours (RGBA bytes) interpolated linearly through evenly spaced stops. */
export function rampLut(stops: readonly Rgba[], n = 256): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const t = (i / (n - 1)) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 4; c++) lut[i * 4 + c] = stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f;
  }
  return lut;
}

/**
 * A colour scale by rank (histogram equalisation): a value's colour is its position among the finite
 * values, so a skewed distribution still uses the whole ramp. NAS-Bench-201's CIFAR-10 accuracies
 * are the case in point: 2 % of cells sit at 10 % (diverged), 70 % above 88 %, and a linear scale
 * would paint nearly everything the same colour. The legend labels the ramp with quantiles.
 */
export interface RankScale {
  /** Ramp position 0..1 of a value, or NaN for a non-finite one. */
  position(v: number): number;
  /** The value at quantile q (0..1) of the finite values. */
  quantile(q: number): number;
  /** Finite values seen; 0 means nothing to colour. */
  count: number;
}

export function rankScale(values: Float32Array): RankScale {
  const sorted = values.filter((v) => Number.isFinite(v)).sort();
  const n = sorted.length;
  return {
    count: n,
    position(v) {
      if (!Number.isFinite(v) || n === 0) return NaN;
      // Lower bound: equal values share the colour of the first of them.
      let lo = 0, hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      return n === 1 ? 0.5 : Math.min(1, lo / (n - 1));
    },
    quantile: (q) => (n ? sorted[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))] : NaN),
  };
}
