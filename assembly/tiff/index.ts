// Kernels of the tiff area; re-exported by assembly/index.ts. Wrapped by src/kernels/tiff.ts.
import { lzwInto } from './lzw';
import { packBitsInto } from './packbits';

export { tiffInflate } from './inflate';
export { tiffDeflate } from './deflate';
export { tiffDecodePage } from './page';

/** Kernel: TIFF LZW into at most dstCap bytes (8 bytes of slack after). Returns bytes or error code. */
export function tiffLzw(src: usize, srcLen: usize, dst: usize, dstCap: usize): isize {
  return lzwInto(src, srcLen, dst, dstCap);
}

/** Kernel: PackBits into at most dstCap bytes. Returns bytes written. */
export function tiffPackBits(src: usize, srcLen: usize, dst: usize, dstCap: usize): isize {
  return packBitsInto(src, srcLen, dst, dstCap);
}
