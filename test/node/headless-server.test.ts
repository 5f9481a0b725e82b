// The pieces of headless training that need no browser: the COOP/COEP static server, finding
// Chromium, the GPU warning and the mapping of `train` flags.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../../src/node/args.js';
import { findChromium } from '../../src/node/headless/chromium.js';
import { describeGpu, headlessTrainOptions } from '../../src/node/headless/runHeadless.js';
import { startStaticServer } from '../../src/node/headless/server.js';
import type { StaticServer } from '../../src/node/headless/server.js';

describe('static server for the page', () => {
  let server: StaticServer;
  beforeAll(async () => {
    const parent = mkdtempSync(join(tmpdir(), 'unet-wasm-static-'));
    const root = join(parent, 'site');
    mkdirSync(root);
    writeFileSync(join(root, 'a.js'), 'export const a = 1;');
    writeFileSync(join(root, 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(parent, 'secret-unet-wasm.txt'), 'no');
    server = await startStaticServer({
      root,
      routes: { '/data/images.tif': { body: new Uint8Array([73, 73, 42, 0]), type: 'image/tiff' } },
    });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 only, on an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves files and in-memory routes with COOP/COEP and the right types', async () => {
    const js = await fetch(new URL('a.js', server.url));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(js.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const wasm = await fetch(new URL('x.wasm', server.url));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const tif = await fetch(new URL('data/images.tif', server.url));
    expect(new Uint8Array(await tif.arrayBuffer())).toEqual(new Uint8Array([73, 73, 42, 0]));
  });

  it('refuses paths outside its root, unknown files and other methods', async () => {
    expect((await fetch(new URL('nope.js', server.url))).status).toBe(404);
    expect((await fetch(`${server.url}..%2Fsecret-unet-wasm.txt`)).status).toBe(403);
    expect((await fetch(new URL('a.js', server.url), { method: 'POST' })).status).toBe(405);
  });
});

describe('Chromium and GPU reporting', () => {
  it('uses CHROME_PATH when it exists, and nothing when it does not', () => {
    expect(findChromium({ CHROME_PATH: process.execPath })).toBe(process.execPath);
    expect(findChromium({ CHROME_PATH: '/nonexistent/chrome' })).toBeNull();
  });

  it('warns loudly about SwiftShader on GPU backends only', () => {
    const gpu = {
      webglRenderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
      webglVendor: 'Google Inc.',
      webgl2: true,
      webgpuAdapter: null,
      software: true,
      crossOriginIsolated: true,
    };
    expect(describeGpu(gpu, 'webgl').join('\n')).toMatch(/WARNING.*SOFTWARE/);
    expect(describeGpu(gpu, 'wasm')).toHaveLength(1);
    expect(describeGpu({ ...gpu, software: false, webglRenderer: 'NVIDIA' }, 'webgl')).toHaveLength(1);
  });

  it('maps train flags to trainer options like the Node CLI', () => {
    const o = headlessTrainOptions(
      parseTrainArgs([
        '--images',
        'a.tif',
        '--labels',
        'b.tif',
        '--epochs',
        '3',
        '--tile',
        '64',
        '--no-augment',
      ]),
      false,
    );
    expect(o).toMatchObject({ epochs: 3, tileSize: 64, augment: false, seed: 0, resume: false });
    const s = headlessTrainOptions(parseTrainArgs([]), true);
    expect(s.model?.depth).toBeGreaterThan(0);
    expect(s.epochs).toBeGreaterThan(0);
  });
});
