// The demo page in headless Chromium: take the synthetic data, train two short epochs in the tab,
// and check that the loss curve and the prediction overlay are drawn. Saves a screenshot.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/node/headless/chromium.js';
import { serveDemo } from '../../src/node/demo/serveDemo.js';
import { browserAssets, noChromium } from './helpers.js';

describe.skipIf(noChromium)('demo page', () => {
  it('trains in the tab and draws the loss curve and the overlay', async () => {
    const server = await serveDemo({ assetsDir: browserAssets() });
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      await page.setViewport({ width: 1150, height: 900 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
      await page.click('#synthetic');
      for (const [id, v] of [
        ['epochs', '2'],
        ['steps', '4'],
        ['tile', '32'],
        ['depth', '2'],
        ['filters', '4'],
      ]) {
        await page.$eval(`#${id}`, (el, val) => ((el as HTMLInputElement).value = val as string), v);
      }
      await page.select('#backend', 'wasm');
      await page.click('#train');
      await page.waitForSelector('body[data-done]', { timeout: 100_000 });
      const result = await page.evaluate(() => {
        const s = (window as unknown as { unetDemo: { state: { stepLosses: number[]; history: unknown[] } } })
          .unetDemo.state;
        const c = document.getElementById('overlay') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let red = 0;
        let drawn = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3]! > 0) drawn++;
          if (px[i]! > px[i + 1]! + 60) red++;
        }
        return {
          done: document.body.dataset['done'],
          status: document.getElementById('status')!.textContent,
          steps: s.stepLosses.length,
          epochs: s.history.length,
          drawn,
          red,
        };
      });
      const shot = join(mkdtempSync(join(tmpdir(), 'unet-wasm-demo-')), 'demo.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`demo screenshot: ${shot}`);
      expect(errors).toEqual([]);
      expect(result.done, result.status ?? '').toBe('true');
      expect(result.steps).toBe(8);
      expect(result.epochs).toBe(2);
      expect(result.drawn).toBeGreaterThan(1000);
      expect(result.red).toBeGreaterThan(0);
    } finally {
      await chromium.close();
      await server.close();
    }
  }, 150_000);
});
