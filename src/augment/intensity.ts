import { adjustIntensityWasm, gaussianNoiseWasm } from '../kernels/augment.js';
import { AugmentError } from './errors.js';
import { fieldNoiseStates } from './fieldNoise.js';
import { checkFinite, checkSeed } from './validate.js';

/** Options of `adjustIntensity`. */
export interface IntensityOptions {
  /** Added after the contrast change; default 0. */
  brightness?: number;
  /** Multiplies the deviation from the pivot; default 1. */
  contrast?: number;
  /**
   * Applied first as max(x, 0)^gamma (for images scaled to [0, 1]; SIMD exp2/log2 polynomials, within
   * 5e-6 relative of Math.pow; values below 2^-126 become 0); default 1 = off.
   */
  gamma?: number;
  /** Contrast pivot; default 'mean' (the mean of the image after gamma). */
  pivot?: number | 'mean';
}

/**
 * out = (g(x) - pivot) * contrast + pivot + brightness, with g(x) = max(x, 0)^gamma when gamma is
 * not 1, computed as g(x) * contrast + (pivot * (1 - contrast) + brightness) in f32 (so the
 * neutral settings return the input exactly). f32 image in, new f32 image out; no clamping.
 * @throws AugmentError on a non-Float32Array image or non-finite options (gamma must be > 0).
 */
export function adjustIntensity(img: Float32Array, options: IntensityOptions = {}): Float32Array {
  if (!(img instanceof Float32Array)) throw new AugmentError('img must be a Float32Array');
  const { brightness = 0, contrast = 1, gamma = 1, pivot = 'mean' } = options;
  checkFinite(brightness, 'brightness');
  checkFinite(contrast, 'contrast');
  checkFinite(gamma, 'gamma');
  if (gamma <= 0) throw new AugmentError(`gamma must be > 0, got ${gamma}`);
  if (pivot !== 'mean') checkFinite(pivot, 'pivot');
  return adjustIntensityWasm(img, contrast, brightness, gamma, pivot === 'mean' ? undefined : pivot);
}

/** Options of `addGaussianNoise`. */
export interface NoiseOptions {
  /** Standard deviation of the noise (>= 0). */
  std: number;
  /** Seed of the noise (`new Rng(seed)`). */
  seed: number;
}

/**
 * img + std * N(0, 1) per pixel. The normals are Box-Muller pairs drawn from four Rng lanes
 * (new Rng(mixSeed(seed, k)), k = 0..3) with f32 SIMD polynomials for ln, sin and cos (about
 * 1e-6 relative): same seed, same noise everywhere; addGaussianNoiseJs is its bit-exact mirror.
 * @throws AugmentError on a non-Float32Array image, negative std or a bad seed.
 */
export function addGaussianNoise(img: Float32Array, options: NoiseOptions): Float32Array {
  if (!(img instanceof Float32Array)) throw new AugmentError('img must be a Float32Array');
  const { std, seed } = options ?? ({} as NoiseOptions);
  checkFinite(std, 'std');
  if (std < 0) throw new AugmentError(`std must be >= 0, got ${std}`);
  checkSeed(seed);
  return gaussianNoiseWasm(img, std, fieldNoiseStates(seed).slice(0, 16));
}
