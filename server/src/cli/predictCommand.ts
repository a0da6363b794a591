/**
 * `arch2vec predict FILE [--metric accuracy] [--json]`: every unmeasured valid cell's predicted metric
 * (mean ± std) from the file's measured cells, per search space, with a leave-one-out check of the
 * measured cells. Needs no model or TensorFlow.js (core/predict). Exit 0: predictions printed;
 * 1: no space has enough measured cells; 2: usage or unreadable file.
 */
import { analyze } from '../core/analyze';
import { METRIC_KEYS, SPACE_IDS, SPACES, isSpaceId, type SpaceId } from '../core/spaces';
import { stripBom } from '../core/text';
import { MIN_MEASURED, invalidMeasured, pooledLoo, predictAnalysis } from '../core/predict/predictor';
import { readText, UsageError } from './files';
import { parseOpts } from './options';

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const round = (x: number, k = 4) => (Number.isFinite(x) ? +x.toFixed(k) : null);

export function predictCmd(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const { pos, opts } = parseOpts('predict', argv, { '--metric': 'string', '--json': 'bool', '--space': 'string', '--min-measured': 'int' });
  if (pos.length !== 1) throw new UsageError(`'predict' needs exactly one .cells file`);
  const file = pos[0];
  const metric = (opts.get('--metric') as string | undefined) ?? 'accuracy';
  if (!(metric in METRIC_KEYS)) throw new UsageError(`--metric must be one of ${Object.keys(METRIC_KEYS).join(', ')}, got '${metric}'`);
  const space = (opts.get('--space') as string | undefined) ?? 'nasbench101';
  if (!isSpaceId(space)) throw new UsageError(`--space needs one of ${SPACE_IDS.join(', ')}`);
  const min = (opts.get('--min-measured') as number | undefined) ?? MIN_MEASURED;
  if (min < 3) throw new UsageError('--min-measured must be at least 3 (the leave-one-out check needs them)');
  const json = opts.get('--json') === true;

  const a = analyze(stripBom(readText(file)), { defaultSpace: space as SpaceId });
  for (const c of invalidMeasured(a, metric)) err(`${file}:${c.line + 1}: warning: cell '${c.name}' has \`${metric}:\` but is not a valid cell (${c.reason}); left out`);
  const t0 = performance.now();
  const spaces = predictAnalysis(a, { metric, minMeasured: min });
  const ms = performance.now() - t0;
  const predicted = spaces.filter((s) => !s.skipped);
  if (!predicted.length) {
    const have = spaces.length ? spaces.map((s) => `${s.measured} ${s.space}`).join(', ') : 'no valid cells';
    err(`${file}: cannot predict: each search space needs at least ${min} measured cells (distinct architectures with \`${metric}:\`), found ${have}${json ? '' : `; add \`${metric}: …\` to the cells you have trained`}`);
    if (json) out(JSON.stringify({ file, metric, error: `need at least ${min} measured cells of a space`, spaces: spaces.map(({ looPairs: _l, predictions: _p, ...s }) => s) }, null, 2));
    return 1;
  }
  for (const s of spaces) if (s.skipped) err(`${file}: ${s.skipped}`);
  const loo = pooledLoo(predicted);

  if (json) {
    out(JSON.stringify({
      file, metric, percent: METRIC_KEYS[metric].percent === true, seconds: round(ms / 1000, 3),
      predictions: spaces.flatMap((s) => s.predictions.map((p) => ({
        name: p.name, line: p.line + 1, space: s.space, predicted: round(p.predicted), std: round(p.std),
        nearest: p.nearest.map((n) => ({ name: n.name, [metric]: n.value, similarity: round(n.similarity, 3) })),
      }))),
      loo: loo && { measured: loo.measured, rmse: round(loo.rmse), pearson: round(loo.pearson), kendallTau: round(loo.kendallTau) },
      spaces: spaces.map((s) => ({
        space: s.space, measured: s.measured, unmeasured: s.unmeasured,
        ...(s.loo ? { loo: { rmse: round(s.loo.rmse), pearson: round(s.loo.pearson), kendallTau: round(s.loo.kendallTau) } } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}), fitMs: round(s.fitMs, 1),
      })),
    }, null, 2));
    return 0;
  }
  const unit = METRIC_KEYS[metric].percent ? '%' : '';
  for (const s of predicted) {
    out(`${SPACES[s.space].title}: ${metric} of ${s.predictions.length} unmeasured cell${s.predictions.length === 1 ? '' : 's'} predicted from ${s.measured} measured (Gaussian process, ${s.fitMs.toFixed(0)} ms)`);
    out(`  leave-one-out check of the measured cells: RMSE ${f2(s.loo!.rmse)}${unit} · Pearson r ${f2(s.loo!.pearson)} · Kendall τ ${f2(s.loo!.kendallTau)}`);
    const rows = [...s.predictions].sort((x, y) => y.predicted - x.predicted);
    const w = Math.max(4, ...rows.map((p) => p.name.length));
    for (const p of rows) {
      const near = p.nearest.map((n) => `${n.name} ${f2(n.value)}${unit}`).join(', ');
      out(`  ${file}:${p.line + 1}\t${p.name.padEnd(w)}  ${f2(p.predicted).padStart(6)}${unit} ± ${f2(p.std)}${near ? `   nearest measured: ${near}` : ''}`);
    }
  }
  return 0;
}
