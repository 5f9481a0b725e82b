// Shared set-up of the browser tests: is there a Chromium, and the browser bundles built fresh.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from '../../src/node/headless/chromium.js';

export const chromium = findChromium();
export const noChromium = chromium === null;
if (noChromium) {
  console.warn(
    'Skipping the headless-browser tests: no Chromium (install it with apt-get install -y chromium or set CHROME_PATH).',
  );
}

/**
 * Builds the browser bundles from the current sources into a temporary directory (or uses
 * UNET_WASM_BROWSER_ASSETS when set, e.g. a prebuilt dist/browser).
 */
let built: string | undefined;
export function browserAssets(): string {
  const given = process.env['UNET_WASM_BROWSER_ASSETS'];
  if (given) return given;
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-browser-'));
  execFileSync(process.execPath, ['scripts/build-browser.mjs', '--outdir', dir], { stdio: 'pipe' });
  built = dir;
  return dir;
}
