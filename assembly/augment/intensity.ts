// Intensity transforms of a f32 image: gamma, contrast about a pivot, brightness, and additive
// Gaussian noise drawn from the xoshiro128** stream (Box-Muller pairs).
import { E_ARGS, E_MEMORY, inMemory } from './util';
import { rngLoad, rngStore, rngNext } from './xoshiro';

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

/** out = img + std * z, z standard normal from Box-Muller pairs (cos then sin) of the stream. */
export function augGaussianNoise(img: usize, out: usize, n: i32, std: f64, state: usize): i32 {
  if (n < 0 || n > 1 << 28) return E_ARGS;
  if (!inMemory(state, 16)) return E_MEMORY;
  if (n > 0 && (!inMemory(img, (<u64>n) << 2) || !inMemory(out, (<u64>n) << 2))) return E_MEMORY;
  rngLoad(state);
  const twoPi: f64 = 6.283185307179586;
  for (let i = 0; i < n; i += 2) {
    const u = 1.0 - rngNext();
    const v = rngNext();
    const r = Math.sqrt(-2.0 * Math.log(u)) * std;
    const t = twoPi * v;
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(img + o) + <f32>(r * Math.cos(t)));
    if (i + 1 < n) store<f32>(out + o + 4, load<f32>(img + o + 4) + <f32>(r * Math.sin(t)));
  }
  rngStore(state);
  return 0;
}
