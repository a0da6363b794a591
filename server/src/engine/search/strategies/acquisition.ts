/**
 * Expected improvement and the normal-distribution functions it needs, accurate in the far tail.
 *
 * BO ranks the whole pool by EI; once a model is confident most candidates sit many standard
 * deviations below the target, where the textbook φ(u) + uΦ(u) cancels to garbage (or 0, giving
 * index-order ties). So the ranking uses log EI computed without cancellation (a continued fraction
 * for the Mills-ratio remainder), and Φ is computed to ~1e-15 rather than with the usual 1e-7 fit.
 */

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normPdf(u: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * u * u);
}

/** erf(x) for |x| < 3 by its Taylor series (≤ ~1e-14 absolute there). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/**
 * c(x) = 1/(x + 2/(x + 3/(x + ...))) for x ≥ 3, evaluated bottom-up. With it the Mills ratio is
 * R(x) = Φ(−x)/φ(x) = 1/(x + c(x)) and 1 − xR(x) = c/(x + c), both free of cancellation.
 */
function millsTail(x: number): number {
  let t = 0;
  for (let k = 120; k >= 2; k--) t = k / (x + t);
  return 1 / (x + t);
}

/** Standard normal CDF Φ(u). */
export function normCdf(u: number): number {
  if (u < -3) {
    const x = -u;
    return normPdf(u) / (x + millsTail(x));
  }
  if (u > 3) {
    const x = u;
    return 1 - normPdf(u) / (x + millsTail(x));
  }
  return 0.5 * (1 + erfSeries(u / SQRT2));
}

/** log(φ(u) + uΦ(u)), the log of EI per unit scale, stable for every u (−∞ only for u = −∞). */
export function logEiUnit(u: number): number {
  if (u < -3) {
    const x = -u;
    const c = millsTail(x);
    return -0.5 * u * u - LOG_SQRT_2PI + Math.log(c / (x + c));
  }
  return Math.log(normPdf(u) + u * normCdf(u));
}

/**
 * EI of a Gaussian prediction against target τ: s·(φ(u) + uΦ(u)), u = (μ − τ)/s. `s` is the
 * predictive σ for the standard form; the reference passes the variance here (see bo.ts). s ≤ 0
 * degenerates to the improvement max(μ − τ, 0).
 */
export function expectedImprovement(mean: number, scale: number, target: number): number {
  if (!(scale > 0)) return Math.max(mean - target, 0);
  return scale * Math.exp(logEiUnit((mean - target) / scale));
}

/** log EI, for ranking (monotone in EI, finite far into the tail). */
export function logExpectedImprovement(mean: number, scale: number, target: number): number {
  if (!(scale > 0)) return Math.log(Math.max(mean - target, 0));
  return Math.log(scale) + logEiUnit((mean - target) / scale);
}
