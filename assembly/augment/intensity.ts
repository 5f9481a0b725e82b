// Intensity transforms of a f32 image: gamma, contrast about a pivot, brightness, and additive
// Gaussian noise drawn from the xoshiro128** stream (Box-Muller pairs).
import { E_ARGS, E_MEMORY, inMemory } from './util';

// Constants of powPos, all exactly representable in f32 (mirrored in src/augment/reference/pow.ts).
const SQRT2: f32 = 1.4142135623730951;
const INV_LN2: f32 = 1.4426950408889634;
const LN2: f32 = 0.6931471805599453;
const MIN_NORMAL: f32 = 1.1754943508222875e-38;

/**
 * max(x, 0)^g for f32x4, g > 0, within ~5e-6 relative: 2^(g log2 x) with log via
 * 2 atanh((m-1)/(m+1)) on the mantissa m in [sqrt(1/2), sqrt(2)] and 2^f by a degree-6
 * polynomial about f = 1/2. Zero, negative, subnormal and NaN x give 0. Every step is one IEEE
 * f32 operation, so the plain-TS oracle reproduces it bit for bit.
 */
function powPos(x: v128, g: v128): v128 {
  const valid = f32x4.ge(x, f32x4.splat(MIN_NORMAL)); // false for NaN too
  const bits = v128.bitselect(x, f32x4.splat(1), valid);
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(127));
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(SQRT2));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  e = i32x4.sub(e, big); // big lanes are -1, so e + 1
  const t = f32x4.div(f32x4.sub(m, f32x4.splat(1)), f32x4.add(m, f32x4.splat(1)));
  const t2 = f32x4.mul(t, t);
  let p = f32x4.splat(<f32>(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 7.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 5.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 3.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(1));
  const lnm = f32x4.mul(f32x4.mul(t, p), f32x4.splat(2));
  const log2x = f32x4.add(f32x4.convert_i32x4_s(e), f32x4.mul(lnm, f32x4.splat(INV_LN2)));
  let y = f32x4.mul(g, log2x);
  y = f32x4.pmax(f32x4.splat(-126), f32x4.pmin(f32x4.splat(127), y));
  const fl = f32x4.floor(y);
  const z = f32x4.mul(f32x4.sub(f32x4.sub(y, fl), f32x4.splat(0.5)), f32x4.splat(LN2));
  let q = f32x4.splat(<f32>(1.0 / 720.0));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(<f32>(1.0 / 120.0)));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(<f32>(1.0 / 24.0)));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(<f32>(1.0 / 6.0)));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(0.5));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(1));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(1));
  q = f32x4.mul(q, f32x4.splat(SQRT2));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fl), i32x4.splat(127)), 23);
  return v128.and(f32x4.mul(q, scale), valid);
}

/**
 * out = g(x) * contrast + (pivot * (1 - contrast) + brightness), g(x) = gamma == 1 ? x : powPos(x, gamma).
 * pivotIsMean: the pivot is the mean of g(x) (summed in f64, in order), else `pivot`.
 * par: 4 f32 [contrast, brightness, gamma, pivot]. Returns the pivot used through par[3].
 */
export function augAdjustIntensity(img: usize, out: usize, n: i32, par: usize, pivotIsMean: i32): i32 {
  if (n < 0 || n > 1 << 28) return E_ARGS;
  if (!inMemory(par, 16)) return E_MEMORY;
  if (n > 0 && (!inMemory(img, (<u64>n) << 2) || !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  const contrast = load<f32>(par, 0);
  const brightness = load<f32>(par, 4);
  const gamma = load<f32>(par, 8);
  let src = img;
  if (gamma != 1) {
    const g = f32x4.splat(gamma);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(out + o, powPos(v128.load(img + o), g));
    }
    for (; i < n; i++) {
      const o = (<usize>i) << 2;
      store<f32>(out + o, f32x4.extract_lane(powPos(f32x4.splat(load<f32>(img + o)), g), 0));
    }
    src = out;
  }
  let pivot = load<f32>(par, 12);
  if (pivotIsMean != 0) {
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) sum += <f64>load<f32>(src + ((<usize>i) << 2));
    pivot = n > 0 ? <f32>(sum / <f64>n) : 0;
    store<f32>(par, pivot, 12);
  }
  // out = x * contrast + (pivot * (1 - contrast) + brightness): exact identity for (1, 0).
  const qs: f32 = pivot * (1 - contrast) + brightness;
  const k = f32x4.splat(contrast);
  const q = f32x4.splat(qs);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.add(f32x4.mul(v128.load(src + o), k), q));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(src + o) * contrast + qs);
  }
  return 0;
}

