/**
 * Parameter and FLOP counts of a cell's benchmark network, computed analytically (no Python, no
 * tensors): layer by layer, the same layers the PyTorch export builds (test/export.test.ts checks
 * both against PyTorch on the exported modules).
 *
 * Conventions (those of NAS-Bench-201 / NATS-Bench's counter, so its recorded numbers are matched):
 * - params: every trainable tensor (conv weights, BatchNorm γ and β, linear weight and bias); DARTS'
 *   auxiliary head is reported apart (`auxiliaryParams`), as DARTS' papers leave it out.
 * - flops: multiply-adds of convolutions and linear layers for one image at the dataset's input size
 *   (k·k·C_in/groups · C_out per output position; a bias adds one per output), inference mode (no
 *   auxiliary head). BatchNorm, ReLU, pooling, additions and concatenations are not counted.
 */
import type { CellSpec } from '../cellSpec';
import type { Genotype } from '../spaces/darts';
import { prune } from '../spaces/nasbench101';
import { NB201_EDGES } from '../notation';
import { resolveNetwork, type NetworkConfig, type NetworkOptions } from './network';

export interface CellCost {
  params: number;
  flops: number;
  /** DARTS' auxiliary head (0 elsewhere or when it is off); not part of `params`. */
  auxiliaryParams: number;
  network: NetworkConfig;
}

/** Output side of a convolution or pooling window (PyTorch's formula). */
export function convOut(size: number, kernel: number, stride = 1, padding = 0, dilation = 1): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

class Tally {
  params = 0;
  flops = 0;
  /** A 2-D convolution producing an `out`×`out` map. */
  conv(cin: number, cout: number, k: number, out: number, groups = 1, bias = false) {
    this.params += (k * k * cin / groups) * cout + (bias ? cout : 0);
    this.flops += (k * k * cin / groups) * cout * out * out + (bias ? cout * out * out : 0);
  }
  /** Affine BatchNorm: γ and β. */
  bn(c: number) {
    this.params += 2 * c;
  }
  linear(cin: number, cout: number) {
    this.params += cin * cout + cout;
    this.flops += cin * cout + cout;
  }
}

// ------------------------------------------------------------------------------------------------
// NAS-Bench-101

/**
 * Channels of every vertex, as NAS-Bench-101's model builder splits them: the output's channels are
 * divided among the vertices feeding it (the first ones get the remainder, one each); other interior
 * vertices take the largest count among the vertices they feed.
 */
export function nb101VertexChannels(inChannels: number, outChannels: number, matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const vc = new Array<number>(n).fill(0);
  vc[0] = inChannels;
  vc[n - 1] = outChannels;
  if (n === 2) return vc;
  let inDegree = 0;
  for (let v = 1; v < n - 1; v++) inDegree += matrix[v][n - 1] ? 1 : 0;
  const share = Math.floor(outChannels / inDegree);
  let extra = outChannels % inDegree;
  for (let v = 1; v < n - 1; v++) {
    if (!matrix[v][n - 1]) continue;
    vc[v] = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
  }
  for (let v = n - 3; v > 0; v--) {
    if (matrix[v][n - 1]) continue;
    for (let d = v + 1; d < n - 1; d++) if (matrix[v][d]) vc[v] = Math.max(vc[v], vc[d]);
  }
  return vc;
}

const NB101_KERNEL: Record<string, number> = { 'conv3x3-bn-relu': 3, 'conv1x1-bn-relu': 1 };

function nb101Cell(t: Tally, matrix: number[][], ops: string[], cin: number, cout: number, size: number) {
  const n = matrix.length;
  if (n === 2) {
    t.conv(cin, cout, 1, size);
    t.bn(cout);
    return;
  }
  const vc = nb101VertexChannels(cin, cout, matrix);
  for (let v = 1; v < n - 1; v++) {
    if (matrix[0][v]) {
      t.conv(cin, vc[v], 1, size);
      t.bn(vc[v]);
    }
    const k = NB101_KERNEL[ops[v]];
    if (k) {
      t.conv(vc[v], vc[v], k, size);
      t.bn(vc[v]);
    }
  }
  if (matrix[0][n - 1]) {
    t.conv(cin, cout, 1, size);
    t.bn(cout);
  }
}

function nb101Cost(spec: Extract<CellSpec, { space: 'nasbench101' }>, net: NetworkConfig): Tally {
  const p = prune(spec);
  if (!p.valid) throw new Error('the cell has no path from input to output');
  const t = new Tally();
  let size = net.inputSize;
  t.conv(3, net.channels, 3, size);
  t.bn(net.channels);
  let cin = net.channels;
  let c = net.channels;
  for (let stack = 0; stack < 3; stack++) {
    if (stack > 0) {
      size = Math.ceil(size / 2); // 2×2 max pool, stride 2, 'same' padding
      c *= 2;
    }
    for (let m = 0; m < net.cells; m++) {
      nb101Cell(t, p.matrix, p.ops, cin, c, size);
      cin = c;
    }
  }
  t.linear(c, net.classes);
  return t;
}

// ------------------------------------------------------------------------------------------------
// NAS-Bench-201

