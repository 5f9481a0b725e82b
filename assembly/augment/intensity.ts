// Intensity transforms of a f32 image: gamma, contrast about a pivot, brightness, and additive
// Gaussian noise drawn from the xoshiro128** stream (Box-Muller pairs).
import { E_ARGS, E_MEMORY, inMemory } from './util';
import { rngLoad, rngStore, rngNext } from './xoshiro';

/**
 * out = g(x) * contrast + (pivot * (1 - contrast) + brightness), g(x) = gamma == 1 ? x : max(x, 0)^gamma.
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
    for (let i = 0; i < n; i++) {
      const x = load<f32>(img + ((<usize>i) << 2));
      store<f32>(out + ((<usize>i) << 2), x > 0 ? <f32>Math.pow(<f64>x, <f64>gamma) : 0);
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
