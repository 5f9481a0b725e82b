// The batch pool's Web Worker adapter in Chromium: same batches as the page makes itself for 1
// and 3 workers, with full augmentation and weight maps; a failing batch rejects.
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/node/headless/chromium.js';
import { startStaticServer } from '../../src/node/headless/server.js';
import { defaultAugmentConfig } from '../../src/augment/index.js';
import { browserAssets, noChromium } from './helpers.js';

describe.skipIf(noChromium)('batch pool on Web Workers', () => {
  it('is deterministic for 1 and 3 workers and fails cleanly', async () => {
    const assets = browserAssets();
    await build({
      entryPoints: ['test/browser/fixtures/poolPage.ts'],
      outfile: join(assets, 'pool-page.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'error',
    });
    const server = await startStaticServer({
      root: assets,
      routes: {
        '/': {
          body: '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./pool-page.js"></script>',
          type: 'text/html',
        },
      },
    });
    const chromium = await launchChromium();
    try {
      const page = await chromium.browser.newPage();
      await page.goto(server.url);
      await page.waitForFunction('window.poolCheck !== undefined', { timeout: 60_000 });
      const options = {
        tile: { inputSize: 24, outputSize: 24 },
        augment: { ...defaultAugmentConfig },
        weights: {},
      };
      type Check = {
        run(n: number, o: unknown): Promise<{ equal: boolean; shared: boolean }>;
        failing(): Promise<string>;
      };
      for (const workers of [1, 3]) {
        const r = await page.evaluate(
          (n, o) => (window as unknown as { poolCheck: Check }).poolCheck.run(n, o),
          workers,
          options,
        );
        expect(r).toEqual({ equal: true, shared: true });
      }
      const msg = await page.evaluate(() => (window as unknown as { poolCheck: Check }).poolCheck.failing());
      expect(msg).toMatch(/^WorkerPoolError: .*TrainConfigError: bad tile spec/);
    } finally {
      await chromium.close();
      await server.close();
    }
  }, 120_000);
});
