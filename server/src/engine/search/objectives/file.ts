/**
 * `--objective file FILE [-k N]`: the cells of a `.cells` file that carry a measured `accuracy`
 * (percent, core/spaces METRIC_KEYS) are the observations; the search tells them to the strategy and
 * asks it for the k most promising cells of the space not measured yet (for BO: the EI ranking).
 * Only NAS-Bench-201 cells can be placed in the pool for now (their spec → benchmark index); a
 * measured cell of another space is a clear error. The same architecture measured twice counts once,
 * with the mean of its accuracies.
 */
import { analyze } from '../../../core/analyze';
import { nb201Index } from '../../../core/spaces/nasbench201';
import type { CellSpec } from '../../../core/cellSpec';
import type { SpaceId } from '../../../core/spaces';
import { stripBom } from '../../../core/text';
import type { Observation } from '../types';
import { EngineError } from '../../errors';

/** A bad observations file: the engine's badInput, thrown as such (no translation by the caller). */
export class FileObjectiveError extends EngineError {
  constructor(message: string) {
    super('badInput', message);
    this.name = 'FileObjectiveError';
  }
}

export interface FileObservation extends Observation {
  /** Names of the cells measuring this architecture (reward = mean of their accuracies, percent). */
  cells: string[];
}

export interface FileObservations {
  observations: FileObservation[];
  /** Cells without an `accuracy` (not observations; they may be suggested). */
  unmeasured: number;
}

/**
 * Where a measured, valid cell goes in the pool: its index, or why it cannot be placed (a message about
 * the cell; the caller's `file:line: ` is put in front).
 */
export type PlaceMeasuredCell = (spec: CellSpec, name: string) => number | string;

/**
 * The measured cells of `.cells` text as observations (the same architecture measured twice counts once,
 * with the mean accuracy); every cell that cannot be used is reported at its line, all at once, through
 * `fail`. Shared by the NAS-Bench-201 objective below and the pools of the other spaces (spaceSearch.ts).
 */
export function measuredObservations(
  text: string, file: string, defaultSpace: SpaceId, spaceTitle: string, place: PlaceMeasuredCell, fail: (message: string) => Error,
): FileObservations {
  const a = analyze(stripBom(text), { defaultSpace });
  const byIndex = new Map<number, { sum: number; cells: string[] }>();
  const problems: string[] = [];
  let unmeasured = 0;
  a.cells.forEach((c, i) => {
    const name = c.name ?? `#${i + 1}`;
    const line = c.node.header.start.line + 1;
    const acc = c.metrics.accuracy;
    if (acc === undefined) {
      unmeasured++;
      return;
    }
    const err = c.diagnostics.find((d) => d.severity === 'error');
    if (err || !c.spec) {
      problems.push(`${file}:${line}: cell '${name}' has an accuracy but is not a valid cell: ${err ? `${err.code}: ${err.message}` : 'no architecture'} (run \`arch2vec validate ${file}\`)`);
      return;
    }
    const index = place(c.spec, name);
    if (typeof index === 'string') {
      problems.push(`${file}:${line}: ${index}`);
      return;
    }
    const o = byIndex.get(index) ?? { sum: 0, cells: [] };
    o.sum += acc;
    o.cells.push(name);
    byIndex.set(index, o);
  });
  if (problems.length) throw fail(problems.join('\n'));
  if (byIndex.size === 0) throw fail(`${file}: no ${spaceTitle} cell with a measured \`accuracy:\` (${a.cells.length} cell${a.cells.length === 1 ? '' : 's'} in the file); add e.g. \`accuracy: 93.1\` to the cells you have measured`);
  const observations = [...byIndex].map(([index, o]) => ({ index, reward: o.sum / o.cells.length, cells: o.cells }));
  return { observations, unmeasured };
}

/** Observations (reward in percent) from `.cells` text, or a FileObjectiveError saying which cell is the problem. */
export function fileObservations(text: string, file: string, defaultSpace: SpaceId = 'nasbench201'): FileObservations {
  return measuredObservations(text, file, defaultSpace, 'NAS-Bench-201', (spec, name) =>
    spec.space !== 'nasbench201'
      ? `cell '${name}' is a ${spec.space} cell: --objective file searches NAS-Bench-201 only for now (no ${spec.space} search pool)`
      : nb201Index(spec.ops), (m) => new FileObjectiveError(m));
}