/** Natural log of f32x4 lanes that are positive normal floats (same series as powPos). */
function lnNormal(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(SQRT2));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  e = i32x4.sub(e, big);
  const t = f32x4.div(f32x4.sub(m, f32x4.splat(1)), f32x4.add(m, f32x4.splat(1)));
  const t2 = f32x4.mul(t, t);
  let p = f32x4.splat(<f32>(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 7.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 5.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(<f32>(1.0 / 3.0)));
  p = f32x4.add(f32x4.mul(p, t2), f32x4.splat(1));
  const lnm = f32x4.mul(f32x4.mul(t, p), f32x4.splat(2));
  return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(e), f32x4.splat(LN2)), lnm);
}

const HALF_PI: f32 = 1.5707963267948966;
const HALF_SQRT2: f32 = 0.7071067811865476;
const TWO_M24: f32 = 5.960464477539063e-8; // 2^-24

/** One xoshiro128** step on four lanes (states s[0..3] hold word j of every lane). */
function step4(st: usize): v128 {
  let s0 = v128.load(st);
  let s1 = v128.load(st, 16);
  let s2 = v128.load(st, 32);
  let s3 = v128.load(st, 48);
  const m = i32x4.mul(s1, i32x4.splat(5));
  const r = i32x4.mul(v128.or(i32x4.shl(m, 7), i32x4.shr_u(m, 25)), i32x4.splat(9));
  const t = i32x4.shl(s1, 9);
  s2 = v128.xor(s2, s0);
  s3 = v128.xor(s3, s1);
  s1 = v128.xor(s1, s2);
  s0 = v128.xor(s0, s3);
  s2 = v128.xor(s2, t);
  s3 = v128.or(i32x4.shl(s3, 11), i32x4.shr_u(s3, 21));
  v128.store(st, s0);
  v128.store(st, s1, 16);
  v128.store(st, s2, 32);
  v128.store(st, s3, 48);
  return r;
}

/**
 * out = img + std * z, z standard normal by Box-Muller on four xoshiro128** lanes (states:
 * lane k's 4 words at states + 16 k). Per group of 8 outputs: draws a, b on every lane,
 * u = ((a >>> 8) + 1) 2^-24 in (0, 1], v = (b >>> 8) 2^-24, R = sqrt(-2 ln u), and outputs
 * R cos(2 pi v) for lanes 0..3 then R sin(2 pi v) for lanes 0..3. ln, sin and cos are f32
 * polynomials (src/augment/reference/intensity.ts mirrors them bit for bit).
 */
