// decodeTiff: IFDs parsed here in TypeScript, pixels decoded in WASM (src/kernels/tiff.ts).
import { decodePageWasm, tiffKernelMessage, type PageParams } from '../kernels/tiff.js';
import type { TypedArrayCtor } from '../kernels/memory.js';
import { openTiff, readTags, type TagMap, type TiffFile } from './ifd.js';
import { TiffError } from './TiffError.js';
import type { DecodeTiffOptions, SampleFormat, TiffData, TiffImage } from './types.js';

/** Default `maxPixels`: 2^30 samples (e.g. 1,024 slices of 1024x1024, or 64 of 4096x4096). */
export const DEFAULT_MAX_PIXELS = 2 ** 30;

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  fillOrder: 266,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planar: 284,
  predictor: 317,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  sampleFormat: 339,
} as const;
const WANTED = new Set<number>(Object.values(TAG));

const COMPRESSION_NAMES: Record<number, string> = {
  2: 'CCITT modified Huffman RLE',
  3: 'CCITT Group 3 fax',
  4: 'CCITT Group 4 fax',
  6: 'old-style JPEG',
  7: 'JPEG',
  9: 'JBIG (T.85)',
  10: 'JBIG (T.43)',
  32766: 'NeXT 2-bit RLE',
  32771: 'CCITT RLEW',
  32809: 'ThunderScan',
  32895: 'IT8 CT padding',
  32896: 'IT8 linework RLE',
  32897: 'IT8 monochrome',
  32898: 'IT8 binary line art',
  32908: 'Pixar film',
  32909: 'Pixar log',
  32947: 'Kodak DCS',
  34661: 'ISO JBIG',
  34676: 'SGI LogLuv',
  34677: 'SGI LogLuv 24',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34925: 'LZMA',
  34926: 'ZSTD (draft code)',
  34927: 'WebP (draft code)',
  34933: 'PNG',
  34934: 'JPEG XR',
  50000: 'ZSTD',
  50001: 'WebP',
  50002: 'JPEG XL',
};

// Largest plausible decoded/compressed size ratio per codec, to refuse absurd dimensions before
// allocating: LZW emits at most 4096 bytes per 12-bit code, Deflate at most 258 bytes per 1-2 bits
// (1032:1), PackBits 128 bytes per 2.
const MAX_RATIO: Record<number, number> = { 1: 1, 5: 2731, 8: 1033, 32773: 64 };

interface Layout {
  params: PageParams;
  sampleFormat: SampleFormat;
  photometric: number;
  compressionTag: number;
  offsets: number[];
  counts: number[];
  chunkBytes: number;
  rowBytes: number;
  reverseBits: boolean;
  samples: number;
}

function one(tags: TagMap, tag: number, fallback: number | undefined, page: number, name: string): number {
  const v = tags.get(tag);
  if (v === undefined || v.length === 0) {
    if (fallback === undefined) throw new TiffError(`page ${page}: required tag ${name} (${tag}) is missing`);
    return fallback;
  }
  return v[0]!;
}

function positiveInt(v: number, page: number, name: string, max = 2 ** 31 - 1): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new TiffError(`page ${page}: invalid ${name} ${v}`);
  return v;
}

function allSame(values: number[] | undefined, page: number, name: string): number | undefined {
  if (!values || values.length === 0) return undefined;
  const v = values[0]!;
  if (values.some((x) => x !== v)) {
    throw new TiffError(
      `page ${page}: samples with different ${name} (${values.join(', ')}) are not supported`,
    );
  }
  return v;
}

function describeCompression(c: number): string {
  const name = COMPRESSION_NAMES[c];
  return name ? `${name} compression (Compression=${c})` : `unknown compression ${c}`;
}

