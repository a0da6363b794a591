/** DARTS' evaluation networks in PyTorch, following quark0/darts `cnn/model.py` and `cnn/operations.py`. */
import type { CellSpec } from '../cellSpec';
import type { Genotype } from '../spaces/darts';
import { header, mainBlock, pyString, type HeaderInfo } from './python';

/** The block DARTS builds for an op on `c` channels with the given stride (a Python expression). */
function opBlock(op: string, stride: 1 | 2): string {
  switch (op) {
    case 'none': return `Zero(${stride})`;
    case 'avg_pool_3x3': return `nn.AvgPool2d(3, stride=${stride}, padding=1, count_include_pad=False)`;
    case 'max_pool_3x3': return `nn.MaxPool2d(3, stride=${stride}, padding=1)`;
    case 'skip_connect': return stride === 1 ? 'Identity()' : 'FactorizedReduce(c, c)';
    case 'sep_conv_3x3': return `SepConv(c, c, 3, ${stride}, 1)`;
    case 'sep_conv_5x5': return `SepConv(c, c, 5, ${stride}, 2)`;
    case 'dil_conv_3x3': return `DilConv(c, c, 3, ${stride}, 2, 2)`;
    case 'dil_conv_5x5': return `DilConv(c, c, 5, ${stride}, 4, 2)`;
    default: throw new Error(`no PyTorch block for the DARTS op '${op}'`);
  }
}

const STATE = (i: number) => `s${i}`;

function cellClass(name: string, g: Genotype, reduction: boolean): string[] {
  const out = [
    `class ${name}(Cell):`,
    `    """The ${reduction ? 'reduction' : 'normal'} cell. s0, s1: the two previous cells' outputs (preprocessed);`,
    `    each node sums two ops${reduction ? ' (ops on s0 and s1 have stride 2)' : ''}; the output concatenates s2..s5.`,
  ];
  for (let b = 0; b < 4; b++) out.push(`    s${b + 2} = ${g[2 * b][0]}(${STATE(g[2 * b][1])}) + ${g[2 * b + 1][0]}(${STATE(g[2 * b + 1][1])})`);
  out.push('    """', '', `    reduction = ${reduction ? 'True' : 'False'}`, '', '    def __init__(self, c_prev_prev, c_prev, c, reduction_prev):', '        super().__init__(c_prev_prev, c_prev, c, reduction_prev)');
  g.forEach(([op, input], i) => {
    const stride = reduction && input < 2 ? 2 : 1;
    out.push(`        self.op${i} = ${opBlock(op, stride)}  # s${2 + (i >> 1)} <- ${op}(${STATE(input)})`);
  });
  out.push('', '    def forward(self, s0, s1, drop_prob=0.0):', '        s0 = self.preprocess0(s0)', '        s1 = self.preprocess1(s1)');
  for (let b = 0; b < 4; b++) {
    const [i, j] = [2 * b, 2 * b + 1];
    out.push(`        s${b + 2} = self.path(self.op${i}, ${STATE(g[i][1])}, drop_prob) + self.path(self.op${j}, ${STATE(g[j][1])}, drop_prob)`);
  }
  out.push('        return torch.cat([s2, s3, s4, s5], dim=1)');
  return out;
}

const genotypeLiteral = (g: Genotype) => `[${g.map(([op, i]) => `(${pyString(op)}, ${i})`).join(', ')}]`;

