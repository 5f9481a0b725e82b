// Every libtiff-written fixture of ../shared/fixtures/tiff decodes to the manifest's sha256; the bad
// ones raise TiffError.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTiff, TiffError } from '../../src/tiff/index.js';
import { FIXTURES, hasFixtures, readFixture, sha256Pages } from './helpers.js';

interface Entry {
  file: string;
  pages: number;
  width: number;
  height: number;
  dtype: string;
  sha256: string;
  bitsPerSample: number;
  sampleFormat: number;
  samplesPerPixel: number;
  compression: number;
  photometric: number;
}

const present = hasFixtures();
if (!present) console.warn(`tiff fixtures skipped: ${FIXTURES.pathname}manifest.json not found`);
const manifest: { fixtures: Entry[] } = present
  ? JSON.parse(readFileSync(new URL('manifest.json', FIXTURES), 'utf8'))
  : { fixtures: [] };

const CTOR: Record<string, string> = { uint8: 'Uint8Array', uint16: 'Uint16Array', float32: 'Float32Array' };
const FORMAT = ['', 'uint', 'int', 'float'];

describe.skipIf(!present)('decodeTiff on the shared fixtures', () => {
  it('covers the manifest', () => {
    expect(manifest.fixtures.length).toBeGreaterThanOrEqual(13);
  });

  for (const f of manifest.fixtures) {
    it(`${f.file} decodes to its sha256`, () => {
      const pages = decodeTiff(readFixture(f.file));
      expect(pages.length).toBe(f.pages);
      for (const p of pages) {
        expect(p).toMatchObject({
          width: f.width,
          height: f.height,
          samplesPerPixel: f.samplesPerPixel,
          bitsPerSample: f.bitsPerSample,
          sampleFormat: FORMAT[f.sampleFormat],
          compression: f.compression,
          photometric: f.photometric,
        });
        expect(p.data.constructor.name).toBe(CTOR[f.dtype]);
        expect(p.data.length).toBe(f.width * f.height * f.samplesPerPixel);
      }
      expect(sha256Pages(pages)).toBe(f.sha256);
    });
  }

  it('decodes from an ArrayBuffer and from a Uint8Array view at an offset', () => {
    const f = manifest.fixtures.find((e) => e.file === 'u8-lzw.tif')!;
    const bytes = readFixture(f.file);
    expect(sha256Pages(decodeTiff(bytes.slice().buffer))).toBe(f.sha256);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(sha256Pages(decodeTiff(padded.subarray(3)))).toBe(f.sha256);
  });

  it('1-bit samples are 0/1 bytes', () => {
    const [p] = decodeTiff(readFixture('bilevel-packbits.tif'));
    expect(new Set(p!.data)).toEqual(new Set([0, 1]));
  });

  it('decodes only the requested pages', () => {
    const all = decodeTiff(readFixture('u8-lzw-pred2.tif'));
    const some = decodeTiff(readFixture('u8-lzw-pred2.tif'), { pages: [2, 0] });
    expect(some.map((p) => p.data)).toEqual([all[2]!.data, all[0]!.data]);
    expect(decodeTiff(readFixture('u8-lzw-pred2.tif'), { pages: 1 })[0]!.data).toEqual(all[1]!.data);
    expect(() => decodeTiff(readFixture('u8-lzw-pred2.tif'), { pages: 3 })).toThrow(
      /page 3 requested.*3 pages/,
    );
  });

  for (const [file, message] of [
    ['bad-empty.tif', /not a TIFF/],
    ['bad-magic.tif', /bad magic/],
    ['bad-truncated.tif', /past the end of the file/],
  ] as const) {
    it(`${file} raises TiffError`, () => {
      expect(() => decodeTiff(readFixture(file))).toThrow(TiffError);
      expect(() => decodeTiff(readFixture(file))).toThrow(message);
    });
  }

  it('maxPixels refuses a stack before decoding it', () => {
    expect(() => decodeTiff(readFixture('u8-lzw.tif'), { maxPixels: 80 * 96 * 2 })).toThrow(/maxPixels/);
    expect(decodeTiff(readFixture('u8-lzw.tif'), { maxPixels: 80 * 96 * 3 })).toHaveLength(3);
  });
});
