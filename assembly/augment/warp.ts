// warp: out(x, y) = src(A (X - c) + c + t + d(x, y)), with X = (x + offX, y + offY) the output
// pixel in source coordinates, c = ((w-1)/2, (h-1)/2) the source centre, A/t a 2x3 affine and d an
// optional displacement field over the output. Bilinear ('linear') or nearest sampling,
// half-sample-symmetric ('reflect') or constant borders. Four output pixels per step: the
// coordinates and the interpolation are f32x4, the taps are gathered lane by lane.
// Every operation is a single IEEE f32 operation in a fixed order, so the plain-TS reference
// (src/augment/reference/warp.ts, with Math.fround) reproduces the result bit for bit.
import { E_ARGS, E_MEMORY, inMemory, validSize, reflectIndex } from './util';

/** Coordinates are clamped to +-BIG before flooring so every index fits an i32 (NaN -> BIG). */
const BIG: f32 = 4194304.0;

/**
 * Vector constants, loaded from memory once per call: V8 rebuilds a v128.const in every loop
 * iteration, but keeps a loaded value in a register. Layout: lanes 0..3 as i32; BIG; 0.5;
 * 1.5 * 2^23 and its bit pattern (see toIndex).
 */
const CONSTS: usize = memory.data<i32>([0, 1, 2, 3, 0x4a800000, 0x3f000000, 0x4b400000, 0x4b400000], 16);

/**
 * The loops' vector constants, splatted once per call into this table and loaded from it: V8 keeps
 * a loaded v128 in a register (or reloads it from the stack), where it re-splats a scalar or
 * rebuilds a v128.const in every loop iteration.
 */
const WARP: usize = memory.data(272, 16);
const K_A = 0;
const K_C = 16;
const K_CX = 32;
const K_LANE = 48;
const K_BIG = 64;
const K_HALF = 80;
const K_ONE = 96;
const K_MAGIC = 112;
const K_FOUR = 128;
const K_W = 144;
const K_WF = 160;
const K_HF = 176;
const K_WM1 = 192;
const K_HM1 = 208;
const K_ZERO = 224;
const K_ROWX = 240;
const K_ROWY = 256;

/** Fills WARP for a w x h source and the affine `par`. */
function warpConstants(par: usize, w: i32, h: i32): void {
  v128.store(WARP, f32x4.splat(load<f32>(par, 0)), K_A);
  v128.store(WARP, f32x4.splat(load<f32>(par, 12)), K_C);
  v128.store(WARP, f32x4.splat(<f32>(w - 1) * 0.5), K_CX);
  v128.store(WARP, v128.load(CONSTS), K_LANE);
  v128.store(WARP, f32x4.splat(load<f32>(CONSTS, 16)), K_BIG);
  const half = f32x4.splat(load<f32>(CONSTS, 20));
  v128.store(WARP, half, K_HALF);
  v128.store(WARP, f32x4.add(half, half), K_ONE);
  v128.store(WARP, f32x4.splat(load<f32>(CONSTS, 24)), K_MAGIC);
  v128.store(
    WARP,
    f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(load<i32>(CONSTS, 12)), i32x4.splat(1))),
    K_FOUR,
  );
  v128.store(WARP, i32x4.splat(w), K_W);
  v128.store(WARP, f32x4.splat(<f32>w), K_WF);
  v128.store(WARP, f32x4.splat(<f32>h), K_HF);
  v128.store(WARP, f32x4.splat(<f32>(w - 1)), K_WM1);
  v128.store(WARP, f32x4.splat(<f32>(h - 1)), K_HM1);
  v128.store(WARP, f32x4.splat(0), K_ZERO);
}

/** The per-4-pixel steps, inlined into the loops (decorated static methods: prettier-safe). */
abstract class Lanes {
  /** s clamped to [-BIG, BIG], NaN -> BIG (f32x4.pmin(BIG, s) then pmax(-BIG, .)). */
  @inline static clamp(s: v128, big: v128): v128 {
    return f32x4.pmax(f32x4.neg(big), f32x4.pmin(big, s));
  }

  /**
   * i32 of an integer-valued f32x4 with |v| <= 2^22 (every floored, clamped coordinate): adding
   * 1.5 * 2^23 puts the integer in the low mantissa bits exactly, so two cheap ops replace
   * trunc_sat's long NaN/overflow-safe sequence.
   */
  @inline static toIndex(v: v128, magic: v128, magicBits: v128): v128 {
    return i32x4.sub(f32x4.add(v, magic), magicBits);
  }

  /**
   * i in [-n, 2n) reflected into [0, n) (half-sample symmetric, as reflectIndex); with `zero`
   * (constant borders) lanes outside [0, n) become 0 instead, and the caller masks them.
   */
  @inline static reflect1(i: v128, n: v128, zero: bool): v128 {
    const neg = i32x4.lt_s(i, i32x4.splat(0));
    const over = i32x4.ge_s(i, n);
    if (zero) return v128.andnot(i, v128.or(neg, over));
    const m = v128.bitselect(i32x4.sub(i32x4.splat(-1), i), i, neg);
    return v128.bitselect(i32x4.sub(i32x4.sub(i32x4.shl(n, 1), i32x4.splat(1)), i), m, over);
  }

  /** Lanes of i32x4 i with lo <= i < hi, as a mask. */
  @inline static within(i: v128, lo: v128, hi: v128): v128 {
    return v128.and(i32x4.ge_s(i, lo), i32x4.lt_s(i, hi));
  }

