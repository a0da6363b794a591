/**
 * Webview pages: the pure modules (HTML/CSP shell, DAG layout, `.cells` output, message validators,
 * hit-testing grid, ticks, colours), then the real bundles in headless Chromium with real data
 * (see helpers/webviewHarness.ts and helpers/webviewData.ts). One browser for the whole file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import { cellText as serverCellText } from '../server/src/core/render';
import { nb201OpsAt } from '../server/src/core/spaces/nasbench201';
import type { CellSpec } from '../server/src/protocol';
import { cellText, rowCellName, rowMetrics } from '../webview/src/cellText';
import { parseColor, rampLut, rankScale } from '../webview/src/color';
import { layers, layoutCell } from '../webview/src/dag';
import { accuracyLabel, modelLabel } from '../webview/src/format';
import { contentSecurityPolicy, makeNonce, pageHtml } from '../webview/src/html';
import { base64ToFloat32, float32ToBase64, parseHostMessage, parsePageMessage, type MapState, type PageMessage, type SuggestionsState } from '../webview/src/messages';
import { PointGrid } from '../webview/src/pointGrid';
import { niceTicks, tickLabels } from '../webview/src/ticks';
import { exampleCells, exampleNeighboursState, filePredictedSuggestionsState, largeMapState, largeUncolouredMapState, nb201MapWithLayers, nb101PredictedNeighboursState, nb201MapState, nb201NeighboursState, nb201PointInfo, suggestionsState } from './helpers/webviewData';
import { compactCount } from '../webview/src/format';
import { formatCount } from '../server/src/core/export/cost';
import { chromiumSkipReason, inPage, WebviewHarness, type WebviewPage } from './helpers/webviewHarness';

/** A cell's text must parse and validate with the project's own analyser, as one cell of the given spec. */
function assertValidCell(text: string, spec: CellSpec) {
  const a = analyze(text);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`), [], text);
  assert.equal(a.cells.length, 1, text);
  assert.deepEqual(a.cells[0].spec, spec, text);
}

describe('webview: pure modules', () => {
  test('pageHtml: strict CSP with a nonce, the view on <body>, the script tagged', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(nonce, makeNonce());
    const html = pageHtml({ view: 'map', title: 'Map <&>', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/x/map.js', cspSource: 'https://*.vscode-cdn.net', nonce });
    const csp = contentSecurityPolicy('https://*.vscode-cdn.net', nonce);
    assert.ok(html.includes(`content="${csp.replace(/'/g, '&#39;')}"`));
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.ok(csp.includes('img-src https://*.vscode-cdn.net data:'));
    assert.ok(html.includes('<body data-view="map">') && html.includes('id="root"'));
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://file+.vscode-resource.vscode-cdn.net/x/map.js"></script>`));
    assert.ok(html.includes('<title>Map &lt;&amp;&gt;</title>'));
    assert.throws(() => pageHtml({ view: 'map', title: '', scriptUri: 'x', cspSource: "x; script-src 'unsafe-inline'", nonce }), /unsafe CSP source/);
    assert.throws(() => pageHtml({ view: 'map', title: '', scriptUri: 'x', cspSource: "'self' 'unsafe-inline'", nonce }), /unsafe CSP source/);
    // What VS Code (1.100) passes as webview.cspSource.
    assert.match(pageHtml({ view: 'map', title: '', scriptUri: 'x', cspSource: "'self' https://*.vscode-cdn.net", nonce }), /img-src &#39;self&#39; https:\/\/\*\.vscode-cdn\.net data:/);
    assert.throws(() => pageHtml({ view: 'map', title: '', scriptUri: 'x', cspSource: 'x', nonce: 'short' }), /nonce/);
    assert.throws(() => pageHtml({ view: 'other' as 'map', title: '', scriptUri: 'x', cspSource: 'x', nonce }), /unknown view/);
  });

  test('dag: NAS-Bench-201 draws 4 nodes and 6 op-labelled edges, skip-layer edges as nested arcs', () => {
    const ops = nb201OpsAt(1234);
    const l = layoutCell({ space: 'nasbench201', ops });
    assert.deepEqual(l.nodes.map((n) => n.kind), ['input', 'op', 'op', 'output']);
    assert.deepEqual(l.edges.map((e) => [e.from, e.to, e.op]), [[0, 1, ops[0]], [0, 2, ops[1]], [1, 2, ops[2]], [0, 3, ops[3]], [1, 3, ops[4]], [2, 3, ops[5]]]);
    // Left to right, and every node inside the box.
    assert.ok(l.nodes.every((n, i) => i === 0 || n.x > l.nodes[i - 1].x));
    for (const n of l.nodes) assert.ok(n.x - l.radius >= 0 && n.x + l.radius <= l.width && n.y - l.radius >= 0 && n.y + l.radius <= l.height);
    // Adjacent-layer edges are straight; 0→2 and 1→3 bend to opposite sides, 0→3 further out than 0→2.
    const e = (a: number, b: number) => l.edges.find((x) => x.from === a && x.to === b)!;
    const offset = (a: number, b: number) => e(a, b).ly - l.nodes[0].y;
    assert.equal(offset(0, 1), 0);
    assert.ok(Math.sign(offset(0, 2)) === -Math.sign(offset(1, 3)));
    assert.ok(Math.abs(offset(0, 3)) > Math.abs(offset(0, 2)) && Math.sign(offset(0, 3)) === Math.sign(offset(0, 2)));
    // Labels clear the nodes they pass.
    assert.ok(Math.abs(offset(0, 2)) > l.radius + 6);
    assert.ok(l.edges.filter((x) => x.muted).every((x) => x.op === 'none'));
  });

  test('dag: NAS-Bench-101 layers ops by longest path; DARTS has inputs, 4 nodes, output and 8 op edges', () => {
    const nb101 = exampleCells('nasbench101.cells').find((c) => c.name === 'nb101_v2')!.spec as Extract<CellSpec, { space: 'nasbench101' }>;
    const l = layoutCell(nb101);
    assert.equal(l.nodes.length, nb101.ops.length);
    assert.equal(l.edges.length, nb101.matrix.flat().filter(Boolean).length);
    for (const e of l.edges) assert.ok(l.nodes[e.to].x > l.nodes[e.from].x, 'edges point right');
    assert.equal(l.nodes[0].kind, 'input');
    assert.equal(l.nodes.at(-1)!.kind, 'output');

    const darts = exampleCells('darts.cells')[0].spec as Extract<CellSpec, { space: 'darts' }>;
    const d = layoutCell(darts);
    assert.deepEqual(d.nodes.map((n) => n.label), ['k-2', 'k-1', '0', '1', '2', '3', 'out']);
    assert.equal(d.edges.filter((x) => x.op).length, 8);
    assert.deepEqual(d.edges.filter((x) => !x.op).map((x) => [x.from, x.to]), [[2, 6], [3, 6], [4, 6], [5, 6]]);
    assert.equal(d.nodes[0].x, d.nodes[1].x, 'both cell inputs in the first layer');

    assert.deepEqual(layers(3, [{ from: 0, to: 1 }, { from: 1, to: 2 }, { from: 0, to: 2 }]), [0, 1, 2]);
    assert.deepEqual(layers(2, [{ from: 0, to: 1 }, { from: 1, to: 0 }]).length, 2, 'a cycle still ends');
  });

  test('cellText: the page bundle writes exactly what the server writes, and it validates', () => {
    const specs: [string, CellSpec, Record<string, number>][] = [
      ['nb201_42', { space: 'nasbench201', ops: nb201OpsAt(42) }, { val_accuracy: 84.1, test_accuracy: 93.5 }],
      ...exampleCells('nasbench101.cells').map((c): [string, CellSpec, Record<string, number>] => [c.name, c.spec, {}]),
      ...exampleCells('darts.cells').map((c): [string, CellSpec, Record<string, number>] => [c.name, c.spec, { accuracy: 97.1 }]),
    ];
    for (const [name, spec, metrics] of specs) {
      const text = cellText(name, spec, metrics);
      assert.equal(text, serverCellText(name, spec, metrics));
      assertValidCell(text, spec);
    }
    assert.equal(rowCellName('nasbench101', 7), 'nb101_7');
    // Named as the examples name them: accuracy = CIFAR-10 test (2 decimals), val_accuracy = CIFAR-10 validation.
    assert.deepEqual(rowMetrics({ cifar10_valid_valid_acc: 84.1, cifar10_test_acc: 93.5333, cifar100_test_acc: 70 }), { accuracy: 93.53, val_accuracy: 84.1 });
    assert.deepEqual(rowMetrics(undefined), {});
  });

  test('messages: parsePageMessage accepts the contract and rejects malformed input', () => {
    const valid: PageMessage[] = [
      { type: 'ready', view: 'map' },
      { type: 'insertCell', cell: 'cell a\n  arch: x\n', name: 'a' },
      { type: 'showNeighbours', index: 3, name: 'nb201_3' },
      { type: 'showNeighbours', spec: { space: 'nasbench201', ops: nb201OpsAt(0) } },
      { type: 'pointInfo', requestId: 1, index: 0 },
      { type: 'cancelSearch' },
      { type: 'revealLine', line: 4 },
      { type: 'log', level: 'error', message: 'x' },
    ];
    for (const m of valid) assert.deepEqual(parsePageMessage(m), { message: m });
    const invalid: unknown[] = [
      null, 'ready', [], { type: 'ready', view: 'other' }, { type: 'insertCell', cell: '  ', name: 'a' }, { type: 'insertCell', cell: 'x' },
      { type: 'showNeighbours' }, { type: 'showNeighbours', index: 1, spec: { space: 'nasbench201', ops: [] } }, { type: 'showNeighbours', index: -1 },
      { type: 'showNeighbours', index: 1.5 }, { type: 'showNeighbours', spec: { space: 'nasbench101', ops: [], matrix: [[2]] } },
      { type: 'pointInfo', requestId: 1 }, { type: 'revealLine', line: 0 }, { type: 'log', level: 'fatal', message: 'x' }, { type: 'eval', code: '1' },
    ];
    for (const m of invalid) assert.ok('error' in parsePageMessage(m), JSON.stringify(m));
    assert.equal(parseHostMessage({ type: 'state', state: { kind: 'map', count: 1, coords: 'AAAAAAAAAAA=' } }), undefined, 'a map state needs highlights');
    assert.equal(parseHostMessage({ type: 'pointInfo', requestId: 1, index: 2 }), undefined);
    const f = new Float32Array([1.5, -2, NaN, 3e7]);
    assert.deepEqual([...base64ToFloat32(float32ToBase64(f))], [...f]);
  });

  test('PointGrid finds the nearest point within the radius, like a brute-force scan', () => {
    const { count } = nb201MapState();
    const xy = base64ToFloat32(nb201MapState().coords);
    const grid = new PointGrid(xy, count);
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32);
    for (let q = 0; q < 200; q++) {
      const x = grid.minX + rnd() * (grid.maxX - grid.minX);
      const y = grid.minY + rnd() * (grid.maxY - grid.minY);
      const r = 0.02 + rnd() * 0.2;
      let best = -1;
      let bestD = r * r;
      for (let i = 0; i < count; i++) {
        const d = (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2;
        if (d < bestD) [best, bestD] = [i, d];
      }
      assert.equal(grid.nearest(x, y, r), best);
    }
    assert.equal(new PointGrid(new Float32Array([NaN, NaN]), 1).nearest(0, 0, 1), -1);
  });

  test('ticks, colours, labels', () => {
    assert.deepEqual(niceTicks(0, 12000, 5), [0, 2000, 4000, 6000, 8000, 10000, 12000]);
    assert.deepEqual(niceTicks(83.2, 85.1, 4), [83.5, 84, 84.5, 85]);
    assert.deepEqual(tickLabels([0, 2000, 10000, 12000]), ['0', '2k', '10k', '12k']);
    assert.deepEqual(tickLabels([0, 500, 10000]), ['0', '0.5k', '10.0k']);
    assert.deepEqual(tickLabels([84, 84.5, 85]), ['84.0', '84.5', '85.0']);
    assert.deepEqual(tickLabels([0, 20, 40]), ['0', '20', '40']);
    assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff, 255]);
    assert.deepEqual(parseColor('#cccccc80'), [204, 204, 204, 128]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 128]);
    assert.deepEqual(parseColor('transparent', [9, 9, 9, 9]), [9, 9, 9, 9]);
    const lut = rampLut([[0, 0, 0, 255], [255, 255, 255, 255]], 3);
    assert.deepEqual([...lut], [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    const scale = rankScale(new Float32Array([NaN, 10, 10, 90, 91, 92]));
    assert.equal(scale.count, 5);
    assert.deepEqual([10, 90, 91, 92, 95, 5].map((v) => scale.position(v)), [0, 0.5, 0.75, 1, 1, 0]);
    assert.ok(Number.isNaN(scale.position(NaN)));
    assert.deepEqual([0, 0.5, 1].map((q) => scale.quantile(q)), [10, 90, 92]);
    assert.equal(rankScale(new Float32Array([NaN])).count, 0);
    assert.equal(accuracyLabel('cifar10_test_acc'), 'CIFAR-10 test, 200 ep');
    assert.equal(accuracyLabel('cifar10_valid_valid_acc'), 'CIFAR-10 validation, 200 ep');
    assert.equal(accuracyLabel('cifar10_valid_test_acc'), 'CIFAR-10 test (train/valid split), 200 ep');
    assert.equal(accuracyLabel('hp12_cifar10_valid_valid_acc'), 'CIFAR-10 validation, 12 ep');
    assert.equal(accuracyLabel('hp12_imagenet16_120_test_acc'), 'ImageNet16-120 test, 12 ep');
    assert.equal(modelLabel('/ext/models/nasbench201', 'nasbench201'), 'shipped NB201 model');
    assert.equal(modelLabel('/home/u/.arch2vec/models/nasbench101/2026-11-30T10-00-00Z-seed1', 'nasbench101'), 'NB101 model you trained (2026-11-30T10-00-00Z)');
  });
});

