// Test helpers: a small independent TIFF writer (any tags, byte order, BigTIFF, strips or tiles,
// planar layouts, predictors) with LZW and PackBits encoders, so decodeTiff can be checked on
// layouts the shared fixtures do not cover.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import type { TiffData, TiffImage } from '../../src/tiff/index.js';

export const FIXTURES = new URL('../../../shared/fixtures/tiff/', import.meta.url);
export const ISBI = new URL('../../../shared/data/isbi2012/', import.meta.url);

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export function hasFixtures(): boolean {
  return existsSync(new URL('manifest.json', FIXTURES));
}

/** True if a command-line tool runs (e.g. tiffinfo from libtiff-tools). */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Fast byte equality (vitest's toEqual is slow on large typed arrays); reports the first difference. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  let first = actual.length === expected.length ? -1 : Math.min(actual.length, expected.length);
  if (first < 0)
    first = Buffer.compare(actual, expected) === 0 ? -1 : actual.findIndex((v, i) => v !== expected[i]);
  expect({ firstDifference: first, length: actual.length }).toEqual({
    firstDifference: -1,
    length: expected.length,
  });
}

/** XORs `mask` into byte `i` (a no-op past the end). */
export function flip(b: Uint8Array, i: number, mask: number): void {
  if (i >= 0 && i < b.length) b[i] = b[i]! ^ mask;
}

export function bytesOf(a: TiffData | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** sha256 over the pages' little-endian samples, page after page (the manifest's convention). */
export function sha256Pages(pages: TiffImage[]): string {
  const h = createHash('sha256');
  for (const p of pages) h.update(bytesOf(p.data));
  return h.digest('hex');
}

/** TIFF LZW encoder (MSB-first, early change, clear code when the table fills). */
export function lzwEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let width = 9;
  const put = (code: number): void => {
    acc = (acc << width) | code;
    nbits += width;
    while (nbits >= 8) {
      out.push((acc >>> (nbits - 8)) & 0xff);
      nbits -= 8;
    }
    acc &= (1 << nbits) - 1;
  };
  let dict = new Map<string, number>();
  let next = 258;
  put(256);
  let w = '';
  let wCode = -1;
  for (const byte of data) {
    const wc = w + String.fromCharCode(byte);
    const hit = wc.length === 1 ? byte : dict.get(wc);
    if (hit !== undefined) {
      w = wc;
      wCode = hit;
      continue;
    }
    put(wCode);
    dict.set(wc, next++);
    // The encoder runs one table entry ahead of the decoder, hence no "+ 1" here.
    if (next >= 1 << width && width < 12) width++;
    if (next >= 4094) {
      put(256);
      dict = new Map();
      next = 258;
      width = 9;
    }
    w = String.fromCharCode(byte);
    wCode = byte;
  }
  if (wCode >= 0) {
    put(wCode);
    next++;
    if (next >= 1 << width && width < 12) width++;
  }
  put(257);
  if (nbits > 0) out.push((acc << (8 - nbits)) & 0xff);
  return Uint8Array.from(out);
}

