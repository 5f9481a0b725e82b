// JS wrappers of the tiff kernels (assembly/tiff). Every buffer is allocated in a scope and freed on
// return; negative kernel codes become TiffErrors.
import { TiffError } from '../tiff/TiffError.js';
import {
  copyOut,
  kernel,
  view,
  withScope,
  MAX_ALLOCATION_BYTES,
  type TypedArray,
  type TypedArrayCtor,
} from './memory.js';

type Codec = (src: number, srcLen: number, dst: number, dstCap: number) => number;
type InflateKernel = (src: number, srcLen: number, dst: number, dstCap: number, zlib: number) => number;
type PageKernel = (
  data: number,
  dataLen: number,
  chunks: number,
  nChunks: number,
  params: number,
  out: number,
  scratch: number,
) => number;

/** Slack the kernels may write past the end of an output buffer (chunked copies). */
const SLACK = 16;

const KERNEL_MESSAGES: Record<number, string> = {
  [-1]: 'compressed data is truncated',
  [-2]: 'not a zlib stream (bad header or preset dictionary)',
  [-3]: 'invalid deflate block type',
  [-4]: 'corrupt stored deflate block (LEN does not match NLEN)',
  [-5]: 'invalid Huffman code lengths',
  [-6]: 'invalid Huffman symbol',
  [-7]: 'back-reference before the start of the data',
  [-8]: 'compressed data ends before the expected number of bytes',
  [-9]: 'invalid LZW code',
  [-10]: 'old-style (pre-TIFF 6) LZW is not supported',
  [-11]: 'internal parameter error',
  [-12]: 'encoder output buffer too small',
};

/** Human-readable text for a negative tiff kernel code. */
export function tiffKernelMessage(code: number): string {
  return KERNEL_MESSAGES[code] ?? `kernel error ${code}`;
}

function checkedSize(bytes: number, what: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes + SLACK > MAX_ALLOCATION_BYTES) {
    throw new TiffError(`${what} needs ${bytes} bytes, more than one WASM buffer can hold`);
  }
  return bytes;
}

function runCodec(name: string, what: string, src: Uint8Array, maxOut: number, zlib?: boolean): Uint8Array {
  checkedSize(maxOut, what);
  return withScope((s) => {
    const sp = s.input(src);
    const dp = s.alloc(maxOut + SLACK);
    const n =
      zlib === undefined
        ? kernel<Codec>(name)(sp, src.length, dp, maxOut)
        : kernel<InflateKernel>(name)(sp, src.length, dp, maxOut, zlib ? 1 : 0);
    if (n < 0) throw new TiffError(`${what}: ${tiffKernelMessage(n)}`);
    return copyOut(Uint8Array, dp, n);
  });
}

/**
 * Inflates a zlib stream (or raw deflate with `{ zlib: false }`) into at most `maxOut` bytes.
 * Returns the bytes produced (fewer than maxOut if the stream ends first).
 */
export function inflateWasm(src: Uint8Array, maxOut: number, options: { zlib?: boolean } = {}): Uint8Array {
  return runCodec('tiffInflate', 'inflate', src, maxOut, options.zlib ?? true);
}

/** Decodes TIFF LZW into at most `maxOut` bytes. */
export function lzwDecodeWasm(src: Uint8Array, maxOut: number): Uint8Array {
  return runCodec('tiffLzw', 'LZW', src, maxOut);
}

/** Decodes PackBits into at most `maxOut` bytes. */
export function packBitsDecodeWasm(src: Uint8Array, maxOut: number): Uint8Array {
  return runCodec('tiffPackBits', 'PackBits', src, maxOut);
}

/** Compresses bytes as a zlib stream (fixed Huffman, LZ77). */
export function deflateWasm(src: Uint8Array): Uint8Array {
  const cap = checkedSize(src.length + (src.length >>> 3) + 64, 'deflate');
  return withScope((s) => {
    const sp = s.input(src);
    const dp = s.alloc(cap);
    const n = kernel<Codec>('tiffDeflate')(sp, src.length, dp, cap);
    if (n < 0) throw new TiffError(`deflate: ${tiffKernelMessage(n)}`);
    return copyOut(Uint8Array, dp, n);
  });
}

