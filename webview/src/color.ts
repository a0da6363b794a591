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
 * The range the colour scale spans: the `lo`–`hi` quantiles of the finite values, so a few outliers
 * (NB201's diverged cells at 10 %) do not wash out the rest. Null when there are no finite values.
 */
export function colorDomain(values: Float32Array, lo = 0.02, hi = 0.98): [number, number] | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return null;
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  const a = at(lo);
  const b = at(hi);
  return a < b ? [a, b] : [finite[0], finite[finite.length - 1] > finite[0] ? finite[finite.length - 1] : finite[0] + 1];
}
