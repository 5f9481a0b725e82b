// The WASM kernels load with no configuration inside a Node worker thread and from a browser bundle
// (esbuild, platform 'browser') of src/index.ts that contains no node: import.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-loading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Run in the worker: encode a 3-page stack with deflate (WASM), decode it (WASM), report the pixels.
const PROBE = `
  const t = m.encodeTiff(
    [1, 2, 3].map((k) => ({ width: 5, height: 4, data: Uint8Array.from({ length: 20 }, (_, i) => i * k) })),
    { compression: 'deflate' },
  );
  const pages = m.decodeTiff(t);
  parentPort.postMessage(pages.map((p) => Array.from(p.data)));
`;
const EXPECTED = [1, 2, 3].map((k) => Array.from({ length: 20 }, (_, i) => (i * k) & 0xff));

function runWorker(file: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(file);
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  });
}

async function bundle(
  entry: string,
  platform: 'node' | 'browser',
): Promise<{ file: string; inputs: string[] }> {
  const r = await build({
    entryPoints: [new URL(entry, ROOT).pathname],
    bundle: true,
    platform,
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const file = join(dir, `${platform}-${entry.replace(/\W/g, '_')}.mjs`);
  writeFileSync(file, r.outputFiles[0]!.contents);
  return { file, inputs: Object.keys(r.metafile.inputs) };
}

describe('kernel loading', () => {
  it('in a Node worker thread (esbuild bundle of src/tiff)', async () => {
    const { file } = await bundle('src/tiff/index.ts', 'node');
    const worker = join(dir, 'worker-src.mjs');
    writeFileSync(
      worker,
      `import { parentPort } from 'node:worker_threads';\nconst m = await import(${JSON.stringify(pathToFileURL(file).href)});\n${PROBE}`,
    );
    expect(await runWorker(worker)).toEqual(EXPECTED);
  });

  const dist = new URL('dist/index.js', ROOT);
  const hasDist = existsSync(dist) && existsSync(new URL('dist/tiff/decodeTiff.js', ROOT));
  if (!hasDist)
    console.warn('worker test on dist/index.js skipped: dist/ is missing or stale; run `npm run build`');
  it.skipIf(!hasDist)('in a Node worker thread (built dist/index.js)', async () => {
    const worker = join(dir, 'worker-dist.mjs');
    writeFileSync(
      worker,
      `import { parentPort } from 'node:worker_threads';\nconst m = await import(${JSON.stringify(dist.href)});\n${PROBE}`,
    );
    expect(await runWorker(worker)).toEqual(EXPECTED);
  });

  it('from a browser bundle of src/index.ts, with no node: import', async () => {
    const { file, inputs } = await bundle('src/index.ts', 'browser');
    // Every module of ours is in the bundle; no node: built-in is, and none of our files was disabled.
    expect(inputs.filter((i) => i.startsWith('node:'))).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('(disabled):src/'))).toEqual([]);
    expect(inputs).toContain('src/kernels/wasm.ts');
    // Run it in a worker that looks like a browser: no `process` global (tfjs checks for it).
    const worker = join(dir, 'worker-browser.mjs');
    writeFileSync(
      worker,
      `import { parentPort } from 'node:worker_threads';\n` +
        `Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });\n` +
        `const m = await import(${JSON.stringify(pathToFileURL(file).href)});\n${PROBE}`,
    );
    expect(await runWorker(worker)).toEqual(EXPECTED);
  });
});
