// tfjs's WebGPU backend in headless Chromium (SwiftShader's WebGPU on a machine without a GPU):
// the page reports its adapter or why there is none, a tiny U-Net gives the same gradients and
// training losses on 'webgpu' as on 'wasm' and 'webgl', a missing adapter is a clear error that
// falls back only when asked, and `initBackend('wasm', { wasmPaths })` honours the paths in a page.
import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuInfo } from '../../src/browser/gpuInfo.js';
import type { HeadlessData, HeadlessTrainOptions } from '../../src/browser/headlessPage.js';
import { chooseHeadlessBackend, describeGpu, takeFallbackFlag } from '../../src/node/headless/runHeadless.js';
import { HeadlessError, HeadlessSession } from '../../src/node/headless/session.js';
import { startStaticServer } from '../../src/node/headless/server.js';
import type { StaticServer } from '../../src/node/headless/server.js';
import type { GradResult } from './fixtures/gradPage.js';
import { browserAssets, noChromium } from './helpers.js';

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
const DATA: HeadlessData = { kind: 'synthetic', count: 3, width: 48, height: 48, seed: 3 };

/** Largest |a - b| relative to the largest |a|. */
function relMaxDiff(a: readonly number[], b: readonly number[]): number {
  expect(b.length).toBe(a.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!));
  }
  return diff / scale;
}

describe.skipIf(noChromium)("'webgpu' in headless Chromium", () => {
  let session: HeadlessSession;
  let wasmLosses: number[] | undefined;

  beforeAll(async () => {
    session = await HeadlessSession.open({
      outDir: mkdtempSync(join(tmpdir(), 'unet-wasm-webgpu-')),
      assetsDir: browserAssets(),
    });
    console.warn(
      session.gpu.webgpuAdapter
        ? `WebGPU adapter in headless Chromium: ${session.gpu.webgpuAdapter}`
        : `No WebGPU in headless Chromium: ${session.gpu.webgpuUnavailable}`,
    );
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('reports its WebGPU adapter, or why there is none', () => {
    const g = session.gpu;
    expect((g.webgpuAdapter === null) !== (g.webgpuUnavailable === null)).toBe(true);
    if (g.webgpuAdapter === null) expect(g.webgpuUnavailable).toMatch(/^WebGPU unavailable: /);
    else expect(describeGpu(g, 'webgpu')[0]).toContain(`WebGPU adapter: ${g.webgpuAdapter}`);
  });

  it('without an adapter, webgpu fails with a clear error and falls back only when asked', async () => {
    // Before tfjs ever initialises 'webgpu' in this page, make the adapter request come back empty.
    await session.page.evaluate(() => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter: () => Promise<unknown> } }).gpu;
      if (!gpu) return;
      const real = gpu.requestAdapter;
      gpu.requestAdapter = async () => null;
      (window as unknown as { restoreGpu: () => void }).restoreGpu = () => {
        gpu.requestAdapter = real;
      };
    });
    try {
      const err = await session
        .train({ options: TINY, backend: 'webgpu', data: DATA })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('BackendError');
      expect((err as Error).message).toMatch(/^WebGPU unavailable: navigator\.gpu/);

      const losses: number[] = [];
      const r = await session.train({
        options: TINY,
        backend: 'webgpu',
        fallbackBackend: 'wasm',
        data: DATA,
        onProgress: (i) => losses.push(i.loss),
      });
      expect(r.backend).toBe('wasm');
      expect(r.fallback?.from).toBe('webgpu');
      expect(r.fallback?.reason).toMatch(/^WebGPU unavailable: /);
      expect(losses).toHaveLength(2);
      wasmLosses = losses;
    } finally {
      await session.page.evaluate(() => (window as unknown as { restoreGpu?: () => void }).restoreGpu?.());
    }
  }, 120_000);

  it("trains a tiny U-Net on 'webgpu' with the same step losses as on 'wasm'", async (ctx) => {
    if (!session.gpu.webgpuAdapter) {
      console.warn(`Skipping the WebGPU training test: ${session.gpu.webgpuUnavailable}`);
      ctx.skip();
    }
    if (!wasmLosses) {
      wasmLosses = [];
      const losses = wasmLosses;
      await session.train({
        options: TINY,
        backend: 'wasm',
        data: DATA,
        onProgress: (i) => losses.push(i.loss),
      });
    }
    const losses: number[] = [];
    const r = await session.train({
      options: TINY,
      backend: 'webgpu',
      data: DATA,
      onProgress: (i) => losses.push(i.loss),
    });
    expect(r.backend).toBe('webgpu');
    expect(r.fallback).toBeUndefined();
    expect(losses).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(Number.isFinite(losses[i]) && losses[i]! > 0).toBe(true);
      expect(Math.abs(losses[i]! - wasmLosses[i]!)).toBeLessThan(1e-3 * Math.abs(wasmLosses[i]!));
    }
  }, 120_000);

  describe('one gradient step, read with await data()', () => {
    let server: StaticServer;
    let page: Page;
    const results = new Map<string, GradResult>();
    const step = async (backend: string): Promise<GradResult> => {
      const r = await page.evaluate(
        (b) => (window as unknown as { gradStep(b: string): Promise<GradResult> }).gradStep(b),
        backend,
      );
      results.set(backend, r);
      return r;
    };

    beforeAll(async () => {
      const assets = browserAssets();
      // The page lives in fixture/, the tfjs .wasm files one level up: only wasmPaths finds them.
      await mkdir(join(assets, 'fixture'), { recursive: true });
      await build({
        entryPoints: ['test/browser/fixtures/gradPage.ts'],
        outfile: join(assets, 'fixture', 'grad-page.js'),
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        logLevel: 'error',
        external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto'],
      });
      server = await startStaticServer({
        root: assets,
        routes: {
          '/fixture/': {
            body: '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./grad-page.js"></script>',
            type: 'text/html',
          },
        },
      });
      page = await session.page.browser().newPage();
      page.on('pageerror', (e) => console.warn(`[grad page] ${String(e)}`));
      await page.goto(new URL('fixture/', server.url).href);
      await page.waitForFunction('window.gradStep !== undefined', { timeout: 60_000 });
    }, 120_000);

    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    it("initBackend('wasm', { wasmPaths }) starts 'wasm' once, from the given paths", async () => {
      const r = await step('wasm');
      expect(r.backend).toBe('wasm');
      expect(r.wasmFactoryCalls).toBe(1);
      expect(Number.isFinite(r.loss) && r.loss > 0).toBe(true);
      // Not the dataSync()-zeros failure: the gradients carry signal.
      expect(Math.max(...r.grads.map(Math.abs))).toBeGreaterThan(1e-4);
    }, 60_000);

    it("gives the same loss and gradients on 'webgl' as on 'wasm'", async () => {
      const wasm = results.get('wasm') ?? (await step('wasm'));
      const r = await step('webgl');
      expect(r.backend).toBe('webgl');
      expect(Math.abs(r.loss - wasm.loss)).toBeLessThan(1e-4 * wasm.loss);
      expect(relMaxDiff(wasm.grads, r.grads)).toBeLessThan(1e-3);
    }, 60_000);

    it("gives the same loss and gradients on 'webgpu' as on 'wasm' and 'webgl'", async (ctx) => {
      if (!session.gpu.webgpuAdapter) {
        console.warn(`Skipping the WebGPU gradient test: ${session.gpu.webgpuUnavailable}`);
        ctx.skip();
      }
      const wasm = results.get('wasm') ?? (await step('wasm'));
      const webgl = results.get('webgl') ?? (await step('webgl'));
      const r = await step('webgpu');
      expect(r.backend).toBe('webgpu');
      expect(Math.max(...r.grads.map(Math.abs))).toBeGreaterThan(1e-4);
      for (const ref of [wasm, webgl]) {
        expect(Math.abs(r.loss - ref.loss)).toBeLessThan(1e-4 * ref.loss);
        expect(relMaxDiff(ref.grads, r.grads)).toBeLessThan(1e-3);
      }
    }, 60_000);
  });
});