  /** Lanes whose taps x..x1, y..y1 all lie within one reflection of a w x h image ([-n, 2n)). */
  @inline static near(x: v128, x1: v128, y: v128, y1: v128, wv: v128, hv: v128): v128 {
    return v128.and(
      v128.and(i32x4.ge_s(x, i32x4.neg(wv)), i32x4.lt_s(x1, i32x4.shl(wv, 1))),
      v128.and(i32x4.ge_s(y, i32x4.neg(hv)), i32x4.lt_s(y1, i32x4.shl(hv, 1))),
    );
  }

  /** The 4 source values at element offsets `off` (i32x4): f32x4, or i32x4 of bytes for u8. */
  @inline static gatherRaw<T>(src: usize, off: v128): v128 {
    const q0 = src + ((<usize>i32x4.extract_lane(off, 0)) << alignof<T>());
    const q1 = src + ((<usize>i32x4.extract_lane(off, 1)) << alignof<T>());
    const q2 = src + ((<usize>i32x4.extract_lane(off, 2)) << alignof<T>());
    const q3 = src + ((<usize>i32x4.extract_lane(off, 3)) << alignof<T>());
    let r = i32x4.splat(0);
    if (isFloat<T>()) {
      r = v128.load32_lane(q0, r, 0);
      r = v128.load32_lane(q1, r, 1);
      r = v128.load32_lane(q2, r, 2);
      return v128.load32_lane(q3, r, 3);
    }
    r = v128.load8_lane(q0, r, 0);
    r = v128.load8_lane(q1, r, 4);
    r = v128.load8_lane(q2, r, 8);
    return v128.load8_lane(q3, r, 12);
  }

  /** The 4 source values at element offsets `off` (i32x4), as f32x4. */
  @inline static gather<T>(src: usize, off: v128): v128 {
    const r = Lanes.gatherRaw<T>(src, off);
    return isFloat<T>() ? r : f32x4.convert_i32x4_u(r);
  }

  /** Element offsets iy * w + ix of floored, in-range coordinates (i32x4). */
  @inline static offsets(flx: v128, fly: v128, wv: v128, magic: v128, magicBits: v128): v128 {
    const ix = Lanes.toIndex(flx, magic, magicBits);
    const iy = Lanes.toIndex(fly, magic, magicBits);
    return i32x4.add(i32x4.mul(iy, wv), ix);
  }

  /** Field values of `count` (1..4) output pixels at p; lanes past count are 0. */
  @inline static fieldLoad(p: usize, count: i32): v128 {
    if (count == 4) return v128.load(p);
    let f = v128.load32_lane(p, f32x4.splat(0), 0);
    if (count > 1) f = v128.load32_lane(p, f, 1, 4);
    if (count > 2) f = v128.load32_lane(p, f, 2, 8);
    return f;
  }

  /**
   * Element offsets of the nearest pixels, from the bilinear top-left offsets `off` and the fractions:
   * one column on where fx >= 0.5, one row (w) down where fy >= 0.5 (roundHalfUp). A true lane of
   * f32x4.ge is -1: subtracting it adds one.
   */
  @inline static nearestTap(off: v128, fx: v128, fy: v128, half: v128, wv: v128): v128 {
    return i32x4.add(i32x4.sub(off, f32x4.ge(fx, half)), v128.and(f32x4.ge(fy, half), wv));
  }

  /** Bilinear blend of the four taps, in the reference's f32 operation order. */
  @inline static blend(p00: v128, p01: v128, p10: v128, p11: v128, fx: v128, fy: v128): v128 {
    const top = f32x4.add(p00, f32x4.mul(fx, f32x4.sub(p01, p00)));
    const bot = f32x4.add(p10, f32x4.mul(fx, f32x4.sub(p11, p10)));
    return f32x4.add(top, f32x4.mul(fy, f32x4.sub(bot, top)));
  }

  /**
   * Bilinear samples whose four taps all lie inside the image: `off` holds the element offsets of
   * the top-left taps, fx and fy the fractions.
   */
  @inline static bilinearInside<T>(src: usize, w: i32, off: v128, fx: v128, fy: v128): v128 {
    let p00 = f32x4.splat(0);
    let p01 = p00;
    let p10 = p00;
    let p11 = p00;
    const row = (<usize>w) << alignof<T>();
    const q0 = src + ((<usize>i32x4.extract_lane(off, 0)) << alignof<T>());
    const q1 = src + ((<usize>i32x4.extract_lane(off, 1)) << alignof<T>());
    const q2 = src + ((<usize>i32x4.extract_lane(off, 2)) << alignof<T>());
    const q3 = src + ((<usize>i32x4.extract_lane(off, 3)) << alignof<T>());
    if (isFloat<T>()) {
      // (p00, p01) and (p10, p11) are adjacent: one 64-bit load per lane and row, then unzip.
      let t01 = v128.load64_lane(q0, p00, 0);
      t01 = v128.load64_lane(q1, t01, 1);
      let t23 = v128.load64_lane(q2, p00, 0);
      t23 = v128.load64_lane(q3, t23, 1);
      let b01 = v128.load64_lane(q0 + row, p00, 0);
      b01 = v128.load64_lane(q1 + row, b01, 1);
      let b23 = v128.load64_lane(q2 + row, p00, 0);
      b23 = v128.load64_lane(q3 + row, b23, 1);
      p00 = v128.shuffle<f32>(t01, t23, 0, 2, 4, 6);
      p01 = v128.shuffle<f32>(t01, t23, 1, 3, 5, 7);
      p10 = v128.shuffle<f32>(b01, b23, 0, 2, 4, 6);
      p11 = v128.shuffle<f32>(b01, b23, 1, 3, 5, 7);
    } else {
      // Bytes into the low byte of each i32 lane, then to f32.
      p00 = v128.load8_lane(q0, p00, 0);
      p00 = v128.load8_lane(q1, p00, 4);
      p00 = v128.load8_lane(q2, p00, 8);
      p00 = v128.load8_lane(q3, p00, 12);
      p01 = v128.load8_lane(q0, p01, 0, 1);
      p01 = v128.load8_lane(q1, p01, 4, 1);
      p01 = v128.load8_lane(q2, p01, 8, 1);
      p01 = v128.load8_lane(q3, p01, 12, 1);
      p10 = v128.load8_lane(q0 + row, p10, 0);
      p10 = v128.load8_lane(q1 + row, p10, 4);
      p10 = v128.load8_lane(q2 + row, p10, 8);
      p10 = v128.load8_lane(q3 + row, p10, 12);
      p11 = v128.load8_lane(q0 + row, p11, 0, 1);
      p11 = v128.load8_lane(q1 + row, p11, 4, 1);
      p11 = v128.load8_lane(q2 + row, p11, 8, 1);
      p11 = v128.load8_lane(q3 + row, p11, 12, 1);
      p00 = f32x4.convert_i32x4_u(p00);
      p01 = f32x4.convert_i32x4_u(p01);
      p10 = f32x4.convert_i32x4_u(p10);
      p11 = f32x4.convert_i32x4_u(p11);
    }
    return Lanes.blend(p00, p01, p10, p11, fx, fy);
  }