function layoutOf(file: TiffFile, page: number, budget: { used: number; max: number }): Layout {
  const tags = readTags(file, file.ifdOffsets[page]!, page, WANTED);
  const width = positiveInt(one(tags, TAG.width, undefined, page, 'ImageWidth'), page, 'ImageWidth');
  const height = positiveInt(one(tags, TAG.height, undefined, page, 'ImageLength'), page, 'ImageLength');
  const spp = positiveInt(
    one(tags, TAG.samplesPerPixel, 1, page, 'SamplesPerPixel'),
    page,
    'SamplesPerPixel',
    1024,
  );
  // Refuse absurd dimensions first, before any array is sized from them.
  budget.used += width * height * spp;
  if (budget.used > budget.max) {
    throw new TiffError(
      `page ${page} (${width}x${height}x${spp}) brings the total to ${budget.used} samples, ` +
        `over maxPixels = ${budget.max}`,
    );
  }
  const bps = allSame(tags.get(TAG.bitsPerSample), page, 'BitsPerSample') ?? 1;
  const fmtCode = allSame(tags.get(TAG.sampleFormat), page, 'SampleFormat') ?? 1;
  const compressionTag = one(tags, TAG.compression, 1, page, 'Compression');
  const photometric = one(tags, TAG.photometric, spp >= 3 ? 2 : 1, page, 'PhotometricInterpretation');
  const planar = one(tags, TAG.planar, 1, page, 'PlanarConfiguration');
  const predictor = one(tags, TAG.predictor, 1, page, 'Predictor');
  const fillOrder = one(tags, TAG.fillOrder, 1, page, 'FillOrder');

  let compression: number;
  if (compressionTag === 1 || compressionTag === 5 || compressionTag === 32773) compression = compressionTag;
  else if (compressionTag === 8 || compressionTag === 32946) compression = 8;
  else
    throw new TiffError(
      `page ${page} uses ${describeCompression(compressionTag)}, which unet-wasm does not decode`,
    );

  if (![1, 8, 16, 32, 64].includes(bps)) {
    throw new TiffError(`page ${page}: BitsPerSample ${bps} is not supported (1, 8, 16, 32 or 64)`);
  }
  let sampleFormat: SampleFormat;
  if (fmtCode === 1 || fmtCode === 4) sampleFormat = 'uint';
  else if (fmtCode === 2) sampleFormat = 'int';
  else if (fmtCode === 3) sampleFormat = 'float';
  else throw new TiffError(`page ${page}: SampleFormat ${fmtCode} is not supported`);
  if (bps === 1) sampleFormat = 'uint';
  if (sampleFormat === 'float' && bps !== 32 && bps !== 64) {
    throw new TiffError(`page ${page}: ${bps}-bit floating-point samples are not supported`);
  }
  if (bps === 64 && sampleFormat !== 'float') {
    throw new TiffError(`page ${page}: 64-bit integer samples are not supported`);
  }
  if (planar !== 1 && planar !== 2)
    throw new TiffError(`page ${page}: invalid PlanarConfiguration ${planar}`);
  if (predictor === 2 && bps === 1)
    throw new TiffError(`page ${page}: Predictor 2 needs 8, 16, 32 or 64 bits`);
  if (predictor === 3 && sampleFormat !== 'float') {
    throw new TiffError(`page ${page}: Predictor 3 needs floating-point samples`);
  }
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) {
    throw new TiffError(`page ${page}: Predictor ${predictor} is not supported`);
  }
  if (fillOrder !== 1 && fillOrder !== 2) throw new TiffError(`page ${page}: invalid FillOrder ${fillOrder}`);

  const tiled = tags.has(TAG.tileWidth) || tags.has(TAG.tileOffsets);
  let tileWidth: number;
  let tileHeight: number;
  let offsets: number[] | undefined;
  let counts: number[] | undefined;
  if (tiled) {
    tileWidth = positiveInt(
      one(tags, TAG.tileWidth, undefined, page, 'TileWidth'),
      page,
      'TileWidth',
      1 << 20,
    );
    tileHeight = positiveInt(
      one(tags, TAG.tileLength, undefined, page, 'TileLength'),
      page,
      'TileLength',
      1 << 20,
    );
    offsets = tags.get(TAG.tileOffsets);
    counts = tags.get(TAG.tileByteCounts);
    if (!offsets) throw new TiffError(`page ${page}: required tag TileOffsets (324) is missing`);
  } else {
    tileWidth = width;
    const rps = one(tags, TAG.rowsPerStrip, 2 ** 32 - 1, page, 'RowsPerStrip');
    if (!Number.isInteger(rps) || rps < 1) throw new TiffError(`page ${page}: invalid RowsPerStrip ${rps}`);
    tileHeight = Math.min(rps, height);
    offsets = tags.get(TAG.stripOffsets);
    counts = tags.get(TAG.stripByteCounts);
    if (!offsets) throw new TiffError(`page ${page}: required tag StripOffsets (273) is missing`);
  }
  const unit = tiled ? 'tile' : 'strip';
  const across = Math.ceil(width / tileWidth);
  const down = Math.ceil(height / tileHeight);
  const nChunks = across * down * (planar === 2 ? spp : 1);
  if (offsets.length < nChunks) {
    throw new TiffError(`page ${page}: ${offsets.length} ${unit} offsets for ${nChunks} ${unit}s`);
  }
  const sppC = planar === 2 ? 1 : spp;
  const size = bps === 1 ? 1 : bps / 8;
  const rowBytes = bps === 1 ? Math.ceil((tileWidth * sppC) / 8) : tileWidth * sppC * size;
  const chunkBytes = rowBytes * tileHeight;
  if (!counts) {
    // Some writers omit byte counts for uncompressed data; the layout determines them.
    if (compression !== 1) throw new TiffError(`page ${page}: required ${unit} byte counts are missing`);
    counts = offsets.map((_, i) => {
      const y0 = Math.floor(i / across) % down;
      return tiled ? chunkBytes : rowBytes * Math.min(tileHeight, height - y0 * tileHeight);
    });
  }
  if (counts.length < nChunks) {
    throw new TiffError(`page ${page}: ${counts.length} ${unit} byte counts for ${nChunks} ${unit}s`);
  }
  offsets = offsets.slice(0, nChunks);
  counts = counts.slice(0, nChunks);
  const ratio = MAX_RATIO[compression]!;
  // Chunks may overlap (even all point at the same bytes), so also bound the whole page by what
  // the file itself could hold: a small file never makes us allocate a huge page.
  const pageBytes = chunkBytes * nChunks;
  if (compression !== 1 && pageBytes > file.bytes.length * ratio + 4096 * nChunks) {
    throw new TiffError(
      `page ${page}: ${width}x${height}, ${spp} x ${bps}-bit samples cannot come from a ` +
        `${file.bytes.length}-byte file`,
    );
  }
  let total = 0;
  for (let i = 0; i < nChunks; i++) {
    const off = offsets[i]!;
    const cnt = counts[i]!;
    if (
      !Number.isSafeInteger(off) ||
      !Number.isSafeInteger(cnt) ||
      off < 0 ||
      cnt < 0 ||
      off + cnt > file.bytes.length
    ) {
      throw new TiffError(
        `page ${page}: ${unit} ${i} (offset ${off}, ${cnt} bytes) lies past the end of the file (${file.bytes.length} bytes)`,
      );
    }
    const rows = tiled
      ? tileHeight
      : Math.min(tileHeight, height - (Math.floor(i / across) % down) * tileHeight);
    const expected = rows * rowBytes;
    total += expected;
    if (compression === 1 ? cnt < expected : expected > cnt * ratio + 4096) {
      throw new TiffError(
        `page ${page}: ${unit} ${i} holds ${cnt} bytes, too few for ${expected} decoded bytes ` +
          `(${width}x${height}, ${spp} x ${bps}-bit samples)`,
      );
    }
  }
  if (compression === 1 && total > file.bytes.length) {
    throw new TiffError(
      `page ${page}: ${total} bytes of uncompressed samples cannot come from a ${file.bytes.length}-byte file`,
    );
  }
  return {
    params: {
      width,
      height,
      samplesPerPixel: spp,
      bitsPerSample: bps,
      compression,
      predictor,
      bigEndian: !file.littleEndian,
      planar,
      tileWidth,
      tileHeight,
      tiled,
      across,
      down,
    },
    sampleFormat,
    photometric,
    compressionTag,
    offsets,
    counts,
    chunkBytes,
    rowBytes,
    reverseBits: fillOrder === 2,
    samples: width * height * spp,
  };
}

