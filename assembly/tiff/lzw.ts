// TIFF LZW (MSB-first codes of 9-12 bits, clear 256, end 257, "early change" code widths).
// The code table is flat: every code >= 258 is (offset, length) of a string already written to the
// output, so emitting a code is a copy from earlier output, done 8 bytes at a time.
import { E_LZW_CODE, E_LZW_OLD } from './errors';

let table: usize = 0; // 4096 x (u32 offset, u32 length)

/**
 * Decodes `srcLen` bytes of TIFF LZW at `src` into at most `dstCap` bytes at `dst` (with 8 bytes of
 * writable slack after dstCap). Stops at the end code, the end of input or a full output. Returns
 * the number of bytes written or a negative error code.
 */
export function lzwInto(src: usize, srcLen: usize, dst: usize, dstCap: usize): isize {
  if (table == 0) table = heap.alloc(4096 * 8);
  if (srcLen >= 2 && load<u8>(src) == 0 && (load<u8>(src + 1) & 1) != 0) return E_LZW_OLD;
  const end = src + srcLen;
  let p = src;
  // Bit buffer: the low `nbits` bits of `buf` are the next unread bits, most significant first.
  let buf: u64 = 0;
  let nbits: u32 = 0;
  let width: u32 = 9;
  let next: u32 = 258;
  let op: usize = 0;
  let oldPos: usize = 0;
  let oldLen: usize = 0;
  let haveOld = false;
  while (true) {
    if (nbits < width) {
      if (p + 4 <= end) {
        buf = (buf << 32) | (<u64>bswap<u32>(load<u32>(p)));
        p += 4;
        nbits += 32;
      } else {
        while (nbits < width && p < end) {
          buf = (buf << 8) | (<u64>load<u8>(p++));
          nbits += 8;
        }
        if (nbits < width) break;
      }
    }
    nbits -= width;
    const code = (<u32>(buf >>> nbits)) & (((<u32>1) << width) - 1);
    if (code == 256) {
      width = 9;
      next = 258;
      haveOld = false;
      continue;
    }
    if (code == 257) break;
    if (op >= dstCap) break;
    const curPos = op;
    let curLen: usize;
    if (code < 256) {
      store<u8>(dst + op, <u8>code);
      curLen = 1;
      op++;
    } else if (code < next) {
      const e = load<u64>(table + ((<usize>code) << 3));
      const s = dst + <usize>(<u32>e);
      curLen = <usize>(e >>> 32);
      let n = curLen;
      if (n > dstCap - op) n = dstCap - op;
      const d = dst + op;
      // Source strings end at or before d, so each 8-byte chunk reads only final bytes.
      let k: usize = 0;
      do {
        store<u64>(d + k, load<u64>(s + k));
        k += 8;
      } while (k < n);
      op += n;
    } else if (code == next && haveOld) {
      // KwKwK: the previous string followed by its own first byte.
      const s = dst + oldPos;
      let n = oldLen;
      if (n > dstCap - op) n = dstCap - op;
      const d = dst + op;
      let k: usize = 0;
      do {
        store<u64>(d + k, load<u64>(s + k));
        k += 8;
      } while (k < n);
      op += n;
      if (op < dstCap) {
        store<u8>(dst + op, load<u8>(s));
        op++;
      }
      curLen = oldLen + 1;
    } else {
      return E_LZW_CODE;
    }
    if (haveOld && next < 4096) {
      const e = table + ((<usize>next) << 3);
      store<u32>(e, <u32>oldPos);
      store<u32>(e, <u32>(oldLen + 1), 4);
      next++;
      if (next + 1 >= (<u32>1) << width && width < 12) width++;
    }
    haveOld = true;
    oldPos = curPos;
    oldLen = curLen;
  }
  return <isize>op;
}