  /** Bilinear samples at (sx, sy), f32x4. */
  @inline static sampleLinear<T>(
    src: usize,
    w: i32,
    h: i32,
    sx: v128,
    sy: v128,
    constant: bool,
    cval: f32,
    wv: v128,
    wm1: v128,
    hm1: v128,
    big: v128,
    magic: v128,
    magicBits: v128,
  ): v128 {
    // sx, sy are not clamped yet: lanes that pass the bounds test are within +-BIG anyway
    // (NaN fails it), so only the border path clamps, and the result is the same.
    let flx = f32x4.floor(sx);
    let fly = f32x4.floor(sy);
    let p00 = f32x4.splat(0);
    let p01 = p00;
    let p10 = p00;
    let p11 = p00;
    // Compared as floats (exact: integers below 2^24), one instruction each.
    const inside = v128.and(
      v128.and(f32x4.ge(flx, p00), f32x4.lt(flx, wm1)),
      v128.and(f32x4.ge(fly, p00), f32x4.lt(fly, hm1)),
    );
    if (i32x4.all_true(inside)) {
      const off = Lanes.offsets(flx, fly, wv, magic, magicBits);
      return Lanes.bilinearInside<T>(src, w, off, f32x4.sub(sx, flx), f32x4.sub(sy, fly));
    } else {
      sx = Lanes.clamp(sx, big);
      sy = Lanes.clamp(sy, big);
      flx = f32x4.floor(sx);
      fly = f32x4.floor(sy);
      const ix = Lanes.toIndex(flx, magic, magicBits);
      const iy = Lanes.toIndex(fly, magic, magicBits);
      const one = i32x4.splat(1);
      const ix1 = i32x4.add(ix, one);
      const iy1 = i32x4.add(iy, one);
      const hv = i32x4.splat(h);
      // Every tap within one reflection of the image ([-n, 2n)): reflect and gather in vectors
      // (most border groups of a rotation); farther lanes take the scalar path.
      if (i32x4.all_true(Lanes.near(ix, ix1, iy, iy1, wv, hv))) {
        const rx0 = Lanes.reflect1(ix, wv, constant);
        const rx1 = Lanes.reflect1(ix1, wv, constant);
        const ry0 = Lanes.reflect1(iy, hv, constant);
        const ry1 = Lanes.reflect1(iy1, hv, constant);
        const r0 = i32x4.mul(ry0, wv);
        const r1 = i32x4.mul(ry1, wv);
        p00 = Lanes.gather<T>(src, i32x4.add(r0, rx0));
        p01 = Lanes.gather<T>(src, i32x4.add(r0, rx1));
        p10 = Lanes.gather<T>(src, i32x4.add(r1, rx0));
        p11 = Lanes.gather<T>(src, i32x4.add(r1, rx1));
        if (constant) {
          // Taps outside the image read index 0 above; replace them by the constant.
          const cv = f32x4.splat(cval);
          const zero = i32x4.splat(0);
          const inX0 = Lanes.within(ix, zero, wv);
          const inX1 = Lanes.within(ix1, zero, wv);
          const inY0 = Lanes.within(iy, zero, hv);
          const inY1 = Lanes.within(iy1, zero, hv);
          p00 = v128.bitselect(p00, cv, v128.and(inY0, inX0));
          p01 = v128.bitselect(p01, cv, v128.and(inY0, inX1));
          p10 = v128.bitselect(p10, cv, v128.and(inY1, inX0));
          p11 = v128.bitselect(p11, cv, v128.and(inY1, inX1));
        }
      } else {
        slowLinear<T>(src, w, h, ix, iy, constant, cval);
        p00 = v128.load(SLOW);
        p01 = v128.load(SLOW, 16);
        p10 = v128.load(SLOW, 32);
        p11 = v128.load(SLOW, 48);
      }
    }
    return Lanes.blend(p00, p01, p10, p11, f32x4.sub(sx, flx), f32x4.sub(sy, fly));
  }

  /**
   * The nearest integer to s, halves up, exactly: floor(s) + (s - floor(s) >= 0.5). The fraction
   * is exact in f32, whereas floor(s + 0.5) rounds the sum first (s = 0.5 - 2^-25 would give 1).
   * So the nearest pixel is always one of the four bilinear taps (see augWarpPair).
   */
  @inline static roundHalfUp(s: v128, half: v128, one: v128): v128 {
    const fl = f32x4.floor(s);
    return f32x4.add(fl, v128.and(f32x4.ge(f32x4.sub(s, fl), half), one));
  }

