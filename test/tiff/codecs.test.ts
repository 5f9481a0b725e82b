// The WASM codecs against oracles: node:zlib for inflate (and for reading our deflate), the plain-TS
// decoders for LZW and PackBits, on seeded random data and on real fixture strips.
import { existsSync, readFileSync } from 'node:fs';
import { constants, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateWasm, inflateWasm, lzwDecodeWasm, packBitsDecodeWasm } from '../../src/kernels/tiff.js';
import { Rng } from '../../src/random/index.js';
import { lzwDecodeJs } from '../../src/tiff/reference/lzw.js';
import { packBitsDecodeJs } from '../../src/tiff/reference/packbits.js';
import { TiffError } from '../../src/tiff/index.js';
import { expectBytes, flip, hasFixtures, ISBI, lzwEncode, packBitsEncode, readFixture } from './helpers.js';
import { openTiff, readTags } from '../../src/tiff/ifd.js';

/** Random bytes with tunable redundancy: runs, repeats of earlier data, and noise. */
function randomData(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const alphabet = 1 + rng.int(256);
  let i = 0;
  while (i < n) {
    const kind = rng.int(4);
    const len = Math.min(n - i, 1 + rng.int(kind === 0 ? 300 : 40));
    if (kind === 0) out.fill(rng.int(alphabet), i, i + len);
    else if (kind === 1 && i > 0) {
      const d = 1 + rng.int(Math.min(i, 40000));
      for (let k = 0; k < len; k++) out[i + k] = out[i + k - d]!;
    } else for (let k = 0; k < len; k++) out[i + k] = rng.int(alphabet);
    i += len;
  }
  return out;
}

const SIZES = [0, 1, 2, 7, 100, 1000, 4096, 33000, 70_000];

describe('inflate (WASM) vs node:zlib', () => {
  const rng = new Rng(20240611);
  const cases: Array<[string, object]> = [
    ['level 0 (stored)', { level: 0 }],
    ['level 1', { level: 1 }],
    ['level 6', { level: 6 }],
    ['level 9', { level: 9 }],
    ['fixed Huffman', { strategy: constants.Z_FIXED }],
    ['Huffman only', { strategy: constants.Z_HUFFMAN_ONLY }],
    ['RLE', { strategy: constants.Z_RLE }],
  ];
  for (const [name, opts] of cases) {
    it(`decodes zlib and raw streams (${name}) of every size`, () => {
      for (const n of SIZES) {
        const data = randomData(rng, n);
        const z = new Uint8Array(deflateSync(data, opts));
        expectBytes(inflateWasm(z, n), data);
        const raw = new Uint8Array(deflateRawSync(data, opts));
        expectBytes(inflateWasm(raw, n, { zlib: false }), data);
        // A larger buffer than needed: the stream's own end stops decoding.
        expectBytes(inflateWasm(z, n + 100), data);
        // A smaller one: decoding stops when it is full.
        if (n > 10) expectBytes(inflateWasm(z, n >> 1), data.subarray(0, n >> 1));
      }
    });
  }

  it('rejects truncated and corrupt streams with TiffError, never another error', () => {
    const r = new Rng(7);
    for (let t = 0; t < 300; t++) {
      const data = randomData(r, 1 + r.int(20000));
      const z = new Uint8Array(deflateSync(data, { level: 1 + r.int(9) }));
      const bad = z.slice(0, r.int(z.length));
      if (t % 2) for (let k = 0; k < 1 + r.int(4); k++) flip(bad, r.int(bad.length || 1), 1 << r.int(8));
      let ours: Uint8Array | Error;
      try {
        ours = inflateWasm(bad, data.length);
      } catch (e) {
        ours = e as Error;
      }
      if (ours instanceof Error) {
        expect(ours).toBeInstanceOf(TiffError);
      } else {
        // When we accept it, zlib (ignoring the checksum) must agree on every byte we produced.
        let ref: Uint8Array;
        try {
          ref = new Uint8Array(inflateSync(bad, { finishFlush: constants.Z_SYNC_FLUSH }));
        } catch {
          continue; // zlib's own checks (e.g. Adler-32) may be stricter
        }
        expectBytes(ours, ref.subarray(0, ours.length));
      }
    }
  });

  it('names the problem', () => {
    expect(() => inflateWasm(Uint8Array.of(0x78, 0x9c, 0xff), 10)).toThrow(/inflate: /);
    expect(() => inflateWasm(Uint8Array.of(1, 2, 3), 10)).toThrow(/not a zlib stream/);
    expect(() => inflateWasm(new Uint8Array(deflateSync(new Uint8Array(1000))).subarray(0, 5), 1000)).toThrow(
      /truncated/,
    );
  });
});

