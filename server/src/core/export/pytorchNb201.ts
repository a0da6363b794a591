/** NAS-Bench-201's TinyNetwork in PyTorch, following NATS-Bench / xautodl (`cell_infers/tiny_network.py`, `cell_operations.py`). */
import type { CellSpec } from '../cellSpec';
import { formatArch, NB201_EDGES } from '../spaces/nasbench201';
import { header, mainBlock, pyString, type HeaderInfo } from './python';

/** The block each edge op is in the benchmark's cells (C_in == C_out, stride 1 there). */
const EDGE_BLOCK: Record<string, string> = {
  none: 'Zero()',
  skip_connect: 'Identity()',
  nor_conv_1x1: 'ReLUConvBN(channels, channels, 1)',
  nor_conv_3x3: 'ReLUConvBN(channels, channels, 3)',
  avg_pool_3x3: 'Pooling()',
};

export function nb201Module(spec: Extract<CellSpec, { space: 'nasbench201' }>, h: Omit<HeaderInfo, 'reproduces'>): string[] {
  const net = h.cost.network;
  const out = header({
    ...h,
    reproduces: [
      'Reproduces NAS-Bench-201 / NATS-Bench-tss\'s TinyNetwork (D-X-Y/AutoDL-Projects,',
      'xautodl/models/cell_infers/tiny_network.py): a 3x3 conv-BN stem, 3 stages of cells joined by',
      'stride-2 ResNet basic blocks, BN-ReLU, global average pooling and a linear classifier; the edge',
      'ops as NAS-Bench-201 implements them (ReLU-conv-BN, 3x3 average pooling, identity, zero).',
    ],
  });
  out.push(
    `ARCH = ${pyString(formatArch(spec.ops))}`,
    `NUM_CLASSES = ${net.classes}`,
    `CHANNELS = ${net.channels}`,
    `CELLS_PER_STAGE = ${net.cells}`,
    '',
    '',
    'class ReLUConvBN(nn.Module):',
    '    """ReLU, convolution (no bias), BatchNorm: nor_conv_1x1 / nor_conv_3x3 and the basic block\'s convs."""',
    '',
    '    def __init__(self, in_channels, out_channels, kernel_size, stride=1):',
    '        super().__init__()',
    '        self.op = nn.Sequential(',
    '            nn.ReLU(),',
    '            nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2, bias=False),',
    '            nn.BatchNorm2d(out_channels),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.op(x)',
    '',
    '',
    'class Pooling(nn.Module):',
    '    """avg_pool_3x3: 3x3 average pooling, stride 1, padding not counted."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.op = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)',
    '',
    '    def forward(self, x):',
    '        return self.op(x)',
    '',
    '',
    'class Identity(nn.Module):',
    '    """skip_connect."""',
    '',
    '    def forward(self, x):',
    '        return x',
    '',
    '',
    'class Zero(nn.Module):',
    '    """none: the edge carries zeros."""',
    '',
    '    def forward(self, x):',
    '        return x.mul(0.0)',
    '',
    '',
    'class ResNetBasicBlock(nn.Module):',
    '    """The reduction between stages: two ReLU-conv3x3-BN (the first with stride 2) plus a shortcut of',
    '    2x2 average pooling and a 1x1 convolution."""',
    '',
    '    def __init__(self, in_channels, out_channels):',
    '        super().__init__()',
    '        self.conv_a = ReLUConvBN(in_channels, out_channels, 3, stride=2)',
    '        self.conv_b = ReLUConvBN(out_channels, out_channels, 3)',
    '        self.downsample = nn.Sequential(',
    '            nn.AvgPool2d(2, stride=2),',
    '            nn.Conv2d(in_channels, out_channels, 1, bias=False),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.downsample(x) + self.conv_b(self.conv_a(x))',
    '',
    '',
    'class Cell(nn.Module):',
    '    """The cell: node 0 is its input, node 3 its output; each node sums its incoming edges.',
  );
  NB201_EDGES.forEach(([a, b], e) => out.push(`    node ${b} <- node ${a}: ${spec.ops[e]}`));
  out.push('    """', '', '    def __init__(self, channels):', '        super().__init__()');
  NB201_EDGES.forEach(([a, b], e) => out.push(`        self.edge_${b}_${a} = ${EDGE_BLOCK[spec.ops[e]]}  # ${spec.ops[e]}`));
  out.push('', '    def forward(self, x0):');
  for (let b = 1; b <= 3; b++) {
    const terms = NB201_EDGES.filter(([, to]) => to === b).map(([a]) => `self.edge_${b}_${a}(x${a})`);
    out.push(`        x${b} = ${terms.join(' + ')}`);
  }
  out.push(
    '        return x3',
    '',
    '',
    'class TinyNetwork(nn.Module):',
    '    """Stem, 3 stages of cells (C, 2C, 4C channels) joined by ResNet basic blocks, BN-ReLU, global',
    '    average pooling, linear classifier. forward() returns the logits."""',
    '',
    '    def __init__(self, num_classes=NUM_CLASSES, channels=CHANNELS, cells_per_stage=CELLS_PER_STAGE):',
    '        super().__init__()',
    '        self.stem = nn.Sequential(',
    '            nn.Conv2d(3, channels, 3, padding=1, bias=False),',
    '            nn.BatchNorm2d(channels),',
    '        )',
    '        cells = []',
    '        c = channels',
    '        for stage in range(3):',
    '            if stage > 0:',
    '                cells.append(ResNetBasicBlock(c, 2 * c))',
    '                c *= 2',
    '            cells.extend(Cell(c) for _ in range(cells_per_stage))',
    '        self.cells = nn.Sequential(*cells)',
    '        self.lastact = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())',
    '        self.global_pooling = nn.AdaptiveAvgPool2d(1)',
    '        self.classifier = nn.Linear(c, num_classes)',
    '',
    '    def forward(self, x):',
    '        x = self.lastact(self.cells(self.stem(x)))',
    '        return self.classifier(self.global_pooling(x).flatten(1))',
    '',
    '',
    'def build_model(num_classes=NUM_CLASSES, channels=CHANNELS, cells_per_stage=CELLS_PER_STAGE):',
    '    """The NAS-Bench-201 network around this cell (defaults: the exported settings)."""',
    '    return TinyNetwork(num_classes, channels, cells_per_stage)',
    '',
    ...mainBlock(false),
  );
  return out;
}