  /** Nearest samples at (sx, sy): f32x4 for f32 sources, i32x4 of bytes for u8 sources. */
  @inline static sampleNearest<T>(
    src: usize,
    w: i32,
    h: i32,
    sx: v128,
    sy: v128,
    constant: bool,
    cval: f32,
    wv: v128,
    wf: v128,
    hf: v128,
    half: v128,
    one: v128,
    big: v128,
    magic: v128,
    magicBits: v128,
  ): v128 {
    // Unclamped, as in sampleLinear: only the border path needs the clamp.
    let rx = Lanes.roundHalfUp(sx, half, one);
    let ry = Lanes.roundHalfUp(sy, half, one);
    let r = i32x4.splat(0);
    const inside = v128.and(
      v128.and(f32x4.ge(rx, r), f32x4.lt(rx, wf)),
      v128.and(f32x4.ge(ry, r), f32x4.lt(ry, hf)),
    );
    if (i32x4.all_true(inside)) {
      const ix = Lanes.toIndex(rx, magic, magicBits);
      const iy = Lanes.toIndex(ry, magic, magicBits);
      const off = i32x4.add(i32x4.mul(iy, wv), ix);
      const q0 = src + ((<usize>i32x4.extract_lane(off, 0)) << alignof<T>());
      const q1 = src + ((<usize>i32x4.extract_lane(off, 1)) << alignof<T>());
      const q2 = src + ((<usize>i32x4.extract_lane(off, 2)) << alignof<T>());
      const q3 = src + ((<usize>i32x4.extract_lane(off, 3)) << alignof<T>());
      if (isFloat<T>()) {
        r = v128.load32_lane(q0, r, 0);
        r = v128.load32_lane(q1, r, 1);
        r = v128.load32_lane(q2, r, 2);
        r = v128.load32_lane(q3, r, 3);
      } else {
        r = v128.load8_lane(q0, r, 0);
        r = v128.load8_lane(q1, r, 4);
        r = v128.load8_lane(q2, r, 8);
        r = v128.load8_lane(q3, r, 12);
      }
      return r;
    }
    // Slow path: the constant of a u8 image is already an integer in [0, 255].
    rx = Lanes.roundHalfUp(Lanes.clamp(sx, big), half, one);
    ry = Lanes.roundHalfUp(Lanes.clamp(sy, big), half, one);
    const ix = Lanes.toIndex(rx, magic, magicBits);
    const iy = Lanes.toIndex(ry, magic, magicBits);
    const hv = i32x4.splat(h);
    if (i32x4.all_true(Lanes.near(ix, ix, iy, iy, wv, hv))) {
      // As in sampleLinear: one reflection at most, reflected and gathered in vectors.
      const off = i32x4.add(
        i32x4.mul(Lanes.reflect1(iy, hv, constant), wv),
        Lanes.reflect1(ix, wv, constant),
      );
      let g = Lanes.gatherRaw<T>(src, off);
      if (constant) {
        // `inside` (the fast path's test, before the clamp) marks the same lanes: clamping
        // keeps an outside coordinate outside.
        const cv = isFloat<T>() ? f32x4.splat(cval) : i32x4.splat(<i32>cval);
        g = v128.bitselect(g, cv, inside);
      }
      return g;
    }
    const v0 = tap<T>(src, w, h, i32x4.extract_lane(ix, 0), i32x4.extract_lane(iy, 0), constant, cval);
    const v1 = tap<T>(src, w, h, i32x4.extract_lane(ix, 1), i32x4.extract_lane(iy, 1), constant, cval);
    const v2 = tap<T>(src, w, h, i32x4.extract_lane(ix, 2), i32x4.extract_lane(iy, 2), constant, cval);
    const v3 = tap<T>(src, w, h, i32x4.extract_lane(ix, 3), i32x4.extract_lane(iy, 3), constant, cval);
    r = f32x4.replace_lane(r, 0, v0);
    r = f32x4.replace_lane(r, 1, v1);
    r = f32x4.replace_lane(r, 2, v2);
    r = f32x4.replace_lane(r, 3, v3);
    return isFloat<T>() ? r : i32x4.trunc_sat_f32x4_s(r);
  }

  /** Stores `count` (1..4) results at dst: f32 as is; u8 from i32x4 lanes. */
  @inline static storeOut<T>(dst: usize, v: v128, count: i32): void {
    if (isFloat<T>()) {
      if (count == 4) {
        v128.store(dst, v);
        return;
      }
      store<f32>(dst, f32x4.extract_lane(v, 0));
      if (count > 1) store<f32>(dst, f32x4.extract_lane(v, 1), 4);
      if (count > 2) store<f32>(dst, f32x4.extract_lane(v, 2), 8);
    } else {
      if (count == 4) {
        const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(v, v), v);
        v128.store32_lane(dst, b, 0);
        return;
      }
      store<u8>(dst, <u8>i32x4.extract_lane(v, 0));
      if (count > 1) store<u8>(dst, <u8>i32x4.extract_lane(v, 1), 1);
      if (count > 2) store<u8>(dst, <u8>i32x4.extract_lane(v, 2), 2);
    }
  }

  /** Rounds linear results for a u8 output: floor(v + 0.5) clamped to [0, 255], as i32x4. */
  @inline static roundU8(v: v128): v128 {
    const r = f32x4.floor(f32x4.add(v, f32x4.splat(0.5)));
    const c = f32x4.pmax(f32x4.splat(0), f32x4.pmin(f32x4.splat(255), r));
    return i32x4.trunc_sat_f32x4_s(c);
  }
}

/** One tap: the pixel at (ix, iy) under the border rule, as f32. */
function tap<T>(src: usize, w: i32, h: i32, ix: i32, iy: i32, constant: bool, cval: f32): f32 {
  if (ix < 0 || ix >= w || iy < 0 || iy >= h) {
    if (constant) return cval;
    ix = reflectIndex(ix, w);
    iy = reflectIndex(iy, h);
  }
  return <f32>load<T>(src + ((<usize>iy * <usize>w + <usize>ix) << alignof<T>()));
}

