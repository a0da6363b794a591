/**
 * The paper's predictive-performance analysis (paper §4.2; docs/reference-notes.md §4; issue 14) on NAS-Bench-201 CIFAR-10:
 * train a predictor on L random cells of the shipped table, predict all 15,625, report
 *   - RMSE and Pearson r on cells whose test accuracy is above 80 % (the paper's protocol, L = 250),
 *   - Kendall τ over all cells with L = 78, 156, 250, 469 (the predictor literature's protocol),
 * mean ± std over seeds, for each encoding; printed next to the paper / literature numbers.
 * Parameter-count baselines (issue 13's cost model, the CIFAR-10 network each cell was trained as):
 * a GP on log10(parameters) and a least-squares line on it (`params-gp`, `params-linear`); the label-free
 * Kendall τ of the parameter count itself over all cells is printed once as a reference.
 *
 *   npm run bench:predict [-- --seeds 10] [--labels 78,156,250,469] [--quick] [--variants a,b] [--model DIR]
 *                            [--column cifar10_test_acc] [--json FILE] [--timing-only]
 *
 * Then the product's time for a 1,000-cell file with 30 and 250 measured cells (analysis + fit + predict
 * + LOO, what `arch2vec predict` and the editor's worker do), wall and CPU.
 *
 * --quick: 3 seeds, labels 78 and 250. The whole default run is long (the L = 469 fits are O(n³) per
 * optimiser step: about a minute of CPU each); docs/predictor.md has the measured table.
 *
 * Labels: `cifar10_test_acc` (200 epochs, mean over seeds), in percent; RMSE is printed in percent and
 * as a fraction (the paper's unit). Embeddings: the shipped model's table (row i = NB201 index i), the
 * very vectors `arch2vec embed` returns.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NB201_SIZE, nb201OpsAt, nb201Table } from '../server/src/core/spaces/nasbench201';
import type { CellSpec } from '../server/src/core/cellSpec';
import { featureMatrix } from '../server/src/core/predict/features';
import { GaussianProcess, type GpOptions } from '../server/src/core/predict/gp';
import { kendallTau, meanStd, pearson, rmse } from '../server/src/core/predict/metrics';
import { LOGIT_PERCENT } from '../server/src/core/predict/transform';
import { analyze } from '../server/src/core/analyze';
import { cellText } from '../server/src/core/notation';
import { predictAnalysis } from '../server/src/core/predict/predictor';
import { readEmbeddings } from '../server/src/engine/store/modelDir';
import { cellCost } from '../server/src/core/export/cost';
import { Rng } from '../server/src/engine/data/random';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

interface Variant {
  name: string;
  label: string;
  features: 'emb' | 'onehot' | 'structure' | 'discrete' | 'structure+emb' | 'discrete+emb' | 'params';
  gp: GpOptions;
  /** A least-squares line instead of a GP (the simplest parameter-count baseline). */
  linear?: boolean;
  /** Fit on the logit of the accuracy (the product's choice for percent metrics). */
  logit?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'gp-emb', label: 'GP (RBF) on arch2vec embeddings', features: 'emb', gp: { kernel: 'rbf', ard: false } },
  { name: 'gp-onehot', label: 'GP (RBF) on one-hot encoding', features: 'onehot', gp: { kernel: 'rbf', ard: false } },
  { name: 'ard-emb', label: 'ARD Matérn GP on embeddings', features: 'emb', gp: {} },
  { name: 'ard-onehot', label: 'ARD Matérn GP on one-hot', features: 'onehot', gp: {} },
  { name: 'ard-structure', label: 'ARD Matérn GP on structure', features: 'structure', gp: {} },
  { name: 'product', label: '**product**: ARD Matérn GP on structure, logit target', features: 'structure', gp: {}, logit: true },
  { name: 'discrete-logit', label: 'ARD Matérn GP on one-hot + structure, logit target', features: 'discrete', gp: {}, logit: true },
  { name: 'product+emb', label: 'product + arch2vec embeddings', features: 'structure+emb', gp: {}, logit: true },
  { name: 'params-gp', label: 'baseline: GP (RBF) on log parameter count, logit target', features: 'params', gp: { kernel: 'rbf', ard: false }, logit: true },
  { name: 'params-linear', label: 'baseline: least-squares line on log parameter count', features: 'params', gp: {}, linear: true },
];

