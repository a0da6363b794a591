/**
 * The browser the end-to-end test drives: Debian's Chromium through playwright-core (which ships no
 * browser of its own and downloads nothing).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the browser cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM_PATH) ? undefined : `no ${CHROMIUM_PATH} (Debian package chromium)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // CI runs as root in a container (no sandbox there), has no GPU, and must not phone home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
