/**
 * Renders the extension icon (docs/icon.png, 256×256) from the SVG below with headless Chromium:
 * a NAS-Bench-201-style cell (4 nodes, the 6 edges between them) on a rounded tile. `npm run icon`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './e2e/browser';

const REPO = join(__dirname, '..');
const nodes = [[52, 196], [108, 76], [176, 170], [210, 60]];
const edges: [number, number, string][] = [[0, 1, '#7cc4ff'], [0, 2, '#9be39b'], [1, 2, '#ffd166'], [0, 3, '#c3a6ff'], [1, 3, '#7cc4ff'], [2, 3, '#ff8fa3']];
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1f2a44"/><stop offset="1" stop-color="#0f1526"/></linearGradient></defs>
  <rect x="8" y="8" width="240" height="240" rx="44" fill="url(#bg)"/>
  ${edges.map(([a, b, c]) => `<line x1="${nodes[a][0]}" y1="${nodes[a][1]}" x2="${nodes[b][0]}" y2="${nodes[b][1]}" stroke="${c}" stroke-width="11" stroke-linecap="round"/>`).join('\n  ')}
  ${nodes.map(([x, y], i) => `<circle cx="${x}" cy="${y}" r="${i === 0 || i === 3 ? 22 : 18}" fill="${i === 0 || i === 3 ? '#ffffff' : '#e6ecff'}" stroke="#0f1526" stroke-width="5"/>`).join('\n  ')}
</svg>`;

async function main() {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 256, height: 256 }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    writeFileSync(join(REPO, 'docs', 'icon.png'), png);
    console.log('docs/icon.png');
  } finally {
    await browser.close();
  }
}

void main();