/** PackBits encoder (runs of >= 3 equal bytes, literal runs otherwise). */
export function packBitsEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push(257 - run, data[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < data.length && i - start < 128) {
      if (i + 2 < data.length && data[i] === data[i + 1] && data[i] === data[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...data.subarray(start, i));
  }
  return Uint8Array.from(out);
}

export type Dtype = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'bit';

const DTYPES: Record<Dtype, { bps: number; fmt: number; ctor: new (n: number) => TiffData }> = {
  bit: { bps: 1, fmt: 1, ctor: Uint8Array },
  u8: { bps: 8, fmt: 1, ctor: Uint8Array },
  i8: { bps: 8, fmt: 2, ctor: Int8Array },
  u16: { bps: 16, fmt: 1, ctor: Uint16Array },
  i16: { bps: 16, fmt: 2, ctor: Int16Array },
  u32: { bps: 32, fmt: 1, ctor: Uint32Array },
  i32: { bps: 32, fmt: 2, ctor: Int32Array },
  f32: { bps: 32, fmt: 3, ctor: Float32Array },
  f64: { bps: 64, fmt: 3, ctor: Float64Array },
};

export interface SynthPage {
  width: number;
  height: number;
  spp: number;
  dtype: Dtype;
  /** Interleaved samples, as decodeTiff should return them. */
  data: TiffData;
  planar?: 1 | 2;
  compression?: 1 | 5 | 8 | 32946 | 32773;
  predictor?: 1 | 2 | 3;
  /** Strips of this many rows, or tiles when tile is given. */
  rowsPerStrip?: number;
  tile?: [number, number];
  photometric?: number;
  /** Extra or overriding tags: [tag, type, values]. */
  tags?: Array<[number, number, number[]]>;
}

/** Random samples of a dtype (deterministic in `next`, a () => [0,1) source). */
export function randomSamples(dtype: Dtype, n: number, next: () => number): TiffData {
  const { ctor } = DTYPES[dtype];
  const a = new ctor(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    // Smooth-ish values so predictors and compressors have something to do.
    const v = Math.floor(r * 4) + (i % 7);
    if (dtype === 'bit') a[i] = r < 0.5 ? 0 : 1;
    else if (dtype === 'f32' || dtype === 'f64') a[i] = (r - 0.5) * 1e3 + i * 0.25;
    else if (dtype === 'i8' || dtype === 'i16' || dtype === 'i32') a[i] = v - 3;
    else a[i] = v * 31 + (dtype === 'u8' ? 0 : 1000);
  }
  return a;
}

function sampleBytes(page: SynthPage): { bps: number; size: number } {
  const bps = DTYPES[page.dtype].bps;
  return { bps, size: bps === 1 ? 1 : bps / 8 };
}

/** Raw (uncompressed, file-order, un-predicted) rows of one chunk. */
function chunkRows(
  page: SynthPage,
  plane: number,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  le: boolean,
): Uint8Array {
  const { bps, size } = sampleBytes(page);
  const planar = page.planar ?? 1;
  const sppC = planar === 2 ? 1 : page.spp;
  const rowSamples = cw * sppC;
  const rowBytes = bps === 1 ? Math.ceil(rowSamples / 8) : rowSamples * size;
  const out = new Uint8Array(rowBytes * ch);
  const dv = new DataView(out.buffer);
  const src = page.data;
  const pred = page.predictor ?? 1;
  for (let r = 0; r < ch; r++) {
    const y = y0 + r;
    const row = new Array<number>(rowSamples).fill(0);
    for (let x = 0; x < cw; x++) {
      for (let s = 0; s < sppC; s++) {
        const xx = x0 + x;
        if (y < page.height && xx < page.width) {
          row[x * sppC + s] = src[(y * page.width + xx) * page.spp + (planar === 2 ? plane : s)] as number;
        }
      }
    }
    const base = r * rowBytes;
    if (bps === 1) {
      row.forEach((v, i) => {
        if (v) out[base + (i >> 3)]! |= 0x80 >> (i & 7);
      });
      continue;
    }
    if (pred === 3) {
      // Floating-point predictor: bytes of each sample in big-endian order, split into planes, then
      // byte-wise differencing with stride sppC.
      const tmp = new Uint8Array(rowBytes);
      const tv = new DataView(tmp.buffer);
      row.forEach((v, i) => (size === 4 ? tv.setFloat32(i * 4, v, false) : tv.setFloat64(i * 8, v, false)));
      const planes = new Uint8Array(rowBytes);
      for (let i = 0; i < rowSamples; i++)
        for (let b = 0; b < size; b++) planes[b * rowSamples + i] = tmp[i * size + b]!;
      for (let i = rowBytes - 1; i >= sppC; i--) planes[i] = (planes[i]! - planes[i - sppC]!) & 0xff;
      out.set(planes, base);
      continue;
    }
    let vals = row;
    if (pred === 2) {
      const mod = 2 ** (size * 8);
      vals = row.map((v, i) => (i >= sppC ? (((v - row[i - sppC]!) % mod) + mod) % mod : v));
    }
    vals.forEach((v, i) => {
      const at = base + i * size;
      switch (page.dtype) {
        case 'u8':
        case 'i8':
          dv.setUint8(at, v & 0xff);
          break;
        case 'u16':
        case 'i16':
          dv.setUint16(at, v & 0xffff, le);
          break;
        case 'u32':
        case 'i32':
          dv.setUint32(at, v >>> 0, le);
          break;
        case 'f32':
          dv.setFloat32(at, v, le);
          break;
        default:
          dv.setFloat64(at, v, le);
      }
    });
  }
  return out;
}

function compress(raw: Uint8Array, compression: number): Uint8Array {
  if (compression === 5) return lzwEncode(raw);
  if (compression === 8 || compression === 32946) return new Uint8Array(deflateSync(raw));
  if (compression === 32773) return packBitsEncode(raw);
  return raw;
}

/** Writes synthetic pages as a TIFF. Returns the bytes and where each IFD's next-pointer sits. */
export function buildTiff(
  pages: SynthPage[],
  opts: { littleEndian?: boolean; bigTiff?: boolean } = {},
): { bytes: Uint8Array; ifdOffsets: number[]; nextPointers: number[] } {
  const le = opts.littleEndian ?? true;
  const big = opts.bigTiff ?? false;
  const parts: Uint8Array[] = [];
  let size = big ? 16 : 8;
  const push = (b: Uint8Array): number => {
    const at = size;
    parts.push(b);
    size += b.length;
    if (size & 1) {
      parts.push(new Uint8Array(1));
      size++;
    }
    return at;
  };
  const ifdOffsets: number[] = [];
  const nextPointers: number[] = [];
  const typeSize: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 7: 1, 11: 4, 12: 8, 16: 8 };
  for (const page of pages) {
    const planar = page.planar ?? 1;
    const comp = page.compression ?? 1;
    const { bps } = sampleBytes(page);
    const [tw, th] = page.tile ?? [page.width, Math.min(page.rowsPerStrip ?? page.height, page.height)];
    const across = Math.ceil(page.width / tw);
    const down = Math.ceil(page.height / th);
    const offsets: number[] = [];
    const counts: number[] = [];
    for (let plane = 0; plane < (planar === 2 ? page.spp : 1); plane++) {
      for (let ty = 0; ty < down; ty++) {
        for (let tx = 0; tx < across; tx++) {
          const ch = page.tile ? th : Math.min(th, page.height - ty * th);
          const c = compress(chunkRows(page, plane, tx * tw, ty * th, tw, ch, le), comp);
          offsets.push(push(c));
          counts.push(c.length);
        }
      }
    }
    const tags = new Map<number, [number, number[]]>();
    const long = big ? 16 : 4;
    tags.set(256, [4, [page.width]]);
    tags.set(257, [4, [page.height]]);
    tags.set(258, [3, new Array<number>(page.spp).fill(bps)]);
    tags.set(259, [3, [comp]]);
    tags.set(262, [3, [page.photometric ?? (page.spp >= 3 ? 2 : 1)]]);
    tags.set(277, [3, [page.spp]]);
    tags.set(284, [3, [planar]]);
    tags.set(339, [3, new Array<number>(page.spp).fill(DTYPES[page.dtype].fmt)]);
    if ((page.predictor ?? 1) !== 1) tags.set(317, [3, [page.predictor!]]);
    if (page.tile) {
      tags.set(322, [3, [tw]]);
      tags.set(323, [3, [th]]);
      tags.set(324, [long, offsets]);
      tags.set(325, [long, counts]);
    } else {
      tags.set(273, [long, offsets]);
      tags.set(278, [4, [th]]);
      tags.set(279, [long, counts]);
    }
    for (const [tag, type, values] of page.tags ?? []) {
      if (type === 0) tags.delete(tag);
      else tags.set(tag, [type, values]);
    }
    const entries = [...tags.entries()].sort((a, b) => a[0] - b[0]);
    const entrySize = big ? 20 : 12;
    const inline = big ? 8 : 4;
    const ifdSize = (big ? 8 : 2) + entries.length * entrySize + (big ? 8 : 4);
    // Out-of-line values first, then the IFD.
    const valueAt = new Map<number, number>();
    for (const [tag, [type, values]] of entries) {
      const n = values.length * typeSize[type]!;
      if (n > inline) valueAt.set(tag, push(encodeValues(type, values, le)));
    }
    const ifd = new Uint8Array(ifdSize);
    const dv = new DataView(ifd.buffer);
    let at = 0;
    if (big) dv.setBigUint64(0, BigInt(entries.length), le);
    else dv.setUint16(0, entries.length, le);
    at = big ? 8 : 2;
    for (const [tag, [type, values]] of entries) {
      dv.setUint16(at, tag, le);
      dv.setUint16(at + 2, type, le);
      if (big) dv.setBigUint64(at + 4, BigInt(values.length), le);
      else dv.setUint32(at + 4, values.length, le);
      const vpos = at + (big ? 12 : 8);
      const out = valueAt.get(tag);
      if (out !== undefined) {
        if (big) dv.setBigUint64(vpos, BigInt(out), le);
        else dv.setUint32(vpos, out, le);
      } else {
        ifd.set(encodeValues(type, values, le), vpos);
      }
      at += entrySize;
    }
    const ifdAt = push(ifd);
    ifdOffsets.push(ifdAt);
    nextPointers.push(ifdAt + at);
  }
  const bytes = new Uint8Array(size);
  let at = big ? 16 : 8;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  const dv = new DataView(bytes.buffer);
  bytes[0] = bytes[1] = le ? 0x49 : 0x4d;
  dv.setUint16(2, big ? 43 : 42, le);
  if (big) {
    dv.setUint16(4, 8, le);
    dv.setBigUint64(8, BigInt(ifdOffsets[0]!), le);
  } else {
    dv.setUint32(4, ifdOffsets[0]!, le);
  }
  ifdOffsets.forEach((_, i) => {
    const next = ifdOffsets[i + 1] ?? 0;
    if (big) dv.setBigUint64(nextPointers[i]!, BigInt(next), le);
    else dv.setUint32(nextPointers[i]!, next, le);
  });
  return { bytes, ifdOffsets, nextPointers };
}

function encodeValues(type: number, values: number[], le: boolean): Uint8Array {
  const size: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 7: 1, 11: 4, 12: 8, 16: 8 };
  const out = new Uint8Array(values.length * size[type]!);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (type === 3) dv.setUint16(i * 2, v, le);
    else if (type === 4) dv.setUint32(i * 4, v, le);
    else if (type === 16) dv.setBigUint64(i * 8, BigInt(v), le);
    else if (type === 11) dv.setFloat32(i * 4, v, le);
    else if (type === 12) dv.setFloat64(i * 8, v, le);
    else dv.setUint8(i, v);
  });
  return out;
}
