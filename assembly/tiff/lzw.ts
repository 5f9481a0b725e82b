// TIFF LZW (MSB-first codes of 9-12 bits, clear 256, end 257, "early change" code widths).
// The code table is flat: every code is (address, length) of its string, either in a static area
// holding the 256 single bytes or earlier in the output. Literals and strings thus take the same
// branch-free path, a copy done 8 bytes at a time.
import { E_LZW_CODE, E_LZW_OLD } from './errors';

let table: usize = 0; // 4096 x u64: address (low 32 bits) | length (high 32 bits)
let literals: usize = 0; // bytes 0..255, plus 8 bytes of slack for chunked reads

function init(): void {
  table = heap.alloc(4096 * 8);
  literals = heap.alloc(256 + 8);
  for (let i: usize = 0; i < 256; i++) {
    store<u8>(literals + i, <u8>i);
    store<u64>(table + (i << 3), (<u64>(literals + i)) | ((<u64>1) << 32));
  }
  store<u64>(literals + 256, 0);
}

/**
 * Decodes `srcLen` bytes of TIFF LZW at `src` into at most `dstCap` bytes at `dst` (with 8 bytes of
 * writable slack after dstCap). Stops at the end code, the end of input or a full output. Returns
 * the number of bytes written or a negative error code.
 */
export function lzwInto(src: usize, srcLen: usize, dst: usize, dstCap: usize): isize {
  if (table == 0) init();
  if (srcLen >= 2 && load<u8>(src) == 0 && (load<u8>(src + 1) & 1) != 0) return E_LZW_OLD;
  const end = src + srcLen;
  const outEnd = dst + dstCap;
  let p = src;
  // Bit buffer: the low `nbits` bits of `buf` are the next unread bits, most significant first.
  let buf: u64 = 0;
  let nbits: u32 = 0;
  let width: u32 = 9;
  let next: u32 = 258;
  let op = dst;
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
    if (op >= outEnd) break;
    const curPos = op;
    let curLen: usize = 0;
    if (code < next && code - 256 > 1) {
      // A literal or a known string: copy it from its earlier occurrence. Sources end at or
      // before op, so each 8-byte chunk reads only final bytes.
      const e = load<u64>(table + ((<usize>code) << 3));
      const s = <usize>(<u32>e);
      curLen = <usize>(e >>> 32);
      let n = curLen;
      if (n > outEnd - op) n = outEnd - op;
      let k: usize = 0;
      do {
        store<u64>(op + k, load<u64>(s + k));
        k += 8;
      } while (k < n);
      op += n;
    } else if (code == 256) {
      width = 9;
      next = 258;
      haveOld = false;
      continue;
    } else if (code == 257) {
      break;
    } else if (code == next && haveOld) {
      // KwKwK: the previous string followed by its own first byte.
      let n = oldLen;
      if (n > outEnd - op) n = outEnd - op;
      let k: usize = 0;
      do {
        store<u64>(op + k, load<u64>(oldPos + k));
        k += 8;
      } while (k < n);
      op += n;
      if (op < outEnd) {
        store<u8>(op, load<u8>(oldPos));
        op++;
      }
      curLen = oldLen + 1;
    } else {
      return E_LZW_CODE;
    }
    if (haveOld && next < 4096) {
      store<u64>(table + ((<usize>next) << 3), (<u64>oldPos) | ((<u64>(oldLen + 1)) << 32));
      next++;
      if (next + 1 >= (<u32>1) << width && width < 12) width++;
    }
    haveOld = true;
    oldPos = curPos;
    oldLen = curLen;
  }
  return <isize>(op - dst);
}