export function augGaussianNoise(img: usize, out: usize, n: i32, std: f32, states: usize): i32 {
  if (n < 0 || n > 1 << 28) return E_ARGS;
  if (!inMemory(states, 64)) return E_MEMORY;
  if (n > 0 && (!inMemory(img, (<u64>n) << 2) || !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  // Word-major in place while drawing (vector j = word j of every lane), lane-major again after.
  transpose4(states);
  const sd = f32x4.splat(std);
  for (let i = 0; i < n; i += 8) {
    const a = step4(states);
    const b = step4(states);
    const u = f32x4.mul(
      f32x4.convert_i32x4_s(i32x4.add(i32x4.shr_u(a, 8), i32x4.splat(1))),
      f32x4.splat(TWO_M24),
    );
    const v = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_u(b, 8)), f32x4.splat(TWO_M24));
    const r = f32x4.mul(f32x4.sqrt(f32x4.mul(f32x4.splat(-2), lnNormal(u))), sd);
    const q = f32x4.mul(v, f32x4.splat(4));
    const kf = f32x4.floor(q);
    const k = i32x4.trunc_sat_f32x4_s(kf);
    const phi = f32x4.mul(f32x4.sub(f32x4.sub(q, kf), f32x4.splat(0.5)), f32x4.splat(HALF_PI));
    const p2 = f32x4.mul(phi, phi);
    let sp = f32x4.splat(<f32>(-1.0 / 5040.0));
    sp = f32x4.add(f32x4.mul(sp, p2), f32x4.splat(<f32>(1.0 / 120.0)));
    sp = f32x4.add(f32x4.mul(sp, p2), f32x4.splat(<f32>(-1.0 / 6.0)));
    sp = f32x4.add(f32x4.mul(sp, p2), f32x4.splat(1));
    const sinPhi = f32x4.mul(sp, phi);
    let cp = f32x4.splat(<f32>(1.0 / 40320.0));
    cp = f32x4.add(f32x4.mul(cp, p2), f32x4.splat(<f32>(-1.0 / 720.0)));
    cp = f32x4.add(f32x4.mul(cp, p2), f32x4.splat(<f32>(1.0 / 24.0)));
    cp = f32x4.add(f32x4.mul(cp, p2), f32x4.splat(-0.5));
    const cosPhi = f32x4.add(f32x4.mul(cp, p2), f32x4.splat(1));
    // alpha = phi + pi/4, theta = k pi/2 + alpha.
    const sa = f32x4.mul(f32x4.add(sinPhi, cosPhi), f32x4.splat(HALF_SQRT2));
    const ca = f32x4.mul(f32x4.sub(cosPhi, sinPhi), f32x4.splat(HALF_SQRT2));
    const k1 = i32x4.eq(k, i32x4.splat(1));
    const k2 = i32x4.eq(k, i32x4.splat(2));
    const k3 = i32x4.eq(k, i32x4.splat(3));
    let c = v128.bitselect(f32x4.neg(sa), ca, k1);
    c = v128.bitselect(f32x4.neg(ca), c, k2);
    c = v128.bitselect(sa, c, k3);
    let s = v128.bitselect(ca, sa, k1);
    s = v128.bitselect(f32x4.neg(sa), s, k2);
    s = v128.bitselect(f32x4.neg(ca), s, k3);
    const z0 = f32x4.mul(r, c);
    const z1 = f32x4.mul(r, s);
    const o = (<usize>i) << 2;
    if (i + 8 <= n) {
      v128.store(out + o, f32x4.add(v128.load(img + o), z0));
      v128.store(out + o + 16, f32x4.add(v128.load(img + o + 16), z1));
    } else {
      for (let j = 0; j < n - i; j++) {
        const zj =
          j == 0
            ? f32x4.extract_lane(z0, 0)
            : j == 1
              ? f32x4.extract_lane(z0, 1)
              : j == 2
                ? f32x4.extract_lane(z0, 2)
                : j == 3
                  ? f32x4.extract_lane(z0, 3)
                  : j == 4
                    ? f32x4.extract_lane(z1, 0)
                    : j == 5
                      ? f32x4.extract_lane(z1, 1)
                      : f32x4.extract_lane(z1, 2);
        const oj = o + ((<usize>j) << 2);
        store<f32>(out + oj, load<f32>(img + oj) + zj);
      }
    }
  }
  transpose4(states);
  return 0;
}

/** Transposes the 4x4 u32 matrix at p (lane-major <-> word-major). */
function transpose4(p: usize): void {
  const a = v128.load(p);
  const b = v128.load(p, 16);
  const c = v128.load(p, 32);
  const d = v128.load(p, 48);
  const ab0 = v128.shuffle<i32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<i32>(a, b, 2, 6, 3, 7);
  const cd0 = v128.shuffle<i32>(c, d, 0, 4, 1, 5);
  const cd1 = v128.shuffle<i32>(c, d, 2, 6, 3, 7);
  v128.store(p, v128.shuffle<i32>(ab0, cd0, 0, 1, 4, 5));
  v128.store(p, v128.shuffle<i32>(ab0, cd0, 2, 3, 6, 7), 16);
  v128.store(p, v128.shuffle<i32>(ab1, cd1, 0, 1, 4, 5), 32);
  v128.store(p, v128.shuffle<i32>(ab1, cd1, 2, 3, 6, 7), 48);
}
