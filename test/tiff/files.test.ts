// readTiffFile / writeTiffFile (src/node): a stack written to disk reads back identically.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTiffFile, writeTiffFile } from '../../src/node/files.js';
import { TiffError } from '../../src/tiff/index.js';

describe('readTiffFile / writeTiffFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips a float32 stack with deflate and reads selected pages', async () => {
    const pages = [0, 1, 2].map((k) => ({
      width: 9,
      height: 5,
      data: Float32Array.from({ length: 45 }, (_, i) => k + i / 45),
    }));
    const path = join(dir, 'probs.tif');
    await writeTiffFile(path, pages, { compression: 'deflate' });
    const back = await readTiffFile(path);
    expect(back.map((p) => p.data)).toEqual(pages.map((p) => p.data));
    expect(back[0]).toMatchObject({
      width: 9,
      height: 5,
      sampleFormat: 'float',
      bitsPerSample: 32,
      compression: 8,
    });
    const second = await readTiffFile(path, { pages: [1] });
    expect(second[0]!.data).toEqual(pages[1]!.data);
  });

  it('a file that is not a TIFF raises TiffError; a missing file the fs error', async () => {
    const path = join(dir, 'not.tif');
    await writeTiffFile(path, [{ width: 1, height: 1, data: Uint8Array.of(0) }]);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, 'hello world');
    await expect(readTiffFile(path)).rejects.toBeInstanceOf(TiffError);
    await expect(readTiffFile(join(dir, 'missing.tif'))).rejects.toThrow(/ENOENT/);
  });
});