/** Static scratch of the border path: 4 tap vectors, then the 8 lane indices. */
const SLOW: usize = memory.data(96, 16);

/**
 * Border path of sampleLinear, kept out of line so the fast path stays small: the four taps of
 * every lane under the border rule, written to SLOW as p00, p01, p10, p11 (f32x4 each).
 */
function slowLinear<T>(src: usize, w: i32, h: i32, ix: v128, iy: v128, constant: bool, cval: f32): void {
  v128.store(SLOW, ix, 64);
  v128.store(SLOW, iy, 80);
  for (let l = 0; l < 4; l++) {
    const o = (<usize>l) << 2;
    const x0 = load<i32>(SLOW + o, 64);
    const y0 = load<i32>(SLOW + o, 80);
    store<f32>(SLOW + o, tap<T>(src, w, h, x0, y0, constant, cval));
    store<f32>(SLOW + o, tap<T>(src, w, h, x0 + 1, y0, constant, cval), 16);
    store<f32>(SLOW + o, tap<T>(src, w, h, x0, y0 + 1, constant, cval), 32);
    store<f32>(SLOW + o, tap<T>(src, w, h, x0 + 1, y0 + 1, constant, cval), 48);
  }
}

/** End (exclusive) of the stretch insideStretch found; its start is the return value. */
let stretchEnd: i32 = 0;
/** |dx| and |dy| bounds of one row (fieldReach), as f32 bit patterns. */
let reachX: u32 = 0;
let reachY: u32 = 0;
/** Clears an f32x4's sign bits. */
const ABS_MASK: usize = memory.data<i32>([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff], 16);

/** The largest of an i32x4's lanes, unsigned. */
function maxLaneU(v: v128): u32 {
  return max<u32>(
    max<u32>(i32x4.extract_lane(v, 0), i32x4.extract_lane(v, 1)),
    max<u32>(i32x4.extract_lane(v, 2), i32x4.extract_lane(v, 3)),
  );
}

/**
 * The largest |dx| and |dy| over n floats at dx and dy, as bit patterns in reachX and reachY. With
 * the sign cleared, the unsigned order of the bits is the float order and infinities and NaNs sort
 * above every finite value, so one and + one max_u per vector replace min, max and a NaN test.
 */
function fieldReach(dx: usize, dy: usize, n: i32): void {
  const mask = v128.load(ABS_MASK);
  let mx = i32x4.splat(0);
  let my = mx;
  const bytes = (<usize>n) << 2;
  const end = bytes & ~(<usize>15);
  for (let q: usize = 0; q < end; q += 16) {
    mx = i32x4.max_u(mx, v128.and(v128.load(dx + q), mask));
    my = i32x4.max_u(my, v128.and(v128.load(dy + q), mask));
  }
  let rx = maxLaneU(mx);
  let ry = maxLaneU(my);
  for (let q = end; q < bytes; q += 4) {
    rx = max<u32>(rx, load<u32>(dx + q) & 0x7fffffff);
    ry = max<u32>(ry, load<u32>(dy + q) & 0x7fffffff);
  }
  reachX = rx;
  reachY = ry;
}

/**
 * The u-interval where g(u) = k u + r stays within [lo, hi], intersected with [uLo, uHi] (held in
 * the globals below); f64, so the f32 sums the kernel rounds stay far inside the 1 px margin.
 */
let uLo: f64 = 0;
let uHi: f64 = 0;
function clipLinear(k: f64, r: f64, lo: f64, hi: f64): void {
  if (k > 0) {
    uLo = Math.max(uLo, (lo - r) / k);
    uHi = Math.min(uHi, (hi - r) / k);
  } else if (k < 0) {
    uLo = Math.max(uLo, (hi - r) / k);
    uHi = Math.min(uHi, (lo - r) / k);
  } else if (!(r >= lo && r <= hi)) {
    uHi = -Infinity;
  }
}

/**
 * The stretch of a row of augWarp or augWarpPair whose groups all take the fast path: every tap of every
 * lane inside the image by a margin of 1 px, for any displacement within the row's largest |dx| and
 * |dy| (fieldReach), and every group whole and within [lo, hi) (the pair's label window, or the row). u0 is the u of
 * column 0. Returns the first column (a multiple of 4) and sets stretchEnd; an empty stretch has
 * stretchEnd <= start.
 */
function insideStretch(
  a: f32,
  c: f32,
  rowX: f32,
  rowY: f32,
  u0: f64,
  w: i32,
  h: i32,
  lo: i32,
  hi: i32,
  dx: usize,
  dy: usize,
  n: i32,
): i32 {
  stretchEnd = 0;
  // A NaN or infinite map fails the fast path's test everywhere: no stretch.
  if (!isFinite(a) || !isFinite(c) || !isFinite(rowX) || !isFinite(rowY)) return 0;
  // The row's largest |dx| and |dy|: taps move at most that far either way.
  let rx: f64 = 0;
  let ry: f64 = 0;
  if (dx != 0) {
    fieldReach(dx, dy, n);
    // A NaN or infinite displacement in the row: no stretch.
    if (reachX >= 0x7f800000 || reachY >= 0x7f800000) return 0;
    rx = reinterpret<f32>(reachX);
    ry = reinterpret<f32>(reachY);
  }
  uLo = -1e9;
  uHi = 1e9;
  clipLinear(a, rowX, 1 + rx, <f64>w - 2 - rx);
  clipLinear(c, rowY, 1 + ry, <f64>h - 2 - ry);
  if (!(uLo <= uHi)) return 0;
  // Group x covers u0 + x .. u0 + x + 3.
  const first = Math.max(Math.ceil(uLo - u0), <f64>lo);
  const last = Math.min(Math.floor(uHi - u0) - 3, <f64>hi - 4);
  if (!(first <= last)) return 0;
  const start = ((<i32>first + 3) >> 2) << 2;
  const end = (((<i32>last) >> 2) << 2) + 4;
  stretchEnd = end;
  return start;
}

