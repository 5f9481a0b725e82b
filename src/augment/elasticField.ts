import { elasticFieldWasm } from '../kernels/augment.js';
import { Rng } from '../random/index.js';
import { dericheCoefficients, MAX_SIGMA } from './deriche.js';
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
 * [-1, 1) drawn from `new Rng(seed)` (all of dx, then all of dy), each Gaussian-blurred with
 * `sigma` and multiplied by `alpha`. Same seed, same field, on every platform (the noise is
 * xoshiro128** and the blur runs in WASM). Feed it to `warp` as `{ dx, dy }`.
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
  const rng = new Rng(seed);
  if (sigma === 0) {
    const n = width * height;
    const dx = new Float32Array(n);
    const dy = new Float32Array(n);
    for (let i = 0; i < n; i++) dx[i] = alpha * rng.uniform(-1, 1);
    for (let i = 0; i < n; i++) dy[i] = alpha * rng.uniform(-1, 1);
    return { dx, dy };
  }
  return elasticFieldWasm(rng.getState(), width, height, dericheCoefficients(sigma), alpha);
}
