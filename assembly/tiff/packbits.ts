// PackBits (Apple/TIFF compression 32773) run-length decoding.

/**
 * Decodes PackBits at `src` into at most `dstCap` bytes at `dst`. Runs that overflow the output are
 * cut (as libtiff does); a literal run cut by the end of input ends decoding. Returns bytes written.
 */
export function packBitsInto(src: usize, srcLen: usize, dst: usize, dstCap: usize): isize {
  const end = src + srcLen;
  let p = src;
  let op: usize = 0;
  while (op < dstCap && p < end) {
    const n = <i32>load<i8>(p++);
    if (n >= 0) {
      let cnt = <usize>(n + 1);
      if (cnt > end - p) cnt = end - p;
      if (cnt > dstCap - op) cnt = dstCap - op;
      memory.copy(dst + op, p, cnt);
      p += <usize>(n + 1);
      op += cnt;
    } else if (n != -128) {
      if (p >= end) break;
      let cnt = <usize>(1 - n);
      if (cnt > dstCap - op) cnt = dstCap - op;
      memory.fill(dst + op, load<u8>(p++), cnt);
      op += cnt;
    }
  }
  return <isize>op;
}
