import type { Analysis, AnalyzedCell } from '../core/analyze';
import { containsPosition, type Position, type Range } from '../core/text';
import { KEY_DOCS, METRIC_KEYS, SPACES, type SpaceModule } from '../core/spaces';
import { cellAt } from './cellAt';
import { graphMarkdown } from './cellGraph';
import { cellCost, formatCount } from '../core/export/cost';
import type { ExportDataset } from '../core/export/network';
import type { CellSpec } from '../core/cellSpec';

/** Datasets whose network cost the hover lists, per space. */
const COST_DATASETS: Record<CellSpec['space'], [ExportDataset, string][]> = {
  nasbench101: [['cifar10', 'CIFAR-10']],
  nasbench201: [['cifar10', 'CIFAR-10'], ['cifar100', 'CIFAR-100'], ['imagenet16-120', 'ImageNet16-120']],
  darts: [['cifar10', 'CIFAR-10'], ['imagenet', 'ImageNet']],
};

/** "Cost: CIFAR-10 1.07 M params · 153.27 M FLOPs; ..." — the benchmark networks' size (core/export/cost.ts). */
export function costLine(spec: CellSpec): string | undefined {
  try {
    const parts = COST_DATASETS[spec.space].map(([d, label]) => {
      const k = cellCost(spec, { dataset: d });
      return `${label} ${formatCount(k.params)} params · ${formatCount(k.flops)} FLOPs`;
    });
    return `Cost of the benchmark network: ${parts.join('; ')} (FLOPs = multiply-adds per image)`;
  } catch {
    return undefined; // a cell that builds no network (e.g. input not connected to output)
  }
}

export interface HoverResult {
  markdown: string;
  range: Range;
}

const SOURCE_LABEL = { key: '', inferred: ' (from its keys)', file: ' (file default)', default: ' (default)' } as const;


/** Markdown describing a cell: space, size before/after pruning, canonical id, ops, metrics. */
export function describeCell(c: AnalyzedCell): string {
  const title = c.space ? SPACES[c.space].title : 'unknown space';
  const out = [`**cell ${c.name ?? '(unnamed)'}** · ${title}${SOURCE_LABEL[c.spaceSource]}`, ''];
  const f = c.facts;
  if (!f) {
    const errors = c.diagnostics.filter((d) => d.severity === 'error').length;
    out.push(errors ? `Not a valid ${title} cell yet (${errors} error${errors > 1 ? 's' : ''}).` : 'Incomplete cell.');
  } else {
    const space = SPACES[f.space] as SpaceModule;
    out.push(...space.describe(f, c.spec?.space === f.space ? c.spec : undefined));
    out.push('', f.summary);
    // Only for cells export accepts (no errors): the network of a cell outside its space means nothing.
    const valid = c.spec && !c.diagnostics.some((d) => d.severity === 'error');
    if (valid) out.push('', 'Graph (each node ← the nodes and ops feeding it):', '', graphMarkdown(c.spec!));
    const cost = valid ? costLine(c.spec!) : undefined;
    if (cost) out.push('', cost);
  }
  const metrics = Object.entries(c.metrics).map(([k, v]) => `${k} ${v}${METRIC_KEYS[k]?.percent ? '%' : ''}`);
  if (metrics.length) out.push('', `Measured: ${metrics.join(' · ')}`);
  return out.join('\n');
}

export function hover(a: Analysis, pos: Position): HoverResult | undefined {
  const c = cellAt(a, pos);
  if (!c) {
    const d = a.doc.directives.find((x) => containsPosition(x.range, pos));
    if (d?.name && d.name.text in SPACES) {
      const s = SPACES[d.name.text as keyof typeof SPACES];
      return { markdown: `**${s.title}** — default space for the cells below.\n\n${s.summary}`, range: d.range };
    }
    return undefined;
  }
  if (!containsPosition(c.node.range, pos)) return undefined; // blank or comment lines after the cell
  const prop = c.node.properties.find((p) => containsPosition(p.key.range, pos));
  if (prop && KEY_DOCS[prop.key.text]) {
    return { markdown: `**${prop.key.text}** — ${KEY_DOCS[prop.key.text]}`, range: prop.key.range };
  }
  return { markdown: describeCell(c), range: c.node.range };
}