function arrayType(bps: number, fmt: SampleFormat): TypedArrayCtor {
  if (fmt === 'float') return bps === 32 ? Float32Array : Float64Array;
  if (bps === 1 || bps === 8) return fmt === 'int' ? Int8Array : Uint8Array;
  if (bps === 16) return fmt === 'int' ? Int16Array : Uint16Array;
  if (bps === 32) return fmt === 'int' ? Int32Array : Uint32Array;
  throw new TiffError(`${bps}-bit ${fmt} samples are not supported`);
}

function selectPages(pages: DecodeTiffOptions['pages'], count: number): number[] {
  if (pages === undefined) return Array.from({ length: count }, (_, i) => i);
  const list = typeof pages === 'number' ? [pages] : [...pages];
  for (const p of list) {
    if (!Number.isInteger(p) || p < 0 || p >= count) {
      throw new TiffError(`page ${p} requested, but the file has ${count} page${count === 1 ? '' : 's'}`);
    }
  }
  return list;
}

function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new TypeError('decodeTiff expects a Uint8Array or an ArrayBuffer');
}

/**
 * Decodes every page (IFD) of a TIFF file, or the pages listed in `options.pages`.
 *
 * Supports classic TIFF and BigTIFF in either byte order; strips and tiles; chunky and planar
 * layouts; no compression, LZW, Deflate (8 and 32946) and PackBits; predictors 2 and 3; 1-, 8-, 16-,
 * 32- and 64-bit samples (unsigned, signed, float). Samples come back interleaved and little-endian
 * in their natural typed array; 1-bit samples as 0/1 bytes; photometric interpretation is not applied.
 *
 * @param options.maxPixels largest total sample count to accept (default {@link DEFAULT_MAX_PIXELS}).
 * @param options.pages page index or indices to decode (default all).
 * @throws TiffError for malformed, truncated, unsupported or oversized input.
 */
