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

/**
 * Labels for a tick sequence, formatted alike: as many decimals as the step needs, and thousands as
 * "k" for the whole axis once its largest tick reaches 10,000 (budgets in simulated seconds).
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0] ?? 1) || 1;
  const largest = Math.max(0, ...ticks.map(Math.abs));
  if (largest >= 10_000 && step >= 100) {
    const decimals = Math.max(0, -Math.floor(Math.log10(step / 1000)));
    return ticks.map((v) => (v === 0 ? '0' : `${(v / 1000).toFixed(decimals)}k`));
  }
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
  return ticks.map((v) => v.toFixed(decimals));
}
