// Exact layout kernels for the tfjs 'wasm' backend: strided row copies (Concat and SplitV along
// any axis are `outer` runs of bytes at fixed steps) and the max-pool gradient. Both are exact, so
// results are bit-identical to the plain-TS versions in src/backend/reference/layout.ts.

import { NN_BAD_ARGS } from './errors';

/** Whether [ptr, ptr+bytes) lies inside linear memory (u64 arithmetic, so no wrap-around). */
function inMemory(ptr: usize, bytes: u64): bool {
  return <u64>ptr + bytes <= (<u64>memory.size()) << 16;
}

/**
 * Copies `outer` runs of `n` bytes: run o goes from src + o·sStep to dst + o·dStep. Short runs are
 * moved with v128 loads/stores (a bulk memory.copy per run costs more), long runs with memory.copy.
 * Source and destination must not overlap. Returns 0 or NN_BAD_ARGS.
 */
export function nnCopyRuns(dst: usize, dStep: i32, src: usize, sStep: i32, outer: i32, n: i32): i32 {
  if (outer < 0 || n < 0 || dStep < n || sStep < n) return NN_BAD_ARGS;
  if (outer == 0 || n == 0) return 0;
  if (dst == 0 || src == 0) return NN_BAD_ARGS;
  const dBytes = <u64>(outer - 1) * <u64>dStep + <u64>n;
  const sBytes = <u64>(outer - 1) * <u64>sStep + <u64>n;
  if (!inMemory(dst, dBytes) || !inMemory(src, sBytes)) return NN_BAD_ARGS;
  if (<u64>dst < <u64>src + sBytes && <u64>src < <u64>dst + dBytes) return NN_BAD_ARGS;
  const ds = <usize>dStep;
  const ss = <usize>sStep;
  const len = <usize>n;
  if (len >= 256) {
    for (let o = 0; o < outer; o++) memory.copy(dst + <usize>o * ds, src + <usize>o * ss, len);
    return 0;
  }
  const n16 = len & ~15;
  for (let o = 0; o < outer; o++) {
    const d = dst + <usize>o * ds;
    const s = src + <usize>o * ss;
    let i: usize = 0;
    for (; i < n16; i += 16) v128.store(d + i, v128.load(s + i));
    for (; i + 4 <= len; i += 4) store<u32>(d + i, load<u32>(s + i));
    for (; i < len; i++) store<u8>(d + i, load<u8>(s + i));
  }
  return 0;
}

/**
 * Max-pool gradient, NHWC float32: dx is zeroed, then for every output position (b, oy, ox) and
 * channel c, dy[b,oy,ox,c] is added to dx at the first maximum of the window in row-major window
 * order (as tfjs's 'cpu' backend resolves ties). Windows are rows oy·sh−pt … +fh and columns
 * ox·sw−pl … +fw clipped to the input. A NaN in the first window slot wins (the comparison is
 * `v > best`, taken unconditionally for the first slot), exactly as the plain-TS version.
 * Returns 0 or NN_BAD_ARGS.
 */
