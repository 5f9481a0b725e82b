// The ISBI 2012 stacks decode: 30 pages of 512x512, labels only 0/255, and the LZW and Deflate copies
// give exactly the pixels of the uncompressed one (and of utif, the JS reference decoder).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeTiff, tiffToStack } from '../../src/tiff/index.js';
import { expectBytes, ISBI } from './helpers.js';

const present = existsSync(new URL('train-volume.tif', ISBI));
if (!present) console.warn(`ISBI tests skipped: ${ISBI.pathname} not found`);

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, ISBI)));

describe.skipIf(!present)('ISBI 2012 stacks', () => {
  const volume = present ? tiffToStack(decodeTiff(read('train-volume.tif'))) : undefined;

  it('train-volume is 30 x 512 x 512 8-bit', () => {
    expect(volume).toMatchObject({ count: 30, width: 512, height: 512 });
    expect(volume!.data).toBeInstanceOf(Uint8Array);
  });

  it('labels hold only 0 and 255', () => {
    const labels = tiffToStack(decodeTiff(read('train-labels.tif')));
    expect(labels).toMatchObject({ count: 30, width: 512, height: 512 });
    const seen = new Set(labels.data);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 255]);
  });

  it('test-volume is 30 x 512 x 512', () => {
    expect(tiffToStack(decodeTiff(read('test-volume.tif')))).toMatchObject({
      count: 30,
      width: 512,
      height: 512,
    });
  });

  for (const name of ['train-volume-lzw-pred2.tif', 'train-volume-deflate-pred2.tif']) {
    it(`${name} decodes to the same pixels as the uncompressed stack`, () => {
      const pages = decodeTiff(read(name));
      expect(pages[0]!.compression).toBe(name.includes('lzw') ? 5 : 8);
      const stack = tiffToStack(pages);
      expect(stack.count).toBe(30);
      expectBytes(stack.data as Uint8Array, volume!.data as Uint8Array);
    });
  }

  it('agrees with utif on the LZW stack', () => {
    const UTIF = createRequire(import.meta.url)('utif') as {
      decode(b: ArrayBuffer): Array<Record<string, unknown>>;
      decodeImage(b: ArrayBuffer, ifd: Record<string, unknown>): void;
    };
    const bytes = read('train-volume-lzw-pred2.tif');
    const buf = bytes.buffer as ArrayBuffer;
    const ifds = UTIF.decode(buf);
    const ours = decodeTiff(bytes);
    for (const k of [0, 17, 29]) {
      UTIF.decodeImage(buf, ifds[k]!);
      expectBytes(ours[k]!.data as Uint8Array, ifds[k]!.data as Uint8Array);
    }
  });
});
