/**
 * "Export as PyTorch" (command palette, editor context menu, CodeLens): writes the cell's benchmark
 * network as a self-contained Python module, the same text `arch2vec export` prints (core/export).
 */
import * as vscode from 'vscode';
import { cellCost, formatCount } from '../../../server/src/core/export/cost';
import { SPACE_DATASETS, type ExportDataset } from '../../../server/src/core/export/network';
import { exportPyTorch as generate } from '../../../server/src/core/export/pytorch';
import { type App, resolveCell } from '../app';

const LABEL: Record<ExportDataset, string> = { cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120', imagenet: 'ImageNet (mobile setting)' };

export async function exportPyTorch(app: App, ...args: unknown[]): Promise<void> {
  const target = await resolveCell(app, args);
  if (!target) return;
  const { doc, cell } = target;
  const spec = cell.spec!;
  // The benchmark's own dataset first: Enter exports the network the benchmark trained.
  const items = SPACE_DATASETS[spec.space].map((d) => {
    const k = cellCost(spec, { dataset: d });
    return { label: LABEL[d], description: `${formatCount(k.params)} params · ${formatCount(k.flops)} FLOPs`, detail: k.network.title, dataset: d };
  });
  const pick = await vscode.window.showQuickPick(items, { title: `Export ${cell.name} as PyTorch: network`, placeHolder: 'the dataset the network is built for' });
  if (!pick) return;
  const m = generate({ name: cell.name, spec }, { dataset: pick.dataset }, {
    source: vscode.workspace.asRelativePath(doc.uri),
    command: 'Export as PyTorch',
    version: String(app.context.extension.packageJSON.version ?? ''),
  });
  const dest = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(doc.uri, '..', m.fileName),
    filters: { Python: ['py'] },
    title: `Export ${cell.name} as PyTorch`,
  });
  if (!dest) return;
  await vscode.workspace.fs.writeFile(dest, new TextEncoder().encode(m.text));
  app.log.info(`exported ${cell.name} (${pick.dataset}) to ${dest.toString()}: ${m.cost.params} parameters, ${m.cost.flops} FLOPs`);
  const open = await vscode.window.showInformationMessage(`arch2vec: wrote ${vscode.workspace.asRelativePath(dest)} (${m.cost.params.toLocaleString('en-US')} parameters).`, 'Open');
  if (open) await vscode.window.showTextDocument(dest);
}
