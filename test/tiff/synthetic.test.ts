// decodeTiff on TIFFs from the test writer (helpers.ts): every sample type, byte order, classic and
// BigTIFF, strips and cropped tiles, chunky and planar, every codec and predictor; plus malformed
// containers that must fail with a TiffError that says what is wrong.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { openTiff } from '../../src/tiff/ifd.js';
import { decodeTiff, TiffError, type TiffImage } from '../../src/tiff/index.js';
import { buildTiff, bytesOf, expectBytes, randomSamples, type Dtype, type SynthPage } from './helpers.js';

const DTYPES: Dtype[] = ['bit', 'u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'f64'];
const CODECS = [1, 5, 8, 32946, 32773] as const;

function synth(rng: Rng, dtype: Dtype): SynthPage {
  const width = 1 + rng.int(70);
  const height = 1 + rng.int(50);
  const spp = dtype === 'bit' ? 1 : rng.chance(0.3) ? 3 : 1;
  const ints = dtype !== 'bit' && dtype !== 'f32' && dtype !== 'f64';
  const predictor = dtype === 'bit' ? 1 : ints ? (rng.chance(0.5) ? 2 : 1) : rng.chance(0.5) ? 3 : 1;
  const tiled = rng.chance(0.35);
  return {
    width,
    height,
    spp,
    dtype,
    data: randomSamples(dtype, width * height * spp, () => rng.next()),
    planar: spp > 1 && rng.chance(0.5) ? 2 : 1,
    compression: CODECS[rng.int(CODECS.length)]!,
    predictor,
    ...(tiled ? { tile: [16 * (1 + rng.int(3)), 16 * (1 + rng.int(2))] as [number, number] } : {}),
    rowsPerStrip: 1 + rng.int(height + 3),
  };
}

function expectPage(got: TiffImage, want: SynthPage): void {
  expect(got.width).toBe(want.width);
  expect(got.height).toBe(want.height);
  expect(got.samplesPerPixel).toBe(want.spp);
  expect(got.data.constructor).toBe(want.data.constructor);
  expectBytes(bytesOf(got.data), bytesOf(want.data));
}

describe('decodeTiff on synthetic layouts', () => {
  const rng = new Rng(42);
  for (const dtype of DTYPES) {
    it(`${dtype}: random layouts, codecs, predictors, byte orders, classic and BigTIFF`, () => {
      for (let t = 0; t < 12; t++) {
        const pages = [synth(rng, dtype), synth(rng, dtype)];
        const opts = { littleEndian: rng.chance(0.5), bigTiff: rng.chance(0.4) };
        const { bytes } = buildTiff(pages, opts);
        const got = decodeTiff(bytes);
        expect(got).toHaveLength(2);
        got.forEach((g, i) => expectPage(g, pages[i]!));
      }
    });
  }

  it('reports sample formats and keeps photometric as stored (no inversion)', () => {
    const page: SynthPage = { ...synth(new Rng(1), 'u8'), spp: 1, photometric: 0, planar: 1 };
    page.data = randomSamples('u8', page.width * page.height, () => 0.5);
    const [g] = decodeTiff(buildTiff([page]).bytes);
    expect(g!.photometric).toBe(0);
    expectBytes(bytesOf(g!.data), bytesOf(page.data));
    const i16 = decodeTiff(buildTiff([{ ...synth(new Rng(2), 'i16') }]).bytes)[0]!;
    expect(i16.sampleFormat).toBe('int');
    expect(i16.data).toBeInstanceOf(Int16Array);
    expect(decodeTiff(buildTiff([synth(new Rng(3), 'f64')]).bytes)[0]!.sampleFormat).toBe('float');
  });

  it('pages of different sizes and types in one file', () => {
    const r = new Rng(9);
    const pages = [synth(r, 'u8'), synth(r, 'f32'), synth(r, 'u16')];
    const got = decodeTiff(buildTiff(pages).bytes);
    got.forEach((g, i) => expectPage(g, pages[i]!));
  });

  it('FillOrder 2 (bit-reversed bytes) decodes like FillOrder 1', () => {
    const r = new Rng(4);
    const page = { ...synth(r, 'bit'), compression: 1 as const };
    const { bytes } = buildTiff([page]);
    const plain = decodeTiff(bytes)[0]!;
    // Reverse the bits of the pixel data by hand and mark FillOrder 2.
    const rev = buildTiff([{ ...page, tags: [[266, 3, [2]]] }]).bytes;
    const stripAt = 8;
    const n = Math.ceil(page.width / 8) * page.height;
    for (let i = stripAt; i < stripAt + n; i++) {
      let v = rev[i]!;
      let o = 0;
      for (let b = 0; b < 8; b++) o |= ((v >> b) & 1) << (7 - b);
      v = o;
      rev[i] = v;
    }
    expectBytes(bytesOf(decodeTiff(rev)[0]!.data), bytesOf(plain.data));
  });
});

describe('malformed containers raise a TiffError that says what is wrong', () => {
  const base = (): SynthPage => ({
    width: 20,
    height: 10,
    spp: 1,
    dtype: 'u8',
    data: randomSamples('u8', 200, () => 0.3),
    compression: 5,
  });

  const cases: Array<[string, () => Uint8Array, RegExp]> = [
    [
      'IFD chain that loops',
      () => {
        const { bytes, ifdOffsets, nextPointers } = buildTiff([base(), base()]);
        new DataView(bytes.buffer).setUint32(nextPointers[1]!, ifdOffsets[0]!, true);
        return bytes;
      },
      /loops/,
    ],
    [
      'IFD pointing to itself',
      () => {
        const { bytes, ifdOffsets, nextPointers } = buildTiff([base()]);
        new DataView(bytes.buffer).setUint32(nextPointers[0]!, ifdOffsets[0]!, true);
        return bytes;
      },
      /loops/,
    ],
    [
      'JPEG',
      () => buildTiff([{ ...base(), tags: [[259, 3, [7]]] }]).bytes,
      /JPEG compression \(Compression=7\)/,
    ],
    ['old JPEG', () => buildTiff([{ ...base(), tags: [[259, 3, [6]]] }]).bytes, /old-style JPEG/],
    ['CCITT G4', () => buildTiff([{ ...base(), tags: [[259, 3, [4]]] }]).bytes, /CCITT Group 4/],
    ['CCITT G3', () => buildTiff([{ ...base(), tags: [[259, 3, [3]]] }]).bytes, /CCITT Group 3/],
    ['CCITT RLE', () => buildTiff([{ ...base(), tags: [[259, 3, [2]]] }]).bytes, /CCITT modified Huffman/],
    [
      'unknown codec',
      () => buildTiff([{ ...base(), tags: [[259, 3, [12345]]] }]).bytes,
      /unknown compression 12345/,
    ],
    ['12-bit samples', () => buildTiff([{ ...base(), tags: [[258, 3, [12]]] }]).bytes, /BitsPerSample 12/],
    ['missing width', () => buildTiff([{ ...base(), tags: [[256, 0, []]] }]).bytes, /ImageWidth/],
    ['zero height', () => buildTiff([{ ...base(), tags: [[257, 4, [0]]] }]).bytes, /invalid ImageLength 0/],
    [
      'absurd dimensions',
      () =>
        buildTiff([
          {
            ...base(),
            tags: [
              [256, 4, [100000]],
              [257, 4, [100000]],
            ],
          },
        ]).bytes,
      /over maxPixels/,
    ],
    [
      'dimensions the compressed data cannot fill',
      () =>
        buildTiff([
          {
            ...base(),
            tags: [
              [256, 4, [30000]],
              [257, 4, [30000]],
              [278, 4, [30000]],
            ],
          },
        ]).bytes,
      /cannot come from a \d+-byte file/,
    ],
    [
      'uncompressed strips that all overlap',
      () =>
        buildTiff([
          {
            ...base(),
            compression: 1,
            tags: [
              [257, 4, [1000]],
              [278, 4, [1]],
              [273, 4, new Array<number>(1000).fill(8)],
              [279, 4, new Array<number>(1000).fill(20)],
            ],
          },
        ]).bytes,
      /20000 bytes of uncompressed samples cannot come from a \d+-byte file/,
    ],
    [
      'one strip too short for its rows',
      () => {
        const { bytes } = buildTiff([
          { ...base(), width: 400, height: 400, data: new Uint8Array(160000), rowsPerStrip: 400 },
        ]);
        // Shrink the strip's byte count to 10 bytes: 160 kB of LZW cannot come from it.
        const dv = new DataView(bytes.buffer);
        const file = openTiff(bytes);
        const at = readEntry(bytes, file.ifdOffsets[0]!, 279);
        dv.setUint32(at, 10, true);
        return bytes;
      },
      /strip 0 holds 10 bytes, too few/,
    ],
    ['missing strip offsets', () => buildTiff([{ ...base(), tags: [[273, 0, []]] }]).bytes, /StripOffsets/],
    ['strip past the end', () => buildTiff([{ ...base(), tags: [[273, 4, [1e6]]] }]).bytes, /past the end/],
    [
      'tag value past the end',
      () =>
        buildTiff([
          {
            ...base(),
            tags: [
              [258, 3, [8, 8, 8, 8, 8, 8]],
              [277, 3, [6]],
            ],
          },
        ]).bytes.subarray(0, 8 + 200),
      /past the end/,
    ],
    ['corrupt LZW', () => corruptPixels(buildTiff([base()]).bytes), /strip 0 .*cannot be decoded/],
    ['first IFD offset 0', () => Uint8Array.of(0x49, 0x49, 42, 0, 0, 0, 0, 0), /no image/],
    ['version 41', () => Uint8Array.of(0x49, 0x49, 41, 0, 8, 0, 0, 0), /version 41/],
    [
      'bad BigTIFF offset size',
      () => Uint8Array.of(0x49, 0x49, 43, 0, 4, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0),
      /offset size/,
    ],
    [
      'predictor 2 on 1-bit',
      () => buildTiff([{ ...base(), dtype: 'bit', tags: [[317, 3, [2]]] }]).bytes,
      /Predictor 2/,
    ],
    ['predictor 5', () => buildTiff([{ ...base(), tags: [[317, 3, [5]]] }]).bytes, /Predictor 5/],
    ['complex samples', () => buildTiff([{ ...base(), tags: [[339, 3, [6]]] }]).bytes, /SampleFormat 6/],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      const bytes = make();
      let err: unknown;
      try {
        decodeTiff(bytes);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TiffError);
      expect((err as Error).message).toMatch(message);
    });
  }
});

function corruptPixels(bytes: Uint8Array): Uint8Array {
  // The first strip starts at offset 8; codes past 258 that are not yet defined break LZW.
  bytes.fill(0xff, 9, 20);
  return bytes;
}

/** File offset of the inline value of `tag` in the classic little-endian IFD at `ifd`. */
function readEntry(bytes: Uint8Array, ifd: number, tag: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const n = dv.getUint16(ifd, true);
  for (let i = 0; i < n; i++) if (dv.getUint16(ifd + 2 + 12 * i, true) === tag) return ifd + 2 + 12 * i + 8;
  throw new Error(`tag ${tag} not found`);
}
