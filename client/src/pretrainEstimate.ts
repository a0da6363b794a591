/**
 * How long pretraining a space would take on this machine, from training throughput that was
 * measured, never from a constant: each model directory's metrics.json records, per epoch, the
 * seconds spent and the graphs per second. A model trained here (under $ARCH2VEC_HOME) is the best
 * witness; failing that, the shipped models' own records (trained by this package on a 2-core
 * machine; their README says which). The rate is moved to the target space by its graph size (the
 * encoder's cost per graph grows with the node count) and applied to the reference's schedule
 * (epochs × training cells). It counts the training epochs only, which dominate; the per-epoch metric
 * passes and the final embedding come on top, and the text says so. No `vscode` import (tested).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_TRAIN } from '../../server/src/engine/model/config';
import { shippedModelDir, trainedModels } from '../../server/src/engine/paths';
import type { EpochMetrics, ModelDirConfig } from '../../server/src/protocol/modelDir';
import type { SpaceId } from '../../server/src/protocol';

/** Nodes of a space's graphs as the model sees them (engine/data: NB101 7, NB201 8, DARTS 11). */
export const SPACE_NODES: Record<SpaceId, number> = { nasbench101: 7, nasbench201: 8, darts: 11 };
const ALL_SPACES: SpaceId[] = ['nasbench101', 'nasbench201', 'darts'];

/** Training rates recorded by the models trained under `home` (this machine; newest first), then the shipped ones. */
export function measuredRates(home: string): Throughput[] {
  const here = ALL_SPACES.flatMap((s) => trainedModels(s, { ARCH2VEC_HOME: home }))
    .sort((a, b) => (a.config.updatedAt < b.config.updatedAt ? 1 : -1))
    .map((m) => measuredThroughput(m.dir, 'here'));
  const shipped = ALL_SPACES.map((s) => shippedModelDir(s)).map((d) => (d ? measuredThroughput(d, 'shipped') : undefined));
  return [...here, ...shipped].filter((t): t is Throughput => !!t);
}

/** Cells of each space's pretraining set: the whole space / the DARTS pool (600,000 by default), 90 % of it trains. */
const DATA_CELLS: Record<SpaceId, number> = { nasbench101: 423_624, nasbench201: 15_625, darts: 600_000 };
export const SHORT_SPACE: Record<SpaceId, string> = { nasbench101: 'NB101', nasbench201: 'NB201', darts: 'DARTS' };

export interface Throughput {
  space: SpaceId;
  nodes: number;
  /** Training graphs per second over the model's train-mode epochs (eval-mode epochs, a reference quirk, run faster). */
  graphsPerSec: number;
  backend: string;
  threads: number;
  /** 'here': trained on this machine; 'shipped': the package's model. */
  where: 'here' | 'shipped';
  dir: string;
}

/** The training rate a model directory recorded, or undefined when it has none (no metrics, no epochs). */
export function measuredThroughput(dir: string, where: Throughput['where']): Throughput | undefined {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as ModelDirConfig;
    if (!existsSync(join(dir, 'metrics.json'))) return undefined;
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as EpochMetrics[];
    const train = metrics.filter((m) => m.mode === 'train' && m.seconds > 0 && m.graphsPerSec > 0);
    const seconds = train.reduce((s, m) => s + m.seconds, 0);
    const graphs = train.reduce((s, m) => s + m.graphsPerSec * m.seconds, 0);
    if (!(seconds > 0)) return undefined;
    return { space: config.space, nodes: config.model.nodes, graphsPerSec: graphs / seconds, backend: config.backend.backend, threads: config.threads, where, dir };
  } catch {
    return undefined;
  }
}

export interface PretrainEstimate {
  space: SpaceId;
  seconds: number;
  epochs: number;
  cells: number;
  /** The rate assumed for this space (graphs/s), from `from` scaled by graph size. */
  graphsPerSec: number;
  from: Throughput;
}

/**
 * The expected training time of `space` with the reference's schedule (or `epochs`), from the best
 * measurement: one made here beats a shipped one (the first given: callers list newest first); among
 * shipped ones, the space's own record, else the first.
 */
export function pretrainEstimate(space: SpaceId, measured: Throughput[], options: { epochs?: number; dartsPool?: number } = {}): PretrainEstimate | undefined {
  // Here beats shipped; among shipped records, the space's own (its rate needs no scaling by graph size).
  const from = measured.find((m) => m.where === 'here') ?? measured.find((m) => m.space === space) ?? measured[0];
  if (!from) return undefined;
  const epochs = options.epochs ?? REFERENCE_TRAIN[space].epochs;
  const cells = Math.floor((space === 'darts' ? options.dartsPool ?? DATA_CELLS.darts : DATA_CELLS[space]) * 0.9);
  const graphsPerSec = from.graphsPerSec * (from.nodes / SPACE_NODES[space]);
  return { space, seconds: (epochs * cells) / graphsPerSec, epochs, cells, graphsPerSec, from };
}

/** "≈12 min", "≈1.4 h". */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `≈${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `≈${Math.round(seconds / 60)} min`;
  return `≈${(seconds / 3600).toFixed(1)} h`;
}

/** Where the rate comes from, in words. */
export function describeSource(t: Throughput): string {
  const model = `${SHORT_SPACE[t.space]} model`;
  return t.where === 'here'
    ? `measured when the ${model} in ${t.dir} was trained on this machine (${t.backend}, ${t.threads} thread${t.threads === 1 ? '' : 's'})`
    : `measured when the shipped ${model} was trained (${t.backend}, ${t.threads} thread${t.threads === 1 ? '' : 's'}; see its README)`;
}

/** One sentence for a prompt or tooltip: how long, for what, from which measurement. */
export function estimateSentence(e: PretrainEstimate): string {
  return `${formatDuration(e.seconds)} of training: ${e.epochs} epochs of ${e.cells.toLocaleString('en-US')} cells at ${Math.round(e.graphsPerSec)} cells/s `
    + `(${Math.round(e.from.graphsPerSec)} cells/s ${describeSource(e.from)}, scaled from ${e.from.nodes}- to ${SPACE_NODES[e.space]}-node graphs); `
    + 'the metric pass after each epoch and the final embedding come on top.';
}

/**
 * The CodeLens that stands in for "neighbours" and "suggest similar" above a cell of a space with no
 * model: what is missing and the action that works, with its expected time.
 */
export function noModelLens(space: SpaceId, estimate: PretrainEstimate | undefined): { title: string; tooltip: string } {
  const short = SHORT_SPACE[space];
  const time = estimate ? ` (${formatDuration(estimate.seconds)}${estimate.from.where === 'here' ? ' here' : ''})` : '';
  return {
    title: `no ${short} model · pretrain${time}`,
    tooltip: `Neighbours and suggestions need an arch2vec model of ${short}; validation, hover and export work without one. `
      + `Pretrain one on this machine: ${estimate ? estimateSentence(estimate) : 'no training has been measured here yet, so the time is unknown.'}`,
  };
}
