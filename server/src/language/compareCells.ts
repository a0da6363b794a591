/**
 * "Compare Two Cells": what differs between two cells of one space, side by side, as Markdown: the
 * benchmark's id and accuracies (NB201), the file's measured metrics, parameters and FLOPs of the
 * benchmark network, the edit distance in arch2vec's fixed-size encoding (padded adjacency + one-hot
 * node ops, the measure the paper plots latent distance against), each difference in the space's own
 * terms, the distance between the two embeddings when a model gave them, and both graphs.
 */
import { computeFacts, encodeCell, type CellSpec } from '../core/cellSpec';
import { cellCost, formatCount } from '../core/export/cost';
import { METRIC_KEYS, SPACES } from '../core/spaces';
import { nb201Table } from '../core/spaces/nasbench201/table';
import type { Genotype } from '../protocol/cells';
import { graphLines } from './cellGraph';

export interface CompareSide {
  name: string;
  spec: CellSpec;
  metrics: Record<string, number>;
}

export interface CompareExtras {
  /** L2 distance between the two cells' arch2vec embeddings, and the model that gave them. */
  latent?: { distance: number; model: string };
  /** Why there is no latent distance (no model of the space, the engine failed). */
  latentMissing?: string;
}

/** Differing entries of arch2vec's encoding of the two cells: node ops and adjacency entries. */
export function editDistance(a: CellSpec, b: CellSpec): { ops: number; edges: number; total: number } {
  if (a.space !== b.space) throw new Error(`cells of different spaces (${a.space}, ${b.space}) have no edit distance`);
  const ea = encodeCell(a);
  const eb = encodeCell(b);
  let ops = 0;
  let edges = 0;
  for (let i = 0; i < ea.ops.length; i++) if (ea.ops[i].indexOf(1) !== eb.ops[i].indexOf(1)) ops++;
  for (let i = 0; i < ea.adjacency.length; i++) {
    for (let j = 0; j < ea.adjacency.length; j++) if (ea.adjacency[i][j] !== eb.adjacency[i][j]) edges++;
  }
  return { ops, edges, total: ops + edges };
}

const NB201_EDGE_NAMES = ['1←0', '2←0', '2←1', '3←0', '3←1', '3←2'];
const dartsInput = (i: number) => (i === 0 ? 'c_{k-2}' : i === 1 ? 'c_{k-1}' : `node ${i}`);

/** Each difference in the space's terms (NB201 edges, NB101 node ops and edges, DARTS node inputs). */
export function differences(a: CellSpec, b: CellSpec): string[] {
  if (a.space === 'nasbench201' && b.space === 'nasbench201') {
    return a.ops.flatMap((op, e) => (op === b.ops[e] ? [] : [`edge ${NB201_EDGE_NAMES[e]}: ${op} → ${b.ops[e]}`]));
  }
  if (a.space === 'darts' && b.space === 'darts') {
    const diff = (label: string, x: Genotype, y: Genotype) => x.flatMap(([op, from], k) => {
      const [op2, from2] = y[k] ?? ['(none)', -1];
      return op === op2 && from === from2 ? [] : [`${label} node ${2 + Math.floor(k / 2)}, input ${1 + (k % 2)}: ${dartsInput(from)} ${op} → ${from2 >= 0 ? dartsInput(from2) : ''} ${op2}`.replace(/ {2,}/g, ' ')];
    });
    return [...diff('normal', a.normal, b.normal), ...(a.reduceGiven || b.reduceGiven ? diff('reduce', a.reduce, b.reduce) : [])];
  }
  if (a.space === 'nasbench101' && b.space === 'nasbench101') {
    if (a.ops.length !== b.ops.length) return [`${a.ops.length} vs ${b.ops.length} nodes (compared in the padded 7-node encoding above)`];
    const out = a.ops.flatMap((op, i) => (op === b.ops[i] ? [] : [`node ${i}: ${op} → ${b.ops[i]}`]));
    for (let i = 0; i < a.matrix.length; i++) {
      for (let j = i + 1; j < a.matrix.length; j++) {
        if (a.matrix[i][j] !== b.matrix[i][j]) out.push(`edge ${i}→${j}: ${a.matrix[i][j] ? 'removed' : 'added'}`);
      }
    }
    return out;
  }
  return [];
}

