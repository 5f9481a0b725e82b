// encodeTiff round trips through decodeTiff, and libtiff (tiffinfo/tiffcp from libtiff-tools) reads
// what it writes; tiffToStack.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { decodeTiff, encodeTiff, TiffError, tiffToStack, type TiffPageInput } from '../../src/tiff/index.js';
import { bytesOf, expectBytes, hasTool } from './helpers.js';

function pages(seed: number): TiffPageInput[] {
  const rng = new Rng(seed);
  const u8 = new Uint8Array(301 * 97).map((_, i) => ((i % 301) + (i / 301) * 2 + rng.int(8)) & 0xff);
  const u16 = new Uint16Array(64 * 1100).map((_, i) => (i * 37 + rng.int(300)) & 0xffff);
  const f32 = new Float32Array(50 * 70).map((_, i) => Math.sin(i / 30) + rng.uniform(-0.01, 0.01));
  return [
    { width: 301, height: 97, data: u8 },
    { width: 64, height: 1100, data: u16 },
    { width: 50, height: 70, data: f32 },
    { width: 1, height: 1, data: Uint8Array.of(7) },
  ];
}

function expectRoundTrip(input: TiffPageInput[], bytes: Uint8Array): void {
  const out = decodeTiff(bytes);
  expect(out).toHaveLength(input.length);
  out.forEach((p, i) => {
    expect([p.width, p.height, p.samplesPerPixel]).toEqual([input[i]!.width, input[i]!.height, 1]);
    expect(p.data.constructor).toBe(input[i]!.data.constructor);
    expectBytes(bytesOf(p.data), bytesOf(input[i]!.data));
  });
}

describe('encodeTiff', () => {
  for (const compression of ['none', 'deflate'] as const) {
    it(`round-trips 8-bit, 16-bit and float32 pages (${compression})`, () => {
      const input = pages(1);
      const bytes = encodeTiff(input, { compression });
      expectRoundTrip(input, bytes);
      expect(decodeTiff(bytes).map((p) => p.compression)).toEqual(
        new Array(4).fill(compression === 'none' ? 1 : 8),
      );
    });
  }

  it('deflate shrinks a smooth stack', () => {
    const data = new Uint8Array(512 * 512).map((_, i) => (i >> 9) & 0xff);
    const page = [{ width: 512, height: 512, data }];
    expect(encodeTiff(page, { compression: 'deflate' }).length).toBeLessThan(encodeTiff(page).length / 4);
  });

  it('refuses bad input with TiffError', () => {
    expect(() => encodeTiff([])).toThrow(TiffError);
    expect(() => encodeTiff([{ width: 3, height: 3, data: new Uint8Array(8) }])).toThrow(/8 samples for 3x3/);
    expect(() => encodeTiff([{ width: 0, height: 3, data: new Uint8Array(0) }])).toThrow(/invalid size/);
    const bad = { width: 1, height: 1, data: new Int16Array(1) } as unknown as TiffPageInput;
    expect(() => encodeTiff([bad])).toThrow(/Uint8Array, Uint16Array or Float32Array/);
    const opts = { compression: 'lzw' } as unknown as { compression: 'none' };
    expect(() => encodeTiff(pages(2), opts)).toThrow(/unknown compression/);
  });
});

const libtiff = hasTool('tiffinfo') && hasTool('tiffcp');
if (!libtiff)
  console.warn('libtiff checks skipped: tiffinfo/tiffcp not found (apt-get install libtiff-tools)');

describe.skipIf(!libtiff)('libtiff reads what encodeTiff writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-tiff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const compression of ['none', 'deflate'] as const) {
    it(`tiffinfo and tiffcp accept the ${compression} stack and decode the same pixels`, () => {
      const input = pages(3);
      const src = join(dir, `${compression}.tif`);
      const copy = join(dir, `${compression}-copy.tif`);
      writeFileSync(src, encodeTiff(input, { compression }));
      const info = execFileSync('tiffinfo', ['-D', src], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(info).toContain('Image Width: 301 Image Length: 97');
      expect(info).toContain(compression === 'none' ? 'None' : 'Deflate');
      // tiffcp decompresses with libtiff (and fails loudly on bad data); re-encode as LZW + predictor.
      execFileSync('tiffcp', ['-c', 'lzw', src, copy], { stdio: 'pipe' });
      expectRoundTrip(input, new Uint8Array(readFileSync(copy)));
    });
  }
});

describe('tiffToStack', () => {
  const page = (w: number, h: number, data: Uint8Array | Float32Array) => ({
    width: w,
    height: h,
    samplesPerPixel: 1,
    bitsPerSample: data instanceof Uint8Array ? 8 : 32,
    sampleFormat: data instanceof Uint8Array ? ('uint' as const) : ('float' as const),
    photometric: 1,
    compression: 1,
    data,
  });

  it('concatenates equal single-channel pages', () => {
    const s = tiffToStack([page(2, 1, Uint8Array.of(1, 2)), page(2, 1, Uint8Array.of(3, 4))]);
    expect(s).toEqual({ data: Uint8Array.of(1, 2, 3, 4), count: 2, width: 2, height: 1 });
  });

  it('refuses mixed sizes, types, channels and empty lists', () => {
    expect(() => tiffToStack([])).toThrow(TiffError);
    expect(() => tiffToStack([page(2, 1, Uint8Array.of(1, 2)), page(1, 2, Uint8Array.of(3, 4))])).toThrow(
      /page 1 is 1x2/,
    );
    expect(() => tiffToStack([page(1, 1, Uint8Array.of(1)), page(1, 1, Float32Array.of(1))])).toThrow(
      TiffError,
    );
    expect(() => tiffToStack([{ ...page(1, 1, Uint8Array.of(1, 2)), samplesPerPixel: 2 }])).toThrow(
      /single-channel/,
    );
  });
});
