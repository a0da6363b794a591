/**
 * `npm run screenshots`: the three webview pages with real data (shipped NB201 model and table, real
 * benchmark searches) in VS Code's Dark Modern and Light Modern themes, written to
 * docs/<page>-<theme>.png (1000×700). Uses the test harness, so what is pictured is what is tested. The
 * search view at side-panel width (docs/search-500-<theme>.png) and the predictions in the editor
 * (docs/predictions-<theme>.png) come from the real editor: the end-to-end test writes them with
 * ARCH2VEC_UPDATE_SCREENSHOTS=1; `--harness-500` writes the harness's 500 px search view to .cache/ instead.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nb201MapState, nb201NeighboursState, nb201PointInfo, suggestionsState } from '../test/helpers/webviewData';
import { chromiumSkipReason, inPage, WebviewHarness, type WebviewPage } from '../test/helpers/webviewHarness';
import { REPO } from '../test/helpers/shared';
import type { ThemeName } from '../test/helpers/vscodeThemes';
import type { PageMessage, ViewKind, ViewState } from '../webview/src/messages';

const OUT = join(REPO, 'docs');

async function main() {
  const skip = chromiumSkipReason();
  if (skip) throw new Error(`cannot take screenshots: ${skip}`);
  mkdirSync(OUT, { recursive: true });
  const states: Record<ViewKind, ViewState> = {
    neighbours: nb201NeighboursState(6111, 8),
    suggestions: await suggestionsState({ strategies: ['bo', 're', 'rs'] }),
    map: nb201MapState(),
  };
  const harness = await WebviewHarness.start();
  try {
    for (const view of Object.keys(states) as ViewKind[]) {
      for (const theme of ['dark', 'light'] as ThemeName[]) {
        const p = await harness.open(view, { theme });
        await p.send({ type: 'state', state: states[view] });
        await settle(p, view);
        const file = join(OUT, `${view}-${theme}.png`);
        await p.page.screenshot({ path: file });
        if (p.problems.length) throw new Error(`${view} (${theme}): ${p.problems.join('; ')}`);
        console.log(file);
        await p.page.close();
      }
    }
    // The search view at side-panel width (cards): docs/ has the real editor's (test/e2e.test.ts); this one is for comparing.
    for (const theme of (process.argv.includes('--harness-500') ? ['dark', 'light'] : []) as ThemeName[]) {
      const p = await harness.open('suggestions', { theme, width: 500, height: 900 });
      await p.send({ type: 'state', state: states.suggestions });
      await settle(p, 'suggestions');
      mkdirSync(join(REPO, '.cache'), { recursive: true });
      const file = join(REPO, '.cache', `search-500-harness-${theme}.png`);
      await p.page.screenshot({ path: file });
      if (p.problems.length) throw new Error(`search at 500 px (${theme}): ${p.problems.join('; ')}`);
      console.log(file);
      await p.page.close();
    }
  } finally {
    await harness.close();
  }
}

/** Waits until the page has drawn; on the map, also hovers a point and answers its pointInfo like the host. */
async function settle(p: WebviewPage, view: ViewKind) {
  if (view === 'neighbours') await p.page.locator('.card').first().waitFor();
  if (view === 'suggestions') await p.page.locator('li.result').first().waitFor();
  if (view !== 'map') return;
  await p.page.locator('.projection').waitFor();
  await p.page.waitForFunction('document.querySelector(".map-wrap canvas").width > 0');
  // A well-performing cell right of the centre, so the tooltip has room.
  const spot = await p.page.evaluate(inPage(`
    const c = document.querySelector('.map-wrap canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let x = Math.floor(c.width * 0.55); x < c.width; x++) for (let y = Math.floor(c.height * 0.45); y < c.height; y++) {
      const i = 4 * (y * c.width + x);
      if (d[i + 3] === 255) return { x, y };
    }
    return null;`), null) as { x: number; y: number } | null;
  if (!spot) return;
  const box = (await p.page.locator('.map-wrap').boundingBox())!;
  await p.page.mouse.move(box.x + 1 + spot.x, box.y + 1 + spot.y);
  const ask = await p.waitForPosted((m) => m.type === 'pointInfo', 'pointInfo') as Extract<PageMessage, { type: 'pointInfo' }>;
  await p.send(nb201PointInfo(ask.requestId, ask.index));
  await p.page.locator('.tooltip .arch').waitFor();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
