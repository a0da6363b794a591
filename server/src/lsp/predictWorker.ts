/**
 * Worker thread of the language server that fits the accuracy predictor (core/predict), so a fit of
 * hundreds of measured cells never delays validation. One job at a time; the last fit per document
 * and space is kept, so edits that leave the measured cells alone only re-predict.
 */
import { parentPort } from 'node:worker_threads';
import { AccuracyPredictor, type SpaceCells } from '../core/predict/predictor';
import { specKey } from '../core/cellSpec';
import type { PredictJob, PredictJobResult } from './predictions';

const fits = new Map<string, { key: string; predictor: AccuracyPredictor; loo: ReturnType<AccuracyPredictor['leaveOneOut']> }>();

function run(job: PredictJob): PredictJobResult {
  const t0 = performance.now();
  const spaces = job.spaces.map((g: SpaceCells) => {
    if (g.measured.length < job.minMeasured) return { space: g.space, measured: g.measured.length, unmeasured: g.unmeasured.length, predictions: [] };
    const key = `${job.metric}|${g.measured.map((p) => `${specKey(p.spec)}=${p.value}`).join(';')}`;
    const slot = `${job.uri}|${g.space}`;
    let fit = fits.get(slot);
    if (!fit || fit.key !== key) {
      const predictor = AccuracyPredictor.fit(g.space, g.measured, { metric: job.metric });
      fit = { key, predictor, loo: predictor.leaveOneOut() };
      fits.set(slot, fit);
    }
    const { predicted: _p, ...loo } = fit.loo;
    return { space: g.space, measured: g.measured.length, unmeasured: g.unmeasured.length, loo, predictions: fit.predictor.predict(g.unmeasured, 3) };
  });
  return { id: job.id, uri: job.uri, version: job.version, spaces, ms: performance.now() - t0 };
}

parentPort!.on('message', (msg: PredictJob | { forget: string }) => {
  if ('forget' in msg) {
    for (const k of [...fits.keys()]) if (k.startsWith(`${msg.forget}|`)) fits.delete(k);
    return;
  }
  try {
    parentPort!.postMessage(run(msg));
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, uri: msg.uri, version: msg.version, spaces: [], ms: 0, error: (e as Error).message } satisfies PredictJobResult);
  }
});