describe('deflate (WASM) is read by node:zlib', () => {
  it('round-trips random data of every size', () => {
    const rng = new Rng(99);
    for (const n of SIZES) {
      const data = randomData(rng, n);
      const z = deflateWasm(data);
      expectBytes(new Uint8Array(inflateSync(z)), data); // zlib also checks the Adler-32
      expectBytes(inflateWasm(z, n), data);
    }
  });

  it('compresses redundant data', () => {
    const data = new Uint8Array(100_000).map((_, i) => (i >> 6) & 0xff);
    expect(deflateWasm(data).length).toBeLessThan(data.length / 10);
  });
});

describe('LZW (WASM) vs the plain-TS oracle', () => {
  it('decodes random data of every size, including table resets', () => {
    const rng = new Rng(5);
    for (const n of SIZES) {
      const data = randomData(rng, n);
      const enc = lzwEncode(data);
      expectBytes(lzwDecodeJs(enc, n), data);
      expectBytes(lzwDecodeWasm(enc, n), data);
      if (n > 10) expectBytes(lzwDecodeWasm(enc, n >> 1), data.subarray(0, n >> 1));
    }
  });

  it('agrees with the oracle on corrupt data', () => {
    const rng = new Rng(11);
    for (let t = 0; t < 300; t++) {
      const data = randomData(rng, 1 + rng.int(5000));
      const enc = lzwEncode(data);
      for (let k = 0; k < 1 + rng.int(3); k++) flip(enc, 1 + rng.int(enc.length - 1), 1 << rng.int(8));
      const cut = enc.subarray(0, 1 + rng.int(enc.length));
      const run = (f: () => Uint8Array): Uint8Array | string => {
        try {
          return f();
        } catch (e) {
          expect(e).toBeInstanceOf(TiffError);
          return 'error';
        }
      };
      const a = run(() => lzwDecodeWasm(cut, data.length));
      const b = run(() => lzwDecodeJs(cut, data.length));
      if (typeof a === 'string' || typeof b === 'string') expect(a).toEqual(b);
      else expectBytes(a, b);
    }
  });
});

describe('PackBits (WASM) vs the plain-TS oracle', () => {
  it('decodes random and corrupt data identically', () => {
    const rng = new Rng(3);
    for (const n of SIZES) {
      const data = randomData(rng, n);
      const enc = packBitsEncode(data);
      expectBytes(packBitsDecodeJs(enc, n), data);
      expectBytes(packBitsDecodeWasm(enc, n), data);
    }
    for (let t = 0; t < 300; t++) {
      const enc = randomData(rng, rng.int(2000));
      const max = rng.int(5000);
      expectBytes(packBitsDecodeWasm(enc, max), packBitsDecodeJs(enc, max));
    }
  });
});

/** The raw strips of one page of a TIFF file. */
function strips(bytes: Uint8Array, page = 0): Uint8Array[] {
  const file = openTiff(bytes);
  const tags = readTags(file, file.ifdOffsets[page]!, page, new Set([273, 279]));
  const off = tags.get(273)!;
  const cnt = tags.get(279)!;
  return off.map((o, i) => bytes.subarray(o, o + cnt[i]!));
}

const isbi = existsSync(new URL('train-volume-lzw-pred2.tif', ISBI));
if (!isbi) console.warn(`ISBI strip comparisons skipped: ${ISBI.pathname} not found`);

describe.skipIf(!isbi)('codecs on real ISBI strips', () => {
  it('LZW: WASM equals the plain-TS oracle on every strip of two pages', () => {
    const bytes = new Uint8Array(readFileSync(new URL('train-volume-lzw-pred2.tif', ISBI)));
    for (const page of [0, 29]) {
      for (const s of strips(bytes, page)) expectBytes(lzwDecodeWasm(s, 512 * 16), lzwDecodeJs(s, 512 * 16));
    }
  });

  it('Deflate: WASM equals node:zlib on every strip of two pages', () => {
    const bytes = new Uint8Array(readFileSync(new URL('train-volume-deflate-pred2.tif', ISBI)));
    for (const page of [0, 29]) {
      for (const s of strips(bytes, page))
        expectBytes(inflateWasm(s, 512 * 16), new Uint8Array(inflateSync(s)));
    }
  });
});

describe.skipIf(!hasFixtures())('PackBits on a libtiff fixture', () => {
  it('WASM equals the plain-TS oracle on every strip', () => {
    const bytes = readFixture('u8-packbits.tif');
    for (const s of strips(bytes)) expectBytes(packBitsDecodeWasm(s, 80 * 16), packBitsDecodeJs(s, 80 * 16));
  });
});