/** log10 of each NB201 cell's CIFAR-10 network parameter count (`arch2vec info`'s number). */
function logParams(specs: readonly CellSpec[]): { x: Float64Array; d: number } {
  return { x: Float64Array.from(specs, (s) => Math.log10(cellCost(s).params)), d: 1 };
}

/** y ≈ a + b·x fitted on the training rows, applied to every row. */
function linearFit(xt: Float64Array, yt: Float64Array, x: Float64Array): Float64Array {
  const n = xt.length;
  const mx = xt.reduce((s, v) => s + v, 0) / n;
  const my = yt.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xt[i] - mx) * (yt[i] - my);
    sxx += (xt[i] - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return x.map((v) => my + b * (v - mx));
}

/** Time of `predictAnalysis` on a 1,000-cell NB201 file with `measured` measured cells. */
function fileTiming(measured: number): string {
  const y = nb201Table().columns.get('cifar10_test_acc')!;
  const idx = new Rng(5).permutation(NB201_SIZE).subarray(0, 1000);
  const text = Array.from(idx, (i, j) => cellText(`c${i}`, { space: 'nasbench201', ops: nb201OpsAt(i) }, j < measured ? { accuracy: +y[i].toFixed(2) } : {})).join('\n');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const [s] = predictAnalysis(analyze(text));
  const cpu = process.cpuUsage(c0);
  return `1,000-cell file, ${measured} measured: ${(performance.now() - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (fit ${s.fitMs.toFixed(0)} ms wall); LOO τ ${s.loo!.kendallTau.toFixed(2)}`;
}