/**
 * Starts output row y of augWarp or augWarpPair: stores the row's source position at u = 0
 * (K_ROWX, K_ROWY) in WARP and returns the start of its inside stretch within [lo, hi) (see
 * insideStretch; stretchEnd holds the end). par as augWarp's.
 */
function beginRow(
  par: usize,
  y: i32,
  offX: i32,
  offY: i32,
  w: i32,
  h: i32,
  lo: i32,
  hi: i32,
  dx: usize,
  dy: usize,
  outW: i32,
): i32 {
  const cy: f32 = <f32>(h - 1) * 0.5;
  const v: f32 = <f32>(y + offY) - cy;
  const rowX: f32 = load<f32>(par, 4) * v + load<f32>(par, 8); // par[2] = tx + cx
  const rowY: f32 = load<f32>(par, 16) * v + load<f32>(par, 20); // par[5] = ty + cy
  v128.store(WARP, f32x4.splat(rowX), K_ROWX);
  v128.store(WARP, f32x4.splat(rowY), K_ROWY);
  const fieldRow = (<usize>y * <usize>outW) << 2;
  const cx: f32 = <f32>(w - 1) * 0.5;
  return insideStretch(
    load<f32>(par, 0),
    load<f32>(par, 12),
    rowX,
    rowY,
    <f64>offX - <f64>cx,
    w,
    h,
    lo,
    hi,
    dx != 0 ? dx + fieldRow : 0,
    dy != 0 ? dy + fieldRow : 0,
    outW,
  );
}

/**
 * Groups x0 .. x1 - 4 of a row that insideStretch vouched for (every tap 1 px inside): the fast
 * paths of sampleLinear and sampleNearest alone, with no bounds test, in a small function of its
 * own so V8 keeps its values in registers. The nearest pixel is the bilinear top-left tap moved by
 * roundHalfUp's carries (Lanes.nearestTap), the same pixel. withLabel (augWarpPair): the label's
 * nearest byte from the same taps, stored at labBase + x. WARP holds the row's constants.
 */
function warpStretch<T>(
  src: usize,
  w: i32,
  dst: usize,
  dx: usize,
  dy: usize,
  rowIdx: usize,
  offX: i32,
  x0: i32,
  x1: i32,
  nearest: bool,
  lab: usize,
  labBase: usize,
  withLabel: bool,
): void {
  const a = v128.load(WARP, K_A);
  const c = v128.load(WARP, K_C);
  const rowX = v128.load(WARP, K_ROWX);
  const rowY = v128.load(WARP, K_ROWY);
  const half = v128.load(WARP, K_HALF);
  const magic = v128.load(WARP, K_MAGIC);
  const four = v128.load(WARP, K_FOUR);
  const wv = v128.load(WARP, K_W);
  let u = f32x4.sub(
    f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(offX + x0), v128.load(WARP, K_LANE))),
    v128.load(WARP, K_CX),
  );
  for (let x = x0; x < x1; x += 4, u = f32x4.add(u, four)) {
    const i = rowIdx + <usize>x;
    let sx = f32x4.add(f32x4.mul(a, u), rowX);
    let sy = f32x4.add(f32x4.mul(c, u), rowY);
    if (dx != 0) {
      sx = f32x4.add(sx, v128.load(dx + (i << 2)));
      sy = f32x4.add(sy, v128.load(dy + (i << 2)));
    }
    const flx = f32x4.floor(sx);
    const fly = f32x4.floor(sy);
    const off = Lanes.offsets(flx, fly, wv, magic, magic);
    const fx = f32x4.sub(sx, flx);
    const fy = f32x4.sub(sy, fly);
    let r: v128;
    if (nearest) {
      r = Lanes.gatherRaw<T>(src, Lanes.nearestTap(off, fx, fy, half, wv));
    } else {
      r = Lanes.bilinearInside<T>(src, w, off, fx, fy);
      if (!isFloat<T>()) r = Lanes.roundU8(r);
    }
    Lanes.storeOut<T>(dst + (i << alignof<T>()), r, 4);
    if (withLabel) {
      const q = Lanes.gatherRaw<u8>(lab, Lanes.nearestTap(off, fx, fy, half, wv));
      v128.store32_lane(labBase + <usize>x, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q, q), q), 0);
    }
  }
}

