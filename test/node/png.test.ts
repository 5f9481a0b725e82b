import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from '../../src/node/png.js';

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
  crcOk: boolean;
}

function chunks(png: Uint8Array): Chunk[] {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    const crc = dv.getUint32(off + 8 + len);
    out.push({
      type,
      data,
      crc,
      crcOk: (crc32(png.subarray(off + 4, off + 8 + len)) ^ 0xffffffff) >>> 0 === crc,
    });
    off += 12 + len;
  }
  return out;
}

describe('encodePng', () => {
  it('computes the standard CRC-32', () => {
    // CRC-32 of "123456789" is 0xCBF43926; the IEND chunk's CRC is AE 42 60 82.
    expect((crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
    expect((crc32(new TextEncoder().encode('IEND')) ^ 0xffffffff) >>> 0).toBe(0xae426082);
  });

  it('writes a valid RGBA PNG whose pixels inflate back', () => {
    const w = 3;
    const h = 2;
    const px = new Uint8Array(w * h * 4).map((_, i) => (i * 37) & 255);
    const png = encodePng(px, w, h);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const cs = chunks(png);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(cs.every((c) => c.crcOk)).toBe(true);
    const ihdr = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), cs[0]!.data[8], cs[0]!.data[9]]).toEqual([3, 2, 8, 6]);
    const raw = new Uint8Array(inflateSync(cs[1]!.data));
    expect(raw.length).toBe(h * (w * 4 + 1));
    for (let y = 0; y < h; y++) {
      expect(raw[y * (w * 4 + 1)]).toBe(0);
      expect(Array.from(raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1)))).toEqual(
        Array.from(px.subarray(y * w * 4, (y + 1) * w * 4)),
      );
    }
  });

  it('writes grey images and rejects a wrong pixel count', () => {
    const png = encodePng(new Uint8Array([0, 128, 255, 7]), 2, 2);
    expect(chunks(png)[0]!.data[9]).toBe(0);
    expect(() => encodePng(new Uint8Array(5), 2, 2)).toThrow(RangeError);
  });
});