/** Indices of the i32 parameter block of tiffDecodePage (assembly/tiff/page.ts). */
export interface PageParams {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  /** 1 none, 5 LZW, 8 zlib, 32773 PackBits. */
  compression: number;
  predictor: number;
  bigEndian: boolean;
  planar: number;
  tileWidth: number;
  tileHeight: number;
  tiled: boolean;
  across: number;
  down: number;
}

/** A page to decode: the file, its chunks (validated to lie inside it) and the output type. */
export interface PageJob {
  bytes: Uint8Array;
  offsets: readonly number[];
  counts: readonly number[];
  params: PageParams;
  outCtor: TypedArrayCtor;
  outLength: number;
  /** Bytes of one decoded chunk (all its rows). */
  chunkBytes: number;
  /** Bytes of one decoded chunk row. */
  rowBytes: number;
  /** FillOrder 2: reverse the bits of every compressed byte first. */
  reverseBits: boolean;
}

/** A decoded page, or the kernel error with the failing chunk. */
export type PageResult = { data: TypedArray } | { error: number; chunk: number; produced: number };

let reverseTable: Uint8Array | undefined;

function bitReversed(): Uint8Array {
  if (!reverseTable) {
    reverseTable = new Uint8Array(256);
    for (let i = 0; i < 256; i++) {
      let r = 0;
      for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
      reverseTable[i] = r;
    }
  }
  return reverseTable;
}

/** Decodes all strips or tiles of one page with tiffDecodePage. */
export function decodePageWasm(job: PageJob): PageResult {
  const { bytes, offsets, counts, params: p } = job;
  const n = offsets.length;
  // Copy the file range that holds the page's chunks, or the chunks one by one when they are
  // scattered (or overlap) so that the range would be much larger than the chunks themselves.
  let lo = Infinity;
  let hi = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, offsets[i]!);
    hi = Math.max(hi, offsets[i]! + counts[i]!);
    sum += counts[i]!;
  }
  if (n === 0) lo = 0;
  const asRange = hi - lo <= sum + 65536;
  const dataBytes = checkedSize(asRange ? hi - lo : sum, 'compressed page data');
  const outBytes = checkedSize(job.outLength * job.outCtor.BYTES_PER_ELEMENT, 'decoded page');
  const scratchBytes = checkedSize(
    (((job.chunkBytes + SLACK + 15) >>> 4) << 4) + job.rowBytes + SLACK,
    'decoded chunk',
  );
  return withScope((s) => {
    const dataPtr = s.alloc(dataBytes);
    const chunkPtr = s.alloc(n * 8);
    const paramPtr = s.alloc(16 * 4);
    const outPtr = s.alloc(outBytes + SLACK);
    const scratchPtr = s.alloc(scratchBytes);
    // Views only after every allocation: memory.grow detaches earlier ones.
    const data = view(Uint8Array, dataPtr, dataBytes);
    const table = view(Uint32Array, chunkPtr, n * 2);
    if (asRange) {
      data.set(bytes.subarray(lo, hi));
      for (let i = 0; i < n; i++) {
        table[2 * i] = offsets[i]! - lo;
        table[2 * i + 1] = counts[i]!;
      }
    } else {
      let at = 0;
      for (let i = 0; i < n; i++) {
        data.set(bytes.subarray(offsets[i]!, offsets[i]! + counts[i]!), at);
        table[2 * i] = at;
        table[2 * i + 1] = counts[i]!;
        at += counts[i]!;
      }
    }
    if (job.reverseBits) {
      const rev = bitReversed();
      for (let i = 0; i < data.length; i++) data[i] = rev[data[i]!]!;
    }
    const prm = view(Int32Array, paramPtr, 16);
    prm.set([
      p.width,
      p.height,
      p.samplesPerPixel,
      p.bitsPerSample,
      0,
      p.compression,
      p.predictor,
      p.bigEndian ? 1 : 0,
      p.planar,
      p.tileWidth,
      p.tileHeight,
      p.tiled ? 1 : 0,
      p.across,
      p.down,
      -1,
      0,
    ]);
    const code = kernel<PageKernel>('tiffDecodePage')(
      dataPtr,
      dataBytes,
      chunkPtr,
      n,
      paramPtr,
      outPtr,
      scratchPtr,
    );
    if (code < 0) {
      const after = view(Int32Array, paramPtr, 16);
      return { error: code, chunk: after[14]!, produced: after[15]! };
    }
    return { data: copyOut(job.outCtor, outPtr, job.outLength) };
  });
}