export function decodeTiff(input: Uint8Array | ArrayBuffer, options: DecodeTiffOptions = {}): TiffImage[] {
  const bytes = toBytes(input);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(typeof maxPixels === 'number' && maxPixels > 0)) {
    throw new TypeError(`maxPixels must be a positive number, got ${String(maxPixels)}`);
  }
  const file = openTiff(bytes);
  const pages = selectPages(options.pages, file.ifdOffsets.length);
  // Parse and validate every selected page before allocating any pixels.
  const budget = { used: 0, max: maxPixels };
  const layouts = pages.map((page) => layoutOf(file, page, budget));
  return layouts.map((l, k) => {
    const page = pages[k]!;
    const p = l.params;
    const ctor = arrayType(p.bitsPerSample, l.sampleFormat);
    const result = decodePageWasm({
      bytes,
      offsets: l.offsets,
      counts: l.counts,
      params: p,
      outCtor: ctor,
      outLength: l.samples,
      // Strips of chunky multi-bit data decode straight into the output; scratch is only needed
      // for tiles, planes, 1-bit rows and the float predictor's row buffer.
      chunkBytes: !p.tiled && p.planar === 1 && p.bitsPerSample !== 1 && p.predictor !== 3 ? 0 : l.chunkBytes,
      rowBytes: p.predictor === 3 ? l.rowBytes : 0,
      reverseBits: l.reverseBits,
    });
    if ('error' in result) {
      const unit = p.tiled ? 'tile' : 'strip';
      const where = l.offsets[result.chunk] ?? '?';
      throw new TiffError(
        `page ${page}: ${unit} ${result.chunk} (offset ${where}) cannot be decoded: ` +
          `${tiffKernelMessage(result.error)}` +
          (result.error === -8 ? ` (${result.produced} bytes)` : ''),
      );
    }
    return {
      width: p.width,
      height: p.height,
      samplesPerPixel: p.samplesPerPixel,
      bitsPerSample: p.bitsPerSample,
      sampleFormat: l.sampleFormat,
      photometric: l.photometric,
      compression: l.compressionTag,
      data: result.data as TiffData,
    };
  });
}