export function nnMaxPoolGrad(
  x: usize,
  dy: usize,
  dx: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  oh: i32,
  ow: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  pt: i32,
  pl: i32,
): i32 {
  if (batch < 0 || h < 0 || w < 0 || c < 1 || oh < 0 || ow < 0) return NN_BAD_ARGS;
  if (fh < 1 || fw < 1 || sh < 1 || sw < 1 || pt < 0 || pl < 0) return NN_BAD_ARGS;
  if (fh > 0x3fff_ffff || fw > 0x3fff_ffff) return NN_BAD_ARGS;
  if (x == 0 || dy == 0 || dx == 0 || ((x | dy | dx) & 3) != 0) return NN_BAD_ARGS;
  const xCount = <u64>batch * <u64>h * <u64>w * <u64>c;
  const yCount = <u64>batch * <u64>oh * <u64>ow * <u64>c;
  // Element indices are i32 below.
  if (xCount > 0x1fff_ffff || yCount > 0x1fff_ffff) return NN_BAD_ARGS;
  if (<u64>oh * <u64>sh > 0x3fff_ffff || <u64>ow * <u64>sw > 0x3fff_ffff) return NN_BAD_ARGS;
  if (!inMemory(x, xCount << 2) || !inMemory(dy, yCount << 2) || !inMemory(dx, xCount << 2))
    return NN_BAD_ARGS;
  if (<u64>dx < <u64>x + (xCount << 2) && <u64>x < <u64>dx + (xCount << 2)) return NN_BAD_ARGS;
  if (<u64>dx < <u64>dy + (yCount << 2) && <u64>dy < <u64>dx + (xCount << 2)) return NN_BAD_ARGS;
  memory.fill(dx, 0, <usize>(xCount << 2));
  const c4 = c & ~3;
  const ninf = f32x4.splat(-Infinity);
  const none = i32x4.splat(-1);
  const step = i32x4(0, 1, 2, 3);
  const zero = f32x4.splat(0);
  // 2×2 windows that do not overlap (the U-Net's pooling): full windows compare their four
  // pixels directly and store each dy element with whole-vector masks, no per-lane scatter.
  const disjoint2x2 = fh == 2 && fw == 2 && sh >= 2 && sw >= 2;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - pt;
      const ya = max(0, y0);
      const yb = min(h, y0 + fh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pl;
        const xa = max(0, x0);
        const xb = min(w, x0 + fw);
        const q = ((b * oh + oy) * ow + ox) * c;
        let k0 = 0;
        if (disjoint2x2 && yb - ya == 2 && xb - xa == 2) {
          const a00 = x + ((<usize>(((b * h + ya) * w + xa) * c)) << 2);
          const a01 = a00 + ((<usize>c) << 2);
          const a10 = a00 + ((<usize>(w * c)) << 2);
          const a11 = a10 + ((<usize>c) << 2);
          const d00 = dx + (a00 - x);
          const d01 = dx + (a01 - x);
          const d10 = dx + (a10 - x);
          const d11 = dx + (a11 - x);
          const gq = dy + ((<usize>q) << 2);
          for (; k0 < c4; k0 += 4) {
            const o = (<usize>k0) << 2;
            // The first slot is taken unconditionally; later ones only if strictly greater.
            const v00 = v128.load(a00 + o);
            const v01 = v128.load(a01 + o);
            const m1 = f32x4.gt(v01, v00);
            let best = v128.bitselect(v01, v00, m1);
            const v10 = v128.load(a10 + o);
            const m2 = f32x4.gt(v10, best);
            best = v128.bitselect(v10, best, m2);
            const m3 = f32x4.gt(v128.load(a11 + o), best);
            const later = v128.or(m2, m3);
            // 0 + g as the scatter form computes it (turns −0 into +0).
            const g = f32x4.add(zero, v128.load(gq + o));
            v128.store(d00 + o, v128.andnot(g, v128.or(m1, later)));
            v128.store(d01 + o, v128.and(g, v128.andnot(m1, later)));
            v128.store(d10 + o, v128.and(g, v128.andnot(m2, m3)));
            v128.store(d11 + o, v128.and(g, m3));
          }
        }
        for (let k = k0; k < c4; k += 4) {
          let best = ninf;
          let pos = none;
          for (let y = ya; y < yb; y++) {
            for (let xx = xa; xx < xb; xx++) {
              const p = ((b * h + y) * w + xx) * c + k;
              const v = v128.load(x + ((<usize>p) << 2));
              const take = v128.or(f32x4.gt(v, best), i32x4.eq(pos, none));
              best = v128.bitselect(v, best, take);
              pos = v128.bitselect(i32x4.add(i32x4.splat(p), step), pos, take);
            }
          }
          const g = v128.load(dy + ((<usize>(q + k)) << 2));
          scatter(dx, i32x4.extract_lane(pos, 0), f32x4.extract_lane(g, 0));
          scatter(dx, i32x4.extract_lane(pos, 1), f32x4.extract_lane(g, 1));
          scatter(dx, i32x4.extract_lane(pos, 2), f32x4.extract_lane(g, 2));
          scatter(dx, i32x4.extract_lane(pos, 3), f32x4.extract_lane(g, 3));
        }
        for (let k = c4; k < c; k++) {
          let best: f32 = -Infinity;
          let pos: i32 = -1;
          for (let y = ya; y < yb; y++) {
            for (let xx = xa; xx < xb; xx++) {
              const p = ((b * h + y) * w + xx) * c + k;
              const v = load<f32>(x + ((<usize>p) << 2));
              if (v > best || pos == -1) {
                best = v;
                pos = p;
              }
            }
          }
          scatter(dx, pos, load<f32>(dy + ((<usize>(q + k)) << 2)));
        }
      }
    }
  }
  return 0;
}

function scatter(dx: usize, pos: i32, g: f32): void {
  if (pos >= 0) {
    const a = dx + ((<usize>pos) << 2);
    store<f32>(a, load<f32>(a) + g);
  }
}
