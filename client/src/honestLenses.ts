/**
 * Keeps the language server's CodeLenses honest about models: above a cell of a space that has no
 * model, "neighbours" and "suggest similar" would only lead to an error toast, so they give way to
 * one lens that says so and offers what works: "no NB101 model · pretrain (≈68 min here)", with the
 * expected time from measured training throughput (pretrainEstimate.ts). The server knows nothing of
 * models (they live with the engine), so the client rewrites the lenses it receives.
 */
import * as vscode from 'vscode';
import type { SpaceId } from '../../server/src/protocol';
import { CLIENT_COMMANDS } from '../../server/src/protocol';
import { type App, documentCells, settings } from './app';
import { measuredRates, noModelLens, pretrainEstimate, type PretrainEstimate } from './pretrainEstimate';
import { SPACES } from './settings';

const NEEDS_MODEL = new Set<string>([CLIENT_COMMANDS.showNeighbours, CLIENT_COMMANDS.suggestSimilar]);

/** The expected pretraining time of `space` on this machine, if anything was measured. */
export function estimateFor(app: App, space: SpaceId, epochs?: number): PretrainEstimate | undefined {
  return pretrainEstimate(space, measuredRates(app.engine.home), { epochs });
}

export async function honestLenses(app: App, doc: vscode.TextDocument, lenses: vscode.CodeLens[]): Promise<vscode.CodeLens[]> {
  const modelDir = settings(doc.uri).modelDirectory;
  const missing = (space: SpaceId) => !app.engine.modelFor(space, modelDir);
  if (!lenses.some((l) => l.command && NEEDS_MODEL.has(l.command.command)) || !SPACES.some(missing)) return lenses;
  let spaceOf: Map<string, SpaceId | null>;
  try {
    spaceOf = new Map((await documentCells(app, doc)).cells.filter((c) => c.name).map((c) => [c.name!, c.spec?.space ?? c.space]));
  } catch {
    return lenses;
  }
  const estimates = new Map<SpaceId, PretrainEstimate | undefined>();
  const out: vscode.CodeLens[] = [];
  const replaced = new Set<string>();
  for (const lens of lenses) {
    const args = lens.command?.arguments as [string, string] | undefined;
    const space = lens.command && NEEDS_MODEL.has(lens.command.command) && args ? spaceOf.get(args[1]) : undefined;
    if (!space || !missing(space)) {
      out.push(lens);
      continue;
    }
    if (replaced.has(args![1])) continue;
    replaced.add(args![1]);
    if (!estimates.has(space)) estimates.set(space, estimateFor(app, space));
    const { title, tooltip } = noModelLens(space, estimates.get(space));
    out.push(new vscode.CodeLens(lens.range, { title, tooltip, command: 'arch2vec.pretrain', arguments: [space] }));
  }
  return out;
}
