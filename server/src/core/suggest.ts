/** Closest-name suggestions, including the names other NAS libraries use for the same operation. */

export function normalizeName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function levenshtein(a: string, b: string, cap = 64): number {
  if (a === b) return 0;
  if (a.length > cap || b.length > cap) return Math.abs(a.length - b.length) + cap;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Names from NASLib, NAS-Bench-101/201, DARTS and common shorthand, by normalised spelling, mapped to
 * the abstract operation they denote. Each space then maps the abstract op to its own name.
 */
const ABSTRACT: Record<string, string> = {
  conv3x3bnrelu: 'conv3', conv3x3: 'conv3', norconv3x3: 'conv3', reluconvbn3x3: 'conv3', conv33: 'conv3', conv3: 'conv3',
  conv1x1bnrelu: 'conv1', conv1x1: 'conv1', norconv1x1: 'conv1', reluconvbn1x1: 'conv1', conv11: 'conv1', conv1: 'conv1',
  maxpool3x3: 'maxpool', maxpool: 'maxpool', maxpooling: 'maxpool', mp: 'maxpool',
  avgpool3x3: 'avgpool', avgpool: 'avgpool', avgpool1x1: 'avgpool', averagepool: 'avgpool', avgpooling: 'avgpool',
  skipconnect: 'skip', skip: 'skip', identity: 'skip', id: 'skip', residual: 'skip',
  none: 'none', zero: 'none', zeros: 'none', noop: 'none',
  sepconv3x3: 'sep3', sepconv5x5: 'sep5', dilconv3x3: 'dil3', dilconv5x5: 'dil5',
  input: 'input', in: 'input', output: 'output', out: 'output',
};

const IN_SPACE: Record<string, Record<string, string>> = {
  nasbench101: { conv3: 'conv3x3-bn-relu', conv1: 'conv1x1-bn-relu', maxpool: 'maxpool3x3', input: 'input', output: 'output' },
  nasbench201: { conv3: 'nor_conv_3x3', conv1: 'nor_conv_1x1', avgpool: 'avg_pool_3x3', skip: 'skip_connect', none: 'none', input: 'input', output: 'output' },
  darts: { maxpool: 'max_pool_3x3', avgpool: 'avg_pool_3x3', skip: 'skip_connect', none: 'none', sep3: 'sep_conv_3x3', sep5: 'sep_conv_5x5', dil3: 'dil_conv_3x3', dil5: 'dil_conv_5x5', conv3: 'sep_conv_3x3' },
};

/** The best replacement for `name` among `valid` (names of `space`), or undefined if nothing is close. */
export function suggestName(name: string, valid: readonly string[], space?: string): string | undefined {
  const key = normalizeName(name);
  const abstract = ABSTRACT[key];
  if (space && abstract && IN_SPACE[space]?.[abstract] && valid.includes(IN_SPACE[space][abstract])) return IN_SPACE[space][abstract];
  let best: string | undefined;
  let bestD = Infinity;
  for (const v of valid) {
    const d = levenshtein(key, normalizeName(v));
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return bestD <= limit ? best : undefined;
}

/** Which other space, if any, spells an op exactly `name` (for "that is a NAS-Bench-201 op" hints). */
export function spaceOfOp(name: string, spaces: Record<string, readonly string[]>): string | undefined {
  for (const [space, ops] of Object.entries(spaces)) if (ops.includes(name)) return space;
  return undefined;
}