const skip = chromiumSkipReason();

/** Page-side source: a checksum of a canvas's pixels, to see that it was redrawn differently. */
const CANVAS_CHECKSUM = `(selector) => {
  const c = document.querySelector(selector);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0;
  for (let i = 0; i < d.length; i++) h = (Math.imul(h, 31) + d[i]) | 0;
  return h;
}`;

describe('webview pages in Chromium', { skip }, () => {
  let harness: WebviewHarness;
  before(async () => {
    harness = await WebviewHarness.start();
  });
  after(async () => {
    await harness?.close();
  });

  /** Every page must end a test without console errors, CSP violations or error logs to the host. */
  async function assertClean(p: WebviewPage) {
    const logged = (await p.posted()).filter((m) => m.type === 'log' && m.level === 'error');
    assert.deepEqual([...p.problems, ...logged.map((m) => JSON.stringify(m))], []);
  }

  const count = (p: WebviewPage, selector: string) => p.page.locator(selector).count();
  /** Non-transparent pixels of the first canvas matching `selector`. */
  const inkedPixels = (p: WebviewPage, selector: string) => p.page.evaluate(inPage(`
    const c = document.querySelector(arg);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;`), selector) as Promise<number>;
  const canvasChecksum = (p: WebviewPage, selector: string) => p.page.evaluate(inPage(`return (${CANVAS_CHECKSUM})(arg)`), selector) as Promise<number>;

  test('neighbours (NB201): cards with distances and accuracies; Insert posts valid text; Neighbours walks on; state restores', async () => {
    const state = nb201NeighboursState(6111, 8);
    const p = await harness.open('neighbours');
    await p.send({ type: 'state', state });
    await p.page.locator('.card').nth(7).waitFor();
    assert.equal(await count(p, '.card'), 8);
    assert.equal(await p.page.locator('h1').textContent(), 'Nearest neighbours');
    assert.equal(await p.page.locator('.query-name').textContent(), 'nb201_6111');
    const cardText = await p.page.locator('.card').allTextContents();
    state.neighbours.forEach((n, i) => {
      assert.ok(cardText[i].includes(n.distance.toFixed(4)), `card ${i} shows its distance`);
      assert.ok(cardText[i].includes(`${n.accuracies!.cifar10_test_acc.toFixed(2)}%`), `card ${i} shows CIFAR-10 test accuracy`);
      assert.ok(cardText[i].includes(`nb201_${n.index}`));
      assert.ok(n.params! > 0 && cardText[i].includes(`params ${formatCount(n.params!)}`) && cardText[i].includes(`FLOPs ${formatCount(n.flops!)}`), `card ${i} shows its network's cost`);
    });
    assert.match(await p.page.locator('.query').textContent() ?? '', new RegExp(`params ${formatCount(state.query.params!)}`));
    assert.equal(await count(p, '.predicted-tag'), 0, 'NB201 cells have benchmark values: nothing predicted');
    assert.equal(state.neighbours[0].distance, 0);
    assert.equal(await count(p, '.card svg.dag'), 8);
    assert.equal(await count(p, '.card svg.dag .node'), 32);
    assert.equal(await p.page.locator('.card').first().locator('.edge-label').count(), 6);

    await p.clearPosted();
    await p.page.locator('.card').nth(2).getByRole('button', { name: /^Insert/ }).click();
    const ins = await p.waitForPosted((m) => m.type === 'insertCell', 'insertCell') as Extract<PageMessage, { type: 'insertCell' }>;
    const n2 = state.neighbours[2];
    assert.equal(ins.name, `nb201_${n2.index}`);
    assertValidCell(ins.cell, n2.spec);
    // The metrics say which dataset, split and epochs they are.
    assert.match(ins.cell, new RegExp(`\\n  accuracy: ${(Math.round(n2.accuracies!.cifar10_test_acc * 100) / 100).toString().replace('.', '\\.')} +# CIFAR-10 test, 200 epochs \\(NAS-Bench-201\\)\\n`));
    assert.match(ins.cell, /\n  val_accuracy: [\d.]+ +# CIFAR-10 validation \(train\/valid split\), 200 epochs\n$/);
    // Keyboard: Enter on the focused button.
    await p.page.locator('.card').nth(3).getByRole('button', { name: /^Show the neighbours/ }).focus();
    await p.page.keyboard.press('Enter');
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'showNeighbours', 'showNeighbours'), { type: 'showNeighbours', index: state.neighbours[3].index, name: `nb201_${state.neighbours[3].index}` });

    assert.deepEqual(await p.savedState(), state);
    await p.reload();
    await p.page.locator('.card').nth(7).waitFor();
    assert.equal(await count(p, '.card'), 8, 'restored from getState without a host message');
    await assertClean(p);

    await p.send({ type: 'state', state: nb201NeighboursState(6111, 5, 'similar') });
    await p.page.locator('h1', { hasText: 'Similar cells' }).waitFor();
    assert.equal(await count(p, '.card'), 5);
    await assertClean(p);
    await p.page.close();
  });

  test('neighbours (NB101, DARTS): every card inserts text that validates', async () => {
    const p = await harness.open('neighbours', { theme: 'light' });
    for (const s of [exampleNeighboursState('nasbench101.cells', 'nasbench101'), exampleNeighboursState('darts.cells', 'darts')]) {
      await p.send({ type: 'state', state: s });
      await p.page.locator('.query-name', { hasText: s.query.name }).waitFor();
      assert.equal(await count(p, '.card'), s.neighbours.length);
      for (let i = 0; i < s.neighbours.length; i++) {
        await p.clearPosted();
        await p.page.locator('.card').nth(i).getByRole('button', { name: /^Insert/ }).click();
        const m = await p.waitForPosted((x) => x.type === 'insertCell', 'insertCell') as Extract<PageMessage, { type: 'insertCell' }>;
        assertValidCell(m.cell, s.neighbours[i].spec);
      }
    }
    await assertClean(p);
    await p.page.close();
  });

  test('suggestions: live plot, Stop, coalesced updates that keep the table, Insert / Neighbours', async () => {
    const done = await suggestionsState();
    const p = await harness.open('suggestions');
    // Stream the running search the way the host does: a whole state after every evaluation.
    const longest = Math.max(...done.series.map((s) => s.points.length));
    for (let k = 1; k <= longest; k += Math.ceil(longest / 25)) {
      const running: SuggestionsState = { ...done, status: 'running', suggestions: [], series: done.series.map((s) => ({ ...s, status: 'running', points: s.points.slice(0, k) })) };
      await p.send({ type: 'state', state: running });
    }
    await p.page.locator('vscode-progress-ring').waitFor();
    assert.ok(await inkedPixels(p, '.plot-wrap canvas') > 500, 'the plot draws');
    await p.page.getByRole('button', { name: 'Stop the search' }).click();
    await p.waitForPosted((m) => m.type === 'cancelSearch', 'cancelSearch');

    await p.send({ type: 'state', state: done });
    // Top-k per strategy: each strategy's section lists its seed's top cells, best reward first.
    const perStrategy = done.series.map((x) => ({ strategy: x.strategy, top: x.top! }));
    for (const { strategy, top } of perStrategy) {
      assert.ok(top.length > 1, `${strategy}: the engine sent its top cells`);
      const rows = p.page.locator(`section.strategy-results[data-strategy="${strategy}"] li.result`);
      await rows.nth(top.length - 1).waitFor();
      assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index')))), top.map((c) => c.index));
    }
    assert.equal(await count(p, 'vscode-progress-ring'), 0);
    assert.match(await p.page.locator('.status').textContent() ?? '', /^Done: \d+ evaluations/);
    assert.equal(await count(p, '.legend li'), done.series.length);
    // What is plotted and what is listed, in words: the 12-epoch reward vs the 200-epoch reported accuracies.
    assert.equal(await p.page.locator('.caption').textContent(),
      'y: best CIFAR-10 validation, 12 ep (the reward the search maximises) · x: simulated training seconds (the benchmark\'s cost per cell; the search\'s own time does not count)');
    assert.equal(await p.page.locator('li.result .test').first().getAttribute('title'), 'CIFAR-10 test, 200 ep');
    assert.equal(await count(p, '.summaries li'), perStrategy.length);
    // Re-sending the same content must not rebuild the list.
    await p.page.evaluate('document.querySelector(".strategy-results").dataset.mark = "kept"');
    for (let i = 0; i < 5; i++) await p.send({ type: 'state', state: { ...done } });
    await p.page.waitForFunction('document.querySelectorAll(".strategy-results[data-mark=kept]").length === 1');

    const best = perStrategy[0].top[0];
    await p.clearPosted();
    const firstRow = p.page.locator('li.result').first();
    await firstRow.getByRole('button', { name: /^Insert/ }).click();
    const ins = await p.waitForPosted((m) => m.type === 'insertCell', 'insertCell') as Extract<PageMessage, { type: 'insertCell' }>;
    assert.equal(ins.cell, best.cell);
    assertValidCell(ins.cell, best.spec);
    await firstRow.getByRole('button', { name: /^Show the neighbours/ }).click();
    assert.equal((await p.waitForPosted((m) => m.type === 'showNeighbours', 'showNeighbours') as { index: number }).index, best.index);
    await p.page.getByRole('button', { name: 'JSON' }).click();
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'exportResults', 'exportResults'), { type: 'exportResults', format: 'json' });

    await p.reload();
    await p.page.locator('li.result').nth(perStrategy[0].top.length - 1).waitFor();
    assert.ok(await inkedPixels(p, '.plot-wrap canvas') > 500, 'restored plot draws');
    await assertClean(p);
    await p.page.close();
  });

  test('suggestions at side-panel width (500 px): cards, nothing cut or clipped, in light and dark', async () => {
    const done = await suggestionsState({ strategies: ['re', 'rs'] });
    for (const theme of ['dark', 'light'] as const) {
      const p = await harness.open('suggestions', { theme, width: 500 });
      await p.send({ type: 'state', state: done });
      const row = p.page.locator('li.result').first();
      await row.waitFor();
      const box = async (sel: string) => (await row.locator(sel).first().boundingBox())!;
      const [what, nums, actions] = [await box('.what'), await box('.nums'), await box('.actions')];
      assert.ok(nums.y >= what.y + what.height - 1 && actions.y >= nums.y + nums.height - 1, 'a card: name and arch, then the numbers, then the buttons');
      const overflow = await p.page.evaluate(`(() => {
        const out = [];
        const page = document.documentElement;
        if (page.scrollWidth > page.clientWidth) out.push('page ' + page.scrollWidth + 'px wide');
        for (const el of document.querySelectorAll('li.result, li.result .arch, li.result dd, li.result vscode-button')) {
          const r = el.getBoundingClientRect();
          if (r.right > page.clientWidth + 0.5 || el.scrollWidth > el.clientWidth + 1) out.push((el.className || el.tagName) + ': ' + el.textContent);
        }
        return out;
      })()`) as string[];
      assert.deepEqual(overflow, [], `${theme}: nothing is cut or clipped at 500 px`);
      // The arch string wraps between edges, not every few characters: at most 3 lines.
      const lines = await p.page.evaluate(`(() => {
        const r = document.createRange();
        r.selectNodeContents(document.querySelector('li.result .arch'));
        return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size;
      })()`) as number;
      assert.ok(lines <= 3, `the arch string takes ${lines} lines`);
      await assertClean(p);
      await p.page.close();
    }
  });

  /** Elements wider than the page or cut inside their box (the 500 px side-panel check). */
  const clipped = (p: WebviewPage, selector: string) => p.page.evaluate(`(() => {
    const out = [];
    const page = document.documentElement;
    if (page.scrollWidth > page.clientWidth) out.push('page ' + page.scrollWidth + 'px wide');
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      const r = el.getBoundingClientRect();
      if (r.right > page.clientWidth + 0.5 || el.scrollWidth > el.clientWidth + 1) out.push((el.className || el.tagName) + ': ' + el.textContent);
    }
    return out;
  })()`) as Promise<string[]>;

  test('neighbours without benchmark values (NB101) at 500 px: params, FLOPs and the file\'s predictions, marked as predicted, in light and dark', async () => {
    const state = nb101PredictedNeighboursState();
    assert.ok(state.prediction && state.prediction.predicted > 0, 'the real predictor predicted the example cells');
    const predicted = state.neighbours.filter((n) => n.fileValue?.source === 'predicted');
    assert.ok(predicted.length >= 3);
    for (const theme of ['dark', 'light'] as const) {
      const p = await harness.open('neighbours', { theme, width: 500 });
      await p.send({ type: 'state', state });
      await p.page.locator('.card').nth(state.neighbours.length - 1).waitFor();
      const cards = p.page.locator('.card');
      for (let i = 0; i < state.neighbours.length; i++) {
        const n = state.neighbours[i];
        const text = await cards.nth(i).textContent() ?? '';
        assert.ok(text.includes(`params ${compactCount(n.params)}`) && text.includes(`FLOPs ${compactCount(n.flops)}`), `${theme} card ${i}: cost`);
        assert.equal(compactCount(n.params), formatCount(n.params!), 'the view formats counts as the CLI and the hover do');
        const v = n.fileValue;
        if (v?.source === 'predicted') {
          const fact = cards.nth(i).locator('.file-value.predicted');
          assert.equal(await fact.locator('.predicted-tag').textContent(), 'predicted');
          assert.equal(await fact.locator('dd').textContent(), `${v.value.toFixed(2)} ± ${v.std!.toFixed(2)}%`);
          assert.equal(await fact.locator('dd').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontStyle: string } }).getComputedStyle(el).fontStyle), 'italic');
          assert.match(await cards.nth(i).getAttribute('aria-label') ?? '', /, predicted accuracy [\d.]+ ± [\d.]+%$/);
        } else assert.equal(await cards.nth(i).locator('.predicted-tag').count(), 0);
      }
      assert.match(await p.page.locator('.prediction-note').textContent() ?? '', new RegExp(`^Predicted accuracy \\(mean ± std\\) of ${state.prediction!.predicted} cells without a benchmark value, from the ${state.prediction!.measured} measured cells of the file\\.`));
      assert.deepEqual(await clipped(p, '.card, .card dd, .card vscode-button, .query dd'), [], `${theme}: nothing is cut or clipped at 500 px`);
      // The tag stands out from the card in both themes (its text is the theme's foreground, not the card's background).
      const [fg, bg] = await p.page.locator('.predicted-tag').first().evaluate((el) => {
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle;
        return [style(el).color, style(el.closest('.card')).backgroundColor];
      });
      assert.notEqual(fg, bg);
      await assertClean(p);
      await p.page.close();
    }
    // Below the threshold the view says why instead of predicting.
    const few = nb101PredictedNeighboursState(6);
    const p = await harness.open('neighbours', { width: 500 });
    await p.send({ type: 'state', state: few });
    await p.page.locator('.prediction-note.skipped').waitFor();
    assert.match(await p.page.locator('.prediction-note').textContent() ?? '', /^No predictions: NAS-Bench-101: the file has \d measured cells with accuracy:; predictions need at least 10/);
    assert.equal(await count(p, '.predicted-tag'), 0);
    await assertClean(p);
    await p.page.close();
  });

  test('search results of the file objective at 500 px: predicted accuracy instead of a reward, params and FLOPs per cell', async () => {
    const state = await filePredictedSuggestionsState();
    assert.equal(state.suggestions.length, 5);
    for (const theme of ['dark', 'light'] as const) {
      const p = await harness.open('suggestions', { theme, width: 500 });
      await p.send({ type: 'state', state });
      const rows = p.page.locator('li.result');
      await rows.nth(4).waitFor();
      for (let i = 0; i < 5; i++) {
        const c = state.suggestions[i];
        assert.equal(await rows.nth(i).locator('.params dd').textContent(), formatCount(c.params!));
        assert.equal(await rows.nth(i).locator('.flops dd').textContent(), formatCount(c.flops!));
        assert.equal(await rows.nth(i).locator('.file-value.predicted dd').textContent(), `${c.fileValue!.value.toFixed(2)} ± ${c.fileValue!.std!.toFixed(2)}%`);
        assert.equal(await rows.nth(i).locator('.reward').count(), 0, 'no empty reward beside the prediction');
      }
      assert.match(await p.page.locator('.prediction-note').textContent() ?? '', /^Predicted accuracy \(mean ± std\) of 5 cells without a benchmark value, from the 14 measured cells of the file\. Leave-one-out check on them: Kendall τ -?[\d.]+, RMSE [\d.]+\.$/);
      assert.deepEqual(await clipped(p, 'li.result, li.result .arch, li.result dd, li.result vscode-button'), [], `${theme}: nothing is cut or clipped at 500 px`);
      await assertClean(p);
      await p.page.close();
    }
  });

  test('suggestions: a failing evaluator\'s reasons, reused results with Re-run all, the early stop\'s message', async () => {
    const base = await suggestionsState({ strategies: ['rs'] });
    const state: SuggestionsState = {
      ...base, objective: 'command', dataset: null, title: 'Random search · evaluator command', status: 'failed',
      message: 'Stopped early: the first 5 evaluations all failed the same way: exit code 1: ModuleNotFoundError: No module named \'torch\'',
      series: base.series.map((x) => ({ ...x, best: null, top: [], points: [] })), suggestions: [], summaries: [],
      failures: [
        { reason: 'exit code 1: ModuleNotFoundError: No module named \'torch\'', count: 5, indices: [12, 7001, 33, 9, 15000] },
      ],
      reused: { count: 3, of: 5, log: '/home/u/.arch2vec/searches/command-abc.jsonl' },
    };
    const p = await harness.open('suggestions', { width: 500 });
    await p.send({ type: 'state', state });
    const failures = p.page.locator('details.failures');
    await failures.waitFor();
    assert.equal(await failures.locator('summary').textContent(), '5 evaluations failed');
    assert.match(await failures.locator('li').first().textContent() ?? '', /^5× exit code 1: ModuleNotFoundError: No module named 'torch' · e\.g\. NB201 12, 7001, 33, 9, 15000$/);
    assert.match(await p.page.locator('.status').textContent() ?? '', /Stopped early: the first 5 evaluations all failed the same way/);
    assert.equal((await p.page.locator('.reused').textContent())?.replace(/\s+/g, ' '), '3 of 5 evaluations from an earlier run (log command-abc.jsonl) · Re-run all');
    await p.clearPosted();
    await p.page.getByRole('button', { name: 'Re-run all' }).click();
    await p.waitForPosted((m) => m.type === 'rerunSearch', 'rerunSearch');
    await assertClean(p);
    await p.page.close();
  });

  test('map (NB201): draws, PCA caption, hover asks for details and shows them, click and keys, highlights reveal lines', async () => {
    const state = nb201MapState();
    const p = await harness.open('map');
    await p.send({ type: 'state', state });
    await p.page.locator('.projection', { hasText: 'PCA · explained' }).waitFor();
    const [ex, ey] = state.explained;
    assert.equal(await p.page.locator('.projection').textContent(), `PCA · explained ${(ex * 100).toFixed(1)}% / ${(ey * 100).toFixed(1)}%`);
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0');
    const inked = await inkedPixels(p, '.map-wrap canvas');
    assert.ok(inked > 5000, `map draws (${inked} pixels)`);

    // Hover a table point: find a pixel of the ramp (not a red highlight marker) and point at it.
    const spot = await p.page.evaluate(inPage(`
      const c = document.querySelector('.map-wrap canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let y = Math.floor(c.height / 2); y < c.height; y++) for (let x = Math.floor(c.width / 3); x < c.width; x++) {
        const i = 4 * (y * c.width + x);
        if (d[i + 3] === 255 && d[i] < 200) return { x, y };
      }
      return null;`), null) as { x: number; y: number } | null;
    assert.ok(spot, 'a drawn point');
    const box = (await p.page.locator('.map-wrap').boundingBox())!;
    await p.clearPosted();
    await p.page.mouse.move(box.x + 1 + spot.x, box.y + 1 + spot.y);
    const ask = await p.waitForPosted((m) => m.type === 'pointInfo', 'pointInfo') as Extract<PageMessage, { type: 'pointInfo' }>;
    await p.send(nb201PointInfo(ask.requestId, ask.index));
    await p.page.locator('.tooltip .arch').waitFor();
    assert.equal(await p.page.locator('.tooltip .arch').textContent(), nb201PointInfo(0, ask.index).arch);
    await p.page.mouse.click(box.x + 1 + spot.x, box.y + 1 + spot.y);
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'showNeighbours', 'showNeighbours'), { type: 'showNeighbours', index: ask.index });

    // The file's cells: red markers on the canvas (hover names them, click reveals the line) and a list.
    const marker = await p.page.evaluate(inPage(`
      const c = document.querySelector('.map-wrap canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i] === 241 && d[i + 1] === 76 && d[i + 2] === 76) return { x: (i / 4) % c.width, y: Math.floor(i / 4 / c.width) };
      return null;`), null) as { x: number; y: number } | null;
    assert.ok(marker, 'a highlight marker in --vscode-charts-red');
    await p.clearPosted();
    await p.page.mouse.move(box.x + 1 + marker.x, box.y + 1 + marker.y + 2);
    await p.page.locator('.tooltip strong').filter({ hasText: /^nb201_/ }).waitFor();
    const name = await p.page.locator('.tooltip strong').textContent();
    const hl = state.highlights.find((x) => x.name === name)!;
    await p.page.mouse.click(box.x + 1 + marker.x, box.y + 1 + marker.y + 2);
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'revealLine', 'revealLine'), { type: 'revealLine', line: hl.line });
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'pointInfo'), [], 'no details asked for a highlight');
    await p.clearPosted();
    assert.equal(await count(p, '#highlights vscode-button'), state.highlights.length);
    await p.page.locator('#highlights vscode-button').first().click();
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'revealLine', 'revealLine'), { type: 'revealLine', line: state.highlights[0].line });

    // Keyboard zoom redraws (fewer points fit), 0 resets.
    const before = await canvasChecksum(p, '.map-wrap canvas');
    await p.page.locator('.map-wrap').focus();
    await p.page.keyboard.press('+');
    await p.page.keyboard.press('+');
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})(arg) !== ${before}`), '.map-wrap canvas');
    await p.page.keyboard.press('0');

    // A theme switch recolours the canvas (it caches colours read from the CSS variables).
    const darkSum = await canvasChecksum(p, '.map-wrap canvas');
    await p.setTheme('light');
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})(arg) !== ${darkSum}`), '.map-wrap canvas');

    await p.reload();
    await p.page.locator('.projection').waitFor();
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0');
    assert.ok(await inkedPixels(p, '.map-wrap canvas') > 5000, 'restored map draws');

    // Pan and zoom are saved with the state: a reload shows the same view, Reset (0) forgets it.
    const fitted = await canvasChecksum(p, '.map-wrap canvas');
    await p.page.locator('.map-wrap').focus();
    await p.page.keyboard.press('+');
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})(arg) !== ${fitted}`), '.map-wrap canvas');
    const zoomed = await canvasChecksum(p, '.map-wrap canvas');
    // Saving is debounced (200 ms after the last move): poll the fake host's stored state.
    let saved: { viewport?: { scale: number } } | undefined;
    for (let i = 0; i < 200 && !(saved = (await p.savedState()) as typeof saved)?.viewport; i++) await p.page.waitForTimeout(50);
    assert.ok(saved?.viewport && saved.viewport.scale > 0, 'the view is saved with the state');
    await p.reload();
    await p.page.locator('.projection').waitFor();
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})(arg) === ${zoomed}`), '.map-wrap canvas');
    await p.page.locator('.map-wrap').focus();
    await p.page.keyboard.press('0');
    for (let i = 0; i < 200 && ((await p.savedState()) as typeof saved)?.viewport; i++) await p.page.waitForTimeout(50);
    assert.equal(((await p.savedState()) as typeof saved)?.viewport, undefined, 'Reset forgets the saved view');
    await assertClean(p);
    await p.page.close();
  });

  test('map at NAS-Bench-101 size (423,624 points) renders and hit-tests', async () => {
    const state = largeMapState();
    const p = await harness.open('map', { theme: 'light' });
    await p.send({ type: 'state', state });
    await p.page.locator('.projection').waitFor({ timeout: 60_000 });
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0', undefined, { timeout: 60_000 });
    assert.ok(await inkedPixels(p, '.map-wrap canvas') > 5000);
    assert.ok((await p.page.locator('.color-legend').textContent())?.includes('unknown'));
    const box = (await p.page.locator('.map-wrap').boundingBox())!;
    // The projection's centre is dense: some point lies within reach of the middle.
    await p.clearPosted();
    for (const dx of [0, 20, -20, 40]) {
      await p.page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2);
      if (!(await p.page.locator('.tooltip').isHidden())) break;
    }
    const ask = await p.waitForPosted((m) => m.type === 'pointInfo', 'pointInfo') as Extract<PageMessage, { type: 'pointInfo' }>;
    assert.ok(ask.index >= 0 && ask.index < state.count);
    await assertClean(p);
    await p.page.close();
  });

  test('map colour control: benchmark value, parameters or FLOPs; the pick redraws, keeps the view and survives a reload', async () => {
    const state = await nb201MapWithLayers();
    const p = await harness.open('map', { theme: 'dark' });
    await p.send({ type: 'state', state });
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0');
    const select = p.page.getByLabel('Colour by');
    assert.deepEqual(await select.locator('option').allTextContents(), ['CIFAR-10 test accuracy (%)', 'Parameters (CIFAR-10 network)', 'FLOPs (multiply-adds, CIFAR-10 network)']);
    assert.equal(await select.inputValue(), 'table', 'the benchmark table colours the map by default');
    await p.page.getByRole('button', { name: 'Zoom in (+)' }).click();
    const before = await canvasChecksum(p, '.map-wrap canvas');
    await select.selectOption('params');
    await p.page.locator('.color-legend', { hasText: 'Parameters (CIFAR-10 network)' }).waitFor();
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})('.map-wrap canvas') !== arg`), before);
    // Ticks are parameter counts, lowest to highest (quantiles of the real counts).
    const ticks = await p.page.locator('.color-ticks span').allTextContents();
    assert.equal(ticks.length, 5);
    assert.match(ticks[0], /^[\d.]+ K$/);
    assert.match(ticks[4], /^[\d.]+ M$/);
    const saved = await p.savedState() as { colorKey?: string; viewport?: { scale: number } };
    assert.equal(saved.colorKey, 'params');
    assert.ok(saved.viewport, 'the zoomed view is kept with the pick');
    await p.reload();
    await p.page.locator('.color-legend', { hasText: 'Parameters (CIFAR-10 network)' }).waitFor();
    assert.equal(await p.page.getByLabel('Colour by').inputValue(), 'params');
    // A malformed layer list is refused as a whole (the page keeps what it shows).
    await p.send({ type: 'state', state: { ...state, colorLayers: [{ key: 'params', label: 'x', values: 42 }] } } as never);
    await p.waitForPosted((m) => m.type === 'log' && m.level === 'warn', 'a warning about the malformed state');
    await p.clearPosted();
    // The host re-sending its state (it does not know the pick) keeps the pick.
    await p.send({ type: 'state', state });
    await p.page.locator('.color-legend', { hasText: 'Parameters (CIFAR-10 network)' }).waitFor();
    await p.page.getByLabel('Colour by').selectOption('flops');
    await p.page.locator('.color-legend', { hasText: 'FLOPs' }).waitFor();
    await assertClean(p);
    await p.page.close();
  });

  test('map with the user\'s table: its colouring comes first; a table cell outside the model\'s points explains itself and opens its neighbours by spec', async () => {
    const dartsCell = exampleCells('darts.cells')[0];
    // Three of the model's points and one table cell after them, far apart so each is its own spot.
    const state: MapState = {
      kind: 'map', space: 'darts', model: '/ext/models/darts', count: 4, coords: float32ToBase64(Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1])),
      explained: [0.4, 0.2], projection: 'pca', highlights: [],
      colorLayers: [{ key: 'params', label: 'Parameters (CIFAR-10 network)', values: float32ToBase64(Float32Array.from([3e6, 3.1e6, 3.2e6, 3.3e6])) }],
      table: {
        file: '/work/tables/mine.jsonl', label: 'Reward (your table mine.jsonl)', values: float32ToBase64(Float32Array.from([NaN, 91, NaN, 95.5])), poolCount: 3, inPool: 1,
        cells: [{ name: 'row 4', line: 4, arch: 'sep_conv_3x3 0, sep_conv_3x3 1', spec: dartsCell.spec, reward: 95.5, accuracy: 95 }],
      },
    };
    const p = await harness.open('map', { theme: 'dark' });
    await p.send({ type: 'state', state });
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0');
    assert.deepEqual(await p.page.getByLabel('Colour by').locator('option').allTextContents(), ['Reward (your table mine.jsonl)', 'Parameters (CIFAR-10 network)']);
    assert.equal(await p.page.getByLabel('Colour by').inputValue(), 'usertable');
    await p.page.locator('.color-legend', { hasText: 'unknown' }).waitFor();
    await p.page.locator('#map-header', { hasText: 'Your table mine.jsonl: 2 cells (1 outside the model\'s 3, added as points)' }).waitFor();
    // The four spots: centres of the inked clusters.
    const spots = await p.page.evaluate(inPage(`
      const c = document.querySelector('.map-wrap canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const found = [];
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
        if (d[4 * (y * c.width + x) + 3] === 0) continue;
        const near = found.find((f) => Math.abs(f.x - x) < 12 && Math.abs(f.y - y) < 12);
        if (near) { near.sx += x; near.sy += y; near.n++; } else found.push({ x, y, sx: x, sy: y, n: 1 });
      }
      return found.map((f) => ({ x: f.sx / f.n, y: f.sy / f.n }));`), null) as { x: number; y: number }[];
    assert.equal(spots.length, 4, 'four points drawn');
    const box = (await p.page.locator('.map-wrap').boundingBox())!;
    let tableSpot: { x: number; y: number } | undefined;
    for (const s of spots) {
      await p.clearPosted();
      await p.page.mouse.move(box.x + 1 + s.x, box.y + 1 + s.y);
      const shown = await Promise.race([
        p.page.locator('.tooltip strong', { hasText: 'Your table, row 4' }).waitFor().then(() => 'table' as const),
        p.waitForPosted((m) => m.type === 'pointInfo', 'pointInfo').then(() => 'model' as const),
      ]);
      if (shown === 'table') tableSpot = s;
      await p.page.mouse.move(box.x + 2, box.y + 2);
    }
    assert.ok(tableSpot, 'one spot is the table cell');
    await p.clearPosted();
    await p.page.mouse.move(box.x + 1 + tableSpot.x, box.y + 1 + tableSpot.y);
    await p.page.locator('.tooltip', { hasText: 'Reward: 95.50%' }).waitFor();
    assert.match((await p.page.locator('.tooltip').textContent())!, /Accuracy: 95\.00%.*Not in the model's table/);
    await p.page.mouse.click(box.x + 1 + tableSpot.x, box.y + 1 + tableSpot.y);
    assert.deepEqual(await p.waitForPosted((m) => m.type === 'showNeighbours', 'showNeighbours'), { type: 'showNeighbours', spec: dartsCell.spec, name: 'row 4' });
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'pointInfo'), [], 'nothing asked of the host for a table cell');
    await assertClean(p);
    await p.page.close();
  });

  test('map without a benchmark table at NAS-Bench-101 size (423,624 points): coloured by parameters, switchable to FLOPs', async () => {
    const state = await largeUncolouredMapState();
    assert.equal(state.color, undefined);
    const p = await harness.open('map', { theme: 'light' });
    await p.send({ type: 'state', state });
    await p.page.locator('.color-legend', { hasText: 'Parameters (CIFAR-10 network)' }).waitFor({ timeout: 60_000 });
    await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0', undefined, { timeout: 60_000 });
    assert.ok(await inkedPixels(p, '.map-wrap canvas') > 5000);
    assert.equal(await p.page.getByLabel('Colour by').inputValue(), 'params');
    assert.ok(!(await p.page.locator('.color-legend').textContent())?.includes('unknown'), 'every point has a parameter count');
    const before = await canvasChecksum(p, '.map-wrap canvas');
    const t0 = Date.now();
    await p.page.getByLabel('Colour by').selectOption('flops');
    await p.page.waitForFunction(inPage(`return (${CANVAS_CHECKSUM})('.map-wrap canvas') !== arg`), before, { timeout: 60_000 });
    console.log(`# 423,624-point map: recoloured by FLOPs in ${Date.now() - t0} ms`);
    await assertClean(p);
    await p.page.close();
  });

  test('malformed host messages are ignored; host errors show a banner', async () => {
    const p = await harness.open('neighbours');
    await p.send({ type: 'state', state: { kind: 'neighbours' } } as never);
    await p.waitForPosted((m) => m.type === 'log' && m.level === 'warn', 'a warning about the malformed message');
    await p.send({ type: 'state', state: nb201MapState() });
    await p.waitForPosted((m) => m.type === 'log' && m.message.includes('ignored a map state'), 'a warning about the wrong view');
    await p.send({ type: 'error', message: 'engine stopped' });
    assert.equal(await p.page.getByRole('alert').textContent(), 'engine stopped');
    assert.equal(await p.savedState(), undefined);
    await assertClean(p);
    await p.page.close();
  });
});
