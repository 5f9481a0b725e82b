// A small zlib encoder for writing TIFFs: one fixed-Huffman block, greedy LZ77 matching over a
// 32 KiB window with hash chains (32 candidates at most), Adler-32 trailer. Simple, valid, and
// readable by libtiff/zlib; not tuned for ratio.
import { E_OUTPUT } from './errors';
import { LEN_BASE, LEN_EXTRA, DIST_BASE, DIST_EXTRA } from './tables';

const HASH_BITS: u32 = 15;
const WSIZE: usize = 32768;
const WMASK: usize = WSIZE - 1;
const MAX_CHAIN: u32 = 32;

let head: usize = 0; // 1 << HASH_BITS x i32
let prev: usize = 0; // WSIZE x i32
let litCode: usize = 0; // 288 x u16 bit-reversed fixed codes
let litLen: usize = 0; // 288 x u8
let lenIdx: usize = 0; // 259 x u8: match length -> length symbol - 257
let distSmall: usize = 0; // 256 x u8: distance - 1 -> distance code (distances <= 256)
let distLarge: usize = 0; // 256 x u8: (distance - 1) >> 7 -> distance code (distances > 256)

function rev(code: u32, len: u32): u32 {
  let r: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return r;
}

function init(): void {
  if (head != 0) return;
  head = heap.alloc(((<usize>1) << HASH_BITS) * 4);
  prev = heap.alloc(WSIZE * 4);
  const t = heap.alloc(288 * 2 + 288 + 259 + 256 + 256);
  litCode = t;
  litLen = t + 576;
  lenIdx = litLen + 288;
  distSmall = lenIdx + 259;
  distLarge = distSmall + 256;
  for (let s: u32 = 0; s < 288; s++) {
    let code: u32;
    let len: u32;
    if (s < 144) {
      code = 0x30 + s;
      len = 8;
    } else if (s < 256) {
      code = 0x190 + s - 144;
      len = 9;
    } else if (s < 280) {
      code = s - 256;
      len = 7;
    } else {
      code = 0xc0 + s - 280;
      len = 8;
    }
    store<u16>(litCode + <usize>s * 2, <u16>rev(code, len));
    store<u8>(litLen + <usize>s, <u8>len);
  }
  for (let i: u32 = 0; i < 29; i++) {
    const base = <u32>load<u16>(LEN_BASE + <usize>i * 2);
    const n: u32 = 1 << load<u8>(LEN_EXTRA + <usize>i);
    for (let l = base; l < base + n && l <= 258; l++) store<u8>(lenIdx + <usize>l, <u8>i);
  }
  for (let i: u32 = 0; i < 30; i++) {
    const base = <u32>load<u16>(DIST_BASE + <usize>i * 2);
    const n: u32 = 1 << load<u8>(DIST_EXTRA + <usize>i);
    for (let d = base; d < base + n; d++) {
      if (d <= 256) store<u8>(distSmall + <usize>(d - 1), <u8>i);
      else store<u8>(distLarge + <usize>((d - 1) >> 7), <u8>i);
    }
  }
}

let acc: u64 = 0;
let cnt: u32 = 0;
let op: usize = 0;

function put(v: u32, n: u32): void {
  acc |= (<u64>v) << cnt;
  cnt += n;
  if (cnt >= 32) {
    store<u32>(op, <u32>acc);
    op += 4;
    acc >>= 32;
    cnt -= 32;
  }
}

function putSym(s: u32): void {
  put(<u32>load<u16>(litCode + <usize>s * 2), <u32>load<u8>(litLen + <usize>s));
}

function hash3(p: usize): usize {
  const v = ((<u32>load<u8>(p)) << 16) | ((<u32>load<u8>(p + 1)) << 8) | (<u32>load<u8>(p + 2));
  return <usize>((v * 2654435761) >>> (32 - HASH_BITS));
}

