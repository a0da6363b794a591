/** How well predictions match measurements: RMSE, Pearson r and Kendall's τ-b (O(n log n)). */

export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / Math.max(truth.length, 1));
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Pairs tied within runs of equal values of a sorted array. */
function tiedPairs(sorted: ArrayLike<number>): number {
  let t = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      t += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return t;
}

/** Kendall's τ-b (ties in either variable handled), Knight's algorithm. NaN with < 2 points. */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2) return NaN;
  const idx = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j] || b[i] - b[j]);
  const x = Float64Array.from(idx, (i) => a[i]);
  let y = Float64Array.from(idx, (i) => b[i]);
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(x);
  // Pairs tied in both a and b.
  let n3 = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && x[i] === x[i - 1] && y[i] === y[i - 1]) run++;
    else {
      n3 += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  // Merge sort y counting swaps (discordant pairs).
  let swaps = 0;
  let buf = new Float64Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (y[j] < y[i]) {
          swaps += mid - i;
          buf[k++] = y[j++];
        } else buf[k++] = y[i++];
      }
      while (i < mid) buf[k++] = y[i++];
      while (j < hi) buf[k++] = y[j++];
    }
    [y, buf] = [buf, y];
  }
  const n2 = tiedPairs(y);
  const concordantMinusDiscordant = n0 - n1 - n2 + n3 - 2 * swaps;
  const denom = Math.sqrt((n0 - n1) * (n0 - n2));
  return denom > 0 ? concordantMinusDiscordant / denom : NaN;
}

export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const v = xs.filter((x) => Number.isFinite(x));
  const mean = v.reduce((s, x) => s + x, 0) / Math.max(v.length, 1);
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(v.length - 1, 1));
  return { mean, std };
}