function warpImpl<T>(
  src: usize,
  w: i32,
  h: i32,
  dst: usize,
  outW: i32,
  outH: i32,
  offX: i32,
  offY: i32,
  dx: usize,
  dy: usize,
  par: usize,
  nearest: bool,
  constant: bool,
): void {
  const cval = load<f32>(par, 24);
  warpConstants(par, w, h);
  const a = v128.load(WARP, K_A);
  const c = v128.load(WARP, K_C);
  const cx = v128.load(WARP, K_CX);
  const lane = v128.load(WARP, K_LANE);
  const big = v128.load(WARP, K_BIG);
  const half = v128.load(WARP, K_HALF);
  const one = v128.load(WARP, K_ONE);
  const magic = v128.load(WARP, K_MAGIC);
  const magicBits = magic; // the same bits: 1.5 * 2^23 as f32 is 0x4b400000
  const four = v128.load(WARP, K_FOUR);
  const wv = v128.load(WARP, K_W);
  const wf = v128.load(WARP, K_WF);
  const hf = v128.load(WARP, K_HF);
  const wm1 = v128.load(WARP, K_WM1);
  const hm1 = v128.load(WARP, K_HM1);
  const hasField = dx != 0;
  for (let y = 0; y < outH; y++) {
    // The row's middle, where every group takes the fast path, runs in warpStretch.
    const xs = beginRow(par, y, offX, offY, w, h, 0, outW, dx, dy, outW);
    const xe = stretchEnd;
    const rowX = v128.load(WARP, K_ROWX);
    const rowY = v128.load(WARP, K_ROWY);
    const rowIdx = <usize>y * <usize>outW;
    // Output column x + l sits at u = x + offX + l - cx: exact in f32, so stepping by 4 is too.
    let u = f32x4.sub(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(offX), lane)), cx);
    for (let x = 0; x < outW; x += 4, u = f32x4.add(u, four)) {
      if (x == xs && xs < xe) {
        warpStretch<T>(src, w, dst, dx, dy, rowIdx, offX, xs, xe, nearest, 0, 0, false);
        x = xe - 4;
        u = f32x4.sub(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(offX + x), lane)), cx);
        continue;
      }
      const count = outW - x < 4 ? outW - x : 4;
      let sx = f32x4.add(f32x4.mul(a, u), rowX);
      let sy = f32x4.add(f32x4.mul(c, u), rowY);
      const i = rowIdx + <usize>x;
      if (hasField) {
        sx = f32x4.add(sx, Lanes.fieldLoad(dx + (i << 2), count));
        sy = f32x4.add(sy, Lanes.fieldLoad(dy + (i << 2), count));
      }
      let r: v128;
      if (nearest) {
        r = Lanes.sampleNearest<T>(
          src,
          w,
          h,
          sx,
          sy,
          constant,
          cval,
          wv,
          wf,
          hf,
          half,
          one,
          big,
          magic,
          magicBits,
        );
      } else {
        r = Lanes.sampleLinear<T>(src, w, h, sx, sy, constant, cval, wv, wm1, hm1, big, magic, magicBits);
        if (!isFloat<T>()) r = Lanes.roundU8(r);
      }
      Lanes.storeOut<T>(dst + (i << alignof<T>()), r, count);
    }
  }
}

/**
 * warp kernel. kind: 0 = f32 source and output, 1 = u8. par: 7 f32 [a, b, tx + cx, c, d, ty + cy,
 * constant]. dx/dy: 0 or outW*outH f32 each. mode: 0 linear, 1 nearest. boundary: 0 reflect,
 * 1 constant.
 */
export function augWarp(
  kind: i32,
  src: usize,
  w: i32,
  h: i32,
  dst: usize,
  outW: i32,
  outH: i32,
  offX: i32,
  offY: i32,
  dx: usize,
  dy: usize,
  par: usize,
  mode: i32,
  boundary: i32,
): i32 {
  if (kind < 0 || kind > 1 || mode < 0 || mode > 1 || boundary < 0 || boundary > 1) return E_ARGS;
  if (!validSize(w, h) || !validSize(outW, outH)) return E_ARGS;
  if (offX < -(1 << 20) || offX > 1 << 20 || offY < -(1 << 20) || offY > 1 << 20) return E_ARGS;
  const elem: u64 = kind == 0 ? 4 : 1;
  const outN = <u64>outW * <u64>outH;
  if (!inMemory(src, <u64>w * <u64>h * elem) || !inMemory(dst, outN * elem) || !inMemory(par, 28))
    return E_MEMORY;
  if ((dx == 0) != (dy == 0)) return E_ARGS;
  if (dx != 0 && (!inMemory(dx, outN * 4) || !inMemory(dy, outN * 4))) return E_MEMORY;
  if (kind == 0) warpImpl<f32>(src, w, h, dst, outW, outH, offX, offY, dx, dy, par, mode == 1, boundary == 1);
  else warpImpl<u8>(src, w, h, dst, outW, outH, offX, offY, dx, dy, par, mode == 1, boundary == 1);
  return 0;
}

/** Stores lane l of i32x4 v as a byte if x + l lies in [lo, hi). */
function storeLabelLanes(dst: usize, v: v128, x: i32, lo: i32, hi: i32): void {
  // dst points at the label byte of column x (possibly outside the row; only in-range lanes write).
  if (x >= lo && x < hi) store<u8>(dst, <u8>i32x4.extract_lane(v, 0));
  if (x + 1 >= lo && x + 1 < hi) store<u8>(dst + 1, <u8>i32x4.extract_lane(v, 1));
  if (x + 2 >= lo && x + 2 < hi) store<u8>(dst + 2, <u8>i32x4.extract_lane(v, 2));
  if (x + 3 >= lo && x + 3 < hi) store<u8>(dst + 3, <u8>i32x4.extract_lane(v, 3));
}

/**
 * warp of an f32 image (linear) and its u8 label (nearest) in one pass over the image window:
 * the label window is the sub-rectangle (labX, labY, labW, labH) of the image window, and each
 * label pixel uses exactly the source position of the image pixel under it, so the result equals
 * two augWarp calls (the label's with the field window cut at the same place). par: 8 f32, as
 * augWarp's 7 plus the label's constant (an integer in [0, 255]).
 */