export function dartsModule(spec: Extract<CellSpec, { space: 'darts' }>, h: Omit<HeaderInfo, 'reproduces'>): string[] {
  const net = h.cost.network;
  const imagenet = net.variant === 'darts-imagenet';
  const out = header({
    ...h,
    reproduces: [
      `Reproduces DARTS' ${imagenet ? 'ImageNet network, mobile setting' : 'CIFAR evaluation network'} (quark0/darts, cnn/model.py ${imagenet ? 'NetworkImageNet' : 'NetworkCIFAR'}):`,
      imagenet
        ? 'a two-conv stride-4 stem and a stride-2 conv, cells with reductions at 1/3 and 2/3 of the depth,'
        : 'a 3x3 conv-BN stem with 3C channels, cells with reductions at 1/3 and 2/3 of the depth,',
      `${imagenet ? '7x7 average pooling' : 'global average pooling'} and a linear classifier, the auxiliary head after the second`,
      'reduction, and the genotype\'s ops as DARTS implements them. Drop-path is off by default',
      '(DARTS\' training script raises drop_path_prob linearly to 0.2 over training).',
      spec.reduceGiven ? '' : 'The cell file gives one cell: it is used as the reduction cell too (as arch2vec does).',
    ].filter((l) => l !== ''),
  });
  out.push(
    '# The genotype: (op, input) pairs; pairs 2k and 2k+1 feed node k + 2, inputs 0 and 1 are the two',
    '# previous cells. The cell\'s output concatenates nodes 2..5.',
    `NORMAL = ${genotypeLiteral(spec.normal)}`,
    `REDUCE = ${genotypeLiteral(spec.reduce)}`,
    `NUM_CLASSES = ${net.classes}`,
    `CHANNELS = ${net.channels}`,
    `LAYERS = ${net.cells}`,
    `AUXILIARY = ${net.auxiliary ? 'True' : 'False'}`,
    '',
    '',
    'def drop_path(x, drop_prob):',
    '    """Zeroes whole samples with probability drop_prob and rescales the rest (training only)."""',
    '    keep = 1.0 - drop_prob',
    '    mask = torch.empty(x.size(0), 1, 1, 1, dtype=x.dtype, device=x.device).bernoulli_(keep)',
    '    return x / keep * mask',
    '',
    '',
    'class ReLUConvBN(nn.Module):',
    '    """ReLU, convolution (no bias), BatchNorm: the cells\' 1x1 preprocessing."""',
    '',
    '    def __init__(self, c_in, c_out, kernel_size, stride, padding):',
    '        super().__init__()',
    '        self.op = nn.Sequential(',
    '            nn.ReLU(),',
    '            nn.Conv2d(c_in, c_out, kernel_size, stride=stride, padding=padding, bias=False),',
    '            nn.BatchNorm2d(c_out),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.op(x)',
    '',
    '',
    'class DilConv(nn.Module):',
    '    """dil_conv_KxK: ReLU, dilated depthwise conv, pointwise conv, BatchNorm."""',
    '',
    '    def __init__(self, c_in, c_out, kernel_size, stride, padding, dilation):',
    '        super().__init__()',
    '        self.op = nn.Sequential(',
    '            nn.ReLU(),',
    '            nn.Conv2d(c_in, c_in, kernel_size, stride=stride, padding=padding, dilation=dilation, groups=c_in, bias=False),',
    '            nn.Conv2d(c_in, c_out, 1, bias=False),',
    '            nn.BatchNorm2d(c_out),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.op(x)',
    '',
    '',
    'class SepConv(nn.Module):',
    '    """sep_conv_KxK: (ReLU, depthwise conv, pointwise conv, BatchNorm) twice, the first with the stride."""',
    '',
    '    def __init__(self, c_in, c_out, kernel_size, stride, padding):',
    '        super().__init__()',
    '        self.op = nn.Sequential(',
    '            nn.ReLU(),',
    '            nn.Conv2d(c_in, c_in, kernel_size, stride=stride, padding=padding, groups=c_in, bias=False),',
    '            nn.Conv2d(c_in, c_in, 1, bias=False),',
    '            nn.BatchNorm2d(c_in),',
    '            nn.ReLU(),',
    '            nn.Conv2d(c_in, c_in, kernel_size, stride=1, padding=padding, groups=c_in, bias=False),',
    '            nn.Conv2d(c_in, c_out, 1, bias=False),',
    '            nn.BatchNorm2d(c_out),',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.op(x)',
    '',
    '',
    'class Identity(nn.Module):',
    '    """skip_connect with stride 1."""',
    '',
    '    def forward(self, x):',
    '        return x',
    '',
    '',
    'class Zero(nn.Module):',
    '    """none: zeros (subsampled when the stride is 2)."""',
    '',
    '    def __init__(self, stride):',
    '        super().__init__()',
    '        self.stride = stride',
    '',
    '    def forward(self, x):',
    '        return x[:, :, :: self.stride, :: self.stride].mul(0.0)',
    '',
    '',
    'class FactorizedReduce(nn.Module):',
    '    """Halves the resolution: two stride-2 1x1 convs, the second offset by one pixel, concatenated."""',
    '',
    '    def __init__(self, c_in, c_out):',
    '        super().__init__()',
    '        self.relu = nn.ReLU()',
    '        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)',
    '        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)',
    '        self.bn = nn.BatchNorm2d(c_out)',
    '',
    '    def forward(self, x):',
    '        x = self.relu(x)',
    '        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))',
    '',
    '',
    'class Cell(nn.Module):',
    '    """What both cells share: preprocessing of the two inputs to c channels, drop-path on op outputs."""',
    '',
    '    multiplier = 4',
    '',
    '    def __init__(self, c_prev_prev, c_prev, c, reduction_prev):',
    '        super().__init__()',
    '        if reduction_prev:',
    '            self.preprocess0 = FactorizedReduce(c_prev_prev, c)',
    '        else:',
    '            self.preprocess0 = ReLUConvBN(c_prev_prev, c, 1, 1, 0)',
    '        self.preprocess1 = ReLUConvBN(c_prev, c, 1, 1, 0)',
    '',
    '    def path(self, op, x, drop_prob):',
    '        y = op(x)',
    '        if self.training and drop_prob > 0.0 and not isinstance(op, Identity):',
    '            y = drop_path(y, drop_prob)',
    '        return y',
    '',
    '',
    ...cellClass('NormalCell', spec.normal, false),
    '',
    '',
    ...cellClass('ReductionCell', spec.reduce, true),
    '',
    '',
  );
  if (imagenet) {
    out.push(
      'class AuxiliaryHead(nn.Module):',
      '    """DARTS\' ImageNet auxiliary classifier on the 7x7 map after the second reduction (no BatchNorm',
      '    after its 2x2 conv, as in the DARTS experiments)."""',
      '',
      '    def __init__(self, c, num_classes):',
      '        super().__init__()',
      '        self.features = nn.Sequential(',
      '            nn.ReLU(),',
      '            nn.AvgPool2d(5, stride=2, padding=0, count_include_pad=False),',
      '            nn.Conv2d(c, 128, 1, bias=False),',
      '            nn.BatchNorm2d(128),',
      '            nn.ReLU(),',
      '            nn.Conv2d(128, 768, 2, bias=False),',
      '            nn.ReLU(),',
      '        )',
      '        self.classifier = nn.Linear(768, num_classes)',
    );
  } else {
    out.push(
      'class AuxiliaryHead(nn.Module):',
      '    """DARTS\' CIFAR auxiliary classifier on the 8x8 map after the second reduction."""',
      '',
      '    def __init__(self, c, num_classes):',
      '        super().__init__()',
      '        self.features = nn.Sequential(',
      '            nn.ReLU(),',
      '            nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),',
      '            nn.Conv2d(c, 128, 1, bias=False),',
      '            nn.BatchNorm2d(128),',
      '            nn.ReLU(),',
      '            nn.Conv2d(128, 768, 2, bias=False),',
      '            nn.BatchNorm2d(768),',
      '            nn.ReLU(),',
      '        )',
      '        self.classifier = nn.Linear(768, num_classes)',
    );
  }
  out.push(
    '',
    '    def forward(self, x):',
    '        return self.classifier(self.features(x).flatten(1))',
    '',
    '',
    'class Network(nn.Module):',
    `    """DARTS' ${imagenet ? 'ImageNet (mobile setting)' : 'CIFAR'} network. forward() returns the logits; while training with the`,
    '    auxiliary head, its logits are left in self.logits_aux (DARTS weighs their loss by 0.4)."""',
    '',
    '    def __init__(self, num_classes=NUM_CLASSES, channels=CHANNELS, layers=LAYERS, auxiliary=AUXILIARY, drop_path_prob=0.0):',
    '        super().__init__()',
    '        self.layers = layers',
    '        self.auxiliary = auxiliary',
    '        self.drop_path_prob = drop_path_prob',
    '        self.logits_aux = None',
    '        c = channels',
  );
  if (imagenet) {
    out.push(
      '        self.stem0 = nn.Sequential(',
      '            nn.Conv2d(3, c // 2, 3, stride=2, padding=1, bias=False),',
      '            nn.BatchNorm2d(c // 2),',
      '            nn.ReLU(),',
      '            nn.Conv2d(c // 2, c, 3, stride=2, padding=1, bias=False),',
      '            nn.BatchNorm2d(c),',
      '        )',
      '        self.stem1 = nn.Sequential(',
      '            nn.ReLU(),',
      '            nn.Conv2d(c, c, 3, stride=2, padding=1, bias=False),',
      '            nn.BatchNorm2d(c),',
      '        )',
      '        c_prev_prev, c_prev, reduction_prev = c, c, True',
    );
  } else {
    out.push(
      '        self.stem = nn.Sequential(',
      '            nn.Conv2d(3, 3 * c, 3, padding=1, bias=False),',
      '            nn.BatchNorm2d(3 * c),',
      '        )',
      '        c_prev_prev, c_prev, reduction_prev = 3 * c, 3 * c, False',
    );
  }
  out.push(
    '        self.cells = nn.ModuleList()',
    '        for i in range(layers):',
    '            reduction = i in (layers // 3, 2 * layers // 3)',
    '            if reduction:',
    '                c *= 2',
    '            cell_class = ReductionCell if reduction else NormalCell',
    '            self.cells.append(cell_class(c_prev_prev, c_prev, c, reduction_prev))',
    '            c_prev_prev, c_prev, reduction_prev = c_prev, Cell.multiplier * c, reduction',
    '            if i == 2 * layers // 3:',
    '                c_auxiliary = c_prev',
    '        if auxiliary:',
    '            self.auxiliary_head = AuxiliaryHead(c_auxiliary, num_classes)',
    `        self.global_pooling = ${imagenet ? 'nn.AvgPool2d(7)' : 'nn.AdaptiveAvgPool2d(1)'}`,
    '        self.classifier = nn.Linear(c_prev, num_classes)',
    '',
    '    def forward(self, x):',
    '        self.logits_aux = None',
    imagenet ? '        s0 = self.stem0(x)' : '        s0 = s1 = self.stem(x)',
    ...(imagenet ? ['        s1 = self.stem1(s0)'] : []),
    '        for i, cell in enumerate(self.cells):',
    '            s0, s1 = s1, cell(s0, s1, self.drop_path_prob)',
    '            if i == 2 * self.layers // 3 and self.auxiliary and self.training:',
    '                self.logits_aux = self.auxiliary_head(s1)',
    '        return self.classifier(self.global_pooling(s1).flatten(1))',
    '',
    '',
    'def build_model(num_classes=NUM_CLASSES, channels=CHANNELS, layers=LAYERS, auxiliary=AUXILIARY, drop_path_prob=0.0):',
    '    """The DARTS network around this genotype (defaults: the exported settings; drop-path off)."""',
    '    return Network(num_classes, channels, layers, auxiliary, drop_path_prob)',
    '',
    ...mainBlock(net.auxiliary),
  );
  return out;
}
