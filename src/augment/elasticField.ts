import { elasticFieldWasm } from '../kernels/augment.js';
import { dericheCoefficients, MAX_SIGMA } from './deriche.js';
import { fieldNoiseJs, fieldNoiseStates } from './fieldNoise.js';
import { checkFinite, checkRange, checkSeed, checkSize } from './validate.js';

/** Options of `elasticField`. */
export interface ElasticFieldOptions {
  /** Displacement scale in pixels (Simard et al.'s alpha). */
  alpha: number;
  /** Smoothness: standard deviation of the Gaussian, in pixels, in [0, 1000]. */
  sigma: number;
  /** Seed of the noise (any finite number; see `Rng`). */
  seed: number;
}

/**
 * Random elastic displacement field (Simard et al., 2003): `dx` and `dy` are uniform noise in
 * [-1, 1) from the project's Rng (four interleaved xoshiro128** streams per component, seeded by
 * mixSeed(seed, k); see fieldNoise.ts), each Gaussian-blurred with `sigma` and multiplied by
 * `alpha`. Same seed, same field, on every platform (integer noise, the blur runs in WASM). Feed it to `warp` as `{ dx, dy }`.
 * @throws AugmentError on bad sizes or options.
 */
export function elasticField(
  width: number,
  height: number,
  options: ElasticFieldOptions,
): { dx: Float32Array; dy: Float32Array } {
  checkSize(width, height, 'field');
  const { alpha, sigma, seed } = options ?? ({} as ElasticFieldOptions);
  checkFinite(alpha, 'alpha');
  checkRange(sigma, 0, MAX_SIGMA, 'sigma');
  checkSeed(seed);
  if (sigma === 0) {
    const n = width * height;
    return {
      dx: fieldNoiseJs(seed, 0, n).map((v) => v * alpha),
      dy: fieldNoiseJs(seed, 1, n).map((v) => v * alpha),
    };
  }
  return elasticFieldWasm(fieldNoiseStates(seed), width, height, dericheCoefficients(sigma), alpha);
}