export function augWarpPair(
  img: usize,
  lab: usize,
  w: i32,
  h: i32,
  dstImg: usize,
  outW: i32,
  outH: i32,
  offX: i32,
  offY: i32,
  dstLab: usize,
  labX: i32,
  labY: i32,
  labW: i32,
  labH: i32,
  dx: usize,
  dy: usize,
  par: usize,
  boundary: i32,
): i32 {
  if (boundary < 0 || boundary > 1) return E_ARGS;
  if (!validSize(w, h) || !validSize(outW, outH) || !validSize(labW, labH)) return E_ARGS;
  if (labX < 0 || labY < 0 || labX + labW > outW || labY + labH > outH) return E_ARGS;
  if (offX < -(1 << 20) || offX > 1 << 20 || offY < -(1 << 20) || offY > 1 << 20) return E_ARGS;
  const n = <u64>w * <u64>h;
  const outN = <u64>outW * <u64>outH;
  if (!inMemory(img, n * 4) || !inMemory(lab, n) || !inMemory(par, 32)) return E_MEMORY;
  if (!inMemory(dstImg, outN * 4) || !inMemory(dstLab, <u64>labW * <u64>labH)) return E_MEMORY;
  if ((dx == 0) != (dy == 0)) return E_ARGS;
  if (dx != 0 && (!inMemory(dx, outN * 4) || !inMemory(dy, outN * 4))) return E_MEMORY;
  const constant = boundary == 1;
  const cval = load<f32>(par, 24);
  const lval = load<f32>(par, 28);
  if (constant && !(lval >= 0 && lval <= 255 && lval == Mathf.floor(lval))) return E_ARGS;
  warpConstants(par, w, h);
  const a = v128.load(WARP, K_A);
  const c = v128.load(WARP, K_C);
  const cx = v128.load(WARP, K_CX);
  const lane = v128.load(WARP, K_LANE);
  const big = v128.load(WARP, K_BIG);
  const half = v128.load(WARP, K_HALF);
  const one = v128.load(WARP, K_ONE);
  const magic = v128.load(WARP, K_MAGIC);
  const magicBits = magic;
  const four = v128.load(WARP, K_FOUR);
  const wv = v128.load(WARP, K_W);
  const wf = v128.load(WARP, K_WF);
  const hf = v128.load(WARP, K_HF);
  const wm1 = v128.load(WARP, K_WM1);
  const hm1 = v128.load(WARP, K_HM1);
  const labEnd = labX + labW;
  const zero = v128.load(WARP, K_ZERO);
  for (let y = 0; y < outH; y++) {
    const labRow = y >= labY && y < labY + labH;
    // The row's middle, where every group takes the fast path, runs in warpStretch (with the label
    // when the row has one: then the stretch stays within the label window).
    const xs = labRow
      ? beginRow(par, y, offX, offY, w, h, labX, labEnd, dx, dy, outW)
      : beginRow(par, y, offX, offY, w, h, 0, outW, dx, dy, outW);
    const xe = stretchEnd;
    const rowX = v128.load(WARP, K_ROWX);
    const rowY = v128.load(WARP, K_ROWY);
    const rowIdx = <usize>y * <usize>outW;
    // Label byte of image column 0 in this row (never dereferenced outside [labX, labEnd)).
    const labBase = dstLab + <usize>(y - labY) * <usize>labW - <usize>labX;
    // Output column x + l sits at u = x + offX + l - cx: exact in f32, so stepping by 4 is too.
    let u = f32x4.sub(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(offX), lane)), cx);
    for (let x = 0; x < outW; x += 4, u = f32x4.add(u, four)) {
      if (x == xs && xs < xe) {
        warpStretch<f32>(img, w, dstImg, dx, dy, rowIdx, offX, xs, xe, false, lab, labBase, labRow);
        x = xe - 4;
        u = f32x4.sub(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(offX + x), lane)), cx);
        continue;
      }
      const count = outW - x < 4 ? outW - x : 4;
      let sx = f32x4.add(f32x4.mul(a, u), rowX);
      let sy = f32x4.add(f32x4.mul(c, u), rowY);
      const i = rowIdx + <usize>x;
      if (dx != 0) {
        sx = f32x4.add(sx, Lanes.fieldLoad(dx + (i << 2), count));
        sy = f32x4.add(sy, Lanes.fieldLoad(dy + (i << 2), count));
      }
      const wantLabel = labRow && x + 4 > labX && x < labEnd;
      const flx = f32x4.floor(sx);
      const fly = f32x4.floor(sy);
      const inside = v128.and(
        v128.and(f32x4.ge(flx, zero), f32x4.lt(flx, wm1)),
        v128.and(f32x4.ge(fly, zero), f32x4.lt(fly, hm1)),
      );
      let r: v128;
      let q = zero;
      if (i32x4.all_true(inside)) {
        // Every tap inside (sampleLinear's fast path), and the label's nearest pixel is one of the
        // four taps: one column on where fx >= 0.5, one row down where fy >= 0.5 (roundHalfUp).
        const off = Lanes.offsets(flx, fly, wv, magic, magicBits);
        const fx = f32x4.sub(sx, flx);
        const fy = f32x4.sub(sy, fly);
        r = Lanes.bilinearInside<f32>(img, w, off, fx, fy);
        if (wantLabel) {
          q = Lanes.gatherRaw<u8>(lab, Lanes.nearestTap(off, fx, fy, half, wv));
        }
      } else {
        r = Lanes.sampleLinear<f32>(img, w, h, sx, sy, constant, cval, wv, wm1, hm1, big, magic, magicBits);
        if (wantLabel) {
          q = Lanes.sampleNearest<u8>(
            lab,
            w,
            h,
            sx,
            sy,
            constant,
            lval,
            wv,
            wf,
            hf,
            half,
            one,
            big,
            magic,
            magicBits,
          );
        }
      }
      Lanes.storeOut<f32>(dstImg + (i << 2), r, count);
      if (wantLabel) {
        if (x >= labX && x + 4 <= labEnd) {
          const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q, q), q);
          v128.store32_lane(labBase + <usize>x, bytes, 0);
        } else {
          storeLabelLanes(labBase + <usize>x, q, x, labX, labEnd);
        }
      }
    }
  }
  return 0;
}
