// End to end in headless Chromium (SwiftShader on a machine without a GPU): a tiny U-Net trains
// in the page on WebGL, its checkpoint lands on disk and loads in Node, Node and the browser
// predict the same, WebGL and WASM give the same losses, and aborts and crashes leave a good
// checkpoint.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { syntheticEM } from '../../src/data/index.js';
import { predictTiled } from '../../src/infer/index.js';
import { loadModelDir } from '../../src/node/predict.js';
import { HeadlessError, HeadlessSession } from '../../src/node/headless/session.js';
import { runHeadless } from '../../src/node/headless/runHeadless.js';
import type { HeadlessTrainOptions } from '../../src/browser/headlessPage.js';
import { encodeTiff } from '../../src/tiff/index.js';
import { prepareImages } from '../../src/train/index.js';
import type { BatchInfo } from '../../src/train/index.js';
import { browserAssets, noChromium } from './helpers.js';

const SIZE = 48;
const COUNT = 3;
const TINY: HeadlessTrainOptions = {
  epochs: 1,
  stepsPerEpoch: 2,
  batchSize: 2,
  tileSize: 32,
  augment: false,
  weights: {},
  validation: 0,
  seed: 5,
  learningRate: 1e-3,
  model: { depth: 2, baseFilters: 4 },
};

const data = syntheticEM({ count: COUNT, width: SIZE, height: SIZE, seed: 3 });
const tiff = (d: Uint8Array): Uint8Array =>
  encodeTiff(
    Array.from({ length: COUNT }, (_, i) => ({
      width: SIZE,
      height: SIZE,
      data: d.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE),
    })),
  );

describe.skipIf(noChromium)('headless training in Chromium', () => {
  let assets: string;
  let session: HeadlessSession;
  let outDir: string;
  const webglLosses: number[] = [];

  beforeAll(async () => {
    assets = browserAssets();
    outDir = mkdtempSync(join(tmpdir(), 'unet-wasm-headless-'));
    session = await HeadlessSession.open({
      outDir,
      assetsDir: assets,
      images: tiff(data.images),
      labels: tiff(data.labels),
      onProgress: (info: BatchInfo) => webglLosses.push(info.loss),
    });
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('reports the WebGL renderer and serves a cross-origin-isolated page', () => {
    expect(session.gpu.webgl2).toBe(true);
    expect(session.gpu.webglRenderer).toBeTruthy();
    expect(session.gpu.crossOriginIsolated).toBe(true);
  });

  it('trains a tiny U-Net for two steps on WebGL and writes the checkpoint to disk', async () => {
    const r = await session.train({ options: TINY, backend: 'webgl' });
    expect(r.backend).toBe('webgl');
    expect(r.history).toHaveLength(1);
    expect(webglLosses).toHaveLength(2);
    for (const l of webglLosses) expect(Number.isFinite(l) && l > 0).toBe(true);
    for (const f of ['model.json', 'weights.bin', 'optimizer.bin', 'state.json']) {
      expect(existsSync(join(outDir, 'last', f))).toBe(true);
    }
    const state = JSON.parse(readFileSync(join(outDir, 'last', 'state.json'), 'utf8'));
    expect(state.globalStep).toBe(2);
    expect(state.epoch).toBe(1);
  }, 120_000);

  it('Node loads the checkpoint and predicts what the browser predicts (1e-3)', async () => {
    const image = prepareImages(data.images, SIZE, SIZE, COUNT).slice(0, SIZE * SIZE);
    const browser = await session.predict({
      checkpoint: 'last',
      image,
      width: SIZE,
      height: SIZE,
      backend: 'webgl',
    });
    await initBackend('cpu');
    const { model } = await loadModelDir(join(outDir, 'last'));
    try {
      const node = await predictTiled(model, image, SIZE, SIZE);
      expect(browser.probabilities.length).toBe(node.probabilities.length);
      let maxDiff = 0;
      for (let i = 0; i < node.probabilities.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(node.probabilities[i]! - browser.probabilities[i]!));
      }
      expect(maxDiff).toBeLessThan(1e-3);
      // Not a constant map: the comparison means something.
      expect(Math.max(...node.probabilities) - Math.min(...node.probabilities)).toBeGreaterThan(1e-3);
    } finally {
      model.dispose();
    }
  }, 120_000);

  it("gives the same step losses on 'webgl' and 'wasm'", async () => {
    const wasmLosses: number[] = [];
    const r = await session.train({
      options: TINY,
      backend: 'wasm',
      onProgress: (i) => wasmLosses.push(i.loss),
    });
    expect(r.backend).toBe('wasm');
    expect(wasmLosses).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(wasmLosses[i]! - webglLosses[i]!)).toBeLessThan(1e-3 * Math.abs(webglLosses[i]!));
    }
  }, 120_000);
});

describe.skipIf(noChromium)('headless failures', () => {
  it('a page crash is a clear error and the last checkpoint stays intact', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'unet-wasm-headless-crash-'));
    let crash: () => void = () => {};
    const session = await HeadlessSession.open({
      outDir,
      assetsDir: browserAssets(),
      onProgress: (info) => {
        if (info.globalStep === 2) crash();
      },
    });
    crash = () => {
      void session.page
        .createCDPSession()
        .then((c) => c.send('Page.crash'))
        .catch(() => {});
    };
    try {
      const run = session.train({
        options: { ...TINY, stepsPerEpoch: 50, checkpointEvery: 1 },
        backend: 'wasm',
        data: { kind: 'synthetic', count: 3, width: 48, height: 48, seed: 1 },
      });
      const err = await run.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeadlessError);
      expect((err as Error).message).toMatch(/crashed|closed|exited/);
      expect((err as Error).message).toMatch(/last good checkpoint .* is intact/);
      const { model, state } = await loadModelDir(join(outDir, 'last'));
      model.dispose();
      expect(state?.globalStep).toBeGreaterThanOrEqual(1);
    } finally {
      await session.close();
    }
  }, 120_000);

  it('stops on its signal (Ctrl-C): the page saves a checkpoint and the browser closes', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'unet-wasm-headless-abort-'));
    const controller = new AbortController();
    const { result } = await runHeadless({
      outDir,
      assetsDir: browserAssets(),
      backend: 'wasm',
      data: { kind: 'synthetic', count: 3, width: 48, height: 48, seed: 2 },
      train: { ...TINY, stepsPerEpoch: 50 },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result.aborted).toBe(true);
    const state = JSON.parse(readFileSync(join(outDir, 'last', 'state.json'), 'utf8'));
    expect(state.step).toBeGreaterThanOrEqual(1);
    expect(state.step).toBeLessThan(50);
  }, 120_000);
});