function nb201Cost(ops: readonly string[], net: NetworkConfig): Tally {
  const t = new Tally();
  let size = net.inputSize;
  let c = net.channels;
  t.conv(3, c, 3, size);
  t.bn(c);
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      // ResNet basic block, stride 2: two ReLU-conv3x3-BN and a 2×2 avg pool + 1×1 conv shortcut.
      const out = convOut(size, 3, 2, 1);
      t.conv(c, 2 * c, 3, out);
      t.bn(2 * c);
      t.conv(2 * c, 2 * c, 3, out);
      t.bn(2 * c);
      t.conv(c, 2 * c, 1, convOut(size, 2, 2));
      size = out;
      c *= 2;
    }
    for (let k = 0; k < net.cells; k++) {
      NB201_EDGES.forEach((_, e) => {
        const kernel = ops[e] === 'nor_conv_3x3' ? 3 : ops[e] === 'nor_conv_1x1' ? 1 : 0;
        if (kernel) {
          t.conv(c, c, kernel, size);
          t.bn(c);
        }
      });
    }
  }
  t.bn(c); // last activation's BatchNorm
  t.linear(c, net.classes);
  return t;
}

// ------------------------------------------------------------------------------------------------
// DARTS

function factorizedReduce(t: Tally, cin: number, cout: number, size: number) {
  const out = convOut(size, 1, 2);
  t.conv(cin, cout / 2, 1, out);
  t.conv(cin, cout / 2, 1, out);
  t.bn(cout);
}

function dartsOp(t: Tally, op: string, c: number, stride: number, size: number) {
  const sep = /^sep_conv_(\d)x\d$/.exec(op);
  const dil = /^dil_conv_(\d)x\d$/.exec(op);
  if (sep) {
    const k = Number(sep[1]);
    const out = convOut(size, k, stride, (k - 1) / 2);
    t.conv(c, c, k, out, c);
    t.conv(c, c, 1, out);
    t.bn(c);
    t.conv(c, c, k, out, c);
    t.conv(c, c, 1, out);
    t.bn(c);
  } else if (dil) {
    const k = Number(dil[1]);
    const out = convOut(size, k, stride, k - 1, 2);
    t.conv(c, c, k, out, c);
    t.conv(c, c, 1, out);
    t.bn(c);
  } else if (op === 'skip_connect' && stride === 2) factorizedReduce(t, c, c, size);
  // pools, identity and zero have no weights and no counted FLOPs
}

function dartsCell(t: Tally, g: Genotype, cpp: number, cp: number, c: number, reduction: boolean, reductionPrev: boolean, sizePrevPrev: number, size: number) {
  if (reductionPrev) factorizedReduce(t, cpp, c, sizePrevPrev);
  else {
    t.conv(cpp, c, 1, size);
    t.bn(c);
  }
  t.conv(cp, c, 1, size);
  t.bn(c);
  for (const [op, input] of g) {
    const stride = reduction && input < 2 ? 2 : 1;
    dartsOp(t, op, c, stride, reduction && input >= 2 ? convOut(size, 3, 2, 1) : size);
  }
}

function dartsCost(spec: Extract<CellSpec, { space: 'darts' }>, net: NetworkConfig): { main: Tally; aux: Tally } {
  const t = new Tally();
  const aux = new Tally();
  const C = net.channels;
  const L = net.cells;
  let cpp: number, cp: number, size: number, sizePrev: number;
  let reductionPrev: boolean;
  if (net.variant === 'darts-imagenet') {
    let s = convOut(net.inputSize, 3, 2, 1);
    t.conv(3, C / 2, 3, s);
    t.bn(C / 2);
    s = convOut(s, 3, 2, 1);
    t.conv(C / 2, C, 3, s);
    t.bn(C);
    sizePrev = s;
    s = convOut(s, 3, 2, 1);
    t.conv(C, C, 3, s);
    t.bn(C);
    size = s;
    cpp = cp = C;
    reductionPrev = true;
  } else {
    size = sizePrev = net.inputSize;
    t.conv(3, 3 * C, 3, size);
    t.bn(3 * C);
    cpp = cp = 3 * C;
    reductionPrev = false;
  }
  let c = C;
  for (let i = 0; i < L; i++) {
    const reduction = i === Math.floor(L / 3) || i === Math.floor((2 * L) / 3);
    if (reduction) c *= 2;
    dartsCell(t, reduction ? spec.reduce : spec.normal, cpp, cp, c, reduction, reductionPrev, sizePrev, size);
    sizePrev = size;
    if (reduction) size = convOut(size, 3, 2, 1);
    cpp = cp;
    cp = 4 * c;
    reductionPrev = reduction;
    if (i === Math.floor((2 * L) / 3) && net.auxiliary) {
      aux.conv(cp, 128, 1, 0);
      aux.bn(128);
      aux.conv(128, 768, 2, 0);
      if (net.variant === 'darts-cifar') aux.bn(768); // DARTS' ImageNet head has no BatchNorm there
      aux.linear(768, net.classes);
    }
  }
  t.linear(cp, net.classes);
  return { main: t, aux };
}

/** Parameters and FLOPs of the benchmark network built around `spec` (options: dataset, channels, cells, auxiliary). */
export function cellCost(spec: CellSpec, options: NetworkOptions = {}): CellCost {
  const network = resolveNetwork(spec.space, options);
  switch (spec.space) {
    case 'nasbench101': {
      const t = nb101Cost(spec, network);
      return { params: t.params, flops: t.flops, auxiliaryParams: 0, network };
    }
    case 'nasbench201': {
      const t = nb201Cost(spec.ops, network);
      return { params: t.params, flops: t.flops, auxiliaryParams: 0, network };
    }
    case 'darts': {
      const { main, aux } = dartsCost(spec, network);
      return { params: main.params, flops: main.flops, auxiliaryParams: aux.params, network };
    }
  }
}

/** "3.35 M" / "812 K": compact counts for hovers and tables. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}
