/**
 * Issue 9.7 (language server): the work per line and per document is bounded. A 10 MB matrix line
 * (which used to cost ~100 bytes per byte: 10 MB crashed a 512 MB heap) is one located error, costs
 * well under 100 MB, and the server keeps answering; the core parser bounds documents too.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { analyze } from '../server/src/core/analyze';
import { MAX_DOCUMENT_LENGTH } from '../server/src/core/parser';
import { LspClient } from './helpers/lspClient';

describe('language server work bounds (issue 9.7)', () => {
  let client: LspClient | undefined;
  after(async () => client?.stop());

  test('a 10 MB matrix line: a located line-too-long error, < 100 MB more memory, server still answers', async () => {
    client = await LspClient.start({ nodeArgs: ['--max-old-space-size=256'], timeoutMs: 60_000 });
    await client.openAndWait('file:///warm.cells', 'cell w\n  ops: input conv3x3-bn-relu output\n  matrix:\n    0 1 0\n    0 0 1\n    0 0 0\n');
    const before = (await client.rssKb())!;
    const long = '    ' + '0 1 '.repeat(2_500_000); // 10 MB
    const text = `cell big\n  ops: input conv3x3-bn-relu output\n  matrix:\n${long}\n    0 0 1\n    0 0 0\n`;
    const pub = await client.openAndWait('file:///big.cells', text);
    const tooLong = pub.diagnostics.find((d) => d.code === 'line-too-long');
    assert.ok(tooLong, JSON.stringify(pub.diagnostics.map((d) => d.code)));
    assert.equal(tooLong.range.start.line, 3);
    assert.match(String(tooLong.message), /Line 4 has 10,000,004 characters/);
    const after = (await client.rssKb())!;
    assert.ok(after - before < 100 * 1024, `RSS grew by ${((after - before) / 1024).toFixed(0)} MB`);
    const h = await client.hover('file:///warm.cells', 1, 14);
    assert.ok(h, 'no hover after the long line');
  });

  test('a document over the bound is one error, not analysed', () => {
    const big = 'cell a\n  arch: |none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n'.repeat(Math.ceil(MAX_DOCUMENT_LENGTH / 60) + 10);
    const a = analyze(big, { defaultSpace: 'nasbench201' });
    assert.deepEqual(a.diagnostics.map((d) => [d.code, d.range.start.line]), [['document-too-large', 0]]);
    assert.equal(a.cells.length, 0);
  });
});
