// Inflate (RFC 1951) with an optional zlib wrapper (RFC 1950): stored, fixed and dynamic Huffman blocks.
// Decoding is table driven: a 10-bit (literal/length) or 8-bit (distance) primary table resolves most
// codes in one lookup, longer codes go through one sub-table. Every read is bounds checked; reads past
// the end of the input see zero bits and are detected, so corrupt input returns an error code, never traps.
import {
  E_TRUNCATED,
  E_ZLIB_HEADER,
  E_BLOCK_TYPE,
  E_STORED_LEN,
  E_HUFFMAN,
  E_SYMBOL,
  E_DISTANCE,
} from './errors';
import { LEN_BASE, LEN_EXTRA, DIST_BASE, DIST_EXTRA } from './tables';

// Table entry layout (u32): bits 0-3 code length, bits 4-6 type, bits 8-12 extra bits (or sub-table
// index bits), bits 16-31 value (literal, base length, base distance or sub-table offset).
const T_INVALID: u32 = 0;
const T_LIT: u32 = 1;
const T_LEN: u32 = 2;
const T_EOB: u32 = 3;
const T_SUB: u32 = 4;
const T_DIST: u32 = 5;

const LIT_ROOT: u32 = 10;
const DIST_ROOT: u32 = 8;
const CL_ROOT: u32 = 7;
// Primary table plus the worst case of one full sub-table per primary slot (max code length 15).
const LIT_ENTRIES: usize = (1 << 10) + (1 << 10) * (1 << 5);
const DIST_ENTRIES: usize = (1 << 8) + (1 << 8) * (1 << 7);