function insert(src: usize, i: usize): usize {
  const h = hash3(src + i) << 2;
  const cand = load<i32>(head + h);
  store<i32>(prev + ((i & WMASK) << 2), cand);
  store<i32>(head + h, <i32>i);
  return <usize>cand;
}

function adler32(p: usize, n: usize): u32 {
  let a: u32 = 1;
  let b: u32 = 0;
  while (n > 0) {
    const k = n < 5552 ? n : 5552;
    for (let i: usize = 0; i < k; i++) {
      a += load<u8>(p + i);
      b += a;
    }
    a %= 65521;
    b %= 65521;
    p += k;
    n -= k;
  }
  return (b << 16) | a;
}

/**
 * Kernel: compresses `n` bytes at `src` as a zlib stream into `dst` (capacity `dstCap`; n + n/8 + 64
 * always suffices). Returns the compressed length or E_OUTPUT.
 */
export function tiffDeflate(src: usize, n: usize, dst: usize, dstCap: usize): isize {
  init();
  if (dstCap < 16) return E_OUTPUT;
  memory.fill(head, 0xff, ((<usize>1) << HASH_BITS) * 4);
  store<u8>(dst, 0x78);
  store<u8>(dst + 1, 0x01);
  op = dst + 2;
  acc = 0;
  cnt = 0;
  put(3, 3); // BFINAL = 1, BTYPE = 01 (fixed Huffman)
  const limit = dst + dstCap - 24;
  let i: usize = 0;
  while (i < n) {
    if (op > limit) return E_OUTPUT;
    let best: usize = 0;
    let bestDist: usize = 0;
    if (i + 3 <= n) {
      let cand = <isize>insert(src, i);
      const maxLen: usize = n - i < 258 ? n - i : 258;
      let chain: u32 = 0;
      while (cand >= 0 && i - <usize>cand <= WSIZE && chain < MAX_CHAIN) {
        const c = <usize>cand;
        if (load<u8>(src + c + best) == load<u8>(src + i + best)) {
          let l: usize = 0;
          while (l + 8 <= maxLen) {
            const x = load<u64>(src + c + l) ^ load<u64>(src + i + l);
            if (x != 0) {
              l += <usize>(ctz(x) >> 3);
              break;
            }
            l += 8;
          }
          if (l + 8 > maxLen) {
            while (l < maxLen && load<u8>(src + c + l) == load<u8>(src + i + l)) l++;
          }
          if (l > best) {
            best = l;
            bestDist = i - c;
            if (l >= maxLen) break;
          }
        }
        cand = <isize>load<i32>(prev + ((c & WMASK) << 2));
        chain++;
      }
    }
    if (best >= 3) {
      const li = <usize>load<u8>(lenIdx + best);
      putSym(257 + <u32>li);
      const lx = <u32>load<u8>(LEN_EXTRA + li);
      if (lx > 0) put(<u32>best - <u32>load<u16>(LEN_BASE + li * 2), lx);
      const d = bestDist;
      const di = <usize>(d <= 256 ? load<u8>(distSmall + d - 1) : load<u8>(distLarge + ((d - 1) >> 7)));
      put(rev(<u32>di, 5), 5);
      const dx = <u32>load<u8>(DIST_EXTRA + di);
      if (dx > 0) put(<u32>d - <u32>load<u16>(DIST_BASE + di * 2), dx);
      const stop = i + best;
      for (let j = i + 1; j < stop && j + 3 <= n; j++) insert(src, j);
      i = stop;
    } else {
      putSym(<u32>load<u8>(src + i));
      i++;
    }
  }
  putSym(256);
  while (cnt > 0) {
    store<u8>(op, <u8>acc);
    op++;
    acc >>= 8;
    cnt = cnt > 8 ? cnt - 8 : 0;
  }
  const a = adler32(src, n);
  store<u32>(op, bswap<u32>(a));
  op += 4;
  return <isize>(op - dst);
}
