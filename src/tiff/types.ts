/** How samples are interpreted (TIFF SampleFormat 1, 2, 3). */
export type SampleFormat = 'uint' | 'int' | 'float';

/** Sample arrays returned by decodeTiff: the natural type of the samples. */
export type TiffData =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** One decoded page (IFD) of a TIFF file. */
export interface TiffImage {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** Bits per sample as stored: 1, 8, 16, 32 or 64 (1-bit samples are returned as 0/1 bytes). */
  bitsPerSample: number;
  sampleFormat: SampleFormat;
  /** TIFF PhotometricInterpretation as stored (0 WhiteIsZero, 1 BlackIsZero, 2 RGB, ...); never applied. */
  photometric: number;
  /** TIFF Compression code as stored (1 none, 5 LZW, 8/32946 Deflate, 32773 PackBits). */
  compression: number;
  /** Samples interleaved per pixel, rows top to bottom: `data[(y * width + x) * samplesPerPixel + s]`. */
  data: TiffData;
}

/** Options of decodeTiff. */
export interface DecodeTiffOptions {
  /**
   * Largest total number of samples (width x height x samplesPerPixel, summed over the decoded pages)
   * to accept before allocating anything. Default 2^30 (1,073,741,824): e.g. 1,024 slices of
   * 1024x1024, or 64 slices of 4096x4096 — a large EM stack that still fits in memory as 8-bit.
   */
  maxPixels?: number;
  /**
   * Which pages to decode: an index or a list of indices (0-based, in file order). Default: all pages.
   * The IFD chain is still walked (and validated) to the end.
   */
  pages?: number | readonly number[];
}

/** Pages accepted by encodeTiff: one sample per pixel, 8/16-bit unsigned or 32-bit float. */
export interface TiffPageInput {
  width: number;
  height: number;
  data: Uint8Array | Uint16Array | Float32Array;
}

/** Options of encodeTiff. */
export interface EncodeTiffOptions {
  /** 'none' (default) or 'deflate' (zlib, TIFF compression 8, no predictor). */
  compression?: 'none' | 'deflate';
}