const CL_ORDER = memory.data<u8>([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

// Tables live in one block allocated on first use and kept for the life of the instance.
let litTable: usize = 0;
let distTable: usize = 0;
let clTable: usize = 0;
let fixedLit: usize = 0;
let fixedDist: usize = 0;
let lensBuf: usize = 0; // 320 code lengths (u8)
let countBuf: usize = 0; // 16 x u16
let offsBuf: usize = 0; // 16 x u16
let sortedBuf: usize = 0; // 320 x u16

// Bit reader state shared by the block-header helpers. `inp` may run past `inEnd`: those bytes read
// as zero and `inp - inEnd` says how many were invented.
let bitBuf: u64 = 0;
let bitCnt: u32 = 0;
let inp: usize = 0;
let inEnd: usize = 0;

function ensureTables(): void {
  if (litTable != 0) return;
  const bytes: usize = (LIT_ENTRIES + DIST_ENTRIES + 128 + 1024 + 256) * 4 + 320 + 32 + 32 + 640;
  const base = heap.alloc(bytes);
  litTable = base;
  distTable = litTable + LIT_ENTRIES * 4;
  clTable = distTable + DIST_ENTRIES * 4;
  fixedLit = clTable + 128 * 4;
  fixedDist = fixedLit + 1024 * 4;
  lensBuf = fixedDist + 256 * 4;
  countBuf = lensBuf + 320;
  offsBuf = countBuf + 32;
  sortedBuf = offsBuf + 32;
  // Fixed Huffman tables (RFC 1951 3.2.6), built once.
  for (let i: usize = 0; i < 288; i++) {
    store<u8>(lensBuf + i, i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
  }
  buildTable(lensBuf, 288, fixedLit, LIT_ROOT, 0);
  for (let i: usize = 0; i < 32; i++) store<u8>(lensBuf + i, 5);
  buildTable(lensBuf, 32, fixedDist, DIST_ROOT, 1);
}

function reverseBits(code: u32, len: u32): u32 {
  return bitreverse(code) >>> (32 - len);
}

// A u32 bit-reverse (no wasm instruction for it).
function bitreverse(x: u32): u32 {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  return bswap<u32>(x);
}

function makeEntry(kind: u32, sym: u32, len: u32): u32 {
  if (kind == 0) {
    if (sym < 256) return (sym << 16) | (T_LIT << 4) | len;
    if (sym == 256) return (T_EOB << 4) | len;
    if (sym < 286) {
      const i = <usize>(sym - 257);
      return (
        ((<u32>load<u16>(LEN_BASE + i * 2)) << 16) |
        ((<u32>load<u8>(LEN_EXTRA + i)) << 8) |
        (T_LEN << 4) |
        len
      );
    }
    return len; // 286, 287: occupy code space, invalid to use
  }
  if (kind == 1) {
    if (sym < 30) {
      const i = <usize>sym;
      return (
        ((<u32>load<u16>(DIST_BASE + i * 2)) << 16) |
        ((<u32>load<u8>(DIST_EXTRA + i)) << 8) |
        (T_DIST << 4) |
        len
      );
    }
    return len;
  }
  return (sym << 16) | (T_LIT << 4) | len; // code-length alphabet
}

/**
 * Builds a decoding table for `n` code lengths at `lens`. kind 0 = literal/length, 1 = distance,
 * 2 = code-length alphabet. Returns 0, or E_HUFFMAN for over-subscribed lengths. Incomplete codes
 * are accepted; their unused slots hold invalid entries that fail when hit.
 */
function buildTable(lens: usize, n: u32, table: usize, root: u32, kind: u32): i32 {
  for (let l: usize = 0; l < 16; l++) store<u16>(countBuf + l * 2, 0);
  for (let s: u32 = 0; s < n; s++) {
    const l = <usize>load<u8>(lens + s);
    store<u16>(countBuf + l * 2, load<u16>(countBuf + l * 2) + 1);
  }
  store<u16>(countBuf, 0);
  let left: i32 = 1;
  let maxLen: u32 = 0;
  for (let l: u32 = 1; l <= 15; l++) {
    left <<= 1;
    const c = <i32>load<u16>(countBuf + l * 2);
    left -= c;
    if (left < 0) return E_HUFFMAN;
    if (c > 0) maxLen = l;
  }
  let off: u32 = 0;
  for (let l: u32 = 1; l <= 15; l++) {
    store<u16>(offsBuf + l * 2, <u16>off);
    off += load<u16>(countBuf + l * 2);
  }
  for (let s: u32 = 0; s < n; s++) {
    const l = <usize>load<u8>(lens + s);
    if (l != 0) {
      const o = <usize>load<u16>(offsBuf + l * 2);
      store<u16>(sortedBuf + o * 2, <u16>s);
      store<u16>(offsBuf + l * 2, <u16>(o + 1));
    }
  }
  const rootSize: u32 = 1 << root;
  memory.fill(table, 0, <usize>rootSize * 4);
  if (maxLen == 0) return 0;
  const subBits: u32 = maxLen > root ? maxLen - root : 0;
  const subSize: u32 = 1 << subBits;
  let nextSub: u32 = rootSize;
  let code: u32 = 0;
  let idx: usize = 0;
  for (let l: u32 = 1; l <= maxLen; l++) {
    const c = <u32>load<u16>(countBuf + l * 2);
    for (let k: u32 = 0; k < c; k++) {
      const sym = <u32>load<u16>(sortedBuf + idx * 2);
      idx++;
      const entry = makeEntry(kind, sym, l);
      const r = reverseBits(code, l);
      if (l <= root) {
        const step: u32 = 1 << l;
        for (let i: u32 = r; i < rootSize; i += step) store<u32>(table + ((<usize>i) << 2), entry);
      } else {
        const p = r & (rootSize - 1);
        let pe = load<u32>(table + ((<usize>p) << 2));
        if (pe == 0) {
          pe = (nextSub << 16) | (subBits << 8) | (T_SUB << 4);
          store<u32>(table + ((<usize>p) << 2), pe);
          memory.fill(table + ((<usize>nextSub) << 2), 0, <usize>subSize * 4);
          nextSub += subSize;
        }
        const base = <usize>(pe >>> 16);
        const step: u32 = 1 << (l - root);
        for (let i: u32 = r >>> root; i < subSize; i += step) store<u32>(table + ((base + i) << 2), entry);
      }
      code++;
    }
    code <<= 1;
  }
  return 0;
}

// Fills the bit buffer to at least 56 bits. Past the end of input it shifts in zero bytes.
function refill(): void {
  if (inp + 8 <= inEnd) {
    bitBuf |= load<u64>(inp) << bitCnt;
    inp += (63 - bitCnt) >>> 3;
    bitCnt |= 56;
  } else {
    while (bitCnt <= 56) {
      bitBuf |= (inp < inEnd ? <u64>load<u8>(inp) : 0) << bitCnt;
      inp++;
      bitCnt += 8;
    }
  }
}

function bits(n: u32): u32 {
  if (bitCnt < n) refill();
  const v = <u32>(bitBuf & (((<u64>1) << n) - 1));
  bitBuf >>= n;
  bitCnt -= n;
  return v;
}

// True when more bits were consumed than the input holds.
function overran(): bool {
  return inp > inEnd && (<u64>(inp - inEnd)) << 3 > <u64>bitCnt;
}

// Reads a dynamic block's code lengths and builds litTable/distTable.
function readDynamic(): i32 {
  const hlit = bits(5) + 257;
  const hdist = bits(5) + 1;
  const hclen = bits(4) + 4;
  if (hlit > 286 || hdist > 30) return E_HUFFMAN;
  for (let i: usize = 0; i < 19; i++) store<u8>(lensBuf + i, 0);
  for (let i: u32 = 0; i < hclen; i++) {
    store<u8>(lensBuf + <usize>load<u8>(CL_ORDER + i), <u8>bits(3));
  }
  // The code-length alphabet's lengths are reordered into symbol order in a second 19-byte area.
  const clLens = lensBuf + 300;
  memory.copy(clLens, lensBuf, 19);
  if (buildTable(clLens, 19, clTable, CL_ROOT, 2) < 0) return E_HUFFMAN;
  const total = hlit + hdist;
  let i: u32 = 0;
  while (i < total) {
    if (bitCnt < 16) refill();
    if (inp > inEnd + 8) return E_TRUNCATED;
    const e = load<u32>(clTable + ((<usize>(bitBuf & 127)) << 2));
    const len = e & 15;
    if (((e >>> 4) & 7) != T_LIT) return E_HUFFMAN;
    bitBuf >>= len;
    bitCnt -= len;
    const sym = e >>> 16;
    if (sym < 16) {
      store<u8>(lensBuf + i, <u8>sym);
      i++;
      continue;
    }
    let val: u8 = 0;
    let rep: u32 = 0;
    if (sym == 16) {
      if (i == 0) return E_HUFFMAN;
      val = load<u8>(lensBuf + i - 1);
      rep = 3 + bits(2);
    } else if (sym == 17) {
      rep = 3 + bits(3);
    } else {
      rep = 11 + bits(7);
    }
    if (i + rep > total) return E_HUFFMAN;
    memory.fill(lensBuf + i, val, rep);
    i += rep;
  }
  if (overran()) return E_TRUNCATED;
  if (load<u8>(lensBuf + 256) == 0) return E_HUFFMAN; // no end-of-block code
  if (buildTable(lensBuf, hlit, litTable, LIT_ROOT, 0) < 0) return E_HUFFMAN;
  // Distance lengths follow the literal/length ones; move them to the front of a fresh area first.
  const dl = lensBuf + 288;
  // hdist <= 30 and 288 + 30 < 320 (clLens at +300 is no longer needed).
  memory.copy(dl, lensBuf + hlit, hdist);
  if (buildTable(dl, hdist, distTable, DIST_ROOT, 1) < 0) return E_HUFFMAN;
  return 0;
}

// Output cursor of the current inflate call.
let outPos: usize = 0;
let outFull: bool = false;

// Decodes one Huffman-coded block into [outPos, outEnd). outStart bounds back-references.
function decodeBlock(lit: usize, dist: usize, outStart: usize, outEnd: usize): i32 {
  let b = bitBuf;
  let c = bitCnt;
  let p = inp;
  const end = inEnd;
  let op = outPos;
  let err: i32 = 0;
  while (true) {
    if (op >= outEnd) {
      outFull = true;
      break;
    }
    if (c < 48) {
      if (p + 8 <= end) {
        b |= load<u64>(p) << c;
        p += (63 - c) >>> 3;
        c |= 56;
      } else {
        while (c <= 56) {
          b |= (p < end ? <u64>load<u8>(p) : 0) << c;
          p++;
          c += 8;
        }
        if (p > end + 8) {
          err = E_TRUNCATED;
          break;
        }
      }
    }
    let e = load<u32>(lit + ((<usize>(b & ((1 << LIT_ROOT) - 1))) << 2));
    let t = (e >>> 4) & 7;
    if (t == T_SUB) {
      const sb = (e >>> 8) & 31;
      e = load<u32>(lit + ((<usize>(e >>> 16) + <usize>((b >> LIT_ROOT) & (((<u64>1) << sb) - 1))) << 2));
      t = (e >>> 4) & 7;
    }
    const n = e & 15;
    b >>= n;
    c -= n;
    if (t == T_LIT) {
      store<u8>(op, <u8>(e >>> 16));
      op++;
      // Literals dominate noisy images: at least 33 bits remain after one, so a second literal
      // needs no refill (a primary-table hit of at most 10 bits).
      if (op < outEnd) {
        const e2 = load<u32>(lit + ((<usize>(b & ((1 << LIT_ROOT) - 1))) << 2));
        if (((e2 >>> 4) & 7) == T_LIT) {
          const n2 = e2 & 15;
          b >>= n2;
          c -= n2;
          store<u8>(op, <u8>(e2 >>> 16));
          op++;
        }
      }
      continue;
    }
    if (t == T_LEN) {
      const lx = (e >>> 8) & 31;
      let len = <usize>((e >>> 16) + <u32>(b & (((<u64>1) << lx) - 1)));
      b >>= lx;
      c -= lx;
      let d = load<u32>(dist + ((<usize>(b & ((1 << DIST_ROOT) - 1))) << 2));
      let dt = (d >>> 4) & 7;
      if (dt == T_SUB) {
        const sb = (d >>> 8) & 31;
        d = load<u32>(dist + ((<usize>(d >>> 16) + <usize>((b >> DIST_ROOT) & (((<u64>1) << sb) - 1))) << 2));
        dt = (d >>> 4) & 7;
      }
      if (dt != T_DIST) {
        err = E_SYMBOL;
        break;
      }
      const dn = d & 15;
      b >>= dn;
      c -= dn;
      const dx = (d >>> 8) & 31;
      const dd = <usize>((d >>> 16) + <u32>(b & (((<u64>1) << dx) - 1)));
      b >>= dx;
      c -= dx;
      if (dd > op - outStart) {
        err = E_DISTANCE;
        break;
      }
      if (len > outEnd - op) len = outEnd - op;
      let src = op - dd;
      if (dd >= 16) {
        // Chunked copy: every chunk reads bytes that are already final (distance >= chunk size).
        // May write up to 15 bytes past op + len; callers leave 16 bytes of slack.
        let dst = op;
        const stop = op + len;
        do {
          v128.store(dst, v128.load(src));
          src += 16;
          dst += 16;
        } while (dst < stop);
      } else if (dd >= 8) {
        let dst = op;
        const stop = op + len;
        do {
          store<u64>(dst, load<u64>(src));
          src += 8;
          dst += 8;
        } while (dst < stop);
      } else if (dd == 1) {
        memory.fill(op, load<u8>(src), len);
      } else {
        for (let k: usize = 0; k < len; k++) store<u8>(op + k, load<u8>(src + k));
      }
      op += len;
      continue;
    }
    if (t == T_EOB) break;
    err = E_SYMBOL;
    break;
  }
  bitBuf = b;
  bitCnt = c;
  inp = p;
  outPos = op;
  return err;
}

/**
 * Inflates `srcLen` bytes at `src` into at most `dstCap` bytes at `dst` (which must have 16 bytes of
 * writable slack after dstCap). `zlib` != 0 expects and checks a zlib header. Stops when the final
 * block ends or the output is full. Returns the number of bytes written, or a negative error code.
 */
export function inflateInto(src: usize, srcLen: usize, dst: usize, dstCap: usize, zlib: bool): isize {
  ensureTables();
  inp = src;
  inEnd = src + srcLen;
  bitBuf = 0;
  bitCnt = 0;
  outPos = dst;
  outFull = false;
  const outEnd = dst + dstCap;
  if (zlib) {
    if (srcLen < 2) return E_TRUNCATED;
    const cmf = <u32>load<u8>(src);
    const flg = <u32>load<u8>(src + 1);
    if ((cmf & 15) != 8 || cmf >>> 4 > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0) {
      return E_ZLIB_HEADER;
    }
    inp = src + 2;
  }
  while (true) {
    if (outPos >= outEnd) break;
    const fin = bits(1);
    const type = bits(2);
    if (overran()) return E_TRUNCATED;
    if (type == 0) {
      // Stored: skip to a byte boundary, then LEN, NLEN and raw bytes.
      const drop = bitCnt & 7;
      bitBuf >>= drop;
      bitCnt -= drop;
      const len = bits(16);
      const nlen = bits(16);
      if (overran()) return E_TRUNCATED;
      if (len != (~nlen & 0xffff)) return E_STORED_LEN;
      const pos = inp - <usize>(bitCnt >>> 3);
      bitBuf = 0;
      bitCnt = 0;
      inp = pos;
      let n = <usize>len;
      if (n > outEnd - outPos) n = outEnd - outPos;
      if (n > inEnd - pos) return E_TRUNCATED;
      memory.copy(outPos, pos, n);
      outPos += n;
      inp = pos + <usize>len;
    } else if (type == 1) {
      const r = decodeBlock(fixedLit, fixedDist, dst, outEnd);
      if (r < 0) return r;
    } else if (type == 2) {
      const h = readDynamic();
      if (h < 0) return h;
      const r = decodeBlock(litTable, distTable, dst, outEnd);
      if (r < 0) return r;
    } else {
      return E_BLOCK_TYPE;
    }
    if (outFull || outPos >= outEnd) break;
    if (overran()) return E_TRUNCATED;
    if (fin) break;
  }
  return <isize>(outPos - dst);
}

/** Kernel: inflate a zlib (zlib != 0) or raw deflate stream. See inflateInto. */
export function tiffInflate(src: usize, srcLen: usize, dst: usize, dstCap: usize, zlib: i32): isize {
  return inflateInto(src, srcLen, dst, dstCap, zlib != 0);
}
