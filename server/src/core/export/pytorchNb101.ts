/** NAS-Bench-101's network in PyTorch, following google-research/nasbench `model_builder.py` / `base_ops.py`. */
import type { CellSpec } from '../cellSpec';
import { prune } from '../spaces/nasbench101';
import { header, mainBlock, pyString, type HeaderInfo } from './python';

const KERNEL: Record<string, number> = { 'conv3x3-bn-relu': 3, 'conv1x1-bn-relu': 1 };

export function nb101Module(spec: Extract<CellSpec, { space: 'nasbench101' }>, h: Omit<HeaderInfo, 'reproduces'>): string[] {
  const p = prune(spec);
  if (!p.valid) throw new Error('the cell has no path from input to output, so it builds no network');
  const { matrix, ops } = p;
  const n = matrix.length;
  const net = h.cost.network;
  const out: string[] = header({
    ...h,
    reproduces: [
      'Reproduces NAS-Bench-101\'s model builder (google-research/nasbench, nasbench/lib/model_builder.py):',
      'a 3x3 conv-BN-ReLU stem, 3 stacks of cells with 2x2 max pooling and channel doubling between',
      'stacks, global average pooling and a linear classifier. Inside a cell, the input reaches each',
      'vertex it feeds through a 1x1 conv-BN-ReLU projection, the output\'s channels are split among the',
      'vertices feeding it (concatenated), and an input->output edge adds a projection of the input.',
      'BatchNorm as trained (TensorFlow momentum 0.997 = PyTorch momentum 0.003, epsilon 1e-5).',
    ],
  });
  const sources = (v: number) => matrix.map((r, s) => (r[v] ? s : -1)).filter((s) => s >= 0);
  const name = (v: number) => (v === 0 ? 'input' : v === n - 1 ? 'output' : `vertex ${v}`);
  out.push(
    '# The cell after NAS-Bench-101\'s pruning: the op of each vertex and the adjacency matrix',
    '# (MATRIX[i][j] == 1: an edge from vertex i to vertex j).',
    `OPS = [${ops.map(pyString).join(', ')}]`,
    'MATRIX = [',
    ...matrix.map((r) => `    [${r.join(', ')}],`),
    ']',
    '',
    `NUM_CLASSES = ${net.classes}`,
    `STEM_CHANNELS = ${net.channels}`,
    `CELLS_PER_STACK = ${net.cells}`,
    'BN_MOMENTUM = 0.003',
    'BN_EPS = 1e-5',
    '',
    '',
    'class ConvBnRelu(nn.Module):',
    '    """Convolution (no bias, \'same\' padding), BatchNorm, ReLU: every convolution of NAS-Bench-101."""',
    '',
    '    def __init__(self, in_channels, out_channels, kernel_size):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False)',
    '        self.bn = nn.BatchNorm2d(out_channels, eps=BN_EPS, momentum=BN_MOMENTUM)',
    '        self.relu = nn.ReLU()',
    '',
    '    def forward(self, x):',
    '        return self.relu(self.bn(self.conv(x)))',
    '',
    '',
    'def vertex_channels(in_channels, out_channels):',
    '    """Channels of every vertex, as NAS-Bench-101 splits them: the output\'s channels are divided among',
    '    the vertices feeding it (the first ones get one extra while a remainder lasts); any other interior',
    '    vertex takes the largest count among the vertices it feeds."""',
    '    n = len(MATRIX)',
    '    channels = [0] * n',
    '    channels[0], channels[n - 1] = in_channels, out_channels',
    '    if n == 2:',
    '        return channels',
    '    feeding_output = [v for v in range(1, n - 1) if MATRIX[v][n - 1]]',
    '    share, extra = divmod(out_channels, len(feeding_output))',
    '    for i, v in enumerate(feeding_output):',
    '        channels[v] = share + (1 if i < extra else 0)',
    '    for v in range(n - 3, 0, -1):',
    '        if not MATRIX[v][n - 1]:',
    '            channels[v] = max(channels[d] for d in range(v + 1, n - 1) if MATRIX[v][d])',
    '    return channels',
    '',
    '',
    'class Cell(nn.Module):',
    '    """The cell (a NAS-Bench-101 module):',
  );
  for (let v = 1; v < n; v++) out.push(`    ${name(v)}${v < n - 1 ? ` (${ops[v]})` : ''} <- ${sources(v).map(name).join(', ')}`);
  out.push(
    '    """',
    '',
    '    def __init__(self, in_channels, out_channels):',
    '        super().__init__()',
    '        self.channels = c = vertex_channels(in_channels, out_channels)',
  );
  for (let v = 1; v < n - 1; v++) {
    if (matrix[0][v]) out.push(`        self.proj${v} = ConvBnRelu(in_channels, c[${v}], 1)`);
    const k = KERNEL[ops[v]];
    if (k) out.push(`        self.op${v} = ConvBnRelu(c[${v}], c[${v}], ${k})  # ${ops[v]}`);
    else if (ops[v] === 'maxpool3x3') out.push(`        self.op${v} = nn.MaxPool2d(3, stride=1, padding=1)  # maxpool3x3`);
    else throw new Error(`vertex ${v}: no PyTorch block for op '${ops[v]}'`);
  }
  if (matrix[0][n - 1]) out.push('        self.proj_out = ConvBnRelu(in_channels, out_channels, 1)');
  out.push('', '    def forward(self, x):');
  if (n === 2) out.push('        return self.proj_out(x)');
  else {
    out.push('        c = self.channels');
    out.push('        # Interior vertices sum their inputs, larger ones cut to the vertex\'s channels; the input is projected.');
    for (let v = 1; v < n - 1; v++) {
      const terms = sources(v).filter((s) => s > 0).map((s) => `v${s}[:, : c[${v}]]`);
      if (matrix[0][v]) terms.push(`self.proj${v}(x)`);
      out.push(`        v${v} = self.op${v}(${terms.join(' + ')})`);
    }
    const fin = sources(n - 1).filter((s) => s > 0).map((s) => `v${s}`);
    const cat = fin.length === 1 ? fin[0] : `torch.cat([${fin.join(', ')}], dim=1)`;
    out.push(`        return ${cat}${matrix[0][n - 1] ? ' + self.proj_out(x)' : ''}`);
  }
  out.push(
    '',
    '',
    'class Network(nn.Module):',
    '    """Stem, 3 stacks of cells (max pooling and twice the channels before stacks 2 and 3), global',
    '    average pooling, linear classifier. forward() returns the logits."""',
    '',
    '    def __init__(self, num_classes=NUM_CLASSES, stem_channels=STEM_CHANNELS, cells_per_stack=CELLS_PER_STACK):',
    '        super().__init__()',
    '        self.stem = ConvBnRelu(3, stem_channels, 3)',
    '        layers = []',
    '        in_channels = channels = stem_channels',
    '        for stack in range(3):',
    '            if stack > 0:',
    '                # TensorFlow\'s \'same\' padding: odd sizes round up.',
    '                layers.append(nn.MaxPool2d(2, stride=2, ceil_mode=True))',
    '                channels *= 2',
    '            for _ in range(cells_per_stack):',
    '                layers.append(Cell(in_channels, channels))',
    '                in_channels = channels',
    '        self.layers = nn.Sequential(*layers)',
    '        self.classifier = nn.Linear(channels, num_classes)',
    '',
    '    def forward(self, x):',
    '        x = self.layers(self.stem(x))',
    '        return self.classifier(x.mean(dim=(2, 3)))',
    '',
    '',
    'def build_model(num_classes=NUM_CLASSES, stem_channels=STEM_CHANNELS, cells_per_stack=CELLS_PER_STACK):',
    '    """The NAS-Bench-101 network around this cell (defaults: the exported settings)."""',
    '    return Network(num_classes, stem_channels, cells_per_stack)',
    '',
    ...mainBlock(false),
  );
  return out;
}
