// encodeTiff: writes single-channel stacks as a little-endian classic TIFF, one IFD per page,
// strips of about 64 KiB, optionally zlib-compressed in WASM (TIFF compression 8).
import { deflateWasm } from '../kernels/tiff.js';
import { TiffError } from './TiffError.js';
import type { EncodeTiffOptions, TiffPageInput } from './types.js';

const STRIP_TARGET_BYTES = 65536;

interface EncodedPage {
  width: number;
  height: number;
  bps: number;
  sampleFormat: number;
  rowsPerStrip: number;
  strips: Uint8Array[];
}

function kindOf(data: unknown, i: number): { bps: number; sampleFormat: number } {
  if (data instanceof Uint8Array) return { bps: 8, sampleFormat: 1 };
  if (data instanceof Uint16Array) return { bps: 16, sampleFormat: 1 };
  if (data instanceof Float32Array) return { bps: 32, sampleFormat: 3 };
  throw new TiffError(`page ${i}: data must be a Uint8Array, Uint16Array or Float32Array`);
}

/**
 * Encodes pages (one sample per pixel; 8-bit, 16-bit or float32, which may differ per page) as a
 * multi-page TIFF that libtiff reads.
 * @param options.compression 'none' (default) or 'deflate'.
 * @throws TiffError for an empty list, bad dimensions or a data length that does not match them.
 */
export function encodeTiff(pages: readonly TiffPageInput[], options: EncodeTiffOptions = {}): Uint8Array {
  const compression = options.compression ?? 'none';
  if (compression !== 'none' && compression !== 'deflate') {
    throw new TiffError(`unknown compression '${String(compression)}' (use 'none' or 'deflate')`);
  }
  if (pages.length === 0) throw new TiffError('encodeTiff needs at least one page');
  const encoded: EncodedPage[] = pages.map((p, i) => {
    const { width, height, data } = p;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new TiffError(`page ${i}: invalid size ${width}x${height}`);
    }
    if (width > 0xffffffff || height > 0xffffffff)
      throw new TiffError(`page ${i}: ${width}x${height} is too large`);
    const { bps, sampleFormat } = kindOf(data, i);
    if (data.length !== width * height) {
      throw new TiffError(`page ${i}: ${data.length} samples for ${width}x${height}`);
    }
    const rowBytes = (width * bps) / 8;
    const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(STRIP_TARGET_BYTES / rowBytes)));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const strips: Uint8Array[] = [];
    for (let y = 0; y < height; y += rowsPerStrip) {
      const raw = bytes.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
      strips.push(compression === 'deflate' ? deflateWasm(raw) : raw);
    }
    return { width, height, bps, sampleFormat, rowsPerStrip, strips };
  });

  // Layout: header, then per page its strips followed by its IFD and the IFD's arrays.
  const ENTRIES = 11;
  let size = 8;
  const ifdAt: number[] = [];
  for (const e of encoded) {
    for (const s of e.strips) size += s.length;
    size += size & 1;
    ifdAt.push(size);
    size += 2 + ENTRIES * 12 + 4;
    if (e.strips.length > 1) size += 8 * e.strips.length;
  }
  if (size > 0xffffffff)
    throw new TiffError(`the TIFF would be ${size} bytes, over the 4 GiB classic TIFF limit`);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = 0x49;
  out[1] = 0x49;
  dv.setUint16(2, 42, true);
  dv.setUint32(4, ifdAt[0]!, true);
  let at = 8;
  encoded.forEach((e, k) => {
    const offsets: number[] = [];
    for (const s of e.strips) {
      offsets.push(at);
      out.set(s, at);
      at += s.length;
    }
    at += at & 1;
    const ifd = ifdAt[k]!;
    const n = e.strips.length;
    const arrays = ifd + 2 + ENTRIES * 12 + 4;
    dv.setUint16(ifd, ENTRIES, true);
    let entry = ifd + 2;
    const put = (tag: number, type: 3 | 4, count: number, value: number): void => {
      dv.setUint16(entry, tag, true);
      dv.setUint16(entry + 2, type, true);
      dv.setUint32(entry + 4, count, true);
      if (type === 3 && count === 1) dv.setUint16(entry + 8, value, true);
      else dv.setUint32(entry + 8, value, true);
      entry += 12;
    };
    put(256, 4, 1, e.width);
    put(257, 4, 1, e.height);
    put(258, 3, 1, e.bps);
    put(259, 3, 1, compression === 'deflate' ? 8 : 1);
    put(262, 3, 1, 1); // BlackIsZero
    put(273, 4, n, n === 1 ? offsets[0]! : arrays);
    put(277, 3, 1, 1);
    put(278, 4, 1, e.rowsPerStrip);
    put(279, 4, n, n === 1 ? e.strips[0]!.length : arrays + 4 * n);
    put(284, 3, 1, 1);
    put(339, 3, 1, e.sampleFormat);
    dv.setUint32(entry, k + 1 < encoded.length ? ifdAt[k + 1]! : 0, true);
    if (n > 1) {
      for (let i = 0; i < n; i++) {
        dv.setUint32(arrays + 4 * i, offsets[i]!, true);
        dv.setUint32(arrays + 4 * n + 4 * i, e.strips[i]!.length, true);
      }
    }
    at = ifd + 2 + ENTRIES * 12 + 4 + (n > 1 ? 8 * n : 0);
  });
  return out;
}