describe('choosing the headless backend', () => {
  const gpu: GpuInfo = {
    webglRenderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
    webglVendor: 'Google Inc.',
    webgl2: true,
    webgpuAdapter: null,
    webgpuUnavailable:
      'WebGPU unavailable: navigator.gpu.requestAdapter() returned null (no usable GPU adapter)',
    software: true,
    webgpuSoftware: false,
    crossOriginIsolated: true,
  };
  const withAdapter: GpuInfo = {
    ...gpu,
    webgpuAdapter: 'google swiftshader',
    webgpuUnavailable: null,
    webgpuSoftware: true,
  };

  it('keeps webgpu when there is an adapter, and names the adapter', () => {
    expect(chooseHeadlessBackend(withAdapter, 'webgpu', undefined)).toBe('webgpu');
    const lines = describeGpu(withAdapter, 'webgpu');
    expect(lines[0]).toContain('WebGPU adapter: google swiftshader');
    expect(lines.join('\n')).toMatch(/WARNING.*SOFTWARE/);
    expect(describeGpu({ ...withAdapter, webgpuSoftware: false, software: false }, 'webgpu')).toHaveLength(1);
  });

  it('without an adapter: a clear error, or the fallback the user asked for, announced', () => {
    expect(() => chooseHeadlessBackend(gpu, 'webgpu', undefined)).toThrow(HeadlessError);
    expect(() => chooseHeadlessBackend(gpu, 'webgpu', undefined)).toThrow(
      /^WebGPU unavailable: navigator\.gpu\.requestAdapter\(\) returned null.*--fallback-backend webgl/,
    );
    const said: string[] = [];
    expect(chooseHeadlessBackend(gpu, 'webgpu', 'webgl', (l) => said.push(l))).toBe('webgl');
    expect(said.join('\n')).toMatch(/WebGPU unavailable: .*Falling back to 'webgl' as asked/);
    expect(describeGpu(gpu, 'webgpu')[0]).toContain('WebGPU unavailable: navigator.gpu.requestAdapter()');
    // Other backends never look at WebGPU.
    expect(chooseHeadlessBackend(gpu, 'webgl', undefined)).toBe('webgl');
  });

  it('parses --fallback-backend out of the train flags', () => {
    expect(takeFallbackFlag(['--backend', 'webgpu', '--fallback-backend', 'webgl', '--epochs', '2'])).toEqual(
      {
        argv: ['--backend', 'webgpu', '--epochs', '2'],
        fallbackBackend: 'webgl',
      },
    );
    expect(takeFallbackFlag(['--fallback-backend=wasm'])).toEqual({ argv: [], fallbackBackend: 'wasm' });
    expect(takeFallbackFlag(['--epochs', '1'])).toEqual({ argv: ['--epochs', '1'] });
    expect(() => takeFallbackFlag(['--fallback-backend', 'tpu'])).toThrow(/must be one of/);
    expect(() => takeFallbackFlag(['--fallback-backend'])).toThrow(/needs a value/);
  });
});