function main() {
  if (process.argv.includes('--timing-only')) {
    for (const m of [30, 250]) console.log(fileTiming(m));
    return;
  }
  const quick = process.argv.includes('--quick');
  const seeds = Number(arg('--seeds') ?? (quick ? 3 : 10));
  const labels = (arg('--labels') ?? (quick ? '78,250' : '78,156,250,469')).split(',').map(Number);
  const want = arg('--variants')?.split(',');
  const variants = VARIANTS.filter((v) => (want ?? ['gp-emb', 'gp-onehot', 'product', 'product+emb', 'params-gp', 'params-linear']).includes(v.name));
  const column = arg('--column') ?? 'cifar10_test_acc';
  const modelDir = arg('--model') ?? join(__dirname, '..', 'models', 'nasbench201');
  const table = nb201Table();
  const yAll = Float64Array.from(table.columns.get(column)!);
  const specs: CellSpec[] = Array.from({ length: NB201_SIZE }, (_, i) => ({ space: 'nasbench201', ops: nb201OpsAt(i) }));
  const emb = readEmbeddings(modelDir)!;
  const feats = new Map<string, { x: Float64Array; d: number }>();
  const get = (f: Variant['features']) => {
    if (feats.has(f)) return feats.get(f)!;
    const parts: { x: ArrayLike<number>; d: number }[] = [];
    for (const p of f.split('+')) parts.push(p === 'emb' ? { x: emb.data, d: emb.index.dim } : p === 'params' ? logParams(specs) : featureMatrix(specs, p as 'onehot'));
    const d = parts.reduce((s, p) => s + p.d, 0);
    const x = new Float64Array(NB201_SIZE * d);
    for (let i = 0; i < NB201_SIZE; i++) {
      let o = 0;
      for (const p of parts) {
        for (let c = 0; c < p.d; c++) x[i * d + o + c] = p.x[i * p.d + c];
        o += p.d;
      }
    }
    feats.set(f, { x, d });
    return { x, d };
  };
  const high = [...yAll.keys()].filter((i) => yAll[i] > 80);
  console.log(`NAS-Bench-201 ${column}: ${NB201_SIZE} cells, ${high.length} above 80 %; embeddings ${modelDir}; ${seeds} seeds`);
  if (variants.some((v) => v.features === 'params')) {
    const lp = get('params').x;
    console.log(`parameter count itself (no labels): τ ${kendallTau(lp, yAll).toFixed(3)} over all, Pearson r (log) ${pearson(high.map((i) => lp[i]), high.map((i) => yAll[i])).toFixed(3)} above 80 %`);
  }
  const results: Record<string, Record<number, { rmse: number[]; r: number[]; tau: number[]; fitMs: number[] }>> = {};
  for (const v of variants) {
    const { x, d } = get(v.features);
    results[v.name] = {};
    for (const L of labels) {
      const acc = { rmse: [] as number[], r: [] as number[], tau: [] as number[], fitMs: [] as number[] };
      for (let s = 0; s < seeds; s++) {
        const rng = new Rng(1000 + s);
        const idx = Array.from(rng.permutation(NB201_SIZE).subarray(0, L));
        const xt = new Float64Array(L * d);
        const yt = new Float64Array(L);
        idx.forEach((i, j) => {
          xt.set(x.subarray(i * d, (i + 1) * d), j * d);
          yt[j] = v.logit ? LOGIT_PERCENT.forward(yAll[i]) : yAll[i];
        });
        const t0 = performance.now();
        const pred = v.linear ? { mean: linearFit(xt, yt, x) } : GaussianProcess.fit(xt, L, d, yt, v.gp).predict(x, NB201_SIZE, d, { std: false });
        if (v.logit) pred.mean.forEach((m, i) => (pred.mean[i] = LOGIT_PERCENT.back(m, 0).mean));
        acc.fitMs.push(performance.now() - t0);
        acc.tau.push(kendallTau(pred.mean, yAll));
        const ph = high.map((i) => pred.mean[i]);
        const th = high.map((i) => yAll[i]);
        acc.rmse.push(rmse(ph, th));
        acc.r.push(pearson(ph, th));
      }
      results[v.name][L] = acc;
      const f = (xs: number[], k = 3) => {
        const m = meanStd(xs);
        return `${m.mean.toFixed(k)} ± ${m.std.toFixed(k)}`;
      };
      console.log(`${v.name.padEnd(18)} L=${String(L).padStart(3)}  RMSE>80 ${f(acc.rmse, 2)} %  r>80 ${f(acc.r)}  τ ${f(acc.tau)}  fit+predict ${f(acc.fitMs, 0)} ms`);
    }
  }
  // Markdown summary beside the paper (NB101, L = 250) and the predictor literature (NB201 τ).
  const ms = (xs: number[] | undefined, k: number, scale = 1) => {
    if (!xs) return '–';
    const m = meanStd(xs.map((x) => x * scale));
    return `${m.mean.toFixed(k)} ± ${m.std.toFixed(k)}`;
  };
  console.log(`\n| encoding (${seeds} seeds) | RMSE >80 % (fraction) | Pearson r >80 % | ${labels.map((L) => `τ @${L}`).join(' | ')} |`);
  console.log(`|---|---|---|${labels.map(() => '---').join('|')}|`);
  for (const v of variants) {
    const r = results[v.name];
    const at250 = r[250] ?? r[labels[0]];
    console.log(`| ${v.label} | ${ms(at250.rmse, 4, 0.01)} | ${ms(at250.r, 2)} | ${labels.map((L) => ms(r[L]?.tau, 2)).join(' | ')} |`);
  }
  const lit: Record<number, string> = { 78: '0.54', 156: '0.57', 469: '0.60' };
  console.log(`| paper, arch2vec GP (NB101) | 0.018 ± 0.001 | 0.67 ± 0.02 | ${labels.map(() => '–').join(' | ')} |`);
  console.log(`| paper, supervised (NB101) | 0.038 ± 0.025 | 0.53 ± 0.09 | ${labels.map(() => '–').join(' | ')} |`);
  console.log(`| literature, arch2vec (NB201) | – | – | ${labels.map((L) => lit[L] ?? '–').join(' | ')} |`);
  console.log('');
  for (const m of [30, 250]) console.log(fileTiming(m));
  const out = arg('--json');
  if (out) writeFileSync(out, JSON.stringify(results, null, 2));
}

main();
