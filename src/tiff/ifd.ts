// TIFF container parsing: header (classic and BigTIFF, either byte order), the IFD chain (with loop
// detection) and tag values. Every offset is checked against the file size before it is read.
import { TiffError } from './TiffError.js';

/** An opened TIFF: byte order, flavour and the offset of every IFD in chain order. */
export interface TiffFile {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  bigTiff: boolean;
  ifdOffsets: number[];
}

/** Tag values of one IFD, as numbers (only integer and floating-point tag types are kept). */
export type TagMap = Map<number, number[]>;

// Byte size of one value of each TIFF field type.
const TYPE_SIZE: Record<number, number> = {
  1: 1, // BYTE
  2: 1, // ASCII
  3: 2, // SHORT
  4: 4, // LONG
  5: 8, // RATIONAL
  6: 1, // SBYTE
  7: 1, // UNDEFINED
  8: 2, // SSHORT
  9: 4, // SLONG
  10: 8, // SRATIONAL
  11: 4, // FLOAT
  12: 8, // DOUBLE
  13: 4, // IFD
  16: 8, // LONG8
  17: 8, // SLONG8
  18: 8, // IFD8
};

function u64(view: DataView, at: number, le: boolean, what: string): number {
  const v = view.getBigUint64(at, le);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TiffError(`${what} (${v}) is too large`);
  return Number(v);
}

function need(file: { bytes: Uint8Array }, at: number, len: number, what: string): void {
  if (!(at >= 0 && len >= 0 && at + len <= file.bytes.length)) {
    throw new TiffError(
      `${what} at offset ${at} (${len} bytes) lies past the end of the file (${file.bytes.length} bytes)`,
    );
  }
}

/** Reads the header and walks the IFD chain. */
export function openTiff(bytes: Uint8Array): TiffFile {
  if (bytes.length < 8)
    throw new TiffError(`not a TIFF: ${bytes.length} bytes is shorter than a TIFF header`);
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  let littleEndian: boolean;
  if (b0 === 0x49 && b1 === 0x49) littleEndian = true;
  else if (b0 === 0x4d && b1 === 0x4d) littleEndian = false;
  else throw new TiffError(`not a TIFF: bad magic bytes 0x${hex(b0)}${hex(b1)} (expected "II" or "MM")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(2, littleEndian);
  let bigTiff: boolean;
  let first: number;
  if (version === 42) {
    bigTiff = false;
    first = view.getUint32(4, littleEndian);
  } else if (version === 43) {
    bigTiff = true;
    if (bytes.length < 16) throw new TiffError('truncated BigTIFF header');
    const offsetSize = view.getUint16(4, littleEndian);
    if (offsetSize !== 8)
      throw new TiffError(`BigTIFF header gives an offset size of ${offsetSize} (expected 8)`);
    first = u64(view, 8, littleEndian, 'first IFD offset');
  } else {
    throw new TiffError(`not a TIFF: version ${version} (expected 42, or 43 for BigTIFF)`);
  }
  const file: TiffFile = { bytes, view, littleEndian, bigTiff, ifdOffsets: [] };
  if (first === 0) throw new TiffError('the TIFF has no image (first IFD offset is 0)');
  const seen = new Set<number>();
  let at = first;
  while (at !== 0) {
    const page = file.ifdOffsets.length;
    if (seen.has(at)) throw new TiffError(`IFD chain loops: page ${page} points back to offset ${at}`);
    seen.add(at);
    const countSize = bigTiff ? 8 : 2;
    need(file, at, countSize, `IFD of page ${page}`);
    const n = bigTiff ? u64(view, at, littleEndian, 'IFD entry count') : view.getUint16(at, littleEndian);
    const entrySize = bigTiff ? 20 : 12;
    const nextAt = at + countSize + n * entrySize;
    const ptrSize = bigTiff ? 8 : 4;
    need(file, at, countSize + n * entrySize + ptrSize, `IFD of page ${page} with ${n} entries`);
    file.ifdOffsets.push(at);
    at = bigTiff ? u64(view, nextAt, littleEndian, 'next IFD offset') : view.getUint32(nextAt, littleEndian);
  }
  return file;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * Reads the tags listed in `wanted` from the IFD at `offset`. Values of unknown field types are
 * skipped (as libtiff does); a value that lies outside the file is an error.
 */
export function readTags(file: TiffFile, offset: number, page: number, wanted: ReadonlySet<number>): TagMap {
  const { view, littleEndian: le, bigTiff } = file;
  const n = bigTiff ? u64(view, offset, le, 'IFD entry count') : view.getUint16(offset, le);
  const first = offset + (bigTiff ? 8 : 2);
  const entrySize = bigTiff ? 20 : 12;
  const inlineSize = bigTiff ? 8 : 4;
  const tags: TagMap = new Map();
  for (let i = 0; i < n; i++) {
    const e = first + i * entrySize;
    const tag = view.getUint16(e, le);
    if (!wanted.has(tag) || tags.has(tag)) continue;
    const type = view.getUint16(e + 2, le);
    const size = TYPE_SIZE[type];
    if (size === undefined) continue;
    const count = bigTiff ? u64(view, e + 4, le, `count of tag ${tag}`) : view.getUint32(e + 4, le);
    const total = count * size;
    let at = e + (bigTiff ? 12 : 8);
    if (total > inlineSize) {
      at = bigTiff ? u64(view, at, le, `offset of tag ${tag}`) : view.getUint32(at, le);
      need(file, at, total, `value of tag ${tag} (${count} values) on page ${page}`);
    }
    tags.set(tag, readValues(view, at, type, count, le));
  }
  return tags;
}

function readValues(view: DataView, at: number, type: number, count: number, le: boolean): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1:
      case 2:
      case 7:
        out[i] = view.getUint8(at + i);
        break;
      case 6:
        out[i] = view.getInt8(at + i);
        break;
      case 3:
        out[i] = view.getUint16(at + 2 * i, le);
        break;
      case 8:
        out[i] = view.getInt16(at + 2 * i, le);
        break;
      case 4:
      case 13:
        out[i] = view.getUint32(at + 4 * i, le);
        break;
      case 9:
        out[i] = view.getInt32(at + 4 * i, le);
        break;
      case 5:
        out[i] = view.getUint32(at + 8 * i, le) / view.getUint32(at + 8 * i + 4, le);
        break;
      case 10:
        out[i] = view.getInt32(at + 8 * i, le) / view.getInt32(at + 8 * i + 4, le);
        break;
      case 11:
        out[i] = view.getFloat32(at + 4 * i, le);
        break;
      case 12:
        out[i] = view.getFloat64(at + 8 * i, le);
        break;
      case 16:
      case 18:
        out[i] = u64(view, at + 8 * i, le, 'tag value');
        break;
      default:
        out[i] = Number(view.getBigInt64(at + 8 * i, le));
    }
  }
  return out;
}