const NB201_COLUMNS: [string, string][] = [
  ['cifar10_valid_valid_acc', 'CIFAR-10 validation (benchmark)'], ['cifar10_test_acc', 'CIFAR-10 test (benchmark)'],
  ['cifar100_test_acc', 'CIFAR-100 test (benchmark)'], ['imagenet16_120_test_acc', 'ImageNet16-120 test (benchmark)'],
];

export function compareMarkdown(a: CompareSide, b: CompareSide, extras: CompareExtras = {}): string {
  if (a.spec.space !== b.spec.space) throw new Error(`${a.name} is a ${SPACES[a.spec.space].title} cell and ${b.name} a ${SPACES[b.spec.space].title} cell: compare cells of one space`);
  const space = SPACES[a.spec.space];
  const fa = computeFacts(a.spec);
  const fb = computeFacts(b.spec);
  const rows: [string, string, string][] = [];
  const idLabel = { 'nb101-hash': 'NAS-Bench-101 hash', 'nb201-index': 'NAS-Bench-201 index', 'darts-hash': 'DARTS graph hash' }[fa.idKind];
  rows.push([idLabel, code(fa.id), code(fb.id)]);
  if (a.spec.space === 'nasbench201') {
    const t = nb201Table();
    for (const [col, label] of NB201_COLUMNS) {
      const v = t.columns.get(col);
      if (v) rows.push([label, `${v[Number(fa.id)].toFixed(2)}%`, `${v[Number(fb.id)].toFixed(2)}%`]);
    }
  }
  for (const k of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])]) {
    const unit = METRIC_KEYS[k]?.percent ? '%' : '';
    const f = (m: Record<string, number>) => (k in m ? `${m[k]}${unit}` : '–');
    rows.push([`${k} (measured, this file)`, f(a.metrics), f(b.metrics)]);
  }
  try {
    const ca = cellCost(a.spec, { dataset: 'cifar10' });
    const cb = cellCost(b.spec, { dataset: 'cifar10' });
    rows.push(['Parameters (CIFAR-10 network)', formatCount(ca.params), formatCount(cb.params)]);
    rows.push(['FLOPs (multiply-adds per image)', formatCount(ca.flops), formatCount(cb.flops)]);
  } catch {
    // A cell that builds no network (input cut off from output) has no cost: leave the rows out.
  }
  rows.push(['Ops', fa.summary, fb.summary]);
  const d = editDistance(a.spec, b.spec);
  const diffs = differences(a.spec, b.spec);
  const out = [
    `# ${a.name} vs ${b.name} · ${space.title}`,
    '',
    `| | ${a.name} | ${b.name} |`,
    '|---|---|---|',
    ...rows.map(([k, x, y]) => `| ${k} | ${x} | ${y} |`),
    '',
    fa.id === fb.id
      ? `**The same architecture** (same canonical id${JSON.stringify(a.spec) === JSON.stringify(b.spec) ? '' : ': isomorphic, written differently'}).`
      : `**Edit distance ${d.total}**: ${d.ops} node op${d.ops === 1 ? '' : 's'} and ${d.edges} adjacency entr${d.edges === 1 ? 'y' : 'ies'} differ in arch2vec's encoding (the distance the paper relates latent distance to).`,
    '',
    extras.latent
      ? `**Latent distance ${extras.latent.distance.toFixed(4)}** (L2 between the two embeddings; ${extras.latent.model}).`
      : `Latent distance: ${extras.latentMissing ?? 'not computed'}.`,
    '',
    '## Differences',
    '',
    ...(diffs.length ? diffs.map((x) => `- ${x}`) : ['None in the written form.']),
    '',
    `## ${a.name}`, '', '```text', ...graphLines(a.spec), '```', '',
    `## ${b.name}`, '', '```text', ...graphLines(b.spec), '```', '',
  ];
  return out.join('\n');
}

const code = (s: string) => `\`${s}\``;
