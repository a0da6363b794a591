/**
 * The contract between a command search and the user's evaluator script: what the script receives
 * and what it must print. Nothing is guessed: the accuracy comes from a result line the script prints
 * on purpose (or from the user's own --metric-regex), in one declared unit (--scale), and anything
 * else is a failed evaluation with the reason. (Guessing "the last number printed, a fraction when
 * ≤ 1" read `val_acc 1.0000` from a broken CIFAR-100 net as 100 %, and `saved to /tmp/run7` as 7 %.)
 *
 * The text below is shown by `arch2vec search --help`, the README and the editor's quick pick.
 */

export type AccuracyScale = 'percent' | 'fraction';
export const ACCURACY_SCALES: readonly AccuracyScale[] = ['percent', 'fraction'];

/** One line, for a prompt or a tooltip. */
export const EVALUATOR_CONTRACT_SUMMARY =
  '{cell} = a .cells file with the cell, {json} = the cell as JSON; the script prints `accuracy: 93.1` (percent) or a last line {"accuracy": 93.1, "cost": 812}; anything else is a failed evaluation.';

/** The whole contract (plain text, wrapped at ~100 columns). */
export const EVALUATOR_CONTRACT = `The evaluator command (--command / arch2vec.search.evaluatorCommand) runs once per proposed cell,
through the shell, in the directory the search started in (the editor: the first workspace folder).
It receives:
  {cell}   path of a temporary .cells file holding that one cell (also $ARCH2VEC_CELL_FILE)
  {json}   path of the same cell as JSON: {name, index, space, arch, ops, nodeOps, adjacency}
           (also $ARCH2VEC_CELL_JSON)
  {index}  the cell's NAS-Bench-201 index (also $ARCH2VEC_CELL_INDEX); {arch} its arch string
It must print on stdout, once it has a result, either
  a result line           accuracy: 93.1
                          (the last such line counts; "accuracy=93.1" and a trailing % also work)
  or, as its last line,   {"accuracy": 93.1, "cost": 812}
                          (one JSON object; "cost" is optional: seconds charged to the budget
                          instead of the wall time)
and exit 0. The accuracy is in percent (0..100) unless the search says --scale fraction (0..1);
the unit never changes from one value to the next. For a script you cannot change, --metric-regex
'RE' takes the last match of RE on stdout (its first group, else the whole match) instead.
Anything else (no result line, a value outside the scale, NaN, a non-zero exit, a timeout) is a
failed evaluation, recorded with its reason; the search goes on. Training chatter before the result
is fine; stderr is shown only in failure reasons. On timeout or when the search ends, the whole
process tree of the command (children, background jobs, setsid daemons) gets SIGTERM, then SIGKILL
2 s later.`;

const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)`;
/** `accuracy: 93.1`, `accuracy = 93.1 %`, any case, alone on its line. */
const RESULT_LINE = new RegExp(String.raw`^[ \t]*accuracy[ \t]*[:=][ \t]*(${NUM})[ \t]*%?[ \t]*\r?$`, 'gim');

export interface ResultOptions {
  /** Unit of the printed accuracy (default percent). */
  scale?: AccuracyScale;
  /** A user pattern (source text) instead of the result line: its last match, group 1 or the whole match. */
  metricRegex?: string;
}

export type EvaluatorResult = { accuracy: number; cost?: number; from: string } | { error: string };

/** Compiles a --metric-regex, or says why it is not one. */
export function compileMetricRegex(source: string): RegExp {
  try {
    return new RegExp(source, 'gm');
  } catch (e) {
    throw new Error(`--metric-regex '${source}' is not a regular expression: ${(e as Error).message}`);
  }
}

function toNumber(text: string): number {
  const t = text.trim().replace(/%$/, '').trim();
  if (/^[-+]?nan$/i.test(t)) return NaN;
  if (/^[-+]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return t === '' ? NaN : Number(t);
}

function lastOutput(stdout: string): string {
  return stdout.trim().slice(-80).replace(/\s+/g, ' ');
}

/** Checks the value against the declared scale and returns percent. */
function scaled(value: number, shown: string, scale: AccuracyScale, from: string, cost?: number): EvaluatorResult {
  if (!Number.isFinite(value)) return { error: `the accuracy printed is not a finite number (${from}: '${shown}')` };
  const max = scale === 'percent' ? 100 : 1;
  if (value < 0 || value > max) {
    const hint = scale === 'fraction' && value <= 100 ? ' (a percentage? then leave out --scale fraction)' : '';
    return { error: `accuracy ${shown} is outside 0..${max} (--scale ${scale})${hint}` };
  }
  const accuracy = scale === 'fraction' ? value * 100 : value;
  return cost === undefined ? { accuracy, from } : { accuracy, cost, from };
}

/** The accuracy (percent) an evaluator reported on stdout under the contract, or why there is none. */
export function parseEvaluatorResult(stdout: string, opts: ResultOptions = {}): EvaluatorResult {
  const scale = opts.scale ?? 'percent';
  if (opts.metricRegex !== undefined) {
    const re = compileMetricRegex(opts.metricRegex);
    let last: RegExpExecArray | null = null;
    for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
      last = m;
      if (m[0] === '') re.lastIndex++;
    }
    if (!last) {
      const shown = lastOutput(stdout);
      return { error: `--metric-regex '${opts.metricRegex}' does not match the output${shown ? ` (last output: '${shown}')` : ' (no output on stdout)'}` };
    }
    const text = last[1] ?? last[0];
    return scaled(toNumber(text), text.trim(), scale, '--metric-regex');
  }
  const lines = stdout.split('\n');
  let lastLine = '';
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].trim()) {
      lastLine = lines[i].trim();
      break;
    }
  }
  if (lastLine.startsWith('{') && lastLine.endsWith('}')) {
    let obj: unknown;
    try {
      obj = JSON.parse(lastLine);
    } catch (e) {
      return { error: `the last line looks like a JSON result but does not parse: ${(e as Error).message}` };
    }
    const o = obj as Record<string, unknown>;
    if (typeof o.accuracy !== 'number') return { error: `the JSON result has no numeric "accuracy" (got ${JSON.stringify(o.accuracy ?? null)})` };
    let cost: number | undefined;
    if (o.cost !== undefined) {
      if (typeof o.cost !== 'number' || !Number.isFinite(o.cost) || o.cost < 0) return { error: `the JSON result's "cost" must be a non-negative number of seconds, got ${JSON.stringify(o.cost)}` };
      cost = o.cost;
    }
    return scaled(o.accuracy, String(o.accuracy), scale, 'JSON result', cost);
  }
  let m: RegExpExecArray | null = null;
  RESULT_LINE.lastIndex = 0;
  for (let x = RESULT_LINE.exec(stdout); x; x = RESULT_LINE.exec(stdout)) m = x;
  if (m) return scaled(toNumber(m[1]), m[1], scale, 'result line');
  const shown = lastOutput(stdout);
  return {
    error: shown
      ? `no result line: print 'accuracy: 93.1' or a last line {"accuracy": 93.1} (last output: '${shown}')`
      : `no output on stdout: print 'accuracy: 93.1' or a last line {"accuracy": 93.1}`,
  };
}
