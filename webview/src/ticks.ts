/** Axis ticks for the plots. Pure. */

/** About `count` round tick values (1, 2, 5 × 10^k steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  if (min > max) [min, max] = [max, min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // d3's thresholds: round to the 1-2-5 step nearest (geometrically) to the raw step.
  const e = raw / mag;
  const step = mag * (e >= Math.sqrt(50) ? 10 : e >= Math.sqrt(10) ? 5 : e >= Math.SQRT2 ? 2 : 1);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** A tick label without float noise: as many decimals as the step needs. */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(Math.abs(step) || 1))));
  const s = v.toFixed(decimals);
  // Large budgets (simulated seconds) read better as 12k than 12000.
  return Math.abs(v) >= 10_000 && decimals === 0 ? `${+(v / 1000).toFixed(1)}k` : s;
}
